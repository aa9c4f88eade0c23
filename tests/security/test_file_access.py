"""Uploaded files go only to those who may see the record they belong to.

Evidence (佐证材料) to its department, supervisors and the office; task-list uploads to
supervisors; report files to everyone signed in (published documents). Anyone else, signed out
included, gets 404. Every download is an attachment of an allowed type with nosniff, and nothing
is reachable at /media/, under the demo settings either.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from audit.models import AuditAction, AuditEvent
from reporting.models import Report
from tasks_registry import services
from tasks_registry.models import Evidence, ProgressEntry, TaskListUpload
from tests.factories import (
    DepartmentFactory,
    ProgressEntryFactory,
    ReportFactory,
    SupervisorFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
)

ROOT = Path(__file__).resolve().parents[2]

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def ooxml(part: str) -> bytes:
    """A minimal Office Open XML package with ``part`` (word/document.xml, xl/workbook.xml)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<document/>")
    return buffer.getvalue()


DOCX = ooxml("word/document.xml")
XLSX = ooxml("xl/workbook.xml")

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class World:
    entry: ProgressEntry
    evidence: Evidence
    upload: TaskListUpload
    report: Report
    users: dict[str, User]


@pytest.fixture
def world(db) -> World:
    own, other = (
        DepartmentFactory.create(name="市教育局"),
        DepartmentFactory.create(name="市人社局"),
    )
    users = {
        "staff": UserFactory.create(username="own_staff", department=own),
        "other_staff": UserFactory.create(username="other_staff", department=other),
        "supervisor": SupervisorFactory.create(username="supervisor"),
        "office": UserFactory.create(username="office", role=Role.OFFICE, department=None),
    }
    target = TargetFactory.create(task=TaskFactory.create(lead=own))
    entry = ProgressEntryFactory.create(target=target, created_by=users["staff"])
    # Through the service, as the admin and the API store it.
    evidence = services.evidence_add(
        entry=entry,
        by=users["staff"],
        file=SimpleUploadedFile("双师型认定名单.pdf", PDF),
        description="认定名单",
    )
    upload = TaskListUpload(plan_title="测试市职业教育实施方案", uploaded_by=users["supervisor"])
    upload.file.save("任务分工.docx", ContentFile(DOCX), save=True)
    report = ReportFactory.create(original_name="测试市2024年职业教育质量年度报告.txt")
    report.file.save("report.txt", ContentFile("测试市2024年质量年度报告".encode()), save=True)
    return World(entry=entry, evidence=evidence, upload=upload, report=report, users=users)


def client_for(world: World, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_served_as_attachment(response, *, name: str, content_type: str) -> None:
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;"), disposition
    # RFC 5987: the Chinese name is given in UTF-8, beside an ASCII fallback.
    assert f"filename*=UTF-8''{quote(name, safe='')}" in disposition, disposition
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"


def evidence_url(world: World) -> str:
    return reverse("files:evidence", args=[world.evidence.pk])


# ---------------------------------------------------------------------------------------------
# Evidence


@pytest.mark.parametrize("role", ["staff", "supervisor", "office"])
def test_evidence_downloads_for_its_department_supervisors_and_the_office(world, role):
    response = client_for(world, role).get(evidence_url(world))

    assert_served_as_attachment(response, name="双师型认定名单.pdf", content_type="application/pdf")
    assert body_of(response) == PDF


@pytest.mark.parametrize("role", ["other_staff", "anonymous"])
def test_evidence_is_404_to_another_department_and_to_anyone_signed_out(world, role):
    response = client_for(world, role).get(evidence_url(world))

    assert response.status_code == 404
    assert PDF not in response.content
    assert not AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).exists()


def test_each_download_is_in_the_audit_trail_with_user_address_and_file(world):
    client_for(world, "supervisor").get(evidence_url(world), REMOTE_ADDR="10.1.2.3")
    client_for(world, "staff").get(reverse("files:report", args=[world.report.pk]))

    events = AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).order_by("at", "id")
    assert [(e.username, e.object_type, e.object_id, e.detail["file"]) for e in events] == [
        ("supervisor", "tasks_registry.evidence", str(world.evidence.pk), "双师型认定名单.pdf"),
        ("own_staff", "reporting.report", str(world.report.pk), world.report.original_name),
    ]
    assert events[0].address == "10.1.2.3"


def test_evidence_is_404_to_a_deactivated_account(world):
    client = client_for(world, "staff")
    User.objects.filter(pk=world.users["staff"].pk).update(is_active=False)

    assert client.get(evidence_url(world)).status_code == 404


