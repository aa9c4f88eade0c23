"""Shared API fixtures: one signed-in client per role, each with a real admin-issued token.

``world`` builds a small but complete data set: two departments, a task each (the second with the
first as a co-operating body), a target, an overdue attainment, a report with a figure, and one
progress entry in every state for the first department, and one deleted draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import Role, User
from accounts.services import api_token_issue
from attainment.models import Attainment, Status
from reporting.models import Figure, Report
from tasks_registry.models import (
    Department,
    Jurisdiction,
    Plan,
    ProgressEntry,
    ProgressStatus,
    Target,
    Task,
)
from tests.factories import (
    AttainmentFactory,
    DepartmentFactory,
    FigureFactory,
    JurisdictionFactory,
    PlanFactory,
    ProgressEntryFactory,
    ReportFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
)

ROLES = ("anonymous", "office", "supervisor", "staff", "other_staff")


@dataclass
class World:
    city: Jurisdiction
    plan: Plan
    own: Department  # the staff user's department
    other: Department
    task: Task
    other_task: Task
    target: Target
    attainment: Attainment
    report: Report
    figure: Figure
    draft: ProgressEntry
    submitted: ProgressEntry
    approved: ProgressEntry
    returned: ProgressEntry
    other_entry: ProgressEntry
    users: dict[str, User]


def token_client(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        _, token = api_token_issue(user=user, name="测试", by=None)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()  # throttling counts live in the cache; tests must not share them
    yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    return world_build()


def world_build() -> World:
    """The rows ``world`` describes; the caller provides the database access (a fixture that
    builds it once for many tests, like the permission matrix's, calls this directly)."""
    city = JurisdictionFactory.create(name="测试市", kind="city")
    plan = PlanFactory.create(jurisdiction=city)
    own = DepartmentFactory.create(name="市教育局")
    other = DepartmentFactory.create(name="市财政局")
    task = TaskFactory.create(plan=plan, lead=own)
    other_task = TaskFactory.create(plan=plan, lead=other, co=[own])
    target = TargetFactory.create(task=task, jurisdiction=None)
    attainment = AttainmentFactory.create(
        target=target, status=Status.OVERDUE, overdue_since="2026-01-01"
    )
    report = ReportFactory.create(jurisdiction=city)
    figure = FigureFactory.create(report=report, value=Decimal("41.2"))
    users = {
        "office": UserFactory.create(username="ducha", role=Role.OFFICE, department=None),
        "supervisor": UserFactory.create(
            username="supervisor", role=Role.SUPERVISOR, department=None
        ),
        "staff": UserFactory.create(username="jiaoyu", department=own),
        "other_staff": UserFactory.create(username="caizheng", department=other),
    }
    entry = lambda status: ProgressEntryFactory.create(  # noqa: E731
        target=target, department=own, created_by=users["staff"], status=status
    )
    draft, submitted, approved, returned = (
        entry(ProgressStatus.DRAFT),
        entry(ProgressStatus.SUBMITTED),
        entry(ProgressStatus.APPROVED),
        entry(ProgressStatus.RETURNED),
    )
    other_target = TargetFactory.create(task=other_task)
    other_entry = ProgressEntryFactory.create(
        target=other_target, department=other, created_by=users["other_staff"]
    )
    entry(ProgressStatus.DRAFT).delete()  # a draft its author threw away: /deletions/ lists it
    return World(
        city=city,
        plan=plan,
        own=own,
        other=other,
        task=task,
        other_task=other_task,
        target=target,
        attainment=attainment,
        report=report,
        figure=figure,
        draft=draft,
        submitted=submitted,
        approved=approved,
        returned=returned,
        other_entry=other_entry,
        users=users,
    )


@pytest.fixture
def clients(world) -> dict[str, APIClient]:
    """A token-authenticated client per role; "anonymous" sends no credentials."""
    return {role: token_client(world.users.get(role)) for role in ROLES}
