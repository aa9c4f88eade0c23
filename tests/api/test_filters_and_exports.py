"""What the lists of the REST API return: references by id, name or short name, places with what
lies under them, deadlines, incremental sync on every list, stable paging, and exports of the
whole filtered list as CSV and XLSX with Chinese headers."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from urllib.parse import unquote

import openpyxl
import pytest
from django.db.models import Model
from django.urls import get_resolver, resolve, reverse
from django.utils import timezone

from attainment.models import Attainment, Status
from tasks_registry.models import (
    DepartmentAlias,
    Indicator,
    JurisdictionKind,
    ProgressEntry,
    ProgressStatus,
    Target,
)
from tests.factories import (
    AttainmentFactory,
    DepartmentFactory,
    FigureFactory,
    JurisdictionFactory,
    PlanFactory,
    ProgressEntryFactory,
    ReportFactory,
    TargetFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db


def list_route_names() -> list[str]:
    """Every list of /api/v1/: URL names ending in -list in the API's namespace. A list added
    later is picked up here, so it must support everything every list supports."""
    _prefix, resolver = get_resolver().namespace_dict["api"]
    return sorted(
        name for name in resolver.reverse_dict if isinstance(name, str) and name.endswith("-list")
    )


LIST_ROUTES = list_route_names()


def url(name: str) -> str:
    return reverse(f"api:{name}")


def model_of(name: str) -> type[Model]:
    view = resolve(url(name)).func
    # DRF's as_view() puts the viewset class on the view function it returns, as `cls`; the
    # stubs type a resolved view as a plain callable.
    return view.cls.serializer_class.Meta.model  # type: ignore[attr-defined]


def rows(client, path: str, **params) -> list[dict]:
    """All rows of a list (one big page), asserting success."""
    response = client.get(path, {"page_size": 500, **params})
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert body["next"] is None
    assert body["count"] == len(body["results"])
    return body["results"]


def ids(client, path: str, **params) -> set[int]:
    return {r["id"] for r in rows(client, path, **params)}


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_list_routes_are_discovered_under_api_v1():
    assert {
        "plan-list",
        "task-list",
        "target-list",
        "attainment-list",
        "overdue-list",
        "progress-entry-list",
        "report-list",
        "figure-list",
        "department-list",
        "indicator-list",
        "jurisdiction-list",
    } <= set(LIST_ROUTES)
    assert all(url(name).startswith("/api/v1/") for name in LIST_ROUTES)


# --- data ------------------------------------------------------------------------------------


@pytest.fixture
def sup(clients):
    return clients["supervisor"]


@pytest.fixture
def other_target(world) -> Target:
    return Target.objects.get(task=world.other_task)


@pytest.fixture
def indicator(world) -> Indicator:
    ind = Indicator.objects.create(code="double_teacher_ratio", name="“双师型”教师占比", unit="%")
    world.target.indicator = ind
    world.target.save()
    return ind


@pytest.fixture
def many(world, indicator):
    """At least five rows in every list, so that paging with page_size=2 has several pages."""
    for n in range(4):
        plan = PlanFactory()
        DepartmentFactory()
        Indicator.objects.create(code=f"extra_{n}", name=f"指标{n}")
        JurisdictionFactory(parent=world.city)
        task = TaskFactory(plan=world.plan, lead=world.own)
        target = TargetFactory(task=task)
        AttainmentFactory(
            target=target, year=2024 + n % 2, status=Status.OVERDUE, overdue_since="2025-01-01"
        )
        ProgressEntryFactory(target=target, department=world.own, created_by=world.users["staff"])
        report = ReportFactory(jurisdiction=world.city, year=2020 + n)
        FigureFactory(report=report)
        FigureFactory(report=world.report)
        TaskFactory(plan=plan, lead=world.other)
        FigureFactory(report=report).delete()  # replaced on re-processing: listed in /deletions/


# --- departments: by id, full name or short name; any role or lead only ----------------------


@pytest.fixture
def responsibility(world, other_target):
    """The staff department (市教育局) leads world.task and only co-operates on other_task."""
    DepartmentAlias.objects.create(department=world.own, alias="教育局")
    other_attainment = AttainmentFactory(
        target=other_target, status=Status.OVERDUE, overdue_since="2026-02-01"
    )
    unrelated_task = TaskFactory(plan=world.plan, lead=DepartmentFactory(name="市人社局"))
    unrelated_attainment = AttainmentFactory(
        target=TargetFactory(task=unrelated_task), status=Status.OVERDUE
    )
    return other_attainment, unrelated_task, unrelated_attainment


@pytest.mark.parametrize("how", ["id", "full name", "short alias"])
def test_department_filter_accepts_id_full_name_and_alias_and_matches_any_role(
    world, sup, responsibility, other_target, how
):
    other_attainment, _, _ = responsibility
    value = {"id": str(world.own.pk), "full name": "市教育局", "short alias": "教育局"}[how]

    assert ids(sup, "/api/v1/tasks/", department=value) == {world.task.pk, world.other_task.pk}
    assert ids(sup, "/api/v1/targets/", department=value) == {world.target.pk, other_target.pk}
    assert ids(sup, "/api/v1/attainments/", department=value) == {
        world.attainment.pk,
        other_attainment.pk,
    }
    assert ids(sup, "/api/v1/overdue/", department=value) == {
        world.attainment.pk,
        other_attainment.pk,
    }


@pytest.mark.parametrize("how", ["id", "full name", "short alias"])
def test_lead_department_filter_matches_only_the_lead(world, sup, responsibility, how):
    value = {"id": str(world.own.pk), "full name": "市教育局", "short alias": "教育局"}[how]

    assert ids(sup, "/api/v1/tasks/", lead_department=value) == {world.task.pk}
    assert ids(sup, "/api/v1/targets/", lead_department=value) == {world.target.pk}
    assert ids(sup, "/api/v1/attainments/", lead_department=value) == {world.attainment.pk}
    assert ids(sup, "/api/v1/overdue/", lead_department=value) == {world.attainment.pk}


def test_department_that_only_leads_does_not_match_the_task_it_does_not_take_part_in(
    world, sup, responsibility, other_target
):
    other_attainment, _, _ = responsibility
    assert ids(sup, "/api/v1/tasks/", department="市财政局") == {world.other_task.pk}
    assert ids(sup, "/api/v1/targets/", lead_department="市财政局") == {other_target.pk}
    assert ids(sup, "/api/v1/overdue/", department="市财政局") == {other_attainment.pk}


def test_progress_entries_filter_by_reporting_department_name(world, sup):
    assert ids(sup, "/api/v1/progress-entries/", department="市财政局") == {world.other_entry.pk}
    assert ids(sup, "/api/v1/progress-entries/", department="市教育局") == {
        world.draft.pk,
        world.submitted.pk,
        world.approved.pk,
        world.returned.pk,
    }


# --- places: by name or alias, with every place under them -----------------------------------


@pytest.fixture
def places(world):
    county = JurisdictionFactory(name="卧龙区", kind=JurisdictionKind.COUNTY, parent=world.city)
    school = JurisdictionFactory(name="测试职业学院", kind=JurisdictionKind.SCHOOL, parent=county)
    elsewhere = JurisdictionFactory(name="别的市", kind=JurisdictionKind.CITY)
    world.city.aliases = ["测市"]
    world.city.save()
    return county, school, elsewhere


def test_attainments_by_place_name_include_its_counties_and_schools(world, sup, places):
    county, school, elsewhere = places
    in_county = AttainmentFactory(
        target=world.target, jurisdiction=county, year=2024, status=Status.MET
    )
    in_school = AttainmentFactory(
        target=world.target, jurisdiction=school, year=2024, status=Status.ON_TRACK
    )
    AttainmentFactory(target=world.target, jurisdiction=elsewhere, year=2024, status=Status.OVERDUE)

    assert ids(sup, "/api/v1/attainments/", jurisdiction="测试市") == {in_county.pk, in_school.pk}
    assert ids(sup, "/api/v1/attainments/", jurisdiction="测市") == {in_county.pk, in_school.pk}
    assert ids(sup, "/api/v1/attainments/", jurisdiction="卧龙区") == {in_county.pk, in_school.pk}
    assert ids(sup, "/api/v1/attainments/", jurisdiction=str(school.pk)) == {in_school.pk}


def test_targets_by_place_name_are_those_measured_in_it_or_below(world, sup, places, other_target):
    county, _, elsewhere = places
    AttainmentFactory(target=world.target, jurisdiction=county, year=2024)
    AttainmentFactory(target=other_target, jurisdiction=elsewhere, year=2024)
    assert ids(sup, "/api/v1/targets/", jurisdiction="测试市") == {world.target.pk}
    assert ids(sup, "/api/v1/targets/", jurisdiction="别的市") == {other_target.pk}


def test_plans_reports_figures_and_entries_by_place_name_include_child_places(world, sup, places):
    county, school, elsewhere = places
    county_plan, far_plan = PlanFactory(jurisdiction=county), PlanFactory(jurisdiction=elsewhere)
    school_report, far_report = (
        ReportFactory(jurisdiction=school),
        ReportFactory(jurisdiction=elsewhere),
    )
    school_figure, far_figure = (
        FigureFactory(report=school_report),
        FigureFactory(report=far_report),
    )
    county_entry = ProgressEntryFactory(
        target=world.target,
        department=world.own,
        jurisdiction=county,
        created_by=world.users["staff"],
    )

    assert ids(sup, "/api/v1/plans/", jurisdiction="测试市") == {world.plan.pk, county_plan.pk}
    assert ids(sup, "/api/v1/reports/", jurisdiction="测试市") == {
        world.report.pk,
        school_report.pk,
    }
    assert ids(sup, "/api/v1/figures/", jurisdiction="测试市") == {
        world.figure.pk,
        school_figure.pk,
    }
    assert ids(sup, "/api/v1/progress-entries/", jurisdiction="测试市") == {county_entry.pk}
    assert ids(sup, "/api/v1/jurisdictions/", within="测试市") == {
        world.city.pk,
        county.pk,
        school.pk,
    }
    assert far_plan.pk not in ids(sup, "/api/v1/plans/", jurisdiction="卧龙区")
    assert ids(sup, "/api/v1/figures/", jurisdiction="别的市") == {far_figure.pk}


def test_unknown_place_name_answers_400_naming_the_parameter(world, sup):
    response = sup.get("/api/v1/attainments/", {"jurisdiction": "火星市"})
    assert response.status_code == 400
    assert "jurisdiction" in response.json()["error"]["fields"]


# --- indicators, status, year, overdue ---------------------------------------------------------


def test_indicator_filter_by_code_id_or_name_on_targets_attainments_and_figures(
    world, sup, indicator
):
    figure = FigureFactory(report=world.report, indicator=indicator, value=Decimal("58"))
    for value in ("double_teacher_ratio", str(indicator.pk), "“双师型”教师占比"):
        assert ids(sup, "/api/v1/targets/", indicator=value) == {world.target.pk}
        assert ids(sup, "/api/v1/attainments/", indicator=value) == {world.attainment.pk}
        assert ids(sup, "/api/v1/figures/", indicator=value) == {figure.pk}
    assert ids(sup, "/api/v1/indicators/", code="double_teacher_ratio") == {indicator.pk}
    response = sup.get("/api/v1/targets/", {"indicator": "no_such_code"})
    assert response.status_code == 400 and "indicator" in response.json()["error"]["fields"]


@pytest.fixture
def met(world, other_target) -> Attainment:
    return AttainmentFactory.create(
        target=other_target,
        year=2024,
        status=Status.MET,
        due_date=datetime.date(2024, 12, 31),
        overdue_since=None,
    )


def test_status_and_year_filters_on_attainments(world, sup, met):
    assert ids(sup, "/api/v1/attainments/", status="met") == {met.pk}
    assert ids(sup, "/api/v1/attainments/", status=["met", "overdue"]) == {
        met.pk,
        world.attainment.pk,
    }
    assert ids(sup, "/api/v1/attainments/", year=2024) == {met.pk}
    assert ids(sup, "/api/v1/attainments/", year=2025) == {world.attainment.pk}


def test_status_and_year_filters_on_targets_match_any_of_their_periods(
    world, sup, met, other_target
):
    assert ids(sup, "/api/v1/targets/", status="overdue") == {world.target.pk}
    assert ids(sup, "/api/v1/targets/", status="met") == {other_target.pk}
    assert ids(sup, "/api/v1/targets/", year=2024) == {other_target.pk}


def test_status_filter_on_progress_entries_accepts_several(world, sup):
    assert ids(sup, "/api/v1/progress-entries/", status="draft") == {
        world.draft.pk,
        world.other_entry.pk,
    }
    assert ids(sup, "/api/v1/progress-entries/", status=["submitted", "approved"]) == {
        world.submitted.pk,
        world.approved.pk,
    }


def test_unknown_status_answers_400(world, sup):
    response = sup.get("/api/v1/attainments/", {"status": "finished"})
    assert response.status_code == 400 and "status" in response.json()["error"]["fields"]


def test_overdue_true_and_false_on_tasks_targets_and_attainments(world, sup, met, other_target):
    assert ids(sup, "/api/v1/tasks/", overdue="true") == {world.task.pk}
    assert ids(sup, "/api/v1/tasks/", overdue="false") == {world.other_task.pk}
    assert ids(sup, "/api/v1/targets/", overdue="true") == {world.target.pk}
    assert ids(sup, "/api/v1/targets/", overdue="false") == {other_target.pk}
    assert ids(sup, "/api/v1/attainments/", overdue="true") == {world.attainment.pk}
    assert ids(sup, "/api/v1/attainments/", overdue="false") == {met.pk}


def test_task_is_not_overdue_because_of_a_withdrawn_target(world, sup):
    withdrawn = TargetFactory(task=world.other_task, is_active=False)
    AttainmentFactory(target=withdrawn, status=Status.OVERDUE)
    assert ids(sup, "/api/v1/tasks/", overdue="true") == {world.task.pk}


# --- deadlines -------------------------------------------------------------------------------


@pytest.fixture
def deadline_tasks(world):
    """A plan ending 2025 with tasks due on a date, in a year only, and at the plan's end."""
    plan = PlanFactory(period_start=2021, period_end=2025)
    on_date = TaskFactory(
        plan=plan, lead=world.own, deadline_year=2024, deadline_date=datetime.date(2024, 6, 30)
    )
    year_only = TaskFactory(plan=plan, lead=world.own, deadline_year=2024)
    plan_end = TaskFactory(plan=plan, lead=world.own)
    next_year = TaskFactory(
        plan=plan, lead=world.own, deadline_year=2025, deadline_date=datetime.date(2025, 3, 1)
    )
    return plan, on_date, year_only, plan_end, next_year


