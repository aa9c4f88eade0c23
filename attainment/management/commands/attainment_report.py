import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from attainment.models import Attainment
from attainment.selectors import attainment_row
from config.database import database_migrated_check
from tasks_registry.models import Plan


class Command(BaseCommand):
    help = (
        "打印一个政策文件全部目标的达成情况："
        "任务序号、目标、指标、区划、考核期、实际值、来源、完成比例、状态。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--plan", required=True, help="政策文件名称（可只写其中一段，须只匹配一个）"
        )
        parser.add_argument("--year", type=int, help="只看该年度：考核期为该年，或所用数据为该年的")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        database_migrated_check()
        plans = list(Plan.objects.filter(title=options["plan"])) or list(
            Plan.objects.filter(title__icontains=options["plan"])
        )
        if not plans:
            known = (
                "、".join(Plan.objects.values_list("title", flat=True))
                or "（尚未导入任何任务清单）"
            )
            raise CommandError(f"找不到政策文件“{options['plan']}”。已有：{known}")
        if len(plans) > 1:
            raise CommandError(
                f"“{options['plan']}”匹配到多个政策文件："
                f"{'、'.join(p.title for p in plans)}，请写全名称"
            )
        plan = plans[0]
        rows = (
            Attainment.objects.filter(
                target__task__plan=plan, target__is_active=True, target__task__is_active=True
            )
            .select_related(
                "target__task__plan", "target__task__lead", "target__indicator", "jurisdiction"
            )
            .order_by(
                "target__task__position",
                "target__position",
                "jurisdiction__code",
                "jurisdiction__name",
                "year",
            )
        )
        if options["year"]:
            rows = rows.filter(Q(year=options["year"]) | Q(actual_year=options["year"]))
        data = [attainment_row(a) for a in rows]
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {"plan": plan.title, "year": options["year"], "attainments": data},
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        self.stdout.write(
            f"《{plan.title}》目标达成情况"
            + (f"（{options['year']} 年）" if options["year"] else "")
            + f"：{len(data)} 项"
        )
        for r in data:
            ratio = r["ratio_text"] or "—"
            self.stdout.write(
                f"任务 {r['task']} | {r['target']} {r['worded']} | "
                f"{r['indicator'] or '（无指标）'} | {r['jurisdiction'] or '—'} | "
                f"{r['period']} | {r['actual'] or '无数据'} | {r['source'] or '—'} | "
                f"{ratio} | {r['status_display']}"
            )
