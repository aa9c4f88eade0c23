from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.second_factor.selectors import second_factor_required_for
from accounts.second_factor.services import second_factor_demo_device_create, second_factor_secret
from config.database import database_migrated_check
from tasks_registry.services import demo_accounts_create


class Command(BaseCommand):
    help = (
        "创建演示账号（仅供演示）：系统管理员、督导人员、两个部门的工作人员和督查室（只读），"
        "并打印登录信息。生产环境下拒绝运行。"
    )

    def handle(self, *args, **options):
        # The demo accounts share a published password and one is a superuser: on a live system
        # they would be an open door (issue 15). Production settings set this to False.
        if not settings.DEMO_ACCOUNTS_ALLOWED:
            raise CommandError(
                "生产环境（DJANGO_SETTINGS_MODULE=config.settings.production）不能创建演示账号："
                "演示账号使用公开的密码且含系统管理员。"
                "请用 `manage.py createsuperuser` 创建管理员，在后台“用户”中为其他人开设账号。"
            )
        database_migrated_check()
        self.stdout.write("演示账号（仅供演示，勿用于生产）：")
        created = demo_accounts_create()
        for username, password, description in created:
            self.stdout.write(f"  {username} / {password}  {description}")
        self._second_factor([username for username, _, _ in created])

    def _second_factor(self, usernames: list[str]) -> None:
        """Accounts whose role requires two-step verification get an authenticator here, its
        secret printed so the demo can be signed into without a phone (demo only: a real
        account binds its own on the enrolment page and no one else ever sees the secret)."""
        users = list(User.objects.filter(username__in=usernames).order_by("username"))
        required = [u for u in users if second_factor_required_for(user=u)]
        if not required:
            return
        self.stdout.write(
            "两步验证（督导人员和系统管理员必须使用）：登录时输入密码后，还要输入验证器应用显示的 "
            "6 位验证码。以下密钥仅供演示，每次运行本命令都会重新生成："
        )
        for user in required:
            device = second_factor_demo_device_create(user=user)
            self.stdout.write(f"  {user.username}：密钥 {second_factor_secret(device=device)}")
            self.stdout.write(f"    {device.config_url}")
        self.stdout.write(
            "  在验证器应用（FreeOTP、Microsoft Authenticator、Google 身份验证器等）中选择"
            "“手动输入密钥”填入密钥，或用二维码工具把 otpauth:// 地址生成二维码后扫描；"
            "没有手机时可用 `oathtool --totp -b <密钥（去掉空格）>` 算出验证码。"
            "部门工作人员可在后台右上角“两步验证”中自行启用。"
        )
