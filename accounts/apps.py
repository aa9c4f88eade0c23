from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与角色"

    def ready(self) -> None:
        from django.core.checks import register

        from .second_factor.checks import otp_required_roles_check

        register(otp_required_roles_check)

        from django.contrib.auth.signals import user_logged_in

        from .middleware import idle_clock_start

        user_logged_in.connect(idle_clock_start, dispatch_uid="accounts.idle_clock_start")
