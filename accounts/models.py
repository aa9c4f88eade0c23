from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    DEPARTMENT_STAFF = "staff", "部门工作人员"
    SUPERVISOR = "supervisor", "督导人员"
    OFFICE = "office", "督查室（只读）"


class User(AbstractUser):
    """A person who signs in. Department staff act only for their own department."""

    department = models.ForeignKey(
        "tasks_registry.Department",
        verbose_name="所属部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.DEPARTMENT_STAFF)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    @property
    def is_supervisor(self) -> bool:
        return self.is_superuser or self.role == Role.SUPERVISOR

    @property
    def is_department_staff(self) -> bool:
        return not self.is_superuser and self.role == Role.DEPARTMENT_STAFF
