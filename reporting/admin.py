"""Yearly reports in the admin: upload a report, follow its processing, review its figures.

- Everyone signed in (department staff and supervisors) may upload a report and read all reports
  and figures: they are published documents.
- Supervisors review figures: confirm, correct (value, unit, indicator, kind, year) or reject
  with a reason. The extracted original and every review stay in the figure's history.
- A report's page lists 待关联的数据 (figures naming an indicator but not linked, and links of low
  confidence): one click links or rejects one, and may add its label as a learned alias of the
  indicator (reporting.services.figure_link), which later extractions use.
- The report's page lists its conflicts (数据不一致) side by side, each value with its place
  and a link to its figure, and links to the figure list filtered to them ("仅冲突") or to the
  待关联 figures ("待关联"). A figure's page shows what it measures in words and carries the
  确认 / 更正 / 驳回 buttons (FigureAdmin.get_urls); each calls one review service.
- Nothing here edits a report's file or figures directly; processing is a background job.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import User
from config.requests import next_url
from policytext import documents
from tasks_registry import display
from tasks_registry.models import Indicator

from . import selectors, services
from .models import Figure, FigureKind, Report


def _signed_in(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.is_staff


def _is_supervisor(request: HttpRequest) -> bool:
    return selectors.figure_may_review(user=request.user)


def _reviewer(request: HttpRequest) -> User:
    if not isinstance(request.user, User) or not _is_supervisor(request):
        raise PermissionDenied("只有督导人员可以审核报告数据")
    return request.user


def _moment(value) -> str:
    if value is None:
        return "—"
    return display.date_text(timezone.localtime(value) if timezone.is_aware(value) else value)


class ReportUploadForm(forms.ModelForm):
    upload = forms.FileField(
        label="报告文件",
        help_text=f"支持{documents.ACCEPTED}；扫描件（无文字层的 PDF）无法识别",
    )

    class Meta:
        model = Report
        fields = ("entity_override", "year_override")

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data  # what super().clean() returns, typed as a dict
        upload = cleaned.get("upload")
        if upload is None:
            return cleaned
        try:
            # Only the cheap checks here (size before reading, empty, type); reading and
            # extracting the file is the worker's job, so that this request answers at once.
            services.report_size_check(name=upload.name, size=upload.size)
            data = upload.read()
            services.report_upload_check(name=upload.name, size=len(data))
        except services.ReportRejected as exc:
            raise forms.ValidationError(str(exc)) from exc
        cleaned["data"] = data
        return cleaned


class LinkedFigureInline(admin.TabularInline):
    model = Figure
    fields = ("indicator_name", "label", "value_shown", "kind", "year", "source", "text", "status")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "关联到指标的数据（全部数据见“报告数据”）"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(indicator__isnull=False, subject="")
            .select_related("indicator")
        )

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="指标")
    def indicator_name(self, obj: Figure) -> str:
        return obj.indicator_text

    @admin.display(description="数值")
    def value_shown(self, obj: Figure) -> str:
        return obj.value_text

    @admin.display(description="出处")
    def source(self, obj: Figure) -> str:
        return obj.source_display


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "jurisdiction_path",
        "year",
        "status",
        "figure_count",
        "linked_count",
        "uploaded_by",
        "uploaded_shown",
    )
    list_filter = ("status", "year", "jurisdiction__kind")
    search_fields = ("title", "original_name", "jurisdiction__name")
    # What a person reads: no SHA-256 (the file's identity is the system's business, not theirs),
    # the size in MB or KB, moments as Chinese dates.
    readonly_fields = (
        "title",
        "jurisdiction_path",
        "year",
        "status",
        "message",
        "figures_link",
        "original_name",
        "file_link",
        "size_shown",
        "entity_override",
        "year_override",
        "uploaded_by",
        "uploaded_shown",
        "processed_shown",
    )
    fieldsets_change = (
        (None, {"fields": ("title", "jurisdiction_path", "year", "status", "message")}),
        ("数据", {"fields": ("figures_link",)}),
        (
            "上传",
            {
                "fields": (
                    "original_name",
                    "file_link",
                    "size_shown",
                    "entity_override",
                    "year_override",
                    "uploaded_by",
                    "uploaded_shown",
                    "processed_shown",
                )
            },
        ),
    )
    inlines = (LinkedFigureInline,)
    actions = ("reprocess",)

    def get_queryset(self, request):
        return selectors.report_list_visible_to(user=request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ReportUploadForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ((None, {"fields": ("upload", "entity_override", "year_override")}),)
        return self.fieldsets_change

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    def has_module_permission(self, request):
        return _signed_in(request)

    def has_view_permission(self, request, obj=None):
        return _signed_in(request)

    def has_add_permission(self, request):
        return _signed_in(request) and selectors.report_may_upload(user=request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data["upload"]
        report, created = services.report_upload_create(
            name=upload.name,
            data=form.cleaned_data["data"],
            uploaded_by=request.user,
            entity=form.cleaned_data.get("entity_override") or "",
            year=form.cleaned_data.get("year_override"),
        )  # stored with its processing job in one transaction (the outbox)
        obj.pk, obj.original_name, obj.title = report.pk, report.original_name, report.title
        request._report_created = created  # read by response_add and log_addition below
        if not created:
            self.message_user(request, f"该文件已上传过（{report}），不重复导入", messages.WARNING)

    def log_addition(self, request, obj, message):
        if getattr(request, "_report_created", True):
            return super().log_addition(request, obj, message)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        # Django's own "added" message would be wrong for a duplicate; say what happened instead.
        if getattr(request, "_report_created", True):
            self.message_user(
                request,
                f"已上传“{obj.original_name}”，后台处理中；刷新本页查看状态",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:reporting_report_change", args=[obj.pk]))

    def save_related(self, request, form, formsets, change):
        pass  # the upload form has no related objects; the report's figures come from the job

    @admin.display(description="报告主体")
    def jurisdiction_path(self, obj: Report) -> str:
        if obj.jurisdiction is None:
            return "—"
        return obj.jurisdiction.path + ("（待核对）" if obj.jurisdiction.needs_review else "")

    @admin.display(description="数据数")
    def figure_count(self, obj: Report) -> int:
        return getattr(obj, "figure_count", 0)

    @admin.display(description="关联指标")
    def linked_count(self, obj: Report) -> int:
        return getattr(obj, "linked_count", 0)

    @admin.display(description="全部数据")
    def figures_link(self, obj: Report) -> str:
        return format_html(
            '<a href="{}">查看本报告识别出的全部数据</a>'
            '　·　<a href="{}" id="only-conflicts">仅冲突</a>'
            '　·　<a href="{}" id="only-pending">待关联</a>',
            _figure_list_url(obj),
            _figure_list_url(obj, conflict="yes"),
            _figure_list_url(obj, linked="pending"),
        )

    @admin.display(description="报告文件")
    def file_link(self, obj: Report) -> str:
        if not obj.file:
            return "—"
        return format_html('<a href="{}">下载“{}”</a>', obj.file.url, obj.original_name)

    @admin.display(description="大小")
    def size_shown(self, obj: Report) -> str:
        return obj.size_text

    @admin.display(description="上传时间", ordering="uploaded_at")
    def uploaded_shown(self, obj: Report) -> str:
        return _moment(obj.uploaded_at)

    @admin.display(description="处理时间")
    def processed_shown(self, obj: Report) -> str:
        return _moment(obj.processed_at)

    # -- 待关联的数据: one click links (or rejects) a figure, and may teach the catalogue --------

    change_form_template = "admin/reporting/report/change_form.html"

    def get_urls(self):
        own = [
            path(
                "<int:report_id>/link/",
                self.admin_site.admin_view(self.figure_link_view),
                name="reporting_report_figure_link",
            ),
            path(
                "<int:report_id>/reject/",
                self.admin_site.admin_view(self.figure_reject_view),
                name="reporting_report_figure_reject",
            ),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if report is not None:
            extra["conflicts"] = selectors.report_conflict_list(report=report)
            extra["only_conflicts_url"] = _figure_list_url(report, conflict="yes")
            extra["only_pending_url"] = _figure_list_url(report, linked="pending")
            extra["link_candidates"] = selectors.figure_link_candidates(report=report)
            extra["may_review"] = _is_supervisor(request)
            extra["indicators"] = Indicator.objects.order_by("code")
            extra["link_url"] = reverse("admin:reporting_report_figure_link", args=[report.pk])
            extra["reject_url"] = reverse("admin:reporting_report_figure_reject", args=[report.pk])
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def _candidate(self, request: HttpRequest, report_id: int, button: str) -> Figure:
        if request.method != "POST":
            raise PermissionDenied("请在报告页面的“待关联的数据”中操作")
        if not _is_supervisor(request):
            raise PermissionDenied("只有督导人员可以审核报告数据")
        figure = (
            selectors.figure_list()
            .filter(report_id=report_id, pk=request.POST.get(button) or 0)
            .first()
        )
        if figure is None:
            raise Http404("找不到该数据")
        return figure

    def figure_link_view(self, request: HttpRequest, report_id: int) -> HttpResponse:
        figure = self._candidate(request, report_id, "link_figure")
        back = reverse("admin:reporting_report_change", args=[report_id])
        indicator = Indicator.objects.filter(
            pk=request.POST.get(f"indicator_{figure.pk}") or 0
        ).first()
        if indicator is None:
            self.message_user(request, "请选择要关联的指标", messages.ERROR)
            return HttpResponseRedirect(back)
        try:
            done = services.figure_link(
                figure=figure,
                by=_reviewer(request),
                indicator=indicator,
                learn_alias=bool(request.POST.get(f"learn_{figure.pk}")),
                alias=request.POST.get(f"alias_{figure.pk}", ""),
            )
        except ValidationError as exc:
            self.message_user(request, "；".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(back)
        self.message_user(
            request,
            f"已将“{figure.label} {figure.value_text}”关联到指标“{indicator.name}”",
            messages.SUCCESS,
        )
        if done.message:
            self.message_user(
                request, done.message, messages.SUCCESS if done.alias else messages.WARNING
            )
        return HttpResponseRedirect(back)

    def figure_reject_view(self, request: HttpRequest, report_id: int) -> HttpResponse:
        figure = self._candidate(request, report_id, "reject_figure")
        note = request.POST.get(f"note_{figure.pk}", "").strip() or "不是本报告主体本年度的指标数据"
        services.figure_reject(figure=figure, by=_reviewer(request), note=note)
        self.message_user(
            request, f"已驳回“{figure.label} {figure.value_text}”：{note}", messages.SUCCESS
        )
        return HttpResponseRedirect(reverse("admin:reporting_report_change", args=[report_id]))

    @admin.action(description="重新识别所选报告（已审核的数据保留）")
    def reprocess(self, request, queryset: QuerySet[Report]) -> None:
        if not _is_supervisor(request):
            self.message_user(request, "只有督导人员可以重新识别报告", messages.ERROR)
            return
        for report in queryset:
            services.report_reprocess(report_id=report.pk)
        self.message_user(request, f"已安排重新识别 {queryset.count()} 份报告", messages.INFO)


def _figure_list_url(report: Report, **query: str) -> str:
    """The figure list of one report, optionally filtered (conflict=yes, linked=pending)."""
    url = reverse("admin:reporting_figure_changelist") + f"?report__id__exact={report.pk}"
    return url + "".join(f"&{key}={value}" for key, value in query.items())


class LinkedFilter(admin.SimpleListFilter):
    title = "是否关联指标"
    parameter_name = "linked"

    def lookups(self, request, model_admin):
        return (("yes", "已关联"), ("no", "未关联"), ("pending", "待关联（请审核）"))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(indicator__isnull=False)
        if self.value() == "no":
            return queryset.filter(indicator__isnull=True)
        if self.value() == "pending":  # the report page's 待关联的数据, by the same rule
            return selectors.figure_pending_link_filter(figures=queryset)
        return queryset


class ConflictFilter(admin.SimpleListFilter):
    title = "数据不一致"
    parameter_name = "conflict"

    def lookups(self, request, model_admin):
        return (("yes", "仅冲突"), ("no", "无冲突"))

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return selectors.figure_conflict_filter(
                figures=queryset, in_conflict=self.value() == "yes"
            )
        return queryset


def _plain(value: Decimal) -> str:
    """A stored value as an input shows it: 77000, 41.2 (not 77000.0000)."""
    return format(value.normalize(), "f")


class FigureReviewForm(forms.ModelForm):
    class Meta:
        model = Figure
        fields = ("indicator", "value", "unit", "kind", "year", "review_note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.value is not None:
            self.initial["value"] = _plain(self.instance.value)


class RejectForm(forms.Form):
    note = forms.CharField(
        label="驳回理由",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=True,
        max_length=200,
        error_messages={"required": "请填写驳回理由：说明这个数据为什么不能用"},
    )


class FigureConfirmForm(forms.Form):
    note = forms.CharField(label="审核意见（可不填）", required=False, max_length=200)


class FigureCorrectForm(forms.Form):
    """更正 on the figure's page: what it measures and its value, typed as people write it (money
    in 万元 where the figure is in 元, display.unit_input); the unit stays the figure's."""

    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.order_by("code"),
        label="指标",
        required=False,
        empty_label="（不关联指标）",
    )
    value = forms.DecimalField(
        label="数值",
        max_digits=20,
        decimal_places=4,
        error_messages={
            "required": "请填写更正后的数值",
            "invalid": "数值须是数字，如 41.2 或 77000",
            "max_decimal_places": "数值最多保留 4 位小数",
            "max_digits": "数值过大，请检查单位",
        },
    )
    kind = forms.ChoiceField(label="类别", choices=FigureKind.choices)
    year = forms.IntegerField(
        label="所属年度",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": "年度须是四位数字，如 2023"},
    )
    note = forms.CharField(label="更正说明", required=False, max_length=200)

    def __init__(self, *args, figure: Figure, **kwargs):
        self.figure = figure
        self.input_unit, self.factor = display.unit_input(figure.unit)
        kwargs.setdefault(
            "initial",
            {
                "indicator": figure.indicator_id,
                "value": _plain(figure.value / self.factor),
                "kind": figure.kind,
                "year": figure.year,
            },
        )
        super().__init__(*args, **kwargs)

    def stored_value(self) -> Decimal:
        return self.cleaned_data["value"] * self.factor


