import json
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.database import database_migrated_check
from policytext import documents
from policytext.tasklist import TaskListError
from tasks_registry.services import tasklist_import


def parse_period(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    m = re.fullmatch(r"\s*(\d{4})\s*[-—–~]\s*(\d{4})\s*", value)
    if not m or int(m.group(1)) > int(m.group(2)):
        raise CommandError(f"--period 应写作“起始年-截止年”，如 2021-2025，而不是“{value}”")
    return int(m.group(1)), int(m.group(2))


class Command(BaseCommand):
    help = "导入各部门工作任务清单（表格、Markdown 表格或编号段落），同一文件重复导入只更新不重复。"

    def add_arguments(self, parser):
        parser.add_argument("file", help=f"任务清单文件：{documents.ACCEPTED}")
        parser.add_argument("--plan", required=True, help="政策文件名称")
        parser.add_argument("--period", help="规划期，如 2021-2025（未给出时从正文“十四五”等推断）")
        parser.add_argument("--issuer", default="", help="发文单位，如 南阳市人民政府")
        parser.add_argument("--dry-run", action="store_true", help="只解析、不写入")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        database_migrated_check()
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            result = tasklist_import(
                data=path.read_bytes(),
                filename=path.name,
                plan_title=options["plan"],
                period=parse_period(options["period"]),
                issuer=options["issuer"],
                dry_run=options["dry_run"],
            )
        except TaskListError as exc:
            raise CommandError(f"{path.name}：{exc}；未写入任何数据") from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
            return
        parsed = result.parsed
        self.stdout.write(
            f"{path.name}：{len(parsed.tasks)} 项任务，{result.target_count} 个量化目标"
            f"（版式：{parsed.layout}）"
        )
        if parsed.unknown_departments:
            self.stdout.write(
                "不在部门目录中、已按原文保留待核对：" + "、".join(parsed.unknown_departments)
            )
        if result.dry_run:
            self.stdout.write("试运行：未写入")
            return
        self.stdout.write(
            f"新增 {len(result.created)}，更新 {len(result.updated)}，"
            f"未变 {len(result.unchanged)}，移出 {len(result.withdrawn)}"
        )
        for item in result.updated:
            self.stdout.write(f"  任务 {item['number']}：{'；'.join(item['changes'])}")
        for number in result.withdrawn:
            self.stdout.write(f"  任务 {number}：已不在清单中，标记为无效（已填报的进展保留）")
