"""A department's Excel ledger (台账) on the workbench (issue 16, part 8): upload, preview what
each row will do, confirm. Thin: reading, deciding and writing are tasks_registry.ledger's.

Between the preview and the confirmation the file's rows (not the file) wait in the session under
a random token, with the file's sha256, the user and the preview's fingerprint; the confirmation
decides the rows again and writes only if nothing changed since what the user saw."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import User
from audit.services import audit_export
from tasks_registry import ledger, selectors
from tasks_registry.display import size_text
from tasks_registry.ledger import (
    LedgerApplyError,
    LedgerFile,
    LedgerFileError,
    LedgerPreview,
    LedgerPreviewChanged,
)

LOGIN_URL = reverse_lazy("admin:login")
SESSION_KEY = "workbench_ledger"
KEEP_PREVIEWS = 3  # a few tabs' worth; older previews are forgotten
EXPIRED = "该预览已失效（已导入、已过期或不是您上传的），请重新上传台账"


class LedgerUploadForm(forms.Form):
    file = forms.FileField(
        label="台账文件",
        help_text=f"{ledger.ACCEPTED_FORMAT}，不超过 {size_text(settings.LEDGER_MAX_BYTES)}",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={
            "required": "请选择要上传的台账文件（.xlsx）",
            "empty": "文件是空的（0 字节），请检查后重新上传",
        },
    )


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not selectors.progress_entry_may_record(user=user):
        raise PermissionDenied("只有部门工作人员可以导入台账；督导人员请在工作台审核填报")
    return user


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        **admin.site.each_context(request),
        "is_nav_sidebar_enabled": False,
        "columns_text": ledger.COLUMNS_TEXT,
        "accepted_format": ledger.ACCEPTED_FORMAT,
        **extra,
    }


def _upload_page(
    request: HttpRequest, form: LedgerUploadForm, error: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "workbench/ledger.html",
        _context(request, title="导入台账", form=form, error=error),
        status=status,
    )


def _preview_page(
    request: HttpRequest, preview: LedgerPreview, token: str, warning: str = ""
) -> HttpResponse:
    return render(
        request,
        "workbench/ledger_preview.html",
        _context(
            request,
            title="导入台账：预览",
            preview=preview,
            token=token,
            warning=warning,
        ),
    )


def _remember(request: HttpRequest, user: User, preview: LedgerPreview) -> str:
    token = secrets.token_urlsafe(16)
    stored: dict[str, Any] = dict(request.session.get(SESSION_KEY) or {})
    stored[token] = {
        "user": user.pk,
        "file": preview.file.as_dict(),
        "fingerprint": preview.fingerprint,
        "at": timezone.now().isoformat(),
    }
    for old in sorted(stored, key=lambda t: stored[t]["at"])[:-KEEP_PREVIEWS]:
        del stored[old]
    request.session[SESSION_KEY] = stored
    return token


def _recall(request: HttpRequest, user: User, token: str, sha256: str) -> dict[str, Any] | None:
    """The stored preview of ``token``, only for the user who made it and the same file."""
    held = (request.session.get(SESSION_KEY) or {}).get(token)
    if not isinstance(held, dict) or held.get("user") != user.pk:
        return None
    if held["file"].get("sha256") != sha256:
        return None
    return held


def _forget(request: HttpRequest, token: str) -> None:
    stored = dict(request.session.get(SESSION_KEY) or {})
    stored.pop(token, None)
    request.session[SESSION_KEY] = stored


def _template(request: HttpRequest, user: User) -> HttpResponse:
    data, rows = ledger.ledger_template(user=user)
    audit_export(request=request, user=user, fmt="xlsx", name="进展台账模板", rows=rows)
    department = user.department.name if user.department else "本部门"
    name = f"{department}进展台账模板.xlsx"
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f"attachment; filename=\"ledger-template.xlsx\"; filename*=UTF-8''{quote(name)}"
    )
    return response


def _preview(request: HttpRequest, user: User) -> HttpResponse:
    form = LedgerUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > settings.LEDGER_MAX_BYTES:
        limit = size_text(settings.LEDGER_MAX_BYTES)
        return _upload_page(request, form, f"文件过大，超过 {limit} 的上限", status=400)
    try:
        file = ledger.ledger_read(name=upload.name or "", data=upload.read())
    except LedgerFileError as exc:
        return _upload_page(request, form, f"无法导入“{upload.name}”：{exc}", status=400)
    preview = ledger.ledger_preview(user=user, file=file)
    return _preview_page(request, preview, _remember(request, user, preview))


def _confirm(request: HttpRequest, user: User) -> HttpResponse:
    token = request.POST.get("token", "")
    held = _recall(request, user, token, request.POST.get("sha256", ""))
    if held is None:
        return _upload_page(request, LedgerUploadForm(), EXPIRED, status=400)
    file = LedgerFile.from_dict(held["file"])
    try:
        result = ledger.ledger_apply(user=user, file=file, fingerprint=held["fingerprint"])
    except LedgerPreviewChanged as changed:
        _forget(request, token)
        return _preview_page(
            request, changed.preview, _remember(request, user, changed.preview), str(changed)
        )
    except LedgerApplyError as exc:
        return _upload_page(request, LedgerUploadForm(), str(exc), status=409)
    _forget(request, token)
    messages.success(
        request,
        f"{result.message}。导入的填报保存为草稿（被退回的仍为退回状态），"
        "请在工作台逐条核对后提交审核",
    )
    return redirect("workbench:ledger")


@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "HEAD", "POST"])
def ledger_page(request: HttpRequest) -> HttpResponse:
    """GET: the upload form (?template=1: the department's template .xlsx); POST with a file:
    the preview; POST with the preview's token (确认导入): the import."""
    user = _user(request)
    if request.method == "POST":
        if "token" in request.POST:
            return _confirm(request, user)
        return _preview(request, user)
    if request.GET.get("template"):
        return _template(request, user)
    return _upload_page(request, LedgerUploadForm())
