"""Prose mentions and what classify makes of them: which qualifiers narrow a head and which only
word it (labels.NARROWING), a sector word against one named school (classify.scope_note), a
学年 that runs into the report's year, shares without 比例, a level after a rise, a unit near the
catalogue's, 师生比, a bare head's topic, 余/多 inside a number, and the entity a title names."""

from decimal import Decimal

import pytest

from policytext.reports.catalogue import IndicatorCatalogue, IndicatorSpec
from policytext.reports.classify import classify, is_named_school, kind_of, scope_note
from policytext.reports.labels import is_generic
from policytext.reports.layout import Layout, _title_fields, read_layout
from policytext.reports.mentions import Mention, mentions
from policytext.reports.results import Figure
from tests.policytext.reports_support import INDICATORS

CITY = "青川市中等职业教育质量年度报告（2023年）"


def layout_of(*lines: str, title: str = CITY) -> Layout:
    """The layout of a report whose title is line 1 and ``lines`` follow a blank line."""
    return read_layout("\n".join([title, "", *lines]) + "\n")


def mention_of(sentence: str, value, *, title: str = CITY) -> tuple[Mention, Layout]:
    """The one mention with this value in a report of one sentence, and its layout."""
    layout = layout_of(sentence, title=title)
    found = [m for m in mentions(layout) if m.value == Decimal(str(value))]
    assert len(found) == 1, [(m.label, m.value, m.unit) for m in mentions(layout)]
    return found[0], layout


def figure_of(
    sentence: str, value, *, title: str = CITY, catalogue: IndicatorCatalogue = INDICATORS
) -> Figure:
    mention, layout = mention_of(sentence, value, title=title)
    return classify(mention, catalogue, layout)


# --- narrowing: whose figure a head counts ----------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "value", "label", "indicator"),
    [
        pytest.param(
            "全市中职学校应届毕业生 1200 人。",
            1200,
            "全市中职学校应届毕业生",
            "graduates",
            id="应届",
        ),
        pytest.param(
            "全市填报毕业生数为 1180 人。", 1180, "全市填报毕业生数为", "graduates", id="填报"
        ),
        pytest.param(
            "全市中职学校毕业生总体就业率为 95.2%。",
            "95.2",
            "全市中职学校毕业生总体就业率为",
            "employment_rate",
            id="总体",
        ),
        pytest.param(
            "辖区内中等职业学校 12 所。", 12, "辖区内中等职业学校", "schools", id="辖区内"
        ),
    ],
)
def test_a_short_unforeseen_qualifier_leaves_the_entitys_own_figure(
    sentence, value, label, indicator
):
    mention, layout = mention_of(sentence, value)
    assert (mention.label, mention.label_how) == (label, "before")
    f = classify(mention, INDICATORS, layout)
    assert (f.indicator, f.kind, f.note) == (indicator, "actual", "")


NARROWED = [
    pytest.param("全市有民办中职学校 3 所。", 3, id="民办"),
    pytest.param("全市中职毕业生直接就业率 40%。", 40, id="直接就业率"),
    pytest.param("全市中职毕业生对口就业率 78.5%。", "78.5", id="对口就业率"),
    pytest.param("全市中职毕业生民企就业人数 860 人。", 860, id="民企"),
    pytest.param("全市三二分段在校生数 1460 人。", 1460, id="三二分段"),
    pytest.param("全市美育课专任教师数 42 人。", 42, id="美育课"),
    pytest.param("全市县属中等职业学校 8 所。", 8, id="县属"),
    pytest.param("全市薄弱学校 2 所。", 2, id="薄弱"),
    pytest.param("云溪市共有中职学校 9 所。", 9, id="another-city"),
]


@pytest.mark.parametrize(("sentence", "value"), NARROWED)
def test_a_narrowing_word_keeps_a_figure_from_its_indicator(sentence, value):
    f = figure_of(sentence, value)
    assert (f.indicator, f.confidence) == (None, 0)


def test_the_reports_own_city_named_before_a_head_is_not_another_jurisdiction():
    f = figure_of("青川市共有中职学校 14 所。", 14)
    assert (f.indicator, f.kind) == ("schools", "actual")


@pytest.mark.parametrize(
    ("prefix", "generic"),
    [
        ("全市中职学校应届", True),
        ("填报", True),
        ("全市中职学校毕业生总体", True),
        ("辖区内", True),
        ("全市有民办", False),
        ("全市中职毕业生直接", False),
        ("全市中职毕业生对口", False),
        ("全市三二分段", False),
        ("全市美育课", False),
        ("全市薄弱", False),
        ("云溪市共有", False),
    ],
)
def test_is_generic_tells_wording_from_narrowing(prefix, generic):
    assert is_generic(prefix, ("青川市", "青川")) is generic


def test_the_invented_place_names_narrow_nothing_by_themselves():
    # So that the tests above turn on the words they are about, not on the place names.
    for name in ("青川", "云溪", "云岭", "青禾"):
        assert is_generic(name)


