"""Reading Word files: .docx with python-docx, .doc and .wps by converting them with LibreOffice.

The body is read in document order: a paragraph per line (an empty paragraph is an empty line:
the parsers use blank lines), a table row per line with its cells joined by tabs, and an empty
line after each table, as ``policytext.documents`` has always read .docx. Headers, footers,
footnotes and comments are other parts of the package and stay out. Tracked changes are read as
if accepted (inserted text in, deleted text out); text boxes are left out.

Tables:
- a cell merged across columns (gridSpan) is one cell, not repeated;
- a cell merged down rows (vMerge) gives its value to every row it spans, so a 牵头单位 written
  once beside three tasks is read in each of the three rows;
- a header row repeated at the top of a table that continues the one before it (Word splits a
  long table in two when a paragraph mark gets between its rows; "continues" means only empty
  paragraphs stand between them) is read once;
- a table inside a cell is read into that cell's text;
- a line break or paragraph inside a cell is folded (``fold``): a wrapped cell is one value.

Tables are numbered 1, 2, … in document order (tables inside cells not counted); a row's
``Origin`` is its table and its row counted from the table's top, repeated header included, so
that it is the row a person counts in the file.
"""

from __future__ import annotations

import contextlib
import io
import os
import resource
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import NO_ORIGIN, Document, DocumentError, Line, Origin, fold
from .limits import MAX_RATIO, MAX_UNPACKED, check_not_empty, check_zip, failures_are_the_files

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

DAMAGED = "无法打开 Word 文件（文件损坏或不是 .docx 格式）"
NO_SOFFICE = (
    "无法读取 .doc/.wps 文件：服务器未安装 LibreOffice（Debian 软件包 libreoffice-writer-nogui），"
    "请联系管理员安装，或将文件另存为 .docx 后上传"
)
BINARY_FORMATS = ("doc", "wps")
_MAX_COLUMNS = 63  # Word's own limit; a larger w:gridBefore is damage, not a layout

# Element is lxml's element (python-docx's oxml classes derive from it); lxml has no type
# information installed, so it is Any to mypy.
Element = Any


def read_docx(
    data: bytes, *, max_total: int = MAX_UNPACKED, max_ratio: float = MAX_RATIO
) -> Document:
    """The paragraphs and table rows of a .docx body. Raises DocumentError for an empty,
    oversized (zip bomb) or damaged file."""
    check_not_empty(data)
    check_zip(data, max_total=max_total, max_ratio=max_ratio)
    from docx import Document as open_docx  # imported here: only Word uploads need it

    # An uploaded file is untrusted: a damaged package fails wherever python-docx first trips on
    # it (BadZipFile, KeyError, lxml's XMLSyntaxError, ValueError for a package that is not a
    # Word document, AttributeError on a part without the expected element…), while opening or
    # while walking the body. Every such failure is the file's, not ours.
    with failures_are_the_files(lambda exc: DocumentError(DAMAGED)):
        body = open_docx(io.BytesIO(data)).element.body
        reader = _BodyReader()
        reader.read(body)
    return Document(tuple(reader.lines), "docx", notes=tuple(reader.notes))


def read_word_binary(data: bytes, *, suffix: str, timeout: float = 60) -> Document:
    """A .doc or .wps file (WPS Writer files are OLE Word documents too), converted to .docx by
    LibreOffice in a throw-away folder and profile, then read as .docx. ``suffix`` is "doc" or
    "wps" (a leading dot is allowed) and becomes the Document's format.

    Raises DocumentError when LibreOffice is not installed, the conversion fails or takes longer
    than ``timeout`` seconds (LibreOffice and everything it started is then killed)."""
    fmt = suffix.lower().lstrip(".")
    if fmt not in BINARY_FORMATS:
        raise ValueError(f"read_word_binary reads .doc or .wps, not {suffix!r}")
    check_not_empty(data)
    if data.startswith(b"PK\x03\x04"):
        # A .docx renamed to .doc: read it as what it is, no conversion needed.
        return replace(read_docx(data), format=fmt)
    if not _looks_like_word(data):
        # LibreOffice opens anything, a random file as plain text; refuse what Word would not open.
        raise DocumentError(
            f"无法读取 .{fmt} 文件：文件损坏或不是 Word 文档，"
            "请在 Word 或 WPS 中另存为 .docx 后上传"
        )
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise DocumentError(NO_SOFFICE)
    with tempfile.TemporaryDirectory(prefix="policytext-word-") as tmp:
        folder = Path(tmp)
        source = folder / f"upload.{fmt}"
        source.write_bytes(data)
        out = folder / "out"
        command = [
            soffice,
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            # Its own profile: a shared one is locked by any other running LibreOffice, and the
            # worker's HOME may not be writable.
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            # A compound file must be a Word 97 document (WPS Writer saves the same format):
            # without the filter named, LibreOffice reads any other compound file (an .xls, a
            # damaged file) as plain text and "converts" it into gibberish.
            *(["--infilter=MS Word 97"] if data.startswith(_OLE) else []),
            # The filter named: a "Word" file that is really HTML (what many web systems export
            # as .doc) opens in Writer/Web, which has no docx export under the bare "docx".
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ]
        _convert(command, fmt=fmt, timeout=timeout, home=folder)
        converted = out / "upload.docx"
        if not converted.is_file():
            raise DocumentError(
                f"无法读取 .{fmt} 文件：LibreOffice 未能转换（文件损坏或不是 Word 文档），"
                "请在 Word 或 WPS 中另存为 .docx 后上传"
            )
        try:
            document = read_docx(converted.read_bytes())
        except DocumentError as exc:
            raise DocumentError(
                f"无法读取 .{fmt} 文件：转换后的内容无法打开（文件可能已损坏），"
                "请在 Word 或 WPS 中另存为 .docx 后上传"
            ) from exc
    return replace(document, format=fmt)


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: Word 97–2003, WPS Writer


