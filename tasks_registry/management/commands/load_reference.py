from django.core.management.base import BaseCommand

from tasks_registry.services import reference_data_load


class Command(BaseCommand):
    help = "载入参考数据：部门目录（全称、类别、简称）与指标目录。可重复执行。"

    def handle(self, *args, **options):
        counts = reference_data_load()
        self.stdout.write(f"已载入部门 {counts['departments']} 个、指标 {counts['indicators']} 个")
