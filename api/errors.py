"""One error shape for every API answer that is not a success:

    {"error": {"status": 400, "code": "invalid", "message": "…（中文）", "fields": {"year": ["…"]}}}

``message`` is one sentence a person can read; ``fields`` says which input was wrong and why.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from tasks_registry.services import StateConflict

# The sentence for each status, also used as its description in the schema (api.schema).
MESSAGES = {
    400: "提交的数据有误",
    401: "未登录或令牌无效：请在请求头中提供 Authorization: Token <令牌>",
    403: "您的账号无权执行此操作",
    404: "找不到该记录，或您无权查看",
    405: "该接口不支持此请求方法",
    406: "不支持请求的返回格式",
    409: "记录的当前状态不允许此操作",
    413: "上传的文件过大",
    415: "不支持的请求内容类型",
    429: "请求过于频繁",
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = MESSAGES[409]
    default_code = "conflict"


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = MESSAGES[413]
    default_code = "too_large"


# Sentences DRF writes in English without a translation.
_UNTRANSLATED = {
    "No data provided": '请求体为空：请提交一个 JSON 对象，如 {"year": 2024, "narrative": "…"}'
}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = "非字段错误" if key in ("non_field_errors", "__all__") else str(key)
            out.update(_flatten(value, f"{prefix}.{name}" if prefix else name))
        return out
    if isinstance(detail, list):
        if all(not isinstance(d, (dict, list)) for d in detail):
            return {prefix or "detail": [_UNTRANSLATED.get(str(d), str(d)) for d in detail]}
        out = {}
        for i, d in enumerate(detail):
            out.update(_flatten(d, f"{prefix}[{i}]"))
        return out
    return {prefix or "detail": [str(detail)]}


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    while isinstance(codes, (list, dict)) and codes:
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return codes if isinstance(codes, str) else exc.default_code


def error_body(
    status_code: int, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {
        "error": {"status": status_code, "code": code, "message": message, "fields": fields or {}}
    }


def exception_handler(exc: Exception, context: dict[str, Any]):
    """DRF's handler with Django's own exceptions mapped, and the body reshaped."""
    if isinstance(exc, StateConflict):
        exc = Conflict(exc.messages[0])
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, ProtectedError):
        exc = Conflict("该记录仍被其他记录引用，不能删除")
    elif isinstance(exc, DjangoPermissionDenied) and exc.args:
        exc = exceptions.PermissionDenied(str(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(MESSAGES[404])
    # Django refuses these while DRF parses the body (config.middleware refuses most earlier, on
    # the declared length); unmapped they would reach Django's HTML 400 page.
    elif isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1048576
        exc = TooLarge(f"提交的表单字段过大：除文件外的内容不能超过 {limit:.1f} MB")
    elif isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        exc = exceptions.ParseError("提交的字段或文件数量过多")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    if request is not None:
        renderer = getattr(request, "accepted_renderer", None)
        if renderer is None or renderer.format not in ("json", "api"):
            # An error is JSON even when a spreadsheet or the schema (YAML) was asked for, or
            # when no format could be agreed at all (an unknown ``format``: 406).
            request.accepted_renderer, request.accepted_media_type = (
                JSONRenderer(),
                "application/json",
            )
    fields: dict[str, list[str]] = {}
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first = next(iter(fields.items()), None)
        message = f"{MESSAGES[400]}：{first[0]}：{first[1][0]}" if first else MESSAGES[400]
    elif isinstance(exc, exceptions.ParseError):
        kind = (request.content_type or "").split(";")[0] if request is not None else ""
        reason = str(exc.detail) if _is_chinese(str(exc.detail)) else "无法读取"
        message = f"{MESSAGES[400]}：请求体不是有效的 {kind or '数据'}，{reason}"
    elif isinstance(exc, exceptions.Throttled):
        wait = exc.wait  # type: ignore[attr-defined]  # Throttled.__init__ sets it; the stub omits it
        message = f"{MESSAGES[429]}，请在 {(wait and int(wait + 0.999)) or 1} 秒后重试"
    elif isinstance(exc, exceptions.NotAuthenticated):
        message = MESSAGES[401]
    elif isinstance(exc, exceptions.MethodNotAllowed):
        message = (
            f"{MESSAGES[405]}（{context['request'].method}）"
            if context.get("request")
            else MESSAGES[405]
        )
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else None
        message = (
            str(detail)
            if isinstance(detail, str) and _is_chinese(str(detail))
            else MESSAGES.get(response.status_code, str(detail))
        )
    response.data = error_body(
        response.status_code,
        _code(exc) if isinstance(exc, exceptions.APIException) else "error",
        message,
        fields,
    )
    return response


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def api_not_found(request, exception=None):
    """Django's 404 for paths no view matched; JSON under /api/, the Chinese page elsewhere
    (config.errors.not_found)."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body(404, "not_found", f"没有这个接口：{request.path}"),
            status=404,
            json_dumps_params={"ensure_ascii": False},
        )
    from config.errors import not_found  # config.errors imports this module

    return not_found(request, exception)


def api_server_error(request):
    """A failure we did not foresee: a plain message, never a stack trace. It is logged."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body(500, "server_error", "服务器内部错误，已记录，请稍后重试或联系管理员"),
            status=500,
            json_dumps_params={"ensure_ascii": False},
        )
    from config.errors import server_error  # config.errors imports this module

    return server_error(request)
