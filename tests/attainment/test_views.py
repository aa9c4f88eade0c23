"""The supervisors' view through Django's test client: filters, sorting, access, exports, and a
query count that does not grow with the page size."""

from __future__ import annotations

import datetime
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
    ProgressEntryFactory,
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
    assert "33 938 人次" in overdue and "第 254 行" in overdue and "全年培训 254 人次" in overdue
    assert 'style="width:33%"' in overdue and "33.9%" in overdue and "light-red" in overdue
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
    assert [(r[1], r[7], r[9], r[10], r[11]) for r in values[1:]] == [
        ("20", "2022年", "104 200 人次", 104.2, "已达成"),
        ("20", "2023年", "33 938 人次", 33.9, "逾期未完成"),  # the ratio stays a number
    ]


def _summary_cells(html: str, department: str) -> dict[str, str]:
    """A department's row on the summary page as {column: text}, read from each cell's label."""
    row = html.split(f"{department}</a>")[1].split("</tr>")[0]
    cells = {}
    for chunk in row.split('<td class="num" data-label="')[1:]:
        label, _, rest = chunk.partition('">')
        cells[label] = rest.split("</td>")[0]
    return cells


def test_department_summary_counts_and_on_time_rate(client, two_departments):
    client.force_login(SupervisorFactory())
    html = client.get(reverse("attainment:departments")).content.decode()
    cells = _summary_cells(html, "市人力资源和社会保障局")
    assert list(cells.values()) == ["2", "1", "0", "0", "1", "0", "0", "0", "50.0%"]
    assert list(cells) == [
        "考核项",
        "已达成",
        "进度正常",
        "进度滞后",
        "逾期未完成",
        "无数据",
        "数据冲突",
        "其中到期无数据",
        "按期完成率",
    ]


def test_finished_years_without_data_lower_the_on_time_rate_and_the_rule_is_stated(client, db):
    finance = DepartmentFactory(name="市财政局")
    AttainmentFactory(target__task__lead=finance, status=Status.MET)
    for year in (2022, 2023, 2024):
        AttainmentFactory(
            target__task__lead=finance,
            status=Status.NO_DATA,
            year=year,
            period_label=f"{year}年",
            due_date=datetime.date(year, 12, 31),
        )
    client.force_login(SupervisorFactory())
    html = client.get(reverse("attainment:departments")).content.decode()
    cells = _summary_cells(html, "市财政局")
    assert (cells["已达成"], cells["无数据"], cells["其中到期无数据"]) == ("1", "3", "3")
    assert cells["按期完成率"] == "25.0%"  # not 100%: three finished years reported nothing
    assert "到期时没有数据的考核项算作未按期完成" in html.split('id="on-time-rule"')[1]


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


# ---------------------------------------------------------------------------------------------
# The target page: the one place for a target


def _section(html: str, element_id: str) -> str:
    """The element with ``element_id`` (a table or the chart), up to its closing tag."""
    start = html.index(f'id="{element_id}"')
    tag = html[html.rindex("<", 0, start) + 1 : start].split()[0]
    return html[start : html.index(f"</{tag}>", start)]


@pytest.fixture
def training(db):
    """南阳市 每年培训 ≥10 万人次, 2022 met and 2023 overdue with two sources of 2023."""
    labour = DepartmentFactory(name="市人力资源和社会保障局")
    education = DepartmentFactory(name="市教育局")
    target = TargetFactory(
        task=TaskFactory(lead=labour, co=[education], number="7", text="落实 1+X 证书制度。"),
        label="职业技能培训",
        unit="人次",
        value=Decimal("100000"),
    )
    AttainmentFactory(
        target=target,
        year=2023,
        period_label="2023年",
        due_date=datetime.date(2023, 12, 31),
        status=Status.OVERDUE,
        actual=Decimal("33938"),
        ratio=Decimal("0.3394"),
        reason="2023年未完成：实际 33 938 人次（第 55 行），完成比例 33.9%",
        sources=[
            {
                "kind": "progress",
                "tier_label": "审核通过的进展填报",
                "display": "33 938 人次",
                "where": "市人力资源和社会保障局填报（2023年，已审核）",
                "text": "全年培训 33938 人次",
            },
            {
                "kind": "figure",
                "tier_label": "报告数据（自动识别）",
                "display": "33 938 人次",
                "where": "《南阳市2023年职业教育质量年度报告》第 55 行",
                "text": "全年培训 33938 人次，完成率 113.13%",
                "report_id": 1,
            },
        ],
    )
    return target


