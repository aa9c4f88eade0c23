"""The supervisors' view (督导视图): overdue and at-risk targets across departments, a page per
target, a summary per department, and Excel exports of each. Thin: read the filters, call a
selector, render."""

from __future__ import annotations

import datetime
import io
from decimal import ROUND_CEILING, Decimal
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from audit.services import audit_export
from config.requests import query_int as _int
from tasks_registry import display
from tasks_registry.models import AssignmentRole, Department, Indicator, Plan, Target
from tasks_registry.selectors import (
    progress_entry_list_visible_to,
    progress_entry_may_record,
    target_list_visible_to,
    task_list_visible_to,
)

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
    """The one page for a target: as worded, its task and indicator, attainment per period with
    every source, the chart, the progress entries with their evidence, and 填报 for those who
    may record on its task."""
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
        .order_by("-year", "-quarter", "-updated_at")
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
    today = timezone.localdate()
    years = selectors.target_period_years(target=target, attainments=attainments)
    record_url = None
    if progress_entry_may_record(user=request.user, task=target.task):
        year = selectors.reporting_year(years=years, today=today)
        record_url = (
            reverse("workbench:entry_new") + "?" + urlencode({"target": target.pk, "year": year})
        )
    return render(
        request,
        "attainment/target.html",
        _context(
            request,
            title=f"目标：{target.label}",
            target=target,
            goal_text=target.goal,
            attainments=attainments,
            entries=entries,
            places=places,
            place=place,
            history=history,
            chart=_chart(history, target, years, today=today),
            record_url=record_url,
        ),
    )


@login_required(login_url=LOGIN_URL)
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A task: its text, who leads and co-operates, its deadline, each target with its latest
    light (linking to the target's page), and the progress entries the user may see."""
    task = task_list_visible_to(user=request.user).filter(pk=pk).first()
    if task is None:
        raise Http404("没有这项任务，或您无权查看")
    targets = list(selectors.task_targets(task=task))
    latest = selectors.target_latest_attainments(targets=targets)
    assignments = list(task.assignments.select_related("department").order_by("position"))
    entries = (
        progress_entry_list_visible_to(user=request.user)
        .filter(task=task)
        .select_related("jurisdiction", "reviewed_by", "target")
        .prefetch_related("evidence")
        .order_by("-year", "-quarter", "-updated_at")
    )
    return render(
        request,
        "attainment/task.html",
        _context(
            request,
            title=f"任务 {task.number}",
            task=task,
            lead=[a.department for a in assignments if a.role == AssignmentRole.LEAD],
            co=[a.department for a in assignments if a.role != AssignmentRole.LEAD],
            rows=[(t, t.goal, latest.get(t.pk, [])) for t in targets],
            entries=entries,
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
            + [("no_data_past_due", "其中到期无数据"), ("on_time_rate", "按期完成率（%）")]
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
            on_time_rule=selectors.ON_TIME_RULE,
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


_CHART = {"width": 640, "height": 260, "left": 64, "right": 16, "top": 28, "bottom": 44}


def _nice_step(raw: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above ``raw``: tick steps people can read."""
    base = Decimal(1).scaleb(raw.adjusted())
    for m in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5)):
        if m * base >= raw:
            return m * base
    return 10 * base


def _chart(
    history: list[dict[str, Any]], target: Target, years: list[int], *, today: datetime.date
) -> dict[str, Any] | None:
    """The chart as SVG coordinates, drawn so that it cannot mislead: a value axis from zero with
    3–5 labelled ticks; the target line labelled with its value; every year of the target's
    period on the x axis, a year without data left empty and labelled 无数据 (未到期 for a year
    not yet over); a conflicting year drawn as each of its values side by side, each labelled,
    never as one bar."""
    by_year = {h["year"]: h for h in history}
    years = sorted(set(years) | set(by_year))
    if not years:
        return None
    c = _CHART
    # The axis is in the unit people type (万元 for 元), as the entry form asks for it.
    axis_unit, factor = display.unit_input(target.unit)
    values = [Decimal(v["value"]) for h in history for v in h["values"]]
    top_value = max([*values, target.value, Decimal(0)]) / factor
    if top_value <= 0:
        top_value = Decimal(1)
    step = _nice_step(top_value / 4)
    n = max(int((top_value / step).to_integral_value(ROUND_CEILING)), 2)
    axis_top = step * n
    base = c["height"] - c["bottom"]
    plot_h = base - c["top"]
    right = c["width"] - c["right"]

    def y_of(value: Decimal) -> float:
        share = max(Decimal(0), value / factor) / axis_top
        return round(base - plot_h * float(min(share, Decimal(1))), 1)

    ticks = [
        {"y": y_of(step * i * factor), "label": display.number_text(step * i)} for i in range(n + 1)
    ]
    slot = (right - c["left"]) / len(years)
    columns = []
    for i, year in enumerate(years):
        centre = c["left"] + slot * (i + 0.5)
        h = by_year.get(year)
        bars = []
        if h is not None:
            shown = h["values"]
            group = slot * 0.6
            width = group / len(shown)
            tops = [y_of(Decimal(v["value"])) for v in shown]
            for k, (v, top) in enumerate(zip(shown, tops, strict=True)):
                x = centre - group / 2 + k * width
                # Side-by-side labels would run into each other: a conflict's labels go on
                # rows of their own above the tallest of its bars, the first one highest.
                label_y = min(tops) - 4 - 12 * (len(shown) - 1 - k) if len(shown) > 1 else top - 4
                bars.append(
                    {
                        "x": round(x + 1, 1),
                        "y": top,
                        "w": round(max(width - 2, 2), 1),
                        "h": round(base - top, 1),
                        "value": v["display"],
                        "tx": round(x + width / 2, 1),
                        "ty": round(label_y, 1),
                    }
                )
        gap = "" if bars else ("未到期" if year >= today.year else "无数据")
        columns.append(
            {
                "year": year,
                "x": round(centre, 1),
                "bars": bars,
                "conflict": bool(h and h["conflict"]),
                "gap": gap,
            }
        )
    return {
        **c,
        "base": base,
        "right": right,
        "plot_top": c["top"],
        "unit": axis_unit,
        "ticks": ticks,
        "columns": columns,
        "year_y": base + 16,
        "gap_y": base - 8,
        "goal_y": y_of(target.value),
        "goal": ("累计目标 " if target.cumulative_from and target.cumulative_to else "目标 ")
        + target.goal,
    }
