"""Every deletion of a record the API serves leaves a row in Deletion, so that a system syncing with
``updated_since`` learns to drop it too (GET /api/v1/deletions/).

Why a signal, against the rule of keeping logic in services: records go away through many doors
(a draft deleted by its author in the admin or the API, evidence removed from an entry, figures
replaced when a report is re-processed, attainments of a target that no longer applies, cascades
when an administrator deletes a plan). A receiver on post_delete sees each of them, in the same
transaction as the delete, so a rolled-back delete leaves no tombstone either.
"""

from __future__ import annotations

from django.db.models.signals import post_delete

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


def _record(sender, instance, **kwargs) -> None:
    Deletion.objects.create(kind=KINDS[sender._meta.label], record_id=instance.pk)


def connect() -> None:
    from django.apps import apps

    for label in KINDS:
        post_delete.connect(
            _record, sender=apps.get_model(label), dispatch_uid=f"api-deletion-{label}"
        )
