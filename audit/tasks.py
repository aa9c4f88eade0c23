"""Background jobs for the audit trail."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, acks_late=True)
def audit_prune_task() -> int:
    """Run by celery beat every night (schedule in the admin, 定时任务): delete audit events older
    than AUDIT_RETENTION_DAYS. Safe to repeat: a second run finds nothing older to delete."""
    return services.audit_prune()
