"""Reading spreadsheets: .xlsx with openpyxl, .xls with python-calamine.

Each visible sheet that has content is one table, in workbook order, a row per line with its
cells joined by tabs, and an empty line between one sheet and the next. A row's ``Origin`` is the
sheet's name and the spreadsheet's own row number, so a person finds it. Nothing is dropped
above a header row: a title such as "附件：各部门工作任务清单" is a line of its own, and the
parsers find the header row by its words. Rows above the first one with content are left out
(their numbers stay in the origins); a blank row inside the sheet is an empty line, except that a
run of more than four blank rows reads as four.

Columns: the sheet's leading columns that are empty in every row are left out, the same for
every row, so each cell stays under its heading; trailing empty cells of a row are trimmed.

Merged cells: the value of a range merged down several rows is read in each of its rows (a
牵头单位 merged beside three tasks fills all three); across columns it is read once, in the
range's first column, the cells it covers being empty, as Word's merged cells are. A heading
row merged across the whole table ("一、提升办学条件") is then one cell, as the task-list parser
expects of a heading, and not five copies of the heading.

Values are written as people see them: text as typed (line breaks inside a cell folded), an
integer-valued number without ".0" (52340.0 -> "52340"), other numbers to Excel's 15
significant digits (0.1 + 0.2 -> "0.3"), a percentage-formatted number as a percentage of its
full value (0.412 -> "41.2%", also when the cell shows "41%"), a date as "2023年12月31日" (the
form policy texts write and the deadline parser reads; a time of day is added when it has one),
TRUE/FALSE as Excel shows them. Formulas are read by their last computed value, which Excel
stores in the file; a file written by a program that never computed it has none, and the cell
reads as empty.

Limitation of .xls: python-calamine does not tell number formats, so a percentage in an .xls file
reads as the fraction stored (0.412, not "41.2%"). Its merged ranges it does tell.
"""

from __future__ import annotations

import datetime
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import NO_ORIGIN, Document, DocumentError, Line, Origin, fold
from .limits import MAX_RATIO, MAX_UNPACKED, check_not_empty, check_zip, failures_are_the_files

DAMAGED_XLSX = "无法打开 Excel 文件（文件损坏或不是 .xlsx 格式）"
DAMAGED_XLS = "无法打开 Excel 文件（文件损坏或不是 .xls 格式）"
_MAX_BLANK_RUN = 4

Value = (
    str
    | int
    | float
    | bool
    | datetime.datetime
    | datetime.date
    | datetime.time
    | datetime.timedelta
)


@dataclass
class _Sheet:
    """One sheet as read: its non-empty cells as text by (row, column), both 1-based, and its
    merged ranges as (first row, first column, last row, last column)."""

    name: str
    cells: dict[tuple[int, int], str] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


def read_xlsx(
    data: bytes, *, max_total: int = MAX_UNPACKED, max_ratio: float = MAX_RATIO
) -> Document:
    """Every visible sheet of an .xlsx workbook with content, a table per sheet. Raises
    DocumentError for an empty, oversized (zip bomb) or damaged file, or one with no content."""
    check_not_empty(data)
    check_zip(data, max_total=max_total, max_ratio=max_ratio)
    import openpyxl  # imported here: only spreadsheet uploads need it

    sheets: list[_Sheet] = []
    hidden: list[str] = []
    # Not read_only: the merged ranges are only known to a fully loaded worksheet. A damaged
    # package fails in many ways (BadZipFile, KeyError, XML errors, ValueError…); all are the
    # file's.
    with failures_are_the_files(lambda exc: DocumentError(DAMAGED_XLSX)):
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        for worksheet in workbook.worksheets:  # chart sheets are not in .worksheets
            if worksheet.sheet_state != "visible":
                hidden.append(worksheet.title)
                continue
            sheets.append(_openpyxl_sheet(worksheet))
    return _document(sheets, hidden, "xlsx")


def read_xls(data: bytes) -> Document:
    """Every visible sheet of an .xls (Excel 97–2003) workbook with content, a table per sheet,
    read with python-calamine. Percentages read as fractions (see the module's docstring)."""
    check_not_empty(data)
    from python_calamine import CalamineWorkbook, PasswordError, SheetVisibleEnum

    sheets: list[_Sheet] = []
    hidden: list[str] = []

    def refusal(exc: Exception) -> DocumentError:  # calamine's errors, ValueError/OSError…
        if isinstance(exc, PasswordError):
            return DocumentError("Excel 文件设有打开密码，请去除密码后重新上传")
        return DocumentError(DAMAGED_XLS)

    with (
        failures_are_the_files(refusal),
        CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook,
    ):
        for meta in workbook.sheets_metadata:
            if meta.visible != SheetVisibleEnum.Visible:
                hidden.append(meta.name)
                continue
            sheets.append(_calamine_sheet(meta.name, workbook.get_sheet_by_name(meta.name)))
    return _document(sheets, hidden, "xls")


# ---------------------------------------------------------------------------------------------
# Reading the cells


