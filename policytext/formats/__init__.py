"""Reading the files people receive into lines that remember where they came from.

Pure (no Django). Each format has its reader in this package (text, Word, spreadsheets, PDF); all
of them return a ``Document``: lines of text in reading order, a paragraph per line and a table
row per line with its cells joined by tabs, each with the ``Origin`` it was read from. The task-list
parser and the report extractor read ``Document.text`` exactly as they read a text file, and report
line numbers; ``Document.where(line)`` turns such a number back into the place in the original
file ("第 12 页，表 3 第 4 行"), which is what a person checks against the document they hold.

policytext.documents.read_document is the one entry point; it chooses the reader by the file's
suffix and content and applies the limits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


class DocumentError(ValueError):
    """The file cannot be read; the message is for the person who uploaded it, in Chinese, and
    says what and where (page, sheet) when there is a where."""


@dataclass(frozen=True)
class Origin:
    """Where a line was read from in the original file. Every part is optional: a text file's
    lines have none (their line number is the place), a Word paragraph has none, a PDF line its
    page, a table row its table and row, a spreadsheet row its sheet and row."""

    page: int | None = None  # 1-based page of a PDF
    sheet: str | None = None  # a workbook's sheet name
    table: int | None = None  # 1-based table number in the document (or on the sheet)
    row: int | None = None  # 1-based row within that table or sheet

    def describe(self) -> str:
        """The place in Chinese, as a person looks it up: "第 12 页，表 3 第 4 行"."""
        parts: list[str] = []
        sheet = f"工作表“{self.sheet}”" if self.sheet is not None else ""
        if self.page is not None:
            parts.append(f"第 {self.page} 页")
        if self.table is not None:
            parts.append(f"表 {self.table}" + (f" 第 {self.row} 行" if self.row else ""))
        elif self.row is not None:
            parts.append(f"第 {self.row} 行")
        return sheet + "，".join(parts)


NO_ORIGIN = Origin()


@dataclass(frozen=True)
class Line:
    """One line of a document: a paragraph, or a table row with its cells joined by tabs. The
    text never holds a newline or (outside a table row) a tab."""

    text: str
    origin: Origin = NO_ORIGIN


@dataclass(frozen=True)
class Document:
    """A file as read: its lines in reading order and the format they were read from."""

    lines: tuple[Line, ...]
    format: str  # "text", "docx", "doc", "xlsx", "xls", "pdf"
    pages: int | None = None  # a PDF's page count
    notes: tuple[str, ...] = field(default=())  # what the reader set aside (e.g. running headers)

    @classmethod
    def from_text(cls, text: str, format: str = "text") -> Document:
        return cls(tuple(Line(line) for line in text.split("\n")), format)

    @property
    def text(self) -> str:
        """The lines joined by newlines: what the parsers read. Line N of it is ``lines[N-1]``."""
        return "\n".join(line.text for line in self.lines)

    def where(self, line: int | None) -> str:
        """The place of 1-based ``line`` in the original file, or "" where the line number is
        the place (a text file) or unknown."""
        if line is None or not 1 <= line <= len(self.lines):
            return ""
        return self.lines[line - 1].origin.describe()


def lines_of(rows: Iterable[tuple[str, Origin]]) -> tuple[Line, ...]:
    """Lines from (text, origin) pairs, with newlines inside a text folded into spaces between
    words and dropped between Chinese characters (a cell wrapped over two lines is one value)."""
    return tuple(Line(fold(text), origin) for text, origin in rows)


def fold(text: str) -> str:
    """One line from text that may hold line breaks: breaks between two Chinese characters (or
    a Chinese character and punctuation) vanish, others become one space."""
    if "\n" not in text and "\r" not in text:
        return text
    pieces = [p.strip() for p in text.replace("\r", "\n").split("\n")]
    out = ""
    for piece in pieces:
        if not piece:
            continue
        if out and not (_is_cjk(out[-1]) or _is_cjk(piece[0])):
            out += " "
        out += piece
    return out


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF  # CJK ideographs
        or 0x3000 <= code <= 0x303F  # CJK punctuation (。、「」…)
        or 0xFF00 <= code <= 0xFFEF  # full-width forms (，：（）％)
        or 0x2018 <= code <= 0x201F  # curly quotes “”
    )
