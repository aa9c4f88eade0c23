"""Every list under /api/v1/ costs the same number of queries for 3 rows as for 12.

The list routes are read from the URL resolver (every name ending ``-list``), so a new list that
nobody wrote a data builder for fails ``test_every_list_route_has_a_data_builder`` by name. Each
builder makes rows with everything the list shows joined in (assignments with co-operating
departments, targets with indicators and places, departments with aliases, places with parents,
entries with evidence and reviewers…), so a related object read row by row shows up as a query
count that grows with the rows.

Each list is read by the supervisor and, for the lists a department sees only part of, by the
市教育局 staff user too (other departments' rows are built alongside, and left out of the count).
``page_size`` is the number of rows expected, so every row built is serialized. Rows a list
shows before anything is built (the departments, indicators and places migrate loads) are counted
first and read along with the built ones. The CSV export (the whole filtered list, no paging) is
checked the same way.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver
from rest_framework.test import APIClient

from accounts.models import Role, User
from attainment.models import Status
from tasks_registry.models import (
    Department,
    DepartmentAlias,
    Evidence,
    Indicator,
    Jurisdiction,
    JurisdictionKind,
    ProgressStatus,
    Target,
    Task,
)
from tests.api.conftest import token_client
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
    UserFactory,
)

SMALL, LARGE = 3, 12
SUPERVISOR, STAFF = "supervisor", "staff"


# ---------------------------------------------------------------------------------------------
# The list routes, as the URL resolver has them


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(n for n in (namespace, p.namespace) if n)
            yield from _patterns(p, prefix + str(p.pattern), ns)
        else:
            yield prefix + str(p.pattern), namespace, p


def discover_list_routes() -> dict[str, str]:
    """{url name: path} of every list under /api/v1/ (format-suffix copies left out)."""
    found: dict[str, str] = {}
    for pattern, _, p in _patterns(get_resolver()):
        if (
            pattern.startswith("api/v1/")
            and (p.name or "").endswith("-list")
            and "format" not in p.pattern.regex.groupindex
        ):
            path = "/" + pattern.replace("^", "").replace("$", "")
            assert p.name not in found, f"two list routes named {p.name}"
            found[p.name] = path
    return found


LIST_ROUTES = discover_list_routes()


# ---------------------------------------------------------------------------------------------
# The people reading, and the rows they read


@dataclass
class People:
    own: Department  # the staff user's department, 市教育局
    supervisor: User
    staff: User
    clients: dict[str, APIClient]


@pytest.fixture
def people(db) -> People:
    own = DepartmentFactory.create(name="市教育局")
    supervisor = UserFactory.create(username="supervisor", role=Role.SUPERVISOR, department=None)
    staff = UserFactory.create(username="jiaoyu", department=own)
    return People(
        own, supervisor, staff, {SUPERVISOR: token_client(supervisor), STAFF: token_client(staff)}
    )


def _place(i: int, tag: str) -> Jurisdiction:
    """A county with its own city above it."""
    city = JurisdictionFactory.create(name=f"{tag}市{i}", kind=JurisdictionKind.CITY)
    return JurisdictionFactory.create(name=f"{tag}县{i}", kind=JurisdictionKind.COUNTY, parent=city)


def _indicator(i: int, tag: str) -> Indicator:
    return Indicator.objects.create(code=f"{tag}_{i}", name=f"{tag}指标{i}", unit="人")


def _own_task(p: People, i: int, tag: str) -> Task:
    """A task 市教育局 takes part in: it leads every other one, co-operates on the rest; each task
    has two more departments on it."""
    plan = PlanFactory.create(
        jurisdiction=JurisdictionFactory.create(name=f"{tag}方案市{i}", kind=JurisdictionKind.CITY)
    )
    a, b = (
        DepartmentFactory.create(name=f"{tag}甲局{i}"),
        DepartmentFactory.create(name=f"{tag}乙局{i}"),
    )
    if i % 2 == 0:
        return TaskFactory.create(plan=plan, lead=p.own, co=[a, b])
    return TaskFactory.create(plan=plan, lead=a, co=[p.own, b])


def _others_task(i: int, tag: str) -> Task:
    """A task 市教育局 has no part in."""
    plan = PlanFactory.create(
        jurisdiction=JurisdictionFactory.create(
            name=f"{tag}他方案市{i}", kind=JurisdictionKind.CITY
        )
    )
    return TaskFactory.create(
        plan=plan,
        lead=DepartmentFactory.create(name=f"{tag}丙局{i}"),
        co=[DepartmentFactory.create(name=f"{tag}丁局{i}")],
    )


def _target(task: Task, i: int, tag: str, **extra) -> Target:
    return TargetFactory.create(
        task=task, indicator=_indicator(i, tag), jurisdiction=_place(i, tag), **extra
    )


def build_plans(p: People, i: int) -> None:
    plan = PlanFactory.create(
        jurisdiction=JurisdictionFactory.create(name=f"方案市{i}", kind=JurisdictionKind.CITY)
    )
    TaskFactory.create(plan=plan, lead=p.own)
    TaskFactory.create(plan=plan, lead=p.own, is_active=False)


def build_tasks(p: People, i: int) -> None:
    _own_task(p, i, "任务")
    _others_task(i, "任务")


def build_targets(p: People, i: int) -> None:
    _target(_own_task(p, i, "目标"), i, "目标")
    _target(_others_task(i, "目标"), i + 1000, "目标")


def build_departments(p: People, i: int) -> None:
    department = DepartmentFactory.create(name=f"市部门{i}局")
    DepartmentAlias.objects.create(department=department, alias=f"部门{i}局")
    DepartmentAlias.objects.create(department=department, alias=f"部门{i}")


def build_indicators(p: People, i: int) -> None:
    if i % 2 == 0:
        _indicator(i, "plain")
        return
    # A derived one: the previous indicator over itself (what matters is that it has both parts).
    earlier = Indicator.objects.get(code=f"plain_{i - 1}")
    Indicator.objects.create(
        code=f"ratio_{i}", name=f"占比{i}", unit="%", numerator=earlier, denominator=earlier
    )


def build_jurisdictions(p: People, i: int) -> None:
    _place(i, "区划")


def build_progress_entries(p: People, i: int) -> None:
    target = _target(_own_task(p, i, "填报"), i, "填报", per_unit="县区")
    entry = ProgressEntryFactory.create(
        target=target,
        department=p.own,
        created_by=p.staff,
        jurisdiction=target.jurisdiction,
        status=ProgressStatus.APPROVED,
        reviewed_by=p.supervisor,
        reviewed_at=datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC),
    )
    Evidence.objects.create(
        entry=entry,
        file=ContentFile(f"签到表{i}".encode(), name=f"签到表{i}.txt"),
        uploaded_by=p.staff,
    )
    other_task = _others_task(i, "填报")
    other = ProgressEntryFactory.create(
        target=_target(other_task, i + 1000, "填报"), department=other_task.lead
    )
    Evidence.objects.create(entry=other, file=ContentFile(b"x", name=f"other{i}.txt"))


def build_reports(p: People, i: int) -> None:
    report = ReportFactory.create(jurisdiction=_place(i, "报告"), uploaded_by=p.supervisor)
    FigureFactory.create(report=report, indicator=_indicator(i, "报告"))
    FigureFactory.create(report=report)


def build_figures(p: People, i: int) -> None:
    report = ReportFactory.create(jurisdiction=_place(i, "数据"))
    FigureFactory.create(
        report=report, indicator=_indicator(i, "数据"), reviewed_by=p.supervisor, value=Decimal(i)
    )


_STATUSES = [Status.MET, Status.OVERDUE, Status.AT_RISK, Status.ON_TRACK, Status.NO_DATA]
_SOURCE = {
    "kind": "figure",
    "tier": 2,
    "display": "41.2%",
    "value": "41.2",
    "year": 2023,
    "where": "《报告》第 12 行",
    "line": 12,
}


def build_attainments(p: People, i: int) -> None:
    for target in (
        _target(_own_task(p, i, "达成"), i, "达成"),
        _target(_others_task(i, "达成"), i + 1000, "达成"),
    ):
        AttainmentFactory.create(
            target=target,
            jurisdiction=target.jurisdiction,
            status=_STATUSES[i % len(_STATUSES)],
            sources=[_SOURCE],
        )


def build_overdue(p: People, i: int) -> None:
    for target in (
        _target(_own_task(p, i, "逾期"), i, "逾期"),
        _target(_others_task(i, "逾期"), i + 1000, "逾期"),
    ):
        AttainmentFactory.create(
            target=target,
            jurisdiction=target.jurisdiction,
            status=Status.OVERDUE,
            overdue_since=datetime.date(2025, 1, 1) + datetime.timedelta(days=i),
            sources=[_SOURCE],
        )
        # Met in an earlier year: an attainment of the same target that is not overdue.
        AttainmentFactory.create(
            target=target, jurisdiction=target.jurisdiction, year=2023, status=Status.MET
        )


def build_deletions(p: People, i: int) -> None:
    ProgressEntryFactory.create(
        target=_target(_own_task(p, i, "删除"), i, "删除"), department=p.own
    ).delete()


@dataclass(frozen=True)
class Builder:
    build: Callable[
        [People, int], None
    ]  # adds row i (and, for scoped lists, another department's row)
    expected: Callable[
        [int], dict[str, int]
    ]  # how many rows each reader sees once rows 0…n-1 are built, beyond those already there


BUILDERS: dict[str, Builder] = {
    "plan-list": Builder(build_plans, lambda n: {SUPERVISOR: n}),
    "task-list": Builder(build_tasks, lambda n: {SUPERVISOR: 2 * n, STAFF: n}),
    "target-list": Builder(build_targets, lambda n: {SUPERVISOR: 2 * n, STAFF: n}),
    "department-list": Builder(build_departments, lambda n: {SUPERVISOR: n}),
    "indicator-list": Builder(build_indicators, lambda n: {SUPERVISOR: n}),
    # A county and its city each.
    "jurisdiction-list": Builder(build_jurisdictions, lambda n: {SUPERVISOR: 2 * n}),
    "progress-entry-list": Builder(build_progress_entries, lambda n: {SUPERVISOR: 2 * n, STAFF: n}),
    "report-list": Builder(build_reports, lambda n: {SUPERVISOR: n}),
    "figure-list": Builder(build_figures, lambda n: {SUPERVISOR: n}),
    "attainment-list": Builder(build_attainments, lambda n: {SUPERVISOR: 2 * n, STAFF: n}),
    "overdue-list": Builder(build_overdue, lambda n: {SUPERVISOR: 2 * n, STAFF: n}),
    "deletion-list": Builder(build_deletions, lambda n: {SUPERVISOR: n, STAFF: n}),
}


def _cases() -> list[tuple[str, str]]:
    cases = []
    for name in sorted(LIST_ROUTES):
        readers = sorted(BUILDERS[name].expected(1)) if name in BUILDERS else [SUPERVISOR]
        cases += [(name, reader) for reader in readers]
    return cases


def _builder(name: str) -> Builder:
    assert name in BUILDERS, (
        f"list route {name} ({LIST_ROUTES[name]}) has no data builder: add one to BUILDERS"
    )
    return BUILDERS[name]


def _build(builder: Builder, people: People, start: int, stop: int) -> None:
    for i in range(start, stop):
        builder.build(people, i)


def _measured_get(client: APIClient, url: str):
    # The first call of a token writes its last-used time (at most once a minute): warm it first.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [q["sql"] for q in queries.captured_queries]


def _explain(small: list[str], large: list[str]) -> str:
    lines = [
        f"{len(small)} queries for {SMALL} rows, {len(large)} for {LARGE} rows; "
        f"the {LARGE}-row request ran:"
    ]
    lines += [f"  {sql[:200]}" for sql in large]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The tests


def test_every_list_route_has_a_data_builder():
    assert LIST_ROUTES, "no list routes found under /api/v1/"
    missing = sorted(set(LIST_ROUTES) - set(BUILDERS))
    stale = sorted(set(BUILDERS) - set(LIST_ROUTES))
    assert not missing, f"list routes without a data builder (add them to BUILDERS): {missing}"
    assert not stale, f"BUILDERS names lists the resolver no longer has: {stale}"


@pytest.mark.parametrize(("route_name", "reader"), _cases(), ids=[f"{n}-{r}" for n, r in _cases()])
def test_list_query_count_does_not_grow_with_rows(route_name, reader, people):
    builder = _builder(route_name)
    client = people.clients[reader]
    path = LIST_ROUTES[route_name]
    before = client.get(f"{path}?page_size=1").json()["count"]  # the reference data, for some

    _build(builder, people, 0, SMALL)
    n_small = before + builder.expected(SMALL)[reader]
    small, small_queries = _measured_get(client, f"{path}?page_size={n_small}")
    _build(builder, people, SMALL, LARGE)
    n_large = before + builder.expected(LARGE)[reader]
    large, large_queries = _measured_get(client, f"{path}?page_size={n_large}")

    assert small.status_code == 200, small.content[:300]
    assert large.status_code == 200, large.content[:300]
    assert (small.json()["count"], len(small.json()["results"])) == (n_small, n_small)
    assert (large.json()["count"], len(large.json()["results"])) == (n_large, n_large)
    assert len(large_queries) == len(small_queries), _explain(small_queries, large_queries)


def _csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.parametrize("route_name", sorted(LIST_ROUTES))
def test_csv_export_query_count_does_not_grow_with_rows(route_name, people):
    builder = _builder(route_name)
    client = people.clients[SUPERVISOR]
    path = f"{LIST_ROUTES[route_name]}?format=csv"
    before = len(_csv_rows(client.get(path))) - 1  # the reference data, for some lists

    _build(builder, people, 0, SMALL)
    small, small_queries = _measured_get(client, path)
    _build(builder, people, SMALL, LARGE)
    large, large_queries = _measured_get(client, path)

    for response, n in ((small, SMALL), (large, LARGE)):
        assert response.status_code == 200, response.content[:300]
        assert response["Content-Type"].startswith("text/csv")
        rows = _csv_rows(response)
        assert len(rows) - 1 == before + builder.expected(n)[SUPERVISOR], rows[:3]
    assert len(large_queries) == len(small_queries), _explain(small_queries, large_queries)
