import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.services import api_token_issue, api_token_revoke
from config.database import database_migrated_check


class Command(BaseCommand):
    help = (
        "签发或吊销 API 令牌（与后台“API 令牌”相同）。"
        "签发：--user 用户名 --name 用途 [--days 天数]，"
        "令牌只打印这一次；吊销：--revoke 令牌开头8位。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", help="令牌所属用户的用户名")
        parser.add_argument("--name", default="", help="用途，如：市督查室数据同步")
        parser.add_argument(
            "--days", type=int, default=None, help="有效天数（默认 API_TOKEN_TTL_DAYS）"
        )
        parser.add_argument("--revoke", metavar="PREFIX", help="吊销以此开头的令牌")
        parser.add_argument(
            "--quiet", action="store_true", help="签发时只打印令牌本身（供脚本使用）"
        )

    def handle(self, *args, **options):
        database_migrated_check()
        admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if admin is None:
            raise CommandError("没有可用的系统管理员账号：请先用 createsuperuser 创建")
        if options["revoke"]:
            prefix = options["revoke"].strip()
            rows = (
                list(ApiToken.objects.filter(token_key__startswith=prefix[:15]))
                if len(prefix) >= 8
                else []
            )
            if len(rows) != 1:
                raise CommandError(f"找不到唯一一个以 {prefix} 开头的令牌（请给出至少 8 位）")
            api_token_revoke(token=rows[0], by=admin)
            self.stdout.write(f"已吊销：{rows[0]}")
            return
        user = User.objects.filter(username=options["user"] or "").first()
        if user is None:
            raise CommandError(f"找不到用户“{options['user'] or ''}”（--user）")
        expiry = (
            timezone.now() + datetime.timedelta(days=options["days"]) if options["days"] else None
        )
        try:
            row, token = api_token_issue(user=user, name=options["name"], by=admin, expiry=expiry)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        if options["quiet"]:
            self.stdout.write(token)
            return
        self.stdout.write(
            f"已为 {user}（{user.get_role_display()}）签发令牌“{row.name}”，"
            f"到期 {timezone.localtime(row.expiry):%Y-%m-%d %H:%M}。"
        )
        self.stdout.write("令牌只显示这一次，请妥善保存：")
        self.stdout.write(token)
