from django.contrib import admin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only, for administrators: which background jobs wait for the broker, and why."""

    list_display = (
        "task_name",
        "key",
        "created_at",
        "sent_at",
        "attempts",
        "finished_at",
        "given_up_at",
        "last_error",
    )
    list_filter = ("task_name",)
    search_fields = ("key",)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
