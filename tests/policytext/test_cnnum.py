from decimal import Decimal

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policytext.cnnum import (
    chinese_to_decimal,
    find_quantities,
    parse_number,
    scaled,
    split_multiplier,
)


def _one(text):
    found = find_quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "high", "unit"),
    [
        ("每年开展技能培训不低于 10 万人次", 100000, None, "人次"),
        ("培育 8-10 所示范学校", 8, 10, "所"),
        ("建设 5—6 个基地", 5, 6, "个"),
        ("遴选 3～5 个团队", 3, 5, "个"),
        ("支持二至三所学校", 2, 3, "所"),
        ("8-10万人", 80000, 100000, "人"),
        ("5万-6万人", 50000, 60000, "人"),
        ("占比达到 60% 以上", 60, None, "%"),
        ("占比达到６０％以上", 60, None, "%"),
        ("百分之六十", 60, None, "%"),
        ("1.2 万元", 12000, None, "元"),
        ("1.177 亿元", 117700000, None, "元"),
        ("建成二十个", 20, None, "个"),
        ("建成一百所", 100, None, "所"),
        ("培训三千人", 3000, None, "人"),
        ("不少于 20 平方公里", 20, None, "平方公里"),
        ("教学实习仪器设备 5.5 亿元", 550000000, None, "元"),
        ("1,200 人", 1200, None, "人"),
    ],
)
def test_it_reads_numbers_as_the_genre_writes_them(text, value, high, unit):
    q = _one(text)
    assert q.value == Decimal(value)
    assert q.value_high == (Decimal(high) if high is not None else None)
    assert q.unit == unit


@pytest.mark.parametrize("text", ["“十四五”重点建设", "万名班主任大比武", "千方百计", "进一步推进"])
def test_it_ignores_chinese_numerals_that_are_words(text):
    assert find_quantities(text) == []


def test_the_multiplier_without_measure_word_is_kept_for_the_caller():
    q = _one("市级每年不低于 600 万")
    assert (q.value, q.unit, q.multiplier) == (Decimal(6000000), "", "万")


def test_offsets_point_into_the_original_text_even_with_fullwidth_digits():
    text = "达到６０％以上，建设 3 所"
    for q in find_quantities(text):
        assert text[q.start : q.end] == q.text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一万二千", 12000),
        ("一亿二千万", 120000000),
        ("十四", 14),
        ("一百零五", 105),
        ("二〇二三", 2023),
        ("两千", 2000),
        ("三点五", Decimal("3.5")),
    ],
)
def test_chinese_numerals(text, value):
    assert chinese_to_decimal(text) == Decimal(value)


def test_parse_number_refuses_what_is_not_a_number():
    with pytest.raises(ValueError, match="无法识别"):
        parse_number("若干")


@pytest.mark.parametrize(
    ("written", "column", "value", "precision"),
    [
        ("7.8万", "", 78000, 500),
        ("7.8 万", "", 78000, 500),
        ("1.2", "千万", 12000000, 500000),
        ("3260.75", "万", 32607500, 50),
        ("1.177亿", "", 117700000, 50000),
        ("2.5", "百万", 2500000, 50000),
        ("7.8万", "亿", 78000, 500),  # the cell's own 万 wins over the column's
        ("1,200", "", 1200, Decimal("0.5")),
        ("12 345", "", 12345, Decimal("0.5")),
        ("1,234.5", "万", 12345000, 500),
        ("41.2", "", Decimal("41.2"), Decimal("0.05")),
        ("-3.5", "", Decimal("-3.5"), Decimal("0.05")),
        ("８万", "", 80000, 5000),
    ],
)
def test_scaled_multiplies_out_the_multiplier_and_keeps_the_rounding(
    written, column, value, precision
):
    assert scaled(written, column) == (Decimal(value), Decimal(precision))


@pytest.mark.parametrize("text", ["若干", "7.8千", "万", "", "二十"])
def test_scaled_refuses_what_is_not_an_arabic_number(text):
    with pytest.raises(ValueError, match="无法识别"):
        scaled(text)


@pytest.mark.parametrize(
    ("unit", "split"),
    [
        ("千万元", ("千万", "元")),
        ("万元", ("万", "元")),
        ("万人次", ("万", "人次")),
        ("亿元", ("亿", "元")),
        ("百万元", ("百万", "元")),
        ("人", ("", "人")),
        ("千米", ("", "千米")),  # 千 alone is no multiplier
        ("万", ("", "万")),
        ("元/生", ("", "元/生")),
    ],
)
def test_split_multiplier_takes_the_multiplier_off_a_unit(unit, split):
    assert split_multiplier(unit) == split


