from django.apps import AppConfig


class AttainmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "attainment"
    verbose_name = "目标达成与督办"
