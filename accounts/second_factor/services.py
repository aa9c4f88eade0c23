"""Writes for two-step verification: binding an authenticator, checking a code, backup codes,
and an administrator's reset."""

from __future__ import annotations

import math
from base64 import b32encode
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

BACKUP_CODE_COUNT = 10
TOTP_DIGITS = 6  # django-otp's default for a new TOTPDevice, and what the pages ask for
WRONG_CODE = (
    "验证码不正确：请输入验证器应用中该账号当前显示的 6 位数字（每 30 秒更新），"
    "或一个未用过的备用验证码"
)


def second_factor_enrolment_start(*, user: User) -> TOTPDevice:
    """The authenticator being bound for ``user``: the one already shown if they reload the page
    (they may have scanned it), else a new one. It counts only once confirmed with a code."""
    device: TOTPDevice | None = (
        TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    )
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="验证器", confirmed=False)
    return device


def second_factor_enrolment_confirm(*, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the authenticator being bound with a code it shows. It replaces any earlier one;
    returns a fresh set of backup codes (the earlier ones stop working), to be shown once.
    Raises ValidationError (Chinese) for a wrong code or while wrong codes are throttled."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        _refuse_if_throttled([device])
        accepted = not device.confirmed and device.verify_token(_clean(token))
        if accepted:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
            codes = second_factor_backup_codes_issue(user=device.user)
    # Outside the transaction: a wrong code's throttle count must stay written.
    if not accepted:
        raise ValidationError(WRONG_CODE, code="wrong_token")
    return codes


def second_factor_verify(*, user: User, token: str) -> Any:
    """The device (authenticator or backup codes) that accepts ``token`` for ``user``; a backup
    code is used up. Raises ValidationError (Chinese) for a wrong code, and while wrong codes are
    throttled (1, 2, 4, 8 … seconds after successive failures) with when to try again."""
    accepted = None
    code = _clean(token)
    # Six digits are the authenticator's, anything else a backup code: each is tried only on its
    # own kind, so using a backup code leaves no failure (and no wait) on the authenticator.
    kind = TOTPDevice if code.isdigit() and len(code) == TOTP_DIGITS else StaticDevice
    with transaction.atomic():
        if not any(devices_for_user(user, confirmed=True)):
            raise ValidationError("该账号尚未绑定验证器", code="not_enrolled")
        devices = list(kind.objects.filter(user=user, confirmed=True).select_for_update())
        _refuse_if_throttled(devices)
        for device in devices:
            if device.verify_token(code):
                accepted = device
                break
    if accepted is None:
        raise ValidationError(WRONG_CODE, code="wrong_token")
    return accepted


def second_factor_backup_codes_issue(*, user: User) -> list[str]:
    """Replace ``user``'s backup codes with a new set, returned to be shown once. Each signs in
    once, for when the phone with the authenticator is not at hand."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name="备用验证码", defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
        StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return codes


def second_factor_reset(*, user: User) -> int:
    """Remove ``user``'s authenticator and backup codes (a lost phone; an administrator's reset in
    the admin, or the user turning two-step verification off). Where their role requires it,
    they bind a new one at their next sign-in. Returns how many devices were removed."""
    removed = 0
    with transaction.atomic():
        for kind in (TOTPDevice, StaticDevice):
            devices = kind.objects.filter(user=user)
            removed += int(devices.count())
            devices.delete()
    return removed


def second_factor_demo_device_create(*, user: User) -> TOTPDevice:
    """For the demo only: bind a new authenticator for ``user`` without a code, so the demo
    command can print its secret. Never call this for a real account."""
    second_factor_reset(user=user)
    device: TOTPDevice = TOTPDevice.objects.create(user=user, name="验证器", confirmed=True)
    return device


def second_factor_secret(*, device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in (base32, in groups of four)."""
    raw = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _clean(token: str) -> str:
    return "".join(token.split()).lower()[:16]


def _refuse_if_throttled(devices: list[Any]) -> None:
    waits = []
    for device in devices:
        allowed, info = device.verify_is_allowed()
        if not allowed and info and info.get("locked_until"):
            waits.append(info["locked_until"])
    if waits:
        until = max(waits)
        seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
        raise ValidationError(
            f"验证码错误次数过多，请 {seconds} 秒后再试"
            f"（{timezone.localtime(until):%H:%M:%S} 之后）",
            code="throttled",
        )
