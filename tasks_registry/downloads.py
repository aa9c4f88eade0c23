"""Downloads of evidence and task-list files: only to those who may see the record they belong
to (tasks_registry.selectors), 404 to anyone else, signed out included. The answer itself is
config.files.file_response's: an attachment of an allowed type, nosniff, audited."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponseBase
from django.views.decorators.http import require_safe

from config.files import file_response

from . import selectors


@require_safe
def evidence_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    evidence = selectors.evidence_list_visible_to(user=request.user).filter(pk=pk).first()
    if evidence is None:
        raise Http404("没有这份佐证材料，或您无权查看")
    return file_response(
        request=request, record=evidence, file=evidence.file, filename=evidence.file.name or ""
    )


@require_safe
def tasklist_upload_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    upload = selectors.task_list_upload_list_visible_to(user=request.user).filter(pk=pk).first()
    if upload is None:
        raise Http404("没有这份任务清单文件，或您无权查看")
    return file_response(
        request=request, record=upload, file=upload.file, filename=upload.file.name or ""
    )
