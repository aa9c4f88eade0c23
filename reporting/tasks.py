"""Background jobs for yearly reports. Bodies stay thin: call the service by id."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    autoretry_for=(
        OperationalError,
    ),  # a database briefly unreachable; a file that cannot be read is not retried
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
)
def report_process_task(report_id: int) -> None:
    """Extract and store a report's figures. Runs after an upload commits.

    Safe to repeat or to run concurrently: the service locks the report row and replaces its
    figures in one transaction, so a retry or a second run never duplicates figures.
    """
    services.report_process(report_id=report_id)
