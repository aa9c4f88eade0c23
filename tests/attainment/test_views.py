"""The supervisors' view through Django's test client: filters, sorting, access, exports, and a
query count that does not grow with the page size."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from attainment import views
from attainment.models import Status
from tests.factories import (
    AttainmentFactory,
    DepartmentFactory,
    SupervisorFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
)

LIST = reverse("attainment:list")


def _source(line: int) -> list[dict]:
    return [
        {
            "kind": "figure",
            "where": f"《测试市2023年职业教育质量年度报告》第 {line} 行",
            "text": f"全年培训 {line} 人次",
            "display": f"{line}人次",
        }
    ]


@pytest.fixture
def two_departments(db):
    education = DepartmentFactory(name="市教育局")
    labour = DepartmentFactory(name="市人力资源和社会保障局")
    training = TargetFactory(
        task=TaskFactory(lead=labour, number="20"),
        label="技能培训",
        unit="人次",
        value=Decimal("100000"),
    )
    dual = TargetFactory(task=TaskFactory(lead=education, number="16"))
    AttainmentFactory(
        target=training,
        year=2023,
        period_label="2023年",
        status=Status.OVERDUE,
        actual=Decimal("33938"),
        ratio=Decimal("0.3394"),
        sources=_source(254),
        reason="2023年未完成",
    )
    AttainmentFactory(
        target=training,
        year=2022,
        period_label="2022年",
        status=Status.MET,
        actual=Decimal("104200"),
        ratio=Decimal("1.042"),
        sources=_source(22),
    )
    AttainmentFactory(
        target=dual,
        status=Status.CONFLICT,
        actual=None,
        sources=[
            {"display": "≥60%", "where": "第 450 行"},
            {"display": "41.2%", "where": "第 556 行"},
        ],
    )
    return education, labour


def _rows(response) -> list[str]:
    html = response.content.decode()
    return [chunk.split("</tr>")[0] for chunk in html.split('<tr class="status-')[1:]]


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_default_list_shows_what_needs_attention_with_its_source(client, two_departments):
    client.force_login(SupervisorFactory())
    response = client.get(LIST)
    rows = _rows(response)
    assert len(rows) == 2  # the overdue and the conflicting one; the met year is not shown
    overdue = next(r for r in rows if r.startswith("overdue"))
    assert "33938人次" in overdue and "第 254 行" in overdue and "全年培训 254 人次" in overdue
    assert 'style="width:33%"' in overdue and "light-red" in overdue
    conflict = next(r for r in rows if r.startswith("conflict"))
    assert "≥60%" in conflict and "41.2%" in conflict


def test_filters_by_department_and_status(client, two_departments):
    education, labour = two_departments
    client.force_login(SupervisorFactory())
    rows = _rows(client.get(LIST, {"department": labour.pk, "status": ["met", "overdue"]}))
    assert [r.split('"')[0] for r in rows] == ["met", "overdue"]  # by task, then year
    assert _rows(client.get(LIST, {"department": education.pk, "status": "met"})) == []


def test_sorting_by_completion_ratio_puts_the_furthest_behind_first(client, two_departments):
    client.force_login(SupervisorFactory())
    rows = _rows(client.get(LIST, {"status": ["met", "overdue"], "o": "ratio"}))
    assert [r.split('"')[0] for r in rows] == ["overdue", "met"]
    rows = _rows(client.get(LIST, {"status": ["met", "overdue"], "o": "-ratio"}))
    assert [r.split('"')[0] for r in rows] == ["met", "overdue"]


def test_department_staff_see_only_their_departments_targets(client, two_departments):
    education, _ = two_departments
    client.force_login(UserFactory(department=education))
    rows = _rows(client.get(LIST))
    assert len(rows) == 1 and rows[0].startswith("conflict")


def test_excel_export_holds_the_filtered_rows(client, two_departments):
    _, labour = two_departments
    client.force_login(SupervisorFactory())
    response = client.get(
        LIST, {"department": labour.pk, "status": ["met", "overdue"], "export": "xlsx"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][:4] == ("政策文件", "任务序号", "牵头单位", "目标")
    assert [(r[1], r[7], r[9], r[11]) for r in values[1:]] == [
        ("20", "2022年", "104200人次", "已达成"),
        ("20", "2023年", "33938人次", "逾期未完成"),
    ]


def test_department_summary_counts_and_on_time_rate(client, two_departments):
    client.force_login(SupervisorFactory())
    html = client.get(reverse("attainment:departments")).content.decode()
    labour_row = html.split("市人力资源和社会保障局</a>")[1].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in labour_row.split('<td class="num">')[1:]]
    assert cells == ["2", "1", "0", "0", "1", "0", "0", "50.0%"]


def test_target_page_is_refused_to_staff_of_an_unrelated_department(client, two_departments):
    _education, labour = two_departments
    target = labour.led_tasks.get().targets.get()
    client.force_login(UserFactory(department=DepartmentFactory(name="市民政局")))
    assert client.get(reverse("attainment:target", args=[target.pk])).status_code == 404
    client.force_login(UserFactory(department=labour))
    assert client.get(reverse("attainment:target", args=[target.pk])).status_code == 200


@pytest.mark.django_db
def test_the_list_query_count_does_not_grow_with_the_page_size(client, monkeypatch):
    client.force_login(SupervisorFactory())
    for i in range(60):
        AttainmentFactory(
            target=TargetFactory(task=TaskFactory(lead=DepartmentFactory(name=f"部门{i % 7}"))),
            status=Status.OVERDUE,
            sources=_source(i),
        )
    counts = {}
    for size in (5, 50):
        monkeypatch.setattr(views, "PAGE_SIZE", size)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST)
        assert len(_rows(response)) == size
        counts[size] = len(queries)
    assert counts[5] == counts[50]