@pytest.mark.parametrize(
    ("text", "precision"),
    [
        ("在校生 8 万人", 5000),
        ("在校生 7.8 万人", 500),
        ("专任教师 4156 人", Decimal("0.5")),
        ("占比 46.5%", Decimal("0.05")),
        ("8-10 万人", 5000),
        ("百分之六十", Decimal("0.5")),
        ("建成二十所", Decimal("0.5")),  # a Chinese numeral is exact
    ],
)
def test_a_quantity_carries_the_precision_it_was_written_to(text, precision):
    assert _one(text).precision == Decimal(precision)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=99_999_999))
def test_chinese_numerals_agree_with_cn2an(n):
    # cn2an is the oracle for plain numerals; it is wrong only on the 万-plus-measure-word forms.
    written = cn2an.an2cn(n)
    assert chinese_to_decimal(written) == Decimal(n)
    assert Decimal(str(cn2an.cn2an(written, "strict"))) == chinese_to_decimal(written)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=99_999),
    st.sampled_from(["万", ""]),
    st.sampled_from(["人次", "所", "个", "元", "人"]),
)
def test_a_number_in_any_supported_form_reads_the_same(n, mult, unit):
    expected = Decimal(n) * (10_000 if mult else 1)
    arabic = _one(f"完成 {n} {mult}{unit}")
    chinese = _one(f"完成{cn2an.an2cn(n)}{mult}{unit}")
    assert arabic.value == expected
    assert chinese.value == expected
    assert arabic.unit == chinese.unit == unit


@settings(max_examples=500, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list(
                "0123456789.-—~%万亿千百十一二两三四五六七八九零〇"
                "个所人次元年以上不低于，。、（）“”第批 +X,至到余多从\u3000"
            )
        ),
        max_size=60,
    )
)
def test_arbitrary_text_never_crashes_and_spans_are_exact(text):
    for q in find_quantities(text):
        assert text[q.start : q.end] == q.text
        assert q.value_high is None or q.value_high >= q.value


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=99_999),
    st.integers(min_value=0, max_value=3),
    st.sampled_from(["", "万", "亿", "千万", "百万"]),
)
def test_a_written_number_reads_the_same_in_a_sentence_a_cell_and_a_column(n, decimals, mult):
    written = f"{Decimal(n).scaleb(-decimals):f}"
    factor = {"": 1, "万": 10**4, "亿": 10**8, "千万": 10**7, "百万": 10**6}[mult]
    in_text = _one(f"完成 {written}{mult}人次")
    in_cell = scaled(f"{written}{mult}")
    in_column = scaled(written, mult)
    assert in_text.value == in_cell.value == in_column.value == Decimal(written) * factor
    assert in_text.precision == in_cell.precision == in_column.precision
    # The rounding allowed is half the last written digit: 2 x precision is one step of it.
    assert in_cell.precision * 2 * 10**decimals == factor


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("全市中职学校在校生 128 305 人", 128305, "人"),
        ("财政投入 2 345 678 元", 2345678, "元"),
        ("在校生 12,436 人", 12436, "人"),
        ("经费总额 1,234.5 万元", 12345000, "元"),
        ("总投入 1 234.5 万元", 12345000, "元"),
        ("在校生 45\u2009210 人", 45210, "人"),  # a thin space, as typeset tables write it
    ],
)
def test_it_reads_thousands_separators_as_one_number(text, value, unit):
    q = _one(text)
    assert (q.value, q.value_high, q.unit) == (Decimal(value), None, unit)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("2023 年 12 所学校", [2023, 12]),
        ("2024 123 人", [2024, 123]),  # four digits before the space: no group
        ("分别为 3、5、8 所", [3, 5, 8]),
        ("第 1, 2 项", [1, 2]),
        ("3,5,8 所", [3, 5, 8]),
        ("12,3456 人", [12, 3456]),  # a group is exactly three digits
        ("全市 12，345 人", [12, 345]),  # a full-width comma is a clause break
        ("学校 12\u3000345 人", [12, 345]),  # a full-width space is a gap, not a separator
        ("招生 4 493 5 116", [4493, 5116]),
    ],
)
def test_numbers_side_by_side_are_not_merged(text, values):
    assert [q.value for q in find_quantities(text)] == [Decimal(v) for v in values]


