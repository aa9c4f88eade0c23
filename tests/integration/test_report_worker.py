"""The report ingestion job against PostgreSQL, Redis and a real Celery worker process.

Uses the worker fixture of test_worker.py: skipped locally without the services, required in CI.
"""

from __future__ import annotations

import time

import pytest

from reporting.models import Figure, FigureConflict, Report, ReportStatus
from reporting.services import report_process, report_upload_create
from reporting.tasks import report_process_task
from tests.conftest import seed_file
from tests.integration.conftest import wait_drained

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _wait_done(report: Report, timeout: float = 60) -> Report:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in (ReportStatus.DONE, ReportStatus.FAILED):
            return report
        time.sleep(0.3)
    pytest.fail(f"报告处理 {timeout} 秒内没有完成，状态仍为 {report.get_status_display()}")


@pytest.mark.seeds
def test_worker_ingests_the_xinxiang_report_and_reruns_do_not_duplicate(worker, reference_data):
    path = seed_file("001")
    report, created = report_upload_create(name=path.name, data=path.read_bytes())
    assert created

    report_process_task.delay(report.pk)
    report = _wait_done(report)

    assert report.status == ReportStatus.DONE, report.message
    assert report.jurisdiction.name == "新乡市" and report.year == 2023
    training = Figure.objects.get(report=report, indicator__code="training_sessions", kind="actual")
    assert (training.value, training.unit, training.year, training.line) == (
        77000,
        "人次",
        2023,
        272,
    )
    count = Figure.objects.filter(report=report).count()
    assert count == report.summary["figures"] > 100

    # Three more deliveries at once (a retry, a double click, a redelivery after a lost ack):
    # each replaces the figures under a row lock, so the count stays the same.
    for _ in range(3):
        report_process_task.delay(report.pk)
    wait_drained(worker)
    assert Figure.objects.filter(report=report).count() == count
    assert Report.objects.count() == 1

    # The same file uploaded again is the same report.
    again, created = report_upload_create(name="copy.txt", data=path.read_bytes())
    assert not created and again.pk == report.pk


def test_a_file_the_worker_cannot_read_ends_failed_with_the_reason(worker, reference_data):
    """The upload only stores the file; the worker reads it, and says why it cannot."""
    report, created = report_upload_create(
        name="年报.txt", data="这份文件没有标题，也没有任何年份。\n".encode()
    )
    assert created
    report = _wait_done(report)
    assert report.get_status_display() == "失败"
    assert "年报.txt" in report.message and "年份" in report.message
    assert Figure.objects.count() == 0


@pytest.mark.seeds
def test_a_failure_half_way_rolls_the_figures_back(reference_data, monkeypatch):
    """A database error after some figures were written (the transient kind the task retries)
    must leave the earlier figures as they were, not half replaced."""
    path = seed_file("000")
    report, _ = report_upload_create(name=path.name, data=path.read_bytes())
    report_process(report_id=report.pk)
    before = sorted(Figure.objects.filter(report=report).values_list("id", flat=True))
    conflicts = FigureConflict.objects.filter(report=report).count()

    from django.db import OperationalError

    from reporting import services

    def broken(*args, **kwargs):
        raise OperationalError("connection lost")

    monkeypatch.setattr(services, "_conflict_text", broken)
    with pytest.raises(OperationalError):
        report_process(report_id=report.pk)
    assert sorted(Figure.objects.filter(report=report).values_list("id", flat=True)) == before
    assert FigureConflict.objects.filter(report=report).count() == conflicts

    # The retry then succeeds and the report is back to the same figures, once each.
    monkeypatch.undo()
    report_process(report_id=report.pk)
    assert Figure.objects.filter(report=report).count() == len(before)
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DONE
