"""The sweep (beat every minute, or `manage.py relay_outbox` from cron): a job the broker took but
that never finished is handed over again; after JOBS_MAX_ATTEMPTS the report or upload is marked
失败 with the reason; an upload left 导入中 with no job at all gets one. Jobs run in-process here
(the test settings), so what the sweep hands over runs at once."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from attainment.tasks import attainment_recompute_task
from outbox.models import OutboxMessage
from reporting import services as reporting_services
from reporting.models import Report, ReportStatus
from tasks_registry.models import ImportStatus, TaskListUpload
from tests.conftest import FIXTURES

TEXT_2023 = (
    "开封市职业教育质量年度报告（2023 年度）\n\n一、基本情况\n\n"
    "全市中等职业学校在校生 4.6 万人，全年完成培训 5.2 万人次。\n"
)
LONG_AGO = timedelta(hours=2)


def relay_outbox() -> str:
    out = StringIO()
    call_command("relay_outbox", stdout=out, stderr=StringIO())
    return out.getvalue()


def lost_report() -> Report:
    """A report whose job was handed to the broker two hours ago and never finished."""
    report, _ = reporting_services.report_upload_create(
        name="开封市2023年报告.txt", data=TEXT_2023.encode()
    )
    OutboxMessage.objects.filter(key=reporting_services.report_job_key(report.pk)).update(
        sent_at=timezone.now() - LONG_AGO, attempts=1
    )
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.PROCESSING, updated_at=timezone.now() - LONG_AGO
    )
    return report


@pytest.mark.django_db
def test_a_report_whose_job_was_lost_is_processed_again_by_the_sweep(
    reference_data, django_capture_on_commit_callbacks
):
    report = lost_report()

    with django_capture_on_commit_callbacks(execute=True):
        output = relay_outbox()

    report.refresh_from_db()
    assert report.get_status_display() == "已完成", report.message
    assert report.figures.count() > 0
    message = OutboxMessage.objects.get(key=reporting_services.report_job_key(report.pk))
    assert (message.attempts, message.finished_at is not None) == (2, True)
    assert "重新交付 1" in output


@pytest.mark.django_db
def test_after_the_last_attempt_the_report_is_marked_failed_with_the_reason(
    reference_data, settings
):
    report = lost_report()
    OutboxMessage.objects.filter(key=reporting_services.report_job_key(report.pk)).update(
        attempts=settings.JOBS_MAX_ATTEMPTS
    )

    output = relay_outbox()

    report.refresh_from_db()
    assert report.get_status_display() == "失败"
    assert report.message.startswith("开封市2023年报告.txt：后台处理已尝试 3 次")
    assert "请检查文件后重新上传" in report.message
    assert "放弃 1" in output and "标记失败 1" in output
    assert OutboxMessage.objects.get().given_up_at is not None


@pytest.mark.django_db
def test_a_report_still_running_is_left_alone(reference_data):
    report, _ = reporting_services.report_upload_create(
        name="开封市2023年报告.txt", data=TEXT_2023.encode()
    )
    OutboxMessage.objects.update(sent_at=timezone.now(), attempts=1)  # handed over just now

    relay_outbox()

    report.refresh_from_db()
    assert report.status == ReportStatus.UPLOADED
    assert OutboxMessage.objects.get().attempts == 1


@pytest.mark.django_db
def test_an_upload_left_importing_with_no_job_is_imported_by_the_sweep(
    reference_data, django_capture_on_commit_callbacks
):
    data = (FIXTURES / "tasklists" / "zhoukou_markdown.md").read_bytes()
    upload = TaskListUpload.objects.create(
        file=ContentFile(data, name="zhoukou.md"),
        plan_title="周口市职业教育方案",
        status=ImportStatus.PROCESSING,
    )
    TaskListUpload.objects.filter(pk=upload.pk).update(created_at=timezone.now() - LONG_AGO)

    with django_capture_on_commit_callbacks(execute=True):
        output = relay_outbox()

    upload.refresh_from_db()
    assert upload.get_status_display() == "已完成", upload.message
    assert upload.message.startswith("导入 ")
    assert "任务清单：重试 1" in output


@pytest.mark.django_db
def test_an_upload_whose_jobs_all_failed_to_finish_is_marked_failed(reference_data, settings):
    upload = TaskListUpload.objects.create(
        file=ContentFile(b"x", name="clist.md"), plan_title="方案", status=ImportStatus.PENDING
    )
    TaskListUpload.objects.filter(pk=upload.pk).update(created_at=timezone.now() - LONG_AGO)
    OutboxMessage.objects.create(
        task_name="tasks_registry.tasks.tasklist_upload_process_task",
        kwargs={"upload_id": upload.pk},
        key=f"tasks_registry.tasklistupload:{upload.pk}",
        sent_at=timezone.now() - LONG_AGO,
        attempts=settings.JOBS_MAX_ATTEMPTS,
    )

    relay_outbox()

    upload.refresh_from_db()
    assert upload.get_status_display() == "失败"
    assert "后台导入已尝试 3 次" in upload.message


@pytest.mark.django_db
def test_a_recompute_that_never_finished_is_handed_over_again(reference_data):
    message = OutboxMessage.objects.create(
        task_name=attainment_recompute_task.name,
        kwargs={"target_ids": []},
        sent_at=timezone.now() - LONG_AGO,
        attempts=1,
    )

    relay_outbox()

    message.refresh_from_db()
    assert message.attempts == 2
    assert message.finished_at is not None  # ran in-process, to its end
