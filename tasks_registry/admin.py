"""The admin as department staff and supervisors use it.

Who sees what is decided here, object by object, and not by Django's model permissions alone:
- department staff see the tasks and targets their department leads or co-operates on, and only
  their own department's progress entries; they add and edit those while draft or returned;
- supervisors see everything read-only, and approve or return submitted entries;
- an approved entry is locked for everyone.
Every check takes the object, because list, change, history and bulk-action views all ask.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from . import display, selectors, services
from .models import (
    Department,
    DepartmentAlias,
    Evidence,
    Indicator,
    IndicatorAlias,
    Jurisdiction,
    LinkStatus,
    Plan,
    ProgressEntry,
    ProgressStatus,
    Target,
    Task,
    TaskAssignment,
    TaskListUpload,
    evidence_rules_text,
)

if TYPE_CHECKING:  # django_stubs_ext comes with the type stubs, not with the app
    from django_stubs_ext import WithAnnotations


class _PlanCounts(TypedDict):
    _tasks: int  # PlanAdmin.get_queryset


class _EntryCounts(TypedDict):
    _evidence: int  # ProgressEntryAdmin.get_queryset


def _is_staff_member(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.is_department_staff


def _is_supervisor(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.is_supervisor


NOT_VISIBLE = "您无权查看该记录，或该记录不存在"

# The mixins below are mixed into ModelAdmins: typed as one, they are plain classes at run time.
if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin
else:
    _AdminBase = object


class NotVisibleMessage(_AdminBase):
    """Django's admin answers an address whose record the user's queryset leaves out with
    “ID 为“7”的 进展填报 不存在。可能已经被删除了？”: wrong for a record of another department,
    which exists. This says what may be the case, without telling which. Every ModelAdmin here
    starts with it; another app's admin may import it too."""

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        self.message_user(
            request,
            f"{NOT_VISIBLE}（{opts.verbose_name}，编号 {unquote(object_id)}）",
            messages.WARNING,
        )
        # Back to the list the user came from, if they may open it; else the admin's index.
        name = f"admin:{opts.app_label}_{opts.model_name}_changelist"
        if not self.has_view_or_change_permission(request):
            name = "admin:index"
        return HttpResponseRedirect(reverse(name, current_app=self.admin_site.name))


def _page_url(name: str, pk: object) -> str | None:
    """The workbench-side page of a task or target, when that page exists (attainment:task is
    added with the workbench) and the address names a record."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


class PageLinkMixin(_AdminBase):
    """A link from an admin change page to the object's own page (查看任务页, 查看目标页), in
    the change form's object tools beside 历史."""

    change_form_template = "admin/tasks_registry/change_form_page_link.html"
    page_url_name: ClassVar[str]
    page_label: ClassVar[str]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {
            **(extra_context or {}),
            "page_url": _page_url(self.page_url_name, unquote(object_id)),
            "page_label": self.page_label,
        }
        return super().change_view(request, object_id, form_url, extra_context=extra)


