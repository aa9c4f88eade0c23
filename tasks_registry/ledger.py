"""Bulk progress from a department's Excel ledger (台账, issue 16 part 8): read the rows, preview
what each would do (新建 / 修改 / 拒绝, and why), then write the accepted ones in one transaction.

django-import-export was not taken: it writes through model resources, which would bypass
progress_entry_create/update (their workflow checks and Chinese refusals) and the one visibility
rule in tasks_registry.selectors, and its row preview speaks in model fields, not in targets as a
department names them. The reading it would bring is what policytext already does with openpyxl
(merged cells, the size limits and the zip-bomb guard), so the ledger reads through
policytext.documents and adds no dependency.

The stages, each a dataclass: ``ledger_read`` turns the file into ``LedgerFile`` (its
``LedgerRow``s, no database); ``ledger_preview`` decides each row (``LedgerDecision``) against
what the user may record and what the department already reported, writing nothing;
``ledger_apply`` decides again (the state may have changed since the preview: a draft
submitted, an entry added), refuses when the decisions differ from the ones confirmed
(``LedgerPreviewChanged``) and otherwise writes every accepted row through the services in
one transaction (``LedgerResult``); one failure writes nothing (``LedgerApplyError``).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from policytext import cnnum, documents
from policytext.formats import Document, DocumentError, Line

from . import display, selectors, services
from .models import (
    Jurisdiction,
    ProgressEntry,
    ProgressStatus,
    Target,
    Task,
)

ACCEPTED_FORMAT = "Excel 工作簿（.xlsx）"
MAX_ROWS = 5000  # a department's ledger is tens to hundreds of rows
_XLSX_LIMITS = documents.Limits(max_bytes=10 * 1024 * 1024)

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


class LedgerFileError(ValueError):
    """The file cannot be used as a ledger; the message says why, in Chinese."""


class LedgerApplyError(Exception):
    """A row was refused while writing; nothing was written. The message names the row."""


class LedgerPreviewChanged(Exception):
    """Since the preview, the decisions changed (an entry was submitted, a target withdrawn…):
    nothing was written; ``preview`` is what the rows would do now, to be confirmed again."""

    def __init__(self, preview: LedgerPreview) -> None:
        super().__init__("自预览以来部分填报的状态发生了变化，请核对后重新确认")
        self.preview = preview


@dataclass(frozen=True)
class LedgerRow:
    """One data row of the ledger as written, every cell as text ("" when empty)."""

    sheet: str
    row: int
    target_id: str = ""
    task_number: str = ""
    target_text: str = ""
    year: str = ""
    quarter: str = ""
    place: str = ""
    value: str = ""
    unit: str = ""  # a 计量单位 cell, or the unit in the value column's header
    narrative: str = ""

    @property
    def where(self) -> str:
        """工作表“台账”第 7 行: where a person finds the row in the file they hold."""
        return f"工作表“{self.sheet}”第 {self.row} 行"

    def as_dict(self) -> dict[str, str | int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LedgerRow:
        def text(name: str) -> str:
            return str(data.get(name, ""))

        return cls(
            sheet=text("sheet"),
            row=int(data["row"]),
            target_id=text("target_id"),
            task_number=text("task_number"),
            target_text=text("target_text"),
            year=text("year"),
            quarter=text("quarter"),
            place=text("place"),
            value=text("value"),
            unit=text("unit"),
            narrative=text("narrative"),
        )


@dataclass(frozen=True)
class LedgerFile:
    """An uploaded ledger as read: its rows, and what the reader set aside (sheets without a
    header row, rows not filled in)."""

    name: str
    sha256: str
    rows: tuple[LedgerRow, ...]
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """For the session, between the preview and the confirmation (JSON-serialisable)."""
        return {
            "name": self.name,
            "sha256": self.sha256,
            "rows": [r.as_dict() for r in self.rows],
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LedgerFile:
        return cls(
            name=str(data["name"]),
            sha256=str(data["sha256"]),
            rows=tuple(LedgerRow.from_dict(r) for r in data["rows"]),
            notes=tuple(str(n) for n in data.get("notes", ())),
        )


class Action(StrEnum):
    CREATE = "create"
    CHANGE = "change"
    UNCHANGED = "unchanged"
    REFUSE = "refuse"


ACTION_TEXT = {
    Action.CREATE: "新建草稿",
    Action.CHANGE: "修改",
    Action.UNCHANGED: "无变化",
    Action.REFUSE: "拒绝",
}


@dataclass(frozen=True)
class LedgerDecision:
    """What one row will do: create a draft, change an existing draft or returned entry (``entry``),
    nothing (same as recorded), or be refused (``reason``)."""

    row: LedgerRow
    action: Action
    reason: str = ""
    task: Task | None = None
    target: Target | None = None
    jurisdiction: Jurisdiction | None = None
    year: int | None = None
    quarter: int | None = None
    value: Decimal | None = None  # in the target's stored unit
    narrative: str = ""  # "" leaves an existing entry's narrative as it is
    entry: ProgressEntry | None = None

    @property
    def accepted(self) -> bool:
        return self.action in (Action.CREATE, Action.CHANGE)

    @property
    def action_text(self) -> str:
        return ACTION_TEXT[self.action]

    @property
    def message(self) -> str:
        """工作表“台账”第 7 行：年度“二〇二三”无法识别 (for a refused row)."""
        return f"{self.row.where}：{self.reason}" if self.reason else self.row.where

    @property
    def subject(self) -> str:
        """任务 16 · 职业院校“双师型”教师占比, or the row's own words when it was not resolved."""
        if self.task is not None:
            text = f"任务 {self.task.number}"
            return text + (f" · {self.target.label}" if self.target is not None else "")
        written = [
            f"目标编号 {self.row.target_id}" if self.row.target_id else "",
            f"任务 {self.row.task_number}" if self.row.task_number else "",
            self.row.target_text,
        ]
        return " · ".join(w for w in written if w) or "—"

    @property
    def period(self) -> str:
        """2023 年第 1 季度（宛城区）, or the row's own words when they were not read."""
        if self.year is None:
            return " ".join(w for w in (self.row.year, self.row.quarter, self.row.place) if w)
        text = f"{self.year} 年" + (f"第 {self.quarter} 季度" if self.quarter else "")
        return text + (f"（{self.jurisdiction}）" if self.jurisdiction is not None else "")

    @property
    def unit(self) -> str:
        return self.target.unit if self.target is not None else ""

    @property
    def new_value_text(self) -> str:
        if self.value is None:
            return self.row.value or "—"
        return display.amount_text(self.value, self.unit)

    @property
    def old_value_text(self) -> str:
        """The value recorded now, for 修改 rows (shown as old → new)."""
        if self.entry is None:
            return ""
        return display.amount_text(self.entry.value, self.unit)

    @property
    def narrative_changes(self) -> bool:
        return bool(
            self.entry is not None and self.narrative and self.narrative != self.entry.narrative
        )

    def fingerprint(self) -> list[object]:
        """What the user confirmed about this row: a change in any part means a new preview."""
        entry = self.entry
        return [
            self.row.sheet,
            self.row.row,
            self.action.value,
            self.reason,
            self.task.pk if self.task else None,
            self.target.pk if self.target else None,
            self.jurisdiction.pk if self.jurisdiction else None,
            self.year,
            self.quarter,
            str(self.value) if self.value is not None else None,
            self.narrative,
            entry.pk if entry else None,
            entry.status if entry else None,
            str(entry.value) if entry and entry.value is not None else None,
            entry.narrative if entry else None,
        ]


