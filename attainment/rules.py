"""The attainment rules: given a target, one period and the readings found for it, what is the
actual, how far is it from the target, and which status does that earn. No Django here; the
services gather readings from the database and store what this module decides.

The rules, in the order they are applied (docs: README “目标达成的判定规则”):

1. Readings.  Each value comes from a source with a precedence tier (lower wins):
   0 approved progress entry, 1 report figure a supervisor confirmed or corrected,
   2 report figure as extracted for the report's own year, 3 a later report's figure for this
   year (上年), 4 a value derived from other indicators (ratio, or the sum of child places).
   For a period the newest year with readings is used, and in that year the best tier.
2. Conflict.  If the readings of that tier disagree beyond their rounding (or a “≥60%” cannot
   hold together with “41.2%”), the status is *conflict*, both values are kept, nothing is averaged
   and no ratio is given, until a person confirms one figure or approves a progress entry.
3. Ratio.  actual / target; for a range against its lower end; inverted (target / actual) for
   ≤ and < targets; cumulative targets sum the yearly values over their years.
4. Met.  ≥: actual ≥ value; >: actual > value; ≤ and <: likewise; = and ranges: actual reaches the
   (lower) value; 左右: actual within 5 % below the value or above it.
5. Not met and the period is over (a yearly target's year has ended, a one-off target's deadline
   has passed): *overdue*.
6. Not met and not yet due: the path from the baseline (the value at the start year, or zero for
   counts of new things when there is none) to the target at the deadline gives the value expected
   by the year of the actual; at or beyond it: *on track*, behind it: *at risk*. A rate with no
   baseline has no path and is *at risk* while below target. A yearly target in its current year
   is measured against the share of the year that has passed (quarter / 4).
7. No readings at all: *no data* — for a finished year, for a one-off target with nothing
   reported, and for a yearly target's current year only once it has ended.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from policytext.reports import intervals_overlap, value_interval
from tasks_registry import display

MET = "met"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
OVERDUE = "overdue"
NO_DATA = "no_data"
CONFLICT = "conflict"

TIER_PROGRESS = 0
TIER_CONFIRMED = 1
TIER_EXTRACTED = 2
TIER_LATER_REPORT = 3
TIER_DERIVED = 4

TIER_LABELS = {
    TIER_PROGRESS: "审核通过的进展填报",
    TIER_CONFIRMED: "经督导核对的报告数据",
    TIER_EXTRACTED: "报告数据（自动识别）",
    TIER_LATER_REPORT: "后续年度报告所载数据",
    TIER_DERIVED: "由其他数据计算",
}

# Units of things counted from zero (建成 8 所、培训 10 万人次): with no earlier figure the path
# starts at zero. Rates and per-student levels have no natural zero, so they get no path.
_LEVEL_UNITS = {"%", "‰", ":", "元/生", "元/人", "个/生", "平方米/生", "倍"}

APPROX_SHORTFALL = Decimal("0.05")


@dataclass(frozen=True)
class Goal:
    comparison: str  # ge gt le lt eq approx range
    value: Decimal
    value_high: Decimal | None = None
    unit: str = ""

    @property
    def counts_from_zero(self) -> bool:
        return self.unit not in _LEVEL_UNITS and self.comparison not in ("le", "lt")


@dataclass(frozen=True)
class Reading:
    """One value for one year from one source. ``qualifier`` is the report's own 以上/约."""

    value: Decimal
    year: int
    tier: int
    source: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    qualifier: str = ""
    precision: Decimal = Decimal(0)
    quarter: int | None = None  # a progress entry's year-to-date value after this quarter


@dataclass(frozen=True)
class Period:
    """What one attainment row is about: ``year`` names it; ``due`` is when it must be met."""

    kind: str  # "annual" | "once" | "cumulative"
    year: int
    due: datetime.date
    start_year: int  # the path starts from the value at the end of the year before this one
    first_year: int | None = None  # cumulative: the years summed
    last_year: int | None = None


@dataclass
class Verdict:
    status: str
    actual: Decimal | None = None
    actual_year: int | None = None
    ratio: Decimal | None = None
    expected: Decimal | None = None
    baseline: Decimal | None = None
    baseline_year: int | None = None
    reason: str = ""
    sources: list[dict[str, Any]] = field(default_factory=list)


def disagree(readings: Sequence[Reading]) -> bool:
    """True if two readings cannot both be right (the same rule as a report's own conflicts:
    beyond rounding; 以上 is open-ended)."""
    spans = [value_interval(r.value, r.qualifier, r.precision) for r in readings]
    return any(not intervals_overlap(a, b) for i, a in enumerate(spans) for b in spans[i + 1 :])


