"""Reads: the readings a recompute needs, and what the supervisors' view lists."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from reporting.models import Figure, FigureKind, FigureStatus
from tasks_registry.models import Indicator, Jurisdiction, Plan, ProgressEntry, ProgressStatus, Target, Task

from .models import Attainment, Status


@dataclass
class ReadingSources:
    """Everything a recompute reads, loaded once: places, report figures, approved entries."""

    places: dict[int, Jurisdiction]
    children: dict[int, list[int]]
    figures: Any  # services._Readings
    entries: dict[tuple[int, int | None], list[Any]]

    def readings(self, target: Target, place: int | None, plan: Plan) -> list[Any]:
        from .services import _entry_reading  # one module owns the reading format

        base = target.jurisdiction_id or plan.jurisdiction_id
        out = [_entry_reading(e, target.unit) for e in self.entries.get((target.pk, place), ())]
        if place is not None and place == base:
            out += [_entry_reading(e, target.unit) for e in self.entries.get((target.pk, None), ())]
        if target.indicator_id is not None and place is not None:
            out += self.figures.get(target.indicator_id, place)
        return out


def reading_sources_load(*, targets: list[Target]) -> ReadingSources:
    from .services import _Readings

    places = {j.pk: j for j in Jurisdiction.objects.only("id", "name", "kind", "code", "parent_id")}
    children: dict[int, list[int]] = defaultdict(list)
    for j in places.values():
        if j.parent_id is not None:
            children[j.parent_id].append(j.pk)
    indicators = {i.pk: i for i in Indicator.objects.all()}
    wanted = {t.indicator_id for t in targets if t.indicator_id}
    for i in list(wanted):
        ind = indicators.get(i)
        if ind is not None and ind.is_ratio:
            wanted |= {ind.numerator_id, ind.denominator_id}
    figures = (
        Figure.objects.filter(
            indicator_id__in=wanted, jurisdiction__isnull=False, year__isnull=False,
            kind__in=[FigureKind.ACTUAL, FigureKind.OTHER_YEAR],
        )
        .exclude(status=FigureStatus.REJECTED)
        .values(
            "id", "indicator_id", "jurisdiction_id", "year", "value", "unit", "qualifier", "kind", "status",
            "line", "table_title", "table_row", "text", "report_id", "report__title", "report__year",
        )
        .order_by("year", "report_id", "line", "id")
        if wanted else []
    )
    entries: dict[tuple[int, int | None], list[Any]] = defaultdict(list)
    target_ids = [t.pk for t in targets]
    if target_ids:
        for e in (
            ProgressEntry.objects.filter(target_id__in=target_ids, status=ProgressStatus.APPROVED, value__isnull=False)
            .values("id", "target_id", "jurisdiction_id", "year", "quarter", "value", "narrative", "department__name")
            .order_by("year", "quarter", "id")
        ):
            entries[(e["target_id"], e["jurisdiction_id"])].append(e)
    return ReadingSources(places, children, _Readings(figures, indicators, children, places), entries)


# ---------------------------------------------------------------------------------------------
# The supervisors' view

ATTENTION = (Status.OVERDUE, Status.AT_RISK, Status.CONFLICT)


def attainment_list_visible_to(*, user: User) -> QuerySet[Attainment]:
    """Attainments a user may see, with everything a list row shows joined in (no per-row
    queries): supervisors and the office see all; department staff their department's tasks."""
    rows = Attainment.objects.select_related(
        "target__task__plan", "target__task__lead", "target__indicator", "jurisdiction"
    ).filter(target__is_active=True, target__task__is_active=True)
    if user.is_department_staff:
        if user.department_id is None:
            return rows.none()
        rows = rows.filter(target__task__in=Task.objects.filter(assignments__department_id=user.department_id))
    return rows


def department_summary(*, rows: QuerySet[Attainment]) -> list[dict[str, Any]]:
    """Per lead department: how many attainments in each status, and the on-time rate (of the
    periods already due, the share met)."""
    counts = {s.value: Count("id", filter=Q(status=s.value)) for s in Status}
    data = (
        rows.order_by()
        .values("target__task__lead_id", "target__task__lead__name")
        .annotate(total=Count("id"), **counts)
        .order_by("target__task__lead__name")
    )
    out = []
    for d in data:
        due = d[Status.MET] + d[Status.OVERDUE]
        out.append(
            {
                "department_id": d["target__task__lead_id"],
                "department": d["target__task__lead__name"] or "（未定牵头单位）",
                "total": d["total"],
                **{s.value: d[s.value] for s in Status},
                "on_time_rate": round(d[Status.MET] / due * 100, 1) if due else None,
            }
        )
    return out


