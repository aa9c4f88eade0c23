"""Bad input answered before it costs anything: a request body larger than its page accepts is
refused on its declared Content-Length, before a byte of it is read or written to a temporary
file, and a NUL byte in the address or a query parameter is refused before any view or database
sees it (PostgreSQL cannot store one, and would answer with an error the view did not expect);
the API's own parameter validation refuses NUL bytes in what it reads.

Both answer 4xx in the API's JSON error shape under /api/, and a short Chinese page elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.html import escape

from api.errors import MESSAGES, error_body
from tasks_registry.display import size_text

# The pages that receive a file, by URL name, and the setting that holds that kind's limit. The
# body may exceed the file by the form's other fields and the multipart boundaries.
UPLOAD_LIMITS: dict[str, tuple[str, str]] = {
    "admin:tasks_registry_progressentry_add": ("EVIDENCE_MAX_BYTES", "佐证材料"),
    "admin:tasks_registry_progressentry_change": ("EVIDENCE_MAX_BYTES", "佐证材料"),
    "api:progress-entry-evidence": ("EVIDENCE_MAX_BYTES", "佐证材料"),
    "workbench:entry_new": ("EVIDENCE_MAX_BYTES", "佐证材料"),
    "workbench:entry_edit": ("EVIDENCE_MAX_BYTES", "佐证材料"),
    "workbench:ledger": ("LEDGER_MAX_BYTES", "进展台账"),
    "admin:reporting_report_add": ("REPORT_MAX_BYTES", "年度报告"),
    "api:report-list": ("REPORT_MAX_BYTES", "年度报告"),
    "admin:tasks_registry_tasklistupload_add": ("TASKLIST_MAX_BYTES", "任务清单"),
}
FORM_OVERHEAD_BYTES = 1024 * 1024


def _refuse(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body(status, code, message),
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    page = (
        f'<!doctype html><html lang="zh-hans"><meta charset="utf-8"><title>{MESSAGES[status]}'
        f"</title><h1>{MESSAGES[status]}</h1><p>{escape(message)}</p>"
        '<p><a href="javascript:history.back()">返回上一页</a></p></html>'
    )
    response = HttpResponse(page, status=status, content_type="text/html; charset=utf-8")
    # The client may still be sending the body nobody will read: do not keep the connection.
    response["Connection"] = "close"
    return response


def body_limit(request: HttpRequest) -> tuple[int, str]:
    """The largest body this request's page accepts, and what it receives ("" for no file)."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    upload = UPLOAD_LIMITS.get(match.view_name) if match is not None else None
    if upload is None:
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE, ""
    setting, kind = upload
    return int(getattr(settings, setting)) + FORM_OVERHEAD_BYTES, kind


class RequestLimitsMiddleware:
    """First in the chain after SecurityMiddleware: before CSRF or a session reads request.POST."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self._nul_bytes(request) or self._body_too_large(request)
        return refused or self.get_response(request)

    def _nul_bytes(self, request: HttpRequest) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            # The API reads only the parameters it declares, each through a form field that
            # refuses NUL bytes with a 400 it documents (ProhibitNullCharactersValidator), and
            # ignores the rest; the admin and the supervisors' pages pass them on to queries.
            return None
        if "\x00" in request.path:
            return _refuse(request, 400, "null_character", "地址中含有空字符（\\0），请检查链接")
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in v for v in values):
                shown = name.replace("\x00", "\\0")[:40]
                return _refuse(
                    request,
                    400,
                    "null_character",
                    f"{MESSAGES[400]}：查询参数“{shown}”中含有空字符（\\0），请删除后重试",
                )
        return None

    def _body_too_large(self, request: HttpRequest) -> HttpResponse | None:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refuse(request, 400, "invalid", "请求头 Content-Length 不是有效的数字")
        if declared <= 0:
            return None
        limit, kind = body_limit(request)
        if declared <= limit:
            return None
        if kind:
            file_limit = limit - FORM_OVERHEAD_BYTES
            message = (
                f"上传的{kind}过大：本次提交共 {size_text(declared)}，"
                f"{kind}文件不能超过 {size_text(file_limit)}（一次提交多个文件时按合计计算），"
                "未保存任何内容"
            )
        else:
            message = f"提交的内容过大：共 {size_text(declared)}，本页面最多接受 {size_text(limit)}"
        return _refuse(request, 413, "too_large", message)