@dataclass(frozen=True)
class LedgerPreview:
    file: LedgerFile
    decisions: tuple[LedgerDecision, ...]

    def _count(self, action: Action) -> int:
        return sum(1 for d in self.decisions if d.action == action)

    @property
    def to_create(self) -> int:
        return self._count(Action.CREATE)

    @property
    def to_change(self) -> int:
        return self._count(Action.CHANGE)

    @property
    def unchanged(self) -> int:
        return self._count(Action.UNCHANGED)

    @property
    def refused(self) -> int:
        return self._count(Action.REFUSE)

    @property
    def accepted(self) -> tuple[LedgerDecision, ...]:
        return tuple(d for d in self.decisions if d.accepted)

    @property
    def fingerprint(self) -> str:
        payload = json.dumps(
            [self.file.sha256, [d.fingerprint() for d in self.decisions]],
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LedgerResult:
    created: int
    changed: int
    refused: int
    unchanged: int = 0
    entries: tuple[ProgressEntry, ...] = field(default=())

    @property
    def message(self) -> str:
        """已导入 N 条（新建 X，修改 Y），拒绝 Z 条."""
        text = (
            f"已导入 {self.created + self.changed} 条（新建 {self.created}，修改 {self.changed}），"
            f"拒绝 {self.refused} 条"
        )
        return text + (f"，无变化 {self.unchanged} 条" if self.unchanged else "")


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
        document = documents.read(name or "台账.xlsx", data, limits=_XLSX_LIMITS)
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


class _Refused(Exception):
    """A row's cell cannot be used; the message is the reason shown to the user."""


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


# ---------------------------------------------------------------------------------------------
# Deciding each row (reads only)


# An entry's period and subject: task, target, year, quarter, place.
_Key = tuple[int, int | None, int, int | None, int | None]


@dataclass
class _Scope:
    """What the rows are decided against, read once for the whole file."""

    user: User
    targets: dict[int, Target]
    tasks_by_number: dict[str, list[Task]]
    targets_by_task: dict[int, list[Target]]
    entries: dict[_Key, list[ProgressEntry]]
    places: dict[int, Jurisdiction]
    children: dict[int, list[int]]
    may_record: dict[int, bool] = field(default_factory=dict)

    def records(self, task: Task) -> bool:
        if task.pk not in self.may_record:
            self.may_record[task.pk] = selectors.progress_entry_may_record(
                user=self.user, task=task
            )
        return self.may_record[task.pk]


def _scope(user: User) -> _Scope:
    targets = {
        t.pk: t
        for t in selectors.target_list_visible_to(user=user).select_related(
            "jurisdiction", "task__plan__jurisdiction"
        )
    }
    tasks_by_number: dict[str, list[Task]] = defaultdict(list)
    for task in selectors.task_list_visible_to(user=user).filter(is_active=True):
        tasks_by_number[task.number.strip()].append(task)
    targets_by_task: dict[int, list[Target]] = defaultdict(list)
    for target in sorted(targets.values(), key=lambda t: (t.task_id, t.position, t.pk)):
        if target.is_active:
            targets_by_task[target.task_id].append(target)
    entries: dict[_Key, list[ProgressEntry]] = defaultdict(list)
    # The department's own entries: an import changes what its own staff reported, never another
    # department's entry on a shared task (progress_entry_create records for by.department).
    own = selectors.progress_entry_list_visible_to(user=user)
    own = own.filter(department_id=user.department_id) if user.department_id else own.none()
    for entry in own:
        key = (entry.task_id, entry.target_id, entry.year, entry.quarter, entry.jurisdiction_id)
        entries[key].append(entry)
    places = {j.pk: j for j in Jurisdiction.objects.all()}
    children: dict[int, list[int]] = defaultdict(list)
    for j in places.values():
        if j.parent_id is not None:
            children[j.parent_id].append(j.pk)
    return _Scope(user, targets, tasks_by_number, targets_by_task, entries, places, children)


def _subject(row: LedgerRow, scope: _Scope) -> tuple[Task, Target | None]:
    """The task and target a row reports on, by 目标编号 or by 任务序号 (and 目标 when the task
    has several targets), refused unless the user may record on it."""
    task_number = cnnum.normalise(row.task_number).strip()
    if row.target_id:
        written = cnnum.normalise(row.target_id).strip()
        if not written.isdigit() or len(written) > 12:
            raise _Refused(f"目标编号“{row.target_id}”应为数字（见模板中的目标编号）")
        target_id = int(written)
        target = scope.targets.get(target_id)
        if target is None or not scope.records(target.task):
            if target is not None or Target.objects.filter(pk=target_id).exists():
                raise _Refused(f"目标 {target_id} 不属于本部门的任务，不能填报")
            raise _Refused(f"没有编号为 {target_id} 的目标")
        if not target.is_active or not target.task.is_active:
            raise _Refused(f"目标 {target_id} 已不在现行任务清单中，不能填报")
        if task_number and task_number != target.task.number:
            raise _Refused(
                f"目标 {target_id} 属于任务 {target.task.number}，与“任务序号”{task_number} 不符"
            )
        return target.task, target
    tasks = scope.tasks_by_number.get(task_number, [])
    if not tasks:
        if Task.objects.filter(number=task_number, is_active=True).exists():
            raise _Refused(f"任务 {task_number} 不属于本部门的任务，不能填报")
        raise _Refused(f"没有序号为 {task_number} 的任务")
    if len(tasks) > 1:
        plans = "、".join(f"《{t.plan.title}》" for t in tasks)
        raise _Refused(f"任务序号 {task_number} 在{plans}中都有，请改填目标编号")
    task = tasks[0]
    if not scope.records(task):
        raise _Refused(f"任务 {task_number} 不属于本部门的任务，不能填报")
    candidates = scope.targets_by_task.get(task.pk, [])
    if not candidates:
        return task, None
    return task, _target_of(row, task, candidates)


def _target_of(row: LedgerRow, task: Task, candidates: list[Target]) -> Target:
    written = _plain(row.target_text)
    if not written:
        if len(candidates) == 1:
            return candidates[0]
        raise _Refused(
            f"任务 {task.number} 有 {len(candidates)} 个目标，无法确定是哪一个："
            + _listed(candidates)
            + "；请在“目标”一栏写明目标内容，或改填目标编号"
        )
    exact = [
        t for t in candidates if written in {_plain(t.label), _plain(t.worded), _plain(str(t))}
    ]
    partial = [t for t in candidates if written in _plain(t.label) or _plain(t.label) in written]
    found = exact or partial
    if len(found) == 1:
        return found[0]
    if not found:
        raise _Refused(
            f"任务 {task.number} 没有目标“{row.target_text}”；该任务的目标有：{_listed(candidates)}"
        )
    raise _Refused(
        f"“{row.target_text}”可指任务 {task.number} 的多个目标：{_listed(found)}；请改填目标编号"
    )


def _listed(targets: Sequence[Target]) -> str:
    return "、".join(f"目标 {t.pk}“{t.label} {t.worded}”" for t in targets)


def _place_names(place: Jurisdiction) -> set[str]:
    return {_plain(place.name), *(_plain(str(a)) for a in place.aliases or [])}


def _place(row: LedgerRow, task: Task, target: Target | None, scope: _Scope) -> Jurisdiction | None:
    """The county a per-county target's value is for (attainment.services.target_places, the
    rule attainment measures by); for any other target the 县区 cell stays empty or names the
    target's (the plan's) own place."""
    from attainment.services import target_places

    written = _plain(row.place)
    if target is None or not target.per_unit:
        if not written or written in ("全市", "市级", "合计"):
            return None
        own = (target.jurisdiction_id if target else None) or task.plan.jurisdiction_id
        if own in scope.places and written in _place_names(scope.places[own]):
            return None
        what = f"目标“{target.label}”" if target is not None else f"任务 {task.number}"
        raise _Refused(f"{what}按全市考核，“县区”一栏应留空（填的是“{row.place}”）")
    allowed = [
        scope.places[j]
        for j in target_places(target, task.plan, scope.places, scope.children)
        if j is not None
    ]
    names = "、".join(p.name for p in allowed)
    choices = f"（可填：{names}）" if names else ""
    if not written:
        raise _Refused(
            f"目标“{target.label}”按每个{target.per_unit}分别考核，请在“县区”一栏填写{choices}"
        )
    for place in allowed:
        if written in _place_names(place):
            return place
    raise _Refused(f"县区“{row.place}”不在目标“{target.label}”的考核范围内{choices}")


def _decide(row: LedgerRow, scope: _Scope, seen: dict[_Key, LedgerRow]) -> LedgerDecision:
    refused = LedgerDecision(row, Action.REFUSE)
    if not (row.target_id or row.task_number):
        return replace(refused, reason="目标编号和任务序号都没有填写")
    try:
        task, target = _subject(row, scope)
    except _Refused as exc:
        return replace(refused, reason=str(exc))
    reasons: list[str] = []
    year: int | None = None
    quarter: int | None = None
    place: Jurisdiction | None = None
    value: Decimal | None = None
    if not row.year:
        reasons.append("年度缺失")
    else:
        try:
            year = year_parse(row.year)
        except _Refused as exc:
            reasons.append(str(exc))
    try:
        quarter = quarter_parse(row.quarter)
    except _Refused as exc:
        reasons.append(str(exc))
    try:
        place = _place(row, task, target, scope)
    except _Refused as exc:
        reasons.append(str(exc))
    if row.value:
        try:
            value = value_parse(
                row.value, unit=target.unit if target else "", written_unit=row.unit
            )
        except _Refused as exc:
            reasons.append(str(exc))
    elif target is not None or not row.narrative.strip():
        # A task without a numeric target may report its progress in words alone.
        reasons.append("完成值缺失")
    decided = replace(
        refused,
        task=task,
        target=target,
        year=year,
        quarter=quarter,
        jurisdiction=place,
        value=value,
        narrative=row.narrative.strip(),
    )
    if reasons or year is None:
        return replace(decided, reason="；".join(reasons))
    key: _Key = (task.pk, target.pk if target else None, year, quarter, place.pk if place else None)
    first = seen.get(key)
    if first is not None:
        return replace(decided, reason=f"与第 {first.row} 行是同一目标的同一期，同一期只能填一行")
    seen[key] = row
    existing = scope.entries.get(key, [])
    if not existing:
        return replace(decided, action=Action.CREATE)
    if len(existing) > 1:
        return replace(
            decided,
            reason=f"本部门该期已有 {len(existing)} 条填报，无法确定修改哪一条，请在工作台处理",
        )
    entry = existing[0]
    if not selectors.progress_entry_may_edit(user=scope.user, entry=entry):
        state = "已通过审核" if entry.status == ProgressStatus.APPROVED else "已提交审核"
        return replace(decided, entry=entry, reason=f"该期填报{state}，不能修改")
    same = entry.value == value and (not decided.narrative or decided.narrative == entry.narrative)
    return replace(decided, entry=entry, action=Action.UNCHANGED if same else Action.CHANGE)


def _ensure_may_import(user: User) -> None:
    if not selectors.progress_entry_may_record(user=user):
        raise PermissionDenied("只有关联了部门的部门工作人员可以导入台账；督导人员负责审核")


def ledger_preview(*, user: User, file: LedgerFile) -> LedgerPreview:
    """What each row of ``file`` would do for ``user``'s department, writing nothing: create a
    draft, change a draft or returned entry of the same target, year, quarter and place, or be
    refused with the reason. Only targets of tasks the user may record on are accepted."""
    _ensure_may_import(user)
    scope = _scope(user)
    seen: dict[_Key, LedgerRow] = {}
    return LedgerPreview(file, tuple(_decide(row, scope, seen) for row in file.rows))


def _refusal(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or "无权填报"


def ledger_apply(*, user: User, file: LedgerFile, fingerprint: str) -> LedgerResult:
    """Write the accepted rows of ``file`` through progress_entry_create / progress_entry_update,
    all in one transaction, as drafts (a returned entry stays returned) for the user to submit.

    The rows are decided again first: if anything differs from the preview the user confirmed
    (``fingerprint``), nothing is written and LedgerPreviewChanged carries the new preview. A
    service refusing a row raises LedgerApplyError naming it, and nothing is written."""
    _ensure_may_import(user)
    written: list[ProgressEntry] = []
    with transaction.atomic():
        preview = ledger_preview(user=user, file=file)
        if preview.fingerprint != fingerprint:
            raise LedgerPreviewChanged(preview)
        for decision in preview.accepted:
            written.append(_write(decision, user))
    return LedgerResult(
        created=preview.to_create,
        changed=preview.to_change,
        refused=preview.refused,
        unchanged=preview.unchanged,
        entries=tuple(written),
    )


def _write(decision: LedgerDecision, user: User) -> ProgressEntry:
    assert decision.year is not None
    try:
        if decision.action == Action.CREATE:
            return services.progress_entry_create(
                by=user,
                task=decision.task,
                target=decision.target,
                jurisdiction=decision.jurisdiction,
                year=decision.year,
                quarter=decision.quarter,
                value=decision.value,
                narrative=decision.narrative,
            )
        assert decision.entry is not None
        changes: dict[str, object] = {"value": decision.value}
        if decision.narrative:
            changes["narrative"] = decision.narrative
        return services.progress_entry_update(entry=decision.entry, by=user, **changes)
    except (ValidationError, PermissionDenied) as exc:
        raise LedgerApplyError(
            f"{decision.row.where}：{_refusal(exc)}。整个台账未导入，请修改后重新上传"
        ) from exc


# ---------------------------------------------------------------------------------------------
# The template a department fills in


TEMPLATE_COLUMNS = (
    "目标编号",
    "任务序号",
    "目标",
    "目标值",
    "计量单位",
    "县区",
    "年度",
    "季度",
    "完成值",
    "进展情况",
)
TEMPLATE_NOTE = (
    "填写说明：每行填写一个目标某一年度（或季度）的完成值；“目标编号”“任务序号”“目标”请勿修改。"
    "完成值按“计量单位”一栏填写（金额以万元计），百分比填数字即可（如 41.2）；季度留空表示全年。"
    "未填写年度、完成值和进展情况的行不导入。导入后为草稿，请在工作台逐条提交审核。"
)


def ledger_template_rows(*, user: User) -> list[list[str]]:
    """The rows of the template: each target the user's department may record on (a row per
    county for a per-county target), and each of its tasks without a numeric target."""
    _ensure_may_import(user)
    from attainment.services import target_places

    scope = _scope(user)
    rows: list[list[str]] = []
    tasks = sorted(
        {t.pk: t for group in scope.tasks_by_number.values() for t in group}.values(),
        key=lambda t: (t.plan_id, t.position, t.pk),
    )
    for task in tasks:
        if not scope.records(task):
            continue
        targets = scope.targets_by_task.get(task.pk, [])
        if not targets:
            rows.append(["", task.number, "（无量化目标，填写进展情况）", "", "", ""])
        for target in targets:
            unit = display.unit_input(target.unit)[0]
            places: Iterable[Jurisdiction | None] = [None]
            if target.per_unit:
                ids = target_places(target, task.plan, scope.places, scope.children)
                places = [scope.places[j] for j in ids if j is not None] or [None]
            for place in places:
                rows.append(
                    [
                        str(target.pk),
                        task.number,
                        target.label,
                        target.worded,
                        unit,
                        place.name if place is not None else "",
                    ]
                )
    return rows


def ledger_template(*, user: User) -> tuple[bytes, int]:
    """The department's ledger template as .xlsx, with its targets pre-listed, and how many rows
    it lists."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    rows = ledger_template_rows(user=user)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "台账"
    sheet.append([TEMPLATE_NOTE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(TEMPLATE_COLUMNS))
    sheet["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[1].height = 60
    sheet.append(list(TEMPLATE_COLUMNS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    widths = (10, 10, 36, 24, 10, 12, 8, 8, 12, 40)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), len(rows)
