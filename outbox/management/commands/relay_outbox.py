"""For cron where celery beat does not run: the same sweeps beat runs every minute."""

from django.core.management.base import BaseCommand

from config.database import database_migrated_check
from outbox.services import outbox_relay
from reporting.services import reports_stuck_sweep
from tasks_registry.services import tasklist_uploads_stuck_sweep


class Command(BaseCommand):
    help = (
        "把任务队列（Redis）不可用时保存的后台任务交给队列，重新交付长时间未完成的任务，"
        "并处理停留在“已上传/处理中/导入中”的报告与任务清单（重试或标记失败）。"
        "可由 cron 每分钟运行。"
    )

    def handle(self, *args, **options):
        database_migrated_check()
        relayed = outbox_relay()
        reports = reports_stuck_sweep()
        uploads = tasklist_uploads_stuck_sweep()
        self.stdout.write(
            f"后台任务：交付 {relayed.sent}，重新交付 {relayed.resent}，放弃 {relayed.given_up}，"
            f"仍在等待任务队列 {relayed.waiting}；"
            f"报告：重试 {reports['retried']}，标记失败 {reports['failed']}；"
            f"任务清单：重试 {uploads['retried']}，标记失败 {uploads['failed']}"
        )
        if relayed.waiting:
            self.stderr.write("任务队列仍不可用：已保存的后台任务将在服务恢复后自动交付")
