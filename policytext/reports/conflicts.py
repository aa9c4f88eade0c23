"""Conflicts: actual figures for one indicator and year whose values cannot all hold. The one
tolerance rule (value_interval) is also the one attainment uses."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from .results import Conflict, Figure


def value_interval(
    value: Decimal, qualifier: str = "", precision: Decimal = Decimal(0)
) -> tuple[Decimal, Decimal | None]:
    """The values a figure allows: its rounding (or 0.5 %), open above for 以上, ±5 % for 约."""
    tolerance = max(precision, abs(value) * Decimal("0.005"))
    if qualifier in ("ge", "gt"):
        return value - tolerance, None
    if qualifier == "approx":
        return value * Decimal("0.95"), value * Decimal("1.05")
    return value - tolerance, value + tolerance


def intervals_overlap(a: tuple[Decimal, Decimal | None], b: tuple[Decimal, Decimal | None]) -> bool:
    """Whether two figures' allowed values can both hold (see value_interval)."""
    (alo, ahi), (blo, bhi) = a, b
    return (ahi is None or blo <= ahi) and (bhi is None or alo <= bhi)


def _overlap(a: Figure, b: Figure) -> bool:
    return intervals_overlap(
        value_interval(a.value, a.qualifier, a.precision),
        value_interval(b.value, b.qualifier, b.precision),
    )


def find_conflicts(figures: Iterable[Figure]) -> list[Conflict]:
    """Actual figures for one indicator and year whose values cannot both hold."""
    groups: dict[tuple[str, int | None], list[Figure]] = {}
    for f in figures:
        if f.indicator and f.kind == "actual" and not f.subject:
            groups.setdefault((f.indicator, f.year), []).append(f)
    conflicts = []
    for (code, year), group in groups.items():
        if any(not _overlap(a, b) for i, a in enumerate(group) for b in group[i + 1 :]):
            conflicts.append(Conflict(code, year, tuple(group)))
    return conflicts
