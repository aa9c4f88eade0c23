"""The report extractor on running text: multipliers, Chinese numerals, shares and ratios, labels
that stand away from their number, enumerations, the kind of each figure (plan, change, rate,
another year) and figures that belong to someone other than the reporting entity."""

from decimal import Decimal

import pytest

from tests.policytext.reports_support import report, seen, the

# --- numbers and units ------------------------------------------------------------------------


def test_it_reads_wan_multiplier_in_narrative():
    r = report("全市中职学校在校生 4.51 万人，毕业生 1.52 万人。")
    assert seen(the(r, 45100)) == ("enrollment", Decimal(45100), "人", "actual", 2023, 3)


def test_it_reads_wan_renci_as_training_sessions():
    r = report("全年开展职业技能培训 7.7 万人次。")
    assert seen(the(r, 77000)) == ("training_sessions", Decimal(77000), "人次", "actual", 2023, 3)


def test_it_reads_yi_multiplier_in_yuan():
    r = report("全年财政专项拨款 1.177 亿元。")
    f = the(r, 117700000)
    assert seen(f) == ("special_funding", Decimal(117700000), "元", "actual", 2023, 3)


def test_it_reads_a_chinese_numeral_count():
    r = report("全市共有中等职业学校二十四所，分布在各县区。")
    assert seen(the(r, 24)) == ("schools", Decimal(24), "所", "actual", 2023, 3)


def test_it_reads_percentages():
    r = report("全市中职学校毕业生就业率 96.5%，在校生满意度 93.2%。")
    assert seen(the(r, "96.5")) == ("employment_rate", Decimal("96.5"), "%", "actual", 2023, 3)
    assert seen(the(r, "93.2")) == ("student_satisfaction", Decimal("93.2"), "%", "actual", 2023, 3)


def test_a_student_teacher_ratio_keeps_the_left_side():
    f = the(report("全市中职学校生师比为 14.2:1。"), "14.2")
    assert seen(f) == ("student_teacher_ratio", Decimal("14.2"), ":", "actual", 2023, 3)
    assert f.method == "ratio"


def test_a_vocational_to_general_ratio_is_divided_out_and_not_linked():
    f = the(report("全市高中阶段招生职普比为 1:2.57。"), "0.3891")
    assert seen(f) == (None, Decimal("0.3891"), ":", "actual", 2023, 3)


# --- where the label stands -------------------------------------------------------------------


def test_a_label_some_words_before_the_number_names_it():
    f = the(report("全市专任教师中，“双师”素质教师占比 52%。"), 52)
    assert seen(f) == ("dual_qualified_ratio", Decimal(52), "%", "actual", 2023, 3)


def test_a_share_refers_back_to_the_previous_clause():
    r = report("全市“双师型”教师 1530 人，占专业课教师比例达到 55% 以上。")
    assert seen(the(r, 1530)) == ("dual_qualified_teachers", Decimal(1530), "人", "actual", 2023, 3)
    share = the(r, 55)
    assert seen(share) == ("dual_qualified_ratio", Decimal(55), "%", "actual", 2023, 3)
    assert share.qualifier == "ge"


def test_a_label_after_the_number_names_it():
    f = the(report("年内 412 名教师通过省级“双师型”教师认定。"), 412)
    assert seen(f) == ("dual_qualified_certified", Decimal(412), "人", "actual", 2023, 3)


def test_an_enumeration_gives_each_number_its_own_item():
    r = report("就业毕业生中，服务第一、二、三产业人数分别为 212 人、906 人、2417 人。")
    figures = [f for f in r.figures if f.method == "enumeration"]
    assert [(f.label, f.value, f.unit, f.kind, f.year, f.line) for f in figures] == [
        ("服务第一产业人数", 212, "人", "actual", 2023, 3),
        ("服务第二产业人数", 906, "人", "actual", 2023, 3),
        ("服务第三产业人数", 2417, "人", "actual", 2023, 3),
    ]


# --- kinds: only "actual" is this year's value ------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param(
            "市教育局明确全年培训任务 40000 人次。",
            ("training_sessions", Decimal(40000), "人次", "plan", 2023, 3),
            id="yearly-task",
        ),
        pytest.param(
            "市里下达年度任务：开展培训 7 万人次、取证 4.8 万人。",
            ("training_sessions", Decimal(70000), "人次", "plan", 2023, 3),
            id="assigned-training",
        ),
        pytest.param(
            "市里下达年度任务：开展培训 7 万人次、取证 4.8 万人。",
            ("certificates", Decimal(48000), "人", "plan", 2023, 3),
            id="assigned-certificates",
        ),
    ],
)
def test_a_task_or_target_is_a_plan(sentence, expected):
    assert seen(the(report(sentence), expected[1])) == expected


