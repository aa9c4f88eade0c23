from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from attainment.models import Attainment
from attainment.selectors import attainment_digest
from attainment.services import attainment_recompute
from config.database import database_migrated_check
from reporting.services import reports_folder_ingest
from tasks_registry.services import documents_folder_run


class Command(BaseCommand):
    help = (
        "主流程：载入参考数据，导入文件夹中的任务清单和年度质量报告，"
        "计算目标达成情况，打印逾期与滞后目标。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "folder",
            nargs="?",
            default=str(Path(settings.BASE_DIR) / "fixtures" / "sample"),
            help="文档文件夹（默认：项目自带的示例文档）",
        )

    def handle(self, *args, **options):
        database_migrated_check()
        folder = Path(options["folder"])
        if not folder.is_dir():
            raise CommandError(f"找不到文件夹：{folder}")
        for line in documents_folder_run(folder=folder):
            self.stdout.write(line)
        for line in reports_folder_ingest(folder=folder):
            self.stdout.write(line)
        # Ingestion already queued recomputes; a full pass here makes the summary complete even
        # when a worker has not caught up yet (it is idempotent, so the queued runs change nothing).
        attainment_recompute()
        for line in attainment_digest(
            rows=Attainment.objects.filter(target__is_active=True, target__task__is_active=True)
        ):
            self.stdout.write(line)