def test_target_page_shows_each_period_with_ratio_reason_and_every_source_in_order(
    client, training
):
    client.force_login(SupervisorFactory())
    html = client.get(reverse("attainment:target", args=[training.pk])).content.decode()
    table = _section(html, "target-attainments")
    assert "light-red" in table and "逾期未完成" in table
    assert "33 938 人次" in table and "33.9%" in table and "0.3394" not in table
    assert "2023年未完成：实际 33 938 人次（第 55 行），完成比例 33.9%" in table
    progress = table.index("审核通过的进展填报")
    report = table.index("报告数据（自动识别）")
    assert progress < report  # by precedence
    assert "《南阳市2023年职业教育质量年度报告》第 55 行" in table[report:]
    assert "全年培训 33938 人次，完成率 113.13%" in table[report:]  # the sentence, as written
    assert 'data-label="判定说明"' in table and 'class="att wb"' in html  # reads on a phone
    assert f'href="{reverse("attainment:task", args=[training.task_id])}"' in html


def test_record_button_is_offered_to_the_departments_of_the_task_only(
    client, training, time_machine
):
    time_machine.move_to("2024-05-10 09:00 +0800")
    url = reverse("attainment:target", args=[training.pk])
    expected = f"{reverse('workbench:entry_new')}?target={training.pk}&amp;year=2024"
    for department in ("市人力资源和社会保障局", "市教育局"):  # lead and co-operating
        client.force_login(UserFactory(department=DepartmentFactory(name=department)))
        html = client.get(url).content.decode()
        assert f'<a class="wb-button" href="{expected}">填报</a>' in html
    client.force_login(SupervisorFactory())  # supervisors review; they do not report
    assert ">填报</a>" not in client.get(url).content.decode()


def test_record_button_asks_for_the_last_year_of_a_finished_period(client, training, time_machine):
    time_machine.move_to("2027-03-01 09:00 +0800")  # the plan ran 2021–2025
    client.force_login(UserFactory(department=training.task.lead))
    html = client.get(reverse("attainment:target", args=[training.pk])).content.decode()
    assert f"?target={training.pk}&amp;year=2025" in html


def test_target_page_lists_entries_with_values_as_written_and_evidence_links(client, training):
    from django.core.files.base import ContentFile

    from tasks_registry.models import Evidence

    entry = ProgressEntryFactory(target=training, year=2024, quarter=2, value=Decimal("60000"))
    evidence = Evidence.objects.create(
        entry=entry, file=ContentFile(b"%PDF-1.4 x", name="sign.pdf"), description="签到表"
    )
    client.force_login(UserFactory(department=training.task.lead))
    entries = _section(
        client.get(reverse("attainment:target", args=[training.pk])).content.decode(), "entries"
    )
    assert "2024年第2季度" in entries and "6 万人次" in entries and "60000.0000" not in entries
    assert f'href="{evidence.file.url}"' in entries and evidence.file.url.startswith("/files/")
    assert f'href="{reverse("workbench:entry", args=[entry.pk])}"' in entries


# ---------------------------------------------------------------------------------------------
# The task page


def test_task_page_shows_who_does_it_and_each_target_with_its_latest_light(client, training):
    AttainmentFactory(
        target=training,
        year=2022,
        period_label="2022年",
        status=Status.MET,
        actual=Decimal("104200"),
        ratio=Decimal("1.042"),
    )
    other = TargetFactory(task=training.task, label="取得证书", unit="人", value=Decimal("70000"))
    ProgressEntryFactory(target=training, year=2023, narrative="全年培训 33938 人次。")
    client.force_login(UserFactory(department=DepartmentFactory(name="市教育局")))  # 配合单位

    response = client.get(reverse("attainment:task", args=[training.task_id]))

    assert response.status_code == 200
    html = response.content.decode()
    facts = _section(html, "task-facts")
    assert "落实 1+X 证书制度。" in facts
    assert "市人力资源和社会保障局" in facts.split("配合单位")[0] and "市教育局" in facts
    targets = _section(html, "task-targets")
    rows = targets.split('<tr class="target-row">')[1:]
    assert len(rows) == 2
    assert f'href="{reverse("attainment:target", args=[training.pk])}"' in rows[0]
    assert "light-red" in rows[0] and "2023年" in rows[0] and "33.9%" in rows[0]  # the latest
    assert "light-green" not in rows[0]
    assert f'href="{reverse("attainment:target", args=[other.pk])}"' in rows[1]
    assert "尚未计算" in rows[1]
    # Staff see their own department's entries only: this one is the lead department's.
    assert "尚无填报" in _section(html, "entries")


def test_task_page_shows_the_departments_own_entries(client, training):
    ProgressEntryFactory(target=training, year=2023, narrative="全年培训 33938 人次。")
    client.force_login(UserFactory(department=training.task.lead))
    html = client.get(reverse("attainment:task", args=[training.task_id])).content.decode()
    assert "全年培训 33938 人次。" in _section(html, "entries")


def test_task_page_is_refused_to_staff_of_an_unrelated_department(client, training):
    client.force_login(UserFactory(department=DepartmentFactory(name="市民政局")))
    assert client.get(reverse("attainment:task", args=[training.task_id])).status_code == 404
    assert client.get(reverse("attainment:task", args=[10**6])).status_code == 404
    client.logout()
    response = client.get(reverse("attainment:task", args=[training.task_id]))
    assert response.status_code == 302