@pytest.mark.parametrize(
    "param, value, expected",
    [
        ("deadline_before", "2024-06-29", set()),
        ("deadline_before", "2024-06-30", {"on_date"}),
        ("deadline_before", "2024-12-30", {"on_date"}),
        ("deadline_before", "2024-12-31", {"on_date", "year_only"}),
        ("deadline_before", "2025-03-01", {"on_date", "year_only", "next_year"}),
        ("deadline_before", "2025-12-31", {"on_date", "year_only", "next_year", "plan_end"}),
        ("deadline_after", "2024-06-30", {"on_date", "year_only", "next_year", "plan_end"}),
        ("deadline_after", "2024-07-01", {"year_only", "next_year", "plan_end"}),
        ("deadline_after", "2024-12-31", {"year_only", "next_year", "plan_end"}),
        ("deadline_after", "2025-01-01", {"next_year", "plan_end"}),
        ("deadline_after", "2025-03-02", {"plan_end"}),
        ("deadline_after", "2026-01-01", set()),
    ],
)
def test_task_deadline_filters_count_a_year_only_deadline_as_december_31(
    sup, deadline_tasks, param, value, expected
):
    plan, on_date, year_only, plan_end, next_year = deadline_tasks
    named = {
        "on_date": on_date.pk,
        "year_only": year_only.pk,
        "plan_end": plan_end.pk,
        "next_year": next_year.pk,
    }
    assert ids(sup, "/api/v1/tasks/", plan=plan.pk, **{param: value}) == {
        named[n] for n in expected
    }


