"""Computing attainment from the database (attainment/services.py): where a target is measured,
which readings count for it (direct, derived from a ratio, summed over child places, and in which
precedence), repeat runs, linking targets to indicators, and which targets a new figure affects."""

from __future__ import annotations

import datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
import time_machine

from attainment import services
from attainment.models import Attainment, Status
from reporting.models import FigureKind, FigureStatus
from tasks_registry.models import (
    Indicator,
    Jurisdiction,
    JurisdictionKind,
    LinkStatus,
    ProgressStatus,
    Recurrence,
)
from tests.factories import (
    FigureFactory,
    JurisdictionFactory,
    PlanFactory,
    ProgressEntryFactory,
    ReportFactory,
    TargetFactory,
)
from tests.reporting.reports_support import rounded_and_exact_report_process

SHANGHAI = ZoneInfo("Asia/Shanghai")
BEFORE_DEADLINE = datetime.date(2024, 6, 1)
AFTER_DEADLINE = datetime.date(2026, 3, 1)


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def rows(target) -> list[Attainment]:
    found = Attainment.objects.filter(target=target).select_related("jurisdiction")
    return list(found.order_by("jurisdiction__code", "year"))


@pytest.fixture
def city(reference_data) -> Jurisdiction:
    """测试市 with two counties (甲县, 乙县); 甲县 has two schools. Codes fix the order."""
    henan = Jurisdiction.objects.get(name="河南省")
    city = JurisdictionFactory.create(
        name="测试市", kind=JurisdictionKind.CITY, code="419800", parent=henan
    )
    county_a = JurisdictionFactory.create(
        name="甲县", kind=JurisdictionKind.COUNTY, code="419801", parent=city
    )
    JurisdictionFactory.create(
        name="乙县", kind=JurisdictionKind.COUNTY, code="419802", parent=city
    )
    JurisdictionFactory.create(
        name="甲县职业教育中心", kind=JurisdictionKind.SCHOOL, code="", parent=county_a
    )
    JurisdictionFactory.create(
        name="甲县第二职业中专", kind=JurisdictionKind.SCHOOL, code="", parent=county_a
    )
    return city


def place(name: str) -> Jurisdiction:
    return Jurisdiction.objects.get(name=name)


def figure(code: str, value: str, *, at: Jurisdiction, year: int = 2023, **kwargs):
    """A figure of ``at``'s own yearly report for ``year``."""
    report = kwargs.pop("report", None) or ReportFactory(jurisdiction=at, year=year)
    return FigureFactory(report=report, indicator=indicator(code), value=D(value), **kwargs)


# ---------------------------------------------------------------------------------------------
# Where a target is measured


@pytest.mark.django_db
def test_a_per_county_target_gets_one_attainment_for_each_county_of_the_city(city):
    plan = PlanFactory(jurisdiction=city)
    target = TargetFactory(
        task__plan=plan,
        label="标准化建设达标学校",
        comparison="ge",
        value=D("2"),
        unit="所",
        per_unit="县区",
        indicator=indicator("standardized_schools"),
    )
    figure("standardized_schools", "3", at=place("甲县"), unit="所")

    services.attainment_recompute(today=AFTER_DEADLINE)

    assert [(a.jurisdiction.name, a.status, a.actual, a.period_label) for a in rows(target)] == [
        ("甲县", Status.MET, D("3"), "截至2025年底"),
        ("乙县", Status.NO_DATA, None, "截至2025年底"),
    ]


@pytest.mark.django_db
def test_a_per_county_target_takes_each_countys_own_progress_entry(city):
    plan = PlanFactory(jurisdiction=city)
    target = TargetFactory(
        task__plan=plan, label="标准化建设达标学校", value=D("2"), unit="所", per_unit="县区"
    )
    ProgressEntryFactory(
        target=target,
        jurisdiction=place("乙县"),
        year=2025,
        value=D("1"),
        status=ProgressStatus.APPROVED,
    )

    services.attainment_recompute(today=AFTER_DEADLINE)

    assert [(a.jurisdiction.name, a.status, a.actual) for a in rows(target)] == [
        ("甲县", Status.NO_DATA, None),
        ("乙县", Status.OVERDUE, D("1")),
    ]


@pytest.mark.django_db
def test_a_target_without_per_unit_is_measured_on_the_plans_place_only(city):
    target = TargetFactory(
        task__plan=PlanFactory(jurisdiction=city), indicator=indicator("dual_qualified_ratio")
    )

    services.attainment_recompute(today=AFTER_DEADLINE)

    assert [a.jurisdiction.name for a in rows(target)] == ["测试市"]


