"""Properties of the report extractor: it reads or refuses any text, and a number means the same
whether it is written in Arabic digits, with 万, or in Chinese numerals."""

from decimal import Decimal

import cn2an
from hypothesis import given, settings
from hypothesis import strategies as st

from policytext.reports import ReportError, extract_report
from tests.policytext.reports_support import INDICATORS, report

_FRAGMENTS = st.sampled_from(
    [
        "鹤壁市中等职业教育质量年度报告",
        "（2023年）",
        "2022 年",
        "# ",
        "案例 1 ",
        "一、",
        "\n",
        "\t",
        "|",
        "| --- |",
        "序号",
        "指标",
        "单位",
        "2023年",
        "其中：",
        "合计",
        "县（市、区）",
        "学校数（所）",
        "毕业生（人）",
        "在校生",
        "招生",
        "培训",
        "取证",
        "专任教师",
        "“双师型”教师",
        "占比",
        "生师比",
        "职普比",
        "高职院校",
        "某某县职业中等专业学校",
        "万",
        "亿",
        "万元",
        "元/生",
        "人次",
        "人",
        "所",
        "%",
        "个百分点",
        "学时",
        ":",
        "：",
        "1:2.57",
        "11.49:1",
        "二十四",
        "四万五千一百",
        "零",
        "0",
        "4.51",
        "60",
        "1269",
        ".",
        "-",
        "、",
        "，",
        "。",
        "（",
        "）",
        "分别为",
        "比上年增加",
        "较上年减少",
        "完成率",
        "任务",
        "以上",
        "约",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), st.lists(_FRAGMENTS, max_size=80).map("".join)))
def test_arbitrary_text_is_read_or_refused_never_crashes(text):
    try:
        extracted = extract_report(text, INDICATORS)
    except ReportError as exc:
        assert exc.bare_message  # a refusal always says why
    else:
        assert extracted.year is not None
        assert all(f.line >= 1 for f in extracted.figures)


def _enrollment(written: str) -> list[tuple]:
    extracted = report(f"全市中职学校在校生 {written} 人。")
    return [(f.indicator, f.value, f.kind) for f in extracted.figures]


def _in_wan(n: int) -> str:
    return format((Decimal(n) / 10000).normalize(), "f") + "万"


# From 2: a lone 一 (培训一人) is read as a word, not a count, and no report has one student.
@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=2, max_value=10**9))
def test_a_number_means_the_same_in_digits_with_wan_and_in_chinese_numerals(n):
    expected = [("enrollment", Decimal(n), "actual")]
    assert _enrollment(str(n)) == expected
    assert _enrollment(_in_wan(n)) == expected
    assert _enrollment(cn2an.an2cn(n)) == expected


def test_wan_with_a_decimal_is_the_whole_number():
    assert (
        _enrollment("7.7万") == _enrollment("77000") == [("enrollment", Decimal(77000), "actual")]
    )