@pytest.fixture
def deadline_targets(world):
    plan = PlanFactory(period_start=2021, period_end=2025)
    task_2023 = TaskFactory(plan=plan, lead=world.own, deadline_year=2023)
    task_open = TaskFactory(plan=plan, lead=world.own)
    return plan, {
        "year_only": TargetFactory(task=task_open, deadline_year=2024),
        "on_date": TargetFactory(
            task=task_open, deadline_year=2024, deadline_date=datetime.date(2024, 6, 30)
        ),
        "from_task": TargetFactory(task=task_2023),
        "plan_end": TargetFactory(task=task_open),
    }


@pytest.mark.parametrize(
    "param, value, expected",
    [
        ("deadline_before", "2023-12-30", set()),
        ("deadline_before", "2023-12-31", {"from_task"}),
        ("deadline_before", "2024-06-30", {"from_task", "on_date"}),
        ("deadline_before", "2024-12-30", {"from_task", "on_date"}),
        ("deadline_before", "2024-12-31", {"from_task", "on_date", "year_only"}),
        ("deadline_before", "2025-12-31", {"from_task", "on_date", "year_only", "plan_end"}),
        ("deadline_after", "2024-07-01", {"year_only", "plan_end"}),
        ("deadline_after", "2024-12-31", {"year_only", "plan_end"}),
        ("deadline_after", "2025-01-01", {"plan_end"}),
        ("deadline_after", "2025-12-31", {"plan_end"}),
    ],
)
def test_target_deadline_filters_count_a_year_only_deadline_as_december_31(
    sup, deadline_targets, param, value, expected
):
    plan, targets = deadline_targets
    assert ids(sup, "/api/v1/targets/", plan=plan.pk, **{param: value}) == {
        targets[n].pk for n in expected
    }


