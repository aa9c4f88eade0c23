"""Downloads of report files: to those who may read the report (reporting.selectors), 404 to
anyone else, signed out included; answered by config.files.file_response."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponseBase
from django.views.decorators.http import require_safe

from config.files import file_response

from .models import Report
from .selectors import report_list_visible_to


@require_safe
def report_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    report: Report | None = (
        report_list_visible_to(user=request.user).filter(pk=pk).order_by().first()
    )
    if report is None:
        raise Http404("没有这份报告，或您无权查看")
    # Saved under the name it was uploaded with, not the storage's sanitised one.
    return file_response(
        request=request,
        record=report,
        file=report.file,
        filename=report.original_name or report.file.name or "",
    )
