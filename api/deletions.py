"""Every deletion of a record the API serves leaves a row in Deletion, so that a system syncing with
``updated_since`` learns to drop it too (GET /api/v1/deletions/).

Why a signal, against the rule of keeping logic in services: records go away through many doors
(a draft deleted by its author in the admin or the API, evidence removed from an entry, figures
replaced when a report is re-processed, attainments of a target that no longer applies, cascades
when an administrator deletes a plan). A receiver on post_delete sees each of them, in the same
transaction as the delete, so a rolled-back delete leaves no tombstone either.

The feed shows each caller only what they could see (deletion_list_visible_to): a pre_delete
receiver records, while the record still exists, which departments' staff saw it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q, QuerySet
from django.db.models.signals import post_delete, pre_delete

from accounts.models import User
from tasks_registry.selectors import department_scope, task_department_ids

from .models import Deletion

# The model's label and the API list it is served in. Evidence is served inside its entry.
KINDS = {
    "tasks_registry.Plan": "plans",
    "tasks_registry.Task": "tasks",
    "tasks_registry.Target": "targets",
    "tasks_registry.Department": "departments",
    "tasks_registry.Indicator": "indicators",
    "tasks_registry.Jurisdiction": "jurisdictions",
    "tasks_registry.ProgressEntry": "progress-entries",
    "tasks_registry.Evidence": "evidence",
    "reporting.Report": "reports",
    "reporting.Figure": "figures",
    "attainment.Attainment": "attainments",
}


def _departments_seeing(instance: Any) -> list[int] | None:
    """The departments whose staff could see ``instance`` (tasks_registry.selectors), or None
    when every reader could. Asked before the delete: a cascade removes a task's assignments,
    and an evidence's entry, before the task or the entry itself."""
    from attainment.models import Attainment
    from tasks_registry.models import Evidence, ProgressEntry, Target, Task

    if isinstance(instance, ProgressEntry):
        return [instance.department_id]
    if isinstance(instance, Evidence):
        return list(
            ProgressEntry.objects.filter(pk=instance.entry_id).values_list(
                "department_id", flat=True
            )
        )
    if isinstance(instance, Task):
        return task_department_ids(task_id=instance.pk)
    if isinstance(instance, Target):
        return task_department_ids(task_id=instance.task_id)
    if isinstance(instance, Attainment):
        task_id = Target.objects.filter(pk=instance.target_id).values_list("task_id", flat=True)
        return task_department_ids(task_id=task_id[0]) if task_id else []
    return None


def _remember(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    instance._deletion_departments = _departments_seeing(instance)


def _record(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    departments = getattr(instance, "_deletion_departments", None)
    deletion = Deletion.objects.create(
        kind=KINDS[sender._meta.label], record_id=instance.pk, restricted=departments is not None
    )
    if departments:
        deletion.departments.add(*departments)


def deletion_list_visible_to(*, user: User | AnonymousUser) -> QuerySet[Deletion]:
    """The deletions ``user`` may see: of what every reader saw, and of what only some
    departments saw, those the user's role sees (tasks_registry.selectors.department_scope on the
    departments recorded at deletion)."""
    scoped = department_scope(user=user, field="departments")
    if not scoped:  # not confined: everything (``Q(...) | Q()`` would drop the empty side)
        return Deletion.objects.all()
    return Deletion.objects.filter(Q(restricted=False) | scoped).distinct()


def connect() -> None:
    from django.apps import apps

    for label in KINDS:
        model = apps.get_model(label)
        pre_delete.connect(_remember, sender=model, dispatch_uid=f"api-deletion-seen-{label}")
        post_delete.connect(_record, sender=model, dispatch_uid=f"api-deletion-{label}")
