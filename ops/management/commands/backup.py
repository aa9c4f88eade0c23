from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from config.database import database_migrated_check
from ops.services import BackupError, backup_write


class Command(BaseCommand):
    help = "把数据库和全部上传文件备份到一个 .tar.gz 文件（含清单：各表行数、各文件 SHA-256）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="备份文件路径，默认 var/backups/backup-<时间>.tar.gz",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        database_migrated_check()
        output: Path = options["output"] or Path("var/backups") / (
            f"backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        )
        if output.exists():
            raise CommandError(f"{output} 已存在，不覆盖：请换一个文件名")
        try:
            manifest = backup_write(output=output)
        except (BackupError, OSError) as exc:
            raise CommandError(f"备份失败：{exc}") from exc
        rows = sum(t["rows"] for t in manifest.tables.values())
        size = sum(f["size"] for f in manifest.files.values())
        self.stdout.write(
            f"已备份到 {output}：{len(manifest.tables)} 张表共 {rows} 行，"
            f"上传文件 {len(manifest.files)} 个（{size / 1024 / 1024:.1f} MB）"
        )
