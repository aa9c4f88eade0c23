"""The named types passed between the ledger's stages: the file as read (``LedgerRow``,
``LedgerFile``), what each row will do (``Action``, ``LedgerDecision``, ``LedgerPreview``), what
was written (``LedgerResult``), and the errors each stage raises."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from .. import display
from ..models import Jurisdiction, ProgressEntry, Target, Task


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


class _Refused(Exception):
    """A row's cell cannot be used; the message is the reason shown to the user."""


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
