"""The attainment rules (attainment/rules.py), table by table in the order the module states them:
comparisons and ratios, yearly targets, one-off targets along their path, cumulative targets,
conflicting sources and precedence, and no data. No database: the rules are plain Python."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from attainment import rules
from attainment.rules import (
    AT_RISK,
    CONFLICT,
    MET,
    NO_DATA,
    ON_TRACK,
    OVERDUE,
    TIER_CONFIRMED,
    TIER_DERIVED,
    TIER_EXTRACTED,
    TIER_LATER_REPORT,
    TIER_PROGRESS,
    Goal,
    Period,
    Reading,
)

NANYANG_2023 = "《南阳市2023年职业教育质量年度报告》"

DUAL_QUALIFIED = Goal("ge", D("60"), unit="%")  # 职业院校“双师型”教师占比达到 60% 以上
TRAINING = Goal("ge", D("100000"), unit="人次")  # 每年开展职业技能培训不低于 10 万人次
NEW_SCHOOLS = Goal("ge", D("10"), unit="所")  # 建成 10 所（从零数起的个数）
STUDENT_TEACHER = Goal("le", D("20"), unit=":")  # 生师比不高于 20:1
ABOUT_10000 = Goal("approx", D("10000"), unit="人")  # 1 万人左右
EIGHT_TO_TEN = Goal("range", D("8"), D("10"), unit="所")  # 8—10 所


def reading(
    value: str,
    year: int,
    *,
    tier: int = TIER_EXTRACTED,
    qualifier: str = "",
    quarter: int | None = None,
    unit: str = "",
    where: str = "",
    precision: str = "0",
) -> Reading:
    source = {"unit": unit, "where": where} if where else {"unit": unit}
    return Reading(
        D(value), year, tier, source, qualifier=qualifier, precision=D(precision), quarter=quarter
    )


def progress(value: str, year: int, quarter: int | None = None, unit: str = "") -> Reading:
    return reading(value, year, tier=TIER_PROGRESS, quarter=quarter, unit=unit)


def once(year: int = 2025, *, start_year: int = 2021, due: date | None = None) -> Period:
    return Period("once", year, due or date(year, 12, 31), start_year=start_year)


def annual(year: int) -> Period:
    return Period("annual", year, date(year, 12, 31), start_year=year)


def cumulative(first: int = 2021, last: int = 2025) -> Period:
    return Period(
        "cumulative", last, date(last, 12, 31), start_year=first, first_year=first, last_year=last
    )


# ---------------------------------------------------------------------------------------------
# Comparisons and ratios (rules 3 and 4), judged after the deadline so "not met" is overdue


@pytest.mark.parametrize(
    ("goal", "value", "qualifier", "status", "ratio"),
    [
        pytest.param(DUAL_QUALIFIED, "60", "", MET, "1", id="ge-reached-exactly"),
        pytest.param(DUAL_QUALIFIED, "59.9", "", OVERDUE, "0.9983", id="ge-just-short"),
        pytest.param(
            Goal("gt", D("60"), unit="%"), "60", "", OVERDUE, "1", id="gt-equal-is-not-above"
        ),
        pytest.param(Goal("gt", D("60"), unit="%"), "60.5", "", MET, "1.0083", id="gt-above"),
        pytest.param(
            Goal("gt", D("60"), unit="%"), "60", "gt", MET, "1", id="gt-reported-as-超过60"
        ),
        pytest.param(STUDENT_TEACHER, "16", "", MET, "1.25", id="le-below-ratio-inverted"),
        pytest.param(STUDENT_TEACHER, "25", "", OVERDUE, "0.8", id="le-above-ratio-inverted"),
        pytest.param(
            Goal("lt", D("20"), unit=":"), "20", "", OVERDUE, "1", id="lt-equal-is-not-below"
        ),
        pytest.param(
            Goal("lt", D("20"), unit=":"), "19", "", MET, "1.0526", id="lt-below-ratio-inverted"
        ),
        pytest.param(Goal("eq", D("1"), unit="个"), "2", "", MET, "2", id="eq-means-at-least"),
        pytest.param(ABOUT_10000, "9500", "", MET, "0.95", id="approx-5-percent-below"),
        pytest.param(ABOUT_10000, "9499", "", OVERDUE, "0.9499", id="approx-beyond-5-percent"),
        pytest.param(EIGHT_TO_TEN, "8", "", MET, "1", id="range-lower-end-reached"),
        pytest.param(EIGHT_TO_TEN, "12", "", MET, "1.5", id="range-above-upper-end-still-met"),
        pytest.param(EIGHT_TO_TEN, "7", "", OVERDUE, "0.875", id="range-below-lower-end"),
    ],
)
def test_each_comparison_is_met_and_measured_as_the_rules_say(
    goal, value, qualifier, status, ratio
):
    verdict = rules.judge(
        goal, once(2025), [reading(value, 2025, qualifier=qualifier)], today=date(2026, 3, 1)
    )

    assert verdict.status == status
    assert verdict.actual == D(value)
    assert verdict.ratio == D(ratio)


def test_a_lower_is_better_target_met_with_nothing_left_gets_the_capped_ratio():
    assert rules.ratio(Goal("le", D("5"), unit="%"), D("0")) == D("9.9999")
    assert rules.ratio(Goal("ge", D("0"), unit="所"), D("3")) is None


# ---------------------------------------------------------------------------------------------
# Yearly targets (每年): a finished year, and the current year measured by the quarter


def test_nanyang_training_of_2023_is_overdue_with_a_third_of_the_target():
    """南阳市：2022 年起每年职业技能培训不低于 10 万人次；2023 年报告载 33938 人次。"""
    where = f"{NANYANG_2023}第 254 行"

    verdict = rules.judge(
        TRAINING,
        annual(2023),
        [reading("33938", 2023, unit="人次", where=where)],
        today=date(2026, 11, 23),
    )

    assert verdict.status == OVERDUE
    assert verdict.actual == D("33938")
    assert verdict.ratio == D("0.3394")
    assert verdict.reason == f"2023年未完成：实际 33 938 人次（{where}），完成比例 33.9%"
    assert verdict.sources[0]["tier_label"] == "报告数据（自动识别）"


@pytest.mark.parametrize(
    ("readings", "year", "today", "status", "actual", "expected"),
    [
        pytest.param(
            [reading("120000", 2023)],
            2023,
            date(2024, 3, 1),
            MET,
            "120000",
            None,
            id="finished-year-met",
        ),
        pytest.param(
            [reading("95000", 2023)],
            2023,
            date(2024, 1, 1),
            OVERDUE,
            "95000",
            None,
            id="finished-year-missed",
        ),
        pytest.param(
            [progress("60000", 2026, 2)],
            2026,
            date(2026, 8, 1),
            ON_TRACK,
            "60000",
            "50000",
            id="q2-above-half",
        ),
        pytest.param(
            [progress("60000", 2026, 3)],
            2026,
            date(2026, 10, 20),
            AT_RISK,
            "60000",
            "75000",
            id="q3-below-three-quarters",
        ),
        pytest.param(
            [progress("30000", 2026, 1), progress("80000", 2026, 3)],
            2026,
            date(2026, 10, 20),
            ON_TRACK,
            "80000",
            "75000",
            id="latest-quarter-stands-for-the-year-so-far",
        ),
        pytest.param(
            [progress("90000", 2026, 3), progress("120000", 2026)],
            2026,
            date(2027, 1, 10),
            MET,
            "120000",
            None,
            id="year-end-entry-beats-quarters",
        ),
        pytest.param(
            [reading("60000", 2026)],
            2026,
            date(2026, 8, 1),
            AT_RISK,
            "60000",
            "100000",
            id="report-figure-in-current-year-is-measured-against-the-whole-year",
        ),
    ],
)
def test_yearly_target(readings, year, today, status, actual, expected):
    verdict = rules.judge(TRAINING, annual(year), readings, today=today)

    assert verdict.status == status
    assert verdict.actual == D(actual)
    assert verdict.actual_year == year
    assert verdict.expected == (None if expected is None else D(expected))


def test_yearly_target_in_progress_explains_the_share_of_the_year():
    verdict = rules.judge(
        TRAINING, annual(2026), [progress("60000", 2026, 3, unit="人次")], today=date(2026, 10, 20)
    )

    assert (
        verdict.reason
        == "2026年尚未结束：按进度应达 75 000 人次，实际 6 万人次（审核通过的进展填报）"
    )


# ---------------------------------------------------------------------------------------------
# One-off targets (到 2025 年): the path from the baseline to the target at the deadline


@pytest.mark.parametrize(
    ("goal", "readings", "status", "expected", "baseline", "baseline_year"),
    [
        # From 2 in 2020 to 10 in 2025: 2023 is 3/5 of the way, so 2 + 8 × 0.6 = 6.8.
        pytest.param(
            NEW_SCHOOLS,
            [reading("2", 2020), reading("7", 2023)],
            ON_TRACK,
            "6.8",
            "2",
            2020,
            id="count-ahead-of-path",
        ),
        pytest.param(
            NEW_SCHOOLS,
            [reading("2", 2020), reading("6", 2023)],
            AT_RISK,
            "6.8",
            "2",
            2020,
            id="count-behind-path",
        ),
        # No earlier figure for a count of new things: the path starts at 0 the year before.
        pytest.param(
            NEW_SCHOOLS,
            [reading("6", 2023)],
            ON_TRACK,
            "6",
            "0",
            2020,
            id="count-without-baseline-from-zero-on-path",
        ),
        pytest.param(
            NEW_SCHOOLS,
            [reading("5", 2023)],
            AT_RISK,
            "6",
            "0",
            2020,
            id="count-without-baseline-from-zero-behind",
        ),
        # No figure before the start year: the earliest is the baseline (4 in 2021 -> 7 in 2023).
        pytest.param(
            NEW_SCHOOLS,
            [reading("4", 2021), reading("7", 2023)],
            ON_TRACK,
            "7",
            "4",
            2021,
            id="earliest-value-as-baseline",
        ),
        pytest.param(
            DUAL_QUALIFIED,
            [reading("40", 2020), reading("52", 2023)],
            ON_TRACK,
            "52",
            "40",
            2020,
            id="percentage-with-baseline",
        ),
        # Lower is better: from 26:1 towards 20:1, 2023 should be at 22.4.
        pytest.param(
            STUDENT_TEACHER,
            [reading("26", 2020), reading("23", 2023)],
            AT_RISK,
            "22.4",
            "26",
            2020,
            id="le-behind-path",
        ),
        pytest.param(
            STUDENT_TEACHER,
            [reading("26", 2020), reading("22", 2023)],
            ON_TRACK,
            "22.4",
            "26",
            2020,
            id="le-ahead-of-path",
        ),
    ],
)
def test_one_off_target_before_its_deadline_follows_the_path(
    goal, readings, status, expected, baseline, baseline_year
):
    verdict = rules.judge(goal, once(2025, start_year=2021), readings, today=date(2024, 6, 1))

    assert verdict.status == status
    assert verdict.actual_year == 2023
    assert verdict.expected == D(expected)
    assert (verdict.baseline, verdict.baseline_year) == (D(baseline), baseline_year)


def test_path_reason_names_baseline_target_and_expected_value():
    verdict = rules.judge(
        NEW_SCHOOLS,
        once(2025),
        [reading("2", 2020), reading("6", 2023, unit="所", where="报告第 9 行")],
        today=date(2024, 6, 1),
    )

    assert (
        verdict.reason
        == "从2020年的 2 所到2025年的目标 10 所，2023年应达 6.8 所，实际 6 所（报告第 9 行）"
    )


def test_a_percentage_without_baseline_has_no_path_and_is_at_risk_while_below_target():
    readings = [reading("41.2", 2023, unit="%")]

    verdict = rules.judge(DUAL_QUALIFIED, once(2025), readings, today=date(2024, 6, 1))

    assert verdict.status == AT_RISK
    assert verdict.actual == D("41.2")
    assert verdict.ratio == D("0.6867")
    assert (verdict.expected, verdict.baseline) == (None, None)
    assert "没有基期数据，无法判断进度，按有风险处理" in verdict.reason


def test_a_one_off_target_reached_before_its_deadline_is_met():
    verdict = rules.judge(NEW_SCHOOLS, once(2025), [reading("12", 2023)], today=date(2024, 6, 1))

    assert (verdict.status, verdict.actual, verdict.ratio) == (MET, D("12"), D("1.2"))


@pytest.mark.parametrize(
    ("due", "today", "status"),
    [
        pytest.param(date(2025, 12, 31), date(2025, 12, 30), AT_RISK, id="day-before-deadline"),
        pytest.param(date(2025, 12, 31), date(2025, 12, 31), AT_RISK, id="on-the-deadline-day"),
        pytest.param(date(2025, 12, 31), date(2026, 1, 1), OVERDUE, id="day-after-deadline"),
        pytest.param(
            date(2025, 6, 30), date(2025, 7, 1), OVERDUE, id="day-after-mid-year-deadline"
        ),
    ],
)
def test_a_one_off_target_short_of_its_value_is_overdue_only_once_the_deadline_has_passed(
    due, today, status
):
    readings = [reading("2", 2020), reading("9", 2025)]

    verdict = rules.judge(NEW_SCHOOLS, once(2025, due=due), readings, today=today)

    assert verdict.status == status
    assert verdict.ratio == D("0.9")


def test_overdue_one_off_target_says_which_deadline_passed():
    verdict = rules.judge(
        NEW_SCHOOLS,
        once(2025),
        [reading("9", 2025, unit="所", where="报告第 3 行")],
        today=date(2026, 1, 1),
    )

    assert (
        verdict.reason
        == "已过完成时限（2025年12月31日）仍未达到：实际 9 所（报告第 3 行），完成比例 90.0%"
    )


def test_a_value_reached_after_the_deadline_year_does_not_count_for_a_one_off_target():
    verdict = rules.judge(
        NEW_SCHOOLS, once(2025), [reading("9", 2025), reading("12", 2026)], today=date(2027, 3, 1)
    )

    assert (verdict.status, verdict.actual, verdict.actual_year) == (OVERDUE, D("9"), 2025)


# ---------------------------------------------------------------------------------------------
# Cumulative targets (2021—2025 年累计): the yearly values summed, missing years noted

CUMULATIVE_TRAINING = Goal("ge", D("300000"), unit="人次")


@pytest.mark.parametrize(
    ("readings", "today", "status", "total", "expected", "note"),
    [
        pytest.param(
            # 2020 lies outside the years summed.
            [
                reading("90000", 2020),
                reading("60000", 2021),
                reading("70000", 2022),
                reading("80000", 2023),
            ],
            date(2024, 6, 1),
            ON_TRACK,
            "210000",
            "180000",
            "",
            id="ahead-of-three-fifths",
        ),
        pytest.param(
            [reading("60000", 2021), reading("80000", 2023)],
            date(2024, 6, 1),
            AT_RISK,
            "140000",
            "180000",
            "（缺2022年数据）",
            id="missing-year-noted",
        ),
        pytest.param(
            [reading("65000", y) for y in range(2021, 2026)],
            date(2026, 2, 1),
            MET,
            "325000",
            None,
            "",
            id="sum-reaches-target",
        ),
        pytest.param(
            [reading("60000", y) for y in (2021, 2022, 2023, 2025)],
            date(2026, 2, 1),
            OVERDUE,
            "240000",
            None,
            "（缺2024年数据）",
            id="overdue-after-last-year-with-gap",
        ),
    ],
)
def test_cumulative_target_sums_its_years(readings, today, status, total, expected, note):
    verdict = rules.judge(CUMULATIVE_TRAINING, cumulative(2021, 2025), readings, today=today)

    assert verdict.status == status
    assert verdict.actual == D(total)
    assert verdict.ratio == (D(total) / D("300000")).quantize(D("0.0001"))
    assert verdict.expected == (None if expected is None else D(expected))
    assert verdict.reason.endswith(note) if note else "缺" not in verdict.reason


def test_cumulative_reason_reads_as_a_running_total():
    readings = [reading("60000", 2021), reading("80000", 2023)]

    verdict = rules.judge(CUMULATIVE_TRAINING, cumulative(), readings, today=date(2024, 6, 1))

    assert verdict.reason == "2021—2023年累计 14 万人次，按进度应达 18 万人次（缺2022年数据）"
    assert [s["year"] for s in verdict.sources] == [2021, 2023]


def test_cumulative_target_with_a_conflicting_year_is_a_conflict_without_a_total():
    readings = [reading("60000", 2021), reading("70000", 2022), reading("40000", 2022)]

    verdict = rules.judge(CUMULATIVE_TRAINING, cumulative(), readings, today=date(2024, 6, 1))

    assert verdict.status == CONFLICT
    assert (verdict.actual, verdict.ratio) == (None, None)
    assert verdict.reason.startswith("数据来源不一致：2022年：7 万（报告数据（自动识别））；4 万")


# ---------------------------------------------------------------------------------------------
# Conflicting sources (rule 2) and precedence between sources (rule 1)


def nanyang_dual_qualified_figures() -> list[Reading]:
    """南阳市 2023 年报告里“双师型”教师占比的两处说法：一处“60%以上”，一处 41.2%。"""
    return [
        reading("60", 2023, qualifier="ge", unit="%", where=f"{NANYANG_2023}第 131 行"),
        reading("41.2", 2023, unit="%", where=f"{NANYANG_2023}第 254 行"),
    ]


@pytest.mark.parametrize(
    "today",
    [
        pytest.param(date(2024, 6, 1), id="before-due"),
        pytest.param(date(2026, 11, 23), id="after-due"),
    ],
)
def test_nanyang_dual_qualified_at_least_60_against_41_2_is_a_conflict_with_both_values_kept(today):
    verdict = rules.judge(DUAL_QUALIFIED, once(2025), nanyang_dual_qualified_figures(), today=today)

    assert verdict.status == CONFLICT
    assert (verdict.actual, verdict.ratio) == (None, None)
    assert verdict.actual_year == 2023
    assert [(s["value"], s["qualifier"], s["display"]) for s in verdict.sources] == [
        ("60", "ge", "≥60%"),
        ("41.2", "", "41.2%"),
    ]
    assert verdict.reason.startswith(
        f"2023年的数据来源不一致：≥60%（{NANYANG_2023}第 131 行）；"
        f"41.2%（{NANYANG_2023}第 254 行）。请在“报告数据”中确认"
    )


@pytest.mark.parametrize(
    ("readings", "conflict"),
    [
        # 7.8 万人次 is written to the nearest 500; 77600 lies within it.
        pytest.param(
            [reading("78000", 2023, precision="500"), reading("77600", 2023)],
            False,
            id="wan-rounding-vs-exact-count",
        ),
        pytest.param(
            [reading("41.2", 2023), reading("41.4", 2023)], False, id="within-half-a-percent"
        ),
        pytest.param([reading("41.2", 2023), reading("42", 2023)], True, id="beyond-rounding"),
        pytest.param(
            [reading("60", 2023, qualifier="ge"), reading("62.5", 2023)],
            False,
            id="以上-is-open-ended",
        ),
        pytest.param(
            [reading("80000", 2023, qualifier="approx"), reading("83000", 2023)],
            False,
            id="约-allows-5-percent",
        ),
        pytest.param(
            [reading("80000", 2023, qualifier="approx"), reading("86000", 2023)],
            True,
            id="约-beyond-5-percent",
        ),
    ],
)
def test_readings_conflict_only_beyond_their_rounding(readings, conflict):
    verdict = rules.judge(TRAINING, once(2025), readings, today=date(2024, 6, 1))

    assert (verdict.status == CONFLICT) is conflict
    if not conflict:
        assert verdict.actual == readings[0].value


def test_a_conflict_where_either_value_meets_the_target_says_so():
    verdict = rules.judge(
        DUAL_QUALIFIED,
        once(2025),
        [reading("62", 2023), reading("70", 2023)],
        today=date(2026, 1, 5),
    )

    assert verdict.status == CONFLICT
    assert "无论哪个正确，目标都已达到。" in verdict.reason


def test_an_approved_progress_entry_overrides_disagreeing_report_figures():
    readings = [*nanyang_dual_qualified_figures(), progress("58", 2023, unit="%")]

    verdict = rules.judge(DUAL_QUALIFIED, once(2025), readings, today=date(2026, 11, 23))

    assert verdict.status == OVERDUE
    assert verdict.actual == D("58")
    assert [(s["tier"], s["tier_label"], s["display"]) for s in verdict.sources] == [
        (TIER_PROGRESS, "审核通过的进展填报", "58%")
    ]


@pytest.mark.parametrize(
    ("readings", "actual", "tier"),
    [
        pytest.param(
            [reading("60", 2023, qualifier="ge"), reading("41.2", 2023, tier=TIER_CONFIRMED)],
            "41.2",
            TIER_CONFIRMED,
            id="confirmed-beats-extracted",
        ),
        pytest.param(
            [reading("50", 2023, tier=TIER_LATER_REPORT), reading("45", 2023)],
            "45",
            TIER_EXTRACTED,
            id="own-year-report-beats-later-report",
        ),
        pytest.param(
            [reading("50", 2023, tier=TIER_DERIVED), reading("48", 2023, tier=TIER_LATER_REPORT)],
            "48",
            TIER_LATER_REPORT,
            id="later-report-beats-derived",
        ),
        pytest.param(
            [progress("50", 2023), reading("55", 2024, tier=TIER_LATER_REPORT)],
            "55",
            TIER_LATER_REPORT,
            id="newest-year-wins-over-better-tier",
        ),
    ],
)
def test_the_best_tier_of_the_newest_year_gives_the_actual(readings, actual, tier):
    verdict = rules.judge(DUAL_QUALIFIED, once(2025), readings, today=date(2024, 6, 1))

    assert verdict.actual == D(actual)
    assert [s["tier"] for s in verdict.sources] == [tier]


# ---------------------------------------------------------------------------------------------
# No data (rule 7)


@pytest.mark.parametrize(
    ("period", "readings", "reason"),
    [
        pytest.param(annual(2023), [], "2023年没有任何来源的数据", id="finished-year-nothing"),
        pytest.param(
            annual(2023),
            [reading("120000", 2022)],
            "2023年没有任何来源的数据",
            id="other-years-only",
        ),
        pytest.param(once(2025), [], "截至2025年没有任何来源的数据", id="one-off-nothing"),
        pytest.param(
            once(2025),
            [reading("12", 2026)],
            "截至2025年没有任何来源的数据",
            id="one-off-only-after-deadline",
        ),
        pytest.param(
            cumulative(),
            [reading("1", 2020)],
            "2021—2025年没有任何来源的数据",
            id="cumulative-nothing-in-its-years",
        ),
    ],
)
def test_no_readings_for_the_period_is_no_data(period, readings, reason):
    verdict = rules.judge(TRAINING, period, readings, today=date(2026, 11, 23))

    assert verdict.status == NO_DATA
    assert (verdict.actual, verdict.ratio, verdict.sources) == (None, None, [])
    assert verdict.reason == reason


@pytest.mark.parametrize(
    ("value", "qualifier", "unit", "written"),
    [
        ("33938", "", "人次", "33 938 人次"),
        ("60", "ge", "%", "≥60%"),
        ("41.2000", "", "%", "41.2%"),
        ("6000000", "", "元", "600 万元"),
        ("10000", "approx", "人", "约1 万人"),
        ("101", "gt", "所", ">101 所"),
    ],
)
def test_a_reading_is_written_as_people_write_it(value, qualifier, unit, written):
    r = reading(value, 2023, qualifier=qualifier, unit=unit)
    assert rules.amount(r) == written
    assert rules.sources_of([r])[0]["display"] == written
