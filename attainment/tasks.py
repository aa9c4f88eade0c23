"""Background jobs for attainment, and how the rest of the code asks for them.

Bodies stay thin: call the service. Services of every app that change what attainment is computed
from (an import, an approval, a reviewed figure, a confirmed link) call the ``*_enqueue`` functions
below; this module imports attainment.services and nothing imports it back, so there is no cycle.
"""

from collections.abc import Iterable

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from outbox.services import outbox_enqueue

from . import services

# Per-task limits (settings, from the environment); the soft one leaves 30 s to stop cleanly.
LIMITS = {
    "time_limit": settings.JOB_RECOMPUTE_TIME_LIMIT,
    "soft_time_limit": settings.JOB_RECOMPUTE_TIME_LIMIT - 30,
}


@shared_task(
    autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, acks_late=True, **LIMITS
)
def attainment_recompute_task(target_ids: list[int] | None = None) -> dict[str, int]:
    """Recompute the given targets (all if None). Enqueued after a report is ingested, a figure
    reviewed, a progress entry approved or a target changed. Safe to repeat or run concurrently:
    the targets are locked for the run and rows are upserted by target, place and period."""
    return services.attainment_recompute(target_ids=target_ids).as_json()


@shared_task(
    autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, acks_late=True, **LIMITS
)
def attainment_recompute_for_figures_task(
    indicator_ids: list[int], jurisdiction_ids: list[int]
) -> dict[str, int]:
    """Recompute only the targets that figures for these indicators and places can affect."""
    target_ids = services.targets_affected_by(
        indicator_ids=indicator_ids, jurisdiction_ids=jurisdiction_ids
    )
    return services.attainment_recompute(target_ids=target_ids).as_json()


@shared_task(
    autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, acks_late=True, **LIMITS
)
def nightly_scan_task() -> dict:
    """Run by celery beat every night (schedule in the admin, 定时任务): recompute everything,
    mark what became overdue, send reminders. Safe to run twice: reminders are claimed once each."""
    return services.nightly_scan()


def attainment_recompute_enqueue(*, target_ids: Iterable[int]) -> None:
    """Recompute these targets in the background: written to the outbox in the current
    transaction, handed to the broker once it commits (or later, if the broker is down)."""
    ids = sorted(set(target_ids))
    if ids:
        outbox_enqueue(task=attainment_recompute_task.name, kwargs={"target_ids": ids})


def attainment_recompute_for_figures_enqueue(
    *, indicator_ids: Iterable[int | None], jurisdiction_ids: Iterable[int | None]
) -> None:
    """After commit, recompute the targets that figures for these indicators and places affect."""
    indicators = sorted({i for i in indicator_ids if i})
    places = sorted({j for j in jurisdiction_ids if j})
    if indicators and places:
        outbox_enqueue(
            task=attainment_recompute_for_figures_task.name,
            kwargs={"indicator_ids": indicators, "jurisdiction_ids": places},
        )
