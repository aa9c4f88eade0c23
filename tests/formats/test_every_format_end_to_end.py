"""The files people receive, as a supervisor meets them in the admin: the Nanyang task list saved
as .docx, .doc, .xlsx and PDF gives the tasks and targets of its text, and the Nanyang 2023 report
as PDF gives the figures of its text, each with its page.

The seed documents are turned into each format here (Word tables from their tab-separated rows,
LibreOffice for .doc and PDF), so the tests need ../shared/seeds and LibreOffice."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from reporting.models import Figure, Report, ReportStatus
from tasks_registry.models import ImportStatus, Plan, Task, TaskListUpload
from tests.conftest import seed_file
from tests.document_builders import every_format
from tests.factories import SupervisorFactory

pytestmark = [pytest.mark.seeds, pytest.mark.soffice, pytest.mark.django_db]


@pytest.fixture(scope="module")
def tasklist_files(tmp_path_factory) -> dict[str, bytes]:
    source = seed_file("004")
    return every_format(
        "南阳市任务清单.txt", source.read_text(encoding="utf-8"), tmp_path_factory.mktemp("tl")
    )


@pytest.fixture(scope="module")
def report_files(tmp_path_factory) -> dict[str, bytes]:
    source = seed_file("000")
    files = every_format(
        source.name, source.read_text(encoding="utf-8"), tmp_path_factory.mktemp("rp")
    )
    return {name: data for name, data in files.items() if name.endswith((".txt", ".pdf"))}


def signed_in_supervisor() -> Client:
    client = Client()
    client.force_login(SupervisorFactory.create(username="dudao"))
    return client


def what_a_supervisor_sees(plan: Plan) -> list[tuple]:
    return [
        (
            t.number,
            t.lead.name if t.lead else None,
            sorted((g.label, g.comparison, g.value, g.unit, g.recurrence) for g in t.targets.all()),
        )
        for t in Task.objects.filter(plan=plan).select_related("lead").prefetch_related("targets")
    ]


@pytest.fixture
def uploaded(reference_data, tasklist_files, django_capture_on_commit_callbacks):
    """Each format uploaded in the admin as its own plan; the import job runs on commit."""
    client = signed_in_supervisor()
    plans = {}
    for name, data in tasklist_files.items():
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("admin:tasks_registry_tasklistupload_add"),
                {
                    "file": SimpleUploadedFile(name, data),
                    "plan_title": f"南阳市各部门工作任务清单（{name.rsplit('.', 1)[1]}）",
                    "issuer": "",
                    "period_start": "2021",
                    "period_end": "2025",
                    "_save": "保存",
                },
            )
        assert response.status_code == 302, response.content.decode()[:2000]
        upload = TaskListUpload.objects.latest("pk")
        assert (upload.status, upload.message) == (ImportStatus.DONE, upload.message), (
            upload.message
        )
        plans[name.rsplit(".", 1)[1]] = upload.plan
    return plans


def test_the_task_list_in_every_format_gives_the_tasks_and_targets_of_its_text(uploaded):
    text = what_a_supervisor_sees(uploaded["txt"])
    assert len(text) == 27
    for fmt in ("docx", "doc", "xlsx", "pdf"):
        assert what_a_supervisor_sees(uploaded[fmt]) == text, fmt


def test_a_task_read_from_a_pdf_or_sheet_says_where_it_stands_in_the_file(uploaded):
    task16 = {fmt: Task.objects.get(plan=plan, number="16") for fmt, plan in uploaded.items()}
    assert task16["txt"].source_place == ""
    # The seed's table has page-break blank lines, so the Word file holds it as several tables.
    assert re.fullmatch(r"表 \d+ 第 \d+ 行", task16["docx"].source_place)
    assert re.fullmatch(r"工作表“任务清单”第 \d+ 行", task16["xlsx"].source_place)
    assert re.fullmatch(r"第 \d+ 页，表 \d+ 第 \d+ 行", task16["pdf"].source_place)


def test_the_report_as_pdf_shows_the_training_figure_with_its_page(
    reference_data, report_files, django_capture_on_commit_callbacks
):
    client = signed_in_supervisor()
    for name, data in report_files.items():
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("admin:reporting_report_add"),
                {
                    "upload": SimpleUploadedFile(name, data),
                    "entity_override": "",
                    "year_override": "",
                    "_save": "保存",
                },
            )
        assert response.status_code == 302, response.content.decode()[:2000]
    text, pdf = (Report.objects.get(original_name__endswith=suffix) for suffix in (".txt", ".pdf"))
    assert (text.status, pdf.status) == (ReportStatus.DONE, ReportStatus.DONE)
    assert (pdf.jurisdiction, pdf.year) == (text.jurisdiction, text.year)

    def linked(report: Report) -> list[tuple]:
        return sorted(
            (f.indicator.code if f.indicator else "", f.kind, f.value, f.year)
            for f in Figure.objects.filter(report=report, indicator__isnull=False)
        )

    assert linked(pdf) == linked(text)
    trainings = Figure.objects.filter(
        report__in=[text, pdf], indicator__code="training_sessions", value=Decimal("33938")
    )
    in_text = [f for f in trainings if f.report == text]
    in_pdf = [f for f in trainings if f.report == pdf]
    assert len(in_pdf) == len(in_text) >= 1
    for figure in in_pdf:
        assert re.fullmatch(r"第 \d+ 页(，表 \d+ 第 \d+ 行)?", figure.place)
        assert figure.source_display == figure.place
        assert "33938" in figure.text.replace(" ", "")
