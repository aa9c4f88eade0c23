"""Reading a ledger (no database): the file into ``LedgerFile`` (``ledger_read``: sheets,
header row, data rows), and one cell into a year, a quarter or a value in the target's unit
(``year_parse``, ``quarter_parse``, ``value_parse``), refusing with ``_Refused``."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings

from policytext import cnnum, documents
from policytext.formats import Document, DocumentError, Line

from .. import display
from .types import LedgerFile, LedgerFileError, LedgerRow, _Refused

ACCEPTED_FORMAT = "Excel 工作簿（.xlsx）"
MAX_ROWS = 5000  # a department's ledger is tens to hundreds of rows

# ---------------------------------------------------------------------------------------------
# Columns: the header words people write, per field. A header is matched whole, after spaces,
# required-marks (*) and a trailing colon are dropped; "完成值（万元）" is the value column with
# its unit in brackets.

FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "target_id": ("目标编号", "目标id", "目标代码", "目标号"),
    "task_number": ("任务序号", "任务编号", "任务号"),
    "target_text": ("目标", "目标内容", "目标名称", "目标任务", "量化目标", "指标", "指标名称"),
    "year": ("年度", "年份", "填报年度"),
    "quarter": ("季度", "填报季度"),
    "value": ("完成值", "完成数", "完成数值", "实际完成值", "实际完成", "实际值", "完成量"),
    "narrative": (
        "进展情况",
        "工作进展",
        "进展",
        "进展说明",
        "工作进展情况",
        "完成情况",
        "完成情况说明",
        "情况说明",
    ),
    "place": ("县区", "县(市、区)", "县(市区)", "县市区", "区县", "县(区)", "地区"),
    "unit": ("计量单位", "完成值单位"),
}
_WORD_FIELD = {word.lower(): name for name, words in FIELD_WORDS.items() for word in words}
COLUMNS_TEXT = (
    "“目标编号”或“任务序号”（一项任务有多个目标时，另填“目标”一栏写明目标内容）、“年度”、"
    "“完成值”（必填）；“季度”“进展情况”“县区”（按每个县区考核的目标必填）“计量单位”（可选）"
)


# ---------------------------------------------------------------------------------------------
# Reading the file (no database)


def ledger_read(*, name: str, data: bytes) -> LedgerFile:
    """The rows of an uploaded .xlsx ledger, read by the project's spreadsheet reader (merged
    cells filled, size limits and zip-bomb guard applied). Raises LedgerFileError saying why a
    file cannot be used: empty, not .xlsx, damaged, too large, or without a header row."""
    if not data:
        raise LedgerFileError("文件是空的，请检查后重新上传")
    # Checked before any reader runs: a PDF or Word file would otherwise be read whole first.
    if not data.startswith(b"PK\x03\x04"):
        raise LedgerFileError(
            f"不是 Excel .xlsx 文件，请上传{ACCEPTED_FORMAT}（.xls 请先另存为 .xlsx）"
        )
    try:
        limits = documents.Limits(max_bytes=settings.LEDGER_MAX_BYTES)
        document = documents.read(name or "台账.xlsx", data, limits=limits)
    except DocumentError as exc:
        raise LedgerFileError(str(exc)) from exc
    if document.format != "xlsx":
        raise LedgerFileError(f"不是 Excel .xlsx 文件，请上传{ACCEPTED_FORMAT}")
    rows, notes = _rows(document)
    if len(rows) > MAX_ROWS:
        raise LedgerFileError(f"台账有 {len(rows)} 行，超过 {MAX_ROWS} 行的上限，请分批导入")
    return LedgerFile(
        name=name, sha256=hashlib.sha256(data).hexdigest(), rows=tuple(rows), notes=notes
    )


def _sheets(document: Document) -> dict[str, list[Line]]:
    by_sheet: dict[str, list[Line]] = {}
    for line in document.lines:
        if line.origin.sheet is not None and line.origin.row is not None:
            by_sheet.setdefault(line.origin.sheet, []).append(line)
    return by_sheet


def _header_key(cell: str) -> tuple[str | None, str]:
    """The field a header cell names, and a unit written in its brackets ("完成值（万元）")."""
    text = cnnum.normalise(cell).replace("（", "(").replace("）", ")")
    text = re.sub(r"\s+|[*＊]", "", text).rstrip(":：").lower()
    if text in _WORD_FIELD:
        return _WORD_FIELD[text], ""
    m = re.fullmatch(r"(.+?)\(([^()]+)\)", text)
    if m and m.group(1) in _WORD_FIELD:
        name, bracket = _WORD_FIELD[m.group(1)], m.group(2)
        return name, bracket if name == "value" and _is_unit(bracket) else ""
    return None, ""


def _is_unit(text: str) -> bool:
    return text in cnnum.UNITS or cnnum.split_multiplier(text)[1] in cnnum.UNITS


def _header(cells: list[str]) -> tuple[dict[str, int], str] | None:
    """The columns of a header row (field -> index) and the value header's unit, or None when the
    row is not a ledger's header."""
    columns: dict[str, int] = {}
    unit = ""
    for index, cell in enumerate(cells):
        name, bracket = _header_key(cell)
        if name is not None and name not in columns:
            columns[name] = index
            unit = bracket if name == "value" else unit
    has_subject = "target_id" in columns or "task_number" in columns
    if has_subject and "year" in columns and "value" in columns:
        return columns, unit
    return None


