"""Attainment and reminders in the admin: read-only records of what the service concluded. The
supervisors' working view is /supervision/ (attainment/views.py)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .models import Attainment, Reminder
from .selectors import attainment_list_visible_to, source_text


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff


@admin.register(Attainment)
class AttainmentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = (
        "task_number",
        "target_link",
        "jurisdiction",
        "period_label",
        "actual",
        "ratio",
        "status",
        "updated_at",
    )
    list_filter = (
        "status",
        "year",
        "target__task__plan",
        "target__task__lead",
        "target__indicator",
    )
    search_fields = ("target__label", "target__task__number", "reason")
    fields = (
        "target",
        "jurisdiction",
        "period_label",
        "due_date",
        "actual",
        "actual_year",
        "ratio",
        "expected",
        "baseline",
        "baseline_year",
        "status",
        "reason",
        "source_list",
        "overdue_since",
        "computed_at",
        "updated_at",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return attainment_list_visible_to(user=request.user)

    @admin.display(description="任务", ordering="target__task__position")
    def task_number(self, obj: Attainment) -> str:
        return obj.target.task.number

    @admin.display(description="目标")
    def target_link(self, obj: Attainment) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("attainment:target", args=[obj.target_id]),
            obj.target.label,
        )

    @admin.display(description="数据来源")
    def source_list(self, obj: Attainment) -> str:
        return "\n".join(source_text(s) for s in obj.sources) or "—"


@admin.register(Reminder)
class ReminderAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("kind", "attainment", "recipient_list", "created_at")
    list_filter = ("kind",)
    list_select_related = ("attainment__target",)

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_supervisor

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_supervisor

    @admin.display(description="收件人")
    def recipient_list(self, obj: Reminder) -> str:
        return "、".join(obj.recipients) or "（无邮箱，仅记录）"
