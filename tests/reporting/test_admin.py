"""Yearly reports in the admin (reporting/admin.py), through real requests: uploading a report,
following its processing, and reviewing its figures, as department staff and as a supervisor.

Uploads write their processing job to the outbox; the test settings run Celery in-process, so
the job runs when the captured on-commit callbacks (the outbox relay) are executed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from reporting import services
from reporting.models import Figure, FigureStatus, Report
from tests.conftest import client_for, seed_file

REPORT_ADD = "admin:reporting_report_add"
REPORT_CHANGE = "admin:reporting_report_change"
REPORT_CHANGELIST = "admin:reporting_report_changelist"
FIGURE_CHANGELIST = "admin:reporting_figure_changelist"
FIGURE_CHANGE = "admin:reporting_figure_change"


@pytest.fixture
def xinxiang(reference_data) -> Report:
    """The Xinxiang report (seed 001), uploaded and processed."""
    path = seed_file("001")
    report, _ = services.report_upload_create(name=path.name, data=path.read_bytes())
    processed = services.report_process(report_id=report.pk)
    assert processed is not None  # None only when another run holds the report
    return processed


def upload_form(
    path: Path | None = None, *, name: str | None = None, data: bytes | None = None
) -> dict:
    if path is not None:
        name, data = name or path.name, path.read_bytes()
    assert name is not None, "upload_form needs a path or a name"
    return {
        "upload": SimpleUploadedFile(name, data),
        "entity_override": "",
        "year_override": "",
        "_save": "保存",
    }


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def run_action(client: Client, action: str, *figures: Figure, **extra):
    data = {
        "action": action,
        "_selected_action": [str(f.pk) for f in figures],
        "index": "0",
        **extra,
    }
    return client.post(reverse(FIGURE_CHANGELIST), data, follow=True)


def training_figure(report: Report) -> Figure:
    return Figure.objects.get(report=report, indicator__code="training_sessions", value=77000)


def figure_form(figure: Figure, **overrides) -> dict:
    data = {
        "indicator": str(figure.indicator_id or ""),
        "value": f"{figure.value.normalize():f}",
        "unit": figure.unit,
        "kind": figure.kind,
        "year": str(figure.year or ""),
        "review_note": "",
        "_save": "保存",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------------------------------------
# Uploading


@pytest.mark.django_db
@pytest.mark.seeds
def test_supervisor_uploads_a_report_and_sees_it_processed_with_its_training_figure(
    supervisor, django_capture_on_commit_callbacks
):
    client = client_for(supervisor)
    assert client.get(reverse(REPORT_ADD)).status_code == 200

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse(REPORT_ADD), upload_form(seed_file("001")))

    assert response.status_code == 302
    # The processing job, handed to the broker after the upload committed; it then enqueues the
    # recompute of the targets its figures affect.
    assert callbacks
    assert (
        "success",
        "已上传“001_cbbc57b736b8bf1c.txt”，后台处理中；刷新本页查看状态",
    ) in messages_of(response)
    report = Report.objects.get()
    assert report.uploaded_by == supervisor

    page = client.get(reverse(REPORT_CHANGE, args=[report.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "已完成" in content
    assert "河南省 / 新乡市" in content
    assert report.figures.count() > 100
    assert f"识别 {report.figures.count()} 个数据" in content

    listing = client.get(
        reverse(FIGURE_CHANGELIST), {"report__id__exact": report.pk, "q": "7.7 万人次"}
    )
    assert listing.status_code == 200
    rows = list(listing.context["cl"].result_list)
    assert training_figure(report) in rows
    assert all(row.report_id == report.pk for row in rows)
    listed = listing.content.decode()
    assert "77 000 人次" in listed  # as people write it (display.amount_text)
    assert "第 272 行" in listed

    figure_page = client.get(reverse(FIGURE_CHANGE, args=[training_figure(report).pk]))
    assert figure_page.status_code == 200
    assert "全年完成培训 7.7 万人次" in figure_page.content.decode()


@pytest.mark.django_db
@pytest.mark.seeds
def test_report_page_links_to_all_of_its_figures(supervisor, xinxiang):
    client = client_for(supervisor)

    content = client.get(reverse(REPORT_CHANGE, args=[xinxiang.pk])).content.decode()
    link = reverse(FIGURE_CHANGELIST) + f"?report__id__exact={xinxiang.pk}"
    assert link in content

    listing = client.get(link)
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == Figure.objects.filter(report=xinxiang).count()


@pytest.mark.django_db
def test_uploading_a_damaged_pdf_is_accepted_and_the_report_page_shows_why_it_failed(
    supervisor, django_capture_on_commit_callbacks
):
    """The request only stores the file; reading it is the worker's job, which says why not."""
    client = client_for(supervisor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(REPORT_ADD),
            upload_form(name="新乡市2023年报告.pdf", data=b"%PDF-1.4\n1 0 obj\n"),
        )

    assert response.status_code == 302
    report = Report.objects.get()
    page = client.get(reverse(REPORT_CHANGE, args=[report.pk])).content.decode()
    assert "失败" in page
    assert "新乡市2023年报告.pdf：无法打开 PDF 文件（文件损坏或不是 PDF 格式）" in page
    assert report.figures.count() == 0


@pytest.mark.django_db
def test_uploading_an_empty_file_shows_the_reason_on_the_form_and_stores_nothing(
    supervisor, django_capture_on_commit_callbacks
):
    client = client_for(supervisor)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse(REPORT_ADD), upload_form(name="新乡市2023年报告.txt", data=b"")
        )

    assert response.status_code == 200  # the form again, with the error
    content = response.content.decode()
    assert "提交的是空文件" in content  # Django's own words for an empty file
    assert Report.objects.count() == 0
    assert callbacks == []


