"""Who may call what under /api/: every route × HTTP method × role, generated from the URL resolver.

The routes are not listed by hand: they are read from ``django.urls.get_resolver()``, with the
methods each one routes (a viewset's ``actions``, or the handlers an APIView defines). EXPECTED
below says, for every routed (route, method), which roles may call it; a route or method that
appears in the resolver and not in EXPECTED fails
``test_every_routed_method_is_in_the_expected_table`` by name, and has no expectation for its
cells either, so nobody can add an endpoint without deciding who may call it. The matrix covers
/api/v1/ and /api/schema/; the only other routes under /api/ (the browser documentation pages)
are named in OUTSIDE_MATRIX, and a new one fails too.

The rules of the product, as EXPECTED writes them down:

* anonymous callers get 401 everywhere;
* the office (督查室) reads everything and writes nothing;
* department staff read their own department's records (tasks it leads or co-operates on, those
  tasks' targets and attainments, its own progress entries) and all reference data (plans,
  departments, indicators, jurisdictions, reports and their figures: reports are public);
  they create, edit, delete and submit their own draft progress entries, attach evidence to them,
  and upload reports;
* supervisors read everything, approve or return submitted entries, and upload reports.

Each cell is one real request with the role's token. The record in the URL is one the 市教育局
staff user legitimately owns or sees (``world.draft`` and so on), so the 市财政局 staff user
(other_staff) is refused with 404 where the record lies outside their department's scope, and
with 403 where their role may not call the action at all. A method a route does not route
answers 405 to every signed-in role (401 to anonymous callers).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from accounts.services import api_token_issue
from api.models import Deletion
from reporting.models import Report
from tasks_registry.models import Evidence, Indicator, ProgressEntry, ProgressStatus
from tests.api.conftest import ROLES, World, world_build
from tests.factories import DepartmentFactory, TaskFactory

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})

ANONYMOUS, OFFICE, SUPERVISOR, STAFF, OTHER_STAFF = (
    "anonymous",
    "office",
    "supervisor",
    "staff",
    "other_staff",
)
assert set(ROLES) == {ANONYMOUS, OFFICE, SUPERVISOR, STAFF, OTHER_STAFF}

SIGNED_IN = frozenset({OFFICE, SUPERVISOR, STAFF, OTHER_STAFF})
# Readers of a record of 市教育局 (world.task, world.target, world.attainment, world.draft):
# 市财政局's staff may call the action, but the record is not in their department's scope.
OWN_RECORD_READERS = frozenset({OFFICE, SUPERVISOR, STAFF})
DEPARTMENT_STAFF = frozenset({STAFF})
ONLY_SUPERVISORS = frozenset({SUPERVISOR})
REPORT_UPLOADERS = frozenset({SUPERVISOR, STAFF, OTHER_STAFF})


# ---------------------------------------------------------------------------------------------
# The routes, as the URL resolver has them


@dataclass(frozen=True)
class Route:
    name: str  # the URL name without its namespace: "progress-entry-detail"
    reverse_name: str  # with it: "api:progress-entry-detail"
    pattern: str
    params: frozenset[str]
    routed: frozenset[str]  # of METHODS


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(n for n in (namespace, p.namespace) if n)
            yield from _patterns(p, prefix + str(p.pattern), ns)
        else:
            yield prefix + str(p.pattern), namespace, p


def _routed_methods(callback) -> frozenset[str]:
    actions = getattr(callback, "actions", None)  # a viewset: {"get": "list", "post": "create"}
    if actions is not None:
        return frozenset(m.upper() for m in actions)
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return frozenset(m for m in METHODS if hasattr(view_class, m.lower()))


def discover_routes() -> dict[str, Route]:
    """Every route under /api/, leaving out the API root page and the ``.json``/``.csv``
    format-suffix copies of each route."""
    routes: dict[str, Route] = {}
    for pattern, namespace, p in _patterns(get_resolver()):
        if (
            not pattern.startswith("api/")
            or p.name == "api-root"
            or "format" in p.pattern.regex.groupindex
        ):
            continue
        assert p.name, f"API route without a name: {pattern}"
        assert p.name not in routes, (
            f"two API routes named {p.name}: {routes[p.name].pattern} and {pattern}"
        )
        routes[p.name] = Route(
            name=p.name,
            reverse_name=f"{namespace}:{p.name}" if namespace else p.name,
            pattern=pattern,
            params=frozenset(p.pattern.regex.groupindex),
            routed=_routed_methods(p.callback),
        )
    return routes


# The documentation pages are for people in a browser: they ask for the admin sign-in (a session),
# which no token gives, and answer with a redirect to the sign-in page (tests/api/test_docs.py).
# They are the only routes under /api/ outside the token matrix; any other new route is in it.
OUTSIDE_MATRIX = {"api-docs": "Swagger 页面（浏览器登录）", "api-redoc": "ReDoc 页面（浏览器登录）"}

API_ROUTES = discover_routes()
ROUTES = {
    name: r
    for name, r in API_ROUTES.items()
    if r.pattern.startswith("api/v1/") or r.pattern == "api/schema/"
}
V1_ROUTES = {name for name, r in ROUTES.items() if r.pattern.startswith("api/v1/")}


# ---------------------------------------------------------------------------------------------
# What the product promises


EXPECTED: dict[tuple[str, str], frozenset[str]] = {
    # Reference data and published reports: every signed-in role reads.
    ("plan-list", "GET"): SIGNED_IN,
    ("plan-detail", "GET"): SIGNED_IN,
    ("department-list", "GET"): SIGNED_IN,
    ("department-detail", "GET"): SIGNED_IN,
    ("indicator-list", "GET"): SIGNED_IN,
    ("indicator-detail", "GET"): SIGNED_IN,
    ("jurisdiction-list", "GET"): SIGNED_IN,
    ("jurisdiction-detail", "GET"): SIGNED_IN,
    ("report-list", "GET"): SIGNED_IN,
    ("report-detail", "GET"): SIGNED_IN,
    ("figure-list", "GET"): SIGNED_IN,
    ("figure-detail", "GET"): SIGNED_IN,
    # Reports are uploaded by department staff (any department) and supervisors, not the office.
    ("report-list", "POST"): REPORT_UPLOADERS,
    # A department's records: every role lists (staff see their own rows only); the detail pages
    # are of 市教育局's records, which 市财政局 staff may not see.
    ("task-list", "GET"): SIGNED_IN,
    ("task-detail", "GET"): OWN_RECORD_READERS,
    ("target-list", "GET"): SIGNED_IN,
    ("target-detail", "GET"): OWN_RECORD_READERS,
    ("attainment-list", "GET"): SIGNED_IN,
    ("attainment-detail", "GET"): OWN_RECORD_READERS,
    ("overdue-list", "GET"): SIGNED_IN,
    ("overdue-detail", "GET"): OWN_RECORD_READERS,
    ("progress-entry-list", "GET"): SIGNED_IN,
    ("progress-entry-detail", "GET"): OWN_RECORD_READERS,
    ("progress-entry-evidence-file", "GET"): OWN_RECORD_READERS,
    # The department's own drafts: only its staff write them (the body names 市教育局's target,
    # so 市财政局 staff are refused too).
    ("progress-entry-list", "POST"): DEPARTMENT_STAFF,
    ("progress-entry-detail", "PUT"): DEPARTMENT_STAFF,
    ("progress-entry-detail", "PATCH"): DEPARTMENT_STAFF,
    ("progress-entry-detail", "DELETE"): DEPARTMENT_STAFF,
    ("progress-entry-submit", "POST"): DEPARTMENT_STAFF,
    ("progress-entry-evidence", "POST"): DEPARTMENT_STAFF,
    # Review: supervisors only.
    ("progress-entry-approve", "POST"): ONLY_SUPERVISORS,
    ("progress-entry-return-entry", "POST"): ONLY_SUPERVISORS,
    # What was deleted, for incremental sync: every role lists what it could see; the detail is
    # of 市教育局's deleted draft, which 市财政局 staff never saw.
    ("deletion-list", "GET"): SIGNED_IN,
    ("deletion-detail", "GET"): OWN_RECORD_READERS,
    # The schema: anyone signed in.
    ("api-schema", "GET"): SIGNED_IN,
}

# What an allowed call answers (200 unless listed).
SUCCESS: dict[tuple[str, str], int] = {
    ("progress-entry-list", "POST"): 201,
    ("progress-entry-evidence", "POST"): 201,
    ("progress-entry-detail", "DELETE"): 204,
    ("report-list", "POST"): 202,  # accepted; the worker reads it afterwards
}

# Cells refused with 404 rather than 403: the role may call the action, but the record in the URL
# is another department's, and the API does not reveal that it exists.
NOT_FOUND: dict[tuple[str, str], frozenset[str]] = {
    ("task-detail", "GET"): frozenset({OTHER_STAFF}),
    ("target-detail", "GET"): frozenset({OTHER_STAFF}),
    ("attainment-detail", "GET"): frozenset({OTHER_STAFF}),
    ("overdue-detail", "GET"): frozenset({OTHER_STAFF}),
    ("progress-entry-detail", "GET"): frozenset({OTHER_STAFF}),
    ("progress-entry-detail", "PUT"): frozenset({OTHER_STAFF}),
    ("progress-entry-detail", "PATCH"): frozenset({OTHER_STAFF}),
    ("progress-entry-detail", "DELETE"): frozenset({OTHER_STAFF}),
    ("progress-entry-submit", "POST"): frozenset({OTHER_STAFF}),
    ("progress-entry-evidence", "POST"): frozenset({OTHER_STAFF}),
    ("progress-entry-evidence-file", "GET"): frozenset({OTHER_STAFF}),
    ("deletion-detail", "GET"): frozenset({OTHER_STAFF}),
}

MSG_401 = "未登录或令牌无效：请在请求头中提供 Authorization: Token <令牌>"
MSG_403 = "您的账号无权执行此操作"
MSG_404 = "找不到该记录，或您无权查看"
ERROR_CODES = {
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
}


# ---------------------------------------------------------------------------------------------
# The records in the URLs and the bodies sent


@dataclass
class Ctx:
    world: World
    indicator: Indicator
    evidence: Evidence


REPORT_TEXT = (
    "测试市2024年职业教育质量年度报告\n\n一、基本情况\n\n"
    "全市共有中等职业学校 12 所，在校生 3.1 万人。\n"
)

URL_KWARGS: dict[str, Callable[[Ctx], dict[str, int]]] = {
    "plan-detail": lambda c: {"pk": c.world.plan.pk},
    "task-detail": lambda c: {"pk": c.world.task.pk},
    "target-detail": lambda c: {"pk": c.world.target.pk},
    "department-detail": lambda c: {"pk": c.world.own.pk},
    "indicator-detail": lambda c: {"pk": c.indicator.pk},
    "jurisdiction-detail": lambda c: {"pk": c.world.city.pk},
    "report-detail": lambda c: {"pk": c.world.report.pk},
    "figure-detail": lambda c: {"pk": c.world.figure.pk},
    "attainment-detail": lambda c: {"pk": c.world.attainment.pk},
    "overdue-detail": lambda c: {"pk": c.world.attainment.pk},
    "progress-entry-detail": lambda c: {"pk": c.world.draft.pk},
    "progress-entry-submit": lambda c: {"pk": c.world.draft.pk},
    "progress-entry-evidence": lambda c: {"pk": c.world.draft.pk},
    "progress-entry-evidence-file": lambda c: {
        "pk": c.world.draft.pk,
        "evidence_id": c.evidence.pk,
    },
    "progress-entry-approve": lambda c: {"pk": c.world.submitted.pk},
    "progress-entry-return-entry": lambda c: {"pk": c.world.submitted.pk},
    "deletion-detail": lambda c: {"pk": Deletion.objects.earliest("pk").pk},
}

# (data, format) per routed (route, method) that takes a body; valid, so allowed calls succeed.
BODIES: dict[tuple[str, str], Callable[[Ctx], tuple[dict[str, Any], str]]] = {
    ("progress-entry-list", "POST"): lambda c: (
        {
            "target": c.world.target.pk,
            "year": 2024,
            "value": "45.5",
            "narrative": "新增“双师型”教师 120 人",
        },
        "json",
    ),
    ("progress-entry-detail", "PUT"): lambda c: (
        {"target": c.world.target.pk, "year": 2024, "value": "50", "narrative": "全年数据"},
        "json",
    ),
    ("progress-entry-detail", "PATCH"): lambda c: ({"value": "50"}, "json"),
    ("progress-entry-return-entry", "POST"): lambda c: (
        {"comment": "数据口径与年度报告不一致，请核对"},
        "json",
    ),
    ("progress-entry-evidence", "POST"): lambda c: (
        {
            "file": SimpleUploadedFile("培训签到表.txt", "签到 120 人".encode(), "text/plain"),
            "description": "签到表",
        },
        "multipart",
    ),
    ("report-list", "POST"): lambda c: (
        {
            "file": SimpleUploadedFile(
                "测试市2024年职业教育质量年度报告.txt", REPORT_TEXT.encode(), "text/plain"
            ),
            "entity": "测试市",
            "year": 2024,
        },
        "multipart",
    ),
}


def _ctx_build(world: World) -> Ctx:
    indicator = Indicator.objects.create(
        code="dual_teacher_ratio", name="“双师型”教师占比", unit="%"
    )
    evidence = Evidence.objects.create(
        entry=world.draft,
        file=ContentFile("会议纪要".encode(), name="会议纪要.txt"),
        description="会议纪要",
        uploaded_by=world.users["staff"],
    )
    return Ctx(world=world, indicator=indicator, evidence=evidence)


def _url(route: Route, c: Ctx) -> str:
    if route.params:
        assert route.name in URL_KWARGS, (
            f"{route.name} ({route.pattern}) takes {sorted(route.params)}: add it to URL_KWARGS"
        )
        kwargs = URL_KWARGS[route.name](c)
        assert set(kwargs) == route.params, (
            f"{route.name}: URL_KWARGS gives {sorted(kwargs)}, "
            f"the route takes {sorted(route.params)}"
        )
        return reverse(route.reverse_name, kwargs=kwargs)
    return reverse(route.reverse_name)


def _call(client, method: str, url: str, body: tuple[dict[str, Any], str] | None):
    data, fmt = body if body is not None else (None, None)
    return getattr(client, method.lower())(url, data, format=fmt)


def _state() -> tuple:
    """What a write could change: every entry, every evidence file, every report."""
    return (
        sorted(
            ProgressEntry.objects.values_list(
                "pk", "status", "year", "value", "narrative", "reviewed_by_id"
            )
        ),
        sorted(Evidence.objects.values_list("pk", "entry_id", "file")),
        sorted(Report.objects.values_list("pk", "sha256")),
    )


def _error(response) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = json.loads(response.content)
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"status", "code", "message", "fields"}, body
    return body["error"]


# ---------------------------------------------------------------------------------------------
# The matrix


CELLS = [(name, method, role) for name in sorted(ROUTES) for method in METHODS for role in ROLES]


def test_the_resolver_lists_the_api_routes_the_matrix_walks():
    # A sanity check on the discovery itself: if it found nothing, the matrix would prove nothing.
    assert {
        "plan-list",
        "progress-entry-detail",
        "progress-entry-evidence-file",
        "overdue-list",
    } <= V1_ROUTES
    assert "api-schema" in ROUTES
    assert "api-root" not in ROUTES
    assert ROUTES["progress-entry-detail"].routed == {"GET", "PUT", "PATCH", "DELETE"}
    assert ROUTES["progress-entry-evidence-file"].params == {"pk", "evidence_id"}
    assert ROUTES["api-schema"].routed == {"GET"}


def test_every_route_under_api_is_in_the_matrix_or_named_as_outside_it():
    outside = {name: r.pattern for name, r in API_ROUTES.items() if name not in ROUTES}
    assert set(outside) == set(OUTSIDE_MATRIX), f"routes under /api/ outside the matrix: {outside}"


def test_every_routed_method_is_in_the_expected_table():
    discovered = {(r.name, m) for r in ROUTES.values() for m in r.routed}
    unlisted = sorted(discovered - set(EXPECTED))
    stale = sorted(set(EXPECTED) - discovered)
    assert not unlisted, (
        f"routes/methods nobody decided the access for (add them to EXPECTED): {unlisted}"
    )
    assert not stale, f"EXPECTED lists routes/methods the resolver no longer has: {stale}"
    assert (
        set(SUCCESS) <= set(EXPECTED)
        and set(NOT_FOUND) <= set(EXPECTED)
        and set(BODIES) <= set(EXPECTED)
    )


@pytest.mark.parametrize("size", [len(CELLS)], ids=[f"{len(CELLS)}-cells"])
def test_the_matrix_has_one_cell_per_route_method_and_role(size):
    print(
        f"permission matrix: {len(ROUTES)} routes × {len(METHODS)} methods × {len(ROLES)} roles "
        f"= {size} cells"
    )
    assert size == len(ROUTES) * len(METHODS) * len(ROLES)
    assert len(set(CELLS)) == size


@dataclass
class SharedWorld:
    ctx: Ctx
    tokens: dict[str, str]  # a token per signed-in role
    media: Path  # MEDIA_ROOT holding ctx.evidence's file
    state: tuple  # _state() of the world as built


@pytest.fixture(scope="class")
def matrix_world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[SharedWorld]:
    """One world for all the cells, built once: rebuilding it per cell was most of their time.

    It is built in a transaction that stays open while the cells run and is rolled back after the
    last one. Each cell's ``db`` fixture opens a savepoint inside it and rolls that back when the
    cell ends (Django's TestCase, nested), so what a cell writes (an entry created, a draft
    deleted, a report uploaded) is gone before the next cell: every cell sees this same world.
    Class scope, not module: the record-level tests below build their own ``world`` and must not
    run inside this transaction.
    """
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(MEDIA_ROOT=media):  # where the evidence file is written
            ctx = _ctx_build(world_build())
        tokens = {
            role: api_token_issue(user=user, name="测试", by=None)[1]
            for role, user in ctx.world.users.items()
        }
        yield SharedWorld(ctx=ctx, tokens=tokens, media=media, state=_state())
        transaction.set_rollback(True)


class TestPermissionMatrix:
    """Every cell (route × method × role) is its own test, so a failure names its cell."""

    @pytest.fixture(autouse=True)
    def _media_root(self, settings, matrix_world):
        settings.MEDIA_ROOT = matrix_world.media  # the world's evidence file, for the download

    @pytest.fixture
    def ctx(self, db, matrix_world) -> Ctx:
        return matrix_world.ctx

    @pytest.fixture
    def clients(self, db, matrix_world) -> dict[str, APIClient]:
        """A new client per cell with the world's tokens; "anonymous" sends no credentials."""
        clients = {role: APIClient() for role in ROLES}
        for role, token in matrix_world.tokens.items():
            clients[role].credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return clients

    @pytest.mark.parametrize(
        ("route_name", "method", "role"), CELLS, ids=[f"{n}-{m}-{r}" for n, m, r in CELLS]
    )
    def test_cell(self, route_name, method, role, ctx, clients, matrix_world):
        route = ROUTES[route_name]
        routed = method in route.routed
        if routed:
            assert (route_name, method) in EXPECTED, (
                f"{route_name} {method} ({route.pattern}) is not in EXPECTED"
            )
        url = _url(route, ctx)
        body = BODIES[(route_name, method)](ctx) if (route_name, method) in BODIES else None
        before = _state()
        # The shared world is intact: the cells before this one rolled their writes back.
        assert before == matrix_world.state, (
            f"{role} {method} {url}: a cell before this one left data"
        )

        response = _call(clients[role], method, url, body)
        if hasattr(response, "streaming_content"):
            # Reading it to the end closes the file. A second response.close() would fire
            # request_finished and close the test's database connection (a no-op on SQLite only).
            b"".join(response.streaming_content)

        allowed = routed and role in EXPECTED[(route_name, method)]
        if role == ANONYMOUS:
            expected = 401
        elif not routed:
            expected = 405
        elif allowed:
            expected = SUCCESS.get((route_name, method), 200)
        elif role in NOT_FOUND.get((route_name, method), ()):
            expected = 404
        else:
            expected = 403
        detail = (
            response.content[:300].decode("utf-8", "replace")
            if not hasattr(response, "streaming_content")
            else ""
        )
        assert response.status_code == expected, (
            f"{role} {method} {url}: expected {expected}, got {response.status_code} {detail}"
        )

        if allowed and method in WRITES:
            assert _state() != before, (
                f"{role} {method} {url} answered {expected} but changed nothing"
            )
        else:
            assert _state() == before, (
                f"{role} {method} {url} answered {expected} and yet changed data"
            )

        if expected >= 400:
            error = _error(response)
            assert error["status"] == expected
            assert error["code"] == ERROR_CODES[expected]
            if expected == 401:
                assert error["message"] == MSG_401
            elif expected == 405:
                assert error["message"] == f"该接口不支持此请求方法（{method}）"
            elif expected == 404:
                assert error["message"] == MSG_404
            elif (route_name, method, role) == ("progress-entry-list", "POST", OTHER_STAFF):
                # The role may create entries, but not on 市教育局's task.
                assert error["message"] == f"任务 {ctx.world.task.number} 不属于市财政局，不能填报"
            else:
                assert error["message"] == MSG_403


