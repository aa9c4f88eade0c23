import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from policytext.cnnum import to_json_number
from policytext.reports import location
from reporting.services import ReportRejected, report_read


class Command(BaseCommand):
    help = "从年度质量报告中识别数据并打印（不写入数据库）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="报告文件（.txt/.md/.docx/.doc/.wps/.xlsx/.xls/.pdf）")
        parser.add_argument("--entity", help="报告主体（留空则从标题识别）")
        parser.add_argument("--year", type=int, help="报告年度（留空则从标题识别）")
        parser.add_argument("--format", choices=("json", "text"), default="text")
        parser.add_argument("--all", action="store_true", help="文本格式下也列出未关联指标的数据")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            extracted = report_read(
                name=path.name,
                data=path.read_bytes(),
                entity=options["entity"],
                year=options["year"],
            )
        except ReportRejected as exc:
            raise CommandError(str(exc)) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(extracted.as_json(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{extracted.entity}（{extracted.entity_kind}）{extracted.year} 年度："
            f"识别 {len(extracted.figures)} 个数据，"
            f"关联指标 {len(extracted.linked)} 个，数据不一致 {len(extracted.conflicts)} 处"
        )
        for f in extracted.figures:
            if f.indicator or options["all"]:
                where = location(
                    line=f.line, place=f.place, table_title=f.table_title, table_row=f.table_row
                )
                subject = f" [{f.subject}]" if f.subject else ""
                self.stdout.write(
                    f"  {where:16} {f.indicator or '-':28} {f.kind:10} "
                    f"{to_json_number(f.value)} {f.unit}{subject}  {f.label}"
                )
        for c in extracted.conflicts:
            values = "；".join(
                f"{location(line=f.line, place=f.place)} {to_json_number(f.value)}{f.unit}"
                for f in c.figures
            )
            self.stdout.write(f"  数据不一致 {c.indicator} {c.year}：{values}")
