from django.core.management.base import BaseCommand

from config.database import database_migrated_check
from tasks_registry.services import reference_data_load


class Command(BaseCommand):
    help = "刷新参考数据（部门目录、指标目录、行政区划）：migrate 后已自动载入；可重复执行。"

    def handle(self, *args, **options):
        database_migrated_check()
        counts = reference_data_load()
        self.stdout.write(
            f"已载入部门 {counts['departments']} 个、指标 {counts['indicators']} 个、"
            f"审核中学到的别称 {counts['learned_aliases']} 个"
        )