# ---------------------------------------------------------------------------------------------
# Record-level rules, one by one


def _draft_snapshot(entry: ProgressEntry) -> tuple:
    entry.refresh_from_db()
    return entry.status, entry.year, entry.value, entry.narrative, entry.evidence.count()


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("patch", "", {"value": "99"}),
        ("put", "", {"year": 2024, "value": "99", "narrative": "改写"}),
        ("delete", "", None),
        ("post", "submit/", None),
    ],
    ids=["GET", "PATCH", "PUT", "DELETE", "submit"],
)
def test_other_departments_staff_get_404_for_a_draft_that_is_not_theirs(
    world, clients, method, suffix, body
):
    before = _draft_snapshot(world.draft)

    response = getattr(clients["other_staff"], method)(
        f"/api/v1/progress-entries/{world.draft.pk}/{suffix}", body, format="json"
    )

    assert response.status_code == 404
    assert response.json() == {
        "error": {"status": 404, "code": "not_found", "message": MSG_404, "fields": {}}
    }
    assert _draft_snapshot(world.draft) == before
    assert ProgressEntry.objects.filter(pk=world.draft.pk).exists()


def test_other_departments_staff_do_not_see_the_draft_in_their_list_either(world, clients):
    listed = clients["other_staff"].get("/api/v1/progress-entries/?page_size=500").json()

    assert [row["id"] for row in listed["results"]] == [world.other_entry.pk]
    assert listed["count"] == 1


