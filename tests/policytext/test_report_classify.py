"""classify: one rule for what a number is, whether a sentence or a table row holds it. A table
row's clause is its label, so 预计, 下达, 新增 and 完成率 mean the same in both."""

from decimal import Decimal

import pytest

from policytext.reports.classify import CONFIDENCE, classify, kind_of
from policytext.reports.layout import read_layout
from policytext.reports.mentions import mentions
from tests.policytext.reports_support import CITY_TITLE, INDICATORS, row


def figures_at(value, *lines: str):
    layout = read_layout("\n".join([CITY_TITLE, "", *lines]) + "\n")
    found = [m for m in mentions(layout) if m.value == Decimal(str(value))]
    assert found, [(m.label, m.value) for m in mentions(layout)]
    return [(m, classify(m, INDICATORS, layout)) for m in found]


def table(label: str, unit: str, value: str) -> tuple[str, ...]:
    return ("附表 主要指标", row("序号", "指标", "单位", "2023年"), row("1", label, unit, value))


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("预计招生", "plan"),
        ("下达培训任务", "plan"),
        ("新增专业", "change"),
        ("比上年增加招生", "change"),
        ("招生计划完成率", "rate"),
        ("招生", "actual"),
    ],
)
def test_a_table_row_and_a_sentence_of_the_same_words_are_the_same_kind(label, kind):
    ((row_mention, row_figure),) = figures_at(3200, *table(label, "人", "3200"))
    ((prose_mention, prose_figure),) = figures_at(3200, f"2023 年，全市{label} 3200 人。")
    assert row_mention.method == "table" and prose_mention.method == "prose"
    assert kind_of(row_mention, 2023) == kind_of(prose_mention, 2023) == kind
    assert row_figure.kind == prose_figure.kind == kind


def test_a_plan_column_is_a_plan_whatever_the_row_says():
    ((_, figure),) = figures_at(
        5000, "附表", row("序号", "指标", "单位", "2023年计划"), row("1", "招生", "人", "5000")
    )
    assert (figure.kind, figure.indicator) == ("plan", "admissions")


def test_a_row_links_with_the_table_confidence_and_a_sentence_with_the_head_confidence():
    ((_, from_row),) = figures_at(3200, *table("招生", "人", "3200"))
    ((_, from_prose),) = figures_at(3200, "2023 年，全市招生 3200 人。")
    assert from_row.indicator == from_prose.indicator == "admissions"
    assert from_row.confidence == CONFIDENCE["table"]
    assert from_prose.confidence == CONFIDENCE["head"]


def test_a_flow_count_written_as_new_is_this_years_count():
    ((_, figure),) = figures_at(38, "2023 年，新增 38 名教师通过“双师型”教师认定。")
    assert (figure.kind, figure.value, figure.indicator) == (
        "actual",
        38,
        "dual_qualified_certified",
    )


def one(value, sentence: str, title: str = CITY_TITLE):
    layout = read_layout(f"{title}\n\n{sentence}\n")
    (found,) = [m for m in mentions(layout) if m.value == Decimal(str(value))]
    return found, classify(found, INDICATORS, layout)


def test_a_number_in_brackets_after_last_year_is_last_years():
    mention, figure = one(7012, "全日制在校生 6930 人，较上年（7012 人）略有减少。")
    assert mention.bracket_owner == "较上年"
    assert (figure.kind, figure.year) == ("other_year", 2022)
    assert one(6930, "全日制在校生 6930 人，较上年（7012 人）略有减少。")[1].kind == "actual"


def test_a_number_in_brackets_after_a_plan_is_the_plan():
    _, figure = one(120000, "完成省政府下达的年度招生计划（12 万人）的 98.9%。")
    assert figure.kind == "plan"


def test_a_number_in_brackets_after_an_average_is_not_the_entitys():
    _, figure = one(14500, "全市生均财政拨款 16300 元，高于全省平均水平（14500 元）。")
    assert figure.indicator is None and figure.note.startswith("比较对象")


def test_a_place_opening_a_clause_owns_the_figures_after_it():
    title = "江北省中等职业教育质量年度报告（2023年）"
    _, other = one(73000, "青川市现有中职学校 21 所，在校生 7.3 万人。", title)
    assert other.indicator is None
    assert other.note == "属于“青川市”的数据，不计入报告主体（标签像“在校生”）"
    _, own = one(311000, "全省中职在校生 31.1 万人，青川市 7.3 万人。", title)
    assert own.indicator == "enrollment"


def test_items_of_a_list_share_what_narrows_the_first():
    sentence = "技工学校当年招生 3012 人、在校生 7806 人。"
    for value in (3012, 7806):
        assert one(value, sentence)[1].indicator is None


def test_a_figure_on_a_supposed_count_is_not_the_entitys():
    _, figure = one(66222, "若合并计算技工学校，全市中职在校生达 66222 人。")
    assert figure.indicator is None and figure.note.startswith("假设")


def test_a_narrowing_word_before_a_pattern_keeps_it_from_the_indicator():
    assert one(46, "毕业生 2105 人，其中对口升入本科院校 46 人。")[1].indicator is None
    assert one(986, "毕业生 2105 人，升入高等院校 986 人。")[1].indicator == "further_study"


def test_people_counted_in_wei_are_people():
    _, figure = one(1126, "全市中职学校专任教师 1126 位。")
    assert (figure.indicator, figure.unit) == ("fulltime_teachers", "人")