@pytest.mark.django_db
@pytest.mark.seeds
def test_uploading_the_same_file_twice_keeps_one_report_and_warns(
    supervisor, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(supervisor).post(reverse(REPORT_ADD), upload_form(seed_file("001")))
    report = Report.objects.get()
    figures = report.figures.count()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(staff).post(
            reverse(REPORT_ADD), upload_form(seed_file("001"), name="新乡市年报-副本.txt")
        )

    assert response.status_code == 302
    assert Report.objects.count() == 1
    assert callbacks == []  # not processed again
    assert report.figures.count() == figures
    warnings = [text for level, text in messages_of(response) if level == "warning"]
    assert len(warnings) == 1
    assert "已上传过" in warnings[0]
    assert "不重复导入" in warnings[0]
    assert [level for level, _ in messages_of(response)] == ["warning"]  # no contradictory "added"


# ---------------------------------------------------------------------------------------------
# Department staff: read and upload, never review


@pytest.mark.django_db
@pytest.mark.seeds
def test_staff_can_read_reports_and_figures_and_upload(
    staff, xinxiang, django_capture_on_commit_callbacks
):
    client = client_for(staff)
    figure = training_figure(xinxiang)

    assert xinxiang in list(client.get(reverse(REPORT_CHANGELIST)).context["cl"].result_list)
    report_page = client.get(reverse(REPORT_CHANGE, args=[xinxiang.pk]))
    assert report_page.status_code == 200
    assert "已完成" in report_page.content.decode()
    listing = client.get(reverse(FIGURE_CHANGELIST), {"report__id__exact": xinxiang.pk})
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == xinxiang.figures.count()
    figure_page = client.get(reverse(FIGURE_CHANGE, args=[figure.pk]))
    assert figure_page.status_code == 200
    assert "全年完成培训 7.7 万人次" in figure_page.content.decode()
    assert 'name="value"' not in figure_page.content.decode()  # shown read-only

    assert client.get(reverse(REPORT_ADD)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(REPORT_ADD), upload_form(seed_file("003")))
    assert response.status_code == 302
    school_report = Report.objects.get(uploaded_by=staff)
    assert school_report.get_status_display() == "已完成"
    assert school_report.jurisdiction.name == "延津县职业中等专业学校"


@pytest.mark.django_db
@pytest.mark.seeds
def test_staff_cannot_change_a_figure(staff, xinxiang):
    figure = training_figure(xinxiang)

    response = client_for(staff).post(
        reverse(FIGURE_CHANGE, args=[figure.pk]), figure_form(figure, value="99999")
    )

    assert response.status_code == 403
    figure.refresh_from_db()
    assert (figure.value, figure.status, figure.reviewed_by) == (
        Decimal("77000"),
        FigureStatus.EXTRACTED,
        None,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["confirm_selected", "reject_selected"])
@pytest.mark.seeds
def test_staff_cannot_confirm_or_reject_figures(staff, xinxiang, action):
    figure = training_figure(xinxiang)

    response = run_action(client_for(staff), action, figure, apply="1", note="数据有误")

    assert response.status_code == 200
    assert ("error", "只有督导人员可以审核数据") in [
        (m.level_tag, str(m)) for m in response.context["messages"]
    ]
    figure.refresh_from_db()
    assert (figure.status, figure.reviewed_by, figure.review_note) == (
        FigureStatus.EXTRACTED,
        None,
        "",
    )


# ---------------------------------------------------------------------------------------------
# Supervisors review


@pytest.mark.django_db
@pytest.mark.seeds
def test_supervisor_corrects_a_figure_and_the_original_is_kept(supervisor, xinxiang):
    figure = training_figure(xinxiang)
    client = client_for(supervisor)

    response = client.post(
        reverse(FIGURE_CHANGE, args=[figure.pk]),
        figure_form(figure, value="78000", review_note="按培训台账更正"),
    )

    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.get_status_display() == "已更正"
    assert figure.value == Decimal("78000")
    assert Decimal(figure.extracted["value"]) == Decimal("77000")
    assert (figure.reviewed_by, figure.review_note) == (supervisor, "按培训台账更正")
    assert figure.history.count() >= 2
    assert figure.history.earliest().value == Decimal("77000")

    page = client.get(reverse(FIGURE_CHANGE, args=[figure.pk])).content.decode()
    assert "已更正" in page
    assert "数值 77 000 人次" in page  # 自动识别原值, as people write it


@pytest.mark.django_db
@pytest.mark.seeds
def test_supervisor_rejects_a_figure_with_a_reason_given_on_the_intermediate_form(
    supervisor, xinxiang
):
    figure = Figure.objects.get(report=xinxiang, indicator__code="certificates", line=272)
    client = client_for(supervisor)

    form = run_action(client, "reject_selected", figure)
    assert form.status_code == 200
    assert "驳回理由" in form.content.decode()
    assert figure.label in form.content.decode()

    without_reason = run_action(client, "reject_selected", figure, apply="1", note="")
    assert without_reason.status_code == 200
    assert "驳回理由" in without_reason.content.decode()
    figure.refresh_from_db()
    assert figure.status == FigureStatus.EXTRACTED

    done = run_action(
        client, "reject_selected", figure, apply="1", note="全市各类取证合计，非中职数据"
    )
    assert ("success", "已驳回 1 个数据") in [
        (m.level_tag, str(m)) for m in done.context["messages"]
    ]
    figure.refresh_from_db()
    assert figure.get_status_display() == "已驳回"
    assert (figure.reviewed_by, figure.review_note) == (supervisor, "全市各类取证合计，非中职数据")