def _rows(document: Document) -> tuple[list[LedgerRow], tuple[str, ...]]:
    rows: list[LedgerRow] = []
    notes: list[str] = list(document.notes)
    found_header = False
    for sheet, lines in _sheets(document).items():
        header: tuple[dict[str, int], str] | None = None
        blank = 0
        for line in lines:
            cells = documents.split_cells(line.text, markdown=False)
            if header is None:
                header = _header(cells)
                continue
            columns, header_unit = header
            values = {
                name: cells[index].strip() if index < len(cells) else ""
                for name, index in columns.items()
            }
            if _header(cells) is not None:
                continue  # the header repeated (a ledger pasted twice, a printed page's title)
            if not (values.get("year") or values.get("value") or values.get("narrative")):
                if any(values.values()):
                    blank += 1  # a target pre-listed in the template and not filled in
                continue
            assert line.origin.row is not None  # _sheets keeps only rows with a place
            rows.append(
                LedgerRow(
                    sheet=sheet,
                    row=line.origin.row,
                    target_id=values.get("target_id", ""),
                    task_number=values.get("task_number", ""),
                    target_text=values.get("target_text", ""),
                    year=values.get("year", ""),
                    quarter=values.get("quarter", ""),
                    place=values.get("place", ""),
                    value=values.get("value", ""),
                    unit=values.get("unit", "") or header_unit,
                    narrative=values.get("narrative", ""),
                )
            )
        if header is None:
            notes.append(f"工作表“{sheet}”中没有找到表头，未读取")
            continue
        found_header = True
        if blank:
            notes.append(f"工作表“{sheet}”有 {blank} 行未填写年度、完成值和进展情况，已跳过")
    if not found_header:
        raise LedgerFileError(f"没有找到台账的表头：表头一行应包含{COLUMNS_TEXT}")
    return rows, tuple(notes)


# ---------------------------------------------------------------------------------------------
# Reading one cell


def year_parse(text: str) -> int:
    """2023, 2023年, 2023年度 (digits as written, full-width too); anything else is refused."""
    m = re.fullmatch(r"(\d{4})\s*(?:年度?)?", cnnum.normalise(text).strip())
    if m is None:
        raise _Refused(f"年度“{text}”无法识别，请填写四位数字年份，如 2023")
    year = int(m.group(1))
    if not 2000 <= year <= 2100:
        raise _Refused(f"年度“{text}”不在 2000—2100 年之间")
    return year


_QUARTER_DIGITS = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}


