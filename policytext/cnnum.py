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
        "－": "-",
        "﹣": "-",
        "‐": "-",
        "‑": "-",
        "\u00a0": " ",
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

_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN_NUM = r"[零〇○一二两三四五六七八九十百千万亿]+"
_MULT = "(?:" + "|".join(sorted(_MULTIPLIERS, key=len, reverse=True)) + ")"
_RANGE_SEP = r"\s*(?:-|—|–|~|至|到)+\s*"
_UNIT_RE = "|".join(re.escape(u) for u in UNITS)


def _one_number(p: str) -> str:
    return rf"(?:(?P<{p}a>{_ARABIC})\s*(?P<{p}m>{_MULT})?|(?P<{p}c>{_CN_NUM}))"


_QUANTITY_RE = re.compile(
    # The lookahead lets the engine skip, in C, every position that cannot start a number; it
    # halves the scan time on report-length text.
    r"(?=[\d零〇○一二两三四五六七八九十百千万亿])"
    r"(?:(?P<pct_cn>百分之(?P<pct_num>[零〇一二两三四五六七八九十百点.\d]+))"
    r"|(?:"
    + _one_number("lo_")
    + rf"(?:{_RANGE_SEP}"
    + _one_number("hi_")
    + r")?"
    + rf"\s*(?P<unit>{_UNIT_RE})?"
    + r"))"
)


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
        return Decimal(text.replace(",", ""))
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


def _side(m: re.Match[str], prefix: str) -> tuple[Decimal, str, bool, Decimal] | None:
    arabic = m.group(prefix + "a")
    if arabic is not None:
        mult = m.group(prefix + "m") or ""
        value, precision = scaled(arabic, mult)
        return value, mult, False, precision
    chinese = m.group(prefix + "c")
    if chinese is not None:
        return chinese_to_decimal(chinese), "", True, Decimal("0.5")
    return None


def _plausible_chinese(numeral: str, unit: str | None) -> bool:
    # A Chinese numeral only counts with a measure word after it, and never as a bare 万/千/百
    # (万名班主任 is a name, 千方百计 an idiom).
    if not unit:
        return False
    return any(ch in _CN_DIGITS or ch == "十" for ch in numeral)


def _low_side(
    m: re.Match[str],
    text: str,
    value: Decimal,
    chinese: bool,
    multiplier: str,
    precision: Decimal,
) -> Quantity:
    """The low end of a dash that turned out not to be a range, as a quantity of its own."""
    end = m.end("lo_a") if m.group("lo_a") else m.end("lo_c")
    return Quantity(
        value, None, "", m.start(), end, text[m.start() : end], chinese, multiplier, precision
    )


def find_quantities(text: str) -> list[Quantity]:
    """Every number in ``text`` with its measure word, ranges and 万/亿 resolved.

    Arabic numbers are always reported (unit may be ""); Chinese numerals only when a measure word
    follows. "8-10 万人" gives one range 80000-100000 人; "5万-6万人" likewise.
    """
    norm = normalise(text)
    found: list[Quantity] = []
    for m in _QUANTITY_RE.finditer(norm):
        if m.group("pct_cn"):
            try:
                value, precision = (
                    (chinese_to_decimal(m.group("pct_num")), Decimal("0.5"))
                    if not re.search(r"\d", m.group("pct_num"))
                    else scaled(m.group("pct_num"))
                )
            except (ValueError, KeyError):
                continue
            found.append(
                Quantity(
                    value,
                    None,
                    "%",
                    m.start(),
                    m.end(),
                    text[m.start() : m.end()],
                    True,
                    precision=precision,
                )
            )
            continue
        lo = _side(m, "lo_")
        if lo is None:
            continue
        hi = _side(m, "hi_")
        unit = m.group("unit") or ""
        lo_value, lo_mult, lo_cn, lo_precision = lo
        if lo_cn and not _plausible_chinese(m.group("lo_c"), unit):
            # Chinese numeral without a measure word: not a quantity. Re-scan after its first char
            # is not needed; the regex moves on past it.
            continue
        hi_value = None
        mult = lo_mult
        if hi is not None:
            hi_value, hi_mult, hi_cn, _ = hi
            if hi_cn and not _plausible_chinese(m.group("hi_c"), unit):
                # "3-" followed by a Chinese word: keep only the low side.
                found.append(_low_side(m, text, lo_value, lo_cn, lo_mult, lo_precision))
                continue
            # "8-10 万人": the multiplier written once applies to both ends.
            if hi_mult and not lo_mult:
                if m.group("lo_a"):
                    lo_value, lo_precision = scaled(m.group("lo_a"), hi_mult)
                else:
                    lo_value *= _multiplier(hi_mult)
            mult = hi_mult or lo_mult
            if hi_value < lo_value:
                # "2023-25" or a dash that is not a range: keep the low side alone.
                found.append(_low_side(m, text, lo_value, lo_cn, lo_mult, lo_precision))
                continue
        found.append(
            Quantity(
                lo_value,
                hi_value,
                unit,
                m.start(),
                m.end(),
                text[m.start() : m.end()],
                lo_cn,
                mult,
                lo_precision,
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