def _looks_like_word(data: bytes) -> bool:
    """An OLE compound file, or what web systems and older tools save as .doc and Word opens:
    RTF, HTML, Word 2003 XML, a MIME (.mht) page."""
    if data.startswith(_OLE):
        return True
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"{\\rtf", b"<", b"mime-version"))


def _convert(command: list[str], *, fmt: str, timeout: float, home: Path) -> None:
    env = {**os.environ, "HOME": str(home)}
    # A session of its own: soffice is a script that starts oosplash, which starts soffice.bin;
    # on a timeout the whole group is killed, not just the script.
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
        preexec_fn=_converter_limits,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        _kill_group(process)
        raise DocumentError(
            f"无法读取 .{fmt} 文件：转换超过 {timeout:g} 秒仍未完成（文件可能过大或已损坏），"
            "请在 Word 或 WPS 中另存为 .docx 后上传"
        ) from exc
    if process.returncode != 0:
        raise DocumentError(
            f"无法读取 .{fmt} 文件：LibreOffice 转换失败（文件损坏或不是 Word 文档），"
            "请在 Word 或 WPS 中另存为 .docx 后上传"
        ) from subprocess.CalledProcessError(process.returncode, command, stdout, stderr)


def _converter_limits() -> None:
    """In the converter's process, before it starts: a cap on address space that the caller set
    for its own parsing (config/memory.py) does not bind LibreOffice, whose limit is its time."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


# ---------------------------------------------------------------------------------------------
# The body


@dataclass
class _Row:
    number: int  # 1-based, from the table's top
    cells: list[str]
    header: bool  # marked as a repeating header row (w:tblHeader)


@dataclass
class _BodyReader:
    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tables: int = 0
    # The header rows of the last table, while nothing but empty paragraphs follows it: a table
    # that starts with the same rows continues it.
    open_header: list[list[str]] | None = None

    def read(self, body: Element) -> None:
        for block in _blocks(body):
            tag = block.tag
            if tag == f"{_W}p":
                text = fold(_paragraph_text(block))
                self.lines.append(Line(text))
                if text.strip():
                    self.open_header = None
            elif tag == f"{_W}tbl":
                self._table(block)
            elif tag == f"{_W}altChunk":
                self.notes.append("文件中嵌入了其他格式的内容（altChunk），未能读取")

    def _table(self, tbl: Element) -> None:
        self.tables += 1
        rows = _table_rows(tbl)
        header = _leading_header(rows)
        skip = 0
        if self.open_header and _starts_with(rows, self.open_header):
            skip = len(self.open_header)  # the header repeated on a continuation table
            header = self.open_header
        for index, row in enumerate(rows):
            if index < skip:
                continue
            origin = Origin(table=self.tables, row=row.number)
            self.lines.append(Line("\t".join(row.cells), origin))
        self.lines.append(Line("", NO_ORIGIN))
        self.open_header = header or None


def _leading_header(rows: list[_Row]) -> list[list[str]]:
    """The rows marked as repeating header at the top of the table, else its first row."""
    marked = []
    for row in rows:
        if not row.header:
            break
        marked.append(row.cells)
    if marked:
        return marked
    return [rows[0].cells] if rows else []


def _starts_with(rows: list[_Row], header: list[list[str]]) -> bool:
    return len(rows) >= len(header) and all(
        row.cells == cells for row, cells in zip(rows, header, strict=False)
    )


def _blocks(container: Element) -> Iterator[Element]:
    """Paragraphs, tables and embedded chunks in order, looking inside content controls and
    custom-XML wrappers, which hold body content of their own."""
    for child in container.iterchildren():
        tag = child.tag
        if tag in (f"{_W}p", f"{_W}tbl", f"{_W}altChunk"):
            yield child
        elif tag in (f"{_W}sdt", f"{_W}customXml"):
            inner = child.find(f"{_W}sdtContent") if tag == f"{_W}sdt" else child
            if inner is not None:
                yield from _blocks(inner)


def _children(container: Element, tag: str) -> Iterator[Element]:
    """The ``tag`` children of a table or row, also when wrapped in a content control."""
    for child in container.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in (f"{_W}sdt", f"{_W}customXml"):
            inner = child.find(f"{_W}sdtContent") if child.tag == f"{_W}sdt" else child
            if inner is not None:
                yield from _children(inner, tag)


def _table_rows(tbl: Element) -> list[_Row]:
    rows: list[_Row] = []
    above: dict[int, str] = {}  # grid column -> text of the cell that last started there
    for number, tr in enumerate(_children(tbl, f"{_W}tr"), start=1):
        trPr = tr.find(f"{_W}trPr")
        header = trPr is not None and _on(trPr.find(f"{_W}tblHeader"))
        # A row that starts later than the table's first column (w:gridBefore) gets an empty
        # cell for each column it skips, so that its cells stay under their headings.
        skipped = _int_val(trPr.find(f"{_W}gridBefore")) if trPr is not None else 0
        column = min(skipped, _MAX_COLUMNS)
        cells = [""] * column
        for tc in _children(tr, f"{_W}tc"):
            tcPr = tc.find(f"{_W}tcPr")
            span = max(_int_val(tcPr.find(f"{_W}gridSpan")) if tcPr is not None else 1, 1)
            merge = tcPr.find(f"{_W}vMerge") if tcPr is not None else None
            if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
                text = above.get(column, "")  # a continuation cell is empty in the XML
            else:
                text = _cell_text(tc)
            above[column] = text
            cells.append(text)
            column += span
        rows.append(_Row(number, cells, header))
    return rows


def _cell_text(tc: Element) -> str:
    """A cell's paragraphs and nested tables as one value: breaks folded, tabs and runs of
    spaces made one space (a tab inside a cell would split the row)."""
    pieces: list[str] = []
    for block in _blocks(tc):
        if block.tag == f"{_W}p":
            pieces.append(_paragraph_text(block))
        elif block.tag == f"{_W}tbl":
            for row in _table_rows(block):
                pieces.append(" ".join(c for c in row.cells if c))
    return " ".join(fold("\n".join(pieces)).split())


# Parts of a paragraph whose text is not the paragraph's: properties (tab stops are w:tab too),
# deleted text, text boxes, the fallback copy of a drawing, and phonetic guides over characters.
_NOT_TEXT = {
    f"{_W}rt",
    f"{_W}pPr",
    f"{_W}rPr",
    f"{_W}del",
    f"{_W}moveFrom",
    f"{_W}txbxContent",
    f"{_MC}Fallback",
}


def _paragraph_text(p: Element) -> str:
    """The text of a paragraph, runs wherever they sit (hyperlinks, fields, content controls,
    inserted text). Tabs are kept, as Word shows them; a line break is "\\n"."""
    parts: list[str] = []

    def walk(element: Element) -> None:
        for child in element.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in _NOT_TEXT:
                continue  # comments and processing instructions have a function as tag
            if tag == f"{_W}t":
                parts.append(child.text or "")
            elif tag in (f"{_W}tab", f"{_W}ptab"):
                parts.append("\t")
            elif tag == f"{_W}br":
                # A line break ends a line; a page or column break only moves the text on.
                if child.get(f"{_W}type", "textWrapping") == "textWrapping":
                    parts.append("\n")
            elif tag == f"{_W}cr":
                parts.append("\n")
            elif tag == f"{_W}noBreakHyphen":
                parts.append("-")
            else:
                walk(child)

    walk(p)
    return "".join(parts)


def _on(element: Element | None) -> bool:
    """An OOXML on/off property: present and not switched off."""
    if element is None:
        return False
    return element.get(f"{_W}val", "true") not in ("false", "0", "off")


def _int_val(element: Element | None) -> int:
    if element is None:
        return 0
    try:
        return int(element.get(f"{_W}val", "0"))
    except ValueError:
        return 0