def test_evidence_through_the_api_is_answered_the_same_way(world):
    url = f"/api/v1/progress-entries/{world.entry.pk}/evidence/{world.evidence.pk}/"

    response = client_for(world, "supervisor").get(url)

    assert_served_as_attachment(response, name="双师型认定名单.pdf", content_type="application/pdf")
    assert client_for(world, "other_staff").get(url).status_code == 404


def test_html_evidence_is_an_octet_stream_attachment_never_a_page(world):
    # Stored before these checks existed, or under a wider EVIDENCE_EXTENSIONS: it still must
    # not open in the browser, where its script would run as the signed-in supervisor.
    page = Evidence.objects.create(
        entry=world.entry,
        file=ContentFile(HTML, name="通知.html"),
        uploaded_by=world.users["staff"],
    )

    response = client_for(world, "supervisor").get(reverse("files:evidence", args=[page.pk]))

    assert_served_as_attachment(response, name="通知.html", content_type="application/octet-stream")
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_file_missing_from_disk_answers_404_not_500(world):
    world.evidence.file.storage.delete(world.evidence.file.name)

    response = client_for(world, "staff").get(evidence_url(world))

    assert response.status_code == 404


def test_only_get_and_head_are_answered(world):
    client = client_for(world, "staff")

    assert client.head(evidence_url(world)).status_code == 200
    assert client.post(evidence_url(world)).status_code == 405


# ---------------------------------------------------------------------------------------------
# Task-list uploads and reports


def test_a_task_list_upload_downloads_for_supervisors(world):
    response = client_for(world, "supervisor").get(
        reverse("files:tasklist-upload", args=[world.upload.pk])
    )

    assert_served_as_attachment(response, name="任务分工.docx", content_type=DOCX_TYPE)
    assert body_of(response) == DOCX


