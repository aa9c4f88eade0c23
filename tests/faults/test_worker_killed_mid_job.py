"""A worker killed during a report's extraction or a task list's import: the job is redone, not
lost. A pool process
killed (as the OOM killer does) sends the job back to the queue at once (acks_late with
task_reject_on_worker_lost); a whole worker killed leaves it unacknowledged in Redis, and another
worker takes it after the visibility timeout (short here; 2× the longest job in production).

Real worker processes on the test's own redis-server; they share the test database, so these
need PostgreSQL (skipped without it, failed instead under REQUIRE_SERVICES=1)."""

from __future__ import annotations

import os
import signal

import pytest
from django.core.files.base import ContentFile

from outbox.models import OutboxMessage
from reporting import services
from reporting.models import Report, ReportStatus
from tasks_registry import services as tasks
from tasks_registry.models import ImportStatus, Plan, TaskListUpload
from tests.conftest import FIXTURES
from tests.factories import SupervisorFactory
from tests.faults.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

# A real report made slow to read: a million and a half blank lines take seconds to get through,
# long enough to kill the worker while it is at it.
TEXT_2023 = (
    "开封市职业教育质量年度报告（2023 年度）\n\n一、基本情况\n\n"
    "全市中等职业学校在校生 4.6 万人，全年完成培训 5.2 万人次。\n"
    + "\n" * 1_500_000
    + "二、其他\n\n全市毕业生 1.4 万人。\n"
)


def upload_slow_report() -> Report:
    report, created = services.report_upload_create(
        name="开封市2023年报告.txt", data=TEXT_2023.encode()
    )
    assert created
    return report


def status_of(report: Report) -> str:
    report.refresh_from_db()
    return report.status


def test_a_pool_process_killed_mid_extraction_has_its_job_redone(
    reference_data, broker, make_worker
):
    server, queue = broker
    worker = make_worker(server.url, queue)
    worker.start()

    report = upload_slow_report()
    wait_for(
        lambda: status_of(report) == ReportStatus.PROCESSING and worker.children(),
        timeout=120,
        what="开始处理报告",
    )
    for pid in worker.children():
        os.kill(pid, signal.SIGKILL)

    wait_for(
        lambda: status_of(report) in (ReportStatus.DONE, ReportStatus.FAILED),
        timeout=180,
        what="在 worker 子进程被杀后重新处理报告",
    )
    assert report.get_status_display() == "已完成", report.message
    assert report.figures.count() >= 2
    assert "WorkerLostError" in worker.log.read_text()  # it was killed mid-job, and redone
    message = OutboxMessage.objects.get(key=services.report_job_key(report.pk))
    assert message.attempts == 1  # redone by the broker's redelivery, not a second hand-over


def test_a_whole_worker_killed_mid_extraction_has_its_job_taken_by_the_next_worker(
    reference_data, broker, make_worker
):
    server, queue = broker
    short = {"CELERY_VISIBILITY_TIMEOUT": "5"}
    first = make_worker(server.url, queue, extra_env=short)
    first.start()

    report = upload_slow_report()
    wait_for(
        lambda: status_of(report) == ReportStatus.PROCESSING,
        timeout=120,
        what="开始处理报告",
    )
    first.kill_all()
    assert status_of(report) == ReportStatus.PROCESSING  # left half-done by the dead worker

    make_worker(server.url, queue, extra_env=short).start()
    wait_for(
        lambda: status_of(report) in (ReportStatus.DONE, ReportStatus.FAILED),
        timeout=180,
        what="由下一个 worker 重新处理报告",
    )
    assert report.get_status_display() == "已完成", report.message
    assert report.figures.count() >= 2


def test_a_pool_process_killed_mid_import_has_the_task_list_imported_once(
    reference_data, broker, make_worker
):
    server, queue = broker
    worker = make_worker(server.url, queue)
    worker.start()
    # Our own markdown task list, with a million and a half blank lines after its title: seconds
    # to read, so the import is still running when its process is killed.
    head, _, rest = (FIXTURES / "tasklists" / "zhoukou_markdown.md").read_text().partition("\n")
    upload = TaskListUpload(plan_title="周口市职业教育方案")
    slow = head + "\n" * 1_500_000 + rest
    upload.file.save("周口市任务清单.md", ContentFile(slow.encode()), save=False)
    tasks.tasklist_upload_submit(upload=upload, by=SupervisorFactory.create())

    def status() -> str:
        upload.refresh_from_db()
        return upload.status

    wait_for(
        lambda: status() == ImportStatus.PROCESSING and worker.children(),
        timeout=120,
        what="开始导入任务清单",
    )
    for pid in worker.children():
        os.kill(pid, signal.SIGKILL)

    wait_for(
        lambda: status() in (ImportStatus.DONE, ImportStatus.FAILED),
        timeout=180,
        what="在 worker 子进程被杀后重新导入任务清单",
    )
    assert upload.get_status_display() == "已完成", upload.message
    assert "WorkerLostError" in worker.log.read_text()  # killed mid-import, and redone
    plan = Plan.objects.get(title="周口市职业教育方案")
    assert plan.tasks.count() > 0
    assert Plan.objects.filter(title="周口市职业教育方案").count() == 1  # imported once