# A change, its base-unit value and unit, and the indicator whose figure it changes.
CHANGES = [
    pytest.param(
        "全年开展职业技能培训 3.2 万人次，比上年增加 0.4 万人次。",
        4000,
        "人次",
        "training_sessions",
        id="wan-renci-increase",
    ),
    pytest.param(
        "“双师型”教师占比 48.5%，比上年提高 3.1 个百分点。",
        Decimal("3.1"),
        "%",
        "dual_qualified_ratio",
        id="percentage-points",
    ),
    pytest.param(
        "全市中职学校招生 1.64 万人，较上年减少 136 人。", -136, "人", "admissions", id="decrease"
    ),
]


@pytest.mark.parametrize(("sentence", "value", "unit", "indicator"), CHANGES)
def test_a_change_from_last_year_is_a_change_with_its_sign(sentence, value, unit, indicator):
    f = the(report(sentence), value)
    assert (f.value, f.unit, f.kind, f.line) == (value, unit, "change", 3)


@pytest.mark.parametrize(("sentence", "value", "unit", "indicator"), CHANGES)
def test_a_change_from_last_year_is_dated_in_the_report_year(sentence, value, unit, indicator):
    # 比上年增加 happened during the report year; a table's 比上年增减 column is dated so too.
    assert the(report(sentence), value).year == 2023


@pytest.mark.parametrize(("sentence", "value", "unit", "indicator"), CHANGES)
def test_a_change_from_last_year_names_the_indicator_it_changes(sentence, value, unit, indicator):
    assert the(report(sentence), value).indicator == indicator


def test_a_completion_rate_is_a_rate():
    f = the(report("年度培训任务完成率 108.4%。"), "108.4")
    assert seen(f) == (None, Decimal("108.4"), "%", "rate", 2023, 3)


def test_a_figure_for_the_previous_year_is_the_other_year():
    r = report("全年完成社会培训 2310 人次，2022 年培训 2105 人次。")
    assert seen(the(r, 2310)) == ("training_sessions", Decimal(2310), "人次", "actual", 2023, 3)
    assert seen(the(r, 2105)) == ("training_sessions", Decimal(2105), "人次", "other_year", 2022, 3)


def test_a_short_paragraph_opening_with_a_year_is_text_not_a_heading():
    r = report("2022 年培训 2105 人次。")
    assert seen(the(r, 2105)) == ("training_sessions", Decimal(2105), "人次", "other_year", 2022, 3)


def test_none_of_plan_change_rate_or_other_year_is_actual():
    r = report(
        "市里下达年度任务：开展培训 7 万人次、取证 4.8 万人。",
        "全年开展职业技能培训 8.1 万人次，比上年增加 0.4 万人次，"
        "年度任务完成率 115.71%，2022 年培训 7.7 万人次。",
    )
    actual = [(f.indicator, f.value) for f in r.figures if f.kind == "actual"]
    assert actual == [("training_sessions", 81000)]


# --- scope: whose figure is it ----------------------------------------------------------------


def test_higher_vocational_colleges_are_not_linked():
    r = report("全市中职学校在校生 52340 人。另有高职院校 6 所，在校生 7.3 万人。")
    assert the(r, 52340).indicator == "enrollment"
    for value in (6, 73000):
        f = the(r, value)
        assert f.indicator is None and "高职" in f.note


def test_figures_in_a_case_study_are_not_linked():
    r = report(
        "一、办学基础",
        "全市中职学校在校生 52340 人。",
        "",
        "案例 1 淇县职教中心订单培养",
        "该校与企业合作开设订单班，在校生 3120 人，专任教师 180 人，开展培训 2600 人次。",
    )
    assert the(r, 52340).indicator == "enrollment"
    for value in (3120, 180, 2600):
        f = the(r, value)
        assert (f.indicator, f.line) == (None, 7) and "案例" in f.note


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        pytest.param("全市共有中等职业学校 21 所，其中公办学校 15 所。", 15, id="public-schools"),
        pytest.param("全市现有省级重点中职学校 7 所。", 7, id="key-schools"),
        pytest.param("全市专任教师 2645 人，其中体育课专任教师 96 人。", 96, id="pe-teachers"),
    ],
)
def test_a_sub_category_is_not_linked_to_the_whole(sentence, value):
    assert the(report(sentence), value).indicator is None


def test_teacher_training_is_not_skills_training():
    f = the(report("全年组织教师参加培训 187 人。"), 187)
    assert (f.indicator, f.value, f.unit, f.line) == (None, 187, "人", 3)