# ---------------------------------------------------------------------------------------------
# Derived readings


@pytest.mark.django_db
def test_a_ratio_indicator_is_computed_from_its_two_figures_and_keeps_them_as_inputs(city):
    target = TargetFactory(
        task__plan=PlanFactory(jurisdiction=city),
        label="标准化建设达标学校占比",
        value=D("80"),
        unit="%",
        indicator=indicator("standardized_ratio"),
    )
    report = ReportFactory(jurisdiction=city, year=2023)
    standardized = figure("standardized_schools", "18", at=city, report=report, line=40)
    schools = figure("schools", "24", at=city, report=report, line=12)

    services.attainment_recompute(today=AFTER_DEADLINE)

    [a] = rows(target)
    assert (a.status, a.actual, a.ratio, a.actual_year) == (
        Status.OVERDUE,
        D("75"),
        D("0.9375"),
        2023,
    )
    source = a.sources[0]
    assert source["tier_label"] == "由其他数据计算"
    assert source["where"] == "计算：标准化建设达标学校 ÷ 中等职业学校数 × 100（18 ÷ 24）"
    assert [(i["figure_id"], i["display"], i["where"]) for i in source["inputs"]] == [
        (standardized.pk, "18 所", f"《{report.title}》第 40 行"),
        (schools.pk, "24 所", f"《{report.title}》第 12 行"),
    ]
    assert a.reason == (
        "已过完成时限（2025年12月31日）仍未达到："
        "实际 75%（计算：标准化建设达标学校 ÷ 中等职业学校数 × 100（18 ÷ 24）），完成比例 93.8%"
    )


@pytest.mark.django_db
def test_a_county_value_is_the_sum_of_its_schools_figures_with_the_inputs_kept(city):
    county = place("甲县")
    target = TargetFactory(
        task__plan=PlanFactory(jurisdiction=city),
        jurisdiction=county,
        label="职业技能培训",
        value=D("10000"),
        unit="人次",
        indicator=indicator("training_sessions"),
    )
    first = figure("training_sessions", "6000", at=place("甲县职业教育中心"))
    second = figure("training_sessions", "5000", at=place("甲县第二职业中专"))

    services.attainment_recompute(today=BEFORE_DEADLINE)

    [a] = rows(target)
    assert (a.jurisdiction, a.status, a.actual) == (county, Status.MET, D("11000"))
    source = a.sources[0]
    assert source["where"] in (
        "由 2 个下级单位合计（甲县职业教育中心、甲县第二职业中专）",
        "由 2 个下级单位合计（甲县第二职业中专、甲县职业教育中心）",
    )
    assert sorted((i["figure_id"], i["value"]) for i in source["inputs"]) == sorted(
        [(first.pk, "6000.0000"), (second.pk, "5000.0000")]
    )


@pytest.mark.django_db
def test_a_countys_own_figure_is_used_before_the_sum_of_its_schools(city):
    county = place("甲县")
    target = TargetFactory(
        task__plan=PlanFactory(jurisdiction=city),
        jurisdiction=county,
        label="职业技能培训",
        value=D("10000"),
        unit="人次",
        indicator=indicator("training_sessions"),
    )
    figure("training_sessions", "6000", at=place("甲县职业教育中心"))
    figure("training_sessions", "5000", at=place("甲县第二职业中专"))
    own = figure("training_sessions", "9000", at=county)

    services.attainment_recompute(today=BEFORE_DEADLINE)

    [a] = rows(target)
    # 9000 of 10000 by 2025, counted from zero at 2020: 2023 should be at 6000.
    assert (a.status, a.actual, a.expected) == (Status.ON_TRACK, D("9000"), D("6000"))
    assert [s["figure_id"] for s in a.sources] == [own.pk]


# ---------------------------------------------------------------------------------------------
# Which source counts


@pytest.fixture
def dual_qualified(city):
    """The city's 双师型 target (≥60%, by 2025) and its 2023 report saying “60%以上” and 41.2%."""
    target = TargetFactory(
        task__plan=PlanFactory(jurisdiction=city), indicator=indicator("dual_qualified_ratio")
    )
    report = ReportFactory(jurisdiction=city, year=2023)
    at_least = figure(
        "dual_qualified_ratio", "60", at=city, report=report, qualifier="ge", line=131
    )
    exact = figure("dual_qualified_ratio", "41.2", at=city, report=report, line=254)
    return target, at_least, exact