def test_attainment_deadline_filters_use_the_due_date_inclusively(world, sup, other_target):
    mid = AttainmentFactory(
        target=other_target, year=2024, due_date=datetime.date(2024, 6, 30), status=Status.MET
    )
    # world.attainment is due 2025-12-31
    assert ids(sup, "/api/v1/attainments/", deadline_before="2024-06-30") == {mid.pk}
    assert ids(sup, "/api/v1/attainments/", deadline_before="2024-06-29") == set()
    assert ids(sup, "/api/v1/attainments/", deadline_after="2024-06-30") == {
        mid.pk,
        world.attainment.pk,
    }
    assert ids(sup, "/api/v1/attainments/", deadline_after="2024-07-01") == {world.attainment.pk}
    assert ids(sup, "/api/v1/overdue/", deadline_before="2025-12-31") == {world.attainment.pk}
    assert ids(sup, "/api/v1/overdue/", deadline_before="2025-12-30") == set()


# --- updated_since: incremental sync on every list -------------------------------------------


@pytest.mark.parametrize("name", LIST_ROUTES)
def test_updated_since_on_every_list_returns_what_changed_at_or_after_the_moment(
    world, indicator, sup, time_machine, name
):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    path = url(name)
    everything = ids(sup, path)
    assert everything, f"{name}: the test world should have rows here"

    assert (
        ids(sup, path, updated_since=(start - datetime.timedelta(days=1)).isoformat()) == everything
    )
    later = start + datetime.timedelta(hours=1)
    assert ids(sup, path, updated_since=later.isoformat()) == set(), f"{name} ignores updated_since"

    time_machine.move_to(start + datetime.timedelta(hours=2), tick=False)
    touched = min(everything)
    model_of(name).objects.get(pk=touched).save()

    assert ids(sup, path, updated_since=later.isoformat()) == {touched}
    assert ids(
        sup, path, updated_since=later.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    ) == {touched}


