"""Is the database at the state the code expects? For management commands and the post_migrate
handler that loads the reference data.

It sits in config/ beside env.py because it belongs to no app: commands in accounts,
tasks_registry, reporting and attainment all ask the same question of the same database.
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

NOT_MIGRATED = "数据库尚未初始化：请先运行 .venv/bin/python manage.py migrate（或 ./dev demo）"


def migrations_pending(*, using: str = DEFAULT_DB_ALIAS) -> tuple[int, int]:
    """(applied, pending): how many migrations the database ``using`` has recorded, and how many
    a plain ``migrate`` would still apply. Reads only; a never-migrated database gives (0, all)."""
    executor = MigrationExecutor(connections[using])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return len(executor.loader.applied_migrations), len(plan)


def database_migrated_check(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Stop a management command with what to run, in Chinese, rather than a traceback about a
    missing table or column, when the database was never migrated or is behind the code."""
    applied, pending = migrations_pending(using=using)
    if not pending:
        return
    if not applied:
        raise CommandError(NOT_MIGRATED)
    raise CommandError(
        f"数据库结构不是最新的（还有 {pending} 个迁移未执行）："
        "请先运行 .venv/bin/python manage.py migrate"
    )