@pytest.mark.parametrize(
    ("text", "value", "high", "unit"),
    [
        ("建成 2 所至 3 所示范校", 2, 3, "所"),
        ("打造16个至18个特色专业", 16, 18, "个"),
        ("新建 10—12 个实训基地", 10, 12, "个"),
        ("新建 10–12 个实训基地", 10, 12, "个"),
        ("新建 10～12 个实训基地", 10, 12, "个"),
        ("新建 10〜12 个实训基地", 10, 12, "个"),
        ("新建 10~12 个实训基地", 10, 12, "个"),
        ("新建 10-12 个实训基地", 10, 12, "个"),
        ("新建10到12个实训基地", 10, 12, "个"),
        ("覆盖率达到 60%-70%", 60, 70, "%"),
        ("培训 5 万人至 6 万人", 50000, 60000, "人"),
        ("支持两所至三所学校", 2, 3, "所"),
    ],
)
def test_it_reads_a_range_with_the_measure_word_on_one_or_both_ends(text, value, high, unit):
    q = _one(text)
    assert q.is_range
    assert (q.value, q.value_high, q.unit) == (Decimal(value), Decimal(high), unit)
    assert q.text.endswith(unit)  # the whole range is one span, as for "8-10 所"


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("由 3 所到 5 所", [(3, "所"), (5, "所")]),  # a change from one level to another
        ("从 80%至 90%", [(80, "%"), (90, "%")]),
        ("建成 3 所至 2025 年", [(3, "所"), (2025, "年")]),  # two measure words: two numbers
        ("2024 年 6 月至 2025 年 6 月", [(2024, "年"), (6, "月"), (2025, "年"), (6, "月")]),
        ("2023-25", [(2023, ""), (25, "")]),  # a dash going down is no range
    ],
)
def test_numbers_joined_by_a_dash_or_zhi_that_are_no_range_are_each_read(text, values):
    found = find_quantities(text)
    assert [(q.value, q.unit) for q in found] == [(Decimal(v), u) for v, u in values]
    assert not any(q.is_range for q in found)


@pytest.mark.parametrize(
    ("text", "value", "unit", "approx"),
    [
        ("全日制在籍学生 3200 余人", 3200, "人", "余"),
        ("合作企业 100 多家", 100, "家", "多"),
        ("培训 1.5 万余人次", 15000, "人次", "余"),
        ("惠及 10 余万人", 100000, "人", "余"),
        ("共有二十余所学校", 20, "所", "余"),
        ("开设十多个专业", 10, "个", "多"),
        ("在校生 3200 人", 3200, "人", ""),
    ],
)
def test_it_reads_yu_and_duo_between_the_number_and_its_measure_word(text, value, unit, approx):
    q = _one(text)
    assert (q.value, q.unit, q.approx) == (Decimal(value), unit, approx)


@pytest.mark.parametrize("text", ["其余 5 所", "5 所，其余学校", "300，多数"])
def test_yu_and_duo_that_belong_to_a_word_are_not_taken(text):
    assert all(q.approx == "" for q in find_quantities(text))


def _grouped(n: int, separator: str) -> str:
    return f"{n:,}".replace(",", separator)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1000, max_value=999_999_999),
    st.sampled_from([",", " ", "\u2009"]),
    st.integers(min_value=2000, max_value=2030),
    st.sampled_from(["人", "元", "所", "人次"]),
)
def test_a_grouped_number_reads_as_written_without_groups(n, separator, year, unit):
    grouped = find_quantities(f"{year} 年全市 {_grouped(n, separator)} {unit}")
    plain = find_quantities(f"{year} 年全市 {n} {unit}")
    assert [(q.value, q.unit) for q in grouped] == [(q.value, q.unit) for q in plain]
    assert [q.value for q in grouped] == [Decimal(year), Decimal(n)]


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=999),
    st.integers(min_value=0, max_value=999),
    st.sampled_from(["-", "—", "–", "~", "～", "至", "到"]),
    st.sampled_from(["所", "个", "人", "%", "万人次"]),
)
def test_a_range_reads_the_same_with_the_measure_word_once_or_twice(low, step, dash, unit):
    once = _one(f"建成 {low}{dash}{low + step} {unit}")
    twice = _one(f"建成 {low} {unit}{dash}{low + step} {unit}")
    assert (once.value, once.value_high, once.unit) == (twice.value, twice.value_high, twice.unit)
    assert once.is_range and twice.is_range
