"""Turning an uploaded file into plain text lines: UTF-8 or GBK text, markdown, or a Word .docx.

Pure module (python-docx is the only dependency). A .docx comes out as one line per paragraph and
one tab-separated line per table row, in document order, so that the text extractors read Word
files and text files the same way.
"""

from __future__ import annotations

import io
import re

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
WORD_SUFFIXES = (".docx",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + WORD_SUFFIXES


class DocumentError(ValueError):
    """The file cannot be read as text; the message is for the person who uploaded it."""


class LocatedError(ValueError):
    """A document that was read but cannot be used, saying where: "第 N 行（字段）：…".
    ``line`` is 1-based, or None for the whole file."""

    def __init__(self, message: str, *, line: int | None = None, field_name: str | None = None):
        self.line = line
        self.field_name = field_name
        where = f"第 {line} 行" if line else "文件"
        if field_name:
            where += f"（{field_name}）"
        super().__init__(f"{where}：{message}")
        self.bare_message = message


def split_cells(line: str, markdown: bool | None = None) -> list[str]:
    """The cells of one table row: tab-separated, or a markdown row "| a | b |" (detected when
    ``markdown`` is None). Cells are stripped; empty cells are kept, they carry position."""
    if markdown is None:
        markdown = line.lstrip().startswith("|")
    if markdown:
        inner = line.strip()
        inner = inner[1:] if inner.startswith("|") else inner
        inner = inner[:-1] if inner.endswith("|") else inner
        return [c.strip() for c in inner.split("|")]
    return [c.strip() for c in line.rstrip("\n").split("\t")]


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GBK; anything else is refused rather than garbled."""
    if b"\x00" in data[:4096]:
        raise DocumentError(
            "无法识别文件编码：文件含二进制内容，不是 UTF-8 或 GBK 文本，请上传 .txt、.md 或 .docx 文件"
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "gb18030" and not re.search(r"[\u4e00-\u9fff]", text):
            break
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise DocumentError("无法识别文件编码，请另存为 UTF-8 或 GBK 文本后重新上传")


def docx_to_text(data: bytes) -> str:
    """Paragraphs and table rows of a .docx in document order; table cells joined by tabs."""
    from docx import Document  # imported here: only Word uploads need it

    # An uploaded file is untrusted: a damaged package fails wherever python-docx first trips on
    # it (BadZipFile, KeyError, lxml's XMLSyntaxError, AttributeError on a part without the
    # expected element…), while opening or while walking the body. Every such failure is the
    # file's, not ours, and is reported as such.
    try:
        return _docx_lines(Document(io.BytesIO(data)))
    except Exception as exc:
        raise DocumentError("无法打开 Word 文件（文件损坏或不是 .docx 格式）") from exc


def _docx_lines(document) -> str:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells: list[str] = []
                seen: list[object] = []  # kept alive, so lxml hands back the same proxy objects
                for cell in row.cells:
                    # A merged cell is returned once per grid column it spans; keep it once.
                    if any(cell._tc is other for other in seen):
                        continue
                    seen.append(cell._tc)
                    cells.append(" ".join(cell.text.split()))
                lines.append("\t".join(cells))
            lines.append("")
    return "\n".join(lines)


def read_document(name: str, data: bytes) -> str:
    """The text of an uploaded file, chosen by its suffix. Raises DocumentError with a reason."""
    lowered = name.lower()
    if lowered.endswith(WORD_SUFFIXES):
        return docx_to_text(data)
    if lowered.endswith(".doc"):
        raise DocumentError("不支持旧版 Word（.doc）文件，请在 Word 中另存为 .docx 后重新上传")
    if lowered.endswith(".pdf"):
        raise DocumentError(
            "暂不支持 PDF：PDF 中的表格无法可靠还原，请上传 Word（.docx）或文本文件"
        )
    if lowered.endswith(TEXT_SUFFIXES):
        return decode_text(data)
    raise DocumentError("不支持的文件类型，请上传 .txt、.md 或 .docx 文件")
