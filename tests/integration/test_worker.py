"""The task-list upload job against PostgreSQL, Redis and a real Celery worker process.

These tests need the services; without them they are skipped locally, but CI sets
REQUIRE_SERVICES=1 and then a missing service fails the run instead of skipping it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from tasks_registry.models import ImportStatus, Plan, Target, Task, TaskListUpload
from tasks_registry.tasks import tasklist_upload_process_task
from tests.conftest import FIXTURES, seed_file
from tests.integration.conftest import wait_drained

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _wait_finished(upload: TaskListUpload, timeout: float = 60) -> TaskListUpload:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        upload.refresh_from_db()
        if upload.status in (ImportStatus.DONE, ImportStatus.FAILED):
            return upload
        time.sleep(0.3)
    pytest.fail(f"导入任务 {timeout} 秒内没有完成，状态仍为 {upload.get_status_display()}")


def _upload(path: Path, title: str) -> TaskListUpload:
    upload = TaskListUpload(plan_title=title)
    upload.file.save(path.name, ContentFile(path.read_bytes()), save=False)
    upload.save()
    return upload


@pytest.mark.seeds
def test_worker_imports_the_seed_task_list_and_a_rerun_does_not_duplicate(worker, reference_data):
    upload = _upload(seed_file("004"), "南阳市各部门工作任务清单")

    tasklist_upload_process_task.delay(upload.pk)
    upload = _wait_finished(upload)

    assert upload.status == ImportStatus.DONE, upload.message
    assert upload.summary["tasks"] == 27
    plan = Plan.objects.get(title="南阳市各部门工作任务清单")
    assert Task.objects.filter(plan=plan).count() == 27
    targets_before = Target.objects.filter(task__plan=plan).count()
    assert Task.objects.get(plan=plan, number="16").lead.name == "市教育局"

    # The same job twice more, at once: the claim lets one through, and re-importing is an upsert.
    TaskListUpload.objects.filter(pk=upload.pk).update(status=ImportStatus.PENDING)
    for _ in range(2):
        tasklist_upload_process_task.delay(upload.pk)
    wait_drained(worker)
    upload = _wait_finished(upload)
    assert upload.status == ImportStatus.DONE
    assert Task.objects.filter(plan=plan).count() == 27
    assert Target.objects.filter(task__plan=plan).count() == targets_before


def test_worker_records_a_refused_file_and_writes_nothing(worker, reference_data):
    upload = _upload(FIXTURES / "tasklists" / "bad_no_unit.txt", "坏清单")

    tasklist_upload_process_task.delay(upload.pk)
    upload = _wait_finished(upload)

    assert upload.status == ImportStatus.FAILED
    assert "bad_no_unit.txt" in upload.message and "第 8 行" in upload.message
    assert not Plan.objects.filter(title="坏清单").exists()
    assert Task.objects.count() == 0