class ReadOnlyForNonAdmins:
    """Reference and task data: everyone signed in may read what they may see; only
    administrators edit it (tasks come from imported lists, not from typing)."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class DepartmentAliasInline(admin.TabularInline):
    model = DepartmentAlias
    extra = 1


@admin.register(Department)
class DepartmentAdmin(NotVisibleMessage, ReadOnlyForNonAdmins, SimpleHistoryAdmin):
    list_display = ("name", "kind", "alias_list", "needs_review")
    list_filter = ("kind", "needs_review")
    search_fields = ("name", "aliases__alias")
    inlines = (DepartmentAliasInline,)
    actions = ("merge_into_catalogue",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not selectors.department_may_merge(user=request.user):
            actions.pop("merge_into_catalogue", None)
        return actions

    @admin.action(description="并入目录中的部门（原名称作为其简称，之后导入自动识别）")
    def merge_into_catalogue(self, request, queryset) -> HttpResponse | None:
        if not selectors.department_may_merge(user=request.user):
            self.message_user(request, "只有督导人员可以合并部门", messages.ERROR)
            return None
        if "apply" in request.POST:
            form = MergeForm(request.POST)
            if form.is_valid():
                into = form.cleaned_data["into"]
                for department in list(queryset):
                    name = department.name
                    try:
                        services.department_merge(department=department, into=into, by=request.user)
                    except ValidationError as exc:
                        self.message_user(
                            request, f"{name}：{'；'.join(exc.messages)}", messages.ERROR
                        )
                        continue
                    self.message_user(
                        request,
                        f"已将“{name}”并入“{into.name}”，并记为其简称",
                        messages.SUCCESS,
                    )
                return None
        else:
            form = MergeForm()
        return render(
            request,
            "admin/tasks_registry/department/merge_form.html",
            {
                **self.admin_site.each_context(request),
                "title": "并入目录中的部门",
                "departments": queryset,
                "form": form,
                "action": "merge_into_catalogue",
                "opts": self.model._meta,
            },
        )

    @admin.display(description="简称/别称")
    def alias_list(self, obj: Department) -> str:
        return "、".join(a.alias for a in obj.aliases.all())

    def has_module_permission(self, request):
        return _is_supervisor(request)

    def has_view_permission(self, request, obj=None):
        return _is_supervisor(request)

    def has_change_permission(self, request, obj=None):
        # Supervisors settle the names the importer could not place (待核对).
        return _is_supervisor(request)


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label="并入部门",
        queryset=Department.objects.filter(needs_review=False),
        help_text="部门目录中的部门；所选待核对部门的名称将成为它的简称",
    )


class IndicatorAliasForm(forms.ModelForm):
    class Meta:
        model = IndicatorAlias
        fields = ("alias", "note")

    def clean_alias(self) -> str:
        # The inline formset sets the page's indicator on new rows too, before validation.
        return services.indicator_alias_clean(
            indicator=self.instance.indicator,
            alias=self.cleaned_data["alias"],
            instance_pk=self.instance.pk,
        )


class IndicatorAliasInline(admin.TabularInline):
    """Aliases learned in review: supervisors (and administrators) add, correct or remove them;
    everyone else reads them. The indicator's own fields stay the administrators'."""

    model = IndicatorAlias
    form = IndicatorAliasForm
    fields = ("alias", "note", "created_by", "created_at", "source_figure")
    readonly_fields = ("created_by", "created_at", "source_figure")
    extra = 0
    verbose_name_plural = "审核中学到的别称（督导可修改；之后识别的报告使用）"

    def has_add_permission(self, request, obj=None):
        return selectors.indicator_alias_may_change(user=request.user)

    def has_change_permission(self, request, obj=None):
        return selectors.indicator_alias_may_change(user=request.user)

    def has_delete_permission(self, request, obj=None):
        return selectors.indicator_alias_may_change(user=request.user)

    def has_view_permission(self, request, obj=None):
        return True  # the indicator's own view check already ran


@admin.register(Indicator)
class IndicatorAdmin(NotVisibleMessage, ReadOnlyForNonAdmins, admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "unit",
        "learned_list",
        "additive",
        "numerator",
        "denominator",
    )
    search_fields = ("code", "name", "learned_aliases__alias")
    inlines = (IndicatorAliasInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("learned_aliases")

    def has_change_permission(self, request, obj=None):
        # Supervisors reach the change page for the learned aliases only (see get_readonly_fields).
        return request.user.is_superuser or selectors.indicator_alias_may_change(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ()
        return [f.name for f in Indicator._meta.fields]

    def save_model(self, request, obj, form, change):
        if request.user.is_superuser:
            super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not IndicatorAlias:
            super().save_formset(request, form, formset, change)
            return
        # Django's admin reads these three lists to write the change message.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        with _refused_as_403():
            for inline_form in formset.deleted_forms:
                if inline_form.instance.pk is not None:
                    services.indicator_alias_remove(alias=inline_form.instance, by=request.user)
                    formset.deleted_objects.append(inline_form.instance)
            for inline_form in formset.forms:
                if inline_form in formset.deleted_forms or not inline_form.has_changed():
                    continue
                data = inline_form.cleaned_data
                if inline_form.instance.pk is None:
                    item = services.indicator_alias_learn(
                        indicator=form.instance,
                        alias=data["alias"],
                        by=request.user,
                        note=data.get("note") or "在指标目录中添加",
                    )
                    formset.new_objects.append(item)
                else:
                    item = services.indicator_alias_update(
                        alias=inline_form.instance,
                        by=request.user,
                        text=data["alias"],
                        note=data.get("note") or "",
                    )
                    formset.changed_objects.append((item, inline_form.changed_data))

    @admin.display(description="审核中学到的别称")
    def learned_list(self, obj: Indicator) -> str:
        return "、".join(a.alias for a in obj.learned_aliases.all()) or "—"


@admin.register(Jurisdiction)
class JurisdictionAdmin(NotVisibleMessage, ReadOnlyForNonAdmins, SimpleHistoryAdmin):
    list_display = ("name", "kind", "code", "parent", "needs_review")
    list_filter = ("kind", "needs_review")
    search_fields = ("name", "code", "aliases")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


@admin.register(Plan)
class PlanAdmin(NotVisibleMessage, ReadOnlyForNonAdmins, SimpleHistoryAdmin):
    list_display = (
        "title",
        "issuer",
        "jurisdiction",
        "period_label",
        "task_count",
        "source_name",
        "imported_at",
    )
    search_fields = ("title", "issuer")
    list_select_related = ("jurisdiction",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_tasks=Count("tasks", filter=Q(tasks__is_active=True)))
        )

    @admin.display(description="任务数", ordering="_tasks")
    def task_count(self, obj: WithAnnotations[Plan, _PlanCounts]) -> int:
        return obj._tasks

    @admin.display(description="规划期")
    def period_label(self, obj: Plan) -> str:
        return obj.period_label


class DepartmentInvolvedFilter(admin.SimpleListFilter):
    title = "部门（牵头或配合）"
    parameter_name = "department"

    def lookups(self, request, model_admin):
        return (
            Department.objects.filter(assignments__isnull=False)
            .distinct()
            .values_list("id", "name")
        )

    def queryset(self, request, queryset):
        value = str(self.value() or "")  # the facet counts pass the lookups' ids as int
        if not value:
            return queryset
        if not (value.isascii() and value.isdigit() and len(value) <= 18):
            # A typed or tampered address: the changelist answers it as any bad filter (?e=1).
            raise IncorrectLookupParameters(f"部门编号“{value[:40]}”不是数字")
        field = (
            "assignments__department_id"
            if queryset.model is Task
            else "task__assignments__department_id"
        )
        return queryset.filter(**{field: int(value)}).distinct()


class TaskAssignmentInline(admin.TabularInline):
    model = TaskAssignment
    fields = ("department", "role", "written_as")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class TargetInline(admin.TabularInline):
    model = Target
    fields = ("label", "worded", "indicator", "source_text", "needs_review", "is_active")
    readonly_fields = ("label", "worded", "source_text")
    extra = 0
    show_change_link = True

    @admin.display(description="目标（原文口径）")
    def worded(self, obj: Target) -> str:
        return obj.worded

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Task)
class TaskAdmin(NotVisibleMessage, PageLinkMixin, ReadOnlyForNonAdmins, SimpleHistoryAdmin):
    list_display = (
        "number",
        "short_text",
        "lead",
        "targets_worded",
        "latest_progress",
        "deadline",
        "plan",
    )
    list_display_links = ("number", "short_text")
    list_filter = ("plan", DepartmentInvolvedFilter, "lead", "deadline_year", "is_active")
    search_fields = (
        "number",
        "text",
        "responsibility_text",
        "lead__name",
        "assignments__department__name",
    )
    readonly_fields = (
        "plan",
        "number",
        "text",
        "lead",
        "responsibility_text",
        "deadline_text",
        "source_line",
        "source_place",
    )
    fields = (
        "plan",
        "number",
        "text",
        "lead",
        "responsibility_text",
        "deadline_text",
        "deadline_year",
        "deadline_date",
        "source_line",
        "source_place",
        "is_active",
    )
    inlines = (TaskAssignmentInline, TargetInline)
    list_per_page = 50
    page_url_name = "attainment:task"
    page_label = "查看任务页"

    def get_queryset(self, request):
        tasks = selectors.task_list_visible_to(user=request.user)
        # Staff see the latest progress of their own department only, even on shared tasks.
        return selectors.task_latest_progress(tasks=tasks, user=request.user).prefetch_related(
            "targets"
        )

    def get_search_results(self, request, queryset, search_term):
        queryset, _ = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or selectors.task_is_visible_to(user=request.user, task=obj)
        )

    @admin.display(description="工作任务")
    def short_text(self, obj: Task) -> str:
        return obj.text if len(obj.text) <= 60 else obj.text[:60] + "…"

    @admin.display(description="量化目标")
    def targets_worded(self, obj: Task) -> str:
        targets = [t for t in obj.targets.all() if t.is_active]
        if not targets:
            return "—"
        return format_html_join(mark_safe("<br>"), "{}：{}", ((t.label, t.worded) for t in targets))

    @admin.display(description="最新进展")
    def latest_progress(self, obj: Task) -> str:
        entries = list(obj.progress_entries.all())
        if not entries:
            return "尚未填报"
        e = entries[0]
        # The unit from the prefetched targets (get_queryset): no query per row.
        unit = next((t.unit for t in obj.targets.all() if t.pk == e.target_id), "")
        value = display.amount_text(e.value, unit) if e.value is not None else ""
        period = f"{e.year}年" + (f"第{e.quarter}季度" if e.quarter else "")
        said = " ".join(part for part in (period, value, e.narrative[:20]) if part)
        return f"{said}（{e.get_status_display()}）"

    @admin.display(description="完成时限", ordering="deadline_year")
    def deadline(self, obj: Task) -> str:
        return obj.deadline_text or (str(obj.deadline_year) if obj.deadline_year else "规划期末")


_LINK_FIELDS = ("indicator", "jurisdiction")
# The stored values a read-only target page shows as text instead (TargetAdmin.get_fieldsets).
_TARGET_VALUE_TEXT = {"value": "value_text", "value_high": "value_high_text"}


@admin.register(Target)
class TargetAdmin(NotVisibleMessage, PageLinkMixin, ReadOnlyForNonAdmins, SimpleHistoryAdmin):
    """Targets come from imported lists. What measures a target (its indicator and the place it is
    measured on) is suggested by the service; supervisors and the lead department's staff confirm
    or change it here, and the attainment is recomputed."""

    list_display = (
        "task_number",
        "label",
        "worded",
        "indicator",
        "link_status",
        "lead",
        "needs_review",
        "is_active",
    )
    list_filter = (
        "task__plan",
        DepartmentInvolvedFilter,
        "link_status",
        "recurrence",
        "comparison",
        "needs_review",
        "indicator",
    )
    search_fields = ("label", "source_text", "task__text", "task__number")
    list_select_related = ("task", "task__lead", "indicator")
    autocomplete_fields = ("indicator", "jurisdiction")
    actions = ("confirm_suggested_links",)
    page_url_name = "attainment:target"
    page_label = "查看目标页"
    fieldsets = (
        (None, {"fields": ("task", "label", "worded", "source_text")}),
        (
            "衡量方式（可由牵头部门或督导确认、修改）",
            {"fields": ("indicator", "jurisdiction", "link_status", "link_note")},
        ),
        (
            "目标值（来自清单原文）",
            {
                "fields": (
                    "comparison",
                    "value",
                    "value_high",
                    "unit",
                    "per_unit",
                    "recurrence",
                    "from_year",
                    "deadline_year",
                    "deadline_date",
                    "cumulative_from",
                    "cumulative_to",
                    "needs_review",
                    "review_reason",
                    "is_active",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return selectors.target_list_visible_to(user=request.user)

    def get_search_results(self, request, queryset, search_term):
        queryset, _ = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or selectors.target_is_visible_to(user=request.user, target=obj)
        )

    def has_change_permission(self, request, obj=None):
        if obj is None:  # the list page: staff reach the targets they may link from there
            return _is_supervisor(request) or _is_staff_member(request)
        return selectors.target_link_may_change(user=request.user, target=obj)

    def get_readonly_fields(self, request, obj=None):
        fixed = ("task", "label", "worded", "source_text", "link_status", "link_note")
        if request.user.is_superuser:
            return fixed
        return (
            *(f.name for f in Target._meta.fields if f.name not in _LINK_FIELDS),
            "worded",
            *_TARGET_VALUE_TEXT.values(),
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets  # administrators type the stored values themselves

        # Read-only values as people write them (60%, 600 万元), not as stored (60.0000).
        def shown(field):
            return _TARGET_VALUE_TEXT.get(field, field) if isinstance(field, str) else field

        return [
            (name, {**opts, "fields": [shown(f) for f in opts["fields"]]})
            for name, opts in fieldsets
        ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not _is_supervisor(request):
            actions.pop("confirm_suggested_links", None)
        return actions

    def save_model(self, request, obj, form, change):
        if (
            change
            and set(form.changed_data) & set(_LINK_FIELDS)
            and not set(form.changed_data) - set(_LINK_FIELDS)
        ):
            # Only the link changed: that is a person confirming what measures the target.
            services.target_link_confirm(
                target=obj, by=request.user, indicator=obj.indicator, jurisdiction=obj.jurisdiction
            )
            return
        services.target_save(target=obj, by=request.user)

    @admin.action(description="确认所选目标的指标关联（按系统建议）")
    def confirm_suggested_links(self, request, queryset):
        done = 0
        for target in queryset.filter(link_status=LinkStatus.SUGGESTED):
            services.target_link_confirm(
                target=target,
                by=request.user,
                indicator=target.indicator,
                jurisdiction=target.jurisdiction,
            )
            done += 1
        self.message_user(request, f"已确认 {done} 个目标的指标关联，达成情况将重新计算")

    @admin.display(description="任务", ordering="task__position")
    def task_number(self, obj: Target) -> str:
        return obj.task.number

    @admin.display(description="目标")
    def worded(self, obj: Target) -> str:
        return obj.worded

    @admin.display(description="目标值")
    def value_text(self, obj: Target) -> str:
        return display.amount_text(obj.value, obj.unit)

    @admin.display(description="区间上限")
    def value_high_text(self, obj: Target) -> str:
        return display.amount_text(obj.value_high, obj.unit)

    @admin.display(description="牵头单位")
    def lead(self, obj: Target) -> str:
        return str(obj.task.lead or "—")


# ---------------------------------------------------------------------------------------------
# Progress entries


class EvidenceInline(admin.TabularInline):
    model = Evidence
    fields = ("file", "description", "uploaded_by", "uploaded_at")
    readonly_fields = ("uploaded_by", "uploaded_at")
    extra = 1

    def __init__(self, parent_model, admin_site):
        super().__init__(parent_model, admin_site)
        # Per instance (one per request): the limits are settings, read when the page is built.
        self.verbose_name_plural = f"佐证材料（{evidence_rules_text()}）"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "file" and field is not None:
            field.help_text = evidence_rules_text()
            # The browser's file chooser offers only these types.
            field.widget.attrs["accept"] = ",".join(
                f".{e.lower()}" for e in settings.EVIDENCE_EXTENSIONS
            )
        return field

    def has_add_permission(self, request, obj=None):
        # Evidence goes with its entry: addable while the entry is
        # (selectors.progress_entry_may_edit).
        return ProgressEntryAdmin.may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return True  # the parent entry's own view check already ran


class ProgressEntryForm(forms.ModelForm):
    class Meta:
        model = ProgressEntry
        fields = ("task", "target", "jurisdiction", "year", "quarter", "value", "narrative")
        help_texts: ClassVar[dict[str, str]] = {
            "quarter": "按季度填报时，完成值填写截至该季度末的全年累计数；全年数据不选季度",
            "target": "有量化目标的，选择目标；没有量化目标的任务，只选任务并填写进展情况",
            "task": "选择了目标时可不填，将自动取目标所属任务",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "task" not in self.fields:
            return  # a read-only rendering (submitted, approved, or a history version)
        self.fields["task"].required = False
        # The select itself, inside the admin's wrapper (whose ``attrs`` is not this form's copy).
        select: Any = getattr(self.fields["task"].widget, "widget", self.fields["task"].widget)
        with suppress(NoReverseMatch):  # NoReverseMatch: the form used outside the admin
            select.attrs["data-targets-url"] = reverse("admin:tasks_registry_progressentry_choices")
        # The targets offered follow the chosen task, the places the chosen target
        # (entry_form.js reloads them when either changes; here for the page as first shown
        # and as sent back).
        task = self._chosen("task")
        if task is not None and "target" in self.fields:
            field = cast(forms.ModelChoiceField, self.fields["target"])
            field.queryset = self._offered("target").filter(task=task)
            field.error_messages["invalid_choice"] = (
                f"所选目标不属于任务 {task.number}，请从列表中重新选择"
            )
        if "jurisdiction" in self.fields:
            target = self._chosen("target") if "target" in self.fields else self.instance.target
            place = cast(forms.ModelChoiceField, self.fields["jurisdiction"])
            place.queryset = entry_places(target=target)
            place.error_messages["invalid_choice"] = (
                f"所选{target.per_unit}不在目标“{target.label}”考核的{target.per_unit}之列，"
                "请从列表中重新选择"
                if target is not None and target.per_unit
                else "只有“每个县区”类目标需要选择县区；其他目标请留空（表示全市）"
            )

    def _offered(self, name: str) -> QuerySet:
        return cast(QuerySet, cast(forms.ModelChoiceField, self.fields[name]).queryset)

    def _chosen(self, name: str) -> Any:
        """The record chosen in field ``name``: as sent, else as first shown (?task=),
        else the entry's own; only one the field offers."""
        if self.is_bound:
            raw = self.data.get(self.add_prefix(name))
        else:
            raw = self.initial.get(name) or getattr(self.instance, f"{name}_id", None)
        raw = getattr(raw, "pk", raw)
        if raw in (None, "") or not str(raw).isdigit() or len(str(raw)) > 18:
            return None
        return self._offered(name).filter(pk=int(raw)).first()

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data  # what super().clean() returns, typed as a dict
        if "task" not in self.fields:
            return cleaned  # a read-only rendering (submitted, approved, or a history version)
        task, target = cleaned.get("task"), cleaned.get("target")
        if target is not None and task is None:
            cleaned["task"] = target.task
            self.instance.task = target.task
        elif task is None:
            raise ValidationError({"task": "请选择任务或目标"})
        if target is not None and cleaned["task"].pk != target.task_id:
            raise ValidationError(
                {"target": f"目标“{target.label}”不属于任务 {cleaned['task'].number}"}
            )
        # Whether a place is wanted is the model's rule (ProgressEntry.clean); which place, the
        # target's (the choices above, and the services again: services._ensure_place).
        return cleaned


