"""Reads: what a user may see, where a target is measured (and so where its entries may be for),
and the department catalogue for the parser."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from policytext.departments import Catalogue

from .models import (
    Department,
    DepartmentAlias,
    Evidence,
    Jurisdiction,
    JurisdictionKind,
    Plan,
    ProgressEntry,
    Target,
    Task,
    TaskAssignment,
    TaskListUpload,
)


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


# ---------------------------------------------------------------------------------------------
# Who may see and change what. This is the one place the rule lives: the admin's querysets and
# object checks, the supervisors' view, the API and the services all ask these functions.
#
# - Supervisors, administrators and the supervision office see every task, target, entry and
#   attainment (the office read-only: its writes are refused by role, in services and the API).
# - Department staff see the tasks their department leads or co-operates on, with their targets
#   and attainments, and only their own department's progress entries, even on a shared task.
# - Anyone else (signed out, deactivated, staff whose account has no department) sees nothing.

_NOTHING = Q(pk__in=[])


def _staff_department_id(user: User | AnonymousUser) -> int | None:
    """The department a user is confined to, or None when the user is not confined."""
    return user.department_id if isinstance(user, User) and user.is_department_staff else None


def _sees_nothing(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return True
    return isinstance(user, User) and user.is_department_staff and user.department_id is None


def task_scope(*, user: User | AnonymousUser, path: str = "") -> Q:
    """The tasks ``user`` may see, as a filter on any model that reaches Task through ``path``
    ("" on Task, "task__" on Target or ProgressEntry, "target__task__" on Attainment). A
    subquery rather than a join, so that a task shared by several departments is not repeated."""
    if _sees_nothing(user):
        return _NOTHING
    department_id = _staff_department_id(user)
    if department_id is None:
        return Q()
    assigned = TaskAssignment.objects.filter(department_id=department_id).values("task_id")
    return Q(**{f"{path}id__in": assigned})


def task_department_ids(*, task_id: int) -> list[int]:
    """The departments whose staff see a task (task_scope): those leading or co-operating on it.
    Recorded with a deleted task, target or attainment, which can no longer be asked."""
    return sorted(
        TaskAssignment.objects.filter(task_id=task_id).values_list("department_id", flat=True)
    )


def department_scope(*, user: User | AnonymousUser, field: str) -> Q:
    """A filter on rows that name the department they belong to in ``field``: all of them for
    users not confined to a department, their own department's for staff, none for the rest.
    Progress entries are scoped so (progress_entry_scope), and so are the deletions of records
    that only some departments saw (api.deletions)."""
    if _sees_nothing(user):
        return _NOTHING
    department_id = _staff_department_id(user)
    return Q() if department_id is None else Q(**{field: department_id})


def progress_entry_scope(*, user: User | AnonymousUser, path: str = "") -> Q:
    """The progress entries ``user`` may see, as a filter on ProgressEntry (or through ``path``)."""
    return department_scope(user=user, field=f"{path}department_id")


def task_list_visible_to(*, user: User | AnonymousUser) -> QuerySet[Task]:
    """Tasks a user may see: staff see those their department leads or co-operates on."""
    return Task.objects.select_related("plan", "lead").filter(task_scope(user=user))


def target_list_visible_to(*, user: User | AnonymousUser) -> QuerySet[Target]:
    """Targets of the tasks a user may see."""
    return Target.objects.select_related("task__plan", "task__lead", "indicator").filter(
        task_scope(user=user, path="task__")
    )


def progress_entry_list_visible_to(*, user: User | AnonymousUser) -> QuerySet[ProgressEntry]:
    """Staff see only their own department's entries, even on a task they share with others."""
    return ProgressEntry.objects.select_related(
        "task__plan", "target", "department", "created_by"
    ).filter(progress_entry_scope(user=user))


def evidence_list_visible_to(*, user: User | AnonymousUser) -> QuerySet[Evidence]:
    """Evidence goes with its entry: whoever may see the entry may see (and download) its files."""
    return Evidence.objects.select_related("entry").filter(
        progress_entry_scope(user=user, path="entry__")
    )


def task_list_upload_may_view(*, user: User | AnonymousUser) -> bool:
    """Task lists are imported by supervisors: the uploads, and their files, are theirs to see."""
    return isinstance(user, User) and user.is_active and user.is_supervisor


def task_list_upload_list_visible_to(*, user: User | AnonymousUser) -> QuerySet[TaskListUpload]:
    qs = TaskListUpload.objects.all()
    return qs if task_list_upload_may_view(user=user) else qs.none()


def task_is_visible_to(*, user: User | AnonymousUser, task: Task) -> bool:
    return Task.objects.filter(task_scope(user=user), pk=task.pk).exists()


def target_is_visible_to(*, user: User | AnonymousUser, target: Target) -> bool:
    return Task.objects.filter(task_scope(user=user), pk=target.task_id).exists()


def progress_entry_is_visible_to(*, user: User | AnonymousUser, entry: ProgressEntry) -> bool:
    """Asked of the entry as stored, not as passed: the history pages pass an old version, whose
    department may not be the entry's now."""
    return ProgressEntry.objects.filter(progress_entry_scope(user=user), pk=entry.pk).exists()


