"""Reading a PDF report into lines: prose re-flowed into paragraphs, ruled tables into rows.

Pure (pdfplumber, which brings pdfminer.six). A PDF holds glyphs at positions, not paragraphs, so
the paragraphs and the rows are rebuilt here:

- characters are grouped into visual lines by their vertical position and the text of a line is
  the characters left to right, with the spaces the PDF itself holds and a space added only where
  a gap is wide (so Chinese runs stay together and "33 938" / "12,432" stay as written);
- ruled tables are found from their drawn lines (government PDFs draw their tables), read cell by
  cell, and their area is left out of the prose;
- running headers and footers (a line repeated at the same place at the top or bottom of the
  pages, digits masked) and page numbers are set aside and named in ``Document.notes``;
- wrapped lines are joined into paragraphs, also over a page break (a paragraph ends where its
  line stops short of the right margin, the next line is indented or is a heading, or the
  sentence ends in a document whose paragraphs are not indented), and a table continued on the
  next page is one table, with its repeated header row kept once and a row broken by the page
  joined back together;
- Word's look-alike radicals (⾏ for 行) are mapped back, and glyphs without character codes
  ("(cid:12)") are left out and counted.

Two-column layouts, tables drawn without rules and text in images are beyond it (see
``read_pdf``).
"""

from __future__ import annotations

import io
import itertools
import re
import statistics
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from policytext.formats import Document, DocumentError, Line, Origin, fold
from policytext.formats.limits import failures_are_the_files

SCAN_MESSAGE = "扫描件无文字层，无法识别，请上传带文字的 PDF 或 Word 文件"
_DAMAGED = "无法打开 PDF 文件（文件损坏或不是 PDF 格式），请重新导出后上传，或上传 Word 文件"
_ENCRYPTED = "PDF 文件已加密（设有打开密码），无法读取，请上传未加密的文件"

# A document with fewer characters than this has no text layer worth the name (a scan with a
# stamped page number, say).
MIN_CHARACTERS = 20
# Where a running header or footer may sit: among the first / last lines of a page, in the top /
# bottom part of it.
_EDGE_LINES = 2
_EDGE_ZONE = 0.15
# Lines ending with these close a sentence (closing quotes and brackets after them are skipped).
_SENTENCE_END = "。！？：；!?:;"
_CLOSERS = "”’」』）)》〉】"
# Headings that start a paragraph of their own: 一、 （一） (1) 1. 1.2. 第一章 附件 附表 案例 ①.
_HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[章节部分篇]"
    r"|[一二三四五六七八九十]+[、.．]"
    r"|[（(][一二三四五六七八九十\d]{1,3}[)）]"
    r"|\d{1,2}(?:[.．]\d{1,2})*[、.．](?!\d)"
    r"|[①-⑳]"
    r"|附[件表录]|案例\s*\d)"
)
# Page numbers as they are printed: "3", "- 3 -", "— 3 —", "第 3 页", "第3页 共40页", "3 / 40",
# "Page 3 of 40", and front matter in Roman numerals ("- II -"). Spaces are removed before matching.
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~～·•]*(?:\d{1,4}|[ivxlcIVXLC]{1,6})[-—–－~～·•]*"
    r"|第\d{1,4}页(?:[,，/]?共\d{1,4}页)?"
    r"|\d{1,4}/\d{1,4}"
    r"|(?i:page)\d{1,4}(?:(?i:of)\d{1,4})?)$"
)
_LEADER = re.compile(r"(?:…|\.{3}|·{3})[….·\s]*\d{1,3}$")
_NO_BREAK_BEFORE = _CLOSERS + "，。、；：！？·…—"
_NUMBER = re.compile(r"^[-+]?[\d,，.．]+\s*[%‰]?$")
# A row below that begins like this is a row of its own (其中：…), not the rest of a broken row.
_OWN_ROW = re.compile(r"^(?:其中|其它|其他|含|（|\()")
_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def read_pdf(data: bytes, *, max_pages: int = 300, timeout: float | None = None) -> Document:
    """The paragraphs and table rows of a PDF, in reading order, each with the page it starts on
    (and its table and row). Running headers, footers and page numbers are left out and named
    in ``notes``.

    Raises DocumentError (in Chinese) when the file is damaged or encrypted, has more than
    ``max_pages`` pages, has no text layer (a scan), or takes longer than ``timeout`` seconds
    (checked between pages).

    It reads single-column text; a two-column page comes out with the columns' lines side by
    side. Tables must be drawn with rules; a table without them comes out as one line per row
    with its cells separated by spaces.
    """
    import pdfplumber  # imported here: only PDF uploads need it

    started = time.monotonic()
    with failures_are_the_files(_open_error):  # every failure of an untrusted file is the file's
        pdf = pdfplumber.open(io.BytesIO(data))
    with pdf:
        with failures_are_the_files(_open_error):  # a broken page tree
            count = len(pdf.pages)
        if count == 0:
            raise DocumentError("PDF 文件中没有页面")
        if count > max_pages:
            raise DocumentError(
                f"PDF 共 {count} 页，超过上限 {max_pages} 页，请拆分后上传或只上传报告正文"
            )
        pages: list[_Page] = []
        for number, page in enumerate(pdf.pages, start=1):
            if timeout is not None and time.monotonic() - started > timeout:
                raise DocumentError(
                    f"读取 PDF 超时：{timeout:g} 秒内只读完 {number - 1}/{count} 页，"
                    "请拆分后上传或上传 Word 文件"
                )
            pages.append(_read_page(page, number))
            page.close()  # pdfplumber caches a page's objects; a long report would keep them all
    return _assemble(pages)


