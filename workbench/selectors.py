"""Reads for the workbench (工作台): what each role's landing page lists.

Who may see what is asked of the one set of visibility selectors (tasks_registry.selectors,
attainment.selectors.attainment_list_visible_to, reporting.selectors); nothing here filters by
department or role on its own. Every list is a fixed number of queries, whatever the amount of
data (tests/workbench/test_home.py counts them at two sizes).

    workbench_for(user=request.user, today=timezone.localdate()) -> Workbench
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import Role, User
from attainment.models import LIGHTS, Attainment, Reminder, Status
from attainment.selectors import (
    attainment_list_visible_to,
    department_summary,
    reporting_year,
    source_text,
    target_period_years,
)
from reporting.models import Figure, FigureConflict, FigureStatus, Report
from reporting.selectors import (
    figure_may_review,
    figure_pending_link_filter,
    report_list_visible_to,
)
from tasks_registry import display
from tasks_registry.models import (
    AssignmentRole,
    Department,
    ProgressEntry,
    ProgressStatus,
    Target,
    TaskAssignment,
)
from tasks_registry.selectors import (
    progress_entry_list_visible_to,
    progress_entry_may_record,
    progress_entry_may_review,
    target_list_visible_to,
    task_scope,
)

# How many rows a list shows before it says "and N more" (the full lists are a link away).
REVIEW_QUEUE_LIMIT = 50
OVERDUE_LIMIT = 50
NIGHTLY_LIMIT = 20
REPORTS_LIMIT = 20

# Which of a period's places a target's row shows when it is measured in several (每个县区):
# the one that most needs doing, as the supervisors' view puts attention first.
_URGENCY = {
    Status.OVERDUE: 0,
    Status.AT_RISK: 1,
    Status.CONFLICT: 2,
    Status.NO_DATA: 3,
    Status.ON_TRACK: 4,
    Status.MET: 5,
}


# ---------------------------------------------------------------------------------------------
# Department staff


@dataclass(frozen=True)
class TargetRow:
    """One target on a staff workbench: its current period's attainment (the place that most
    needs doing, when measured per county), and what the 填报 button fills in."""

    target: Target
    attainment: Attainment | None
    goal: str  # the target's value as written: ≥60%, 600 万元, 8–10 所
    year: int  # the reporting year the 填报 button fills in
    quarter: int | None  # and the quarter, while that year is running
    value: str  # the latest value with its unit, or "无数据"
    source: str  # where that value came from
    places: int  # how many places the period is measured at (1 unless 每个县区)
    has_entry: bool  # the department has an entry for this target and year (any status)

    @property
    def record_url(self) -> str:
        query: dict[str, int] = {
            "task": self.target.task_id,
            "target": self.target.pk,
            "year": self.year,
        }
        if self.quarter is not None:
            query["quarter"] = self.quarter
        if self.target.per_unit and self.attainment and self.attainment.jurisdiction_id:
            query["place"] = self.attainment.jurisdiction_id  # the county shown on the row
        return f"{reverse('workbench:entry_new')}?{urlencode(query)}"

    @property
    def needs_data(self) -> bool:
        """What the current reporting period still needs: no value for the year, and nothing
        recorded for it yet (a draft or a submitted entry is already on its way)."""
        no_value = self.attainment is None or self.attainment.actual is None
        return no_value and not self.has_entry


@dataclass(frozen=True)
class StaffWorkbench:
    department: Department | None
    returned: list[ProgressEntry]  # first: what a supervisor sent back, with the reason
    lead_targets: list[TargetRow]  # targets of tasks the department leads (牵头)
    co_targets: list[TargetRow]  # and of tasks it co-operates on (配合)
    drafts: list[ProgressEntry]
    may_record: bool

    @property
    def period_needs(self) -> list[TargetRow]:
        return [r for r in [*self.lead_targets, *self.co_targets] if r.needs_data]


def _current_period(rows: list[Attainment], year: int) -> list[Attainment]:
    """The attainments of the period ``year`` falls in: the first period ending in or after it,
    else (the target's periods all over) the last one."""
    if not rows:
        return []
    years = sorted({a.year for a in rows})
    chosen = next((y for y in years if y >= year), years[-1])
    return [a for a in rows if a.year == chosen]


def _value_text(attainment: Attainment | None, unit: str) -> tuple[str, str]:
    """The latest value and its source as a person reads them; a conflict shows every value."""
    if attainment is None:
        return "尚未计算", ""
    if attainment.status == Status.CONFLICT:
        values = "；".join(str(s.get("display", "")) for s in attainment.sources)
        wheres = " / ".join(source_text(s) for s in attainment.sources[:3])
        return f"数据冲突：{values}", wheres
    if attainment.actual is None:
        return "无数据", ""
    value = display.amount_text(attainment.actual, unit)
    if attainment.actual_year and attainment.actual_year != attainment.year:
        value += f"（{attainment.actual_year}年）"
    return value, source_text(attainment.primary_source)


def staff_workbench(*, user: User, today: datetime.date) -> StaffWorkbench:
    """A department's workbench: returned entries, its targets as lead and as co-operating body,
    drafts, and what the current period still needs."""
    department_id = user.department_id
    roles: dict[int, str] = {}
    if department_id is not None:
        roles = dict(
            TaskAssignment.objects.filter(department_id=department_id).values_list(
                "task_id", "role"
            )
        )
    targets = list(
        target_list_visible_to(user=user)
        .filter(is_active=True, task__is_active=True)
        .order_by("task__plan__title", "task__position", "position")
    )
    by_target: dict[int, list[Attainment]] = defaultdict(list)
    for a in (
        attainment_list_visible_to(user=user).select_related(None).select_related("jurisdiction")
    ):
        by_target[a.target_id].append(a)
    entries = progress_entry_list_visible_to(user=user)
    recorded = set(entries.filter(target__isnull=False).values_list("target_id", "year"))
    open_entries = list(
        entries.filter(status__in=(ProgressStatus.RETURNED, ProgressStatus.DRAFT))
        .select_related("reviewed_by", "jurisdiction")
        .order_by("-updated_at")
    )

    lead: list[TargetRow] = []
    co: list[TargetRow] = []
    for target in targets:
        year = reporting_year(years=target_period_years(target=target), today=today)
        period = _current_period(by_target.get(target.pk, []), year)
        shown = min(period, key=lambda a: _URGENCY[Status(a.status)]) if period else None
        value, source = _value_text(shown, target.unit)
        row = TargetRow(
            target=target,
            attainment=shown,
            goal=target.goal,
            year=year,
            quarter=(today.month - 1) // 3 + 1 if year == today.year else None,
            value=value,
            source=source,
            places=len(period),
            has_entry=(target.pk, year) in recorded,
        )
        is_lead = (
            target.task.lead_id == department_id or roles.get(target.task_id) == AssignmentRole.LEAD
        )
        (lead if is_lead else co).append(row)
    return StaffWorkbench(
        department=user.department,
        returned=[e for e in open_entries if e.status == ProgressStatus.RETURNED],
        lead_targets=lead,
        co_targets=co,
        drafts=[e for e in open_entries if e.status == ProgressStatus.DRAFT],
        # Every target listed is of a task the department leads or co-operates on (that is what
        # staff see), so the one check of the role stands for each row's.
        may_record=progress_entry_may_record(user=user),
    )


# ---------------------------------------------------------------------------------------------
# Supervisors


@dataclass(frozen=True)
class ReportReview:
    """A report whose figures need a supervisor: disagreeing figures not yet settled, and
    figures naming an indicator that were not linked (待关联, as the report's page lists them)."""

    report: Report
    conflicts: int
    unlinked: int

    @property
    def admin_url(self) -> str:
        return reverse("admin:reporting_report_change", args=[self.report.pk])


@dataclass(frozen=True)
class DepartmentCount:
    department_id: int | None
    department: str
    overdue: int
    at_risk: int

    def _url(self, status: str) -> str:
        query: dict[str, Any] = {"status": status}
        if self.department_id is not None:
            query = {"department": self.department_id, **query}
        return f"{reverse('attainment:list')}?{urlencode(query)}"

    @property
    def overdue_url(self) -> str:
        return self._url(Status.OVERDUE)

    @property
    def at_risk_url(self) -> str:
        return self._url(Status.AT_RISK)


@dataclass(frozen=True)
class SupervisorWorkbench:
    review_queue: list[ProgressEntry]
    review_total: int
    reports: list[ReportReview]
    departments: list[DepartmentCount]
    reminders: list[Reminder]
    last_scan: datetime.datetime | None  # when the nightly scan last sent anything
    last_scan_sent: int  # how many notices it sent that day

    @property
    def review_next(self) -> str:
        """Where 通过 and 退回 go back to: this page."""
        return reverse("workbench:home")


def report_link_candidate_counts(*, reports: list[int]) -> dict[int, int]:
    """How many 待关联的数据 each report has (reporting.selectors.figure_pending_link_filter, the
    rule its page lists them by), for many reports in a fixed number of queries."""
    if not reports:
        return {}
    pending = figure_pending_link_filter(figures=Figure.objects.filter(report_id__in=reports))
    rows = pending.order_by().values("report_id").annotate(n=Count("id"))
    return {r["report_id"]: r["n"] for r in rows}


def report_open_conflict_counts(*, reports: list[int]) -> dict[int, int]:
    """Conflicts per report still to settle: none of its figures confirmed or corrected yet (what
    the report's page shows as 待核对, FigureConflict.state_text)."""
    if not reports:
        return {}
    settled = Q(figures__status__in=(FigureStatus.CONFIRMED, FigureStatus.CORRECTED))
    rows = (
        FigureConflict.objects.filter(report_id__in=reports)
        .annotate(settled=Count("figures", filter=settled))
        .filter(settled=0)
        .values_list("report_id", flat=True)
    )
    counts: dict[int, int] = defaultdict(int)
    for report_id in rows:
        counts[report_id] += 1
    return dict(counts)


def reports_needing_review(*, user: User) -> list[ReportReview]:
    """Reports with open conflicts or 待关联 figures, most to do first; none for a user who may
    not review figures."""
    if not figure_may_review(user=user):
        return []
    visible = report_list_visible_to(user=user)
    ids = list(visible.values_list("pk", flat=True))
    conflicts = report_open_conflict_counts(reports=ids)
    unlinked = report_link_candidate_counts(reports=ids)
    wanted = sorted(
        set(conflicts) | set(unlinked),
        key=lambda r: (-conflicts.get(r, 0), -unlinked.get(r, 0), r),
    )[:REPORTS_LIMIT]
    found = {r.pk: r for r in visible.filter(pk__in=wanted)}
    return [
        ReportReview(report=found[r], conflicts=conflicts.get(r, 0), unlinked=unlinked.get(r, 0))
        for r in wanted
        if r in found
    ]


def supervisor_workbench(*, user: User, today: datetime.date) -> SupervisorWorkbench:
    """Entries awaiting review, reports to review, overdue and at-risk counts by lead department,
    and what the nightly scan sent."""
    queue = (
        progress_entry_list_visible_to(user=user)
        .filter(status=ProgressStatus.SUBMITTED)
        .select_related("jurisdiction")
        .order_by("submitted_at", "pk")
    )
    may_review = progress_entry_may_review(user=user)
    review_queue = list(queue[:REVIEW_QUEUE_LIMIT]) if may_review else []
    summary = department_summary(rows=attainment_list_visible_to(user=user), today=today)
    departments = [
        DepartmentCount(
            department_id=d["department_id"],
            department=d["department"],
            overdue=d[Status.OVERDUE],
            at_risk=d[Status.AT_RISK],
        )
        for d in summary
        if d[Status.OVERDUE] or d[Status.AT_RISK]
    ]
    departments.sort(key=lambda d: (-d.overdue, -d.at_risk, d.department))
    reminders = Reminder.objects.filter(task_scope(user=user, path="attainment__target__task__"))
    latest = list(
        reminders.select_related(
            "attainment__target__task__lead", "attainment__jurisdiction"
        ).order_by("-created_at", "-pk")[:NIGHTLY_LIMIT]
    )
    last_scan: datetime.datetime | None = reminders.aggregate(last=Max("created_at"))["last"]
    sent = 0
    if last_scan is not None:
        # The scan runs once a night and sends its notices within minutes: those of the day it
        # last sent anything are that run's.
        sent = reminders.filter(created_at__date=timezone.localdate(last_scan)).count()
    return SupervisorWorkbench(
        review_queue=review_queue,
        review_total=queue.count() if may_review else 0,
        reports=reports_needing_review(user=user),
        departments=departments,
        reminders=latest,
        last_scan=last_scan,
        last_scan_sent=sent,
    )


# ---------------------------------------------------------------------------------------------
# The supervision office (and administrators)


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int
    light: str

    @property
    def url(self) -> str:
        return f"{reverse('attainment:list')}?{urlencode({'status': self.status})}"


@dataclass(frozen=True)
class OfficeWorkbench:
    counts: list[StatusCount]
    total: int
    overdue: list[Attainment]
    overdue_total: int

    @property
    def api_docs_url(self) -> str:
        return reverse("api-docs")

    @property
    def overdue_url(self) -> str:
        return f"{reverse('attainment:list')}?{urlencode({'status': Status.OVERDUE})}"


def office_workbench(*, user: User) -> OfficeWorkbench:
    """The overview counts by status, the overdue list and the way to the API."""
    rows = attainment_list_visible_to(user=user)
    by_status = dict(rows.order_by().values_list("status").annotate(n=Count("id")))
    counts = [
        StatusCount(status=s.value, label=s.label, count=by_status.get(s.value, 0), light=LIGHTS[s])
        for s in Status
    ]
    overdue = rows.filter(status=Status.OVERDUE).order_by(
        "due_date", "target__task__position", "target__position", "jurisdiction__code"
    )
    return OfficeWorkbench(
        counts=counts,
        total=sum(by_status.values()),
        overdue=list(overdue[:OVERDUE_LIMIT]),
        overdue_total=by_status.get(Status.OVERDUE, 0),
    )


# ---------------------------------------------------------------------------------------------
# Which workbench a user gets


@dataclass(frozen=True)
class Workbench:
    """What one user's landing page shows: the parts for their role (a superuser gets the
    supervisors' and the office's)."""

    user: User
    today: datetime.date
    staff: StaffWorkbench | None = None
    supervisor: SupervisorWorkbench | None = None
    office: OfficeWorkbench | None = None
    notices: list[str] = field(default_factory=list)


def workbench_for(*, user: User | AnonymousUser, today: datetime.date) -> Workbench | None:
    """The workbench of ``user`` (None for a user signed out or deactivated)."""
    if not isinstance(user, User) or not user.is_active:
        return None
    if user.is_superuser:
        return Workbench(
            user=user,
            today=today,
            supervisor=supervisor_workbench(user=user, today=today),
            office=office_workbench(user=user),
        )
    if user.is_supervisor:
        return Workbench(
            user=user, today=today, supervisor=supervisor_workbench(user=user, today=today)
        )
    if user.role == Role.OFFICE:
        return Workbench(user=user, today=today, office=office_workbench(user=user))
    notices = []
    if user.department_id is None:
        notices.append("您的账号尚未设置所属部门，因此看不到任何任务。请联系系统管理员设置。")
    return Workbench(
        user=user, today=today, staff=staff_workbench(user=user, today=today), notices=notices
    )
