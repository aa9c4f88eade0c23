"""Background jobs of the task registry. Bodies stay thin: load by id, call the service."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from . import services
from .models import TaskListUpload


@shared_task(
    name=services.TASKLIST_UPLOAD_TASK,
    autoretry_for=(
        OperationalError,
    ),  # a database that is briefly unreachable; parse errors are not retried
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
    # Reading a file is bounded: past the soft limit the upload is marked 失败 (导入超时).
    time_limit=settings.JOB_PARSE_TIME_LIMIT,
    soft_time_limit=settings.JOB_PARSE_TIME_LIMIT - 30,
)
def tasklist_upload_process_task(upload_id: int) -> None:
    """Import an uploaded task list. Enqueued through the outbox when an admin upload commits.

    Safe to repeat: the service locks the upload row for the run, and the import itself updates
    in place, so a second run (a retry, a redelivery) never duplicates tasks.
    """
    upload = TaskListUpload.objects.filter(pk=upload_id).first()
    if upload is None:
        return
    services.tasklist_upload_process(upload=upload)


@shared_task(acks_late=True)
def tasklist_uploads_stuck_sweep_task() -> dict[str, int]:
    """Every minute (beat): uploads left 排队中/导入中 with no job under way are imported again,
    or marked 失败 after JOBS_MAX_ATTEMPTS. Safe to run twice."""
    return services.tasklist_uploads_stuck_sweep()
