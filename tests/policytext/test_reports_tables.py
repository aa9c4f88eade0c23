"""The report extractor on tables: annex tables (序号 指标 单位 2023年), several year columns,
markdown pipe tables, units written into the label, and matrix tables broken down by county."""

from decimal import Decimal

from tests.policytext.reports_support import report, row, seen, the

ANNEX_HEADER = row("序号", "指标", "单位", "2023年")


def annex(*rows: str):
    """An annex table: caption on line 3, header on line 4, rows from line 5."""
    return report("附表 主要办学指标", ANNEX_HEADER, *rows)


def test_it_reads_a_row_of_an_annex_table():
    r = annex(row("1", "在校生数", "人", "52340"))
    assert seen(the(r, 52340)) == ("enrollment", Decimal(52340), "人", "actual", 2023, 5)
    assert the(r, 52340).method == "table"


def test_a_nested_qizhong_row_is_read_under_its_own_label():
    r = annex(
        row("1", "专任教师数", "人", "2870"),
        row("", "其中：“双师型”教师", "人", "1320"),
    )
    assert seen(the(r, 2870)) == ("fulltime_teachers", Decimal(2870), "人", "actual", 2023, 5)
    assert seen(the(r, 1320)) == ("dual_qualified_teachers", Decimal(1320), "人", "actual", 2023, 6)


def test_a_row_with_an_empty_serial_number_is_still_a_row_of_the_table():
    r = annex(
        row("1", "在校生数", "人", "52340"),
        row("", "毕业生数", "人", "15210"),
    )
    assert seen(the(r, 15210)) == ("graduates", Decimal(15210), "人", "actual", 2023, 6)


def test_a_row_with_an_empty_label_cell_repeats_the_label_above_as_a_share():
    r = annex(
        row("4", "“双师型”教师", "人", "1320"),
        row("", "", "%", "46.0"),
    )
    assert seen(the(r, 46)) == ("dual_qualified_ratio", Decimal(46), "%", "actual", 2023, 6)


def test_a_row_with_an_empty_label_cell_in_another_unit_is_not_the_indicator_above():
    r = annex(
        row("8", "职业技能培训", "人次", "21000"),
        row("", "", "学时", "84000"),
    )
    assert seen(the(r, 21000)) == ("training_sessions", Decimal(21000), "人次", "actual", 2023, 5)
    hours = the(r, 84000)
    assert seen(hours) == (None, Decimal(84000), "学时", "actual", 2023, 6)
    assert "职业技能培训" in hours.label


def test_a_wan_yuan_unit_cell_is_multiplied_into_yuan():
    r = annex(row("5", "年财政专项拨款", "万元", "3260.75"))
    assert seen(the(r, 32607500)) == ("special_funding", Decimal(32607500), "元", "actual", 2023, 5)


def test_a_wan_yuan_unit_cell_on_a_per_student_row_is_yuan_per_student():
    r = annex(row("5", "生均财政拨款", "万元", "0.5123"))
    assert seen(the(r, 5123)) == ("funding_per_student", Decimal(5123), "元/生", "actual", 2023, 5)


def test_a_yuan_per_student_unit_cell_is_kept():
    r = annex(row("6", "生均教学仪器设备值", "元/生", "6120.5"))
    assert seen(the(r, "6120.5")) == (
        "equipment_value_per_student",
        Decimal("6120.5"),
        "元/生",
        "actual",
        2023,
        5,
    )


def test_a_colon_unit_cell_makes_a_ratio():
    r = annex(row("7", "生师比", ":", "18.2"))
    ratio = the(r, "18.2")
    assert seen(ratio) == ("student_teacher_ratio", Decimal("18.2"), ":", "actual", 2023, 5)


def test_in_a_two_year_table_the_earlier_column_is_the_other_year():
    r = report(
        row("序号", "指标", "单位", "2022年", "2023年"),
        row("1", "招生数", "人", "17100", "18020"),
    )
    assert seen(the(r, 17100)) == ("admissions", Decimal(17100), "人", "other_year", 2022, 4)
    assert seen(the(r, 18020)) == ("admissions", Decimal(18020), "人", "actual", 2023, 4)


def test_it_reads_a_markdown_pipe_table():
    r = report(
        "| 序号 | 指标 | 单位 | 2023年 |",
        "| --- | --- | --- | --- |",
        "| 1 | 中等职业学校数 | 所 | 18 |",
        "| 2 | 在校生数 | 人 | 52340 |",
    )
    assert seen(the(r, 18)) == ("schools", Decimal(18), "所", "actual", 2023, 5)
    assert seen(the(r, 52340)) == ("enrollment", Decimal(52340), "人", "actual", 2023, 6)


