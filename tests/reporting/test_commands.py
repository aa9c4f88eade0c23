"""The operators' commands: extract_figures (read a report, print its figures, write nothing) and
ingest_report (store and process a report through the same path as an upload)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from reporting.models import Figure, FigureConflict, Report, ReportStatus
from tasks_registry.models import Indicator, Jurisdiction
from tests.conftest import seed_file


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def stored_files() -> list[Path]:
    media = Path(django_settings.MEDIA_ROOT)
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


# ---------------------------------------------------------------------------------------------
# extract_figures


@pytest.mark.django_db
@pytest.mark.seeds
def test_extract_figures_prints_the_xinxiang_figures_as_json_and_writes_nothing(reference_data):
    jurisdictions = Jurisdiction.objects.count()

    printed = json.loads(run("extract_figures", str(seed_file("001")), "--format", "json"))

    assert {"entity", "year", "figures", "conflicts"} <= printed.keys()
    assert (printed["entity"], printed["year"]) == ("新乡市", 2023)
    wanted = {
        "indicator": "training_sessions",
        "value": 77000,
        "unit": "人次",
        "kind": "actual",
        "year": 2023,
        "line": 272,
    }
    assert wanted in [{key: f[key] for key in wanted} for f in printed["figures"]]
    assert printed["conflicts"], "the Xinxiang report has disagreeing figures"
    assert (Report.objects.count(), Figure.objects.count(), FigureConflict.objects.count()) == (
        0,
        0,
        0,
    )
    assert Jurisdiction.objects.count() == jurisdictions
    assert stored_files() == []


@pytest.mark.django_db
def test_extract_figures_refuses_an_unreadable_file_with_the_reason(reference_data, tmp_path):
    path = tmp_path / "新乡市2023年报告.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj\n")

    with pytest.raises(CommandError) as refused:
        run("extract_figures", str(path), "--format", "json")

    assert str(refused.value).startswith("新乡市2023年报告.pdf：无法打开 PDF 文件")
    assert Report.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# ingest_report


@pytest.mark.django_db
@pytest.mark.seeds
def test_ingest_report_stores_the_report_once_and_a_second_run_changes_nothing(reference_data):
    path = seed_file("001")

    first = run("ingest_report", str(path))

    report = Report.objects.get()
    figures = Figure.objects.filter(report=report).count()
    assert report.status == ReportStatus.DONE
    assert first.startswith(
        f"新导入：报告 #{report.pk} 河南省 / 新乡市 2023 年度。识别 {figures} 个数据"
    )
    assert "数据不一致" in first

    second = run("ingest_report", str(path))

    assert second.startswith(f"已存在，重新识别：报告 #{report.pk} 河南省 / 新乡市 2023 年度。")
    assert Report.objects.count() == 1
    assert Figure.objects.filter(report=report).count() == figures
    assert len(stored_files()) == 1


@pytest.mark.django_db
def test_ingest_report_refuses_an_unreadable_file_and_stores_nothing(reference_data, tmp_path):
    path = tmp_path / "新乡市2023年报告.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)

    with pytest.raises(CommandError) as refused:
        run("ingest_report", str(path))

    # Without LibreOffice the refusal says it is not installed; with it, that the file is damaged:
    # either way the user is told to save the file as .docx, and nothing is written.
    assert str(refused.value).startswith("新乡市2023年报告.doc：无法读取 .doc")
    assert "另存为 .docx" in str(refused.value)
    assert str(refused.value).endswith("（未写入任何数据）")
    assert Report.objects.count() == 0
    assert stored_files() == []


@pytest.mark.django_db
@pytest.mark.seeds
def test_extract_figures_works_before_reference_data_is_loaded():
    """With no indicators in the database the shipped catalogue is used. migrate loads them, so
    they are removed here; a database never migrated is tests/test_commands_need_migrate.py's."""
    Indicator.objects.update(numerator=None, denominator=None)  # derived ones protect them
    Indicator.objects.all().delete()
    printed = json.loads(run("extract_figures", str(seed_file("001")), "--format", "json"))

    training = [
        f
        for f in printed["figures"]
        if f["indicator"] == "training_sessions" and f["kind"] == "actual"
    ]
    assert [(f["value"], f["unit"], f["line"]) for f in training] == [(77000, "人次", 272)]
