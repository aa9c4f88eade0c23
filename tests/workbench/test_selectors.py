"""What each role's workbench gathers (workbench.selectors.workbench_for): staff their own
department's targets, entries and needs; supervisors the review queue, reports to review, counts
by department and the nightly scan's notices; the office the overview and the overdue list."""

from __future__ import annotations

import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from accounts.models import Role
from attainment.models import Reminder, ReminderKind, Status
from reporting.models import FigureConflict, FigureStatus
from tasks_registry import services
from tasks_registry.models import Indicator, ProgressEntry, ProgressStatus
from tests.factories import (
    AttainmentFactory,
    DepartmentFactory,
    FigureFactory,
    JurisdictionFactory,
    PlanFactory,
    ReportFactory,
    SupervisorFactory,
    TargetFactory,
    UserFactory,
)
from workbench.selectors import (
    Workbench,
    report_link_candidate_counts,
    workbench_for,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 5, 10)  # inside the 2021–2025 plans: second quarter of 2024
SOURCE = {
    "kind": "figure",
    "where": "《南阳市2023年职业教育质量年度报告》第 254 行",
    "text": "全市“双师型”教师占比达到41.2%",
    "display": "41.2%",
}


class World:
    """Three departments, each leading one task with one target; 市教育局 co-operates on the
    财政局's task, 市人社局 on nobody's."""

    def __init__(self) -> None:
        self.education = DepartmentFactory(name="市教育局")
        self.finance = DepartmentFactory(name="市财政局")
        self.labour = DepartmentFactory(name="市人社局")
        self.plan = PlanFactory(title="南阳市职业教育改革实施方案")
        self.t16 = TargetFactory(task__plan=self.plan, task__number="16", task__lead=self.education)
        self.t20 = TargetFactory(
            task__plan=self.plan,
            task__number="20",
            task__lead=self.finance,
            task__co=[self.education],
            label="职业教育财政投入",
            value=Decimal("6000000"),
            unit="元",
            source_text="每年投入职业教育经费不低于 600 万元。",
        )
        self.t30 = TargetFactory(
            task__plan=self.plan,
            task__number="30",
            task__lead=self.labour,
            label="职业技能培训",
            value=Decimal("100000"),
            unit="人次",
        )
        self.jiaoyu = UserFactory(username="jiaoyu", department=self.education)
        self.caizheng = UserFactory(username="caizheng", department=self.finance)
        self.renshe = UserFactory(username="renshe", department=self.labour)
        self.supervisor = SupervisorFactory.create(username="supervisor", last_name="督导王")
        self.office = UserFactory(username="ducha", role=Role.OFFICE, department=None)
        self.a16 = AttainmentFactory(
            target=self.t16,
            year=2025,
            status=Status.AT_RISK,
            actual=Decimal("41.2"),
            actual_year=2023,
            sources=[SOURCE],
            due_date=datetime.date(2025, 12, 31),
        )


@pytest.fixture
def world() -> World:
    return World()


def entry(world: World, target, by, *, year: int = 2024, status: str = "draft") -> ProgressEntry:
    """An entry of ``by``'s department, brought to ``status`` through the services."""
    e = services.progress_entry_create(by=by, target=target, year=year, value=Decimal("41.2"))
    if status in (ProgressStatus.SUBMITTED, ProgressStatus.RETURNED, ProgressStatus.APPROVED):
        e = services.progress_entry_submit(entry=e, by=by)
    if status == ProgressStatus.RETURNED:
        e = services.progress_entry_return(
            entry=e, by=world.supervisor, comment="请附上双师型教师名单"
        )
    if status == ProgressStatus.APPROVED:
        e = services.progress_entry_approve(entry=e, by=world.supervisor)
    return e


def bench(user) -> Workbench:
    wb = workbench_for(user=user, today=TODAY)
    assert wb is not None
    return wb


# -- department staff ----------------------------------------------------------------------


def test_staff_see_the_tasks_they_lead_then_those_they_co_operate_on(world):
    staff = bench(world.jiaoyu).staff
    assert staff is not None
    assert [r.target for r in staff.lead_targets] == [world.t16]
    assert [r.target for r in staff.co_targets] == [world.t20]
    # 市财政局 leads task 20 and has nothing to do with task 16.
    finance = bench(world.caizheng).staff
    assert [r.target for r in finance.lead_targets] == [world.t20]
    assert finance.co_targets == []


