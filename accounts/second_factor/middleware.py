"""Keeps a signed-in but unverified session on the two-step verification pages."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse

from accounts.models import User
from api.errors import error_body

from .selectors import second_factor_device_for, second_factor_required_for, user_is_verified


class SecondFactorMiddleware:
    """After the password, a user who has an authenticator, or whose role requires one
    (OTP_REQUIRED_ROLES), can open only the code or enrolment page (and sign out) until the code
    is entered: every other page, the admin, /supervision/ and /api/docs/ included, redirects
    there, and the API answers 403 to such a session. Goes after django-otp's OTPMiddleware.

    Requests with an API token are left to the API: DRF then authenticates by the token alone,
    never by the session, so an unverified session cannot ride along."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not isinstance(user, User) or user_is_verified(user) or self._exempt(request):
            return self.get_response(request)
        if second_factor_device_for(user=user) is not None:
            page, message = "second_factor:verify", "请先输入两步验证的验证码"
        elif second_factor_required_for(user=user):
            page, message = "second_factor:enrol", "您的角色须先绑定两步验证的验证器"
        else:
            return self.get_response(request)
        if request.path.startswith("/api/") and not self._browser_page(request):
            return JsonResponse(
                error_body(
                    403,
                    "second_factor_required",
                    f"{message}：请在浏览器中打开 {reverse(page)} 完成后再使用接口"
                    "（使用 API 令牌的系统不受影响）",
                ),
                status=403,
            )
        return redirect_to_login(request.get_full_path(), reverse(page), "next")

    @staticmethod
    def _browser_page(request: HttpRequest) -> bool:
        """The API's documentation pages are for people: they get the page, not JSON."""
        return request.path in (reverse("api-docs"), reverse("api-redoc"))

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        path = request.path
        if path in (
            reverse("second_factor:verify"),
            reverse("second_factor:enrol"),
            reverse("admin:logout"),
        ):
            return True
        if settings.STATIC_URL and path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        # DRF's TokenAuthentication comes first: with this header the session is never used.
        header = request.headers.get("Authorization", "")
        return path.startswith("/api/v1/") and header[:6].lower() == "token "
