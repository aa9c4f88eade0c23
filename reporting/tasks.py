"""Background jobs for yearly reports. Bodies stay thin: call the service by id."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from . import services


@shared_task(
    name=services.REPORT_PROCESS_TASK,
    autoretry_for=(
        OperationalError,
    ),  # a database briefly unreachable; a file that cannot be read is not retried
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
    # Reading a file is bounded: past the soft limit the report is marked 失败 (处理超时).
    time_limit=settings.JOB_PARSE_TIME_LIMIT,
    soft_time_limit=settings.JOB_PARSE_TIME_LIMIT - 30,
)
def report_process_task(report_id: int) -> None:
    """Extract and store a report's figures. Enqueued through the outbox when an upload commits.

    Safe to repeat or to run concurrently: the service locks the report row and replaces its
    figures in one transaction, so a retry or a second run never duplicates figures.
    """
    services.report_process(report_id=report_id)


@shared_task(acks_late=True)
def reports_stuck_sweep_task() -> dict[str, int]:
    """Every minute (beat): reports left 已上传/处理中 with no job under way are processed again,
    or marked 失败 after JOBS_MAX_ATTEMPTS. Safe to run twice."""
    return services.reports_stuck_sweep()