def test_a_unit_in_brackets_after_the_label_is_the_unit_of_the_row():
    r = report(
        row("指标", "2023年"),
        row("毕业生（人）", "15210"),
        row("“双师型”教师占比（%）", "47.5"),
    )
    assert seen(the(r, 15210)) == ("graduates", Decimal(15210), "人", "actual", 2023, 4)
    assert seen(the(r, "47.5")) == ("dual_qualified_ratio", Decimal("47.5"), "%", "actual", 2023, 5)


def test_in_a_table_by_county_the_total_row_is_the_city_and_the_other_rows_name_their_county():
    r = report(
        "表 1 各县（市、区）中职学校办学规模",
        row("县（市、区）", "学校数（所）", "在校生（人）"),
        row("淇县", "3", "8100"),
        row("浚县", "2", "6200"),
        row("合计", "5", "14300"),
    )
    total = the(r, 14300)
    assert seen(total) == ("enrollment", Decimal(14300), "人", "actual", 2023, 7)
    assert total.as_json()["subject"] is None
    assert (the(r, 5).indicator, the(r, 5).as_json()["subject"]) == ("schools", None)
    assert [(f.subject, f.indicator, f.value) for f in r.figures if f.subject] == [
        ("淇县", "schools", 3),
        ("淇县", "enrollment", 8100),
        ("浚县", "schools", 2),
        ("浚县", "enrollment", 6200),
    ]
    assert r.conflicts == []  # a county's figure never disagrees with the city's


def test_a_qianwan_yuan_unit_cell_is_multiplied_into_yuan():
    r = annex(row("5", "年财政专项拨款", "千万元", "1.2"))
    funding = the(r, 12000000)
    assert seen(funding) == ("special_funding", Decimal(12000000), "元", "actual", 2023, 5)
    assert funding.precision == 500000  # 1.2 千万 is anything from 11 500 000 to 12 500 000


def test_a_cell_with_its_own_wan_is_multiplied_out_in_a_column_of_people():
    r = annex(
        row("1", "在校生数", "人", "7.8万"),
        row("2", "毕业生数", "人", "21350"),
    )
    enrollment = the(r, 78000)
    assert seen(enrollment) == ("enrollment", Decimal(78000), "人", "actual", 2023, 5)
    assert enrollment.precision == 500
    assert seen(the(r, 21350)) == ("graduates", Decimal(21350), "人", "actual", 2023, 6)


def test_a_wan_unit_in_a_matrix_header_scales_every_row_of_its_column():
    r = report(
        "表 2 各县（市、区）中职教育规模与投入",
        row("县（市、区）", "在校生（万人）", "经费投入（千万元）"),
        row("淇县", "0.81", "1.2"),
        row("合计", "1.43", "2.5"),
    )
    assert seen(the(r, 14300)) == ("enrollment", Decimal(14300), "人", "actual", 2023, 6)
    assert the(r, 14300).precision == 50
    assert [(f.subject, f.value, f.unit) for f in r.figures if f.subject] == [
        ("淇县", 8100, "人"),
        ("淇县", 12000000, "元"),
    ]
    assert the(r, 25000000).unit == "元"


YEARBOOK = (
    "表 4 全市各级各类教育基本情况",
    row("", "学校数(所)", "招生数(人)", "在校学生数(人)", "教职工数(人)", "#专任教师(人)"),
    row("1.高等学校", "2", "5320", "18050", "1320", "905"),
    row("2.普通中学", "41", "17700", "52300", "3980", "3410"),
    row("3.中等职业学校", "9", "4310", "12870", "812", "634"),
    row("#普通中专", "4", "2570", "7420", "401", "322"),
    row("职业高中", "5", "1740", "5450", "411", "312"),
    row("4.小    学", "63", "10940", "66120", "3710", "3390"),
)


def test_in_a_yearbook_table_the_vocational_row_is_the_citys_own_figure():
    r = report(*YEARBOOK)
    assert seen(the(r, 9)) == ("schools", Decimal(9), "所", "actual", 2023, 7)
    assert seen(the(r, 12870)) == ("enrollment", Decimal(12870), "人", "actual", 2023, 7)
    assert seen(the(r, 812)) == ("staff", Decimal(812), "人", "actual", 2023, 7)
    # 专任教师 marked # is a part of 教职工, still its own indicator
    assert seen(the(r, 634)) == ("fulltime_teachers", Decimal(634), "人", "actual", 2023, 7)
    assert the(r, 634).note == ""


