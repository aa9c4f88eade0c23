from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "后台任务发件箱"

    def ready(self) -> None:
        # Which outbox message a finished job belongs to is recorded from Celery's signals.
        from . import signals  # noqa: F401
