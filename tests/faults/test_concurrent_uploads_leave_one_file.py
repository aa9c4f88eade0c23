"""The same report uploaded twice at the same moment leaves one report and one file: both uploads
find no report yet and write their copy; the unique SHA-256 lets one row in, and the loser
removes its copy and answers with the winner's report. Two threads on PostgreSQL, as two web
workers would do it (SQLite serialises writers, so the race cannot happen there)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from django.db import connection
from django.db.models.fields.files import FieldFile

from reporting import services
from reporting.models import Report
from tests.conftest import FIXTURES

NANYANG_REPORT = FIXTURES / "sample" / "南阳市2023年职业教育质量年度报告示例.txt"


@pytest.fixture
def postgresql(transactional_db):
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("并发上传测试需要 PostgreSQL：DATABASE_URL 未指向 PostgreSQL")
        pytest.skip("DATABASE_URL 未指向 PostgreSQL")


def test_two_simultaneous_uploads_of_one_report_leave_one_report_and_one_file(
    postgresql, settings, monkeypatch
):
    media = Path(settings.MEDIA_ROOT)
    data = NANYANG_REPORT.read_bytes()
    both_written = threading.Barrier(2, timeout=30)
    real_save = FieldFile.save

    def save_then_wait(self, name, content, save=True):
        real_save(self, name, content, save=save)
        both_written.wait()  # neither row is in yet: both uploads have passed the duplicate check

    monkeypatch.setattr(FieldFile, "save", save_then_wait)
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def upload() -> None:
        try:
            report, created = services.report_upload_create(
                name=NANYANG_REPORT.name, data=data, enqueue=False
            )
            results.append((report.pk, created))
        except Exception as exc:  # noqa: BLE001  (reported below, in the test's own thread)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    assert sorted(created for _, created in results) == [False, True]
    assert len({pk for pk, _ in results}) == 1
    report = Report.objects.get()
    stored = sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())
    assert stored == [report.file.name]
