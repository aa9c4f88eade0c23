"""Sign-in lockout (等保 level 3: 登录失败处理), on django-axes.

Failures are counted per account and per address over the last LOGIN_LOCKOUT_MINUTES. An account
is locked after LOGIN_FAILURE_LIMIT of them, an address after LOGIN_ADDRESS_FAILURE_LIMIT: an
office behind one NAT address shares it, so its limit is higher. While locked even the right
password is refused; the lock ends LOGIN_LOCKOUT_MINUTES after the last failure that counted, or
when an administrator lifts it (后台 → 用户 or 登录失败记录).
"""

from __future__ import annotations

import datetime
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.db.models import Max, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def _recent(request: HttpRequest) -> QuerySet[AccessAttempt]:
    return AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


def _counted(request: HttpRequest, credentials: dict[str, Any] | None) -> dict[str, Any]:
    username = get_client_username(request, credentials)
    recent = _recent(request)
    by_user = recent.filter(username=username) if username else recent.none()
    by_address = recent.filter(ip_address=getattr(request, "axes_ip_address", None))
    return {
        "username": username,
        "by_user": by_user,
        "by_address": by_address,
        "user_locked": _failures(by_user) >= settings.AXES_FAILURE_LIMIT,
        "address_locked": _failures(by_address) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT,
    }


class LoginLockoutHandler(AxesDatabaseHandler):
    """axes' database handler with a limit of its own for the address."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        # axes compares one number with AXES_FAILURE_LIMIT (the account's limit); a locked address
        # is reported as at least that many, whatever the account's own count.
        counted = _counted(request, credentials)
        by_user = _failures(counted["by_user"])
        if counted["address_locked"]:
            return max(by_user, settings.AXES_FAILURE_LIMIT)
        return by_user

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        # A successful sign-in clears that account's failures only: clearing the address's too
        # would let anyone with one valid account reset the address's count between guesses.
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def lockout_ends_at(
    request: HttpRequest, credentials: dict[str, Any] | None = None
) -> datetime.datetime | None:
    """When the sign-in this request attempts is possible again, or None if it is not locked."""
    counted = _counted(request, credentials)
    cool_off = get_cool_off(request) or datetime.timedelta(0)
    ends = [
        last + cool_off
        for locked, attempts in (
            (counted["user_locked"], counted["by_user"]),
            (counted["address_locked"], counted["by_address"]),
        )
        if locked and (last := attempts.aggregate(t=Max("attempt_time"))["t"]) is not None
    ]
    return max(ends) if ends else None


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page a locked-out sign-in gets (AXES_LOCKOUT_CALLABLE): why, and when to try again."""
    counted = _counted(request, credentials)
    ends = lockout_ends_at(request, credentials) or timezone.now() + (
        get_cool_off(request) or datetime.timedelta(0)
    )
    context = {
        **admin.site.each_context(request),
        "title": "登录已被暂时锁定",
        "username": counted["username"] or "",
        "user_locked": counted["user_locked"],
        "address_locked": counted["address_locked"],
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "address_failure_limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        "lockout_minutes": settings.LOGIN_LOCKOUT_MINUTES,
        "retry_at": timezone.localtime(ends),
    }
    return render(request, "accounts/lockout.html", context, status=429)