@admin.register(Figure)
class FigureAdmin(SimpleHistoryAdmin):
    form = FigureReviewForm
    change_form_template = "admin/reporting/figure/change_form.html"
    list_display = (
        "label",
        "indicator_name",
        "value_shown",
        "kind",
        "year",
        "source",
        "subject",
        "report",
        "status",
        "confidence_shown",
    )
    # "report" before the two filters that read every figure they are given, so that they
    # work on one report's figures (the report page links with report__id__exact).
    list_filter = (
        "report",
        "kind",
        "status",
        LinkedFilter,
        ConflictFilter,
        "indicator",
        "report__year",
        "method",
    )
    search_fields = ("label", "text", "report__title")
    list_select_related = ("indicator", "report")
    actions = ("confirm_selected", "reject_selected")
    readonly_fields = (
        "report",
        "label",
        "source",
        "section",
        "text",
        "method",
        "confidence_shown",
        "note",
        "subject",
        "status",
        "extracted_shown",
        "reviewed_by",
        "reviewed_shown",
        "indicator_name",
        "value_shown",
    )
    fieldsets = (
        (
            "出处",
            {
                "fields": (
                    "report",
                    "source",
                    "section",
                    "text",
                    "label",
                    "method",
                    "confidence_shown",
                    "note",
                    "subject",
                )
            },
        ),
        ("数据（督导可更正）", {"fields": ("indicator", "value", "unit", "kind", "year")}),
        (
            "审核",
            {
                "fields": (
                    "status",
                    "extracted_shown",
                    "review_note",
                    "reviewed_by",
                    "reviewed_shown",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return selectors.figure_list()

    def get_fieldsets(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return self.fieldsets
        # Read-only: the indicator by name and the value as written, not the stored digits.
        shown = ("indicator_name", "value_shown", "kind", "year")
        return tuple(
            (title, {"fields": shown}) if title.startswith("数据") else (title, options)
            for title, options in self.fieldsets
        )

    def has_module_permission(self, request):
        return _signed_in(request)

    def has_view_permission(self, request, obj=None):
        return _signed_in(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return _is_supervisor(request)

    def has_delete_permission(self, request, obj=None):
        return False

    # A figure's history is read-only: reverting to an old version would confirm or correct it
    # through the review services, changing its status and reviewer. Review is done on its page.
    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("数据的历史版本只能查看，不能恢复；更正或驳回请在数据页操作")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj: Figure, form, change):
        data = form.cleaned_data
        changed = set(form.changed_data) & {"indicator", "value", "unit", "kind", "year"}
        original = Figure.objects.get(pk=obj.pk)
        if changed:
            services.figure_correct(
                figure=original,
                by=request.user,
                indicator=data["indicator"],
                value=data["value"],
                unit=data["unit"],
                kind=data["kind"],
                year=data["year"],
                note=data.get("review_note") or "",
            )
        else:
            services.figure_confirm(
                figure=original, by=request.user, note=data.get("review_note") or ""
            )

    # -- 确认 / 更正 / 驳回 on the figure's page (and 确认 on the report page's rows) -----------

    def get_urls(self):
        own = [
            path(
                "<int:figure_id>/confirm/",
                self.admin_site.admin_view(self.figure_confirm_view),
                name="reporting_figure_confirm",
            ),
            path(
                "<int:figure_id>/correct/",
                self.admin_site.admin_view(self.figure_correct_view),
                name="reporting_figure_correct",
            ),
            path(
                "<int:figure_id>/reject/",
                self.admin_site.admin_view(self.figure_reject_view),
                name="reporting_figure_reject",
            ),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        figure = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if figure is not None:
            extra.update(self._review_context(request, figure))
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def _review_context(
        self,
        request: HttpRequest,
        figure: Figure,
        *,
        confirm_form: FigureConfirmForm | None = None,
        correct_form: FigureCorrectForm | None = None,
        reject_form: RejectForm | None = None,
    ) -> dict:
        correct_form = correct_form or FigureCorrectForm(figure=figure)
        return {
            "figure": figure,
            "may_review": _is_supervisor(request),
            "partners": selectors.figure_conflict_partners(figure=figure),
            "confirm_form": confirm_form or FigureConfirmForm(),
            "correct_form": correct_form,
            "reject_form": reject_form or RejectForm(),
            "input_unit": correct_form.input_unit,
            "next_url": self._next(request, figure),
            "confirm_url": reverse("admin:reporting_figure_confirm", args=[figure.pk]),
            "correct_url": reverse("admin:reporting_figure_correct", args=[figure.pk]),
            "reject_url": reverse("admin:reporting_figure_reject", args=[figure.pk]),
            "report_url": reverse("admin:reporting_report_change", args=[figure.report_id]),
        }

    def _under_review(self, request: HttpRequest, figure_id: int) -> tuple[Figure, User]:
        reviewer = _reviewer(request)  # 403 for anyone who may not review, before any lookup
        figure = selectors.figure_list().filter(pk=figure_id).first()
        if figure is None:
            raise Http404("找不到该数据")
        return figure, reviewer

    def _next(self, request: HttpRequest, figure: Figure) -> str:
        return next_url(request, reverse("admin:reporting_figure_change", args=[figure.pk]))

    def _review_page(
        self, request: HttpRequest, figure: Figure, step: str, **forms_
    ) -> HttpResponse:
        """The form again on a page of its own, with what was wrong (bad input, or a GET)."""
        titles = {"correct": "更正报告数据", "reject": "驳回报告数据"}
        return render(
            request,
            "admin/reporting/figure/review_form.html",
            {
                **self.admin_site.each_context(request),
                **self._review_context(request, figure, **forms_),
                "title": titles[step],
                "step": step,
                "opts": self.model._meta,
            },
        )

    def figure_confirm_view(self, request: HttpRequest, figure_id: int) -> HttpResponse:
        figure, reviewer = self._under_review(request, figure_id)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:reporting_figure_change", args=[figure.pk]))
        form = FigureConfirmForm(request.POST)
        note = form.cleaned_data["note"].strip() if form.is_valid() else ""
        services.figure_confirm(figure=figure, by=reviewer, note=note)
        self.message_user(
            request,
            f"已确认“{figure.label} {figure.value_text}”（{figure.indicator_text}，"
            f"{figure.source_display}）",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._next(request, figure))

    def figure_correct_view(self, request: HttpRequest, figure_id: int) -> HttpResponse:
        figure, reviewer = self._under_review(request, figure_id)
        if request.method != "POST":
            return self._review_page(request, figure, "correct")
        form = FigureCorrectForm(request.POST, figure=figure)
        if not form.is_valid():
            return self._review_page(request, figure, "correct", correct_form=form)
        data = form.cleaned_data
        figure = services.figure_correct(
            figure=figure,
            by=reviewer,
            indicator=data["indicator"],
            value=form.stored_value(),
            unit=figure.unit,
            kind=data["kind"],
            year=data["year"],
            note=data["note"].strip(),
        )
        self.message_user(
            request,
            f"已更正为“{figure.indicator_text} {figure.value_text}”"
            f"（{figure.get_kind_display()}，{figure.year or '—'} 年）；识别原值保留在历史中",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._next(request, figure))

    def figure_reject_view(self, request: HttpRequest, figure_id: int) -> HttpResponse:
        figure, reviewer = self._under_review(request, figure_id)
        if request.method != "POST":
            return self._review_page(request, figure, "reject")
        form = RejectForm(request.POST)
        if not form.is_valid() or not form.cleaned_data["note"].strip():
            if form.is_valid():
                form.add_error("note", "请填写驳回理由：说明这个数据为什么不能用")
            return self._review_page(request, figure, "reject", reject_form=form)
        note = form.cleaned_data["note"].strip()
        services.figure_reject(figure=figure, by=reviewer, note=note)
        self.message_user(
            request,
            f"已驳回“{figure.label} {figure.value_text}”：{note}（不再用于计算达成情况）",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._next(request, figure))

    # -- columns and read-only fields, as people read them ---------------------------------------

    @admin.display(description="指标", ordering="indicator__name")
    def indicator_name(self, obj: Figure) -> str:
        return obj.indicator_text

    @admin.display(description="数值", ordering="value")
    def value_shown(self, obj: Figure) -> str:
        return obj.value_text

    @admin.display(description="出处", ordering="line")
    def source(self, obj: Figure) -> str:
        return obj.source_display

    @admin.display(description="置信度", ordering="confidence")
    def confidence_shown(self, obj: Figure) -> str:
        return display.ratio_text(obj.confidence)

    @admin.display(description="审核时间")
    def reviewed_shown(self, obj: Figure) -> str:
        return _moment(obj.reviewed_at)

    @admin.display(description="自动识别原值")
    def extracted_shown(self, obj: Figure) -> str:
        e = obj.extracted or {}
        if not e:
            return "—"
        code = e.get("indicator")
        indicator = Indicator.objects.filter(code=code).first() if code else None
        if indicator is not None:
            name = indicator.name
        else:
            name = "指标目录中已无此指标" if code else "未关联指标"
        kind = FigureKind(e["kind"]).label if e.get("kind") in FigureKind.values else "—"
        year = f"{e['year']} 年" if e.get("year") else "—"
        return (
            f"指标 {name}；数值 {display.amount_text(e.get('value'), e.get('unit') or '')}；"
            f"类别 {kind}；年度 {year}"
        )

    @admin.action(description="确认所选数据")
    def confirm_selected(self, request, queryset: QuerySet[Figure]) -> None:
        if not _is_supervisor(request):
            self.message_user(request, "只有督导人员可以审核数据", messages.ERROR)
            return
        for figure in queryset:
            services.figure_confirm(figure=figure, by=request.user)
        self.message_user(request, f"已确认 {queryset.count()} 个数据", messages.SUCCESS)

    @admin.action(description="驳回所选数据（需填写理由）")
    def reject_selected(self, request, queryset: QuerySet[Figure]) -> HttpResponse | None:
        if not _is_supervisor(request):
            self.message_user(request, "只有督导人员可以审核数据", messages.ERROR)
            return None
        if "apply" in request.POST:
            form = RejectForm(request.POST)
            if form.is_valid():
                for figure in queryset:
                    services.figure_reject(
                        figure=figure, by=request.user, note=form.cleaned_data["note"]
                    )
                self.message_user(request, f"已驳回 {queryset.count()} 个数据", messages.SUCCESS)
                return None
        else:
            form = RejectForm()
        return render(
            request,
            "admin/reporting/figure/reject_form.html",
            {
                **self.admin_site.each_context(request),
                "title": "驳回报告数据",
                "figures": queryset,
                "form": form,
                "action": "reject_selected",
                "opts": self.model._meta,
            },
        )