# ---------------------------------------------------------------------------------------------
# The chart


def _history(year: int, *values: tuple[str, str]) -> dict:
    return {
        "year": year,
        "value": Decimal(values[0][0]),
        "values": [{"value": Decimal(v), "display": d} for v, d in values],
        "display": " / ".join(d for _, d in values),
        "conflict": len(values) > 1,
        "sources": [],
        "others": [],
    }


def test_chart_spans_every_year_leaves_gaps_and_draws_a_conflict_as_both_values(db):
    target = TargetFactory(value=Decimal("60"), unit="%")
    history = [_history(2022, ("55", "55%")), _history(2023, ("60", "≥60%"), ("41.2", "41.2%"))]

    chart = views._chart(history, target, [2021, 2022, 2023, 2024, 2025, 2026], today=TODAY)

    columns = {c["year"]: c for c in chart["columns"]}
    assert list(columns) == [2021, 2022, 2023, 2024, 2025, 2026]
    assert [columns[y]["gap"] for y in (2021, 2024, 2025, 2026)] == [
        "无数据",
        "无数据",
        "无数据",
        "未到期",  # the current year is not over
    ]
    assert [b["value"] for b in columns[2023]["bars"]] == ["≥60%", "41.2%"]
    left, right = columns[2023]["bars"]
    assert left["x"] + left["w"] <= right["x"]  # side by side, not one bar
    assert left["ty"] != right["ty"]  # labels on rows of their own
    assert left["h"] > right["h"] > 0
    assert [t["label"] for t in chart["ticks"]] == ["0", "20", "40", "60"]
    assert chart["goal"] == "目标 ≥60%"
    assert chart["goal_y"] == left["y"]  # 60% reaches the target line, 41.2% does not


TODAY = datetime.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("top", "unit", "labels", "axis_unit"),
    [
        ("7", "所", ["0", "2", "4", "6", "8"], "所"),
        ("100000", "人次", ["0", "25 000", "50 000", "75 000", "100 000"], "人次"),
        ("33938", "人次", ["0", "10 000", "20 000", "30 000", "40 000"], "人次"),
        ("6000000", "元", ["0", "200", "400", "600"], "万元"),
        ("0.4", "%", ["0", "0.1", "0.2", "0.3", "0.4"], "%"),
        ("101", "%", ["0", "50", "100", "150"], "%"),
    ],
)
def test_value_axis_has_three_to_five_ticks_people_can_read(db, top, unit, labels, axis_unit):
    target = TargetFactory(value=Decimal(top), unit=unit)
    chart = views._chart([_history(2023, (top, top))], target, [2023], today=TODAY)
    assert [t["label"] for t in chart["ticks"]] == labels
    assert 3 <= len(chart["ticks"]) <= 5
    assert chart["unit"] == axis_unit
    ys = [t["y"] for t in chart["ticks"]]
    assert ys == sorted(ys, reverse=True) and ys[0] == chart["base"]


def test_target_page_renders_the_chart_with_axis_goal_gaps_and_both_conflicting_values(
    client, reference_data, time_machine
):
    from attainment import services
    from tasks_registry.models import Indicator, Jurisdiction
    from tests.factories import FigureFactory, PlanFactory, ReportFactory

    time_machine.move_to("2026-11-23 10:00 +0800")
    nanyang = Jurisdiction.objects.get(name="南阳市")
    target = TargetFactory(
        task__plan=PlanFactory(jurisdiction=nanyang, period_start=2021, period_end=2025),
        indicator=Indicator.objects.get(code="dual_qualified_ratio"),
    )
    for year, values in ((2022, [("55", "")]), (2023, [("60", "ge"), ("41.2", "")])):
        report = ReportFactory(jurisdiction=nanyang, year=year, title=f"南阳市{year}年质量报告")
        for value, qualifier in values:
            FigureFactory(
                report=report, indicator=target.indicator, value=Decimal(value), qualifier=qualifier
            )
    services.attainment_recompute()
    client.force_login(SupervisorFactory())

    svg = _section(
        client.get(reverse("attainment:target", args=[target.pk])).content.decode(), "chart"
    )

    groups = {int(g.split('"')[0]): g for g in svg.split('<g class="year" data-year="')[1:]}
    assert sorted(groups) == [2021, 2022, 2023, 2024, 2025]  # every year of the plan
    assert "无数据" in groups[2021] and "<rect" not in groups[2021]
    assert "无数据" in groups[2024] and "无数据" in groups[2025]
    assert groups[2022].count("<rect") == 1 and ">55%</text>" in groups[2022]
    assert groups[2023].count("<rect") == 2  # the conflict: both values, each labelled
    assert ">≥60%</text>" in groups[2023] and ">41.2%</text>" in groups[2023]
    ticks = [t.split(">")[1].split("<")[0] for t in svg.split('class="tick-label"')[1:]]
    assert ticks == ["0", "20", "40", "60"]
    assert ">目标 ≥60%</text>" in svg and "单位：%" in svg