def test_staff_of_another_department_see_none_of_the_first_departments_work(world):
    entry(world, world.t16, world.jiaoyu, status=ProgressStatus.DRAFT)
    entry(world, world.t16, world.jiaoyu, year=2023, status=ProgressStatus.RETURNED)
    labour = bench(world.renshe).staff
    assert [r.target for r in labour.lead_targets] == [world.t30]
    assert labour.co_targets == [] and labour.drafts == [] and labour.returned == []
    # 市财政局 leads task 20 but does not see 市教育局's entries on it.
    entry(world, world.t20, world.jiaoyu, status=ProgressStatus.DRAFT)
    assert bench(world.caizheng).staff.drafts == []


def test_a_row_shows_the_current_periods_light_deadline_value_and_source(world):
    row = bench(world.jiaoyu).staff.lead_targets[0]
    assert row.attainment == world.a16
    assert row.attainment.light == "amber"
    assert row.goal == "≥60%"
    assert row.value == "41.2%（2023年）"
    assert (
        row.source
        == "《南阳市2023年职业教育质量年度报告》第 254 行：“全市“双师型”教师占比达到41.2%”"
    )
    money = bench(world.jiaoyu).staff.co_targets[0]
    assert money.goal == "≥600 万元" and money.attainment is None and money.value == "尚未计算"


def test_a_conflict_shows_every_value(world):
    world.a16.status = Status.CONFLICT
    world.a16.sources = [{**SOURCE, "display": "41.2%"}, {**SOURCE, "display": "38%"}]
    world.a16.save()
    row = bench(world.jiaoyu).staff.lead_targets[0]
    assert row.value == "数据冲突：41.2%；38%"


def test_the_record_button_fills_in_task_target_this_year_and_quarter(world):
    row = bench(world.jiaoyu).staff.lead_targets[0]
    url = urlsplit(row.record_url)
    assert url.path == reverse("workbench:entry_new")
    assert parse_qs(url.query) == {
        "task": [str(world.t16.task_id)],
        "target": [str(world.t16.pk)],
        "year": ["2024"],
        "quarter": ["2"],
    }


def test_after_the_plan_the_record_button_asks_for_its_last_year_without_a_quarter(world):
    wb = workbench_for(user=world.jiaoyu, today=datetime.date(2026, 11, 23))
    row = wb.staff.lead_targets[0]
    query = parse_qs(urlsplit(row.record_url).query)
    assert query["year"] == ["2025"] and "quarter" not in query


def test_a_per_county_target_shows_the_county_that_most_needs_doing(world):
    world.a16.delete()
    good, late = JurisdictionFactory(name="甲县"), JurisdictionFactory(name="乙县")
    AttainmentFactory(target=world.t16, jurisdiction=good, year=2025, status=Status.MET)
    AttainmentFactory(target=world.t16, jurisdiction=late, year=2025, status=Status.OVERDUE)
    world.t16.per_unit = "县区"
    world.t16.save()
    row = bench(world.jiaoyu).staff.lead_targets[0]
    assert row.places == 2 and row.attainment.jurisdiction == late
    # 填报 asks for that county's value.
    assert parse_qs(urlsplit(row.record_url).query)["place"] == [str(late.pk)]


def test_returned_entries_carry_the_supervisors_reason_and_drafts_are_listed(world):
    draft = entry(world, world.t16, world.jiaoyu)
    returned = entry(world, world.t16, world.jiaoyu, year=2023, status=ProgressStatus.RETURNED)
    entry(world, world.t16, world.jiaoyu, year=2022, status=ProgressStatus.SUBMITTED)
    staff = bench(world.jiaoyu).staff
    assert staff.returned == [returned]
    assert staff.returned[0].review_comment == "请附上双师型教师名单"
    assert staff.drafts == [draft]