def _openpyxl_sheet(worksheet: Any) -> _Sheet:
    sheet = _Sheet(worksheet.title)
    percent_formats: dict[str, bool] = {}
    # worksheet._cells holds only the cells present in the file. The public iterators visit
    # every position up to the sheet's dimension, creating a cell for each: one formatted cell
    # at XFD1048576 would make that seventeen billion.
    for (row, column), cell in worksheet._cells.items():
        value = cell.value
        if value is None:
            continue
        fmt = cell.number_format or ""
        if fmt not in percent_formats:
            percent_formats[fmt] = _is_percent_format(fmt)
        text = _text(value, percent=percent_formats[fmt])
        if text:
            sheet.cells[(row, column)] = text
    for merged in worksheet.merged_cells.ranges:
        sheet.merged.append((merged.min_row, merged.min_col, merged.max_row, merged.max_col))
    return sheet


def _calamine_sheet(name: str, worksheet: Any) -> _Sheet:
    sheet = _Sheet(name)
    # skip_empty_area=False: rows and columns counted from A1, so positions are the sheet's own.
    # (iter_rows() starts its rows at 1 but its columns at the first one with data.)
    for r, values in enumerate(worksheet.to_python(skip_empty_area=False), start=1):
        for c, value in enumerate(values, start=1):
            text = _text(value, percent=False)
            if text:
                sheet.cells[(r, c)] = text
    for (r0, c0), (r1, c1) in worksheet.merged_cell_ranges or ():
        sheet.merged.append((r0 + 1, c0 + 1, r1 + 1, c1 + 1))
    return sheet


def _is_percent_format(fmt: str) -> bool:
    # A "%" inside quotes or after a backslash is a literal sign, not a percentage format.
    return "%" in re.sub(r'"[^"]*"|\\.', "", fmt)


def _text(value: Value | None, *, percent: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if percent:
            return _number(value * 100) + "%"
        return _number(value)
    if isinstance(value, datetime.datetime):
        day = f"{value.year}年{value.month}月{value.day}日"
        if value.time() == datetime.time(0):
            return day
        return f"{day} {value:%H:%M}" + (f":{value:%S}" if value.second else "")
    if isinstance(value, datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, datetime.time):
        return f"{value:%H:%M}" + (f":{value:%S}" if value.second else "")
    if isinstance(value, datetime.timedelta):
        return str(value)
    return " ".join(fold(str(value)).split())


def _number(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    # Excel keeps 15 significant digits; the float's further digits are binary noise
    # (41.199999999999996 for 41.2%).
    text = format(value, ".15g")
    if "e" in text:
        text = format(Decimal(text), "f")
    return text


# ---------------------------------------------------------------------------------------------
# Lines


def _document(sheets: list[_Sheet], hidden: list[str], fmt: str) -> Document:
    lines: list[Line] = []
    for sheet in sheets:
        sheet_lines = _sheet_lines(sheet)
        if not sheet_lines:
            continue
        if lines:
            lines.append(Line("", NO_ORIGIN))
        lines.extend(sheet_lines)
    notes = tuple(f"未读取隐藏的工作表“{name}”" for name in hidden)
    if not lines:
        message = "Excel 文件中没有内容：所有工作表都是空的"
        if hidden:
            message += "（隐藏的工作表" + "、".join(f"“{n}”" for n in hidden) + "未读取）"
        raise DocumentError(message)
    return Document(tuple(lines), fmt, notes=notes)


def _sheet_lines(sheet: _Sheet) -> list[Line]:
    cells = _fill_merged(sheet.cells, sheet.merged)
    if not cells:
        return []
    first_row = min(r for r, _ in cells)
    last_row = max(r for r, _ in cells)
    first_column = min(c for _, c in cells)
    by_row: dict[int, dict[int, str]] = {}
    for (r, c), text in cells.items():
        by_row.setdefault(r, {})[c] = text
    lines: list[Line] = []
    blank = 0
    for r in range(first_row, last_row + 1):
        row = by_row.get(r)
        if row is None:
            # A long run of blank rows (a stray value far below the table) is cut short: four
            # blank lines end a table for the parsers as surely as a thousand do.
            blank += 1
            if blank <= _MAX_BLANK_RUN:
                lines.append(Line("", Origin(sheet=sheet.name, row=r)))
            continue
        blank = 0
        values = [row.get(c, "") for c in range(first_column, max(row) + 1)]
        lines.append(Line("\t".join(values), Origin(sheet=sheet.name, row=r)))
    return lines


def _fill_merged(
    cells: dict[tuple[int, int], str], merged: Iterable[tuple[int, int, int, int]]
) -> dict[tuple[int, int], str]:
    """The cells with each merged range's value in its first column, copied down every row of
    the range; what the range covers besides is empty, as Excel shows it. A range that reaches
    below the sheet's last row with content (a whole column merged by accident) is filled only
    as far as that row."""
    if not cells:
        return cells
    last_row = max(r for r, _ in cells)
    last_column = max(c for _, c in cells)
    filled = dict(cells)
    for r0, c0, r1, c1 in merged:
        value = cells.get((r0, c0))
        r1, c1 = min(r1, last_row), min(c1, last_column)
        # Whichever is fewer: the positions the range covers, or the cells there are.
        if (r1 - r0 + 1) * (c1 - c0 + 1) <= len(cells):
            covered: Iterable[tuple[int, int]] = (
                (r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
            )
        else:
            covered = [(r, c) for r, c in cells if r0 <= r <= r1 and c0 <= c <= c1]
        for position in covered:
            filled.pop(position, None)
        if value:
            for r in range(r0, r1 + 1):
                filled[(r, c0)] = value
    return filled