def _open_error(exc: Exception) -> DocumentError:
    # pdfplumber wraps pdfminer's errors; the password ones are told apart by their class name so
    # that pdfminer's module layout does not matter here.
    causes = [exc, exc.__cause__, *(exc.args if exc.args else ())]
    names = {type(c).__name__ for c in causes if isinstance(c, BaseException)}
    if names & {"PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"}:
        return DocumentError(_ENCRYPTED)
    return DocumentError(_DAMAGED)


# ---------------------------------------------------------------------------------------------
# One page: characters into lines, ruled tables into cells


@dataclass(frozen=True)
class _Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class _TextLine:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    ends_with_space: bool
    first_word: float  # width of what the line starts with that cannot be broken (a word)


@dataclass
class _TablePiece:
    """The part of a ruled table drawn on one page."""

    page: int
    top: float
    bottom: float
    widths: tuple[float, ...]  # column widths, to recognise the same table on the next page
    cells: list[list[list[_TextLine]]]  # rows of cells, each cell its lines
    full: list[list[bool]]  # whether a cell's last line reaches across it (it may go on below)


@dataclass
class _Page:
    number: int
    width: float
    height: float
    items: list[_TextLine | _TablePiece]  # in reading order (top to bottom)
    characters: int
    images: int
    unreadable: int  # glyphs without a character code


def _read_page(page: Any, number: int) -> _Page:
    damaged = DocumentError(f"第 {number} 页无法读取（文件损坏），请重新导出 PDF 后上传")
    with failures_are_the_files(lambda exc: damaged):  # a damaged stream fails anywhere
        raw_chars: list[dict[str, Any]] = list(page.chars)
        tables = list(page.find_tables(_TABLE_SETTINGS))
        images = len(page.images)
        width, height = float(page.width), float(page.height)
    chars = [
        _Char(
            _character(str(c["text"])),
            float(c["x0"]),
            float(c["x1"]),
            float(c["top"]),
            float(c["bottom"]),
            float(c["size"]) or 10.0,
        )
        for c in raw_chars
        if c["text"]
        and c.get("upright", True)
        and 0 <= float(c["x0"]) < width
        and 0 <= c["top"] < height
    ]
    # A glyph whose font has no character codes comes out as "(cid:123)": not text.
    unreadable = sum(1 for c in chars if c.text.startswith("(cid:"))
    chars = [c for c in chars if not c.text.startswith("(cid:")]
    characters = sum(1 for c in chars if not c.text.isspace())
    pieces: list[_TablePiece] = []
    areas: list[tuple[float, float, float, float]] = []
    for table in tables:
        piece = _table_piece(table, chars, number)
        if piece is not None:
            pieces.append(piece)
            areas.append(_bbox(table.bbox))
    prose = [c for c in chars if not any(_inside(c, area) for area in areas)]
    items: list[_TextLine | _TablePiece] = [*_lines(prose, number), *pieces]
    items.sort(key=lambda item: item.top)
    return _Page(number, width, height, items, characters, images, unreadable)