@pytest.mark.django_db
def test_two_extracted_figures_that_disagree_leave_the_target_in_conflict(dual_qualified):
    target, at_least, exact = dual_qualified

    services.attainment_recompute(today=datetime.date(2026, 11, 23))

    [a] = rows(target)
    assert (a.status, a.actual, a.ratio) == (Status.CONFLICT, None, None)
    assert [(s["figure_id"], s["display"]) for s in a.sources] == [
        (at_least.pk, "≥60%"),
        (exact.pk, "41.2%"),
    ]


@pytest.mark.django_db
def test_an_approved_progress_entry_beats_the_report_figures(dual_qualified):
    target, _, _ = dual_qualified
    entry = ProgressEntryFactory(
        target=target, year=2023, value=D("62"), status=ProgressStatus.APPROVED
    )
    # Not yet approved: not a reading, although it is for a newer year.
    ProgressEntryFactory(target=target, year=2024, value=D("30"), status=ProgressStatus.SUBMITTED)

    services.attainment_recompute(today=BEFORE_DEADLINE)

    [a] = rows(target)
    assert (a.status, a.actual, a.actual_year) == (Status.MET, D("62"), 2023)
    assert [(s["entry_id"], s["where"]) for s in a.sources] == [
        (entry.pk, f"{target.task.lead.name}填报（2023年，已审核）")
    ]


@pytest.mark.django_db
def test_a_rejected_figure_is_ignored(dual_qualified):
    target, at_least, exact = dual_qualified
    exact.status = FigureStatus.REJECTED
    exact.save()

    services.attainment_recompute(today=BEFORE_DEADLINE)

    [a] = rows(target)
    assert (a.status, a.actual) == (Status.MET, D("60"))
    assert [s["figure_id"] for s in a.sources] == [at_least.pk]


@pytest.mark.django_db
def test_a_confirmed_figure_beats_an_extracted_one(dual_qualified):
    target, _, exact = dual_qualified
    exact.status = FigureStatus.CONFIRMED
    exact.save()

    services.attainment_recompute(today=BEFORE_DEADLINE)

    [a] = rows(target)
    # A rate with no earlier value has no path: below target before the deadline is at risk.
    assert (a.status, a.actual) == (Status.AT_RISK, D("41.2"))
    assert [(s["figure_id"], s["tier_label"]) for s in a.sources] == [
        (exact.pk, "经督导核对的报告数据")
    ]


@pytest.mark.django_db
def test_a_planned_figure_is_not_an_actual(city):
    target = TargetFactory(
        task__plan=PlanFactory(jurisdiction=city), indicator=indicator("dual_qualified_ratio")
    )
    figure("dual_qualified_ratio", "65", at=city, kind=FigureKind.PLAN)

    services.attainment_recompute(today=AFTER_DEADLINE)

    [a] = rows(target)
    assert (a.status, a.actual, a.reason) == (Status.NO_DATA, None, "截至2025年没有任何来源的数据")


@pytest.mark.django_db
def test_a_figure_rounded_in_wan_does_not_conflict_with_the_exact_one_within_its_rounding(city):
    target = TargetFactory(
        task__plan=PlanFactory(jurisdiction=city),
        indicator=indicator("enrollment"),
        label="中职学校在校生",
        value=D("70000"),
        unit="人",
    )
    report = ReportFactory(jurisdiction=city, year=2023)
    rounded = figure("enrollment", "80000", at=city, report=report, precision=D("5000"), line=4)
    figure("enrollment", "75600", at=city, report=report, precision=D("0.5"), line=8)

    services.attainment_recompute(today=BEFORE_DEADLINE)

    [a] = rows(target)
    assert (a.status, a.actual) == (Status.MET, D("80000"))
    assert a.sources[0]["figure_id"] == rounded.pk


@pytest.mark.django_db
def test_a_report_and_the_attainment_from_it_judge_a_conflict_alike(reference_data):
    """8 万人 in prose and 75600 in the annex: no conflict on the report, none in attainment;
    “60% 以上” against 41.2 %: a conflict in both."""
    report = rounded_and_exact_report_process()
    plan = PlanFactory(jurisdiction=report.jurisdiction)
    enrollment = TargetFactory(
        task__plan=plan,
        indicator=indicator("enrollment"),
        label="中职学校在校生",
        value=D("70000"),
        unit="人",
    )
    dual = TargetFactory(task__plan=plan, indicator=indicator("dual_qualified_ratio"))

    services.attainment_recompute(today=BEFORE_DEADLINE)

    on_report = {c.indicator.code for c in report.conflicts.all()}
    assert on_report == {"dual_qualified_ratio"}
    [a] = rows(enrollment)
    assert (a.status, a.actual) == (Status.MET, D("80000"))
    [b] = rows(dual)
    assert (b.status, b.actual) == (Status.CONFLICT, None)
    assert [s["display"] for s in b.sources] == ["≥60%", "41.2%"]