@pytest.mark.parametrize(
    ("method", "suffix", "body", "message"),
    [
        ("patch", "", {"value": "99"}, "当前状态为已通过，不能修改"),
        (
            "put",
            "",
            {"year": 2024, "value": "99", "narrative": "改写"},
            "当前状态为已通过，不能修改",
        ),
        ("delete", "", None, "当前状态为已通过，只能删除草稿"),
        ("post", "submit/", None, "当前状态为已通过，不能再次提交"),
    ],
    ids=["PATCH", "PUT", "DELETE", "submit"],
)
def test_staff_get_409_when_changing_an_approved_entry(
    world, clients, method, suffix, body, message
):
    before = _draft_snapshot(world.approved)

    response = getattr(clients["staff"], method)(
        f"/api/v1/progress-entries/{world.approved.pk}/{suffix}", body, format="json"
    )

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["status"] == 409
    assert error["code"] == "conflict"
    assert error["message"].endswith(message), error["message"]
    assert error["fields"] == {}
    assert _draft_snapshot(world.approved) == before
    assert before[0] == ProgressStatus.APPROVED


def test_staff_get_409_when_attaching_evidence_to_an_approved_entry(world, clients):
    upload = SimpleUploadedFile("补充材料.txt", "补充".encode(), "text/plain")

    response = clients["staff"].post(
        f"/api/v1/progress-entries/{world.approved.pk}/evidence/",
        {"file": upload},
        format="multipart",
    )

    assert response.status_code == 409
    assert response.json()["error"]["message"].endswith("当前状态为已通过，不能再添加佐证材料")
    assert not world.approved.evidence.exists()


