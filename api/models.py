from typing import ClassVar

from django.db import models


class Deletion(models.Model):
    """That a record served by the API was deleted, and when: what an incremental sync
    (``updated_since``) cannot see otherwise. Only the list it was in and its id are kept."""

    kind = models.CharField(
        "所属列表",
        max_length=30,
        help_text="记录所在的接口列表，如 progress-entries、figures、attainments",
    )
    record_id = models.BigIntegerField("记录编号")
    # Who could see the record when it went, since it can no longer be asked: a task, target,
    # attainment, progress entry or evidence only its departments' staff (and the unconfined
    # roles) saw; the rest every reader did (api.deletions).
    restricted = models.BooleanField("仅相关部门可见", default=False)
    departments = models.ManyToManyField(
        "tasks_registry.Department", verbose_name="可见部门", blank=True, related_name="+"
    )
    # Named as on every other list, so that one updated_since serves them all.
    updated_at = models.DateTimeField("删除时间", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "已删除记录"
        verbose_name_plural = "已删除记录"
        # Meta.ordering stays a list (a ClassVar for ruff's RUF012): makemigrations compares it
        # with the list in the migrations, and a tuple would read as a change of options.
        ordering: ClassVar[list[str]] = ["updated_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_id}"
