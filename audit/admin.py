from typing import Any
from urllib.parse import quote

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

from . import selectors
from .models import AuditEvent
from .services import audit_export


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail, read-only for everyone (等保: records must not be altered); supervisors and
    administrators may read and export it, nobody else sees it."""

    list_display = ("at", "username", "address", "action", "object_type", "object_repr")
    list_filter = (
        "action",
        ("at", admin.DateFieldListFilter),
        ("user", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("username", "address", "object_repr", "object_id")
    date_hierarchy = "at"
    list_select_related = ("user",)
    readonly_fields = (
        "at",
        "user",
        "username",
        "address",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "detail",
    )
    actions = ("export_csv",)
    show_full_result_count = False  # the trail grows large; a COUNT(*) per page is wasted

    def has_module_permission(self, request: HttpRequest) -> bool:
        return selectors.audit_trail_is_visible_to(user=request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return selectors.audit_trail_is_visible_to(user=request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # only prune_audit removes events, and only past the retention period

    @admin.action(description="导出所选审计事件（CSV）", permissions=["view"])
    def export_csv(
        self, request: HttpRequest, queryset: QuerySet[AuditEvent]
    ) -> StreamingHttpResponse:
        events = queryset.order_by("at", "id")
        audit_export(request=request, fmt="csv", name="审计日志", rows=events.count())
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(
            selectors.audit_events_csv(events=events.iterator(chunk_size=2000)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''{quote('审计日志')}-{stamp}.csv"
        )
        return response
