"""How a number, a ratio or a date is written for a person to read: the one place where a stored
value becomes text (templates through the ``display`` filters, reasons, notices, exports' text
columns). Pure: no database.

    amount_text(Decimal("60.0000"), "%")       -> "60%"
    amount_text(Decimal("41.2000"), "%")       -> "41.2%"
    amount_text(Decimal("6000000"), "元")      -> "600 万元"
    amount_text(Decimal("33938"), "人次")       -> "33 938 人次"
    amount_text(Decimal("100000"), "人次")      -> "10 万人次"
    ratio_text(Decimal("0.3394"))              -> "33.9%"
    date_text(date(2025, 12, 31))              -> "2025年12月31日"

Rules: at most two decimals, trailing zeros dropped; digits grouped by three with a space from
five digits on (33 938, not 3 393 8); a whole multiple of 10 000 (or of 1 亿) at or above it is
written in 万 (亿), as the documents write targets; money (元) at or above 10 000 is written in
万元 with up to two decimals (612.34 万元), as budgets are; a unit that is a word is set off by a
space, a sign (%, ‰, ℃) is not.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

Number = Decimal | int | float

_WAN = Decimal(10000)
_YI = Decimal(100000000)
_SIGNS = ("%", "‰", "℃", "°")
_CMP = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "", "approx": "约"}


def _decimal(value: Number) -> Decimal | None:
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def number_text(value: Number | None, *, places: int = 2) -> str:
    """60.0000 -> 60, 41.2000 -> 41.2, 33938 -> 33 938, 0.333333 -> 0.33; None -> —."""
    if value is None:
        return "—"
    d = _decimal(value)
    if d is None:
        return "—"
    d = d.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP).normalize()
    text = format(d, "f")
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, frac = text.partition(".")
    if len(whole) >= 5:
        head = len(whole) % 3 or 3
        whole = " ".join([whole[:head]] + [whole[i : i + 3] for i in range(head, len(whole), 3)])
    return sign + whole + ("." + frac if frac else "")


def _scaled(d: Decimal, unit: str) -> tuple[Decimal, str]:
    """The value in 万 or 亿 where people would write it so."""
    if unit.startswith(("万", "亿", "千万", "百万")) or unit in _SIGNS:
        return d, unit
    size = abs(d)
    if size >= _YI and d % _YI == 0:
        return d / _YI, "亿" + unit
    if size >= _WAN and d % _WAN == 0:
        return d / _WAN, "万" + unit
    if unit == "元" and size >= _WAN:
        return d / _WAN, "万元"
    return d, unit


def amount_text(value: Number | None, unit: str = "", *, comparison: str = "") -> str:
    """A value with its unit as written: 600 万元, 33 938 人次, ≥60%; None -> —."""
    if value is None:
        return "—"
    d = _decimal(value)
    if d is None:
        return "—"
    d, unit = _scaled(d, unit)
    mark = _CMP.get(comparison, "")
    number = number_text(d)
    if not unit:
        return mark + number
    if unit in _SIGNS:
        return f"{mark}{number}{unit}"
    return f"{mark}{number} {unit}"


def range_text(low: Number, high: Number, unit: str = "") -> str:
    """8–10 所; 300 万–500 万元 is written 300–500 万元 when both scale alike."""
    lo, lo_unit = _scaled(_decimal(low) or Decimal(0), unit)
    hi, hi_unit = _scaled(_decimal(high) or Decimal(0), unit)
    if lo_unit != hi_unit:
        return f"{amount_text(low, unit)}–{amount_text(high, unit)}"
    tail = "" if not hi_unit else (hi_unit if hi_unit in _SIGNS else " " + hi_unit)
    return f"{number_text(lo)}–{number_text(hi)}{tail}"


def ratio_text(ratio: Number | None) -> str:
    """A completion ratio as a percentage with one decimal: 0.3394 -> 33.9%; None -> —."""
    if ratio is None:
        return "—"
    d = _decimal(ratio)
    if d is None:
        return "—"
    return f"{(d * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def unit_input(unit: str) -> tuple[str, Decimal]:
    """The unit a person types a value in for a target in ``unit``, and the factor back to the
    stored unit: money is entered in 万元 (600, not 6000000); everything else as stored."""
    if unit == "元":
        return "万元", _WAN
    return unit, Decimal(1)


def size_text(n: int) -> str:
    """A file's size as people say it: 350 KB, 1.2 MB, 20 MB, 1.1 GB."""
    for unit, size in (("GB", 1024**3), ("MB", 1024**2)):
        if n >= size:
            return f"{number_text(Decimal(n) / size, places=1)} {unit}"
    return f"{max(1, round(n / 1024))} KB"


def date_text(value: datetime.date | datetime.datetime | None) -> str:
    """2025年12月31日 (a moment is shown in its date and minute: 2025年12月31日 14:05)."""
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    return f"{value.year}年{value.month}月{value.day}日"


def days_text(due: datetime.date, today: datetime.date) -> str:
    """还剩 12 天 / 今天到期 / 已逾期 30 天."""
    days = (due - today).days
    if days > 0:
        return f"还剩 {days} 天"
    if days == 0:
        return "今天到期"
    return f"已逾期 {-days} 天"