def entry_places(*, target: Target | None) -> QuerySet[Jurisdiction]:
    """The places the form offers for an entry on ``target``: selectors.entry_places_for, the
    rule attainment measures by and the services enforce, as a queryset for the select."""
    return Jurisdiction.objects.filter(
        pk__in=[j.pk for j in selectors.entry_places_for(target=target)]
    ).order_by("code", "name")


@contextmanager
def _refused_as_403() -> Iterator[None]:
    """A service refusing a write the form already let through means the record changed in
    between (submitted from another tab, say): answer 403 with the service's reason. The admin's
    view is one transaction, so nothing of the request is written."""
    try:
        yield
    except ValidationError as exc:
        raise PermissionDenied("；".join(exc.messages)) from exc


# Review fields of an entry, by the attribute that tells whether there is anything in them.
_REVIEW_FIELDS = {
    "status": "status",
    "submitted_at": "submitted_at",
    "reviewed_by": "reviewed_by_id",
    "reviewed_at": "reviewed_at",
    "review_comment": "review_comment",
}
_EMPTY = (None, "")


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="退回原因", widget=forms.Textarea(attrs={"rows": 3}), required=True
    )


@admin.register(ProgressEntry)
class ProgressEntryAdmin(NotVisibleMessage, SimpleHistoryAdmin):
    form = ProgressEntryForm
    list_display = (
        "__str__",
        "task_number",
        "department",
        "year",
        "quarter",
        "value_display",
        "status",
        "evidence_count",
        "updated_at",
    )
    list_filter = ("status", "department", "task__plan", "year", "task__deadline_year")
    search_fields = ("narrative", "task__text", "task__number", "target__label", "department__name")
    readonly_fields = (
        "status",
        "department",
        "created_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "review_comment",
    )
    autocomplete_fields = ()
    inlines = (EvidenceInline,)
    actions = ("submit_selected", "approve_selected", "return_selected")
    list_select_related = ("task", "target", "department")

    class Media:
        js = ("tasks_registry/entry_form.js",)

    # -- who may do what: asked of tasks_registry.selectors, the one place the rule lives ---------

    @staticmethod
    def may_edit(request: HttpRequest, obj: ProgressEntry | None) -> bool:
        if obj is None:
            return selectors.progress_entry_may_record(user=request.user)
        # The history views pass an old version of the entry; what counts is the entry as it
        # stands now (an approved entry must not be reverted to an earlier draft).
        current = ProgressEntry.objects.filter(pk=obj.pk).first() if obj.pk else obj
        return current is not None and selectors.progress_entry_may_edit(
            user=request.user, entry=current
        )

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        if not (request.user.is_active and request.user.is_staff):
            return False
        return obj is None or selectors.progress_entry_is_visible_to(user=request.user, entry=obj)

    def has_add_permission(self, request):
        return self.may_edit(request, None)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            # The list page asks this without an object; staff need it to reach their drafts.
            return self.may_edit(request, None) or request.user.is_superuser
        return self.may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return request.user.is_superuser
        return self.may_edit(request, obj) and obj.status == ProgressStatus.DRAFT

    def get_queryset(self, request):
        return selectors.progress_entry_list_visible_to(user=request.user).annotate(
            _evidence=Count("evidence")
        )

    def get_list_filter(self, request):
        if _is_staff_member(request):
            return [f for f in self.list_filter if f != "department"]
        return self.list_filter

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Drafts are deleted one at a time, by their own department (progress_entry_delete): a
        # bulk delete could not say which of the chosen entries the service refused, and why.
        actions.pop("delete_selected", None)
        if not _is_supervisor(request):
            actions.pop("approve_selected", None)
            actions.pop("return_selected", None)
        if not _is_staff_member(request):
            actions.pop("submit_selected", None)
        return actions

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting to an old version is an edit: refuse it where editing the entry is refused.
        # What a revert may change is the service's business: only the reported fields, never
        # status, department or review (progress_entry_update).
        # The revert itself is saved by save_model, through progress_entry_update: whoever
        # reverts, status, reviewer, comment and the submission and review times stay as they
        # are (tests/security/test_history_revert_keeps_workflow.py). Rewriting a history
        # record in place (simple-history's SIMPLE_HISTORY_EDIT) is refused outright.
        if request.method == "POST":
            entry = ProgressEntry.objects.filter(pk=object_id).first()
            if (
                entry is None
                or not self.may_edit(request, entry)
                or "_change_history" in request.POST
            ):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not self.may_edit(request, obj):
            # "value" stays listed so that the form leaves it out; value_display is shown.
            shown = ["value_display" if f == "value" else f for f in ProgressEntryForm.Meta.fields]
            return [*shown, *self.readonly_fields, "value"]
        return self.readonly_fields

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # Nothing to show yet on a new entry (review, status, author are set by the services);
        # on an entry, the review fields once there is something in them.
        hidden = {"department", "created_by", *_REVIEW_FIELDS} if obj is None else set()
        if obj is not None:
            hidden = {f for f, attname in _REVIEW_FIELDS.items() if getattr(obj, attname) in _EMPTY}
            if "value_display" in fields:
                hidden.add("value")
        return [f for f in fields if f not in hidden]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "task":
            kwargs["queryset"] = selectors.task_list_visible_to(user=request.user).filter(
                is_active=True
            )
        elif db_field.name == "target":
            kwargs["queryset"] = selectors.target_list_visible_to(user=request.user).filter(
                is_active=True
            )
        elif db_field.name == "jurisdiction":
            kwargs["queryset"] = entry_places(target=None)  # the form offers the target's own
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        return [
            path(
                "choices/",
                self.admin_site.admin_view(self.choices_view),
                name="tasks_registry_progressentry_choices",
            ),
            *super().get_urls(),
        ]

    def choices_view(self, request: HttpRequest) -> JsonResponse:
        """What the entry form offers (entry_form.js asks when a select changes): for ?task=,
        its targets; for ?target=, the places a value for it may be for. Only what the user may
        see, as the form itself offers."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        targets = selectors.target_list_visible_to(user=request.user).filter(is_active=True)
        answer: dict[str, list[dict[str, object]]] = {}
        ids: dict[str, int | None] = {}
        for name, what in (("task", "任务"), ("target", "目标")):
            raw = request.GET.get(name, "")
            if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
                return JsonResponse({"error": f"{what}编号“{raw[:40]}”不是数字"}, status=400)
            ids[name] = int(raw) if raw else None
        if ids["task"] is not None:
            task = (
                selectors.task_list_visible_to(user=request.user)
                .filter(is_active=True, pk=ids["task"])
                .first()
            )
            if task is None:
                return JsonResponse({"error": "找不到该任务，或您无权填报"}, status=404)
            targets = targets.filter(task=task)
        if ids["target"] is not None:
            target = targets.select_related("task__plan").filter(pk=ids["target"]).first()
            if target is None:
                return JsonResponse({"error": "找不到该目标，或您无权填报"}, status=404)
            answer["places"] = [{"id": j.pk, "text": str(j)} for j in entry_places(target=target)]
        else:
            answer["targets"] = [{"id": t.pk, "text": str(t)} for t in targets]
            answer["places"] = []  # no target chosen yet: a place belongs to a target
        return JsonResponse(answer, json_dumps_params={"ensure_ascii": False})

    # -- writes: through tasks_registry.services, as the API's are ----------------------------

    def save_model(self, request, obj, form, change):
        fields = {f: form.cleaned_data.get(f) for f in services.ENTRY_FIELDS if f in form.fields}
        with _refused_as_403():
            if change:
                saved = services.progress_entry_update(entry=obj, by=request.user, **fields)
            else:
                saved = services.progress_entry_create(by=request.user, **fields)
        # The inline formsets were built on ``obj``: let it stand for the saved row.
        obj.pk = saved.pk
        obj.refresh_from_db()
        obj._state.adding = False

    def delete_model(self, request, obj):
        with _refused_as_403():
            services.progress_entry_delete(entry=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Evidence:
            super().save_formset(request, form, formset, change)
            return
        # Django's admin reads these three lists to write the change message.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk is not None:
                services.evidence_delete(evidence=inline_form.instance, by=request.user)
                formset.deleted_objects.append(inline_form.instance)
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms or not inline_form.has_changed():
                continue
            data = inline_form.cleaned_data
            if inline_form.instance.pk is None:
                item = services.evidence_add(
                    entry=form.instance,
                    by=request.user,
                    file=data["file"],
                    description=data.get("description", ""),
                )
                formset.new_objects.append(item)
            else:
                item = services.evidence_update(
                    evidence=inline_form.instance,
                    by=request.user,
                    file=data["file"] if "file" in inline_form.changed_data else None,
                    description=data.get("description"),
                )
                formset.changed_objects.append((item, inline_form.changed_data))

    # -- columns ------------------------------------------------------------------------------

    @admin.display(description="任务序号", ordering="task__position")
    def task_number(self, obj: ProgressEntry) -> str:
        return obj.task.number

    @admin.display(description="完成值")
    def value_display(self, obj: ProgressEntry) -> str:
        unit = obj.target.unit if obj.target_id and obj.target else ""
        return display.amount_text(obj.value, unit)

    @admin.display(description="佐证材料")
    def evidence_count(self, obj: WithAnnotations[ProgressEntry, _EntryCounts]) -> int:
        return obj._evidence

    # -- workflow actions ---------------------------------------------------------------------

    def _run(
        self, request, queryset: QuerySet[ProgressEntry], service, done: str, **kwargs
    ) -> None:
        ok, failed = 0, []
        for entry in queryset:
            try:
                service(entry=entry, by=request.user, **kwargs)
                ok += 1
            except (ValidationError, PermissionDenied) as exc:
                failed.append(f"{entry}：{'；'.join(getattr(exc, 'messages', [str(exc)]))}")
        if ok:
            self.message_user(request, f"{done} {ok} 条", messages.SUCCESS)
        for message in failed:
            self.message_user(request, message, messages.ERROR)

    @admin.action(description="提交审核")
    def submit_selected(self, request, queryset):
        self._run(request, queryset, services.progress_entry_submit, "已提交")

    @admin.action(description="审核通过")
    def approve_selected(self, request, queryset):
        self._run(request, queryset, services.progress_entry_approve, "已通过")

    @admin.action(description="退回修改（需填写原因）")
    def return_selected(self, request, queryset) -> HttpResponse | None:
        if "apply" in request.POST:
            form = ReturnForm(request.POST)
            if form.is_valid():
                self._run(
                    request,
                    queryset,
                    services.progress_entry_return,
                    "已退回",
                    comment=form.cleaned_data["comment"],
                )
                return None
        else:
            form = ReturnForm()
        return render(
            request,
            "admin/tasks_registry/progressentry/return_form.html",
            {
                **self.admin_site.each_context(request),
                "title": "退回进展填报",
                "entries": queryset,
                "form": form,
                "action": "return_selected",
                "opts": self.model._meta,
            },
        )


@admin.register(TaskListUpload)
class TaskListUploadAdmin(NotVisibleMessage, admin.ModelAdmin):
    """Supervisors upload a task list; a background job imports it and reports back here."""

    list_display = (
        "plan_title",
        "file",
        "status",
        "message",
        "uploaded_by",
        "created_at",
        "finished_at",
    )
    list_filter = ("status",)
    fields = (
        "file",
        "plan_title",
        "issuer",
        "period_start",
        "period_end",
        "status",
        "message",
        "plan",
        "uploaded_by",
        "created_at",
        "finished_at",
    )
    readonly_fields = ("status", "message", "plan", "uploaded_by", "created_at", "finished_at")

    # Who may see the uploads is asked of the selector their file downloads ask too.
    def get_queryset(self, request):
        return selectors.task_list_upload_list_visible_to(user=request.user)

    def has_module_permission(self, request):
        return selectors.task_list_upload_may_view(user=request.user)

    def has_view_permission(self, request, obj=None):
        return selectors.task_list_upload_may_view(user=request.user)

    def has_add_permission(self, request):
        return _is_supervisor(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        # Stored with its import job in one transaction (the outbox); the worker imports it.
        services.tasklist_upload_submit(upload=obj, by=request.user)
        self.message_user(request, "已上传，后台处理中；刷新本页查看结果", messages.INFO)