# ---------------------------------------------------------------------------------------------
# Running it again


@pytest.fixture
def schools_target(city):
    target = TargetFactory(
        task__plan=PlanFactory(jurisdiction=city),
        label="标准化建设达标学校",
        value=D("10"),
        unit="所",
        indicator=indicator("standardized_schools"),
    )
    figure("standardized_schools", "7", at=city)
    return target


@pytest.mark.django_db
def test_a_second_recompute_changes_nothing(schools_target):
    first = services.attainment_recompute(today=BEFORE_DEADLINE)
    [before] = rows(schools_target)

    second = services.attainment_recompute(today=BEFORE_DEADLINE)

    assert (first.created, first.updated) == (1, 0)
    assert (second.created, second.updated, second.deleted, second.unchanged) == (0, 0, 0, 1)
    [after] = rows(schools_target)
    assert (after.pk, after.computed_at, after.status) == (
        before.pk,
        before.computed_at,
        Status.ON_TRACK,
    )


@pytest.mark.django_db
def test_a_target_whose_deadline_moved_to_an_earlier_year_is_recomputed(schools_target):
    services.attainment_recompute(today=BEFORE_DEADLINE)
    schools_target.deadline_year = 2023
    schools_target.save()

    result = services.attainment_recompute(target_ids=[schools_target.pk], today=BEFORE_DEADLINE)

    assert (result.created, result.deleted) == (1, 1)
    [a] = rows(schools_target)
    assert (a.period_label, a.due_date, a.status, a.overdue_since) == (
        "截至2023年底",
        datetime.date(2023, 12, 31),
        Status.OVERDUE,
        BEFORE_DEADLINE,
    )


@pytest.mark.django_db
def test_a_target_whose_deadline_date_moved_within_the_year_is_updated_in_place(schools_target):
    services.attainment_recompute(today=BEFORE_DEADLINE)
    [before] = rows(schools_target)
    schools_target.deadline_date = datetime.date(2025, 6, 30)
    schools_target.save()

    result = services.attainment_recompute(target_ids=[schools_target.pk], today=BEFORE_DEADLINE)

    assert (result.created, result.updated) == (0, 1)
    [a] = rows(schools_target)
    assert (a.pk, a.period_label, a.due_date) == (
        before.pk,
        "截至2025年06月30日",
        datetime.date(2025, 6, 30),
    )


@pytest.mark.django_db
def test_an_inactive_target_loses_its_attainment(schools_target):
    services.attainment_recompute(today=BEFORE_DEADLINE)
    schools_target.is_active = False
    schools_target.save()

    services.attainment_recompute(target_ids=[schools_target.pk], today=BEFORE_DEADLINE)

    assert rows(schools_target) == []


@pytest.mark.django_db
def test_nanyang_yearly_training_turns_overdue_as_the_clock_moves_past_2023(reference_data):
    """南阳市 2022 年起每年培训 ≥10 万人次；2023 年报告载 33938 人次。The clock, not ``today=``."""
    nanyang = place("南阳市")
    target = TargetFactory(
        task__plan=PlanFactory(
            title="南阳市职业教育提质培优实施方案",
            jurisdiction=nanyang,
            period_start=2021,
            period_end=2025,
        ),
        label="职业技能培训",
        value=D("100000"),
        unit="人次",
        recurrence=Recurrence.ANNUAL,
        from_year=2022,
        indicator=indicator("training_sessions"),
    )
    figure("training_sessions", "33938", at=nanyang, year=2023, unit="人次")

    with time_machine.travel(datetime.datetime(2023, 11, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        services.attainment_recompute()
    assert [(a.period_label, a.status) for a in rows(target)] == [
        ("2022年", Status.NO_DATA),
        (
            "2023年",
            Status.AT_RISK,
        ),  # the year has not ended, and a report figure stands for the whole year
    ]

    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI), tick=False):
        result = services.attainment_recompute()
    assert (result.created, result.updated, result.unchanged) == (2, 1, 1)
    assert [(a.period_label, a.status, a.ratio, a.overdue_since) for a in rows(target)] == [
        ("2022年", Status.NO_DATA, None, None),
        ("2023年", Status.OVERDUE, D("0.3394"), datetime.date(2026, 11, 23)),
        ("2024年", Status.NO_DATA, None, None),
        ("2025年", Status.NO_DATA, None, None),
    ]

    with time_machine.travel(datetime.datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI), tick=False):
        result = services.attainment_recompute()
    assert result.updated == 0
    assert Attainment.objects.get(target=target, year=2023).overdue_since == datetime.date(
        2026, 11, 23
    )