def test_the_period_needs_targets_without_a_value_or_an_entry_for_the_year(world):
    # Task 16 has a value (41.2%, from 2023's report) for its 2025 period; task 20 has none.
    staff = bench(world.jiaoyu).staff
    assert [r.target for r in staff.period_needs] == [world.t20]
    world.a16.actual = None
    world.a16.status = Status.NO_DATA
    world.a16.save()
    assert [r.target for r in bench(world.jiaoyu).staff.period_needs] == [world.t16, world.t20]
    # Once something is recorded for this year, it is on its way (a draft counts).
    entry(world, world.t20, world.jiaoyu, year=2024)
    assert [r.target for r in bench(world.jiaoyu).staff.period_needs] == [world.t16]
    # An entry for another year does not.
    entry(world, world.t16, world.jiaoyu, year=2023)
    assert [r.target for r in bench(world.jiaoyu).staff.period_needs] == [world.t16]


def test_staff_without_a_department_are_told_why_they_see_nothing(world):
    lost = UserFactory(username="lost", department=None)
    wb = bench(lost)
    assert wb.staff.lead_targets == [] and wb.supervisor is None
    assert "尚未设置所属部门" in wb.notices[0]


def test_signed_out_or_deactivated_users_have_no_workbench(world):
    from django.contrib.auth.models import AnonymousUser

    assert workbench_for(user=AnonymousUser(), today=TODAY) is None
    world.jiaoyu.is_active = False
    assert workbench_for(user=world.jiaoyu, today=TODAY) is None


# -- supervisors -----------------------------------------------------------------------------


def test_the_review_queue_holds_submitted_entries_oldest_first(world, time_machine):
    time_machine.move_to("2024-05-08 09:00 +0800")
    first = entry(world, world.t16, world.jiaoyu, status=ProgressStatus.SUBMITTED)
    time_machine.move_to("2024-05-09 09:00 +0800")
    second = entry(world, world.t20, world.caizheng, status=ProgressStatus.SUBMITTED)
    entry(world, world.t30, world.renshe)  # a draft: not for review
    entry(world, world.t30, world.renshe, year=2023, status=ProgressStatus.APPROVED)
    wb = bench(world.supervisor)
    assert wb.staff is None and wb.office is None
    assert wb.supervisor.review_queue == [first, second]
    assert wb.supervisor.review_total == 2
    assert wb.supervisor.review_next == "/workbench/"


def test_staff_and_the_office_get_no_review_queue(world):
    entry(world, world.t16, world.jiaoyu, status=ProgressStatus.SUBMITTED)
    assert bench(world.jiaoyu).supervisor is None
    assert bench(world.office).supervisor is None


@pytest.fixture
def indicator() -> Indicator:
    return Indicator.objects.create(code="dual_teacher_share", name="双师型教师占比", unit="%")


def test_reports_with_open_conflicts_or_unlinked_figures_need_review(world, indicator):
    clean = ReportFactory(title="甲市2023年职业教育质量年度报告")
    FigureFactory(report=clean, indicator=indicator, value=Decimal("41.2"), confidence=0.9)
    conflicted = ReportFactory(title="乙市2023年职业教育质量年度报告")
    a = FigureFactory(report=conflicted, indicator=indicator, value=Decimal("41.2"), confidence=0.9)
    b = FigureFactory(report=conflicted, indicator=indicator, value=Decimal("38"), confidence=0.9)
    conflict = FigureConflict.objects.create(
        report=conflicted, indicator=indicator, year=2023, description="41.2% 与 38% 不一致"
    )
    conflict.figures.set([a, b])
    unlinked = ReportFactory(title="丙市2023年职业教育质量年度报告")
    FigureFactory(report=unlinked, label="全市双师型教师占比", unit="%", value=Decimal("40"))
    FigureFactory(report=unlinked, label="学校占地面积", unit="亩", value=Decimal("300"))
    FigureFactory(report=unlinked, indicator=indicator, confidence=0.5, value=Decimal("39"))

    reports = bench(world.supervisor).supervisor.reports
    assert [(r.report, r.conflicts, r.unlinked) for r in reports] == [
        (conflicted, 1, 0),
        (unlinked, 0, 2),
    ]
    assert reports[0].admin_url == reverse("admin:reporting_report_change", args=[conflicted.pk])

    # Confirming one of the two settles the conflict (the report's page says 已核定).
    a.status = FigureStatus.CONFIRMED
    a.save()
    assert [r.report for r in bench(world.supervisor).supervisor.reports] == [unlinked]