def test_staff_cannot_create_an_entry_on_a_task_their_department_has_no_part_in(world, clients):
    unrelated = TaskFactory(plan=world.plan, lead=DepartmentFactory(name="市人社局"), number="9")
    before = ProgressEntry.objects.count()

    response = clients["staff"].post(
        "/api/v1/progress-entries/",
        {"task": unrelated.pk, "year": 2024, "narrative": "已完成"},
        format="json",
    )

    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "status": 403,
            "code": "permission_denied",
            "message": "任务 9 不属于市教育局，不能填报",
            "fields": {},
        }
    }
    assert ProgressEntry.objects.count() == before


def test_staff_may_create_an_entry_on_a_task_their_department_co_operates_on(world, clients):
    response = clients["staff"].post(
        "/api/v1/progress-entries/",
        {"task": world.other_task.pk, "year": 2024, "narrative": "配合完成"},
        format="json",
    )

    assert response.status_code == 201, response.content
    created = ProgressEntry.objects.get(pk=response.json()["id"])
    assert (created.department, created.task, created.status) == (
        world.own,
        world.other_task,
        ProgressStatus.DRAFT,
    )


def test_staff_see_a_task_they_co_operate_on_but_not_another_departments_task(world, clients):
    assert clients["staff"].get(f"/api/v1/tasks/{world.other_task.pk}/").status_code == 200
    assert clients["other_staff"].get(f"/api/v1/tasks/{world.other_task.pk}/").status_code == 200
    assert clients["other_staff"].get(f"/api/v1/tasks/{world.task.pk}/").status_code == 404