# ---------------------------------------------------------------------------------------------
# Linking targets to indicators


@pytest.mark.django_db
def test_plan_targets_link_suggests_the_indicator_each_target_names(city):
    plan = PlanFactory(jurisdiction=city)
    dual = TargetFactory(task__plan=plan, label="职业院校“双师型”教师占比", unit="%", value=D("60"))
    training = TargetFactory(task__plan=plan, label="技能培训", unit="人次", value=D("100000"))
    certificates = TargetFactory(task__plan=plan, label="取证", unit="人", value=D("5000"))
    model_schools = TargetFactory(
        task__plan=plan, label="市级课程思政示范学校", unit="所", value=D("10")
    )

    result = services.plan_targets_link(plan=plan)

    targets = [dual, training, certificates, model_schools]
    for t in targets:
        t.refresh_from_db()
    assert [(t.indicator.code if t.indicator else None, t.link_status) for t in targets] == [
        ("dual_qualified_ratio", LinkStatus.SUGGESTED),
        ("training_sessions", LinkStatus.SUGGESTED),
        ("certificates", LinkStatus.SUGGESTED),
        (None, LinkStatus.NONE),
    ]
    assert dual.link_note == "目标“职业院校“双师型”教师占比”（%）即指标““双师型”教师占比”"
    assert (result.suggested, result.unlinked) == (3, ["市级课程思政示范学校"])


@pytest.mark.django_db
def test_plan_targets_link_keeps_a_confirmed_link_and_changes_nothing_on_a_second_run(city):
    plan = PlanFactory(jurisdiction=city)
    confirmed = TargetFactory(
        task__plan=plan,
        label="技能培训",
        unit="人次",
        value=D("100000"),
        indicator=indicator("nondegree_training_hours"),
        link_status=LinkStatus.CONFIRMED,
        link_note="由督导确认",
    )
    TargetFactory(task__plan=plan, label="取证", unit="人", value=D("5000"))
    services.plan_targets_link(plan=plan)

    again = services.plan_targets_link(plan=plan)

    confirmed.refresh_from_db()
    assert (confirmed.indicator.code, confirmed.link_status, confirmed.link_note) == (
        "nondegree_training_hours",
        LinkStatus.CONFIRMED,
        "由督导确认",
    )
    assert (again.suggested, again.unchanged, again.confirmed_kept) == (0, 1, 1)


@pytest.mark.django_db
def test_plan_targets_link_finds_the_plans_place_from_its_title(reference_data):
    plan = PlanFactory(title="南阳市各部门工作任务清单", jurisdiction=None)

    services.plan_targets_link(plan=plan)

    plan.refresh_from_db()
    assert plan.jurisdiction.name == "南阳市"


# ---------------------------------------------------------------------------------------------
# Which targets a figure affects


@pytest.mark.django_db
def test_a_schools_figure_affects_its_citys_targets_and_not_another_citys(city):
    training = indicator("training_sessions")
    plan = PlanFactory(jurisdiction=city)
    city_target = TargetFactory(task__plan=plan, indicator=training, label="技能培训", unit="人次")
    county_target = TargetFactory(task__plan=plan, jurisdiction=place("甲县"), indicator=training)
    ratio_target = TargetFactory(task__plan=plan, indicator=indicator("standardized_ratio"))
    TargetFactory(
        task__plan=PlanFactory(jurisdiction=place("南阳市")), indicator=training
    )  # another city
    TargetFactory(
        task__plan=PlanFactory(jurisdiction=place("乙县")), indicator=training
    )  # a sibling county
    TargetFactory(task__plan=plan, indicator=indicator("certificates"))  # another indicator
    school = place("甲县职业教育中心")

    affected = services.targets_affected_by(
        indicator_ids=[training.pk], jurisdiction_ids=[school.pk]
    )
    by_schools = services.targets_affected_by(
        indicator_ids=[indicator("schools").pk], jurisdiction_ids=[school.pk]
    )

    assert sorted(affected) == sorted([city_target.pk, county_target.pk])
    assert by_schools == [ratio_target.pk]  # standardized_ratio is schools-derived
