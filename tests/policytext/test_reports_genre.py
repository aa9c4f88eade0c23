"""The report extractor on the wordings of the genre, end to end: what a reviewer sees for a short
report of a title and one sentence (narrowing words, named schools, 学年, shares without 比例, a
level after a rise, near units, 师生比, a bare head's topic, 余/多, and who a title names)."""

from decimal import Decimal

import pytest

from policytext.reports import extract_report
from policytext.reports.catalogue import IndicatorCatalogue, IndicatorSpec
from tests.policytext.reports_support import INDICATORS, report, seen, the

CITY = "青川市中等职业教育质量年度报告（2023年）"


def test_a_short_qualifier_is_the_entitys_own_and_a_narrowing_one_is_not():
    r = report(
        "全市中职学校应届毕业生 1200 人，毕业生总体就业率为 95.2%，直接就业率 40%。",
        "全市有中等职业学校 14 所，其中民办中职学校 3 所。云溪市共有中职学校 9 所。",
        title=CITY,
    )
    assert seen(the(r, 1200)) == ("graduates", Decimal(1200), "人", "actual", 2023, 3)
    assert seen(the(r, "95.2")) == ("employment_rate", Decimal("95.2"), "%", "actual", 2023, 3)
    assert seen(the(r, 14)) == ("schools", Decimal(14), "所", "actual", 2023, 4)
    for value in (40, 3, 9):
        assert the(r, value).indicator is None
    actual = {(f.indicator, f.value) for f in r.figures if f.indicator and f.kind == "actual"}
    assert actual == {("graduates", 1200), ("employment_rate", Decimal("95.2")), ("schools", 14)}


def test_a_sector_word_is_the_sector_and_a_placed_one_is_a_school():
    r = report(
        "科学规划中等职业学校布局，全年完成招生 4210 人。云溪县中等职业学校招生 860 人。",
        "全市中等职业学校（含普通中专、职业中专、职业高中、成人中专）17 所。",
        title=CITY,
    )
    assert seen(the(r, 4210)) == ("admissions", Decimal(4210), "人", "actual", 2023, 3)
    school = the(r, 860)
    assert school.indicator is None
    assert school.note.startswith("属于“云溪县中等职业学校”的数据，不计入报告主体")
    assert seen(the(r, 17)) == ("schools", Decimal(17), "所", "actual", 2023, 4)


def test_the_school_year_before_a_report_is_its_year():
    r = report(
        "2021学年，全市中职学校毕业生数 6120 人。",
        "2020学年，全市中职学校毕业生数 5980 人。",
        title="青川市中等职业教育质量年度报告（2022年）",
    )
    assert seen(the(r, 6120)) == ("graduates", Decimal(6120), "人", "actual", 2022, 3)
    assert seen(the(r, 5980)) == ("graduates", Decimal(5980), "人", "other_year", 2020, 4)


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        pytest.param("全市“双师型”教师 14 名，占专业课教师 45%。", 45, id="占专业课教师"),
        pytest.param("全市“双师型”教师 640 人，占专业教师总数的 95%。", 95, id="总数的"),
        pytest.param("全市“双师型”教师 330 人，占专业教师数的 35.48%。", "35.48", id="数的"),
    ],
)
def test_a_share_without_bili_is_the_dual_qualified_ratio(sentence, value):
    f = the(report(sentence, title=CITY), value, unit="%")
    assert seen(f) == ("dual_qualified_ratio", Decimal(str(value)), "%", "actual", 2023, 3)


def test_a_level_after_a_rise_is_this_years_actual():
    r = report(
        "2024 年开展培训 450 人次，2025 年增加到 500 人次。全市中职学校招生规模稳定在 300 人左右。",
        title="青川市中等职业教育质量年度报告（2025年）",
    )
    assert seen(the(r, 500)) == ("training_sessions", Decimal(500), "人次", "actual", 2025, 3)
    assert seen(the(r, 450)) == ("training_sessions", Decimal(450), "人次", "other_year", 2024, 3)
    admissions = the(r, 300)
    assert seen(admissions) == ("admissions", Decimal(300), "人", "actual", 2025, 3)
    assert admissions.qualifier == "approx"


def test_training_in_a_near_unit_says_so_and_is_less_sure():
    # A catalogue that counts training in 人次 only (the shipped one also accepts 人).
    catalogue = IndicatorCatalogue(
        [
            IndicatorSpec(
                code="training_sessions",
                name="职业技能培训",
                unit="人次",
                units=("人次",),
                aliases=("培训", "开展培训"),
                flow=True,
            )
        ]
    )
    r = extract_report(f"{CITY}\n\n全年开展培训 3000 人。全年开展社会培训 2600 人次。\n", catalogue)
    near, own = the(r, 3000), the(r, 2600)
    assert seen(near) == ("training_sessions", Decimal(3000), "人次", "actual", 2023, 3)
    assert near.note == "原文单位为“人”，按指标单位“人次”计"
    assert near.confidence < own.confidence


def test_a_teacher_student_ratio_is_reported_as_students_per_teacher():
    r = report("全市中职学校师生比 1:17.3，另一口径生师比 17.3:1。", title=CITY)
    converted = the(r, "17.3", note="原文为师生比 1:17.3，已换算为生师比")
    as_written = the(r, "17.3", note="")
    for f in (converted, as_written):
        assert seen(f) == ("student_teacher_ratio", Decimal("17.3"), ":", "actual", 2023, 3)


def test_a_bare_head_after_a_1x_sentence_is_not_certificates():
    r = report(
        "推进“1+X”证书制度试点。全年完成考核取证 3774 人。",
        "全年学生获得职业技能等级证书 3200 人。",
        title=CITY,
    )
    assert the(r, 3774).indicator is None
    assert seen(the(r, 3200)) == ("certificates", Decimal(3200), "人", "actual", 2023, 4)


def test_yu_inside_a_number_is_a_lower_bound():
    f = the(report("全市中职学校在校生 5000 余人。", title=CITY), 5000)
    assert seen(f) == ("enrollment", Decimal(5000), "人", "actual", 2023, 3)
    assert f.qualifier == "ge"


def test_a_schools_title_over_two_lines_names_the_school_and_year():
    text = "2025年青川市云溪县青禾职业中等专业学校\n教育质量年度报告\n\n全校在校生 1860 人。\n"
    r = extract_report(text, INDICATORS)
    assert (r.entity, r.entity_kind, r.place, r.year) == (
        "云溪县青禾职业中等专业学校",
        "school",
        "云溪县",
        2025,
    )
    assert seen(the(r, 1860)) == ("enrollment", Decimal(1860), "人", "actual", 2025, 4)


def test_a_citys_title_names_the_city():
    r = report(
        "全市中职学校在校生 21300 人。", title="青川市教育委员会中等职业教育质量年度报告（2023年）"
    )
    assert (r.entity, r.entity_kind, r.year) == ("青川市", "city", 2023)
    assert seen(the(r, 21300)) == ("enrollment", Decimal(21300), "人", "actual", 2023, 3)
