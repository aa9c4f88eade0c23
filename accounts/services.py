"""Writes for accounts: issuing and revoking API tokens, lifting sign-in lockouts."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from knox.models import get_digest_token
from knox.settings import CONSTANTS

from .models import ApiToken, LoginFailure, Role, User


def api_token_issue(
    *, user: User, name: str, by: User | None, expiry: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """Issue a token for ``user``'s system. Returns the stored row and the token itself, which is
    not kept anywhere: the caller shows it once. Without ``expiry`` it expires after
    API_TOKEN_TTL_DAYS."""
    if by is not None and not by.is_superuser:
        raise PermissionDenied("只有系统管理员可以签发 API 令牌")
    if expiry is None:
        expiry = timezone.now() + datetime.timedelta(days=settings.API_TOKEN_TTL_DAYS)
    api_token_validate(user=user, expiry=expiry)
    digest, token = get_digest_token()
    # Not knox's manager.create(): it takes a lifetime and makes its own token; we need the expiry
    # the administrator chose.
    row = ApiToken(
        digest=digest,
        token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH],
        user=user,
        expiry=expiry,
        name=name.strip()[:100] or "未说明用途",
        issued_by=by,
    )
    row.save()
    return row, token


def api_token_validate(*, user: User, expiry: datetime.datetime) -> None:
    """Why a token cannot be issued for this user with this expiry, as a form shows it."""
    errors = {}
    if not user.is_active:
        errors["user"] = f"用户 {user} 已停用，不能为其签发令牌"
    elif (
        user.role == Role.DEPARTMENT_STAFF and not user.is_superuser and user.department_id is None
    ):
        errors["user"] = (
            f"用户 {user} 未关联部门：部门令牌只能读写本部门的数据，请先为其设置所属部门"
        )
    if expiry <= timezone.now():
        errors["expiry"] = "到期时间应晚于现在"
    if errors:
        raise ValidationError(errors)


def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke a token at once; requests carrying it are refused from now on. Safe to repeat."""
    if not by.is_superuser:
        raise PermissionDenied("只有系统管理员可以吊销 API 令牌")
    ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    token.refresh_from_db()
    return token


def login_lockout_lift(*, usernames: list[str], by: User) -> int:
    """Lift the sign-in lockout of these accounts (their failed attempts are forgotten), as an
    administrator does in the admin. Returns how many failure records were cleared."""
    if not by.is_superuser:
        raise PermissionDenied("只有系统管理员可以解除登录锁定")
    count, _ = LoginFailure.objects.filter(username__in=usernames).delete()
    return int(count)
