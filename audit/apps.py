from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        # Connects the sign-in, change and admin receivers, and the retention check.
        from . import checks, receivers  # noqa: F401
