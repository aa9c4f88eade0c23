"""/api/v1/deletions/ lists to each caller only the deletions of records they could see: staff of
one department never learn the ids of another department's deleted entries, evidence, tasks,
targets or attainments, while supervisors and the office see every deletion."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from api.models import Deletion
from tasks_registry.models import Evidence
from tests.api.conftest import token_client
from tests.factories import ProgressEntryFactory, TargetFactory, TaskFactory
from tests.security.world_fixtures import clients_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

DELETIONS = "/api/v1/deletions/"


def listed(client, since) -> set[tuple[str, int]]:
    response = client.get(DELETIONS, {"updated_since": since.isoformat(), "page_size": 500})
    assert response.status_code == 200, response.content[:300]
    return {(r["kind"], r["record_id"]) for r in response.json()["results"]}


def test_staff_do_not_see_another_departments_deleted_entry_and_its_evidence(world, clients):
    since = timezone.now()
    draft = ProgressEntryFactory.create(
        target=world.other_entry.target,
        department=world.other,
        created_by=world.users["other_staff"],
    )
    evidence = Evidence.objects.create(entry=draft, file=ContentFile(b"x", name="名单.txt"))
    gone = {("progress-entries", draft.pk), ("evidence", evidence.pk)}

    assert clients["other_staff"].delete(f"/api/v1/progress-entries/{draft.pk}/").status_code == 204

    assert listed(clients["other_staff"], since) == gone
    assert listed(clients["staff"], since) == set()
    assert listed(clients["supervisor"], since) == gone
    assert listed(clients["office"], since) == gone


def test_a_deleted_task_is_listed_to_the_departments_that_worked_on_it_and_no_other(world, clients):
    since = timezone.now()
    task = TaskFactory.create(plan=world.plan, lead=world.other)  # 市财政局's alone
    target = TargetFactory.create(task=task)
    shared = TaskFactory.create(plan=world.plan, lead=world.other, co=[world.own])

    task_id, target_id, shared_id = task.pk, target.pk, shared.pk
    task.delete()
    shared.delete()

    assert listed(clients["other_staff"], since) == {
        ("tasks", task_id),
        ("targets", target_id),
        ("tasks", shared_id),
    }
    assert listed(clients["staff"], since) == {("tasks", shared_id)}
    assert listed(clients["supervisor"], since) == {
        ("tasks", task_id),
        ("targets", target_id),
        ("tasks", shared_id),
    }


def test_a_deletion_of_what_every_reader_saw_is_listed_to_every_reader(world, clients):
    since = timezone.now()
    figure_id = world.figure.pk
    world.figure.delete()

    for role in ("staff", "other_staff", "supervisor", "office"):
        assert listed(clients[role], since) == {("figures", figure_id)}, role


def test_a_deleted_entry_cannot_be_fetched_by_id_by_another_department(world, clients):
    draft_id = world.draft.pk
    world.draft.delete()
    deletion = Deletion.objects.get(kind="progress-entries", record_id=draft_id)

    assert clients["other_staff"].get(f"{DELETIONS}{deletion.pk}/").status_code == 404
    assert clients["staff"].get(f"{DELETIONS}{deletion.pk}/").status_code == 200


def test_staff_with_a_fresh_token_see_their_own_deleted_entry(world):
    since = timezone.now()
    draft_id = world.draft.pk
    world.draft.delete()

    assert listed(token_client(world.users["staff"]), since) == {("progress-entries", draft_id)}
