"""What the supervisors' view reads (attainment/selectors.py): who sees which rows, the
per-department summary, one row as the list shows it, and the digest the main job prints."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest

from accounts.models import Role
from attainment import selectors, services
from attainment.models import Attainment, Status
from tasks_registry.models import Indicator, Jurisdiction
from tests.factories import (
    AttainmentFactory,
    DepartmentFactory,
    FigureFactory,
    PlanFactory,
    ReportFactory,
    SupervisorFactory,
    TargetFactory,
    UserFactory,
)


@pytest.mark.django_db
def test_department_staff_see_their_departments_tasks_and_supervisors_see_all():
    bureau, hrss = DepartmentFactory(name="市教育局"), DepartmentFactory(name="市人社局")
    own = AttainmentFactory(target__task__lead=bureau)
    other = AttainmentFactory(target__task__lead=hrss)
    co_led = AttainmentFactory(
        target__task__lead=hrss, target__task__co=[bureau]
    )  # 配合单位 sees it too

    staff = UserFactory(department=bureau)
    homeless = UserFactory(department=None)
    supervisor = SupervisorFactory()
    office = UserFactory(department=None, role=Role.OFFICE)

    assert set(selectors.attainment_list_visible_to(user=staff)) == {own, co_led}
    assert list(selectors.attainment_list_visible_to(user=homeless)) == []
    assert set(selectors.attainment_list_visible_to(user=supervisor)) == {own, other, co_led}
    assert set(selectors.attainment_list_visible_to(user=office)) == {own, other, co_led}


@pytest.mark.django_db
def test_department_summary_counts_statuses_and_the_on_time_rate_of_what_is_due():
    bureau, hrss = DepartmentFactory(name="市教育局"), DepartmentFactory(name="市人社局")
    for status in (Status.MET, Status.MET, Status.OVERDUE, Status.AT_RISK):
        AttainmentFactory(target__task__lead=bureau, status=status)
    AttainmentFactory(target__task__lead=hrss, status=Status.ON_TRACK)

    summary = {
        d["department"]: d
        for d in selectors.department_summary(
            rows=Attainment.objects.all(), today=datetime.date(2025, 6, 30)
        )
    }

    assert (
        summary["市教育局"]["total"],
        summary["市教育局"]["met"],
        summary["市教育局"]["overdue"],
    ) == (4, 2, 1)
    assert summary["市教育局"]["on_time_rate"] == 66.7  # 2 of the 3 already due
    assert summary["市人社局"]["on_time_rate"] is None  # nothing due yet


@pytest.mark.django_db
def test_finished_periods_without_data_count_against_the_on_time_rate():
    """市财政局: 1 period met, 3 finished years without any data, 1 year not yet over."""
    finance = DepartmentFactory(name="市财政局")
    AttainmentFactory(target__task__lead=finance, status=Status.MET, year=2022)
    for year in (2022, 2023, 2024):
        AttainmentFactory(
            target__task__lead=finance,
            status=Status.NO_DATA,
            year=year,
            due_date=datetime.date(year, 12, 31),
        )
    AttainmentFactory(
        target__task__lead=finance, status=Status.NO_DATA, due_date=datetime.date(2025, 12, 31)
    )

    [row] = selectors.department_summary(
        rows=Attainment.objects.all(), today=datetime.date(2025, 6, 30)
    )

    assert (row["met"], row["no_data"], row["no_data_past_due"], row["decided"]) == (1, 4, 3, 4)
    assert row["on_time_rate"] == 25.0  # 1 of 4 decided: silence is not completion


@pytest.fixture
def nanyang_conflict(reference_data) -> Attainment:
    """南阳市 双师型 ≥60% by 2025; its 2023 report says “60%以上” on one line, 41.2% on another."""
    nanyang = Jurisdiction.objects.get(name="南阳市")
    target = TargetFactory.create(
        task__number="7",
        task__lead=DepartmentFactory.create(name="市教育局"),
        task__plan=PlanFactory.create(title="南阳市职业教育提质培优实施方案", jurisdiction=nanyang),
        indicator=Indicator.objects.get(code="dual_qualified_ratio"),
    )
    report = ReportFactory.create(
        jurisdiction=nanyang, year=2023, title="南阳市2023年职业教育质量年度报告"
    )
    FigureFactory.create(
        report=report, indicator=target.indicator, value=D("60"), qualifier="ge", line=131
    )
    FigureFactory.create(report=report, indicator=target.indicator, value=D("41.2"), line=254)
    services.attainment_recompute(today=datetime.date(2026, 11, 23))
    return Attainment.objects.get(target=target)


@pytest.mark.django_db
def test_a_conflict_row_shows_both_values_with_where_they_were_read(nanyang_conflict):
    row = selectors.attainment_row(nanyang_conflict)

    assert row["status_display"] == "数据冲突"
    assert row["actual"] == (
        "≥60%（《南阳市2023年职业教育质量年度报告》第 131 行）；"
        "41.2%（《南阳市2023年职业教育质量年度报告》第 254 行）"
    )
    assert (row["task"], row["department"], row["jurisdiction"], row["period"]) == (
        "7",
        "市教育局",
        "南阳市",
        "截至2025年底",
    )
    assert (row["ratio"], row["percent"]) == (None, None)


@pytest.mark.django_db
def test_digest_counts_every_status_and_lists_what_needs_attention(nanyang_conflict):
    AttainmentFactory(status=Status.MET, target__label="技能培训")

    lines = selectors.attainment_digest(rows=Attainment.objects.all())

    assert lines[0] == (
        "目标达成：共 2 项考核（目标 × 区划 × 考核期）："
        "已达成 1，进度正常 0，进度滞后 0，逾期未完成 0，无数据 0，数据冲突 1"
    )
    assert lines[1] == "需关注（逾期未完成、进度滞后、数据冲突）1 项："
    assert lines[2].startswith(
        "  [数据冲突] 任务 7 市教育局：职业院校“双师型”教师占比 ≥60%（南阳市） · 截至2025年底：≥60%"
    )
    assert len(lines) == 3


@pytest.mark.django_db
def test_a_conflict_past_its_due_date_counts_against_and_one_not_yet_due_does_not():
    bureau = DepartmentFactory(name="市教育局")
    AttainmentFactory(target__task__lead=bureau, status=Status.MET)
    AttainmentFactory(
        target__task__lead=bureau, status=Status.CONFLICT, due_date=datetime.date(2024, 12, 31)
    )
    AttainmentFactory(
        target__task__lead=bureau, status=Status.CONFLICT, due_date=datetime.date(2025, 12, 31)
    )

    [row] = selectors.department_summary(
        rows=Attainment.objects.all(), today=datetime.date(2025, 6, 30)
    )

    assert (row["decided"], row["on_time_rate"]) == (2, 50.0)