# --- named schools against the sector ---------------------------------------------------------


def test_a_sector_word_after_a_verb_is_not_one_school():
    mention, layout = mention_of("科学规划中等职业学校布局，全年完成招生 4210 人。", 4210)
    assert scope_note(mention, layout) == ""
    f = classify(mention, INDICATORS, layout)
    assert (f.indicator, f.kind) == ("admissions", "actual")


def test_a_sector_word_after_a_qualifier_is_the_sector():
    mention, layout = mention_of(
        "全州有中等职业教育学校 23 所。", 23, title="云岭州中等职业教育质量年度报告（2023年）"
    )
    assert scope_note(mention, layout) == ""
    assert classify(mention, INDICATORS, layout).indicator == "schools"


def test_a_sector_word_after_a_place_names_one_school():
    mention, layout = mention_of("云溪县中等职业学校招生 860 人。", 860)
    assert scope_note(mention, layout) == "属于“云溪县中等职业学校”的数据，不计入报告主体"
    f = classify(mention, INDICATORS, layout)
    assert f.indicator is None and f.note.startswith("属于“云溪县中等职业学校”")


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("云溪县中等职业学校", True),
        ("第二职业学校", True),
        ("科学规划中等职业学校", False),
        ("全州有中等职业教育学校", False),
        ("辖区内中等职业学校", False),
    ],
)
def test_is_named_school_wants_a_place_or_an_ordinal_before_a_sector_word(name, named):
    assert is_named_school(name) is named


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("全市中等职业学校（不含技工学校）17 所。", id="short-aside"),
        pytest.param(
            "全市中等职业学校（含普通中专、职业中专、职业高中、成人中专）17 所。", id="long-aside"
        ),
    ],
)
def test_an_aside_in_brackets_neither_names_a_school_nor_loses_the_label(sentence):
    mention, layout = mention_of(sentence, 17)
    assert (mention.label, mention.label_how) == ("全市中等职业学校", "before")
    assert scope_note(mention, layout) == ""
    assert classify(mention, INDICATORS, layout).indicator == "schools"


# --- 学年 -------------------------------------------------------------------------------------

REPORT_2022 = "青川市中等职业教育质量年度报告（2022年）"


def test_the_school_year_before_the_report_year_is_the_reports_year():
    mention, layout = mention_of(
        "2021学年，全市中职学校毕业生数 6120 人。", 6120, title=REPORT_2022
    )
    assert mention.year == 2022
    assert kind_of(mention, layout.year) == "actual"
    assert classify(mention, INDICATORS, layout).indicator == "graduates"


def test_an_earlier_school_year_stays_another_year():
    mention, layout = mention_of(
        "2020学年，全市中职学校毕业生数 5980 人。", 5980, title=REPORT_2022
    )
    assert mention.year == 2020
    assert kind_of(mention, layout.year) == "other_year"


# --- shares without 比例 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        pytest.param("全市“双师型”教师 14 名，占专业课教师 45%。", 45, id="占专业课教师"),
        pytest.param("全市“双师型”教师 640 人，占专业教师总数的 95%。", 95, id="总数的"),
        pytest.param("全市“双师型”教师 330 人，占专业教师数的 35.48%。", "35.48", id="数的"),
    ],
)
def test_a_share_of_a_group_without_bili_is_the_share_of_the_clause_before(sentence, value):
    mention, layout = mention_of(sentence, value)
    assert (mention.label, mention.label_how, mention.unit) == ("双师型教师占比", "share", "%")
    f = classify(mention, INDICATORS, layout)
    assert (f.indicator, f.value, f.kind) == ("dual_qualified_ratio", Decimal(str(value)), "actual")


# --- a level after a rise ---------------------------------------------------------------------


def test_a_level_risen_to_takes_the_measure_of_the_clause_before():
    mention, layout = mention_of(
        "2024 年开展培训 450 人次，2025 年增加到 500 人次。",
        500,
        title="青川市中等职业教育质量年度报告（2025年）",
    )
    assert (mention.label, mention.label_how, mention.year) == ("培训", "inherited", 2025)
    f = classify(mention, INDICATORS, layout)
    assert (f.indicator, f.value, f.kind) == ("training_sessions", 500, "actual")


def test_the_level_risen_from_is_the_year_before():
    mention, layout = mention_of(
        "2024 年开展培训 450 人次，2025 年增加到 500 人次。",
        450,
        title="青川市中等职业教育质量年度报告（2025年）",
    )
    assert kind_of(mention, layout.year) == "other_year"


def test_a_scale_held_steady_around_a_number_is_approximate():
    mention, layout = mention_of("全市中职学校招生规模稳定在 300 人左右。", 300)
    assert mention.qualifier == "approx"
    f = classify(mention, INDICATORS, layout)
    assert (f.indicator, f.kind, f.qualifier) == ("admissions", "actual", "approx")


