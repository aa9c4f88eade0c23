"""Signal receivers that feed the audit trail. Each only hands over to audit_record."""

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords, registered_models
from simple_history.signals import post_create_historical_record

from .models import AuditAction
from .services import audit_record

_HISTORY_TYPES = {"+": "新增", "~": "修改", "-": "删除"}
_ADMIN_FLAGS = {ADDITION: "新增", CHANGE: "修改", DELETION: "删除"}


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(action=AuditAction.SIGN_IN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # user is None when the session had already expired; nothing to record then.
    if user is not None:
        audit_record(action=AuditAction.SIGN_OUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    username_field = get_user_model().USERNAME_FIELD
    typed = str(credentials.get(username_field) or credentials.get("username") or "")
    audit_record(
        action=AuditAction.SIGN_IN_FAILED,
        request=request,
        user=None,
        username=typed,
        detail={"backend": str(sender)} if sender else None,
    )


@receiver(post_create_historical_record, dispatch_uid="audit_history")
def _history_written(
    sender: Any, instance: Any, history_instance: Any, history_user: Any = None, **kwargs: Any
) -> None:
    # The historical record stays the full before/after; the audit event points at it so the
    # trail holds every change in one place (who, from where, when) without copying the data.
    request = getattr(HistoricalRecords.context, "request", None)
    audit_record(
        action=AuditAction.CHANGE,
        request=request,
        user=history_user,
        obj=instance,
        detail={
            "kind": _HISTORY_TYPES.get(history_instance.history_type, "其他"),
            "history": history_instance._meta.label_lower,
            "history_id": history_instance.pk,
            "reason": history_instance.history_change_reason or "",
        },
    )


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_admin_log")
def _admin_logged(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    # Admin edits of models simple-history tracks are already recorded above; this covers the
    # rest the admin can change (users and their roles, API tokens, groups, schedules).
    if not created or kwargs.get("raw"):
        return
    content_type = instance.content_type
    model = content_type.model_class() if content_type is not None else None
    if model is not None and model._meta.db_table in registered_models:
        return
    audit_record(
        action=AuditAction.CHANGE,
        request=getattr(HistoricalRecords.context, "request", None),
        user=instance.user,
        object_ref=(
            f"{content_type.app_label}.{content_type.model}" if content_type else "",
            str(instance.object_id or ""),
            str(instance.object_repr),
        ),
        detail={
            "kind": _ADMIN_FLAGS.get(instance.action_flag, "其他"),
            "admin": instance.get_change_message(),
        },
    )
