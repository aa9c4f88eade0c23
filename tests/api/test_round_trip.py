"""The round trip over the REST API, in-process: a department reports a value for a target through
its own system, a supervisor approves it, and the supervision office reads the recomputed
attainment, with the approved entry named as its source. Jobs run when a request's transaction
commits (Celery is in-process in tests)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from attainment import services as attainment_services
from tasks_registry.models import Indicator, LinkStatus
from tests.factories import FigureFactory, ReportFactory, TargetFactory

ENTRIES = "/api/v1/progress-entries/"
ATTAINMENTS = "/api/v1/attainments/"
YEAR = 2024  # the target's deadline: past, so a missing or short value is overdue


@pytest.fixture
def dual_qualified(world, reference_data):
    """The city's “双师型” share, ≥60% by the end of 2024, measured by the catalogue's indicator,
    on a task the staff user's department leads; attainment computed once before any entry."""
    target = TargetFactory(
        task=world.task,
        indicator=Indicator.objects.get(code="dual_qualified_ratio"),
        link_status=LinkStatus.CONFIRMED,
        deadline_year=YEAR,
        jurisdiction=None,
    )
    assert timezone.localdate() > datetime.date(YEAR, 12, 31)
    return target


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Make a request and let what it enqueued on commit run, as it would after a real commit."""

    def call(client, method: str, url: str, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(client, method)(url, data, format="json")

    return call


def attainment_seen_by(client, target) -> dict:
    response = client.get(ATTAINMENTS, {"target": target.pk, "year": YEAR})
    assert response.status_code == 200, response.content.decode()
    [row] = response.json()["results"]
    return row


def report_progress(send, clients, target, value: str, narrative: str) -> dict:
    """The department's system: create a draft with a value, then submit it."""
    created = send(
        clients["staff"],
        "post",
        ENTRIES,
        {"target": target.pk, "year": YEAR, "value": value, "narrative": narrative},
    )
    assert created.status_code == 201, created.content.decode()
    entry = created.json()
    submitted = send(clients["staff"], "post", f"{ENTRIES}{entry['id']}/submit/")
    assert submitted.status_code == 200, submitted.content.decode()
    assert submitted.json()["status"] == "submitted"
    return entry


def approve(send, clients, entry: dict) -> None:
    approved = send(clients["supervisor"], "post", f"{ENTRIES}{entry['id']}/approve/")
    assert approved.status_code == 200, approved.content.decode()
    assert approved.json()["status"] == "approved"


@pytest.mark.django_db
def test_an_approved_value_turns_a_target_without_data_into_met(
    world, clients, send, dual_qualified
):
    attainment_services.attainment_recompute(target_ids=[dual_qualified.pk])
    before = attainment_seen_by(clients["office"], dual_qualified)
    assert (before["status"], before["status_display"], before["actual"], before["sources"]) == (
        "no_data",
        "无数据",
        None,
        [],
    )
    assert before["jurisdiction"]["name"] == "测试市"

    entry = report_progress(
        send, clients, dual_qualified, "62.5", "全市中职“双师型”教师 2600 人，占专任教师 62.5%。"
    )
    # Submitted is not yet approved: the office still sees no data.
    assert attainment_seen_by(clients["office"], dual_qualified)["status"] == "no_data"

    approve(send, clients, entry)

    after = attainment_seen_by(clients["office"], dual_qualified)
    assert (after["status"], after["status_display"]) == ("met", "已达成")
    assert (Decimal(str(after["actual"])), after["actual_year"], after["percent"]) == (
        Decimal("62.5"),
        YEAR,
        100,
    )
    [source] = after["sources"]
    assert (source["kind"], source["entry_id"], source["department"]) == (
        "progress",
        entry["id"],
        "市教育局",
    )
    assert source["where"] == f"市教育局填报（{YEAR}年，已审核）"
    assert "62.5%" in source["text"]
    assert "达到目标" in after["reason"]


