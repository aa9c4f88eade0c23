"""CSV and XLSX renderings of any list, with Chinese column headers taken from the serializer's
labels. Nested values are flattened: an object becomes its name, a list its items joined by "；"."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.serializers import BaseSerializer, ListSerializer

from audit.services import audit_export

EXPORT_FORMATS = ("csv", "xlsx")


class FormatNegotiation(DefaultContentNegotiation):
    """DRF answers an unknown ``format`` with a bare 404, which the error handler can only call
    "record not found": say instead that the format is unknown, and which ones there are."""

    def filter_renderers(self, renderers, format):
        matching = [r for r in renderers if r.format == format]
        if not matching:
            known = "、".join(dict.fromkeys(r.format for r in renderers))
            raise NotAcceptable(f"不支持的返回格式“{format}”：format 可用 {known}")
        return matching


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dict):
        for key in ("name", "title", "display", "label", "number", "id"):
            if key in value:
                return _cell(value[key])
        return "；".join(f"{k}：{_cell(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "；".join(str(_cell(v)) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return float(value) if abs(value) < 10**15 else format(value.normalize(), "f")
    return value


def _columns(view, rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(key, header) pairs: the serializer's fields in order, headed by their Chinese labels."""
    labels: dict[str, str] = {}
    serializer = (
        view.get_serializer() if view is not None and hasattr(view, "get_serializer") else None
    )
    if isinstance(serializer, ListSerializer):
        serializer = serializer.child
    if isinstance(serializer, BaseSerializer) and hasattr(serializer, "fields"):
        labels = {name: str(field.label or name) for name, field in serializer.fields.items()}
    keys = list(labels) or (list(rows[0]) if rows else [])
    return [(k, labels.get(k, k)) for k in keys if k not in getattr(view, "export_exclude", ())]


def csv_safe_cell(value: Any) -> Any:
    """A text cell starting with = + - @ would run as a formula when opened in a spreadsheet."""
    return "'" + value if isinstance(value, str) and value[:1] in "=+-@" and value else value


def _record_export(renderer_context: dict[str, Any], fmt: str, row_count: int) -> None:
    """Put a successful export in the audit trail: who took which list, filtered how."""
    request, response = renderer_context.get("request"), renderer_context.get("response")
    if request is None or (response is not None and response.status_code >= 400):
        return
    view = renderer_context.get("view")
    audit_export(
        request=getattr(request, "_request", request),
        user=request.user,  # the DRF user: a token's user is not on the Django request
        fmt=fmt,
        name=str(getattr(view, "export_name", "") or request.path),
        rows=row_count,
    )


def _table(data: Any, renderer_context: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    rows = (
        data
        if isinstance(data, list)
        else data.get("results", [data])
        if isinstance(data, dict)
        else []
    )
    columns = _columns(renderer_context.get("view"), rows)
    return [h for _, h in columns], [[_cell(row.get(k)) for k, _ in columns] for row in rows]


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        header, rows = _table(data, renderer_context or {})
        _record_export(renderer_context or {}, self.format, len(rows))
        out = io.StringIO()
        out.write("\ufeff")  # Excel on Windows reads UTF-8 CSV correctly only with a BOM
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows([[csv_safe_cell(v) for v in row] for row in rows])
        return out.getvalue().encode("utf-8")


class XLSXRenderer(BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        header, rows = _table(data, renderer_context or {})
        _record_export(renderer_context or {}, self.format, len(rows))
        book = Workbook()
        sheet = book.active
        sheet.title = "数据"
        sheet.append(header)
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                if not isinstance(value, (int, float)):
                    # Control characters (Word's manual line break \x0b) are not allowed in XLSX.
                    value = ILLEGAL_CHARACTERS_RE.sub(" ", str(value))
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(cell.value, str):
                    cell.data_type = (
                        "s"  # text stays text: "=…" from a user must not become a formula
                    )
        for i, title in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = max(
                10, min(60, len(title) * 2 + 4)
            )
        sheet.freeze_panes = "A2"
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
