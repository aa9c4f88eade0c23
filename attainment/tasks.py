"""Background jobs for attainment. Bodies stay thin: call the service."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, acks_late=True)
def attainment_recompute_task(target_ids: list[int] | None = None) -> dict[str, int]:
    """Recompute the given targets (all if None). Enqueued after a report is ingested, a figure
    reviewed, a progress entry approved or a target changed. Safe to repeat or run concurrently:
    the targets are locked for the run and rows are upserted by target, place and period."""
    return services.attainment_recompute(target_ids=target_ids).as_json()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, acks_late=True)
def attainment_recompute_for_figures_task(
    indicator_ids: list[int], jurisdiction_ids: list[int]
) -> dict[str, int]:
    """Recompute only the targets that figures for these indicators and places can affect."""
    target_ids = services.targets_affected_by(
        indicator_ids=indicator_ids, jurisdiction_ids=jurisdiction_ids
    )
    return services.attainment_recompute(target_ids=target_ids).as_json()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, acks_late=True)
def nightly_scan_task() -> dict:
    """Run by celery beat every night (schedule in the admin, 定时任务): recompute everything,
    mark what became overdue, send reminders. Safe to run twice: reminders are claimed once each."""
    return services.nightly_scan()