def _plain(value) -> str:
    return "" if value is None else format(value.normalize(), "f")


def source_text(source: dict[str, Any] | None) -> str:
    """One source as a person reads it: 《南阳市…报告》第 254 行：“……”."""
    if not source:
        return ""
    text = source.get("where", "")
    if source.get("text"):
        text += f"：“{source['text']}”"
    return text


def attainment_row(a: Attainment) -> dict[str, Any]:
    """One attainment as the list, the export and the command show it."""
    t = a.target
    if a.status == Status.CONFLICT:
        actual = "；".join(
            f"{s.get('display') or _plain_str(s.get('value'))}（{s.get('where', '')}）" for s in a.sources
        )
    else:
        actual = "" if a.actual is None else f"{_plain(a.actual)}{t.unit}"
    return {
        "plan": t.task.plan.title,
        "task": t.task.number,
        "department": t.task.lead.name if t.task.lead else "",
        "target": t.label,
        "worded": t.worded,
        "indicator": t.indicator.name if t.indicator else "",
        "indicator_code": t.indicator.code if t.indicator else "",
        "jurisdiction": a.jurisdiction.name if a.jurisdiction else "",
        "period": a.period_label,
        "year": a.year,
        "due": a.due_date.isoformat(),
        "actual": actual,
        "actual_value": None if a.actual is None else float(a.actual),
        "actual_year": a.actual_year,
        "ratio": None if a.ratio is None else float(a.ratio),
        "percent": None if a.ratio is None else round(float(a.ratio) * 100, 1),
        "status": a.status,
        "status_display": a.get_status_display(),
        "reason": a.reason,
        "source": " / ".join(source_text(s) for s in a.sources[:3]),
    }


def _plain_str(value: Any) -> str:
    from decimal import Decimal

    try:
        return _plain(Decimal(str(value)))
    except Exception:  # noqa: BLE001 - a display helper; show what is stored
        return str(value)


def attainment_digest(*, rows: QuerySet[Attainment], limit: int = 30) -> list[str]:
    """The overdue and at-risk summary the main job prints."""
    counts = dict(rows.order_by().values_list("status").annotate(n=Count("id")))
    total = sum(counts.values())
    lines = [
        f"目标达成：共 {total} 项考核（目标 × 区划 × 考核期）："
        + "，".join(f"{s.label} {counts.get(s.value, 0)}" for s in Status)
    ]
    attention = rows.filter(status__in=ATTENTION).order_by(
        "target__task__plan", "target__task__position", "target__position", "jurisdiction__code", "year"
    )
    n = attention.count()
    if n:
        lines.append(f"需关注（逾期未完成、进度滞后、数据冲突）{n} 项：")
    for a in attention[:limit]:
        r = attainment_row(a)
        place = f"（{r['jurisdiction']}）" if r["jurisdiction"] else ""
        actual = r["actual"] or "无数据"
        ratio = f"，完成 {r['percent']}%" if r["percent"] is not None else ""
        lines.append(
            f"  [{r['status_display']}] 任务 {r['task']} {r['department']}：{r['target']} {r['worded']}{place} · {r['period']}："
            f"{actual}{ratio}"
        )
        if a.status != Status.CONFLICT and a.sources:
            lines.append(f"      来源：{source_text(a.sources[0])}"[:160])
    if n > limit:
        lines.append(f"  ……其余 {n - limit} 项见督导视图")
    return lines


def target_history(*, target: Target, place: Jurisdiction | None) -> list[dict[str, Any]]:
    """A target's actual for every year that has one, at one place: the best reading of the year
    (by the stated precedence), or every disagreeing value when they conflict."""
    from . import rules

    sources = reading_sources_load(targets=[target])
    readings = sources.readings(target, place.pk if place else None, target.task.plan)
    by_year: dict[int, list[Any]] = defaultdict(list)
    for r in readings:
        by_year[r.year].append(r)
    out = []
    for year in sorted(by_year):
        chosen, conflict = rules.best(by_year[year])
        out.append(
            {
                "year": year,
                "value": chosen[0].value,  # a conflicting year is drawn amber and labelled with every value
                "display": " / ".join(s["display"] for s in rules._sources(chosen)) if conflict else rules._amount(chosen[0]),
                "conflict": conflict,
                "sources": rules._sources(chosen),
                "others": rules._sources(r for r in by_year[year] if r not in chosen),
            }
        )
    return out
