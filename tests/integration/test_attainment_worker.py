"""Attainment jobs against PostgreSQL, Redis and a real Celery worker process: recompute after a
task list import and a report ingestion, repeated and concurrent runs, the nightly scan twice.

Skipped locally without the services, required in CI (see conftest)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from attainment.models import Attainment, Reminder, Status
from attainment.services import attainment_recompute
from attainment.tasks import attainment_recompute_task, nightly_scan_task
from reporting.services import report_upload_create
from reporting.tasks import report_process_task
from tasks_registry.services import tasklist_import
from tests.conftest import seed_file
from tests.factories import UserFactory
from tests.integration.conftest import wait_drained

pytestmark = [
    pytest.mark.integration,
    pytest.mark.seeds,
    pytest.mark.django_db(transaction=True),
]


def _snapshot() -> dict:
    return {
        (a.target_id, a.jurisdiction_id, a.year): (a.status, a.actual, a.ratio, a.updated_at)
        for a in Attainment.objects.all()
    }


def _nanyang_import() -> None:
    tasklist = seed_file("004")
    tasklist_import(
        data=tasklist.read_bytes(), filename=tasklist.name, plan_title="南阳市各部门工作任务清单"
    )


def _nanyang_through_the_worker(queue: str) -> None:
    """The Nanyang task list, then its 2023 report processed by the worker, which then runs the
    recomputes both enqueued."""
    _nanyang_import()
    path = seed_file("000")
    report, _ = report_upload_create(name=path.name, data=path.read_bytes())
    report_process_task.delay(report.pk)
    wait_drained(queue)


def test_worker_computes_nanyang_attainment_and_repeats_change_nothing(worker, reference_data):
    _nanyang_through_the_worker(worker)

    training = Attainment.objects.get(
        target__task__number="20", target__indicator__code="training_sessions", year=2023
    )
    assert training.status == Status.OVERDUE
    assert training.actual == 33938 and str(training.ratio) == "0.3394"
    assert training.sources[0]["line"] == 254 and "33938" in training.sources[0]["text"]
    dual = Attainment.objects.get(
        target__task__number="16", target__indicator__code="dual_qualified_ratio"
    )
    assert dual.status == Status.CONFLICT
    assert sorted(s["display"] for s in dual.sources) == ["41.2%", "≥60%"]

    before = _snapshot()
    for _ in range(2):
        attainment_recompute_task.delay()
    wait_drained(worker)
    assert _snapshot() == before  # same rows, not even rewritten


def test_two_recomputes_at_once_leave_one_row_per_period(reference_data):
    if connection.vendor != "postgresql":
        pytest.skip("并发锁只在 PostgreSQL 上有意义")
    _nanyang_import()
    Attainment.objects.all().delete()
    errors: list[BaseException] = []

    def run():
        try:
            attainment_recompute()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    keys = list(Attainment.objects.values_list("target_id", "jurisdiction_id", "year"))
    assert len(keys) == len(set(keys)) > 100


def test_the_nightly_scan_twice_sends_each_reminder_once(worker, reference_data):
    _nanyang_through_the_worker(worker)
    from tasks_registry.models import Department

    UserFactory(
        department=Department.objects.get(name="市人力资源和社会保障局"),
        email="rensheju@example.cn",
    )

    nightly_scan_task.delay()
    nightly_scan_task.delay()
    wait_drained(worker)

    overdue = Attainment.objects.get(
        target__task__number="20", target__indicator__code="training_sessions", year=2023
    )
    notices = list(Reminder.objects.filter(attainment=overdue))
    assert [(n.kind, n.recipients) for n in notices] == [("overdue", ["rensheju@example.cn"])]
    pairs = list(Reminder.objects.values_list("attainment_id", "kind"))
    assert len(pairs) == len(set(pairs)) > 0
