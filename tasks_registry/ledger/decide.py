"""Deciding each row of a ``LedgerFile`` against what the user may record and what the
department already reported (``ledger_preview`` -> ``LedgerPreview``), reading only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.exceptions import PermissionDenied

from accounts.models import User
from policytext import cnnum

from .. import selectors
from ..models import (
    Jurisdiction,
    ProgressEntry,
    ProgressStatus,
    Target,
    Task,
)
from .read import _plain, quarter_parse, value_parse, year_parse
from .types import Action, LedgerDecision, LedgerFile, LedgerPreview, LedgerRow, _Refused

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
    places, children = selectors.jurisdiction_tree_load()
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
    """The county a per-county target's value is for (selectors.target_places, the rule
    attainment measures by); for any other target the 县区 cell stays empty or names the
    target's (the plan's) own place."""
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
        for j in selectors.target_places(target, task.plan, scope.places, scope.children)
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
