from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    SIGN_IN = "sign_in", "登录"
    SIGN_OUT = "sign_out", "退出登录"
    SIGN_IN_FAILED = "sign_in_failed", "登录失败"
    API_TOKEN_FAILED = "api_token_failed", "API 令牌认证失败"
    CHANGE = "change", "数据变更"
    EXPORT = "export", "导出"
    DOWNLOAD = "download", "文件下载"
    BACKUP = "backup", "备份"
    RESTORE = "restore", "恢复"
    PRUNE = "prune", "清理审计日志"


class AuditEvent(models.Model):
    """One line of the audit trail (等保三级 安全审计): who did what, from where, when.

    Rows are only ever added (and, after AUDIT_RETENTION_DAYS, pruned); nothing edits them.
    """

    at = models.DateTimeField("时间", default=timezone.now)
    # SET_NULL: deleting an account must not erase what it did; username keeps the name.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    action = models.CharField("操作", max_length=32, choices=AuditAction.choices)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计日志"
        ordering: ClassVar[list[str]] = ["-at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["at"], name="audit_at"),
            models.Index(fields=["user", "at"], name="audit_user_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.get_action_display()}"