def best(readings: Iterable[Reading]) -> tuple[list[Reading], bool]:
    """The readings that count for one year (best tier; a progress entry's latest quarter) and
    whether they conflict."""
    readings = list(readings)
    if not readings:
        return [], False
    tier = min(r.tier for r in readings)
    top = [r for r in readings if r.tier == tier]
    if tier == TIER_PROGRESS:
        # Year-to-date entries: the latest quarter reported stands for the year so far; a
        # year-end entry (no quarter) beats any quarter.
        latest = max((5 if r.quarter is None else r.quarter) for r in top)
        top = [r for r in top if (5 if r.quarter is None else r.quarter) == latest]
    return top, disagree(top)


def ratio(goal: Goal, actual: Decimal) -> Decimal | None:
    """Actual against target: 1 means exactly met. ≤/< targets are inverted (lower is better)."""
    if goal.comparison in ("le", "lt"):
        if actual <= 0:
            return None if goal.value <= 0 else Decimal("9.9999")
        return (goal.value / actual).quantize(Decimal("0.0001"))
    if goal.value == 0:
        return None
    return (actual / goal.value).quantize(Decimal("0.0001"))


def is_met(goal: Goal, actual: Decimal, qualifier: str = "") -> bool:
    c, v = goal.comparison, goal.value
    if c == "gt":
        return actual > v or (qualifier == "gt" and actual >= v)
    if c == "le":
        return actual <= v
    if c == "lt":
        return actual < v
    if c == "approx":
        return actual >= v * (1 - APPROX_SHORTFALL)
    return actual >= v  # ge, eq (建成 1 个 means at least one), range (its lower end)


def _path_value(
    goal: Goal, baseline: Decimal, base_year: int, deadline_year: int, year: int
) -> Decimal:
    if deadline_year <= base_year:
        return goal.value
    share = Decimal(min(max(year - base_year, 0), deadline_year - base_year)) / Decimal(
        deadline_year - base_year
    )
    return baseline + (goal.value - baseline) * share


def sources_of(readings: Iterable[Reading]) -> list[dict[str, Any]]:
    out = []
    for r in readings:
        s = dict(r.source)
        s.setdefault("tier", r.tier)
        s.setdefault("tier_label", TIER_LABELS[r.tier])
        s.setdefault("year", r.year)
        s.setdefault("value", str(r.value))
        s.setdefault("qualifier", r.qualifier)
        s.setdefault("display", amount(r))
        out.append(s)
    return out


def judge(
    goal: Goal,
    period: Period,
    readings: Sequence[Reading],
    *,
    today: datetime.date,
) -> Verdict:
    """Apply the rules above to one target's readings for one place; ``readings`` may hold other
    years (they give the baseline and, for one-off targets, the latest value)."""
    due_passed = today > period.due

    if period.kind == "cumulative":
        return _judge_cumulative(goal, period, readings, today=today)

    if period.kind == "annual":
        in_period = [r for r in readings if r.year == period.year]
    else:
        in_period = [r for r in readings if r.year <= period.year]
    if not in_period:
        return Verdict(
            NO_DATA,
            reason=f"{period.year}年没有任何来源的数据"
            if period.kind == "annual"
            else f"截至{period.year}年没有任何来源的数据",
        )
    year = max(r.year for r in in_period)
    chosen, conflict = best(r for r in in_period if r.year == year)
    sources = sources_of(chosen)
    if conflict:
        values = "；".join(_describe(r) for r in chosen)
        verdicts = {is_met(goal, r.value, r.qualifier) for r in chosen}
        either = ""
        if len(verdicts) == 1:
            either = "无论哪个正确，目标都" + ("已达到。" if verdicts.pop() else "未达到。")
        return Verdict(
            CONFLICT,
            actual_year=year,
            reason=f"{year}年的数据来源不一致：{values}。{either}请在“报告数据”中确认正确的一项，或由部门填报经审核的完成值。",
            sources=sources,
        )
    reading = chosen[0]
    actual = reading.value
    r = ratio(goal, actual)
    if is_met(goal, actual, reading.qualifier):
        return Verdict(
            MET,
            actual,
            year,
            r,
            reason=f"{year}年实际 {_describe(reading)}，达到目标",
            sources=sources,
        )
    if due_passed:
        what = (
            f"{period.year}年未完成"
            if period.kind == "annual"
            else f"已过完成时限（{period.due:%Y年%m月%d日}）仍未达到"
        )
        return Verdict(
            OVERDUE,
            actual,
            year,
            r,
            reason=f"{what}：实际 {_describe(reading)}，完成比例 {display.ratio_text(r)}",
            sources=sources,
        )

    # Not yet due: compare with the path.
    if period.kind == "annual":
        share = Decimal(reading.quarter or 4) / 4 if reading.tier == TIER_PROGRESS else Decimal(1)
        expected = goal.value * share
        behind = actual < expected if goal.comparison not in ("le", "lt") else actual > goal.value
        status = AT_RISK if behind else ON_TRACK
        return Verdict(
            status,
            actual,
            year,
            r,
            expected=expected,
            reason=f"{year}年尚未结束：按进度应达 {_goal_amount(goal, expected)}，"
            f"实际 {_describe(reading)}",
            sources=sources,
        )
    # The baseline: the latest value from before the start year, else the earliest one we have.
    earlier_years = sorted({x.year for x in readings if x.year < year})
    before_start = [y for y in earlier_years if y < period.start_year]
    base_year: int | None = (
        before_start[-1] if before_start else (earlier_years[0] if earlier_years else None)
    )
    baseline: Decimal | None = None
    if base_year is not None:
        base, _ = best(x for x in readings if x.year == base_year)
        baseline = base[0].value
    elif goal.counts_from_zero:
        baseline, base_year = Decimal(0), period.start_year - 1
    if baseline is None or base_year is None:
        return Verdict(
            AT_RISK,
            actual,
            year,
            r,
            reason=f"尚未达到目标（实际 {_describe(reading)}），"
            "且没有基期数据，无法判断进度，按有风险处理",
            sources=sources,
        )
    expected = _path_value(goal, baseline, base_year, period.year, year)
    ahead = actual <= expected if goal.comparison in ("le", "lt") else actual >= expected
    status = ON_TRACK if ahead else AT_RISK
    return Verdict(
        status,
        actual,
        year,
        r,
        expected=expected,
        baseline=baseline,
        baseline_year=base_year,
        reason=(
            f"从{base_year}年的 {_goal_amount(goal, baseline)}"
            f"到{period.year}年的目标 {_goal_amount(goal, goal.value)}，"
            f"{year}年应达 {_goal_amount(goal, expected)}，实际 {_describe(reading)}"
        ),
        sources=sources,
    )


