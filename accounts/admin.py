import datetime
from typing import ClassVar

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .models import ApiToken, LoginFailure, User
from .second_factor import services as second_factor


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "department", "role", "is_active")
    list_filter = ("role", "department", "is_active")
    search_fields = ("username", "first_name", "last_name", "department__name")
    autocomplete_fields = ("department",)
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("部门与角色", {"fields": ("department", "role")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("部门与角色", {"fields": ("department", "role", "is_staff")}),
    )

    actions = ("lift_login_lockout", "second_factor_reset")

    @admin.action(description="解除所选用户的登录锁定")
    def lift_login_lockout(self, request, queryset: QuerySet[User]) -> None:
        usernames = [user.get_username() for user in queryset]
        cleared = services.login_lockout_lift(usernames=usernames, by=request.user)
        self.message_user(
            request,
            f"已解除 {len(usernames)} 个用户的登录锁定（清除失败记录 {cleared} 条），现在即可登录",
            messages.SUCCESS,
        )

    @admin.action(description="重置所选用户的两步验证（手机遗失时；删除其验证器和备用验证码）")
    def second_factor_reset(self, request, queryset: QuerySet[User]) -> None:
        removed = sum(second_factor.second_factor_reset(user=user) for user in queryset)
        self.message_user(
            request,
            f"已重置 {queryset.count()} 个用户的两步验证（删除 {removed} 个验证设备）；"
            "督导人员和系统管理员下次登录时须重新绑定验证器",
            messages.SUCCESS,
        )

    # Accounts are managed by administrators only, not by department staff or supervisors.
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


def _default_expiry() -> datetime.datetime:
    return timezone.localtime() + datetime.timedelta(days=settings.API_TOKEN_TTL_DAYS)


class ApiTokenIssueForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("user", "name", "expiry")
        labels: ClassVar[dict[str, str]] = {"user": "令牌所属用户", "expiry": "到期时间"}
        help_texts: ClassVar[dict[str, str]] = {
            "user": "令牌的权限即该用户的权限：督查室用户只读；"
            "部门工作人员只能读写本部门的数据；督导人员可审核",
            "expiry": "到期后令牌自动失效；默认一年",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expiry"].required = True
        self.fields["expiry"].initial = _default_expiry

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("user") and cleaned.get("expiry"):
            services.api_token_validate(user=cleaned["user"], expiry=cleaned["expiry"])
        return cleaned


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators issue tokens here; the token is shown once, on the page after issuing."""

    list_display = (
        "name",
        "user",
        "user_role",
        "key_prefix",
        "created",
        "expiry",
        "state",
        "last_used_at",
    )
    list_filter = ("user__role",)
    search_fields = ("name", "user__username", "token_key")
    autocomplete_fields = ("user",)
    readonly_fields = (
        "name",
        "user",
        "key_prefix",
        "created",
        "expiry",
        "state",
        "issued_by",
        "revoked_at",
        "revoked_by",
        "last_used_at",
    )
    actions = ("revoke_selected",)

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return False  # a token is issued or revoked, never edited

    def has_delete_permission(self, request, obj=None):
        return False  # revoked tokens stay on record

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenIssueForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        return ApiTokenIssueForm.Meta.fields if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        row, token = services.api_token_issue(
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            by=request.user,
            expiry=form.cleaned_data["expiry"],
        )
        obj.pk = row.pk
        self.message_user(
            request,
            f"已签发令牌（只显示这一次，请立即复制并妥善保存；遗失后只能吊销并重新签发）：{token}",
            messages.WARNING,
        )

    def save_related(self, request, form, formsets, change):
        pass  # the token row was written by the service

    def response_add(self, request, obj, post_url_continue=None):
        return HttpResponseRedirect(reverse("admin:accounts_apitoken_changelist"))

    def log_addition(self, request, obj, message):
        return super().log_addition(request, ApiToken.objects.get(pk=obj.pk), message)

    @admin.display(description="角色")
    def user_role(self, obj: ApiToken) -> str:
        return obj.user.get_role_display()

    @admin.display(description="令牌开头")
    def key_prefix(self, obj: ApiToken) -> str:
        return f"{obj.token_key[:8]}…"

    @admin.display(description="状态")
    def state(self, obj: ApiToken) -> str:
        return obj.state

    @admin.action(description="吊销所选令牌（立即失效）")
    def revoke_selected(self, request, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            services.api_token_revoke(token=token, by=request.user)
        self.message_user(request, f"已吊销 {queryset.count()} 个令牌", messages.SUCCESS)


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Failed sign-ins of the lockout window, read-only; deleting rows lifts a lockout (an
    account's or an address's)."""

    # axes names its fields in English only; the columns give them their Chinese names.
    list_display = ("account", "address", "failures", "last_failure", "browser")
    fields = readonly_fields = list_display
    search_fields = ("username", "ip_address")
    actions = ("lift_selected",)

    @admin.display(description="账号（所输入的用户名）", ordering="username")
    def account(self, obj: LoginFailure) -> str:
        return obj.username or "—"

    @admin.display(description="来源地址", ordering="ip_address")
    def address(self, obj: LoginFailure) -> str:
        return obj.ip_address or "—"

    @admin.display(description="失败次数", ordering="failures_since_start")
    def failures(self, obj: LoginFailure) -> int:
        return obj.failures_since_start

    @admin.display(description="最近一次失败", ordering="attempt_time")
    def last_failure(self, obj: LoginFailure) -> datetime.datetime:
        return obj.attempt_time

    @admin.display(description="浏览器")
    def browser(self, obj: LoginFailure) -> str:
        return obj.user_agent[:80]

    @admin.action(description="解除锁定（清除所选失败记录）")
    def lift_selected(self, request, queryset: QuerySet[LoginFailure]) -> None:
        count, _ = queryset.delete()
        self.message_user(
            request, f"已清除 {count} 条登录失败记录，相应锁定已解除", messages.SUCCESS
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # 解除锁定 says what deleting these rows means
        return actions

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# django-otp's own device pages (in English, and showing each device's secret to whoever may edit
# it) are not offered: an administrator resets a user's two-step verification from 用户 instead.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
