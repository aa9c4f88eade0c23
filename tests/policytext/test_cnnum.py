from decimal import Decimal

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policytext.cnnum import chinese_to_decimal, find_quantities, parse_number


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
                "0123456789.-—~%万亿千百十一二两三四五六七八九零〇个所人次元年以上不低于，。、（）“”第批 +X"
            )
        ),
        max_size=60,
    )
)
def test_arbitrary_text_never_crashes_and_spans_are_exact(text):
    for q in find_quantities(text):
        assert text[q.start : q.end] == q.text
        assert q.value_high is None or q.value_high >= q.value
