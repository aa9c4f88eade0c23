from pathlib import Path

from django.core.management.base import BaseCommand

from config.database import database_migrated_check
from tasks_registry.services import LEARNED_ALIASES, reference_learned_export


class Command(BaseCommand):
    help = (
        "导出审核中学到的别称（指标别称及添加人、时间；合并待核对部门得到的部门简称）"
        "到 fixtures/learned_aliases.json，load_reference 与 migrate 时读回。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help=f"输出文件（默认 {LEARNED_ALIASES.name}，在 fixtures/ 下）"
        )

    def handle(self, *args, **options):
        database_migrated_check()
        path = Path(options["output"]) if options["output"] else LEARNED_ALIASES
        counts = reference_learned_export(path=path)
        self.stdout.write(
            f"已导出指标别称 {counts['indicator_aliases']} 个、"
            f"部门简称 {counts['department_aliases']} 个到 {path}"
        )
