"""The outbox: background jobs written in the same transaction as the change that needs them.

A job is never lost because the broker (Redis) was down at the moment of the change: the row
commits with the change, and a relay hands it to the broker then or later (outbox.services).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class OutboxMessage(models.Model):
    """One background job: which task with which arguments, and how its delivery went."""

    task_name = models.CharField("任务", max_length=200)
    kwargs = models.JSONField("参数", default=dict, blank=True)
    # What the job works on ("reporting.report:42"), so that a sweep can tell how often a report
    # or an upload was tried; empty for jobs about no one row (a recompute).
    key = models.CharField("处理对象", max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField("交给队列时间", null=True, blank=True)
    attempts = models.PositiveIntegerField("交付次数", default=0)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    given_up_at = models.DateTimeField("放弃时间", null=True, blank=True)
    last_error = models.TextField("最近错误", blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering: ClassVar[list[str]] = ["-created_at"]
        indexes = (
            models.Index(
                fields=["sent_at"],
                name="outbox_open_idx",
                condition=models.Q(finished_at=None, given_up_at=None),
            ),
        )

    def __str__(self) -> str:
        return f"{self.task_name} {self.key}".strip()
