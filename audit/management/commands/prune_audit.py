from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_prune, audit_retention_days
from config.database import database_migrated_check


class Command(BaseCommand):
    help = "删除早于保留期（AUDIT_RETENTION_DAYS，至少 180 天）的审计事件；每晚也由定时任务执行"

    def handle(self, *args: Any, **options: Any) -> None:
        database_migrated_check()
        try:
            days = audit_retention_days()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        deleted = audit_prune()
        self.stdout.write(f"已删除 {deleted} 条早于 {days} 天的审计事件")
