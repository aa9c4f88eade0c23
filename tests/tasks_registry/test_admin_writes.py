"""The admin's progress-entry and evidence pages write through tasks_registry.services, so what a
service guarantees holds in the admin too. Seed-free: a small world of our own."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tasks_registry import services
from tasks_registry.models import Evidence, ProgressEntry, ProgressStatus
from tests.factories import (
    DepartmentFactory,
    ProgressEntryFactory,
    SupervisorFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHANGE = "admin:tasks_registry_progressentry_change"
DELETE = "admin:tasks_registry_progressentry_delete"
REVERT = "admin:tasks_registry_progressentry_simple_history"


@pytest.fixture
def entry() -> ProgressEntry:
    """市教育局's draft on its 双师型 target: 41.2% for 2023."""
    education = DepartmentFactory.create(name="市教育局")
    target = TargetFactory.create(task=TaskFactory.create(number="16", lead=education))
    author = UserFactory.create(username="jiaoyu", department=education)
    return ProgressEntryFactory.create(target=target, department=education, created_by=author)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(entry: ProgressEntry, *, value: str, evidence: int = 0, **extra) -> dict:
    return {
        "task": str(entry.task_id),
        "target": str(entry.target_id),
        "jurisdiction": "",
        "year": str(entry.year),
        "quarter": "",
        "value": value,
        "narrative": entry.narrative,
        "evidence-TOTAL_FORMS": str(evidence),
        "evidence-INITIAL_FORMS": str(evidence - 1 if evidence and "evidence-0-id" in extra else 0),
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "1000",
        "_save": "保存",
        **extra,
    }


def test_reverting_a_returned_entry_to_its_submitted_version_keeps_it_returned_with_its_reason(
    entry,
):
    supervisor = SupervisorFactory(username="dudao")
    services.progress_entry_submit(entry=entry, by=entry.created_by)
    submitted_version = entry.history.latest()
    assert submitted_version.status == ProgressStatus.SUBMITTED
    services.progress_entry_return(entry=entry, by=supervisor, comment="请补充认定文件")

    # simple_history's revert page saves the old version through the admin's save_model.
    response = signed_in(entry.created_by).post(
        reverse(REVERT, args=[entry.pk, submitted_version.history_id]),
        form_data(entry, value="45.5"),
    )

    entry.refresh_from_db()
    assert response.status_code == 302
    assert (entry.get_status_display(), entry.review_comment, entry.reviewed_by) == (
        "已退回",
        "请补充认定文件",
        supervisor,
    )
    assert entry.value == Decimal("45.5")


def test_evidence_added_in_the_admin_is_the_authors_and_marks_the_entry_changed(entry):
    before = entry.updated_at
    upload = SimpleUploadedFile("认定名单.pdf", b"%PDF-1.4 list", content_type="application/pdf")

    response = signed_in(entry.created_by).post(
        reverse(CHANGE, args=[entry.pk]),
        form_data(entry, value="41.2", evidence=1, **{"evidence-0-file": upload}),
    )

    assert response.status_code == 302
    evidence = Evidence.objects.get(entry=entry)
    entry.refresh_from_db()
    assert evidence.uploaded_by == entry.created_by
    assert evidence.file.name.endswith(".pdf")
    assert entry.updated_at > before  # what incremental sync reads (evidence_add)


def test_evidence_of_a_submitted_entry_cannot_be_removed_in_the_admin(entry):
    evidence = services.evidence_add(
        entry=entry,
        by=entry.created_by,
        file=SimpleUploadedFile("名单.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
    )
    services.progress_entry_submit(entry=entry, by=entry.created_by)
    administrator = SupervisorFactory(username="admin", is_superuser=True)

    response = Client(raise_request_exception=False)
    response.force_login(administrator)
    answer = response.post(
        reverse(CHANGE, args=[entry.pk]),
        form_data(
            entry,
            value="41.2",
            evidence=1,
            **{
                "evidence-INITIAL_FORMS": "1",
                "evidence-0-id": str(evidence.pk),
                "evidence-0-entry": str(entry.pk),
                "evidence-0-DELETE": "on",
            },
        ),
    )

    assert answer.status_code == 403
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_a_draft_is_deleted_in_the_admin_by_its_department_and_a_submitted_entry_is_not(entry):
    other = ProgressEntryFactory(target=entry.target, department=entry.department, year=2022)
    services.progress_entry_submit(entry=other, by=entry.created_by)
    client = signed_in(entry.created_by)

    refused = client.post(reverse(DELETE, args=[other.pk]), {"post": "yes"})
    deleted = client.post(reverse(DELETE, args=[entry.pk]), {"post": "yes"})

    assert (refused.status_code, deleted.status_code) == (403, 302)
    assert list(ProgressEntry.objects.values_list("pk", flat=True)) == [other.pk]
