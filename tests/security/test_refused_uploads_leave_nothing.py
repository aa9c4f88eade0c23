"""An upload that is refused leaves no file behind: not in the media folder, not as a temporary
file. Task lists refused by the import, reports and evidence refused on their size or type, and a
report whose row lost a race to the same file uploaded at the same moment."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from reporting import services as reporting_services
from reporting.models import Report
from tasks_registry import services
from tasks_registry.models import ImportStatus, TaskListUpload
from tests.conftest import FIXTURES
from tests.security.world_fixtures import clients_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

NANYANG_REPORT = FIXTURES / "sample" / "南阳市2023年职业教育质量年度报告示例.txt"


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    (tmp_path / "upload-tmp").mkdir()
    return Path(settings.MEDIA_ROOT)


def test_a_task_list_the_import_refuses_is_not_kept_on_disk(media, world):
    upload = TaskListUpload.objects.create(
        file=ContentFile("这不是任务清单，只有一句话。".encode(), name="随便写的.txt"),
        plan_title="测试市职业教育任务清单",
        uploaded_by=world.users["supervisor"],
    )
    assert files_under(media) == ["tasklists/随便写的.txt"]

    upload = services.tasklist_upload_process(upload=upload)

    assert upload.status == ImportStatus.FAILED
    assert upload.message.startswith("随便写的.txt：")
    assert files_under(media) == []


def test_a_report_over_its_size_limit_is_refused_and_nothing_is_written(
    media, world, clients, settings, tmp_path
):
    settings.REPORT_MAX_BYTES = 1000
    response = clients["staff"].post(
        "/api/v1/reports/",
        {"file": SimpleUploadedFile("大报告.txt", "报告".encode() * 2000)},
        format="multipart",
    )

    assert response.status_code == 400
    assert "超过上限" in response.json()["error"]["message"]
    assert files_under(media) == []
    assert files_under(tmp_path / "upload-tmp") == []
    assert not Report.objects.filter(original_name="大报告.txt").exists()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("脚本.html", b"<script>alert(1)</script>", "类型不支持"),
        ("空文件.pdf", b"", "是空的"),
        ("大文件.pdf", b"%PDF-1.4 " + b"x" * 3000, "超过上限"),
    ],
)
def test_refused_evidence_leaves_no_file(media, world, clients, settings, name, content, reason):
    settings.EVIDENCE_MAX_BYTES = 2000
    response = clients["staff"].post(
        f"/api/v1/progress-entries/{world.draft.pk}/evidence/",
        {"file": SimpleUploadedFile(name, content)},
        format="multipart",
    )

    assert response.status_code == 400
    assert reason in response.json()["error"]["message"]
    assert world.draft.evidence.count() == 0
    assert files_under(media) == []


def test_evidence_for_a_submitted_entry_is_refused_and_leaves_no_file(media, world, clients):
    response = clients["staff"].post(
        f"/api/v1/progress-entries/{world.submitted.pk}/evidence/",
        {"file": SimpleUploadedFile("名单.pdf", b"%PDF-1.4 list")},
        format="multipart",
    )

    assert response.status_code == 409
    assert files_under(media) == []


def test_the_loser_of_a_race_to_store_the_same_report_removes_its_copy(media, world, monkeypatch):
    data = NANYANG_REPORT.read_bytes()
    first, created = reporting_services.report_upload_create(name=NANYANG_REPORT.name, data=data)
    assert created
    # The second upload checked for the file before the first one's row was committed: it finds
    # nothing, writes its copy, and then loses on the unique SHA-256.
    real_filter = Report.objects.filter

    def not_yet_committed(*args, **kwargs):
        found = real_filter(*args, **kwargs)
        return found.none() if "sha256" in kwargs else found

    monkeypatch.setattr(Report.objects, "filter", not_yet_committed)

    second, created = reporting_services.report_upload_create(name=NANYANG_REPORT.name, data=data)

    assert (second.pk, created) == (first.pk, False)
    assert files_under(media) == [first.file.name]