@pytest.mark.parametrize("name", LIST_ROUTES)
def test_largest_updated_at_received_can_be_passed_back_as_updated_since(
    world, indicator, sup, name
):
    received = rows(sup, url(name))
    newest = max(received, key=lambda r: r["updated_at"])
    again = ids(sup, url(name), updated_since=newest["updated_at"])
    assert newest["id"] in again
    assert {r["id"] for r in received if r["updated_at"] >= newest["updated_at"]} == again


# --- ordering and paging ---------------------------------------------------------------------


def walk(client, path: str, **params) -> tuple[list[int], int]:
    """Every page from the first via ``next``: the ids in order and the count each page gave."""
    seen, counts = [], set()
    response = client.get(path, {"page_size": 2, **params})
    pages = 0
    while True:
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        assert len(body["results"]) <= 2
        seen += [r["id"] for r in body["results"]]
        counts.add(body["count"])
        pages += 1
        assert pages < 200
        if not body["next"]:
            break
        response = client.get(body["next"])
    assert len(counts) == 1
    return seen, counts.pop()


@pytest.mark.parametrize("ordering", [None, "updated_at", "-updated_at"])
@pytest.mark.parametrize("name", LIST_ROUTES)
def test_walking_every_page_yields_each_row_once_even_when_the_sort_key_ties(
    world, many, sup, name, ordering
):
    model_of(name).objects.update(
        updated_at=timezone.now().replace(microsecond=0)
    )  # every row ties
    params = {"ordering": ordering} if ordering else {}
    path = url(name)
    whole = [r["id"] for r in rows(sup, path, **params)]
    assert len(whole) >= 5

    seen, count = walk(sup, path, **params)

    assert count == len(whole)
    assert len(seen) == len(set(seen)) == count
    assert seen == whole
    if ordering:
        assert seen == sorted(seen)  # equal sort keys: then by id, as documented


