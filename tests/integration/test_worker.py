"""The task-list upload job against PostgreSQL, Redis and a real Celery worker process.

These tests need the services; without them they are skipped locally, but CI sets
REQUIRE_SERVICES=1 and then a missing service fails the run instead of skipping it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from config.celery_app import app as celery_app
from tasks_registry.models import ImportStatus, Plan, Target, Task, TaskListUpload
from tasks_registry.tasks import tasklist_upload_process_task
from tests.conftest import FIXTURES, ROOT, seed_file

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _services_missing() -> str | None:
    if connection.vendor != "postgresql":
        return "DATABASE_URL 未指向 PostgreSQL"
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        return "CELERY_BROKER_URL 未指向 Redis"
    try:
        import redis

        redis.Redis.from_url(broker).ping()
    except Exception as exc:  # any failure to reach Redis means the service is missing
        return f"Redis 不可用：{exc}"
    return None


@pytest.fixture
def worker(settings, tmp_path):
    missing = _services_missing()
    if missing:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"集成测试需要的服务不可用：{missing}")
        pytest.skip(missing)
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    queue = f"it-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "DJANGO_MEDIA_ROOT": str(media),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue, "-l", "warning",
         "--without-heartbeat", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    old = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            replies = celery_app.control.ping(timeout=1, destination=None) or []
            if replies:
                break
            if proc.poll() is not None:
                pytest.fail("Celery worker 启动失败：\n" + (proc.stdout.read() if proc.stdout else ""))
        else:
            pytest.fail("Celery worker 60 秒内没有响应")
        yield queue
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = old
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _database_url() -> str:
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def _wait_finished(upload: TaskListUpload, timeout: float = 60) -> TaskListUpload:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        upload.refresh_from_db()
        if upload.status in (ImportStatus.DONE, ImportStatus.FAILED):
            return upload
        time.sleep(0.3)
    pytest.fail(f"导入任务 {timeout} 秒内没有完成，状态仍为 {upload.get_status_display()}")


def _wait_drained(queue: str, timeout: float = 60) -> None:
    """Until the broker queue is empty and the worker runs nothing: every delivery has been handled."""
    import redis

    client = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        active = celery_app.control.inspect(timeout=1).active() or {}
        if client.llen(queue) == 0 and active and not any(active.values()):
            return
        time.sleep(0.3)
    pytest.fail(f"队列 {queue} {timeout} 秒内没有处理完")


def _upload(path: Path, title: str) -> TaskListUpload:
    upload = TaskListUpload(plan_title=title)
    upload.file.save(path.name, ContentFile(path.read_bytes()), save=False)
    upload.save()
    return upload


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
    _wait_drained(worker)
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
