"""Writing the audit trail, and pruning it once its retention has passed."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_ipv46_address
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from .models import AuditAction, AuditEvent

# 等保三级 requires audit records to be kept at least six months.
AUDIT_MIN_RETENTION_DAYS = 180


def request_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or, only when settings.TRUSTED_PROXY_COUNT says how
    many proxies of ours stand in front, the X-Forwarded-For entry the outermost one added.

    Entries to the left of those our proxies appended are whatever the client sent, so they are
    never believed.
    """
    proxies: int = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return _valid_address(forwarded[-proxies])
    return _valid_address(request.META.get("REMOTE_ADDR", ""))


def _valid_address(raw: str) -> str | None:
    # A malformed header must not lose the event: it is recorded without an address.
    try:
        validate_ipv46_address(raw)
    except ValidationError:
        return None
    return raw


def audit_record(
    *,
    action: AuditAction | str,
    request: HttpRequest | None = None,
    user: Any = None,
    username: str | None = None,
    obj: models.Model | None = None,
    object_ref: tuple[str, str, str] | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one event to the audit trail and return it.

    ``user`` defaults to the request's signed-in user; ``username`` to that user's name (give it
    for a failed sign-in, where it is only what was typed); the address comes from the request.
    ``obj`` names the record acted on (a download's evidence, a changed entry); ``object_ref``
    (type, id, description) names one that may no longer exist.
    """
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if username is None:
        username = user.get_username() if user is not None else ""
    object_type = object_id = object_repr = ""
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)[:64]
        object_repr = str(obj)[:200]
    elif object_ref is not None:
        object_type, object_id, object_repr = object_ref
        object_type, object_id, object_repr = object_type[:100], object_id[:64], object_repr[:200]
    return AuditEvent.objects.create(
        action=str(action),
        user=user,
        username=username[:150],
        address=request_address(request) if request is not None else None,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        detail=detail or {},
    )


def audit_retention_days() -> int:
    """settings.AUDIT_RETENTION_DAYS, refusing anything below the 180 days the level requires."""
    days: int = getattr(settings, "AUDIT_RETENTION_DAYS", AUDIT_MIN_RETENTION_DAYS)
    if days < AUDIT_MIN_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"AUDIT_RETENTION_DAYS={days} 太短：等保三级要求审计日志至少保留 "
            f"{AUDIT_MIN_RETENTION_DAYS} 天"
        )
    return days


def audit_prune(*, now: Any = None) -> int:
    """Delete events older than the retention period; return how many went.

    Safe to run twice: a second run finds nothing older to delete. The prune itself is recorded.
    """
    now = now or timezone.now()
    days = audit_retention_days()
    cutoff = now - timedelta(days=days)
    deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
    audit_record(
        action=AuditAction.PRUNE,
        detail={"deleted": deleted, "before": cutoff.isoformat(), "retention_days": days},
    )
    return deleted


def audit_export(
    *, request: HttpRequest, user: Any = None, fmt: str, name: str, rows: int
) -> AuditEvent:
    """Record that a list was exported: which list, filtered how (the query), how many rows."""
    return audit_record(
        action=AuditAction.EXPORT,
        request=request,
        user=user,
        detail={
            "format": fmt,
            "list": name,
            "path": request.path,
            "query": request.META.get("QUERY_STRING", "")[:1000],
            "rows": rows,
        },
    )
