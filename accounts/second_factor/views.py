"""Two-step verification pages (两步验证): the code after the password, binding an authenticator,
backup codes, and turning it off where the role allows. Thin: read the form, call a service."""

from __future__ import annotations

import io
from typing import Any

import segno
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from accounts.models import User
from config.requests import next_url

from . import selectors, services
from .forms import CodeForm

LOGIN_URL = reverse_lazy("admin:login")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required let only a signed-in user through
    return request.user


def _next(request: HttpRequest) -> str:
    return next_url(request, reverse("workbench:home"))  # the landing page after signing in


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    """The admin's header. Before the code is entered, without the admin's menus and links."""
    if selectors.user_is_verified(_user(request)) or not (
        selectors.second_factor_device_for(user=_user(request))
        or selectors.second_factor_required_for(user=_user(request))
    ):
        base = admin.site.each_context(request)
    else:
        base = {
            "site_header": admin.site.site_header,
            "site_title": admin.site.site_title,
            "has_permission": False,
            "is_nav_sidebar_enabled": False,
        }
    return {**base, "next": _next(request), "issuer": settings.OTP_TOTP_ISSUER, **extra}


def _signed_in_with(request: HttpRequest, device: Any) -> None:
    otp_login(request, device)
    # A new session key once the second factor is in: one taken before it is worth nothing.
    request.session.cycle_key()


@login_required(login_url=LOGIN_URL)
def verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if selectors.user_is_verified(user):
        return HttpResponseRedirect(_next(request))
    if selectors.second_factor_device_for(user=user) is None:
        return redirect(f"{reverse('second_factor:enrol')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.second_factor_verify(user=user, token=form.cleaned_data["token"])
        except ValidationError as exc:
            form.add_error("token", exc)
        else:
            _signed_in_with(request, device)
            return HttpResponseRedirect(_next(request))
    return render(
        request, "accounts/otp_verify.html", _context(request, title="两步验证", form=form)
    )


@login_required(login_url=LOGIN_URL)
def enrol(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    verified = selectors.user_is_verified(user)
    if not verified and selectors.second_factor_device_for(user=user) is not None:
        # Only with the current authenticator's code may another replace it.
        return redirect(f"{reverse('second_factor:verify')}?{request.GET.urlencode()}")
    device = services.second_factor_enrolment_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.second_factor_enrolment_confirm(
                device=device, token=form.cleaned_data["token"]
            )
        except ValidationError as exc:
            form.add_error("token", exc)
        else:
            device.refresh_from_db()
            _signed_in_with(request, device)
            return _codes_page(request, codes, bound=True)
    qr = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        qr, kind="svg", xmldecl=False, scale=4, border=2, title="两步验证二维码"
    )
    return render(
        request,
        "accounts/otp_enrol.html",
        _context(
            request,
            title="绑定验证器（两步验证）",
            form=form,
            qr_svg=mark_safe(qr.getvalue().decode("utf-8")),  # segno's own SVG, no user input
            secret=services.second_factor_secret(device=device),
            required=selectors.second_factor_required_for(user=user),
            replacing=verified,
        ),
    )


@login_required(login_url=LOGIN_URL)
def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "accounts/otp_profile.html",
        _context(
            request,
            title="两步验证",
            device=selectors.second_factor_device_for(user=user),
            codes_left=selectors.second_factor_backup_codes_left(user=user),
            required=selectors.second_factor_required_for(user=user),
        ),
    )


@require_POST
@login_required(login_url=LOGIN_URL)
def backup_codes(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if selectors.second_factor_device_for(user=user) is None:
        messages.error(request, "尚未绑定验证器，不能生成备用验证码：请先绑定验证器")
        return redirect("second_factor:profile")
    return _codes_page(request, services.second_factor_backup_codes_issue(user=user), bound=False)


@require_POST
@login_required(login_url=LOGIN_URL)
def disable(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if selectors.second_factor_required_for(user=user):
        messages.error(
            request,
            "您的角色必须使用两步验证，不能关闭；手机遗失时可在此页更换验证器，"
            "或请系统管理员在“用户”中重置",
        )
    else:
        services.second_factor_reset(user=user)
        messages.success(request, "已关闭两步验证：验证器和备用验证码已删除")
    return redirect("second_factor:profile")


def _codes_page(request: HttpRequest, codes: list[str], *, bound: bool) -> HttpResponse:
    return render(
        request,
        "accounts/otp_backup_codes.html",
        _context(request, title="备用验证码", codes=codes, bound=bound),
    )