def test_ordering_parameter_orders_the_list(world, many, sup):
    by_title = [r["title"] for r in rows(sup, "/api/v1/plans/", ordering="title")]
    assert by_title == sorted(by_title) and len(by_title) >= 5
    assert [r["title"] for r in rows(sup, "/api/v1/plans/", ordering="-title")] == by_title[::-1]


def test_count_is_the_total_of_the_filtered_list_not_the_page(world, many, sup):
    body = sup.get("/api/v1/tasks/", {"page_size": 2, "lead_department": "市教育局"}).json()
    assert len(body["results"]) == 2
    assert body["count"] == len(ids(sup, "/api/v1/tasks/", lead_department="市教育局")) == 5


# --- exports ---------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf"), response.content[:20]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response):
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return book.active


def xlsx_rows(response) -> list[list]:
    return [[c.value for c in row] for row in read_xlsx(response).iter_rows()]


def export(client, path: str, fmt: str, **params):
    response = client.get(path, {"format": fmt, **params})
    assert response.status_code == 200, response.content[:500]
    if fmt == "csv":
        assert response["Content-Type"].startswith("text/csv")
        table = read_csv(response)
    else:
        assert response["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        table = xlsx_rows(response)
    return response, table


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", LIST_ROUTES)
def test_export_of_every_list_holds_all_filtered_rows_not_one_page(world, many, sup, name, fmt):
    path = url(name)
    expected = [r["id"] for r in rows(sup, path)]
    response, table = export(sup, path, fmt, page_size=2)
    header, body = table[0], table[1:]
    assert header[0] == "编号"
    assert [int(row[0]) for row in body] == expected
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f".{fmt}" in unquote(disposition)
    assert _is_chinese(unquote(disposition.split("filename*=UTF-8''", 1)[1]))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_headers_are_chinese_on_every_list(world, many, sup, fmt):
    english = {}
    for name in LIST_ROUTES:
        _, table = export(sup, url(name), fmt)
        header = table[0]
        assert header and len(header) == len(table[1])
        english[name] = [h for h in header if not _is_chinese(str(h))]
    assert {n: h for n, h in english.items() if h} == {}


def test_export_of_more_rows_than_a_page_holds_them_all(world, sup):
    for _ in range(60):
        TaskFactory(plan=world.plan, lead=world.other)
    total = sup.get("/api/v1/tasks/").json()["count"]
    assert total == 62
    _, table = export(sup, "/api/v1/tasks/", "csv")
    assert len(table) - 1 == total
    _, sheet = export(sup, "/api/v1/tasks/", "xlsx")
    assert len(sheet) - 1 == total


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", ["task-list", "target-list", "attainment-list", "overdue-list"])
def test_export_applies_the_same_filter_as_the_list(world, many, sup, responsibility, name, fmt):
    path = url(name)
    expected = [r["id"] for r in rows(sup, path, lead_department="市财政局")]
    everything = ids(sup, path)
    assert 0 < len(expected) < len(everything)
    _, table = export(sup, path, fmt, lead_department="市财政局")
    assert [int(row[0]) for row in table[1:]] == expected


def test_export_of_a_department_token_holds_only_its_own_rows(world, clients):
    _, table = export(clients["staff"], "/api/v1/progress-entries/", "csv")
    assert {int(row[0]) for row in table[1:]} == {
        world.draft.pk,
        world.submitted.pk,
        world.approved.pk,
        world.returned.pk,
    }


def test_export_flattens_references_and_keeps_numbers_numeric(world, sup):
    _, sheet = export(sup, "/api/v1/tasks/", "xlsx", lead_department="市财政局")
    header, row = sheet[0], sheet[1]
    cells = dict(zip(header, row, strict=True))
    assert "市财政局" in cells.values()  # the lead, {id, name}, becomes its name
    assert any(
        isinstance(v, str) and "市教育局" in v and "市财政局" in v for v in row
    )  # every department, joined
    _, figures = export(sup, "/api/v1/figures/", "xlsx")
    assert 41.2 in figures[1]


FORMULAS = ['=HYPERLINK("http://example.com","点我")', "+1+1", "-2+3", "@SUM(A1:A2)"]


@pytest.fixture
def formula_entries(world):
    return [
        ProgressEntryFactory(
            target=world.target,
            department=world.own,
            created_by=world.users["staff"],
            narrative=text,
        )
        for text in FORMULAS
    ]


def test_csv_export_does_not_turn_narrative_into_a_formula(world, sup, formula_entries):
    _, table = export(sup, "/api/v1/progress-entries/", "csv")
    column = table[0].index("进展情况")
    by_id = {int(row[0]): row[column] for row in table[1:]}
    for entry in formula_entries:
        assert by_id[entry.pk] == "'" + entry.narrative
    assert by_id[world.draft.pk] == world.draft.narrative  # ordinary text is untouched


def test_xlsx_export_keeps_a_narrative_starting_with_equals_as_text(world, sup, formula_entries):
    response, _ = export(sup, "/api/v1/progress-entries/", "xlsx")
    sheet = read_xlsx(response)
    header = [c.value for c in sheet[1]]
    column = header.index("进展情况") + 1
    cells = {
        sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=column)
        for r in range(2, sheet.max_row + 1)
    }
    for entry in formula_entries:
        cell = cells[entry.pk]
        assert cell.data_type == "s"
        assert cell.value == entry.narrative
    raw = openpyxl.load_workbook(io.BytesIO(response.content), data_only=False).active
    assert all(c.data_type != "f" for row in raw.iter_rows() for c in row)


