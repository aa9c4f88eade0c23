from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.database import database_migrated_check
from ops.services import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "从 manage.py backup 生成的文件恢复数据库和上传文件；只恢复到已 migrate 的空数据库"
        "和空的上传目录，先校验每个文件的 SHA-256"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="备份文件（.tar.gz）")

    def handle(self, *args: Any, **options: Any) -> None:
        database_migrated_check()
        try:
            manifest = backup_restore(archive=options["archive"])
        except BackupError as exc:
            raise CommandError(f"恢复失败：{exc}") from exc
        rows = sum(t["rows"] for t in manifest.tables.values())
        self.stdout.write(
            f"已从 {options['archive']} 恢复（备份于 {manifest.created_at}）："
            f"{len(manifest.tables)} 张表共 {rows} 行，上传文件 {len(manifest.files)} 个，校验一致"
        )
