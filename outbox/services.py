"""Writing background jobs into the outbox and handing them to the broker.

Why an outbox: a change (an approval, an upload) and the job it needs (a recompute, an
extraction) must not part ways when Redis is down. The job is a row committed with the change;
handing it to the broker is tried right after the commit and again by the sweep (beat every
minute, or ``manage.py relay_outbox`` from cron) until the broker takes it. A job the broker took
but that never finished (its worker died, Redis lost it) is handed over again after
OUTBOX_RESEND_AFTER_SECONDS, at most JOBS_MAX_ATTEMPTS times. Every job is safe to run twice.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone
from kombu.exceptions import KombuError

from .models import OutboxMessage

logger = logging.getLogger(__name__)

DEFERRED_NOTICE = "已保存，后台处理将在服务恢复后自动进行"

# Set when a job of the current request (or command) could not be handed to the broker; read by
# outbox.middleware to tell the user their change is saved and its background part will follow.
_deferred: ContextVar[bool] = ContextVar("outbox_deferred", default=False)

# What a broker that is down raises: kombu's wrapped connection errors, or a raw socket error.
BROKER_ERRORS = (KombuError, OSError)

TASK_ID_PREFIX = "outbox-"


def outbox_enqueue(
    *, task: str, kwargs: dict[str, object] | None = None, key: str = ""
) -> OutboxMessage:
    """Write a job for ``task`` (its Celery name) in the current transaction; it is handed to the
    broker once that transaction commits, or later by the sweep if the broker is down then."""
    message = OutboxMessage.objects.create(task_name=task, kwargs=kwargs or {}, key=key[:100])
    transaction.on_commit(lambda: outbox_send(message_id=message.pk))
    return message


def outbox_send(*, message_id: int) -> bool:
    """Hand one unsent job to the broker. Never raises for a broker that is down: the job stays
    unsent (with the error) for the sweep. False when it was not sent now, by this call."""
    claimed = OutboxMessage.objects.filter(
        pk=message_id, sent_at=None, finished_at=None, given_up_at=None
    ).update(sent_at=timezone.now(), attempts=F("attempts") + 1)
    if not claimed:
        return False  # sent already, by the sweep or a concurrent relay
    return _publish(OutboxMessage.objects.get(pk=message_id))


def _publish(message: OutboxMessage) -> bool:
    task = current_app.tasks.get(message.task_name)
    if task is None:
        # A web process has not imported every app's tasks module (a worker does at start).
        current_app.loader.import_default_modules()
        task = current_app.tasks.get(message.task_name)
    if task is None:
        OutboxMessage.objects.filter(pk=message.pk).update(
            given_up_at=timezone.now(), last_error=f"未知的后台任务 {message.task_name}"
        )
        logger.error("outbox: unknown task %s (message %s)", message.task_name, message.pk)
        return False
    try:
        # retry=False: one attempt, so that a request answers at once when Redis is down; the
        # sweep tries again. Under CELERY_TASK_ALWAYS_EAGER this runs the job right here.
        task.apply_async(
            kwargs=message.kwargs,
            task_id=f"{TASK_ID_PREFIX}{message.pk}-{message.attempts}",
            retry=False,
        )
    except BROKER_ERRORS as exc:
        OutboxMessage.objects.filter(pk=message.pk).update(
            sent_at=None,
            attempts=F("attempts") - 1,
            last_error=f"{timezone.localtime():%Y-%m-%d %H:%M:%S} 无法连接任务队列：{exc}"[:1000],
        )
        logger.warning(
            "outbox: broker unreachable, %s (message %s) kept for the sweep: %s",
            message.task_name,
            message.pk,
            exc,
        )
        _deferred.set(True)
        return False
    return True


def outbox_message_finished(*, task_id: str) -> None:
    """Record that the job sent as ``task_id`` ran to its end (succeeded or failed for good)."""
    if not task_id.startswith(TASK_ID_PREFIX):
        return
    try:
        pk = int(task_id[len(TASK_ID_PREFIX) :].split("-", 1)[0])
    except ValueError:
        return
    OutboxMessage.objects.filter(pk=pk, finished_at=None).update(finished_at=timezone.now())


@dataclass(frozen=True)
class RelayResult:
    sent: int
    resent: int
    given_up: int
    waiting: int  # still unsent: the broker is down

    def as_json(self) -> dict[str, int]:
        return {
            "sent": self.sent,
            "resent": self.resent,
            "given_up": self.given_up,
            "waiting": self.waiting,
        }


def outbox_open() -> QuerySet[OutboxMessage]:
    """Jobs not finished and not given up: unsent, queued or running."""
    return OutboxMessage.objects.filter(finished_at=None, given_up_at=None)


def outbox_relay(*, limit: int = 500) -> RelayResult:
    """The sweep: hand unsent jobs to the broker; hand again those the broker took long ago that
    never finished; give up on those handed over JOBS_MAX_ATTEMPTS times. Stops at the first
    broker error (it is down: the rest would only wait for the same timeout). Safe to run
    concurrently: each job is claimed with a conditional update before it is sent."""
    now = timezone.now()
    max_attempts = settings.JOBS_MAX_ATTEMPTS
    stale = Q(sent_at__lt=now - timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS))
    given_up = (
        outbox_open()
        .filter(stale, attempts__gte=max_attempts)
        .update(
            given_up_at=now,
            last_error=(
                f"已交给任务队列 {max_attempts} 次，每次都未在 "
                f"{settings.OUTBOX_RESEND_AFTER_SECONDS // 60} 分钟内完成，不再重试"
            ),
        )
    )
    if given_up:
        logger.error("outbox: gave up on %s job(s) after %s attempts", given_up, max_attempts)
    sent = resent = 0
    broker_down = False
    for pk in outbox_open().filter(stale).order_by("sent_at").values_list("pk", flat=True)[:limit]:
        claimed = (
            outbox_open()
            .filter(stale, pk=pk, attempts__lt=max_attempts)
            .update(sent_at=now, attempts=F("attempts") + 1)
        )
        if claimed and not _publish(OutboxMessage.objects.get(pk=pk)):
            broker_down = True
            break
        resent += claimed
    if not broker_down:
        unsent = outbox_open().filter(sent_at=None).order_by("pk")
        for pk in unsent.values_list("pk", flat=True)[:limit]:
            if outbox_send(message_id=pk):
                sent += 1
            elif OutboxMessage.objects.filter(pk=pk, sent_at=None, given_up_at=None).exists():
                break  # not sent and still unsent: the broker refused it
    keep = now - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    OutboxMessage.objects.filter(
        Q(finished_at__lt=keep) | Q(given_up_at__lt=keep), created_at__lt=keep
    ).delete()
    waiting = outbox_open().filter(sent_at=None).count()
    return RelayResult(sent=sent, resent=resent, given_up=given_up, waiting=waiting)


def outbox_attempts(*, key: str) -> int:
    """How many times jobs about ``key`` were handed to the broker, all messages together."""
    total = OutboxMessage.objects.filter(key=key).aggregate(n=Sum("attempts"))["n"]
    return int(total or 0)


def outbox_has_open(*, key: str) -> bool:
    """Is a job about ``key`` waiting for the broker, queued or running?"""
    return outbox_open().filter(key=key).exists()


def outbox_last_error(*, key: str) -> str:
    """The last delivery error recorded for jobs about ``key``, or ""."""
    message = OutboxMessage.objects.filter(key=key).exclude(last_error="").order_by("-pk").first()
    return message.last_error if message else ""


def outbox_deferred() -> bool:
    """Did a job of the current request fail to reach the broker (so it follows later)?"""
    return _deferred.get()


def outbox_deferred_reset() -> None:
    _deferred.set(False)
