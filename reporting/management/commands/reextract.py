from django.core.management.base import BaseCommand, CommandError

from config.database import database_migrated_check
from reporting.models import Report, ReportStatus
from reporting.services import report_process


class Command(BaseCommand):
    help = (
        "按当前指标目录（含审核中学到的别称）重新识别已导入的年度质量报告；"
        "已确认、已更正、已驳回的数据保留不变（与后台“重新识别所选报告”同一流程）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="报告编号（可多个）")
        parser.add_argument("--all", action="store_true", help="重新识别全部报告")

    def handle(self, *args, **options):
        database_migrated_check()
        ids: list[int] = options["ids"]
        if options["all"] == bool(ids):
            raise CommandError("请给出报告编号，或使用 --all（二者选一）")
        reports = Report.objects.order_by("pk")
        if ids:
            reports = reports.filter(pk__in=ids)
            missing = sorted(set(ids) - set(reports.values_list("pk", flat=True)))
            if missing:
                raise CommandError(f"找不到报告：{'、'.join(f'#{pk}' for pk in missing)}")
        failed = 0
        for pk in reports.values_list("pk", flat=True):
            report = report_process(report_id=pk)
            if report is None:
                self.stdout.write(f"报告 #{pk}：正由其他任务处理，已跳过")
                continue
            failed += report.status == ReportStatus.FAILED
            self.stdout.write(f"报告 #{pk} {report}：{report.message}")
        if failed:
            raise CommandError(f"{failed} 份报告识别失败（原因见上）")
