"""Reads: what a user may see, and the department catalogue for the parser."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from policytext.departments import Catalogue

from .models import Department, DepartmentAlias, ProgressEntry, Target, Task


def catalogue_load() -> Catalogue:
    """The department catalogue as the parser needs it. Departments still awaiting review are left
    out on purpose, so that a re-import keeps reporting them as unknown until someone decides."""
    aliases: dict[int, list[str]] = {}
    for department_id, alias in DepartmentAlias.objects.values_list("department_id", "alias"):
        aliases.setdefault(department_id, []).append(alias)
    return Catalogue(
        (d.name, d.kind, aliases.get(d.id, []))
        for d in Department.objects.filter(needs_review=False).only("id", "name", "kind")
    )


def task_list_visible_to(*, user: User) -> QuerySet[Task]:
    """Tasks a user may see: staff see those their department leads or co-operates on."""
    tasks = Task.objects.select_related("plan", "lead")
    if not user.is_authenticated:
        return tasks.none()
    if user.is_department_staff:
        if user.department_id is None:
            return tasks.none()
        tasks = tasks.filter(assignments__department_id=user.department_id).distinct()
    return tasks


def target_list_visible_to(*, user: User) -> QuerySet[Target]:
    targets = Target.objects.select_related("task__plan", "task__lead", "indicator")
    if not user.is_authenticated:
        return targets.none()
    if user.is_department_staff:
        if user.department_id is None:
            return targets.none()
        targets = targets.filter(task__assignments__department_id=user.department_id).distinct()
    return targets


def progress_entry_list_visible_to(*, user: User) -> QuerySet[ProgressEntry]:
    """Staff see only their own department's entries, even on a task they share with others."""
    entries = ProgressEntry.objects.select_related(
        "task__plan", "target", "department", "created_by"
    )
    if not user.is_authenticated:
        return entries.none()
    if user.is_department_staff:
        if user.department_id is None:
            return entries.none()
        entries = entries.filter(department_id=user.department_id)
    return entries


def task_latest_progress(
    *, tasks: QuerySet[Task], department_id: int | None = None
) -> QuerySet[Task]:
    """Tasks with their progress entries prefetched newest first, for list pages; only one
    department's entries when ``department_id`` is given."""
    entries = ProgressEntry.objects.order_by("-year", "-quarter", "-updated_at")
    if department_id is not None:
        entries = entries.filter(department_id=department_id)
    return tasks.prefetch_related(Prefetch("progress_entries", queryset=entries))
