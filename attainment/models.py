"""What the service concluded about each target in each period, and the reminders it sent."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q

from tasks_registry.models import Jurisdiction, Target

from . import rules


class Status(models.TextChoices):
    MET = rules.MET, "已达成"
    ON_TRACK = rules.ON_TRACK, "进度正常"
    AT_RISK = rules.AT_RISK, "进度滞后"
    OVERDUE = rules.OVERDUE, "逾期未完成"
    NO_DATA = rules.NO_DATA, "无数据"
    CONFLICT = rules.CONFLICT, "数据冲突"


# Traffic-light colours as the supervisors' view shows them.
LIGHTS = {
    Status.MET: "green",
    Status.ON_TRACK: "green",
    Status.AT_RISK: "amber",
    Status.CONFLICT: "amber",
    Status.OVERDUE: "red",
    Status.NO_DATA: "grey",
}


class Attainment(models.Model):
    """One target, one place, one period: the actual, where it came from, and the status.

    Rows are written only by the recompute service; a person changes them by approving a progress
    entry, confirming a report figure or editing the target, never directly."""

    target = models.ForeignKey(
        Target, verbose_name="目标", on_delete=models.CASCADE, related_name="attainments"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name="区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attainments",
    )
    year = models.PositiveIntegerField(
        "年度", help_text="每年目标为该年；一次性目标为完成年份；累计目标为累计截止年"
    )
    period_label = models.CharField("考核期", max_length=40)
    due_date = models.DateField("完成时限")
    actual = models.DecimalField("实际值", max_digits=24, decimal_places=4, null=True, blank=True)
    actual_year = models.PositiveIntegerField("数据年份", null=True, blank=True)
    ratio = models.DecimalField("完成比例", max_digits=12, decimal_places=4, null=True, blank=True)
    expected = models.DecimalField(
        "按进度应达", max_digits=24, decimal_places=4, null=True, blank=True
    )
    baseline = models.DecimalField("基期值", max_digits=24, decimal_places=4, null=True, blank=True)
    baseline_year = models.PositiveIntegerField("基期年份", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, db_index=True)
    reason = models.TextField("判定说明", blank=True)
    sources = models.JSONField("数据来源", default=list, blank=True)
    overdue_since = models.DateField("逾期起始日", null=True, blank=True)
    computed_at = models.DateTimeField("计算时间")
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "目标达成情况"
        verbose_name_plural = "目标达成情况"
        # Meta.ordering stays a list (a ClassVar for ruff's RUF012): makemigrations compares it
        # with the list in the migrations, and a tuple would read as a change of options.
        ordering: ClassVar[list[str]] = [
            "target__task__plan",
            "target__task__position",
            "target__position",
            "jurisdiction__code",
            "year",
        ]
        constraints = (
            models.UniqueConstraint(
                fields=["target", "jurisdiction", "year"],
                condition=Q(jurisdiction__isnull=False),
                name="attainment_unique_period_place",
            ),
            models.UniqueConstraint(
                fields=["target", "year"],
                condition=Q(jurisdiction__isnull=True),
                name="attainment_unique_period",
            ),
        )
        indexes = (models.Index(fields=["status", "due_date"]),)

    def __str__(self) -> str:
        return f"{self.target.label} · {self.period_label} · {self.get_status_display()}"

    @property
    def light(self) -> str:
        return LIGHTS[Status(self.status)]

    @property
    def percent(self) -> int | None:
        """The progress bar's width, 0–100."""
        if self.ratio is None:
            return None
        return max(0, min(100, int(self.ratio * 100)))

    @property
    def primary_source(self) -> dict | None:
        return self.sources[0] if self.sources else None


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "交办提醒（即将到期）"
    OVERDUE = "overdue", "催办（已逾期）"
    ESCALATION = "escalation", "督办（逾期未改，报督导）"


class Reminder(models.Model):
    """One notice about one attainment. The unique constraint is the claim: a second run of the
    nightly job (or two at once) cannot send the same notice twice."""

    attainment = models.ForeignKey(
        Attainment, verbose_name="目标达成情况", on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField("类型", max_length=12, choices=ReminderKind.choices)
    recipients = models.JSONField("收件人", default=list, blank=True)
    created_at = models.DateTimeField("发送时间", auto_now_add=True)

    class Meta:
        verbose_name = "提醒记录"
        verbose_name_plural = "提醒记录"
        ordering: ClassVar[list[str]] = ["-created_at"]
        constraints = (
            models.UniqueConstraint(fields=["attainment", "kind"], name="reminder_once_per_kind"),
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.attainment}"
