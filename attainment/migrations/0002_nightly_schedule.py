"""The nightly scan as a database schedule (django-celery-beat), so that an administrator can change
its time or pause it in the admin (定时任务) without a deployment."""

from django.db import migrations

TASK_NAME = "每晚目标达成扫描与督办提醒"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "attainment.tasks.nightly_scan_task",
            "crontab": crontab,
            "description": "重新计算全部目标的达成情况，标记逾期，并发送交办、催办、督办邮件",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("attainment", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
