import sys
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TasksRegistryConfig(AppConfig):
    name = "tasks_registry"
    verbose_name = "任务清单"

    def ready(self) -> None:
        # migrate alone leaves a usable database: sent once per migrate (sender=self), and also
        # after flush, so a test database emptied between transactional tests gets it back.
        post_migrate.connect(reference_data_after_migrate, sender=self)


def reference_data_after_migrate(*, using: str, verbosity: int = 1, **kwargs: Any) -> None:
    """Load or refresh the departments, indicators and jurisdictions from fixtures/ after a
    complete ``migrate`` of the database ``using`` (what load_reference does by hand).

    The service writes through the current models, so it waits while any migration is still
    unapplied (``migrate tasks_registry 0003``, a migration backwards): the tables may not match
    them yet. It stays silent at verbosity 0, which is how the test databases are created.
    """
    from django.db import router

    from config.database import migrations_pending

    from .models import Department
    from .services import reference_data_load

    if not router.allow_migrate_model(using, Department):
        return
    _, pending = migrations_pending(using=using)
    if pending:
        return
    counts = reference_data_load(using=using)
    if verbosity >= 1:
        stdout = kwargs.get("stdout") or sys.stdout
        stdout.write(
            f"已载入参考数据：部门 {counts['departments']} 个，指标 {counts['indicators']} 个，"
            f"行政区划 {counts['jurisdictions']} 个\n"
        )