def _judge_cumulative(
    goal: Goal, period: Period, readings: Sequence[Reading], *, today: datetime.date
) -> Verdict:
    first, last = period.first_year or period.year, period.last_year or period.year
    years = sorted({r.year for r in readings if first <= r.year <= last})
    if not years:
        return Verdict(NO_DATA, reason=f"{first}—{last}年没有任何来源的数据")
    total = Decimal(0)
    sources: list[dict[str, Any]] = []
    conflicts = []
    for y in years:
        chosen, conflict = best(r for r in readings if r.year == y)
        sources += sources_of(chosen)
        if conflict:
            conflicts.append(f"{y}年：" + "；".join(_describe(r) for r in chosen))
        total += chosen[0].value
    if conflicts:
        return Verdict(
            CONFLICT,
            actual_year=years[-1],
            reason="数据来源不一致：" + " / ".join(conflicts),
            sources=sources,
        )
    r = ratio(goal, total)
    missing = [y for y in range(first, min(last, today.year - 1) + 1) if y not in years]
    note = f"（缺{'、'.join(str(y) for y in missing)}年数据）" if missing else ""
    if is_met(goal, total):
        return Verdict(
            MET,
            total,
            years[-1],
            r,
            reason=f"{first}—{years[-1]}年累计 {_goal_amount(goal, total)}，达到目标{note}",
            sources=sources,
        )
    if today > period.due:
        return Verdict(
            OVERDUE,
            total,
            years[-1],
            r,
            reason=f"累计 {_goal_amount(goal, total)}，到期未达到目标{note}",
            sources=sources,
        )
    expected = goal.value * Decimal(years[-1] - first + 1) / Decimal(last - first + 1)
    status = ON_TRACK if total >= expected else AT_RISK
    return Verdict(
        status,
        total,
        years[-1],
        r,
        expected=expected,
        reason=f"{first}—{years[-1]}年累计 {_goal_amount(goal, total)}，"
        f"按进度应达 {_goal_amount(goal, expected)}{note}",
        sources=sources,
    )


def _goal_amount(goal: Goal, value: Decimal) -> str:
    """A value on the target's scale as people write it: 75 000 人次, 6.8 所, 45%."""
    return display.amount_text(value, goal.unit)


def amount(r: Reading) -> str:
    """A reading as the report wrote it, with its 以上/超过/约: ≥60%, 33 938 人次, 约 1 万人."""
    return display.amount_text(r.value, r.source.get("unit", ""), comparison=r.qualifier)


def _describe(r: Reading) -> str:
    where = r.source.get("where") or TIER_LABELS[r.tier]
    return f"{amount(r)}（{where}）"
