from typing import ClassVar

from axes.models import AccessAttempt
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from knox.models import AbstractAuthToken


class Role(models.TextChoices):
    DEPARTMENT_STAFF = "staff", "部门工作人员"
    SUPERVISOR = "supervisor", "督导人员"
    OFFICE = "office", "督查室（只读）"


# knox ships no type information, so the stubs plugin cannot see the manager of ApiToken (knox's
# AuthTokenManager) and reports the reverse accessor User.auth_token_set as unresolvable.
class User(AbstractUser):  # type: ignore[django-manager-missing]
    """A person who signs in. Department staff act only for their own department."""

    department = models.ForeignKey(
        "tasks_registry.Department",
        verbose_name="所属部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(
        "角色", max_length=16, choices=Role.choices, default=Role.DEPARTMENT_STAFF
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    @property
    def is_supervisor(self) -> bool:
        return self.is_superuser or self.role == Role.SUPERVISOR

    @property
    def is_department_staff(self) -> bool:
        return not self.is_superuser and self.role == Role.DEPARTMENT_STAFF


class ApiToken(AbstractAuthToken):
    """A token an administrator issues for one user's system (API 令牌).

    Only the SHA-512 digest is stored (django-rest-knox); the token itself is shown once, when it
    is issued. Revoking keeps the row, so who had access when stays on record.
    """

    # knox's own fields, again only to give them the Chinese names the admin shows.
    user = models.ForeignKey(
        User, verbose_name="使用账号", related_name="auth_token_set", on_delete=models.CASCADE
    )
    created = models.DateTimeField("签发时间", auto_now_add=True)
    expiry = models.DateTimeField("到期时间", null=True, blank=True)
    name = models.CharField(
        "用途", max_length=100, help_text="如：市督查室数据同步、教育局业务系统"
    )
    issued_by = models.ForeignKey(
        User,
        verbose_name="签发人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        verbose_name="吊销人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        ordering: ClassVar[list[str]] = ["-created"]  # a list, as the migration has it

    def __str__(self) -> str:
        return f"{self.name}（{self.user}，{self.token_key[:8]}…）"

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "已吊销"
        if self.expiry is not None and self.expiry <= timezone.now():
            return "已过期"
        return "有效"


class LoginFailure(AccessAttempt):
    """Failed sign-ins as django-axes records them (one row per account, address and browser),
    under a Chinese name in the admin, where an administrator lifts a lockout by deleting them."""

    class Meta:
        proxy = True
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败记录"
