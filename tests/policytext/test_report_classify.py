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
