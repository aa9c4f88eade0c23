"""Reads for two-step verification: who must have an authenticator, and what they have."""

from __future__ import annotations

from django.conf import settings
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User

# In OTP_REQUIRED_ROLES, beside the role values: system administrators, whatever their role.
SUPERUSER = "superuser"
ROLE_NAMES = frozenset({*Role.values, SUPERUSER})


def second_factor_required_for(*, user: User) -> bool:
    """Whether ``user`` may use nothing until an authenticator is bound (OTP_REQUIRED_ROLES)."""
    required = set(settings.OTP_REQUIRED_ROLES)
    return (user.is_superuser and SUPERUSER in required) or user.role in required


def user_is_verified(user: User) -> bool:
    """Whether this request's user entered a code in this session (django-otp's OTPMiddleware
    sets ``is_verified`` on request.user; a user without it, e.g. from a token, is not)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def second_factor_device_for(*, user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator, if any."""
    device: TOTPDevice | None = (
        TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()
    )
    return device


def second_factor_backup_codes_left(*, user: User) -> int:
    """How many unused backup codes ``user`` has."""
    count: int = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return count
