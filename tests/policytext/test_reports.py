"""The report extractor as a whole: who and which year a report is about, disagreements between
prose and annex, and the seed reports. Tables, prose and properties have their own files
(test_reports_tables.py, test_reports_prose.py, test_reports_properties.py)."""

from decimal import Decimal

import pytest

from policytext.documents import read_document
from policytext.reports import ReportError, extract_report
from tests.conftest import seed_file
from tests.policytext.reports_support import INDICATORS, report, row, seen, the

# --- entity and year from the title -----------------------------------------------------------


def test_a_city_and_year_in_brackets_after_the_title():
    r = report("全市中职学校在校生 4.51 万人。", title="许昌市中等职业教育质量年度报告 (2024 年度)")
    assert (r.entity, r.entity_kind, r.place, r.year) == ("许昌市", "city", None, 2024)
    assert seen(the(r, 45100)) == ("enrollment", Decimal(45100), "人", "actual", 2024, 3)


def test_a_school_title_names_the_school_and_its_county():
    r = report(
        "学校全日制在校生 3120 人。", title="# 某某县职业中等专业学校 质量年度报告（2023年）"
    )
    assert (r.entity, r.entity_kind, r.place, r.year) == (
        "某某县职业中等专业学校",
        "school",
        "某某县",
        2023,
    )


def test_a_title_split_over_two_lines_takes_the_school_from_the_first():
    r = extract_report(
        "某某县职业中等专业学校\n2023年质量年度报告\n\n学校全日制在校生 3120 人。\n", INDICATORS
    )
    assert (r.entity, r.entity_kind, r.place, r.year) == (
        "某某县职业中等专业学校",
        "school",
        "某某县",
        2023,
    )
    assert seen(the(r, 3120)) == ("enrollment", Decimal(3120), "人", "actual", 2023, 4)


def test_a_text_with_no_year_anywhere_is_refused_asking_for_the_year():
    with pytest.raises(ReportError, match="年份"):
        extract_report("鹤壁市中等职业教育质量报告\n\n全市中职学校在校生 52340 人。\n", INDICATORS)


def test_an_empty_text_is_refused():
    with pytest.raises(ReportError, match="没有文字"):
        extract_report(" \n\n", INDICATORS)


def test_a_year_given_by_the_caller_lets_a_text_without_one_be_read():
    r = extract_report("全市中职学校在校生 52340 人。\n", INDICATORS, entity="鹤壁市", year=2023)
    assert (r.entity, r.year, the(r, 52340).indicator) == ("鹤壁市", 2023, "enrollment")


# --- conflicts between prose and annex --------------------------------------------------------

ANNEX_HEADER = row("序号", "指标", "单位", "2023年")


def test_a_lower_bound_in_prose_that_the_annex_contradicts_is_a_conflict():
    r = report(
        "全市“双师型”教师占比 60% 以上。",
        "",
        "附表 主要办学指标",
        ANNEX_HEADER,
        row("1", "“双师型”教师占比", "%", "41.2"),
    )
    assert [(c.indicator, c.year, [(f.value, f.line) for f in c.figures]) for c in r.conflicts] == [
        ("dual_qualified_ratio", 2023, [(60, 3), (Decimal("41.2"), 7)])
    ]


def test_a_figure_rounded_in_wan_agrees_with_the_exact_annex_figure():
    r = report(
        "全市中职学校在校生 7.8 万人。",
        "",
        "附表 主要办学指标",
        ANNEX_HEADER,
        row("1", "在校生数", "人", "78123"),
    )
    assert [f.value for f in r.linked] == [78000, 78123]
    assert r.conflicts == []


def test_a_figure_in_whole_wan_allows_all_its_rounding():
    r = report(
        "全市中职学校在校生 8 万人。",
        "",
        "附表 主要办学指标",
        ANNEX_HEADER,
        row("1", "在校生数", "人", "75600"),
    )
    assert [(f.value, f.precision) for f in r.linked] == [(80000, 5000), (75600, Decimal("0.5"))]
    assert r.conflicts == []  # 8 万 covers 75 000–85 000


