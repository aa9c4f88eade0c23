"""Which outbox job a worker finished, from Celery's own signal (the relay names each job it
sends ``outbox-<id>-<attempt>``). A retry is not an end; a job that failed for good is."""

from typing import Any

from celery import states
from celery.signals import task_postrun

from .services import outbox_message_finished


@task_postrun.connect(dispatch_uid="outbox_message_finished")
def _finished(*, task_id: str = "", state: str = "", **_: Any) -> None:
    if state in (states.SUCCESS, states.FAILURE):
        outbox_message_finished(task_id=task_id)