def task_is_assigned_to(*, task: Task, department_id: int | None) -> bool:
    """Whether a department leads or co-operates on ``task``: what entitles it to report on it."""
    return (
        department_id is not None and task.assignments.filter(department_id=department_id).exists()
    )


def progress_entry_may_record(*, user: User | AnonymousUser, task: Task | None = None) -> bool:
    """Whether ``user`` may record progress (on ``task``, when given): department staff, for a
    task their department leads or co-operates on. Supervisors review; they do not report."""
    if _sees_nothing(user):
        return False
    department_id = _staff_department_id(user)
    if department_id is None:
        return False
    return task is None or task_is_assigned_to(task=task, department_id=department_id)


def progress_entry_is_own(*, user: User | AnonymousUser, entry: ProgressEntry) -> bool:
    """Whether ``user`` acts for ``entry``'s department: its own staff, or an administrator."""
    if not user.is_authenticated or not user.is_active or not isinstance(user, User):
        return False
    if user.is_superuser:
        return True
    department_id = _staff_department_id(user)
    return department_id is not None and entry.department_id == department_id


def progress_entry_may_edit(*, user: User | AnonymousUser, entry: ProgressEntry) -> bool:
    """Whether ``user`` may change, submit, delete or attach evidence to ``entry``: its own
    department (progress_entry_is_own) while it is a draft or returned. Submitted entries wait
    for review; approved ones are what attainment was computed from and stay locked for all."""
    return entry.is_editable_by_author and progress_entry_is_own(user=user, entry=entry)


def progress_entry_may_review(*, user: User | AnonymousUser) -> bool:
    """Approving and returning entries is the supervisors' job."""
    return isinstance(user, User) and user.is_active and user.is_supervisor


def target_link_may_change(*, user: User | AnonymousUser, target: Target) -> bool:
    """What measures a target (its indicator and place) is confirmed or changed by supervisors
    and by the staff of the department that leads its task."""
    if _sees_nothing(user) or not isinstance(user, User):
        return False
    if user.is_supervisor:
        return True
    department_id = _staff_department_id(user)
    return department_id is not None and target.task.lead_id == department_id


def task_latest_progress(*, tasks: QuerySet[Task], user: User | AnonymousUser) -> QuerySet[Task]:
    """Tasks with the progress entries ``user`` may see prefetched newest first, for list pages."""
    entries = ProgressEntry.objects.filter(progress_entry_scope(user=user)).order_by(
        "-year", "-quarter", "-updated_at"
    )
    return tasks.prefetch_related(Prefetch("progress_entries", queryset=entries))


def indicator_alias_may_change(*, user: User | AnonymousUser) -> bool:
    """Learned aliases of the indicator catalogue are the supervisors' (they learn them by
    linking figures) and the administrators'; the rest of an indicator stays the administrators'."""
    return (
        isinstance(user, User)
        and user.is_active
        and (user.is_superuser or progress_entry_may_review(user=user))
    )


def department_may_merge(*, user: User | AnonymousUser) -> bool:
    """Settling the names an import could not place (待核对) is the supervisors' job."""
    return indicator_alias_may_change(user=user)


def jurisdiction_tree_load() -> tuple[dict[int, Jurisdiction], dict[int, list[int]]]:
    """Every place by id, and the ids of each place's children: what the rule of where a target
    is measured walks (target_places)."""
    places = {j.pk: j for j in Jurisdiction.objects.all()}
    children: dict[int, list[int]] = defaultdict(list)
    for j in places.values():
        if j.parent_id is not None:
            children[j.parent_id].append(j.pk)
    return places, children


def target_places(
    target: Target, plan: Plan, places: dict[int, Jurisdiction], children: dict[int, list[int]]
) -> Sequence[int | None]:
    """Where a target is measured: its own place (or the plan's); for a per-county target each
    county under it, for a per-school target each school under it. The one rule: attainment
    computes a value for each of these places, and a progress entry may be for these alone
    (entry_places_for), so no value is recorded for a place nobody counts."""
    base = target.jurisdiction_id or plan.jurisdiction_id
    if base is None:
        return [None]
    if target.per_unit:
        wanted = {"县区": (JurisdictionKind.COUNTY,), "学校": (JurisdictionKind.SCHOOL,)}.get(
            target.per_unit
        )
        if wanted:
            below = _descendants(base, children)
            units = [j for j in below if places[j].kind in wanted]
            if units:
                return sorted(units, key=lambda j: (places[j].code, places[j].name))
    return [base]


def _descendants(root: int, children: dict[int, list[int]]) -> list[int]:
    out: list[int] = []
    seen: set[int] = set()
    stack = list(children.get(root, ()))
    while stack:
        j = stack.pop()
        if j in seen:
            continue
        seen.add(j)
        out.append(j)
        stack.extend(children.get(j, ()))
    return out


def entry_places_for(*, target: Target | None) -> list[Jurisdiction]:
    """The places a progress entry on ``target`` may be for: for a target counted per county
    (per school), the places target_places measures it in; none for any other target, whose
    value is its whole place's and whose entry names no place."""
    if target is None or not target.per_unit:
        return []
    places, children = jurisdiction_tree_load()
    plan = target.task.plan
    return [places[j] for j in target_places(target, plan, places, children) if j is not None]