def test_the_unlinked_count_agrees_with_the_reports_own_list(world, indicator):
    from reporting.selectors import figure_link_candidates

    report = ReportFactory()
    FigureFactory(report=report, label="全市双师型教师占比", unit="%", value=Decimal("40"))
    FigureFactory(report=report, label="双师型教师占比", unit="人", value=Decimal("40"))
    FigureFactory(report=report, indicator=indicator, confidence=0.5, value=Decimal("39"))
    FigureFactory(
        report=report,
        label="全市双师型教师占比",
        unit="%",
        status=FigureStatus.REJECTED,
        value=Decimal("1"),
    )
    assert report_link_candidate_counts(reports=[report.pk]) == {
        report.pk: len(figure_link_candidates(report=report))
    }


def test_overdue_and_at_risk_are_counted_by_lead_department_with_links(world):
    AttainmentFactory(target=world.t20, year=2024, status=Status.OVERDUE)
    AttainmentFactory(target=world.t20, year=2023, status=Status.OVERDUE)
    AttainmentFactory(target=world.t30, year=2025, status=Status.MET)
    counts = bench(world.supervisor).supervisor.departments
    assert [(d.department, d.overdue, d.at_risk) for d in counts] == [
        ("市财政局", 2, 0),
        ("市教育局", 0, 1),
    ]
    finance = counts[0]
    assert finance.overdue_url == f"/supervision/?department={world.finance.pk}&status=overdue"
    assert counts[1].at_risk_url == f"/supervision/?department={world.education.pk}&status=at_risk"


def test_the_nightly_section_lists_what_the_scan_sent_newest_first(world, time_machine):
    time_machine.move_to("2024-05-08 02:00 +0800")
    older = Reminder.objects.create(
        attainment=world.a16, kind=ReminderKind.DUE_SOON, recipients=["jiaoyu@example.cn"]
    )
    time_machine.move_to("2024-05-09 02:00 +0800")
    overdue = AttainmentFactory(target=world.t20, year=2023, status=Status.OVERDUE)
    newer = Reminder.objects.create(
        attainment=overdue, kind=ReminderKind.OVERDUE, recipients=["caizheng@example.cn"]
    )
    newest = Reminder.objects.create(
        attainment=overdue, kind=ReminderKind.ESCALATION, recipients=["dudao@example.cn"]
    )
    s = bench(world.supervisor).supervisor
    assert s.reminders == [newest, newer, older]
    assert s.last_scan == newest.created_at and s.last_scan_sent == 2


# -- the office and administrators --------------------------------------------------------


def test_the_office_sees_counts_by_status_and_the_overdue_list(world):
    late = AttainmentFactory(
        target=world.t20, year=2023, status=Status.OVERDUE, due_date=datetime.date(2023, 12, 31)
    )
    later = AttainmentFactory(
        target=world.t30, year=2024, status=Status.OVERDUE, due_date=datetime.date(2024, 3, 31)
    )
    wb = bench(world.office)
    assert wb.staff is None and wb.supervisor is None
    counts = {c.status: c.count for c in wb.office.counts}
    assert counts[Status.OVERDUE] == 2 and counts[Status.AT_RISK] == 1 and counts[Status.MET] == 0
    assert [c.label for c in wb.office.counts][:2] == ["已达成", "进度正常"]
    assert wb.office.total == 3
    assert wb.office.overdue == [late, later]
    assert wb.office.api_docs_url == reverse("api-docs")
    overdue_card = next(c for c in wb.office.counts if c.status == Status.OVERDUE)
    assert overdue_card.url == "/supervision/?status=overdue"


def test_a_superuser_sees_the_supervisors_sections_and_the_overview(world):
    admin = UserFactory(username="admin", is_superuser=True, department=None, role=Role.SUPERVISOR)
    entry(world, world.t16, world.jiaoyu, status=ProgressStatus.SUBMITTED)
    wb = bench(admin)
    assert wb.staff is None
    assert len(wb.supervisor.review_queue) == 1
    assert wb.office.total == 1
