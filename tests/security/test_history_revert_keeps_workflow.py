"""Reverting to an old version on an admin history page can never change workflow state (status,
reviewer, review comment, submission and review times), for anyone: a progress entry's revert
goes through tasks_registry.services.progress_entry_update, which changes only the reported
fields and refuses entries that are not editable; a figure's history is read-only (its review is
done with the review actions)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from reporting import services as reporting_services
from reporting.models import FigureStatus
from tasks_registry import services
from tasks_registry.models import ProgressEntry, ProgressStatus
from tests.factories import (
    DepartmentFactory,
    FigureFactory,
    ProgressEntryFactory,
    SupervisorFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

REVERT = "admin:tasks_registry_progressentry_simple_history"
WORKFLOW = ("status", "reviewed_by_id", "reviewed_at", "review_comment", "submitted_at")


@pytest.fixture
def returned() -> ProgressEntry:
    """市教育局's entry, submitted and then returned by a supervisor with a reason."""
    education = DepartmentFactory.create(name="市教育局")
    target = TargetFactory.create(task=TaskFactory.create(number="16", lead=education))
    author = UserFactory.create(username="jiaoyu", department=education)
    entry = ProgressEntryFactory.create(target=target, department=education, created_by=author)
    services.progress_entry_submit(entry=entry, by=author)
    services.progress_entry_return(
        entry=entry, by=SupervisorFactory.create(username="dudao"), comment="请补充认定文件"
    )
    entry.refresh_from_db()
    return entry


def workflow(entry: ProgressEntry) -> tuple:
    entry.refresh_from_db()
    return tuple(getattr(entry, f) for f in WORKFLOW)


def version(entry: ProgressEntry, status: str):
    return entry.history.filter(status=status).latest()


def revert(user, entry: ProgressEntry, to, value: str = "45.5"):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client.post(
        reverse(REVERT, args=[entry.pk, to.history_id]),
        {
            "task": str(entry.task_id),
            "target": str(entry.target_id),
            "jurisdiction": "",
            "year": str(entry.year),
            "quarter": "",
            "value": value,
            "narrative": entry.narrative,
            "status": to.status,
            "reviewed_by": "",
            "review_comment": "",
            "_save": "保存",
        },
    )


def test_staff_reverting_a_returned_entry_to_its_submitted_version_keep_review(returned):
    before = workflow(returned)

    response = revert(returned.created_by, returned, version(returned, "submitted"))

    assert response.status_code == 302
    assert workflow(returned) == before
    assert (returned.get_status_display(), returned.review_comment) == ("已退回", "请补充认定文件")
    assert returned.value == Decimal("45.5")  # the reported figure is what a revert changes


def test_an_administrator_reverting_to_the_draft_version_keeps_review_too(returned):
    before = workflow(returned)
    administrator = SupervisorFactory.create(username="admin", is_superuser=True)

    response = revert(administrator, returned, version(returned, "draft"))

    assert response.status_code == 302
    assert workflow(returned) == before


def test_a_supervisor_cannot_revert_an_entry(returned):
    before = workflow(returned)

    response = revert(
        SupervisorFactory.create(username="dudao2"), returned, version(returned, "draft")
    )

    assert response.status_code == 403
    assert workflow(returned) == before
    assert returned.value == Decimal("41.2")


@pytest.mark.parametrize("who", ["author", "administrator"])
def test_an_approved_entry_cannot_be_reverted_to_an_earlier_version_by_anyone(returned, who):
    author = returned.created_by
    services.progress_entry_submit(entry=returned, by=author)
    services.progress_entry_approve(entry=returned, by=SupervisorFactory.create(username="sh"))
    before = workflow(returned)
    user = author if who == "author" else SupervisorFactory.create(username="a", is_superuser=True)

    response = revert(user, returned, version(returned, "draft"))

    assert response.status_code == 403
    assert workflow(returned) == before
    assert returned.status == ProgressStatus.APPROVED


def test_the_service_a_revert_goes_through_refuses_workflow_fields(returned):
    with pytest.raises(services.ValidationError) as refused:
        services.progress_entry_update(
            entry=returned, by=returned.created_by, status=ProgressStatus.SUBMITTED
        )

    assert refused.value.message_dict == {"status": ["该字段不能修改"]}
    assert workflow(returned)[0] == ProgressStatus.RETURNED


def test_a_rejected_figure_cannot_be_reverted_to_its_extracted_version():
    figure = FigureFactory.create()
    supervisor = SupervisorFactory.create(username="dudao")
    reporting_services.figure_reject(figure=figure, by=supervisor, note="口径不符")
    extracted = figure.history.filter(status=FigureStatus.EXTRACTED).earliest()
    client = Client(raise_request_exception=False)
    client.force_login(supervisor)

    response = client.post(
        reverse("admin:reporting_figure_simple_history", args=[figure.pk, extracted.history_id]),
        {
            "indicator": "",
            "value": str(figure.value),
            "unit": figure.unit,
            "kind": figure.kind,
            "year": str(figure.year),
            "review_note": "",
            "_save": "保存",
        },
    )

    figure.refresh_from_db()
    assert response.status_code == 403
    assert (figure.status, figure.reviewed_by) == (FigureStatus.REJECTED, supervisor)
