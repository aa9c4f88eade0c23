from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.database import database_migrated_check
from reporting.models import ReportStatus
from reporting.services import ReportRejected, report_ingest


class Command(BaseCommand):
    help = "导入一份年度质量报告并识别其数据（与后台上传走同一流程；同一文件重复导入只保留一份）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="报告文件（.txt/.md/.docx/.doc/.wps/.xlsx/.xls/.pdf）")
        parser.add_argument("--entity", default="", help="报告主体（留空则从标题识别）")
        parser.add_argument("--year", type=int, help="报告年度（留空则从标题识别）")

    def handle(self, *args, **options):
        database_migrated_check()
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            report, created = report_ingest(
                name=path.name,
                data=path.read_bytes(),
                entity=options["entity"],
                year=options["year"],
            )
        except ReportRejected as exc:
            raise CommandError(f"{exc}（未写入任何数据）") from exc
        if report.status == ReportStatus.FAILED:
            raise CommandError(report.message)
        where = report.jurisdiction.path if report.jurisdiction else "?"
        self.stdout.write(
            f"{'新导入' if created else '已存在，重新识别'}："
            f"报告 #{report.pk} {where} {report.year} 年度。{report.message}"
        )
        for conflict in report.conflicts.all():
            self.stdout.write(f"  数据不一致：{conflict.description}")
