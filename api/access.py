"""Who may call what. Deny by default: a view lists, per action, the roles allowed to call it, and
anything it does not list is refused. Which records a role sees is the selectors' business."""

from __future__ import annotations

from typing import Literal

from rest_framework.permissions import BasePermission

from accounts.models import Role, User

ApiRole = Literal["office", "supervisor", "staff"]

OFFICE: ApiRole = "office"
SUPERVISOR: ApiRole = "supervisor"
STAFF: ApiRole = "staff"
READERS: frozenset[ApiRole] = frozenset({OFFICE, SUPERVISOR, STAFF})


def api_role(user: User | None) -> ApiRole | None:
    """A signed-in user's role in the API. Superusers act as supervisors."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_supervisor:
        return SUPERVISOR
    if user.role == Role.OFFICE:
        return OFFICE
    if user.is_department_staff:
        return STAFF
    return None


class RoleAccess(BasePermission):
    """``view.access`` maps an action ("list", "create", "approve", …) to the roles allowed.

    OPTIONS (DRF's "metadata") is answered to whoever may list. A method the view does not route
    has no action; it is let through so that DRF answers 405 rather than a misleading 403.
    """

    message = "您的账号无权执行此操作"

    def has_permission(self, request, view) -> bool:
        role = api_role(request.user)
        if role is None:
            return False
        action = getattr(view, "action", None)
        if action is None:
            return True
        if action == "metadata":
            action = "list" if "list" in getattr(view, "access", {}) else "retrieve"
        return role in getattr(view, "access", {}).get(action, ())

    def has_object_permission(self, request, view, obj) -> bool:
        check = getattr(view, "may_act_on", None)
        return True if check is None else check(request, obj)