# --- a unit near the catalogue's --------------------------------------------------------------

# Training counted in 人次 only, as a catalogue may have it (the shipped one also accepts 人).
TRAINING_IN_RENCI = IndicatorCatalogue(
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


@pytest.mark.parametrize("unit", ["人", "名"])
def test_training_in_a_near_unit_is_linked_with_a_note_and_less_confidence(unit):
    near = figure_of(f"全年开展培训 3000 {unit}。", 3000, catalogue=TRAINING_IN_RENCI)
    own = figure_of("全年开展培训 3000 人次。", 3000, catalogue=TRAINING_IN_RENCI)
    assert (near.indicator, near.unit, near.kind) == ("training_sessions", "人次", "actual")
    assert near.note == f"原文单位为“{unit}”，按指标单位“人次”计"
    assert (own.indicator, own.note) == ("training_sessions", "")
    assert near.confidence < own.confidence


def test_training_in_ming_is_a_near_unit_in_the_shipped_catalogue():
    f = figure_of("全年开展培训 3000 名。", 3000)
    assert (f.indicator, f.unit, f.note) == (
        "training_sessions",
        "人次",
        "原文单位为“名”，按指标单位“人次”计",
    )
    assert f.confidence < figure_of("全年开展培训 3000 人次。", 3000).confidence


# --- 师生比 -----------------------------------------------------------------------------------


def test_a_teacher_student_ratio_is_turned_into_students_per_teacher():
    mention, layout = mention_of("全市中职学校师生比 1:17.3。", "0.0578")
    assert (mention.unit, mention.ratio) == (":", (Decimal(1), Decimal("17.3")))
    f = classify(mention, INDICATORS, layout)
    assert (f.indicator, f.value, f.unit) == ("student_teacher_ratio", Decimal("17.3"), ":")
    assert f.note == "原文为师生比 1:17.3，已换算为生师比"
    assert "生师比" in f.label


def test_a_student_teacher_ratio_is_left_as_written():
    mention, layout = mention_of("全市中职学校生师比 17.3:1。", "17.3")
    f = classify(mention, INDICATORS, layout)
    assert (f.indicator, f.value, f.note) == ("student_teacher_ratio", Decimal("17.3"), "")


# --- a bare head's topic ----------------------------------------------------------------------


def test_a_bare_head_takes_its_topic_from_the_sentence_before():
    mention, layout = mention_of("推进“1+X”证书制度试点。全年完成考核取证 3774 人。", 3774)
    assert "1+X" in mention.topic and "1+X" not in mention.sentence_before
    assert classify(mention, INDICATORS, layout).indicator is None


def test_without_that_topic_the_bare_head_is_certificates():
    assert figure_of("全年完成考核取证 3774 人。", 3774).indicator == "certificates"


def test_a_head_that_speaks_for_itself_ignores_the_sentence_before():
    f = figure_of("推进“1+X”证书制度试点。全年学生获得职业技能等级证书 3200 人。", 3200)
    assert f.indicator == "certificates"


# --- 余 / 多 inside a number ------------------------------------------------------------------


@pytest.mark.parametrize("word", ["余", "多"])
def test_yu_or_duo_inside_a_number_is_a_lower_bound(word):
    mention, layout = mention_of(f"全市中职学校在校生 5000 {word}人。", 5000)
    assert (mention.unit, mention.qualifier) == ("人", "ge")
    f = classify(mention, INDICATORS, layout)
    assert (f.indicator, f.qualifier) == ("enrollment", "ge")


# --- titles -----------------------------------------------------------------------------------


def test_a_two_line_title_with_the_year_first_names_the_school():
    _, entity, year = _title_fields(["2025年云溪县青禾职业中等专业学校", "教育质量年度报告"])
    assert (entity, year) == ("云溪县青禾职业中等专业学校", 2025)


def test_a_schools_city_before_its_county_is_dropped():
    title, entity, year = _title_fields(
        ["2025年青川市云溪县青禾职业中等专业学校", "教育质量年度报告"]
    )
    assert (entity, year) == ("云溪县青禾职业中等专业学校", 2025)
    assert title.startswith("青川市云溪县")  # the title itself is kept as written
    layout = layout_of("全校在校生 1860 人。", title="青川市云溪县职业中专质量年度报告（2024年）")
    assert (layout.entity, layout.entity_kind, layout.place) == (
        "云溪县职业中专",
        "school",
        "云溪县",
    )


@pytest.mark.parametrize(
    ("title", "entity"),
    [
        ("青川市中等职业教育质量年度报告（2023年）", "青川市"),
        ("青川市教育质量年度报告（2023年）", "青川市"),
        ("青川市教育委员会中等职业教育质量年度报告（2023年）", "青川市"),
        ("云溪县职业教育质量年度报告（2023年）", "云溪县"),
    ],
)
def test_a_bodys_education_tail_is_cut_from_the_entity(title, entity):
    assert _title_fields([title])[1:] == (entity, 2023)