def test_two_different_exact_counts_are_a_conflict():
    r = report(
        "全年取得职业技能等级证书 26455 人。",
        "",
        "附表 主要办学指标",
        ANNEX_HEADER,
        row("1", "职业技能等级证书获取人数", "人", "20399"),
    )
    assert [(c.indicator, [(f.value, f.line) for f in c.figures]) for c in r.conflicts] == [
        ("certificates", [(26455, 3), (20399, 7)])
    ]


# --- the seed reports -------------------------------------------------------------------------


def seed_report(prefix: str):
    path = seed_file(prefix)
    return extract_report(read_document(path.name, path.read_bytes()), INDICATORS)


def own_actuals(r) -> set[tuple]:
    """The reporting entity's own figures for the report year: (indicator, value, unit)."""
    return {
        (f.indicator, f.value, f.unit)
        for f in r.figures
        if f.indicator and f.kind == "actual" and not f.subject
    }


def conflicting_values(r) -> dict[str, set]:
    return {c.indicator: {f.value for f in c.figures} for c in r.conflicts}


@pytest.mark.seeds
def test_seed_000_city_report_gives_its_key_figures_and_conflicts():
    r = seed_report("000")
    assert (r.entity, r.entity_kind, r.year) == ("南阳市", "city", 2023)
    assert {
        ("training_sessions", 33938, "人次"),
        ("certificates", 26455, "人"),
        ("certificates", 20399, "人"),
        ("dual_qualified_ratio", 60, "%"),
        ("dual_qualified_ratio", Decimal("41.2"), "%"),
        ("fulltime_teachers", 4156, "人"),
        ("fulltime_teachers", 4077, "人"),
        ("schools", 39, "所"),
        ("enrollment", 78000, "人"),
        ("enrollment", 74410, "人"),
        ("funding_per_student", Decimal("4609.52"), "元/生"),
        ("equipment_value_per_student", Decimal("6918.07"), "元/生"),
    } <= own_actuals(r)
    assert the(r, 60, indicator="dual_qualified_ratio").qualifier == "ge"
    conflicts = conflicting_values(r)
    assert conflicts["certificates"] == {26455, 20399}
    assert conflicts["dual_qualified_ratio"] == {60, Decimal("41.2")}
    assert conflicts["fulltime_teachers"] == {4156, 4077}
    assert conflicts["enrollment"] == {78000, 74410}
    assert {f.kind for f in r.figures if f.value == Decimal("113.13")} == {"rate"}


@pytest.mark.seeds
def test_seed_001_city_report_gives_its_key_figures():
    r = seed_report("001")
    assert (r.entity, r.entity_kind, r.year) == ("新乡市", "city", 2023)
    assert {
        ("training_sessions", 77000, "人次"),
        ("certificates", 50000, "人"),
        ("enrollment", 45100, "人"),
        ("admissions", 18081, "人"),
        ("schools", 24, "所"),
        ("dual_qualified_ratio", 46, "%"),
        ("student_teacher_ratio", Decimal("17.5"), ":"),
    } <= own_actuals(r)
    assert the(r, 77000, indicator="training_sessions").line == 272


@pytest.mark.seeds
def test_seed_003_school_report_gives_its_key_figures():
    r = seed_report("003")
    assert (r.entity, r.entity_kind, r.place, r.year) == (
        "延津县职业中等专业学校",
        "school",
        "延津县",
        2023,
    )
    assert {
        ("admissions", 1256, "人"),
        ("enrollment", 4216, "人"),
        ("training_sessions", 1087, "人次"),
        ("student_teacher_ratio", Decimal("11.49"), ":"),
        ("dual_qualified_teachers", 121, "人"),
        ("certificates", 1069, "人"),
    } <= own_actuals(r)
    last_year = the(r, 1269, indicator="training_sessions")
    assert (last_year.kind, last_year.year) == ("other_year", 2022)
    assert the(r, -182).kind == "change"
