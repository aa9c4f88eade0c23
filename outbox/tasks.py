"""The outbox sweep, run by celery beat every minute (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, acks_late=True)
def outbox_relay_task() -> dict[str, int]:
    """Hand to the broker the jobs written while it was down, and again those that never finished.
    Safe to run concurrently with itself and with the relay after each commit (claims per row)."""
    return services.outbox_relay().as_json()