@pytest.mark.parametrize("role", ["staff", "other_staff", "office", "anonymous"])
def test_a_task_list_upload_is_404_to_everyone_but_supervisors(world, role):
    response = client_for(world, role).get(reverse("files:tasklist-upload", args=[world.upload.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("role", ["staff", "other_staff", "supervisor", "office"])
def test_a_report_file_downloads_for_everyone_signed_in_under_its_uploaded_name(world, role):
    response = client_for(world, role).get(reverse("files:report", args=[world.report.pk]))

    assert_served_as_attachment(
        response, name="测试市2024年职业教育质量年度报告.txt", content_type="text/plain"
    )
    assert body_of(response) == "测试市2024年质量年度报告".encode()


def test_a_report_file_is_404_to_anyone_signed_out(world):
    response = Client().get(reverse("files:report", args=[world.report.pk]))

    assert response.status_code == 404


# ---------------------------------------------------------------------------------------------
# Never from /media/, and every link points at the download views


def test_media_paths_answer_404_under_the_demo_settings(world, settings):
    """The demo (config.settings.local, DEBUG on) once served MEDIA_ROOT to anyone at /media/."""
    stored = Path(settings.MEDIA_ROOT) / world.evidence.file.name
    assert stored.is_file()
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "import sys\n"
        "for path in sys.argv[1:]:\n"
        "    print(Client().get(path, HTTP_HOST='127.0.0.1').status_code)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    env.pop("DJANGO_DEBUG", None)

    done = subprocess.run(
        [sys.executable, "-c", script, f"/media/{world.evidence.file.name}", "/media/"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert done.stdout.split() == ["404", "404"], done.stderr


def test_the_supervisors_target_page_links_evidence_to_its_download_view(world):
    page = client_for(world, "supervisor").get(
        reverse("attainment:target", args=[world.entry.target_id])
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{evidence_url(world)}"' in html
    assert "/media/" not in html


def test_the_admin_links_every_file_to_its_download_view(world):
    staff, supervisor = client_for(world, "staff"), client_for(world, "supervisor")
    pages = [
        # The editable file widget (staff, draft) and the read-only field (supervisor).
        (staff, reverse("admin:tasks_registry_progressentry_change", args=[world.entry.pk])),
        (supervisor, reverse("admin:tasks_registry_progressentry_change", args=[world.entry.pk])),
        (supervisor, reverse("admin:tasks_registry_tasklistupload_changelist")),
        (supervisor, reverse("admin:tasks_registry_tasklistupload_change", args=[world.upload.pk])),
        (supervisor, reverse("admin:reporting_report_change", args=[world.report.pk])),
    ]
    expected = {
        "evidence": evidence_url(world),
        "tasklist": reverse("files:tasklist-upload", args=[world.upload.pk]),
        "report": reverse("files:report", args=[world.report.pk]),
    }
    for client, url in pages:
        html = client.get(url).content.decode()
        assert "/media/" not in html, url
        assert any(f'href="{link}"' in html for link in expected.values()), url


# ---------------------------------------------------------------------------------------------
# Content checked against the extension


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("名单.pdf", HTML, "不是 PDF 文件"),
        ("照片.png", b"MZ\x90\x00" + b"\x00" * 60, "不是 PNG 图片"),
        ("照片.jpg", PNG, "不是 JPEG 图片"),
        ("方案.docx", XLSX, "不是 Word 文件"),
        ("统计表.xlsx", PDF, "不是 Excel 文件"),
        ("统计表.xls", "姓名,人数".encode(), "不是 Excel 97-2003 文件"),
        ("纪要.doc", DOCX, "不是 Word 97-2003 文件"),
        ("签到表.txt", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 32, "不是文本文件"),
        ("材料.zip", PDF, "不是 zip 压缩文件"),
    ],
)
def test_evidence_whose_content_does_not_match_its_extension_is_refused(
    world, settings, name, data, why
):
    client = client_for(world, "staff")
    before = sorted(p.name for p in (Path(settings.MEDIA_ROOT) / "evidence").rglob("*"))

    response = client.post(
        f"/api/v1/progress-entries/{world.entry.pk}/evidence/",
        {"file": SimpleUploadedFile(name, data)},
    )

    assert response.status_code == 400, response.content.decode()
    message = response.json()["error"]["fields"]["file"][0]
    assert f"文件“{name}”的内容与扩展名" in message
    assert why in message
    assert Evidence.objects.filter(entry=world.entry).count() == 1
    after = sorted(p.name for p in (Path(settings.MEDIA_ROOT) / "evidence").rglob("*"))
    assert after == before  # nothing written


def test_the_admin_refuses_a_mislabelled_evidence_file_with_the_reason(world):
    entry = world.entry
    data = {
        "task": entry.task_id,
        "target": entry.target_id,
        "year": entry.year,
        "value": "41.2",
        "narrative": entry.narrative,
        "evidence-TOTAL_FORMS": "2",
        "evidence-INITIAL_FORMS": "1",
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "1000",
        "evidence-0-id": world.evidence.pk,
        "evidence-0-entry": entry.pk,
        "evidence-0-description": world.evidence.description,
        "evidence-1-entry": entry.pk,
        "evidence-1-file": SimpleUploadedFile("认定名单.pdf", HTML),
        "evidence-1-description": "伪装的网页",
    }

    response = client_for(world, "staff").post(
        reverse("admin:tasks_registry_progressentry_change", args=[entry.pk]), data
    )

    assert response.status_code == 200  # the form again, with the reason
    assert "文件“认定名单.pdf”的内容与扩展名 .pdf 不符：不是 PDF 文件" in response.content.decode()
    assert Evidence.objects.filter(entry=entry).count() == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("会议纪要.pdf", PDF),
        ("方案.docx", DOCX),
        ("统计表.xlsx", XLSX),
        ("旧表.xls", OLE),
        ("现场.png", PNG),
        ("现场.jpeg", JPEG),
        ("签到表.txt", "签到 120 人".encode("gbk")),
        ("材料.zip", DOCX),
    ],
)
def test_evidence_whose_content_matches_its_extension_is_accepted(world, name, data):
    response = client_for(world, "staff").post(
        f"/api/v1/progress-entries/{world.entry.pk}/evidence/",
        {"file": SimpleUploadedFile(name, data)},
    )

    assert response.status_code == 201, response.content.decode()
    assert response.json()["name"] == name


# ---------------------------------------------------------------------------------------------
# Handing the bytes to the web server


def test_under_x_accel_nginx_sends_the_file_after_the_same_checks(world, settings):
    settings.FILE_SERVE = "x-accel"
    settings.X_ACCEL_PREFIX = "/protected-media/"

    response = client_for(world, "staff").get(evidence_url(world))

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{quote(world.evidence.file.name)}"
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert client_for(world, "other_staff").get(evidence_url(world)).status_code == 404
    assert Client().get(evidence_url(world)).status_code == 404


def test_under_x_sendfile_the_web_server_gets_the_files_path(world, settings):
    settings.FILE_SERVE = "x-sendfile"

    response = client_for(world, "supervisor").get(evidence_url(world))

    assert response.status_code == 200
    assert response["X-Sendfile"] == quote(world.evidence.file.path)
    assert Path(unquote(response["X-Sendfile"])).read_bytes() == PDF


def test_an_unknown_file_serve_mode_stops_start_up_with_the_choices():
    env = {
        **os.environ,
        "DJANGO_FILE_SERVE": "nginx",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )

    assert done.returncode != 0
    assert "DJANGO_FILE_SERVE='nginx' 无效（可用 django、x-accel、x-sendfile）" in done.stderr
