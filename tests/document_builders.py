"""Building the files people receive from a text document, for tests that check every format
reads as its text does: lines with tabs become a ruled Word table (or sheet rows), other lines
paragraphs; LibreOffice then saves the Word file as .doc or PDF."""

from __future__ import annotations

import io
from pathlib import Path

from tests.policytext.formats.office_support import soffice_convert


def docx_from_text(text: str) -> bytes:
    """Paragraphs and ruled tables ("Table Grid"); rows may break across pages. (No repeated
    header row: LibreOffice 7.4 repeats the wrong row when it also splits rows; the PDF reader's
    own tests cover repeated headers on a table LibreOffice lays out correctly.)"""
    from docx import Document

    document = Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if not rows:
            return
        width = max(len(r) for r in rows)
        table = document.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                table.cell(r, c).text = value
        document.add_paragraph("")
        rows.clear()

    for line in text.split("\n"):
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        flush()
        document.add_paragraph(line.lstrip("#").strip())
    flush()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_from_text(text: str) -> bytes:
    """One sheet, a row per line, a cell per tab-separated value (numbers stored as numbers)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "任务清单"
    for line in text.split("\n"):
        cells: list[object] = []
        for value in line.lstrip("#").strip().split("\t") if line.strip() else [""]:
            cells.append(int(value) if value.isdigit() and len(value) < 10 else value)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def every_format(name: str, text: str, folder: Path) -> dict[str, bytes]:
    """The document as .txt, .docx, .doc, .xlsx and .pdf, keyed by file name."""
    stem = name.rsplit(".", 1)[0]
    docx = docx_from_text(text)
    converted = soffice_convert({f"{stem}.docx": docx}, "doc", folder / "doc")
    converted |= soffice_convert({f"{stem}.docx": docx}, "pdf", folder / "pdf")
    return {
        f"{stem}.txt": text.encode("utf-8"),
        f"{stem}.docx": docx,
        f"{stem}.xlsx": xlsx_from_text(text),
        **converted,
    }