def test_in_a_yearbook_table_other_levels_of_education_are_not_the_citys():
    r = report(*YEARBOOK)
    for value in (18050, 52300, 66120, 3410):
        figure = the(r, value)
        assert figure.indicator is None
        assert "其他学段" in figure.note
    assert "小学" in the(r, 66120).note


def test_in_a_yearbook_table_a_hash_row_is_a_sub_category_of_the_row_above():
    r = report(*YEARBOOK)
    for value in (7420, 5450):
        figure = the(r, value)
        assert figure.indicator is None
        assert figure.note.startswith("“中等职业学校”的分项")
    assert r.conflicts == []


def test_a_total_of_kinds_of_vocational_school_is_the_citys_and_a_total_of_all_levels_is_not():
    own = report(
        row("类别", "学校数（所）", "在校生（人）"),
        row("普通中专", "3", "6120"),
        row("技工学校", "2", "2380"),
        row("合计", "5", "8500"),
    )
    assert seen(the(own, 8500)) == ("enrollment", Decimal(8500), "人", "actual", 2023, 6)
    assert "分项" in the(own, 6120).note and the(own, 6120).indicator is None
    mixed = report(
        row("", "学校数（所）", "在校生（人）"),
        row("普通高中", "12", "30400"),
        row("中等职业学校", "6", "9900"),
        row("合计", "18", "40300"),
    )
    assert the(mixed, 9900).indicator == "enrollment"
    assert the(mixed, 40300).indicator is None and the(mixed, 40300).note


def test_it_reads_spaced_header_cells():
    r = report(row("指 标", "单 位", "2023 年"), row("在校生数", "人", "23480"))
    assert seen(the(r, 23480)) == ("enrollment", Decimal(23480), "人", "actual", 2023, 4)


def test_a_unit_line_above_a_table_scales_every_cell_that_names_no_unit():
    r = report(
        "表 3 中职教育经费投入",
        "（单位：万元）",
        row("项目", "2023年"),
        row("财政专项拨款", "2150.5"),
    )
    assert seen(the(r, 21505000)) == ("special_funding", Decimal(21505000), "元", "actual", 2023, 6)


def test_in_a_this_year_last_year_table_last_year_is_the_other_year_and_the_change_a_change():
    r = report(
        row("指标", "单位", "本年", "上年", "增减"),
        row("招生数", "人", "8620", "8170", "450"),
    )
    assert seen(the(r, 8620)) == ("admissions", Decimal(8620), "人", "actual", 2023, 4)
    assert seen(the(r, 8170)) == ("admissions", Decimal(8170), "人", "other_year", 2022, 4)
    assert the(r, 450).kind == "change"


def test_in_a_table_with_one_row_per_year_the_report_years_row_is_actual():
    r = report(
        row("年份", "中职学校数（所）", "中职在校生（人）"),
        row("2022", "12", "30120"),
        row("2023", "11", "31260"),
    )
    assert seen(the(r, 31260)) == ("enrollment", Decimal(31260), "人", "actual", 2023, 5)
    assert seen(the(r, 30120)) == ("enrollment", Decimal(30120), "人", "other_year", 2022, 4)


def test_a_fractional_count_in_a_column_that_names_no_unit_is_not_linked():
    r = report(
        row("年份", "中职招生人数"),
        row("2023", "2.64"),
    )
    figure = the(r, "2.64")
    assert figure.indicator is None and "未注明单位" in figure.note


def test_in_a_table_by_school_a_total_row_first_is_the_citys_and_the_schools_name_themselves():
    r = report(
        row("序号", "学校名称", "在校生数（人）", "专任教师数（人）"),
        row("", "全市", "9350", "610"),
        row("1", "鹤壁市机电信息工程学校", "5120", "330"),
        row("2", "淇县职业教育中心", "4230", "280"),
    )
    assert seen(the(r, 9350)) == ("enrollment", Decimal(9350), "人", "actual", 2023, 4)
    assert the(r, 9350).subject == ""
    assert the(r, 5120).subject == "鹤壁市机电信息工程学校"
    assert the(r, 280).subject == "淇县职业教育中心"
