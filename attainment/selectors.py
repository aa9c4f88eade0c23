"""Reads: the readings a recompute needs, and what the supervisors' view lists."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from policytext.reports import location
from reporting.models import Figure, FigureKind, FigureStatus
from tasks_registry import display
from tasks_registry.models import (
    Indicator,
    Jurisdiction,
    Plan,
    ProgressEntry,
    ProgressStatus,
    Target,
    Task,
)
from tasks_registry.selectors import jurisdiction_tree_load, task_scope

from . import rules
from .models import Attainment, Status

# ---------------------------------------------------------------------------------------------
# Readings: every value a recompute may use, in the form attainment/rules.py judges


class _Readings:
    """Readings per (indicator, place) from report figures, direct or derived; built from one
    load of the figures so that a recompute of thousands of targets stays a handful of queries."""

    def __init__(
        self,
        figures: Iterable[Mapping[str, Any]],
        indicators: dict[int, Indicator],
        children: dict[int, list[int]],
        places: dict[int, Jurisdiction],
    ):
        self.indicators = indicators
        self.children = children
        self.places = places
        self.direct: dict[tuple[int, int], list[rules.Reading]] = defaultdict(list)
        for f in figures:
            self.direct[(f["indicator_id"], f["jurisdiction_id"])].append(
                _figure_reading(f, indicators[f["indicator_id"]])
            )
        self._cache: dict[tuple[int, int, int], list[rules.Reading]] = {}

    def get(self, indicator_id: int, place: int, depth: int = 0) -> list[rules.Reading]:
        key = (indicator_id, place, depth)
        if key in self._cache:
            return self._cache[key]
        readings = list(self.direct.get((indicator_id, place), ()))
        indicator = self.indicators.get(indicator_id)
        if indicator is not None and depth < 2:
            have = {r.year for r in readings}
            readings += [r for r in self._derived(indicator, place, depth) if r.year not in have]
        self._cache[key] = readings
        return readings

    def _derived(self, indicator: Indicator, place: int, depth: int) -> list[rules.Reading]:
        out: list[rules.Reading] = []
        numerator_id, denominator_id = indicator.numerator_id, indicator.denominator_id
        if numerator_id is not None and denominator_id is not None:  # indicator.is_ratio
            num = _by_year(self.get(numerator_id, place, depth + 1))
            den = _by_year(self.get(denominator_id, place, depth + 1))
            for year in sorted(set(num) & set(den)):
                n, n_conflict = rules.best(num[year])
                d, d_conflict = rules.best(den[year])
                if n_conflict or d_conflict or d[0].value == 0:
                    continue
                value = (n[0].value / d[0].value * indicator.scale).quantize(Decimal("0.01"))
                numerator, denominator = (
                    self.indicators[numerator_id],
                    self.indicators[denominator_id],
                )
                formula = f"{numerator.name} ÷ {denominator.name}" + (
                    f" × {indicator.scale.normalize():f}" if indicator.scale != 1 else ""
                )
                out.append(
                    rules.Reading(
                        value,
                        year,
                        rules.TIER_DERIVED,
                        {
                            "kind": "derived",
                            "formula": formula,
                            "unit": indicator.unit,
                            "where": f"计算：{formula}"
                            f"（{display.number_text(n[0].value)} ÷ "
                            f"{display.number_text(d[0].value)}）",
                            "inputs": rules.sources_of([n[0], d[0]]),
                        },
                    )
                )
        elif indicator.additive:
            per_year: dict[int, list[tuple[int, rules.Reading]]] = defaultdict(list)
            for child in self.children.get(place, ()):
                for year, readings in _by_year(self.get(indicator.pk, child, depth + 1)).items():
                    chosen, conflict = rules.best(readings)
                    if not conflict:
                        per_year[year].append((child, chosen[0]))
            for year, parts in sorted(per_year.items()):
                total = sum((r.value for _, r in parts), Decimal(0))
                names = "、".join(self.places[c].name for c, _ in parts)
                out.append(
                    rules.Reading(
                        total,
                        year,
                        rules.TIER_DERIVED,
                        {
                            "kind": "derived",
                            "formula": "下级合计",
                            "unit": indicator.unit,
                            "where": f"由 {len(parts)} 个下级单位合计（{names}）"[:200],
                            "inputs": rules.sources_of(r for _, r in parts),
                        },
                    )
                )
        return out


def _by_year(readings: Iterable[rules.Reading]) -> dict[int, list[rules.Reading]]:
    out: dict[int, list[rules.Reading]] = defaultdict(list)
    for r in readings:
        out[r.year].append(r)
    return out


def _figure_reading(f: Mapping[str, Any], indicator: Indicator) -> rules.Reading:
    if f["status"] in (FigureStatus.CONFIRMED, FigureStatus.CORRECTED):
        tier = rules.TIER_CONFIRMED
    elif f["kind"] == FigureKind.ACTUAL and f["year"] == f["report__year"]:
        tier = rules.TIER_EXTRACTED
    else:
        tier = rules.TIER_LATER_REPORT
    title = f["report__title"]
    if f["report__year"] and str(f["report__year"]) not in title:
        title += f"（{f['report__year']}年度）"  # two years' reports often share one title
    where = f"《{title}》" + location(
        line=f["line"], place=f["place"], table_title=f["table_title"], table_row=f["table_row"]
    )
    return rules.Reading(
        f["value"],
        f["year"],
        tier,
        {
            "kind": "figure",
            "figure_id": f["id"],
            "report_id": f["report_id"],
            "report": f["report__title"],
            "line": f["line"],
            "place": f["place"],
            "table_row": f["table_row"],
            "text": (f["text"] or "")[:160],
            "unit": f["unit"] or indicator.unit,
            "where": where,
        },
        qualifier=f["qualifier"] or "",
        # As stored at ingestion, so that rules.disagree allows the rounding the report's own
        # conflict test allowed (8 万 does not disagree with 75 600).
        precision=f["precision"] or Decimal(0),
    )


def _entry_reading(e: dict[str, Any], unit: str) -> rules.Reading:
    period = f"{e['year']}年" + (f"第{e['quarter']}季度" if e["quarter"] else "")
    return rules.Reading(
        e["value"],
        e["year"],
        rules.TIER_PROGRESS,
        {
            "kind": "progress",
            "entry_id": e["id"],
            "department": e["department__name"],
            "text": (e["narrative"] or "")[:160],
            "unit": unit,
            "where": f"{e['department__name']}填报（{period}，已审核）",
        },
        quarter=e["quarter"],
    )


@dataclass
class ReadingSources:
    """Everything a recompute reads, loaded once: places, report figures, approved entries."""

    places: dict[int, Jurisdiction]
    children: dict[int, list[int]]
    figures: _Readings
    entries: dict[tuple[int, int | None], list[Any]]

    def readings(self, target: Target, place: int | None, plan: Plan) -> list[Any]:
        base = target.jurisdiction_id or plan.jurisdiction_id
        out = [_entry_reading(e, target.unit) for e in self.entries.get((target.pk, place), ())]
        if place is not None and place == base:
            out += [_entry_reading(e, target.unit) for e in self.entries.get((target.pk, None), ())]
        if target.indicator_id is not None and place is not None:
            out += self.figures.get(target.indicator_id, place)
        return out


def reading_sources_load(*, targets: list[Target]) -> ReadingSources:
    places, children = jurisdiction_tree_load()
    indicators = {i.pk: i for i in Indicator.objects.all()}
    wanted = {t.indicator_id for t in targets if t.indicator_id}
    for i in list(wanted):
        ind = indicators.get(i)
        if ind is not None and ind.numerator_id is not None and ind.denominator_id is not None:
            wanted |= {ind.numerator_id, ind.denominator_id}  # a ratio needs both parts
    figures = (
        Figure.objects.filter(
            indicator_id__in=wanted,
            jurisdiction__isnull=False,
            year__isnull=False,
            kind__in=[FigureKind.ACTUAL, FigureKind.OTHER_YEAR],
        )
        .exclude(status=FigureStatus.REJECTED)
        .values(
            "id",
            "indicator_id",
            "jurisdiction_id",
            "year",
            "value",
            "unit",
            "qualifier",
            "precision",
            "kind",
            "status",
            "line",
            "place",
            "table_title",
            "table_row",
            "text",
            "report_id",
            "report__title",
            "report__year",
        )
        .order_by("year", "report_id", "line", "id")
        if wanted
        else []
    )
    entries: dict[tuple[int, int | None], list[Any]] = defaultdict(list)
    target_ids = [t.pk for t in targets]
    if target_ids:
        for e in (
            ProgressEntry.objects.filter(
                target_id__in=target_ids, status=ProgressStatus.APPROVED, value__isnull=False
            )
            .values(
                "id",
                "target_id",
                "jurisdiction_id",
                "year",
                "quarter",
                "value",
                "narrative",
                "department__name",
            )
            .order_by("year", "quarter", "id")
        ):
            entries[(e["target_id"], e["jurisdiction_id"])].append(e)
    return ReadingSources(
        places, children, _Readings(figures, indicators, children, places), entries
    )


# ---------------------------------------------------------------------------------------------
# The supervisors' view

ATTENTION = (Status.OVERDUE, Status.AT_RISK, Status.CONFLICT)


def attainment_list_visible_to(*, user: User | AnonymousUser) -> QuerySet[Attainment]:
    """Attainments of the targets a user may see (tasks_registry.selectors.task_scope), with
    everything a list row shows joined in (no per-row queries)."""
    return Attainment.objects.select_related(
        "target__task__plan", "target__task__lead", "target__indicator", "jurisdiction"
    ).filter(
        task_scope(user=user, path="target__task__"),
        target__is_active=True,
        target__task__is_active=True,
    )


ON_TIME_RULE = (
    "按期完成率 = 已达成 ÷ 已到期的考核项"
    "（已达成 + 逾期未完成 + 到期仍无数据 + 到期仍有数据冲突）；"
    "到期时没有数据的考核项算作未按期完成；未到期的考核项不计入。"
)


def department_summary(
    *, rows: QuerySet[Attainment], today: datetime.date | None = None
) -> list[dict[str, Any]]:
    """Per lead department: how many attainments in each status, and the on-time rate.

    The on-time rule (ON_TIME_RULE, shown under the departments table): a department's on-time
    rate is the periods met divided by the periods already decided, which are every period met
    (early or on time) and every other period whose due date has passed, whatever its status:
    overdue, no data, conflict (or a row not yet recomputed since its due date). A finished
    period with no data counts against the department, as silence is not completion. Periods
    not yet due are left out. ``no_data_past_due`` counts the finished periods without data,
    shown beside the rate so that a low rate caused by missing reports is seen as such."""
    today = today or timezone.localdate()
    past_due = Q(due_date__lt=today) | Q(status=Status.OVERDUE)
    counts = {s.value: Count("id", filter=Q(status=s.value)) for s in Status}
    data = (
        rows.order_by()
        .values("target__task__lead_id", "target__task__lead__name")
        .annotate(
            total=Count("id"),
            decided=Count("id", filter=Q(status=Status.MET) | past_due),
            no_data_past_due=Count("id", filter=Q(status=Status.NO_DATA) & past_due),
            **counts,
        )
        .order_by("target__task__lead__name")
    )
    out = []
    for row in data:
        # The stubs type a row with the keys they can see in the query; the per-status counts
        # come in through **counts, so the row is read as the wider Mapping it also is.
        d: Mapping[str, Any] = row
        decided = d["decided"]
        out.append(
            {
                "department_id": d["target__task__lead_id"],
                "department": d["target__task__lead__name"] or "（未定牵头单位）",
                "total": d["total"],
                **{s.value: d[s.value] for s in Status},
                "decided": decided,
                "no_data_past_due": d["no_data_past_due"],
                "on_time_rate": round(d[Status.MET] / decided * 100, 1) if decided else None,
            }
        )
    return out


def source_text(source: dict[str, Any] | None) -> str:
    """One source as a person reads it: 《南阳市…报告》第 254 行：“……”."""
    if not source:
        return ""
    text: str = source.get("where", "")
    if source.get("text"):
        text += f"：“{source['text']}”"
    return text


def attainment_row(a: Attainment) -> dict[str, Any]:
    """One attainment as the list, the export and the command show it."""
    t = a.target
    if a.status == Status.CONFLICT:
        actual = "；".join(f"{s.get('display', '')}（{s.get('where', '')}）" for s in a.sources)
    else:
        actual = display.amount_text(a.actual, t.unit) if a.actual is not None else ""
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
        "ratio_text": "" if a.ratio is None else display.ratio_text(a.ratio),
        "status": a.status,
        "status_display": a.get_status_display(),
        "reason": a.reason,
        "source": " / ".join(source_text(s) for s in a.sources[:3]),
    }


def attainment_digest(*, rows: QuerySet[Attainment], limit: int = 30) -> list[str]:
    """The overdue and at-risk summary the main job prints."""
    counts = dict(rows.order_by().values_list("status").annotate(n=Count("id")))
    total = sum(counts.values())
    lines = [
        f"目标达成：共 {total} 项考核（目标 × 区划 × 考核期）："
        + "，".join(f"{s.label} {counts.get(s.value, 0)}" for s in Status)
    ]
    attention = rows.filter(status__in=ATTENTION).order_by(
        "target__task__plan",
        "target__task__position",
        "target__position",
        "jurisdiction__code",
        "year",
    )
    n = attention.count()
    if n:
        lines.append(f"需关注（逾期未完成、进度滞后、数据冲突）{n} 项：")
    for a in attention[:limit]:
        r = attainment_row(a)
        place = f"（{r['jurisdiction']}）" if r["jurisdiction"] else ""
        actual = r["actual"] or "无数据"
        ratio = f"，完成 {r['ratio_text']}" if r["ratio_text"] else ""
        lines.append(
            f"  [{r['status_display']}] 任务 {r['task']} {r['department']}："
            f"{r['target']} {r['worded']}{place} · {r['period']}："
            f"{actual}{ratio}"
        )
        if a.status != Status.CONFLICT and a.sources:
            lines.append(f"      来源：{source_text(a.sources[0])}"[:160])
    if n > limit:
        lines.append(f"  ……其余 {n - limit} 项见督导视图")
    return lines


def target_history(*, target: Target, place: Jurisdiction | None) -> list[dict[str, Any]]:
    """A target's actual for every year that has one, at one place: the best reading of the year
    (by the stated precedence), or every disagreeing value when they conflict (``values``: one
    per disagreeing reading, each with its text, so that a chart can draw them all)."""
    sources = reading_sources_load(targets=[target])
    readings = sources.readings(target, place.pk if place else None, target.task.plan)
    by_year: dict[int, list[Any]] = defaultdict(list)
    for r in readings:
        by_year[r.year].append(r)
    out = []
    for year in sorted(by_year):
        chosen, conflict = rules.best(by_year[year])
        shown = chosen if conflict else chosen[:1]
        out.append(
            {
                "year": year,
                "value": chosen[0].value,
                "values": [{"value": r.value, "display": rules.amount(r)} for r in shown],
                "display": " / ".join(rules.amount(r) for r in shown),
                "conflict": conflict,
                "sources": rules.sources_of(chosen),
                "others": rules.sources_of(r for r in by_year[year] if r not in chosen),
            }
        )
    return out


def reporting_year(*, years: list[int], today: datetime.date) -> int:
    """The year a department reports for now, of a target's period ``years``: this year, within
    the period (after the period has ended, its last year). The 填报 buttons fill it in."""
    return min(max(today.year, years[0]), years[-1]) if years else today.year


def target_period_years(*, target: Target, attainments: Iterable[Attainment] = ()) -> list[int]:
    """Every year a target is judged over, first to last, as its chart's x axis shows them: the
    plan's (or the target's own) start year to its deadline, a cumulative target's years, and the
    years of its stored periods. Empty when none of these is known."""
    plan = target.task.plan
    years: set[int] = {a.year for a in attainments}
    if target.cumulative_from and target.cumulative_to:
        years.update(range(target.cumulative_from, target.cumulative_to + 1))
    else:
        first = target.from_year or plan.period_start
        last = (
            target.deadline_date.year
            if target.deadline_date
            else target.deadline_year or plan.period_end
        )
        if first and last and first <= last:
            years.update(range(first, last + 1))
        years.update(y for y in (first, last) if y)
    return list(range(min(years), max(years) + 1)) if years else []


def target_latest_attainments(*, targets: Iterable[Target]) -> dict[int, list[Attainment]]:
    """For each target, its attainments of the latest period computed (one per place), as a task
    page shows its targets' lights. Targets with none are absent."""
    ids = [t.pk for t in targets]
    rows = (
        Attainment.objects.filter(target_id__in=ids)
        .select_related("jurisdiction")
        .order_by("target_id", "-year", "jurisdiction__code", "jurisdiction__name")
    )
    out: dict[int, list[Attainment]] = {}
    for a in rows:
        latest = out.setdefault(a.target_id, [a])
        if latest[0].year == a.year and latest[-1] is not a:
            latest.append(a)
    return out


def task_targets(*, task: Task) -> QuerySet[Target]:
    """The active targets of a task, in the task list's order."""
    return task.targets.filter(is_active=True).select_related("indicator").order_by("position")
