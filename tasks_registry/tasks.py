"""Background jobs of the task registry. Bodies stay thin: load by id, call the service."""

from celery import shared_task
from django.db import OperationalError

from . import services
from .models import TaskListUpload


@shared_task(
    autoretry_for=(
        OperationalError,
    ),  # a database that is briefly unreachable; parse errors are not retried
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
)
def tasklist_upload_process_task(upload_id: int) -> None:
    """Import an uploaded task list. Runs after an admin upload commits.

    Safe to repeat: the service claims the upload with a conditional update, and the import itself
    updates in place, so a second run (or a retry) never duplicates tasks.
    """
    upload = TaskListUpload.objects.filter(pk=upload_id).first()
    if upload is None:
        return
    services.tasklist_upload_process(upload=upload)
