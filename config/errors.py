"""The pages a person sees when a request cannot be answered: 403, 404, 500 and a failed CSRF
check, in Chinese, each saying what happened and leading back to the workbench (工作台).

Under /api/ the answers stay in the API's JSON error shape (api.errors); everywhere else the
templates templates/403.html, 404.html, 500.html and 403_csrf.html are rendered. config.urls
names these as handler403/handler404/handler500; Django's own CSRF view renders 403_csrf.html,
and ``csrf_failure`` here is the same page with the API's JSON under /api/ (CSRF_FAILURE_VIEW).
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import admin
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
    JsonResponse,
)
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.views.decorators.csrf import requires_csrf_token

from api.errors import MESSAGES, api_not_found, api_server_error, error_body

logger = logging.getLogger(__name__)

_HOME_FALLBACK = "/workbench/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _home_url() -> str:
    try:
        return reverse("workbench:home")
    except NoReverseMatch:  # a broken URL configuration is one cause of a 500
        return _HOME_FALLBACK


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _frame(request: HttpRequest) -> dict[str, Any]:
    """The admin frame's header and user links, for a signed-in member of staff; an error page
    must render even when that fails (the database may be what failed)."""
    context: dict[str, Any] = {"home_url": _home_url()}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active and user.is_staff:
        try:
            context.update(admin.site.each_context(request))
        except Exception:  # the page without user links is still the page
            logger.warning("error page rendered without the admin frame", exc_info=True)
    return context


def _reason(exception: BaseException | None) -> str:
    """A refusal's own reason when it was written for a person (services raise Chinese ones);
    Django's internal English messages are not shown."""
    text = str(exception) if exception is not None else ""
    return text if _is_chinese(text) else ""


@requires_csrf_token
def forbidden(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    """403: the account may not open this page."""
    if _is_api(request):
        message = _reason(exception) or MESSAGES[403]
        return JsonResponse(
            error_body(403, "permission_denied", message),
            status=403,
            json_dumps_params={"ensure_ascii": False},
        )
    context = {**_frame(request), "reason": _reason(exception)}
    body = loader.render_to_string("403.html", context, request)
    return HttpResponseForbidden(body)


@requires_csrf_token
def not_found(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    """404: no such page, or a record the user may not see (the two are not told apart)."""
    if _is_api(request):
        return api_not_found(request, exception)
    context = {**_frame(request), "request_path": request.path, "reason": _reason(exception)}
    body = loader.render_to_string("404.html", context, request)
    return HttpResponseNotFound(body)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """500: something failed that we did not foresee. Rendered without the request's context
    (no database, no session): the failure may lie there. Django has already logged it."""
    if _is_api(request):
        return api_server_error(request)
    body = loader.render_to_string("500.html", {"home_url": _home_url()})
    return HttpResponseServerError(body)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token: most often a page left open past the session,
    or signed in again in another tab. The page says what to do: go back, reload, send again."""
    if _is_api(request):
        return JsonResponse(
            error_body(403, "csrf_failed", "请求未通过 CSRF 校验：请刷新页面后重试"),
            status=403,
            json_dumps_params={"ensure_ascii": False},
        )
    body = loader.render_to_string("403_csrf.html", {"home_url": _home_url()}, request)
    return HttpResponseForbidden(body)