@pytest.mark.django_db
def test_an_approved_value_short_of_the_target_shows_overdue_with_that_value(
    world, clients, send, dual_qualified
):
    attainment_services.attainment_recompute(target_ids=[dual_qualified.pk])
    assert attainment_seen_by(clients["office"], dual_qualified)["status"] == "no_data"

    entry = report_progress(send, clients, dual_qualified, "48", "全市中职“双师型”教师占比 48%。")
    approve(send, clients, entry)

    after = attainment_seen_by(clients["office"], dual_qualified)
    assert (after["status"], after["status_display"]) == ("overdue", "逾期未完成")
    assert (Decimal(str(after["actual"])), Decimal(str(after["ratio"])), after["percent"]) == (
        Decimal("48"),
        Decimal("0.8"),
        80,
    )
    assert after["overdue_since"] == timezone.localdate().isoformat()
    assert [s["entry_id"] for s in after["sources"]] == [entry["id"]]
    assert "已过完成时限" in after["reason"]


@pytest.mark.django_db
def test_an_approved_entry_replaces_an_overdue_report_figure_as_the_source(
    world, clients, send, dual_qualified
):
    report = ReportFactory(
        jurisdiction=world.city, year=2023, title="测试市2023年职业教育质量年度报告"
    )
    figure = FigureFactory(
        report=report, indicator=dual_qualified.indicator, value=Decimal("41.2"), line=254
    )
    attainment_services.attainment_recompute(target_ids=[dual_qualified.pk])
    before = attainment_seen_by(clients["office"], dual_qualified)
    assert (before["status"], before["status_display"], Decimal(str(before["actual"]))) == (
        "overdue",
        "逾期未完成",
        Decimal("41.2"),
    )
    assert [(s["kind"], s["figure_id"]) for s in before["sources"]] == [("figure", figure.pk)]

    entry = report_progress(send, clients, dual_qualified, "61", "全市中职“双师型”教师占比 61%。")
    approve(send, clients, entry)

    after = attainment_seen_by(clients["office"], dual_qualified)
    assert (
        after["status"],
        after["status_display"],
        Decimal(str(after["actual"])),
        after["actual_year"],
    ) == ("met", "已达成", Decimal("61"), YEAR)
    assert [(s["kind"], s["entry_id"]) for s in after["sources"]] == [("progress", entry["id"])]
    assert after["overdue_since"] is None


@pytest.mark.django_db
def test_a_returned_entry_does_not_count(world, clients, send, dual_qualified):
    attainment_services.attainment_recompute(target_ids=[dual_qualified.pk])
    entry = report_progress(send, clients, dual_qualified, "75", "全市中职“双师型”教师占比 75%。")

    returned = send(
        clients["supervisor"],
        "post",
        f"{ENTRIES}{entry['id']}/return/",
        {"comment": "请附认定名单。"},
    )

    assert returned.status_code == 200, returned.content.decode()
    after = attainment_seen_by(clients["office"], dual_qualified)
    assert (after["status"], after["actual"]) == ("no_data", None)


@pytest.mark.django_db
def test_the_department_sees_the_same_recomputed_attainment_for_its_own_task(
    world, clients, send, dual_qualified
):
    attainment_services.attainment_recompute(target_ids=[dual_qualified.pk])
    entry = report_progress(
        send, clients, dual_qualified, "62.5", "全市中职“双师型”教师占比 62.5%。"
    )
    approve(send, clients, entry)

    mine = attainment_seen_by(clients["staff"], dual_qualified)

    assert (mine["status_display"], Decimal(str(mine["actual"]))) == ("已达成", Decimal("62.5"))
    # Another department without a part in the task does not see it at all.
    hidden = clients["other_staff"].get(ATTAINMENTS, {"target": dual_qualified.pk, "year": YEAR})
    assert hidden.status_code == 200
    assert hidden.json()["results"] == []