def test_export_records_total_matches_progress_entry_model(world, sup):
    _, table = export(sup, "/api/v1/progress-entries/", "csv")
    assert len(table) - 1 == ProgressEntry.objects.count()


def test_export_carries_the_chinese_status_display_of_the_filtered_rows(world, sup):
    _, table = export(sup, "/api/v1/progress-entries/", "csv", status=ProgressStatus.SUBMITTED)
    assert len(table) == 2
    assert "已提交待审" in table[1]


def test_xlsx_export_survives_control_characters_a_department_sent_in_a_narrative(
    world, clients, sup
):
    """Word's manual line break is a vertical tab (\x0b); the API accepts it in a narrative, so the
    spreadsheet export must not fail on it (XML forbids it: drop or replace it)."""
    created = clients["staff"].post(
        "/api/v1/progress-entries/",
        {"target": world.target.pk, "year": 2024, "narrative": "第一段\x0b第二段\x07"},
        format="json",
    )
    assert created.status_code == 201, created.content
    sup.raise_request_exception = False

    response = sup.get("/api/v1/progress-entries/", {"format": "xlsx"})

    assert response.status_code == 200, response.content[:300]
    sheet = xlsx_rows(response)
    assert any(isinstance(v, str) and "第一段" in v and "第二段" in v for row in sheet for v in row)
    _, table = export(sup, "/api/v1/progress-entries/", "csv")
    assert len(table) - 1 == ProgressEntry.objects.count()


@pytest.fixture
def fails_after_seconds():
    """Turns a request that never ends into a failure after a few seconds (pure-Python loops
    are interrupted by SIGALRM), so a hang shows as a failing test rather than a stuck run."""
    import signal

    def _raise(signum, frame):
        raise TimeoutError("请求未在 5 秒内结束")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, 5)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


def test_place_filter_answers_even_when_an_edit_made_a_place_its_own_ancestor(
    world, sup, places, fails_after_seconds
):
    """The admin lets anyone correct a place's 上级; a slip (县 above 市 above 县) must not hang
    every request that filters by place. Jurisdiction.ancestors() already guards against this."""
    county, school, _ = places
    world.city.parent = school
    world.city.save()

    response = sup.get("/api/v1/jurisdictions/", {"within": "测试市"})

    assert response.status_code == 200
    assert {r["id"] for r in response.json()["results"]} == {world.city.pk, county.pk, school.pk}
