"""Chinese and Arabic numbers: "10 万人次", "8-10 所", "60% 以上", "二十", "1.177 亿元".

Pure module (no Django). Values are exact ``Decimal`` in base units: 万 and 亿 are multiplied out,
so "7.7 万人次" is 77000 人次 and "600 万" is 6000000. cn2an and jionlp were tried first; both
mis-read the multiplier-plus-measure-word forms this genre is made of, hence this module.
Multipliers (万, 亿, 千万, 百万) are read here alone: ``scaled`` for a number as written, with a
column's multiplier if any, and ``split_multiplier`` for a unit such as 千万元.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
# The multiplier words written after Arabic digits (7.8 万, 1.2 千万元). This table is the only
# place in the project that knows what they are worth: everything else calls scaled().
_MULTIPLIERS = {"千万": 10**7, "百万": 10**6, "万": 10**4, "亿": 10**8}
_CN_BIG = {word: _MULTIPLIERS[word] for word in ("万", "亿")}

# One-to-one replacements, so that offsets into the normalised text are offsets into the original.
_NORMALISE = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "％": "%",
        "．": ".",
        "，": "，",
        "～": "~",
        "〜": "~",
        "－": "-",
        "\u2012": "-",  # figure dash
        "\u2212": "-",  # minus sign
        "﹣": "-",
        "‐": "-",
        "‑": "-",
        "\u00a0": " ",
        "\u2009": " ",  # thin space, a thousands separator in typeset figures
        "\u202f": " ",  # narrow no-break space, likewise
        "\u3000": " ",
    }
)

# Measure words, longest first so that 人次 wins over 人 and 平方公里 over 公里.
UNITS: tuple[str, ...] = tuple(
    sorted(
        {
            "平方公里",
            "平方米",
            "平米",
            "公顷",
            "亩",
            "公里",
            "千米",
            "米",
            "人次",
            "人日",
            "人",
            "名",
            "位",
            "户",
            "对",
            "所",
            "个",
            "门",
            "项",
            "家",
            "支",
            "本",
            "部",
            "套",
            "种",
            "批",
            "场",
            "次",
            "期",
            "间",
            "台",
            "件",
            "篇",
            "册",
            "座",
            "条",
            "处",
            "班",
            "届",
            "节",
            "课时",
            "学时",
            "小时",
            "元/生",
            "元/人",
            "元",
            "倍",
            "个百分点",
            "百分点",
            "%",
            "年",
            "个月",
            "月",
            "个工作日",
            "工作日",
            "日",
            "天",
            "周",
            "岁",
            "级",
            "类",
            "层",
            "方面",
            "分",
        },
        key=len,
        reverse=True,
    )
)

# Measure words that date, rank or classify (2022 年, 第 3 届, 21 级, 5 类): never a count.
NON_COUNT_UNITS = frozenset(
    {"年", "月", "日", "届", "级", "岁", "分", "期", "层", "类", "方面", "批"}
)

# Thousands separators: "12,432" and "311 194" are one number. A group is exactly three digits
# after one to three, and no digit may follow it, so "2023 年 12 所", "1, 2" and "3,5,8" stay
# apart. The full-width "，" is a clause break and never a separator; a full-width space (a gap
# between columns or words) is no separator either: find_quantities scans it as a tab.
_ARABIC = r"(?:(?<!\d)\d{1,3}(?:(?:,\d{3})+|(?: \d{3})+)(?!\d)|\d+)(?:\.\d+)?"
_CN_NUM = r"[零〇○一二两三四五六七八九十百千万亿]+"
_MULT = "(?:" + "|".join(sorted(_MULTIPLIERS, key=len, reverse=True)) + ")"
_RANGE_SEP = r"\s*(?:-|—|–|~|至|到)+\s*"
_UNIT_RE = "|".join(re.escape(u) for u in UNITS)
# 5000 余人, 300 多所, 2 万余人, 十多个: "more than", written between the number and its measure
# word. Only where a multiplier or a measure word follows, so 其余 and 多元 stay words.
_APPROX = "余|多"


def _one_number(p: str) -> str:
    return (
        rf"(?:(?P<{p}a>{_ARABIC})(?:\s*(?P<{p}x>{_APPROX})(?=\s*(?:{_MULT}|{_UNIT_RE})))?"
        rf"\s*(?P<{p}m>{_MULT})?(?:\s*(?P<{p}y>{_APPROX})(?=\s*(?:{_UNIT_RE})))?"
        rf"|(?P<{p}c>{_CN_NUM})(?P<{p}cx>{_APPROX}(?={_UNIT_RE}))?)"
    )


_QUANTITY_RE = re.compile(
    # The lookahead lets the engine skip, in C, every position that cannot start a number; it
    # halves the scan time on report-length text.
    r"(?=[\d零〇○一二两三四五六七八九十百千万亿])"
    r"(?:(?P<pct_cn>百分之(?P<pct_num>[零〇一二两三四五六七八九十百点.\d]+))"
    r"|(?:"
    + _one_number("lo_")
    # "2 所至 3 所", "60%-70%": the measure word may be written on both ends; find_quantities
    # keeps the range only if it is the same word.
    + rf"(?:\s*(?P<lo_unit>{_UNIT_RE})?{_RANGE_SEP}"
    + _one_number("hi_")
    + r")?"
    + rf"\s*(?P<unit>{_UNIT_RE})?"
    + r"))"
)
# "从 3 所到 5 所", "由 80%至 90%": a change from one level to another, not a range.
_FROM = re.compile(r"(?:从|由)\s*$")
# Scanning sees a full-width space as a tab: still a gap before a measure word, never a
# thousands separator.
_SCAN = {**_NORMALISE, 0x3000: "\t"}


@dataclass(frozen=True)
class Quantity:
    """A number found in text: a value (or range) with its measure word and where it stands."""

    value: Decimal
    value_high: Decimal | None
    unit: str
    start: int
    end: int
    text: str
    chinese: bool = False  # written in Chinese numerals (二十), not Arabic digits
    multiplier: str = ""  # 万 or 亿 as written, for display
    # Half the last written digit of the (low) number, in base units: "7.8 万" -> 500, "46%" ->
    # 0.5. A Chinese numeral is taken as exact to the unit (0.5): 二十所 is twenty schools.
    precision: Decimal = Decimal("0.5")
    # "余" or "多" as in 5000 余人 / 300 多所: the value is a floor, written as more than it.
    approx: str = ""

    @property
    def is_range(self) -> bool:
        return self.value_high is not None


_NEEDS_NORMALISE = re.compile(
    "[" + re.escape("".join(chr(c) for c, v in _NORMALISE.items() if chr(c) != v)) + "]"
)


def normalise(text: str) -> str:
    """Full-width digits and symbols to ASCII, one character for one, so offsets still hold."""
    # str.translate looks every character up in a dict; most text needs nothing, and a regex
    # search says so in C (this was a tenth of report extraction time).
    return text.translate(_NORMALISE) if _NEEDS_NORMALISE.search(text) else text


def chinese_to_decimal(text: str) -> Decimal:
    """Parse a Chinese numeral: 二十 -> 20, 一百零五 -> 105, 一万二千 -> 12000, 二〇二三 -> 2023."""
    text = text.strip()
    if not text:
        raise ValueError("空的中文数字")
    if "点" in text:
        whole, _, frac = text.partition("点")
        frac_digits = "".join(str(_CN_DIGITS[ch]) for ch in frac)
        return chinese_to_decimal(whole or "零") + Decimal("0." + frac_digits)
    if all(ch in _CN_DIGITS for ch in text):
        # Positional digits, as in years: 二〇二三.
        return Decimal("".join(str(_CN_DIGITS[ch]) for ch in text))
    total = 0
    section = 0
    number = 0
    last_big = 0
    for ch in text:
        if ch in _CN_DIGITS:
            number = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (number or 1) * _CN_SMALL[ch]
            number = 0
        elif ch in _CN_BIG:
            section += number
            big = _CN_BIG[ch]
            if last_big and big >= last_big:
                # A unit repeated or larger than the last scales all before it: 一万万 = 一亿;
                # a smaller one (一亿二千万) scales only its own section.
                total = (total + section) * big
            elif big == 10**8:
                total = (total + section) * big
            else:
                total += (section or 1) * big
            last_big = big
            section = 0
            number = 0
        else:
            raise ValueError(f"无法识别的中文数字字符“{ch}”")
    return Decimal(total + section + number)


def _multiplier(word: str | None) -> int:
    if not word:
        return 1
    try:
        return _MULTIPLIERS[word]
    except KeyError:
        raise ValueError(f"无法识别的数量级“{word}”") from None


def _arabic(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", "").replace(" ", ""))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise ValueError(f"无法识别的数字“{text}”") from exc


class Scaled(NamedTuple):
    """An Arabic number as written, in base units, and how finely it was written."""

    value: Decimal
    precision: Decimal  # half the last written digit, in base units: "7.8万" -> 500


_SCALED_RE = re.compile(rf"([-+]?)({_ARABIC})\s*({_MULT})?")


def scaled(text: str, multiplier: str = "") -> Scaled:
    """An Arabic number with its 万/亿/千万/百万 multiplied out, and its precision.

    "7.8万" -> (78000, 500); "1,200" -> (1200, 0.5); ("1.2", "千万") -> (12000000, 500000), as for
    a cell under a 千万元 column; "-3.5" -> (-3.5, 0.05). ``multiplier`` is one written elsewhere
    (a column's unit); a multiplier written after the digits replaces it, since a cell that says
    7.8万 says what it means. The precision is what the rounding of the written figure allows:
    "7.8 万" stands for anything from 77 500 to 78 500. Raises ValueError for anything else.
    """
    m = _SCALED_RE.fullmatch(normalise(text).strip())
    if m is None:
        raise ValueError(f"无法识别的数字“{text}”")
    sign, digits, written = m.groups()
    factor = Decimal(_multiplier(written or multiplier))
    value = _arabic(digits) * factor
    decimals = len(digits.partition(".")[2])
    return Scaled(-value if sign == "-" else value, factor / (Decimal(10) ** decimals) / 2)


def split_multiplier(unit: str) -> tuple[str, str]:
    """A measure word with a multiplier in front, as (multiplier, base unit), for scaled():
    "千万元" -> ("千万", "元"), "万人次" -> ("万", "人次"), "人" -> ("", "人"). A multiplier with
    nothing after it ("万") is left as the unit: there is no measure word for it to scale."""
    unit = normalise(unit).strip()
    for word in sorted(_MULTIPLIERS, key=len, reverse=True):
        if unit.startswith(word) and unit[len(word) :].strip():
            return word, unit[len(word) :].strip()
    return "", unit


def parse_number(text: str) -> Decimal:
    """Parse one number as written: "7.7万" -> 77000, "二十" -> 20, "1,200" -> 1200, "60%" -> 60."""
    text = normalise(text).strip().rstrip("%")
    if _SCALED_RE.fullmatch(text):
        return scaled(text).value
    if re.fullmatch(_CN_NUM + r"(?:点[零〇一二三四五六七八九]+)?", text):
        return chinese_to_decimal(text)
    raise ValueError(f"无法识别的数字“{text}”")


class _Side(NamedTuple):
    """One end of a quantity as the regex matched it."""

    value: Decimal
    multiplier: str
    chinese: bool
    precision: Decimal
    approx: str
    end: int  # after the digits, the multiplier and any 余/多


def _side(m: re.Match[str], prefix: str) -> _Side | None:
    approx = m.group(prefix + "x") or m.group(prefix + "y") or m.group(prefix + "cx") or ""
    arabic = m.group(prefix + "a")
    if arabic is not None:
        mult = m.group(prefix + "m") or ""
        value, precision = scaled(arabic, mult)
        end = max(m.end(prefix + g) for g in ("a", "x", "m", "y") if m.group(prefix + g))
        return _Side(value, mult, False, precision, approx, end)
    chinese = m.group(prefix + "c")
    if chinese is not None:
        end = max(m.end(prefix + g) for g in ("c", "cx") if m.group(prefix + g))
        return _Side(chinese_to_decimal(chinese), "", True, Decimal("0.5"), approx, end)
    return None


def _plausible_chinese(numeral: str, unit: str | None) -> bool:
    # A Chinese numeral only counts with a measure word after it, and never as a bare 万/千/百
    # (万名班主任 is a name, 千方百计 an idiom).
    if not unit:
        return False
    return any(ch in _CN_DIGITS or ch == "十" for ch in numeral)


def _percent_in_words(m: re.Match[str], text: str) -> Quantity | None:
    digits = m.group("pct_num")
    try:
        value, precision = (
            (chinese_to_decimal(digits), Decimal("0.5"))
            if not re.search(r"\d", digits)
            else scaled(digits)
        )
    except (ValueError, KeyError):
        return None
    start, end = m.span()
    return Quantity(value, None, "%", start, end, text[start:end], True, precision=precision)


def _not_a_range(m: re.Match[str], scan: str, lo: _Side, hi: _Side, unit: str) -> bool:
    lo_unit = m.group("lo_unit")
    if lo_unit and lo_unit != unit:
        return True  # 3 所至 2025 年: two quantities side by side
    if hi.chinese and not _plausible_chinese(m.group("hi_c"), unit):
        return True  # "3-" followed by a Chinese word
    hi_start = m.start("hi_a") if m.group("hi_a") is not None else m.start("hi_c")
    separator = scan[m.end("lo_unit") if lo_unit else lo.end : hi_start]
    from_before = _FROM.search(scan, max(0, m.start() - 4), m.start())
    return bool(from_before and ("至" in separator or "到" in separator))


def find_quantities(text: str) -> list[Quantity]:
    """Every number in ``text`` with its measure word, ranges and 万/亿 resolved.

    Arabic numbers are always reported (unit may be ""); Chinese numerals only when a measure word
    follows. "8-10 万人" gives one range 80000-100000 人; "5万-6万人" and "2 所至 3 所"
    likewise. "12,432 人" and "311 194 人" are one number each; "5000 余人" is 5000 人 with
    ``approx`` "余".
    """
    scan = text.translate(_SCAN) if "\u3000" in text else normalise(text)
    found: list[Quantity] = []
    pos = 0
    while (m := _QUANTITY_RE.search(scan, pos)) is not None:
        pos = m.end()
        if m.group("pct_cn"):
            percent = _percent_in_words(m, text)
            if percent is not None:
                found.append(percent)
            continue
        lo = _side(m, "lo_")
        if lo is None:  # pragma: no cover - the regex admits no match without a low side
            continue
        unit = m.group("unit") or ""
        lo_unit = m.group("lo_unit") or ""
        if lo.chinese and not _plausible_chinese(m.group("lo_c"), lo_unit or unit):
            # A Chinese numeral without a measure word: not a quantity.
            pos = lo.end
            continue
        hi = _side(m, "hi_")
        value, precision, mult = lo.value, lo.precision, lo.multiplier
        if hi is not None:
            # "8-10 万人": a multiplier written once applies to both ends, unless the low end
            # was written whole with its own measure word (5 人至 6 万人).
            if hi.multiplier and not lo.multiplier and not lo_unit:
                if m.group("lo_a"):
                    value, precision = scaled(m.group("lo_a"), hi.multiplier)
                else:
                    value *= _multiplier(hi.multiplier)
            if _not_a_range(m, scan, lo, hi, unit) or hi.value < value:
                # "2023-25", "3 所至 2025 年", "从 3 所到 5 所": the low side alone; the scan
                # resumes after it, so the other side is read as a quantity of its own.
                end = m.end("lo_unit") if lo_unit else lo.end
                pos = end
                if lo.chinese and not lo_unit:
                    continue
                found.append(
                    Quantity(
                        lo.value,
                        None,
                        lo_unit,
                        m.start(),
                        end,
                        text[m.start() : end],
                        lo.chinese,
                        lo.multiplier,
                        lo.precision,
                        lo.approx,
                    )
                )
                continue
            mult = hi.multiplier or lo.multiplier
        found.append(
            Quantity(
                value,
                hi.value if hi is not None else None,
                unit,
                m.start(),
                m.end(),
                text[m.start() : m.end()],
                lo.chinese,
                mult,
                precision,
                (hi.approx if hi is not None else "") or lo.approx,
            )
        )
    return found


def to_json_number(value: Decimal | None) -> int | float | None:
    """Decimal to a JSON number: integral values as int, others as float."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)