def _character(text: str) -> str:
    # Word's PDF export often maps ideographs to the look-alike Kangxi radicals or compatibility
    # ideographs (⾏ for 行, ⻓ for 长); NFKC gives the ordinary ones back. Only for those blocks:
    # NFKC elsewhere would turn full-width punctuation (，：％) into ASCII.
    if len(text) == 1 and (0x2E80 <= ord(text) <= 0x2FDF or 0xF900 <= ord(text) <= 0xFAFF):
        return unicodedata.normalize("NFKC", text)
    return text


def _bbox(values: Sequence[Any]) -> tuple[float, float, float, float]:
    x0, top, x1, bottom = (float(v) for v in values)
    return x0, top, x1, bottom


def _inside(c: _Char, area: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = area
    mx = (c.x0 + c.x1) / 2
    return x0 - 1 <= mx <= x1 + 1 and top - 1 <= c.middle <= bottom + 1


def _table_piece(table: Any, chars: Sequence[_Char], page: int) -> _TablePiece | None:
    columns = table.columns
    if len(columns) < 2:
        return None  # a framed paragraph (a box around a case study), not a table
    x0, top, x1, bottom = _bbox(table.bbox)
    inside = [c for c in chars if _inside(c, (x0, top, x1, bottom))]
    rows: list[list[list[_TextLine]]] = []
    full: list[list[bool]] = []
    for row in table.rows:
        cells: list[list[_TextLine]] = []
        row_full: list[bool] = []
        for bbox in row.cells:
            if bbox is None:  # covered by a merged cell: keep the position, empty
                cells.append([])
                row_full.append(False)
                continue
            area = _bbox(bbox)
            lines = _lines([c for c in inside if _inside(c, area)], page)
            cells.append(lines)
            # Within a character and a half (plus the cell's padding) of the cell's right edge.
            row_full.append(bool(lines) and lines[-1].x1 >= area[2] - 1.5 * lines[-1].size - 6)
        rows.append(cells)
        full.append(row_full)
    if not any(cell for row in rows for cell in row):
        return None
    lefts = sorted(float(col.bbox[0]) for col in columns)
    widths = tuple(b - a for a, b in zip(lefts, [*lefts[1:], x1], strict=True))
    return _TablePiece(page, top, bottom, widths, rows, full)


def _is_wide(ch: str) -> bool:
    """A Chinese character or full-width punctuation: no space is needed next to it."""
    return unicodedata.east_asian_width(ch[:1] or " ") in ("W", "F")


def _lines(chars: Sequence[_Char], page: int) -> list[_TextLine]:
    """Characters grouped into visual lines (by vertical middle), each read left to right."""
    groups: list[list[_Char]] = []
    for c in sorted(chars, key=lambda c: (c.middle, c.x0)):
        if groups:
            first = groups[-1][0]
            if abs(c.middle - first.middle) <= 0.4 * max(c.size, first.size):
                groups[-1].append(c)
                continue
        groups.append([c])
    out: list[_TextLine] = []
    for group in groups:
        line = _line(sorted(group, key=lambda c: c.x0), page)
        if line is not None:
            out.append(line)
    return out


def _line(chars: Sequence[_Char], page: int) -> _TextLine | None:
    text = ""
    space = False
    previous: _Char | None = None
    visible: list[_Char] = []
    word_end: float | None = None  # where the line's first word ends
    for c in chars:
        if c.text.isspace():
            space = previous is not None
            continue
        if previous is not None and c.text == previous.text and c.x0 - previous.x0 < 0.3 * c.size:
            continue  # drawn twice, slightly offset, for a bold look
        if previous is not None:
            gap = c.x0 - previous.x1
            # A gap without a space glyph: Latin words set apart by position (0.2 em and more);
            # next to Chinese, LibreOffice and Word add about 0.2 em between Chinese and Latin
            # letters or digits ("2023年"), which is typography, not a space in the text.
            wide = _is_wide(c.text) or _is_wide(previous.text)
            spaced = space or gap > (0.5 if wide else 0.2) * max(c.size, previous.size)
            if spaced:
                text += " "
            # A line may break at a space, or between two Chinese characters unless the second
            # may not start a line. Between Chinese and Latin letters or digits LibreOffice does
            # not always break ("元，Alpha" moved whole): counted as one word, which errs
            # towards joining lines.
            breaks = spaced or (
                _is_wide(previous.text) and _is_wide(c.text) and c.text not in _NO_BREAK_BEFORE
            )
            if breaks and word_end is None:
                word_end = previous.x1
        text += c.text
        visible.append(c)
        previous = c
        space = False
    if not visible:
        return None
    first = visible[0]
    return _TextLine(
        page=page,
        text=text,
        x0=first.x0,
        x1=visible[-1].x1,
        top=min(c.top for c in visible),
        bottom=max(c.bottom for c in visible),
        size=statistics.median(c.size for c in visible),
        ends_with_space=space,
        first_word=(visible[-1].x1 if word_end is None else word_end) - first.x0,
    )


_IDEOGRAPH = "\u4e00-\u9fff"
_SPACED = re.compile(f"[{_IDEOGRAPH}] [A-Za-z0-9]|[A-Za-z0-9%] [{_IDEOGRAPH}]")
_TIGHT = re.compile(f"[{_IDEOGRAPH}][A-Za-z0-9]|[A-Za-z0-9%][{_IDEOGRAPH}]")
# Never spaced, whatever the writer's habit: 2023年, 3月, 2023届, 第3页.
_TIGHT_ALWAYS = re.compile(r"\d ?[年月日届号期]|第 ?\d")


def _spaces_latin(lines: Iterable[str]) -> bool:
    """Whether the writer puts a space between Chinese and digits or Latin letters ("在校生 52340
    人" rather than "在校生52340人"), judged from inside the lines, where the PDF shows it."""
    spaced = tight = 0
    for text in lines:
        cleaned = _TIGHT_ALWAYS.sub("", text)
        spaced += len(_SPACED.findall(cleaned))
        tight += len(_TIGHT.findall(cleaned))
    return spaced >= 3 and spaced > tight


def _glue(text: str, more: str, spaced: bool) -> str:
    """``more`` after ``text`` where a line wrapped between them. A space the PDF holds at the end
    of the line is kept; otherwise policytext.formats.fold decides (no space next to Chinese),
    except between Chinese and digits or Latin letters in a document whose writer spaces them:
    a justified line drops the space it wrapped at (LibreOffice writes no glyph for it), so
    "3.5 个" would come back as "3.5个"."""
    if not text or not more:
        return text + more
    if text.endswith(" "):
        return text + more.lstrip()
    boundary = text[-1] + more[0]
    if spaced and _TIGHT.fullmatch(boundary) and not _TIGHT_ALWAYS.fullmatch(boundary):
        return f"{text} {more}"
    return fold(f"{text}\n{more}")


def _join(lines: Iterable[_TextLine], spaced: bool) -> str:
    """The lines of one paragraph (or cell) as one text."""
    text = ""
    for line in lines:
        text = _glue(text, line.text, spaced)
        if line.ends_with_space:
            text += " "
    return text.strip().replace("\t", " ")


# ---------------------------------------------------------------------------------------------
# Running headers, footers and page numbers


def _pitch(pages: Sequence[_Page]) -> float:
    """The usual distance from one line's top to the next one's."""
    pitches = [
        b.top - a.top
        for p in pages
        for a, b in itertools.pairwise(p.items)
        if isinstance(a, _TextLine) and isinstance(b, _TextLine) and abs(a.size - b.size) < 0.5
    ]
    return statistics.median(pitches) if pitches else 0.0


def _edge(items: Sequence[_TextLine | _TablePiece], page: _Page, pitch: float) -> list[_TextLine]:
    """The lines at one edge of a page (``items`` from that edge inwards) that may be a running
    header or footer: at most two, in the outer part of the page, set apart from the body by a
    gap wider than the spacing of its lines. A first line without such a gap is body text, even
    where it repeats (the same words at the top of two pages)."""
    out: list[_TextLine] = []
    distance = page.height * _EDGE_ZONE
    for k, item in enumerate(items[:_EDGE_LINES]):
        inner = items[k + 1] if k + 1 < len(items) else None
        if not isinstance(item, _TextLine) or min(item.top, page.height - item.bottom) > distance:
            return []
        out.append(item)
        if inner is None or abs(inner.top - item.top) > 1.3 * pitch:
            return out
    return []


def _remove_running_lines(pages: Sequence[_Page]) -> list[str]:
    """Take running headers, footers and page numbers out of the pages' items; say what went."""
    # (zone, text with digits masked) -> the lines found there, on the page edges
    found: dict[tuple[str, str], list[tuple[_Page, _TextLine]]] = defaultdict(list)
    numbers: list[tuple[_Page, _TextLine]] = []
    pitch = _pitch(pages)
    for page in pages:
        heads = _edge(page.items, page, pitch)
        feet = [
            ln for ln in _edge(page.items[::-1], page, pitch) if all(ln is not h for h in heads)
        ]
        for zone, edge in (("页眉", heads), ("页脚", feet)):
            for ln in edge:
                compact = re.sub(r"\s+", "", ln.text)
                # A bare number is a page number only as the page's outermost line: the line
                # inside it may be a paragraph's last words ("2023").
                if _PAGE_NUMBER.match(compact) and ln is edge[0]:
                    numbers.append((page, ln))
                else:
                    found[(zone, re.sub(r"\d+", "#", compact))].append((page, ln))
    # Twice suffices in a short document; a long report whose header names the chapter repeats
    # each one on fewer than half of its pages, so three times at the same place is enough there.
    needed = 2 if len(pages) <= 4 else 3
    removed: dict[int, set[int]] = defaultdict(set)  # page number -> ids of lines removed
    notes: list[str] = []
    for (zone, _key), hits in found.items():
        # At the same place and size: the report's title on its first page reads like the
        # running header but sits lower and larger, and is kept.
        top = statistics.median(ln.top for _p, ln in hits)
        size = statistics.median(ln.size for _p, ln in hits)
        same = [
            (p, ln)
            for p, ln in hits
            if abs(ln.top - top) <= max(ln.size, 4.0) and abs(ln.size - size) <= 1
        ]
        on_pages = {p.number for p, _ln in same}
        if len(on_pages) < needed:
            continue
        for p, ln in same:
            removed[p.number].add(id(ln))
        notes.append(f"已去除{zone}“{same[0][1].text}”（{len(on_pages)} 页）")
    if numbers:
        for p, ln in numbers:
            removed[p.number].add(id(ln))
        example = numbers[0][1].text
        notes.append(f"已去除页码（{len({p.number for p, _ln in numbers})} 页，如“{example}”）")
    for page in pages:
        if removed[page.number]:
            page.items = [it for it in page.items if id(it) not in removed[page.number]]
    return notes


# ---------------------------------------------------------------------------------------------
# Paragraphs and tables across the pages


@dataclass
class _Layout:
    """Where text lines start and end on a page, and what the document does at a new paragraph."""

    left: dict[int, float]
    right: dict[int, float]
    pitch: float  # usual distance from one line's top to the next one's
    indented: bool  # paragraphs start with a first-line indent (首行缩进)


def _margins(lines: Sequence[_TextLine]) -> tuple[float, float]:
    """Where lines start and where full lines end (a hanging comma may stick out a little)."""
    if not lines:
        return 0.0, 0.0
    edge = max(ln.x1 for ln in lines)
    ends = [ln.x1 for ln in lines if ln.x1 >= edge - ln.size]
    return min(ln.x0 for ln in lines), statistics.median(ends)


def _layout(pages: Sequence[_Page]) -> _Layout:
    every = [it for p in pages for it in p.items if isinstance(it, _TextLine)]
    if not every:
        return _Layout({}, {}, 0.0, True)
    size = statistics.median(ln.size for ln in every)
    # Margins are read from all odd and all even pages (they may be mirrored on facing pages).
    right: dict[int, float] = {}
    sides = {parity: [p for p in pages if p.number % 2 == parity] for parity in (0, 1)}
    for side in sides.values():
        lines = [it for p in side for it in p.items if isinstance(it, _TextLine)] or every
        start, end = _margins(lines)
        # Where no line runs across the page (short paragraphs, a list) the right edge is not
        # seen: margins are then taken as nearly symmetric (they are, within a centimetre or
        # so, in the templates in use).
        end = max(end, pages[0].width - start - 2 * size)
        right.update((p.number, end) for p in side)
    # The left margin is where a line goes on after a full line that did not end a sentence. A
    # page, or all odd pages of a short report, may hold only indented first lines.
    continued: dict[int, list[float]] = {0: [], 1: []}
    for p in pages:
        for a, b in itertools.pairwise(p.items):
            if (
                isinstance(a, _TextLine)
                and isinstance(b, _TextLine)
                and a.x1 >= right[p.number] - 1.5 * a.size
                and a.text.rstrip(_CLOSERS)[-1:] not in tuple(_SENTENCE_END)
            ):
                continued[p.number % 2].append(b.x0)
    anywhere = continued[0] + continued[1]
    fallback = min(anywhere) if anywhere else min(ln.x0 for ln in every)
    left: dict[int, float] = {}
    for parity, side in sides.items():
        margin = min(continued[parity]) if continued[parity] else fallback
        left.update((p.number, margin) for p in side)
    pitch = _pitch(pages)
    # Do paragraphs start indented? Look at the line after each line ended short.
    starts = Counter[bool]()
    for p in pages:
        lines = [it for it in p.items if isinstance(it, _TextLine)]
        for a, b in itertools.pairwise(lines):
            if _ended_short(a, b, right[p.number]):
                starts[b.x0 - left[p.number] >= 1.2 * b.size] += 1
    # Without evidence either way, the genre's habit: Chinese paragraphs start indented.
    return _Layout(left, right, pitch, starts[True] >= starts[False])


def _ended_short(a: _TextLine, b: _TextLine, right: float) -> bool:
    """Whether line ``a`` ends short of the right margin by more than the first word of ``b``:
    that word would have fitted, so the line was ended on purpose."""
    return right - a.x1 > max(1.5 * a.size, b.first_word + 0.5 * a.size)


def _new_paragraph(a: _TextLine, b: _TextLine, layout: _Layout) -> bool:
    """Whether line ``b`` starts a paragraph rather than continuing the one ``a`` is in."""
    if abs(a.size - b.size) > 1:
        return True  # a title or a note in another size
    if a.page == b.page and layout.pitch and b.top - a.top > 1.6 * layout.pitch:
        return True  # space before a paragraph, or a figure between
    if _LEADER.search(a.text):
        return True  # a line of a table of contents: "一、基本情况……1"
    indent = b.x0 - layout.left[b.page]
    if indent >= 1.2 * b.size:
        return True  # 首行缩进 (two characters), or a centred line
    if _ended_short(a, b, layout.right[a.page]):
        return True
    ended = a.text.rstrip(_CLOSERS)[-1:] in tuple(_SENTENCE_END)
    if ended and _HEADING.match(b.text):
        return True
    # In a document whose paragraphs start indented, a sentence that happens to end at the right
    # margin is followed by the rest of its paragraph unless the next line is indented.
    return ended and not layout.indented


@dataclass
class _Table:
    number: int
    widths: tuple[float, ...]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (page, cells)
    last_full: list[bool] = field(default_factory=list)  # of the last row: see _TablePiece.full


def _same_columns(a: Sequence[float], b: Sequence[float]) -> bool:
    return len(a) == len(b) and all(
        abs(x - y) <= max(3.0, 0.03 * x) for x, y in zip(a, b, strict=True)
    )


def _continues(above: list[str], full: list[bool], below: list[str]) -> bool:
    """Whether ``below``, the first row of a table's part on a new page, is the rest of the row
    ``above`` that the page break cut. Its first (key) cell is then empty, and wherever both
    have text the cell above was cut: its last line reaches across the cell (``full``) and what
    goes on below is not a number. A row of its own with an empty 序号 (其中：…) fails that: its
    unit and values are short."""
    if len(above) != len(below) or below[0] or not any(below):
        return False
    if any(_OWN_ROW.match(cell) for cell in below if cell):
        return False
    both = [c for c, (x, y) in enumerate(zip(above, below, strict=True)) if x and y]
    if any(not full[c] or _NUMBER.match(below[c]) for c in both):
        return False
    moved = [c for c, (x, y) in enumerate(zip(above, below, strict=True)) if y and not x]
    if not moved:
        return True  # Word and LibreOffice: what fits of each cell stays above, the rest goes on
    # Others move what did not fit of the row to the next page: cells empty above, filled below.
    return bool(above[0]) and all(x or y for x, y in zip(above, below, strict=True))


def _assemble(pages: Sequence[_Page]) -> Document:
    characters = sum(p.characters for p in pages)
    image_only = [p.number for p in pages if p.images and p.characters < 5]
    if characters < MIN_CHARACTERS or len(image_only) * 2 > len(pages):
        raise DocumentError(SCAN_MESSAGE)
    unreadable = [p for p in pages if p.unreadable]
    if sum(p.unreadable for p in pages) > characters:
        raise DocumentError(
            "PDF 中的文字无法提取（字体缺少字符编码，复制出来是乱码），"
            "请上传 Word 文件，或在导出 PDF 时嵌入字体后重新上传"
        )
    notes = _remove_running_lines(pages)
    for p in unreadable:
        notes.append(f"第 {p.number} 页有 {p.unreadable} 个字符无法识别（字体缺少编码），已略去")
    if image_only:
        listed = "、".join(str(n) for n in image_only[:10]) + ("等" if len(image_only) > 10 else "")
        notes.append(f"第 {listed} 页是图片（无文字层），其内容未读取")
    layout = _layout(pages)
    spaced = _spaces_latin(
        item.text for page in pages for item in page.items if isinstance(item, _TextLine)
    )

    blocks: list[tuple[int, list[_TextLine]] | _Table] = []
    paragraph: list[_TextLine] | None = None
    table: _Table | None = None  # the table that the next page may continue
    tables = 0
    for page in pages:
        for index, item in enumerate(page.items):
            if isinstance(item, _TextLine):
                table = None
                if paragraph and not _new_paragraph(paragraph[-1], item, layout):
                    paragraph.append(item)
                else:
                    paragraph = [item]
                    blocks.append((page.number, paragraph))
                continue
            paragraph = None
            rows = [[_join(cell, spaced) for cell in row] for row in item.cells]
            if (
                table is not None
                and index > 0
                and not isinstance(page.items[index - 1], _TextLine)
                and _same_columns(table.widths, item.widths)
            ):
                pass  # one ruled table that pdfplumber found as two (a doubled row border)
            elif (
                table is not None
                and index == 0
                and table.rows
                and table.rows[-1][0] == page.number - 1
                and _same_columns(table.widths, item.widths)
            ):
                # The table goes on from the previous page: its header row, repeated at the top,
                # is kept once, and a row the page break cut is joined back together.
                header = [cells for _p, cells in table.rows[: len(rows)]]
                while rows and header and rows[0] == header[0]:
                    rows, header = rows[1:], header[1:]
                if rows and _continues(table.rows[-1][1], table.last_full, rows[0]):
                    above = table.rows[-1][1]
                    joined = [_glue(x, y, spaced) for x, y in zip(above, rows[0], strict=True)]
                    table.rows[-1] = (table.rows[-1][0], joined)
                    rows = rows[1:]
            else:
                tables += 1
                table = _Table(tables, item.widths)
                blocks.append(table)
            table.rows.extend((page.number, cells) for cells in rows)
            table.last_full = item.full[-1]  # the last row, joined or not, may go on again
            # Only a table that ends its page, or is followed directly by more of its rows, can go
            # on: text after it on the page ends it.
            if index != len(page.items) - 1 and isinstance(page.items[index + 1], _TextLine):
                table = None

    lines: list[Line] = []
    for block in blocks:
        if isinstance(block, _Table):
            for r, (page_number, cells) in enumerate(block.rows, start=1):
                lines.append(
                    Line("\t".join(cells), Origin(page=page_number, table=block.number, row=r))
                )
        else:
            page_number, parts = block
            text = _join(parts, spaced)
            if text:
                lines.append(Line(text, Origin(page=page_number)))
    return Document(tuple(lines), "pdf", pages=len(pages), notes=tuple(notes))


__all__ = ["SCAN_MESSAGE", "read_pdf"]
