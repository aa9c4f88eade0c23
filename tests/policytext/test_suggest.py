"""The suggestion rule of 待关联的数据 and what a confirmed link teaches (policytext/suggest.py),
on the shipped catalogue and sentences written for these tests."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policytext.reports import IndicatorCatalogue, IndicatorSpec, extract_report
from policytext.suggest import alias_matches, generic_words, learnable_alias, suggest
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def catalogue() -> IndicatorCatalogue:
    entries = json.loads((FIXTURES / "indicators.json").read_text(encoding="utf-8"))
    return IndicatorCatalogue.from_entries(entries["indicators"])


def with_alias(catalogue: IndicatorCatalogue, code: str, alias: str) -> IndicatorCatalogue:
    specs = [
        IndicatorSpec(**{**vars(s), "aliases": (*s.aliases, alias)}) if s.code == code else s
        for s in catalogue.specs.values()
    ]
    return IndicatorCatalogue(specs)


@pytest.mark.parametrize(
    ("label", "unit", "code"),
    [
        ("全县中职学校注册在校生", "人", "enrollment"),
        ("本届应届毕业生", "人", "graduates"),
        ("学校毕业生总体就业率", "%", "employment_rate"),
        ("面向社区开展各类技能培训", "人次", "training_sessions"),
    ],
)
def test_it_suggests_the_indicator_whose_word_stands_inside_the_label(catalogue, label, unit, code):
    spec = suggest(label, unit, catalogue)
    assert spec is not None and spec.code == code


def test_it_prefers_the_longest_word_that_fits_the_unit(catalogue):
    # 毕业生 (人) is in the label too, but a share in % is the employment rate.
    spec = suggest("本届毕业生就业率", "%", catalogue)
    assert spec is not None and spec.code == "employment_rate"


def test_it_suggests_nothing_when_no_word_fits_the_unit(catalogue):
    assert suggest("校园绿化面积", "平方米", catalogue) is None
    assert suggest("全县中职学校注册在校生", "万元", catalogue) is None


def test_a_learned_alias_drops_the_generic_words_in_front(catalogue):
    spec = catalogue.specs["enrollment"]
    assert learnable_alias("2024年全县中职学校注册在校生人数", spec) == "注册在校生"
    assert learnable_alias("全市注册在校生", spec) == "注册在校生"


def test_a_learned_alias_drops_the_reports_own_name(catalogue):
    spec = catalogue.specs["graduates"]
    generic = generic_words("汝阳县")
    assert learnable_alias("汝阳县应届毕业生", spec, generic=generic) == "应届毕业生"


def test_a_word_made_of_a_generic_character_is_kept_whole(catalogue):
    spec = catalogue.specs["employment_rate"]
    assert learnable_alias("总体就业率为", spec) == "总体就业率"


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("全县中等职业学校", "schools"),  # only generic words: would link far too much
        ("在校生", "enrollment"),  # already the indicator's name
        ("2024年增加到", "training_sessions"),  # a fragment sharing no word with 培训
        ("占专业课教师", "dual_qualified_ratio"),  # the base of a share
    ],
)
def test_it_learns_nothing_unsafe(catalogue, label, code):
    assert learnable_alias(label, catalogue.specs[code]) is None


def test_a_learned_alias_makes_the_extractor_link_another_reports_wording(catalogue):
    first = "汝南县2024年中等职业教育质量年度报告\n全县中等职业学校在校生体量 6120 人。"
    other = "西平县2024年中等职业教育质量年度报告\n2024年全县在校生体量 4870 人。"
    before = extract_report(first, catalogue)
    assert [f.indicator for f in before.figures] == [None]
    spec = suggest(before.figures[0].label, "人", catalogue)
    assert spec is not None and spec.code == "enrollment"
    alias = learnable_alias(before.figures[0].label, spec, generic=generic_words("汝南县"))
    assert alias == "在校生体量"

    after = extract_report(other, with_alias(catalogue, "enrollment", alias))
    assert [(f.indicator, f.value) for f in after.figures] == [("enrollment", Decimal(4870))]


def test_an_alias_matches_a_label_only_at_its_end_after_generic_words():
    assert alias_matches("注册在校生", "2024年全县注册在校生")
    assert not alias_matches("注册在校生", "注册在校生中女生")
    assert not alias_matches("注册在校生", "民办学校注册在校生")


@given(st.text(alphabet="全市县中职学校年在校生注册应届毕业2024总体就业率培训", max_size=16))
def test_a_learned_alias_always_matches_the_label_it_came_from(label):
    spec = IndicatorSpec(code="enrollment", name="在校生", unit="人")
    alias = learnable_alias(label, spec)
    assert alias is None or alias_matches(alias, label)
