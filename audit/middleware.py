"""Refused API tokens into the audit trail.

DRF authenticates inside the view and sends no signal when a token is refused, so the answer is
the one place that sees it: a 401 to a request that carried ``Authorization: Token …``.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .models import AuditAction
from .services import audit_record


class ApiTokenFailureAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if response.status_code == 401 and header[:6].lower() == "token ":
            # Only the first characters: enough to tell tokens apart, useless to an attacker.
            audit_record(
                action=AuditAction.API_TOKEN_FAILED,
                request=request,
                user=None,
                detail={"path": request.path[:300], "token_prefix": header[6:14]},
            )
        return response