def quarter_parse(text: str) -> int | None:
    """1, 一季度, 第1季度, Q1 -> 1; empty or 全年 -> None (a whole year's figure)."""
    s = re.sub(r"\s+", "", cnnum.normalise(text)).upper()
    if s in ("", "全年", "年度", "-", "—", "/"):
        return None
    m = re.fullmatch(r"(?:第)?([1-4一二三四])(?:季度|季)?|Q([1-4])", s)
    if m is None:
        raise _Refused(f"季度“{text}”无法识别，请填 1—4，全年数据留空")
    return _QUARTER_DIGITS[m.group(1) or m.group(2)]


_MULTIPLIER_WORDS = re.compile("千万|百万|万|亿")
_BARE_NUMBER = re.compile(
    r"[-+]?[\d.,]+(?:千万|百万|万|亿)?|[零〇○一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?"
)


def _number(text: str) -> Decimal:
    try:
        return cnnum.parse_number(text)
    except (KeyError, InvalidOperation) as exc:
        raise ValueError(text) from exc


def value_parse(text: str, *, unit: str, written_unit: str = "") -> Decimal:
    """A 完成值 cell in ``unit`` (the target's stored unit): "41.2%" -> 41.2 for a % target;
    "600万元" -> 6000000 for a 元 target. A bare number is in ``written_unit`` (the ledger's
    计量单位 column or the value header's brackets) or else in the unit a person types for the
    target (display.unit_input: 万元 for money), so "600" under a 元 target is 600 万元, as on
    the entry form; a multiplier written in the cell ("600万") says itself what it means."""
    s = re.sub(r"\s+", "", cnnum.normalise(text))
    target_multiplier, base = cnnum.split_multiplier(unit)
    target_factor = cnnum.scaled("1", target_multiplier).value if target_multiplier else 1
    number: Decimal | None = None
    try:
        if unit and s.endswith(unit) and s != unit:
            number = _number(s[: -len(unit)])
        elif base and base != unit and s.endswith(base) and s != base:
            # 6000000元 for a target kept in 万元: the cell's base units, into the target's.
            number = _number(s[: -len(base)]) / target_factor
        elif _BARE_NUMBER.fullmatch(s):
            bare = _number(s)
            if _MULTIPLIER_WORDS.search(s):
                number = bare / target_factor
            else:
                number = bare * _factor(written_unit, unit)
    except ValueError:
        raise _Refused(f"完成值“{text}”无法识别") from None
    if number is None:
        if re.match(r"[-+]?\d", s):
            raise _Refused(f"完成值“{text}”的单位与目标的单位“{unit or '无单位'}”不符")
        raise _Refused(f"完成值“{text}”无法识别")
    return _exact(number, text)


def _factor(written_unit: str, unit: str) -> Decimal:
    """How many of the target's ``unit`` one bare number in the ledger stands for."""
    if not written_unit:
        return display.unit_input(unit)[1]
    written = re.sub(r"\s+", "", cnnum.normalise(written_unit))
    if written == unit:
        return Decimal(1)
    w_mult, w_base = cnnum.split_multiplier(written)
    t_mult, t_base = cnnum.split_multiplier(unit)
    if w_base != t_base:
        raise _Refused(f"计量单位“{written_unit}”与目标的单位“{unit or '无单位'}”不符")
    w = cnnum.scaled("1", w_mult).value if w_mult else Decimal(1)
    t = cnnum.scaled("1", t_mult).value if t_mult else Decimal(1)
    return w / t


def _exact(value: Decimal, raw: str) -> Decimal:
    # The database keeps four decimals; a value that needs more was not typed as meant.
    if value != value.quantize(Decimal("0.0001")):
        raise _Refused(f"完成值“{raw}”的小数位数过多（最多 4 位）")
    if abs(value) >= Decimal(10) ** 16:
        raise _Refused(f"完成值“{raw}”过大")
    return value


def _plain(text: str) -> str:
    """A target's wording as compared with a ledger's 目标 cell: no spaces or quotes."""
    return re.sub(r"[\s“”\"‘’'「」《》]", "", cnnum.normalise(text))
