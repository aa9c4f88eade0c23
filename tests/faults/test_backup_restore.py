"""Backup and restore (manage.py backup / restore) of demo-like data: the sample task list
imported, both sample reports ingested, a progress entry approved with its evidence file, a
task-list upload, accounts, a token and the audit trail. The archive is restored into the same
database emptied as `flush` leaves it (what migrate alone gives) and an empty media folder, and
every table's row count and every file's checksum is compared with the manifest and with what
was there before. A damaged archive and a database or folder that is not empty are refused."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import tarfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from accounts.services import api_token_issue
from audit.models import AuditAction, AuditEvent
from ops.services import database_holds_work, table_counts
from reporting import services as reporting
from tasks_registry import services as tasks
from tasks_registry.models import Evidence, Plan, ProgressStatus, Target, TaskListUpload
from tests.conftest import FIXTURES
from tests.factories import SupervisorFactory, UserFactory

# Transactional: backup and restore run their own transactions, as on a server (PostgreSQL also
# refuses to TRUNCATE tables written earlier in the same transaction).
pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE = FIXTURES / "sample"
PASSWORD = "pw-12345"  # UserFactory's
EVIDENCE = "全市中职“双师型”教师 1680 人，名单见附件。\n".encode()


def media_checksums() -> dict[str, str]:
    root = Path(settings.MEDIA_ROOT)
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def rows(counts: dict[str, dict]) -> dict[str, int]:
    return {label: entry["rows"] for label, entry in counts.items()}


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        return json.loads(member.read())


@pytest.fixture
def demo() -> Evidence:
    """What ./dev demo leaves, plus a day's work: an approved entry with evidence, an upload."""
    tasks.documents_folder_run(folder=SAMPLE)
    for path in sorted(SAMPLE.glob("*年度报告*")):
        report, _ = reporting.report_upload_create(
            name=path.name, data=path.read_bytes(), enqueue=False
        )
        reporting.report_process(report_id=report.pk)
    supervisor = SupervisorFactory.create(username="supervisor")
    plan = Plan.objects.get()
    target = Target.objects.filter(task__plan=plan).order_by("pk").first()
    assert target is not None
    task = target.task
    staff = UserFactory.create(username="jiaoyu", department=task.lead)
    Client(REMOTE_ADDR="10.1.1.1").post(
        "/admin/login/", {"username": "jiaoyu", "password": PASSWORD}
    )
    entry = tasks.progress_entry_create(
        by=staff, target=target, year=2023, value=Decimal("41.2"), narrative="“双师型”教师 1680 人"
    )
    evidence = tasks.evidence_add(
        entry=entry, by=staff, file=SimpleUploadedFile("双师型名单.txt", EVIDENCE)
    )
    tasks.progress_entry_submit(entry=entry, by=staff)
    tasks.progress_entry_approve(entry=entry, by=supervisor)
    upload = TaskListUpload(plan_title="南阳市职业教育任务清单示例", uploaded_by=supervisor)
    upload.file.save(
        "任务清单.txt", ContentFile((SAMPLE / "南阳市职业教育任务清单示例.txt").read_bytes())
    )
    admin_user = SupervisorFactory.create(username="admin", is_superuser=True)
    api_token_issue(user=supervisor, name="督查室同步", by=admin_user)
    return evidence


def test_a_backup_restored_into_an_empty_database_and_folder_is_what_was_there(demo, tmp_path):
    before_rows = rows(table_counts())
    before_files = media_checksums()
    assert len(before_files) == 4  # two reports, the evidence, the task-list upload
    assert before_rows["tasks_registry.task"] > 0 and before_rows["reporting.figure"] > 0
    archive = tmp_path / "backups" / "nightly.tar.gz"
    out = io.StringIO()

    call_command("backup", "--output", str(archive), stdout=out)

    assert f"已备份到 {archive}" in out.getvalue()
    assert "上传文件 4 个" in out.getvalue()
    manifest = manifest_of(archive)
    assert rows(manifest["tables"]) == before_rows
    assert {name: f["sha256"] for name, f in manifest["files"].items()} == before_files
    assert "sessions.session" not in manifest["tables"]  # no sign-in keys in a backup

    # Into the database it came from, still full: refused, nothing touched.
    with pytest.raises(CommandError, match="数据库不是空的，拒绝恢复以免覆盖现有数据"):
        call_command("restore", str(archive))
    assert media_checksums() == before_files

    # A new server: migrated (flush leaves what migrate does), nothing uploaded yet.
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    assert database_holds_work() == []  # ops.services.FILLED_BY_MIGRATE is complete
    out = io.StringIO()

    call_command("restore", str(archive), stdout=out)

    assert "校验一致" in out.getvalue()
    after = rows(table_counts())
    restore_event = AuditEvent.objects.latest("id")
    assert restore_event.action == AuditAction.RESTORE
    after["audit.auditevent"] -= 1  # the restore itself, recorded once it succeeded
    assert after == before_rows == rows(manifest["tables"])
    assert media_checksums() == before_files
    # As people meet it: the staff member signs in with their password and opens the evidence.
    evidence = Evidence.objects.get(pk=demo.pk)
    assert evidence.entry.status == ProgressStatus.APPROVED
    client = Client()
    signed_in = client.post("/admin/login/", {"username": "jiaoyu", "password": PASSWORD})
    assert signed_in.status_code == 302
    response = client.get(evidence.file.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == EVIDENCE
    download = AuditEvent.objects.latest("id")
    assert (download.action, download.username, download.object_id) == (
        AuditAction.DOWNLOAD,
        "jiaoyu",
        str(evidence.pk),
    )


def test_a_damaged_archive_is_refused_and_nothing_is_written(demo, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "--output", str(archive), stdout=io.StringIO())
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(damaged, "w:gz") as target:
        for member in source:
            extracted = source.extractfile(member)
            assert extracted is not None
            data = extracted.read()
            if member.name.startswith("media/evidence/"):
                data = data.replace(b"1680", b"1690")
            target.addfile(member, io.BytesIO(data))
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)

    with pytest.raises(CommandError, match=r"校验失败：media/evidence/.*的 SHA-256 与清单不符"):
        call_command("restore", str(damaged))

    assert database_holds_work() == []
    assert media_checksums() == {}


def test_a_media_folder_that_is_not_empty_is_refused(demo, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "--output", str(archive), stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    # The uploads are still there: restoring over them could mix two systems' files.

    with pytest.raises(CommandError, match=r"上传文件目录 .* 不是空的（4 个文件"):
        call_command("restore", str(archive))
    assert database_holds_work() == []


def test_an_archive_that_is_not_a_backup_is_refused(tmp_path):
    call_command("flush", interactive=False, verbosity=0)
    bogus = tmp_path / "photos.tar.gz"
    with tarfile.open(bogus, "w:gz") as tar:
        tar.addfile(tarfile.TarInfo("../../etc/cron.d/x"), io.BytesIO())
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(b"\x1f\x8b\x08\x00")

    with pytest.raises(CommandError, match=re.escape("不安全的路径“../../etc/cron.d/x”")):
        call_command("restore", str(bogus))
    with pytest.raises(CommandError, match=r"无法读取备份文件 .*（文件损坏或不完整）"):
        call_command("restore", str(truncated))
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))


def test_backup_does_not_overwrite_an_existing_file(tmp_path):
    archive = tmp_path / "backup.tar.gz"
    archive.write_bytes(b"yesterday")

    with pytest.raises(CommandError, match="已存在，不覆盖"):
        call_command("backup", "--output", str(archive))
    assert archive.read_bytes() == b"yesterday"
