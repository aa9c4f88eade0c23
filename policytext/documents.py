"""Reading an uploaded file: the one entry point for task lists and reports alike.

Pure module (no Django). ``read(name, data)`` recognises the file by its content (the suffix only
decides between formats that share a container), applies the limits, and hands it to the reader
of its format in policytext.formats; every reader returns a ``Document`` whose lines remember
where they came from (page, table, row, sheet). The parsers read ``Document.text``:
- .txt / .md: UTF-8 (with or without BOM) or GBK/GB18030;
- .docx: paragraphs and tables in document order; .doc and .wps through LibreOffice;
- .xlsx, and .xls: every sheet, merged cells filled;
- .pdf with a text layer: running headers, footers and page numbers removed, paragraphs
  re-flowed, tables recovered with their cells. A scan is refused (no OCR).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .formats import Document, DocumentError, Line, Origin
from .formats.limits import MAX_RATIO, MAX_UNPACKED

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Document",
    "DocumentError",
    "Limits",
    "Line",
    "LocatedError",
    "Origin",
    "decode_text",
    "read",
    "read_document",
    "split_cells",
]

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
WORD_SUFFIXES = (".docx", ".doc", ".wps")
SHEET_SUFFIXES = (".xlsx", ".xls")
PDF_SUFFIXES = (".pdf",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + WORD_SUFFIXES + SHEET_SUFFIXES + PDF_SUFFIXES
# What the upload forms, the API and the commands say is accepted.
ACCEPTED = (
    "文本（.txt、.md，UTF-8 或 GBK）、Word（.docx、.doc、.wps）、"
    "Excel（.xlsx、.xls）或带文字层的 PDF"
)

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Word, WPS and Excel files
_PDF = b"%PDF-"


@dataclass(frozen=True)
class Limits:
    """What one file may cost. Each is refused with a message naming the limit."""

    max_bytes: int = 20 * 1024 * 1024
    max_pages: int = 300  # PDF pages
    max_unzipped: int = MAX_UNPACKED  # .docx/.xlsx: all parts together, uncompressed
    max_ratio: float = MAX_RATIO  # .docx/.xlsx: uncompressed ÷ compressed of one large part
    seconds: float = 120.0  # converting a .doc/.wps, reading a PDF


DEFAULT_LIMITS = Limits()


class LocatedError(ValueError):
    """A document that was read but cannot be used, saying where: "第 N 行（字段）：…", or, for a
    Word, Excel or PDF file, the place a person finds it by ("第 3 页，表 1 第 4 行（字段）：…").
    ``line`` is 1-based in the document's text, or None for the whole file."""

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        field_name: str | None = None,
        place: str = "",
    ):
        self.line = line
        self.field_name = field_name
        self.place = place
        where = place or (f"第 {line} 行" if line else "文件")
        if field_name:
            where += f"（{field_name}）"
        super().__init__(f"{where}：{message}")
        self.bare_message = message

    def placed(self, document: Document) -> LocatedError:
        """The same error with its line turned into the place in ``document``'s original file."""
        place = document.where(self.line)
        if not place:
            return self
        return type(self)(
            self.bare_message, line=self.line, field_name=self.field_name, place=place
        )


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
            f"无法识别文件编码：文件含二进制内容，不是 UTF-8 或 GBK 文本；请上传{ACCEPTED}"
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


def read(name: str, data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> Document:
    """The document in an uploaded file. Raises DocumentError saying why it cannot be read."""
    if not data:
        raise DocumentError("文件是空的，请检查后重新上传")
    if len(data) > limits.max_bytes:
        raise DocumentError(
            f"文件过大（{len(data) / 1024 / 1024:.1f} MB），"
            f"超过 {limits.max_bytes // 1024 // 1024} MB 的上限"
        )
    suffix = "." + name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if data.startswith(_PDF):
        from .formats.pdf import read_pdf

        return read_pdf(data, max_pages=limits.max_pages, timeout=limits.seconds)
    if data.startswith(_ZIP):
        return _read_package(data, suffix, limits)
    if data.startswith(_OLE):
        return _read_binary_office(data, suffix, limits)
    if suffix in WORD_SUFFIXES + SHEET_SUFFIXES + PDF_SUFFIXES:
        raise DocumentError(_damaged(suffix))  # the name says one format, the content another
    if suffix and suffix not in TEXT_SUFFIXES:
        raise DocumentError(f"不支持的文件类型 {suffix}：请上传{ACCEPTED}")
    return Document.from_text(decode_text(data))


def _read_package(data: bytes, suffix: str, limits: Limits) -> Document:
    """A zip container: Word or Excel by the parts it holds, not by its name."""
    import zipfile
    from io import BytesIO

    try:
        names = set(zipfile.ZipFile(BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise DocumentError(_damaged(suffix)) from exc
    # The readers check the package against the limits (a zip bomb) before they expand it.
    if "word/document.xml" in names:
        from .formats.word import read_docx

        return read_docx(data, max_total=limits.max_unzipped, max_ratio=limits.max_ratio)
    if "xl/workbook.xml" in names:
        from .formats.sheet import read_xlsx

        return read_xlsx(data, max_total=limits.max_unzipped, max_ratio=limits.max_ratio)
    raise DocumentError(_damaged(suffix))


def _read_binary_office(data: bytes, suffix: str, limits: Limits) -> Document:
    """An OLE file: old Excel by its workbook stream, else old Word or WPS (converted)."""
    directory = data[: 64 * 1024] + data[-64 * 1024 :]
    if suffix == ".xls" or b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k\x00" in directory:
        from .formats.sheet import read_xls

        return read_xls(data)
    from .formats.word import read_word_binary

    return read_word_binary(
        data, suffix=suffix if suffix in (".doc", ".wps") else ".doc", timeout=limits.seconds
    )


def _damaged(suffix: str) -> str:
    if suffix in SHEET_SUFFIXES:
        return f"无法打开 Excel 文件（文件损坏或不是 {suffix} 格式）"
    if suffix in PDF_SUFFIXES:
        return "无法打开 PDF 文件（文件损坏或不是 PDF 格式）"
    return f"无法打开 Word 文件（文件损坏或不是 {suffix or '.docx'} 格式）"


def read_document(name: str, data: bytes) -> str:
    """The text of an uploaded file (``read(name, data).text``), for callers that need no places."""
    return read(name, data).text
