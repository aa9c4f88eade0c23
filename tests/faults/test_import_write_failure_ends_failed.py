"""A task-list import or a report ingestion that fails on write ends in 失败 with its reason
(the line and the field where there is one): never a stuck 导入中/处理中, never a traceback, and a
dry run says the import would fail rather than report success."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import DataError
from django.test import Client
from django.urls import reverse

from reporting import services as reporting_services
from reporting.models import Report
from tasks_registry import services
from tasks_registry.models import Department, ImportStatus, Plan, Task, TaskListUpload
from tests.factories import SupervisorFactory

LONG_NAME = "市" + "职业教育改革发展重点任务推进工作领导小组办公室" * 6 + "局"  # over 100
TASKLIST = (
    "## 某市职业教育重点任务分解表\n\n"
    "| 序号 | 工作任务 | 责任单位 |\n"
    "| :---: | --- | --- |\n"
    "| 1 | 到 2025 年，全市职业院校在校生规模达到 20 万人。 | 市教育局 |\n"
    f"| 2 | 建设 3 个市级“双师型”教师培养培训基地。 | {LONG_NAME} |\n"
)
TEXT_2023 = "开封市职业教育质量年度报告（2023 年度）\n\n一、基本情况\n\n全市在校生 4.6 万人。\n"


@pytest.fixture
def tasklist_file(tmp_path):
    path = tmp_path / "某市任务分解表.md"
    path.write_text(TASKLIST, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_a_dry_run_reports_the_too_long_department_name_with_its_line_and_field(
    reference_data, tasklist_file, capsys
):
    assert len(LONG_NAME) > 100
    with pytest.raises(CommandError) as refused:
        call_command("import_tasklist", str(tasklist_file), "--plan", "某市方案", "--dry-run")

    message = str(refused.value)
    assert message.startswith("某市任务分解表.md：第 6 行（责任单位）：")
    assert "超过 100 个字符的上限" in message
    assert "未写入任何数据" in message
    assert "试运行：未写入" not in capsys.readouterr().out  # not reported as a success


@pytest.mark.django_db
def test_the_real_import_refuses_it_the_same_way_and_writes_nothing(reference_data, tasklist_file):
    departments = Department.objects.count()

    with pytest.raises(CommandError) as refused:
        call_command("import_tasklist", str(tasklist_file), "--plan", "某市方案")

    assert "第 6 行（责任单位）" in str(refused.value)
    assert (Plan.objects.count(), Task.objects.count()) == (0, 0)
    assert Department.objects.count() == departments


@pytest.mark.django_db
def test_an_admin_upload_of_it_ends_failed_with_the_line_and_field(
    reference_data, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(SupervisorFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:tasks_registry_tasklistupload_add"),
            {
                "file": ContentFile(TASKLIST.encode(), name="某市任务分解表.md"),
                "plan_title": "某市方案",
                "issuer": "",
                "period_start": "",
                "period_end": "",
                "_save": "保存",
            },
        )

    assert response.status_code == 302
    upload = TaskListUpload.objects.get()
    page = client.get(reverse("admin:tasks_registry_tasklistupload_changelist")).content.decode()
    assert upload.get_status_display() == "失败"
    assert upload.message.startswith("某市任务分解表.md：第 6 行（责任单位）：")
    assert upload.message in page
    assert "Traceback" not in page
    assert Plan.objects.count() == 0


@pytest.mark.django_db
def test_a_write_the_database_refuses_mid_import_ends_the_upload_failed(
    reference_data, monkeypatch
):
    """What the checks before writing cannot foresee: the database refuses a row half-way."""

    def refuse(*args, **kwargs):
        raise DataError("value too long for type character varying(200)")

    monkeypatch.setattr(services, "_targets_sync", refuse)
    upload = TaskListUpload.objects.create(
        file=ContentFile(TASKLIST.replace(LONG_NAME, "市人社局").encode(), name="清单.md"),
        plan_title="某市方案",
    )

    services.tasklist_upload_process(upload=upload)

    upload.refresh_from_db()
    assert upload.status == ImportStatus.FAILED
    assert upload.message.startswith("清单.md：写入数据库失败（DataError）")
    assert "未写入任何数据" in upload.message
    assert (Plan.objects.count(), Task.objects.count()) == (0, 0)  # rolled back whole


@pytest.mark.django_db
def test_a_report_whose_figures_the_database_refuses_ends_failed_not_processing(
    reference_data, monkeypatch
):
    def refuse(*args, **kwargs):
        raise DataError("numeric field overflow")

    monkeypatch.setattr(reporting_services, "_figures_replace", refuse)
    report, _ = reporting_services.report_upload_create(
        name="开封市2023年报告.txt", data=TEXT_2023.encode()
    )

    reporting_services.report_process(report_id=report.pk)

    report.refresh_from_db()
    assert report.get_status_display() == "失败"
    assert report.message.startswith("开封市2023年报告.txt：识别结果无法保存（DataError）")
    assert report.figures.count() == 0
    assert Report.objects.get(pk=report.pk).jurisdiction is None  # the run was rolled back
