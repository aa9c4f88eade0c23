"""Table mentions, before any meaning: what `table_mentions` finds in statistical-yearbook tables
(kinds of education as rows under an empty corner cell), spaced headers, unit lines above a
table, 上年 | 本年 columns and tables with one row per year."""

from decimal import Decimal

from policytext.reports.layout import read_layout
from policytext.reports.mentions import TOTAL_CATEGORY, Mention, table_mentions
from tests.policytext.reports_support import CITY_TITLE, row


def table_of(*lines: str) -> list[Mention]:
    """The mentions of the one table in a report whose title is line 1 and ``lines`` follow."""
    layout = read_layout("\n".join([CITY_TITLE, "", *lines]) + "\n")
    assert len(layout.tables) == 1, layout.tables
    return list(table_mentions(layout.tables[0], layout))


def at(found: list[Mention], value) -> Mention:
    wanted = [m for m in found if m.value == Decimal(str(value))]
    assert len(wanted) == 1, [(m.label, m.value, m.category) for m in found]
    return wanted[0]


YEARBOOK = (
    "各级各类学校基本情况",
    row("", "学校数(所)", "在校学生数(人)", "教职工数(人)", "#专任教师(人)"),
    row("1.高等学校", "2", "18050", "1320", "905"),
    row("2.普通中学", "41", "52300", "3980", "3410"),
    row("初中", "30", "34100", "", "2290"),
    row("3.中等职业学校", "9", "12870", "812", "634"),
    row("#普通中专", "4", "7420", "401", "322"),
    row("职业高中", "5", "5450", "411", "312"),
    row("4.幼 儿 园", "57", "21600", "1730", "1188"),
)


def test_a_yearbook_row_carries_its_kind_of_education_and_no_subject():
    found = table_of(*YEARBOOK)
    own = at(found, 12870)
    assert (own.category, own.row_level, own.parent_label, own.subject) == (
        "中等职业学校",
        "top",
        "",
        "",
    )
    assert (own.label, own.unit) == ("在校学生数", "人")
    assert at(found, 18050).category == "高等学校"
    assert at(found, 21600).category == "幼儿园"  # spaced label cell


def test_a_hash_row_and_an_unnumbered_row_under_a_numbered_one_are_sub_rows_of_it():
    found = table_of(*YEARBOOK)
    for value, kind in ((7420, "普通中专"), (5450, "职业高中")):
        m = at(found, value)
        assert (m.category, m.row_level, m.parent_label) == (kind, "sub", "中等职业学校")
    assert at(found, 34100).parent_label == "普通中学"


def test_a_hash_column_is_its_own_measure_without_the_hash():
    assert at(table_of(*YEARBOOK), 634).label == "专任教师"


def test_a_total_row_of_a_yearbook_table_lists_the_kinds_it_sums():
    found = table_of(
        row("类别", "学校数（所）", "在校生（人）"),
        row("普通中专", "3", "6120"),
        row("技工学校", "2", "2380"),
        row("合  计", "5", "8500"),
    )
    total = at(found, 8500)
    assert (total.category, total.row_categories) == (TOTAL_CATEGORY, ("普通中专", "技工学校"))
    assert at(found, 6120).row_categories == ()


def test_a_table_of_places_has_no_categories():
    found = table_of(
        row("县（市、区）", "学校数（所）", "在校生（人）"),
        row("淇县", "3", "8100"),
        row("合计", "3", "8100"),
    )
    assert {(m.subject, m.category) for m in found} == {("淇县", ""), ("", "")}


def test_spaced_header_cells_are_read_as_their_words():
    found = table_of(
        row("指 标", "单 位", "2023 年"),
        row("在校生数", "人", "23480"),
    )
    assert (at(found, 23480).label, at(found, 23480).unit, at(found, 23480).year) == (
        "在校生数",
        "人",
        2023,
    )


def test_a_unit_line_above_a_table_is_the_unit_of_every_cell_that_names_none():
    found = table_of(
        "表3 中职教育经费投入",
        "单位：万元",
        row("项目", "2023年"),
        row("财政专项拨款", "2150.5"),
        row("生均拨款（元）", "5230"),
    )
    funding = at(found, 21505000)
    assert (funding.unit, funding.unit_cell, funding.table_title) == (
        "元",
        "万元",
        "表3 中职教育经费投入",
    )
    assert at(found, 5230).unit_cell == "元"  # the row's own unit wins


def test_a_unit_at_the_end_of_a_caption_applies_to_a_matrix_column_without_one():
    found = table_of(
        "各县中职学校数（计量单位：所）",
        row("县（市、区）", "公办学校", "民办学校"),
        row("淇县", "2", "1"),
    )
    assert {(m.label, m.unit, m.unit_known) for m in found} == {
        ("公办学校", "所", True),
        ("民办学校", "所", True),
    }


def test_a_previous_year_column_is_the_year_before_the_report():
    found = table_of(
        row("指标", "单位", "本年", "上年", "增减"),
        row("招生数", "人", "8620", "8170", "450"),
    )
    assert (at(found, 8620).year, at(found, 8620).column_kind) == (2023, "")
    assert (at(found, 8170).year, at(found, 8170).column_kind) == (2022, "")
    assert at(found, 450).column_kind == "change"


def test_an_empty_corner_over_year_columns_makes_the_first_column_the_labels():
    found = table_of(
        row("", "2022年", "2023年"),
        row("毕业生数（人）", "7310", "7655"),
    )
    assert [(m.label, m.year) for m in found] == [("毕业生数", 2022), ("毕业生数", 2023)]


def test_a_table_with_one_row_per_year_gives_each_row_its_year():
    found = table_of(
        row("年份", "中职学校数（所）", "中职在校生（人）"),
        row("2022", "11", "30120"),
        row("2023", "11", "31260"),
    )
    assert [(m.label, m.value, m.year, m.subject) for m in found] == [
        ("中职学校数", 11, 2022, ""),
        ("中职在校生", 30120, 2022, ""),
        ("中职学校数", 11, 2023, ""),
        ("中职在校生", 31260, 2023, ""),
    ]


def test_a_row_of_bare_numbers_under_a_two_line_header_names_no_subject():
    found = table_of(
        row("学校数", "办学性质", ""),
        row("", "公办", "民办"),
        row("3", "2", "1"),
    )
    assert [m for m in found if m.subject] == []


def test_an_aside_in_brackets_is_not_part_of_a_rows_kind():
    found = table_of(
        row("", "学校数（所）", "在校生（人）"),
        row("普通高中", "12", "30400"),
        row("中等职业学校（含技工学校）", "6", "9900"),
    )
    assert at(found, 9900).category == "中等职业学校"
