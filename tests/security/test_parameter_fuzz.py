"""Every query parameter of every admin list, the supervisors' pages and every API list answers
2xx, 3xx or 4xx to hostile values, never 5xx: a bounded fuzz over the parameters each page
declares (the admin's list filters, search, ordering and page; autocomplete; the supervision
views' filters; every API filterset, ordering and paging), for a supervisor and for department
staff. On PostgreSQL (CI) this is also what catches a NUL byte reaching the database.

The schema-driven fuzz of the API's operations (tests/api/test_schema_fuzz.py) sends values the
schema allows; this one sends what it does not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from config.api_router import router
from tests.api.conftest import World, world_build

pytestmark = pytest.mark.django_db

HOSTILE = (
    "%",
    "\x00",
    "abc\x00def",
    "x" * 3000,
    "-1",
    "abc",
    "1e309",
    "9" * 30,
    "市教育局\u202e😀",
    "../../etc/passwd",
    "1' OR '1'='1",
    "2026-13-45T99:99:99+99:00",
)
ROLES = ("supervisor", "staff")
# The admin has some 180 (list, parameter) pairs: each gets PER_PARAMETER of the values, taken in
# turn so that neighbouring parameters get different ones, and search (q) gets them all. A NUL
# byte is refused before any view runs (config.middleware), so search carries it for every list.
PER_PARAMETER = 4


@pytest.fixture
def world() -> World:
    cache.clear()  # throttling counts of the API live in the cache
    return world_build()


def _signed_in(world: World, role: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(world.users[role])
    return client


def _admin_lists(world: World, role: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(changelist URL, parameter) for every registered admin the role may open: the query
    parameters its list filters expect, as the changelist itself reports them, and the
    changelist's own; and the URLs of the lists it may not open (refused before any parameter
    is read, so one request each tells as much as a hundred)."""
    user = world.users[role]
    pairs, forbidden = [], []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        request = RequestFactory().get(url)
        request.user = user
        if not model_admin.has_view_or_change_permission(request):
            forbidden.append(url)
            continue
        names = {"q", "o", "p", "_facets", "_to_field"}
        changelist = model_admin.get_changelist_instance(request)
        for spec in changelist.filter_specs:
            names.update(p for p in spec.expected_parameters() if p)
        pairs += [(url, name) for name in sorted(names)]
    return pairs, forbidden


def _autocomplete_parameters() -> Iterator[tuple[str, dict[str, str]]]:
    url = reverse("admin:autocomplete")
    for model, model_admin in admin.site._registry.items():
        for field in model_admin.autocomplete_fields:
            base: dict[str, str] = {
                "app_label": model._meta.app_label,
                "model_name": str(model._meta.model_name),
                "field_name": str(field),
                "term": "测试",
            }
            for name in base:
                yield url, base | {"page": "1"} | {name: "HOSTILE"}
            yield url, base | {"page": "HOSTILE"}


def _supervision_parameters(world: World) -> Iterator[tuple[str, str]]:
    pages = {
        reverse("attainment:list"): (
            "status",
            "department",
            "plan",
            "indicator",
            "year",
            "q",
            "o",
            "page",
            "export",
        ),
        reverse("attainment:target", args=[world.target.pk]): ("place",),
        reverse("attainment:departments"): ("plan", "year", "export"),
    }
    for url, names in pages.items():
        for name in names:
            yield url, name


def _api_parameters() -> Iterator[tuple[str, str]]:
    for prefix, viewset, _ in router.registry:
        url = f"/api/v1/{prefix}/"
        names = {"page", "page_size", "ordering", "format", "updated_since"}
        filterset = getattr(viewset, "filterset_class", None)
        if filterset is not None:
            names.update(filterset.base_filters)
        for name in sorted(names):
            yield url, name


def _server_errors(client: Client, requests: list[tuple[str, dict[str, str]]]) -> list[str]:
    failures = []
    for url, params in requests:
        response = client.get(url, params)
        if response.status_code >= 500:
            shown = {k: (v[:20] + "…" if len(v) > 20 else v) for k, v in params.items()}
            failures.append(f"{response.status_code} {url} {shown!r}")
    return failures


def _hostile(url: str, name: str) -> list[tuple[str, dict[str, str]]]:
    return [(url, {name: value}) for value in HOSTILE]


def _some_hostile(pairs: list[tuple[str, str]]) -> list[tuple[str, dict[str, str]]]:
    clean = [v for v in HOSTILE if "\x00" not in v]
    requests = []
    for i, (url, name) in enumerate(pairs):
        if name == "q":
            requests += _hostile(url, name)
            continue
        for k in range(PER_PARAMETER):
            requests.append((url, {name: clean[(i + k) % len(clean)]}))
    return requests


@pytest.mark.parametrize("role", ROLES)
def test_admin_changelists_answer_hostile_parameters_without_server_error(world, role):
    pairs, forbidden = _admin_lists(world, role)
    requests = _some_hostile(pairs)
    client = _signed_in(world, role)

    assert len(requests) > 400  # every registered admin the role may open, each with its filters
    assert _server_errors(client, requests) == []
    refused = {
        url: client.get(url, {"q": "1' OR '1'='1", "o": "abc", "p": "-1"}) for url in forbidden
    }
    assert {url: r.status_code for url, r in refused.items()} == dict.fromkeys(forbidden, 403)


@pytest.mark.parametrize("role", ROLES)
def test_admin_autocomplete_answers_hostile_parameters_without_server_error(world, role):
    requests = [
        (url, {k: value if v == "HOSTILE" else v for k, v in params.items()})
        for url, params in _autocomplete_parameters()
        for value in HOSTILE
    ]
    assert requests
    assert _server_errors(_signed_in(world, role), requests) == []


@pytest.mark.parametrize("role", ROLES)
def test_supervision_pages_answer_hostile_parameters_without_server_error(world, role):
    requests = [r for url, name in _supervision_parameters(world) for r in _hostile(url, name)]
    assert _server_errors(_signed_in(world, role), requests) == []


@pytest.mark.parametrize("role", ROLES)
def test_api_lists_answer_hostile_filters_without_server_error(world, role, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100000/hour"},
    }
    requests = [r for url, name in _api_parameters() for r in _hostile(url, name)]
    assert len(requests) > 300
    assert _server_errors(_signed_in(world, role), requests) == []


def test_a_nul_byte_in_a_query_parameter_is_refused_with_a_chinese_reason(world):
    client = _signed_in(world, "supervisor")

    api = client.get("/api/v1/tasks/", {"department": "市教育局\x00"})
    page = client.get(reverse("admin:tasks_registry_task_changelist"), {"q": "\x00"})

    assert api.status_code == 400
    assert list(api.json()["error"]["fields"]) == ["department"]
    assert page.status_code == 400
    assert "空字符" in page.content.decode()


def test_a_percent_sign_in_a_boolean_filter_is_a_400_naming_the_value(world):
    response = _signed_in(world, "staff").get("/api/v1/tasks/", {"is_active": "%"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "is_active": ["“%”不是有效的是/否值，请用 true 或 false"]
    }


def test_a_non_numeric_department_in_the_admin_task_filter_reopens_the_list_flagged(world):
    response = _signed_in(world, "supervisor").get(
        reverse("admin:tasks_registry_task_changelist"), {"department": "abc"}
    )

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")
