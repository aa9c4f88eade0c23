from django.core.management.base import BaseCommand

from config.database import database_migrated_check
from tasks_registry.services import demo_accounts_create


class Command(BaseCommand):
    help = (
        "创建演示账号（仅供演示）：系统管理员、督导人员、两个部门的工作人员和督查室（只读），"
        "并打印登录信息。"
    )

    def handle(self, *args, **options):
        database_migrated_check()
        self.stdout.write("演示账号（仅供演示，勿用于生产）：")
        for username, password, description in demo_accounts_create():
            self.stdout.write(f"  {username} / {password}  {description}")
