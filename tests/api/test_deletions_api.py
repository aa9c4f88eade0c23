"""/api/v1/deletions/: what an incremental sync cannot see in the lists themselves. Whatever door a
record leaves by (a draft deleted through the API or the admin, figures replaced when a report is
re-processed, attainments of a target that no longer applies), the office's next sync with the
same ``updated_since`` learns to drop it."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from attainment.models import Attainment
from attainment.services import attainment_recompute
from reporting import services as reporting_services
from reporting.models import Figure
from tasks_registry.models import Evidence, ProgressEntry
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db

DELETIONS = "/api/v1/deletions/"
NANYANG_SAMPLE = FIXTURES / "sample" / "南阳市2023年职业教育质量年度报告示例.txt"


def deleted_since(client, moment: datetime.datetime, **params) -> set[tuple[str, int]]:
    response = client.get(
        DELETIONS, {"updated_since": moment.isoformat(), "page_size": 500, **params}
    )
    assert response.status_code == 200, response.content[:300]
    return {(r["kind"], r["record_id"]) for r in response.json()["results"]}


def test_a_draft_deleted_through_the_api_is_listed_with_its_evidence_for_the_office(world, clients):
    from django.core.files.base import ContentFile

    evidence = Evidence.objects.create(
        entry=world.draft, file=ContentFile(b"x", name="sign.txt"), description="签到表"
    )
    since = timezone.now()

    assert clients["staff"].delete(f"/api/v1/progress-entries/{world.draft.pk}/").status_code == 204

    assert deleted_since(clients["office"], since) == {
        ("progress-entries", world.draft.pk),
        ("evidence", evidence.pk),
    }
    listed = (
        clients["office"]
        .get("/api/v1/progress-entries/", {"updated_since": since.isoformat()})
        .json()
    )
    assert listed["count"] == 0  # the list alone would never say it is gone


def test_a_draft_deleted_in_the_admin_is_listed_too(world, client):
    since = timezone.now()
    client.force_login(world.users["staff"])

    response = client.post(
        f"/admin/tasks_registry/progressentry/{world.draft.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302, response.content[:300]
    assert not ProgressEntry.objects.filter(pk=world.draft.pk).exists()
    assert ("progress-entries", world.draft.pk) in deleted_since(_office(world), since)


def test_figures_replaced_when_a_report_is_reprocessed_are_listed_by_id(reference_data, world):
    report, _ = reporting_services.report_upload_create(
        name=NANYANG_SAMPLE.name, data=NANYANG_SAMPLE.read_bytes()
    )
    reporting_services.report_process(report_id=report.pk)
    first = set(Figure.objects.filter(report=report).values_list("pk", flat=True))
    since = timezone.now()

    reporting_services.report_process(report_id=report.pk)

    gone = {
        ("figures", pk)
        for pk in first - set(Figure.objects.filter(report=report).values_list("pk", flat=True))
    }
    assert len(gone) == len(first) > 10
    assert deleted_since(_office(world), since, kind="figures") == gone


def test_attainments_of_a_target_that_no_longer_applies_are_listed(world):
    rows = set(Attainment.objects.filter(target=world.target).values_list("pk", flat=True))
    assert rows
    world.target.is_active = False  # dropped from the task list on re-import
    world.target.save()
    since = timezone.now()

    attainment_recompute(target_ids=[world.target.pk])

    assert not Attainment.objects.filter(target=world.target).exists()
    assert deleted_since(_office(world), since, kind="attainments") == {
        ("attainments", pk) for pk in rows
    }


def test_a_delete_that_is_rolled_back_leaves_no_deletion(world, clients):
    since = timezone.now()
    pk = world.draft.pk
    with pytest.raises(RuntimeError), transaction.atomic():
        world.draft.delete()
        raise RuntimeError("the request failed after the delete")

    assert ProgressEntry.objects.filter(pk=pk).exists()
    assert deleted_since(clients["office"], since) == set()


def test_an_unknown_kind_is_refused_with_the_lists_it_can_be(world, clients):
    response = clients["office"].get(DELETIONS, {"kind": "drafts"})

    assert response.status_code == 400
    assert "kind" in response.json()["error"]["fields"]


def _office(world):
    from tests.api.conftest import token_client

    return token_client(world.users["office"])
