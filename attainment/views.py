"""The supervisors' view (督导视图): overdue and at-risk targets across departments, a page per
target, a summary per department, and Excel exports of each. Thin: read the filters, call a
selector, render."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone

from audit.services import audit_export
from tasks_registry.models import Department, Indicator, Plan
from tasks_registry.selectors import progress_entry_list_visible_to, target_list_visible_to

from . import selectors
from .models import Attainment, Status

LOGIN_URL = reverse_lazy("admin:login")
PAGE_SIZE = 50

# Sort keys a user may pick (column -> ordering).
SORTS = {
    "task": (
        "target__task__plan__title",
        "target__task__position",
        "target__position",
        "jurisdiction__code",
        "year",
    ),
    "department": ("target__task__lead__name", "target__task__position", "year"),
    "period": ("year", "target__task__position"),
    "due": ("due_date", "target__task__position"),
    "ratio": ("ratio", "target__task__position"),
    "status": ("status", "target__task__position"),
}


def _int(value: str | None) -> int | None:
    """An id or year from the query string; anything else (or beyond a database integer, which
    SQLite refuses to bind) is as if not given."""
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is not None and abs(number) < 2**63 else None


def _filtered(request: HttpRequest) -> tuple[QuerySet[Attainment], dict[str, Any]]:
    """The rows the filters in the query string select, and the filters as the form shows them."""
    rows = selectors.attainment_list_visible_to(user=request.user)
    statuses = [s for s in request.GET.getlist("status") if s in Status.values]
    if not statuses and "status" not in request.GET:
        statuses = list(selectors.ATTENTION)  # the default: what needs a supervisor's attention
    department = _int(request.GET.get("department"))
    plan = _int(request.GET.get("plan"))
    indicator = _int(request.GET.get("indicator"))
    year = _int(request.GET.get("year"))
    q = (request.GET.get("q") or "").strip()[:50]
    if department:
        rows = rows.filter(target__task__lead_id=department)
    if plan:
        rows = rows.filter(target__task__plan_id=plan)
    if indicator:
        rows = rows.filter(target__indicator_id=indicator)
    if year:
        rows = rows.filter(Q(year=year) | Q(actual_year=year))  # the period, or the data's year
    if statuses:
        rows = rows.filter(status__in=statuses)
    if q:
        rows = rows.filter(Q(target__label__icontains=q) | Q(target__task__text__icontains=q))
    sort = request.GET.get("o", "task")
    key = sort.lstrip("-")
    ordering = SORTS.get(key, SORTS["task"])
    if sort.startswith("-"):
        ordering = tuple("-" + f for f in ordering[:1]) + ordering[1:]
    chosen = {
        "department": department,
        "plan": plan,
        "indicator": indicator,
        "year": year,
        "status": statuses,
        "q": q,
        "o": sort if key in SORTS else "task",
    }
    return rows.order_by(*ordering), chosen


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {**admin.site.each_context(request), **extra}


@login_required(login_url=LOGIN_URL)
def attainment_list(request: HttpRequest) -> HttpResponse:
    rows, chosen = _filtered(request)
    if request.GET.get("export") == "xlsx":
        rows_out = [selectors.attainment_row(a) for a in rows]
        return _xlsx(request, "目标达成情况", _LIST_COLUMNS, rows_out)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.lists() if k not in ("page", "o", "export")}
    return render(
        request,
        "attainment/list.html",
        _context(
            request,
            title="督导视图：逾期与滞后目标",
            page=page,
            rows=[(a, selectors.attainment_row(a)) for a in page.object_list],
            chosen=chosen,
            statuses=Status.choices,
            departments=Department.objects.filter(led_tasks__isnull=False)
            .distinct()
            .order_by("name")
            .values_list("id", "name"),
            plans=Plan.objects.order_by("title").values_list("id", "title"),
            indicators=Indicator.objects.filter(targets__isnull=False)
            .distinct()
            .order_by("name")
            .values_list("id", "name"),
            years=Attainment.objects.order_by("year").values_list("year", flat=True).distinct(),
            query=urlencode(query, doseq=True),
            sorts=SORTS,
        ),
    )


_LIST_COLUMNS = [
    ("plan", "政策文件"),
    ("task", "任务序号"),
    ("department", "牵头单位"),
    ("target", "目标"),
    ("worded", "目标值"),
    ("indicator", "指标"),
    ("jurisdiction", "区划"),
    ("period", "考核期"),
    ("due", "完成时限"),
    ("actual", "实际值"),
    ("percent", "完成比例（%）"),
    ("status_display", "状态"),
    ("reason", "判定说明"),
    ("source", "数据来源"),
]


@login_required(login_url=LOGIN_URL)
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = (
        target_list_visible_to(user=request.user)
        .filter(pk=pk)
        .select_related("jurisdiction", "task__plan__jurisdiction")
        .first()
    )
    if target is None:
        raise Http404("没有这个目标，或您无权查看")
    attainments = list(
        Attainment.objects.filter(target=target)
        .select_related("jurisdiction")
        .order_by("jurisdiction__code", "jurisdiction__name", "year")
    )
    entries = (
        progress_entry_list_visible_to(user=request.user)
        .filter(target=target)
        .select_related("jurisdiction", "reviewed_by")
        .prefetch_related("evidence")
    )
    places = []
    for a in attainments:
        if a.jurisdiction not in places:
            places.append(a.jurisdiction)
    place_id = _int(request.GET.get("place"))
    place = next(
        (p for p in places if p is not None and p.pk == place_id), places[0] if places else None
    )
    history = selectors.target_history(target=target, place=place)
    return render(
        request,
        "attainment/target.html",
        _context(
            request,
            title=f"目标：{target.label}",
            target=target,
            attainments=attainments,
            entries=entries,
            places=places,
            place=place,
            history=history,
            chart=_chart(history, target),
        ),
    )


@login_required(login_url=LOGIN_URL)
def department_summary(request: HttpRequest) -> HttpResponse:
    rows = selectors.attainment_list_visible_to(user=request.user)
    plan = _int(request.GET.get("plan"))
    year = _int(request.GET.get("year"))
    if plan:
        rows = rows.filter(target__task__plan_id=plan)
    if year:
        rows = rows.filter(year=year)
    summary = selectors.department_summary(rows=rows)
    if request.GET.get("export") == "xlsx":
        columns = (
            [("department", "牵头单位"), ("total", "考核项")]
            + [(s.value, s.label) for s in Status]
            + [("on_time_rate", "按期完成率（%）")]
        )
        return _xlsx(request, "部门汇总", columns, summary)
    return render(
        request,
        "attainment/departments.html",
        _context(
            request,
            title="督导视图：各部门目标完成情况",
            summary=summary,
            statuses=Status.choices,
            plans=Plan.objects.order_by("title").values_list("id", "title"),
            years=Attainment.objects.order_by("year").values_list("year", flat=True).distinct(),
            chosen={"plan": plan, "year": year},
        ),
    )


def _xlsx(
    request: HttpRequest, sheet: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]]
) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    audit_export(request=request, fmt="xlsx", name=sheet, rows=len(rows))

    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append([label for _, label in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_cell(row.get(key)) for key, _ in columns])
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(sheet)}-{stamp}.xlsx"
    return response


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # never let a figure's text run as a spreadsheet formula
    return value


def _chart(history: list[dict[str, Any]], target) -> dict[str, Any] | None:
    """Bars for the actual of each year and a line for the target, as SVG coordinates."""
    points = [h for h in history if h["value"] is not None]
    if not points:
        return None
    top = max([float(h["value"]) for h in points] + [float(target.value)]) * 1.15 or 1.0
    width, height, left, bottom = 640, 220, 70, 30
    slot = (width - left - 10) / max(len(history), 1)
    bars = []
    for i, h in enumerate(history):
        x = left + i * slot + slot * 0.2
        value = float(h["value"]) if h["value"] is not None else 0.0
        bar_h = (height - bottom - 10) * value / top
        bars.append(
            {
                "x": round(x, 1),
                "y": round(height - bottom - bar_h, 1),
                "w": round(slot * 0.6, 1),
                "h": round(bar_h, 1),
                "label": h["year"],
                "value": h["display"],
                "conflict": h["conflict"],
                "tx": round(x + slot * 0.3, 1),
                "ty": round(height - bottom - bar_h - 4, 1),
            }
        )
    goal_y = round(height - bottom - (height - bottom - 10) * float(target.value) / top, 1)
    return {
        "width": width,
        "height": height,
        "left": left,
        "base": height - bottom,
        "bars": bars,
        "goal_y": goal_y,
        "goal": target.worded,
        "right": width - 10,
    }
