"""Telling the user that a change is saved while its background part waits for the broker.

One rule in one place, for every view: when a job of this request could not be handed to the
broker (Redis down), the change itself was committed; the admin shows a warning message, a JSON
API answer gains ``"notice"``. Both say "已保存，后台处理将在服务恢复后自动进行".
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from .services import DEFERRED_NOTICE, outbox_deferred, outbox_deferred_reset


class DeferredJobNoticeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        outbox_deferred_reset()
        response = self.get_response(request)
        if not outbox_deferred() or response.status_code >= 400:
            return response
        outbox_deferred_reset()
        if response.get("Content-Type", "").startswith("application/json"):
            return _with_notice(response)
        if hasattr(request, "_messages"):
            messages.warning(request, DEFERRED_NOTICE)
        return response


def _with_notice(response: HttpResponse) -> HttpResponse:
    try:
        body = json.loads(response.content)
    except ValueError:
        return response
    if not isinstance(body, dict):
        return response
    body["notice"] = DEFERRED_NOTICE
    response.content = json.dumps(body, ensure_ascii=False).encode()
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    return response
