"""Schemathesis against the API's own OpenAPI schema, in process, once per role.

The schema is fetched from /api/schema/ with the role's token and every operation in it is called
through the WSGI application (config.wsgi) with generated input, valid and invalid:

* fuzzing (Hypothesis, SCHEMATHESIS_MAX_EXAMPLES per operation, default 25) for every role;
* the coverage phase (deterministic boundary and wrong-type values for every parameter and body
  field, about 2,500 requests) as department staff, who get past the permission check on every
  operation but approve/return, and as supervisor for the operations only a supervisor performs.
  Repeating it for the office would only repeat the same parsing code behind a 403.

No answer may be a server error or one the schema does not document (status, content type,
headers, body), and the office's writes must all be refused with 403. Generation
is derandomized with a fixed seed (SCHEMATHESIS_SEED), so CI sends the same requests every run.
A one-line summary is printed and written to var/schemathesis-summary.txt.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from django.core.files.base import ContentFile
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.services import api_token_issue
from api.models import Deletion
from attainment.models import Attainment
from config.wsgi import application
from reporting.models import Figure, Report
from tasks_registry.models import (
    Department,
    Evidence,
    Indicator,
    Jurisdiction,
    Plan,
    ProgressEntry,
    ProgressStatus,
    Target,
    Task,
)
from tests.factories import ProgressEntryFactory

ROLES = ("office", "staff", "supervisor")
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))
SEED = int(os.environ.get("SCHEMATHESIS_SEED", "20260101"))
SUMMARY = Path(__file__).resolve().parents[2] / "var" / "schemathesis-summary.txt"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# No server error, and every answer is one the schema documents: its status code, content type,
# headers and body (the error shape included). Not checked: whether the schema's types predict
# acceptance (positive/negative_data_rejection); the API also refuses schema-valid input on
# business rules (a target of another task, a year outside the plan) and reads page=last.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Coverage phase per role: None = every operation, () = none, else these operation ids only.
COVERAGE: dict[str, tuple[str, ...] | None] = {
    "staff": None,
    "supervisor": (
        "progress_entries_approve_create",
        "progress_entries_return_create",
        "reports_create",
    ),
    "office": (),
}
# Which table a path's {id} names, so that generated ids can hit real rows.
ID_MODELS = {
    "attainments": Attainment,
    "overdue": Attainment,
    "deletions": Deletion,
    "departments": Department,
    "figures": Figure,
    "indicators": Indicator,
    "jurisdictions": Jurisdiction,
    "plans": Plan,
    "progress-entries": ProgressEntry,
    "reports": Report,
    "targets": Target,
    "tasks": Task,
}

_tally: dict[str, Counter] = {}
_operations: dict[str, set[str]] = {}


def _config(role: str) -> schemathesis.Config:
    coverage = COVERAGE[role]
    operations = [
        {"include-operation-id": op, "phases": {"coverage": {"enabled": True}}}
        for op in coverage or ()
    ]
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
                # The token is a fixed header: fuzzing it would only exercise authentication.
                "with-security-parameters": False,
            },
            "phases": {"coverage": {"enabled": coverage is None}},
            "operations": operations,
        }
    )


def _digits(value) -> bool:
    return re.fullmatch(r"[0-9]+", str(value)) is not None


def _pick(ids: list[int], value) -> object:
    """Most generated ids become ids of rows that exist (a 404 before the input is even read
    teaches nothing); one value in (rows + 1) is kept as generated, so absent and huge ids are
    still sent."""
    index = int(str(value)[-6:]) % (len(ids) + 1)
    return ids[index] if index < len(ids) else value


def _entry_ids(case, world, role: str) -> list[int]:
    """Progress entries, the ones this operation can act on first: submitted for a supervisor's
    review, the staff's own draft for the rest. One is made when none is left (the fuzzing deletes,
    submits and approves them), so the coverage phase's fixed ids keep reaching the input checks."""
    action = case.operation.path.rstrip("/").rsplit("/", 1)[-1]
    method = case.operation.method.upper()
    wanted: dict[str, object] | None = None
    if action in ("approve", "return"):
        wanted = {"status": ProgressStatus.SUBMITTED}
    elif method in WRITES and role == "staff":
        wanted = {
            "status__in": (ProgressStatus.DRAFT, ProgressStatus.RETURNED),
            "department": world.own,
        }
    entries = ProgressEntry.objects.order_by("pk")
    if wanted is not None:
        if not entries.filter(**wanted).exists():
            ProgressEntryFactory(
                target=world.target,
                department=world.own,
                created_by=world.users.get("staff"),
                status=wanted.get("status", ProgressStatus.DRAFT),
            )
        first = list(entries.filter(**wanted).values_list("pk", flat=True))
        return first + [pk for pk in entries.values_list("pk", flat=True) if pk not in first]
    return list(entries.values_list("pk", flat=True))


def _point_at_rows(case, world, role: str) -> None:
    """Path ids (and ids in a body) that name rows which exist; malformed values stay as is."""
    segment = case.operation.path.split("/")[3]
    if case.path_parameters:
        params = dict(case.path_parameters)
        for name, value in params.items():
            if not _digits(value):
                continue
            if name == "evidence_id":
                ids = list(Evidence.objects.order_by("pk").values_list("pk", flat=True))
            elif segment == "progress-entries":
                ids = _entry_ids(case, world, role)
            else:
                rows = ID_MODELS[segment]._default_manager.order_by("pk")
                ids = list(rows.values_list("pk", flat=True))
            params[name] = str(_pick(ids, value))
        case.path_parameters = params
    if segment == "progress-entries" and isinstance(case.body, dict):
        body = dict(case.body)
        for name, model in (("task", Task), ("target", Target)):
            if isinstance(body.get(name), int) and not isinstance(body[name], bool):
                body[name] = _pick(
                    list(model.objects.order_by("pk").values_list("pk", flat=True)), body[name]
                )
        case.body = body


@pytest.fixture
def _quiet_client_errors():
    """Thousands of deliberate 4xx would each log a WARNING; server errors (ERROR) still show."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture(params=ROLES)
def api_schema(request, world, settings, _quiet_client_errors):
    role = request.param
    # schemathesis 4.32 renames the test node per operation through ``node._nodeid``, which
    # pytest 9.2 no longer has (node ids live in ``node._id``); give it the attribute it reads.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100000/minute"},
    }
    # Something to download: a piece of evidence on the staff's draft.
    Evidence.objects.create(
        entry=world.draft, file=ContentFile(b"%PDF-1.4\n", name="依据.pdf"), description="依据"
    )
    _, token = api_token_issue(user=world.users[role], name="schemathesis", by=None)
    headers = {"Authorization": f"Token {token}"}
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/", application, config=_config(role), headers=headers
    )
    schema.config.headers = headers
    schema.fuzz_role = role
    schema.fuzz_world = world
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(scope="module", autouse=True)
def _summary(tmp_path_factory):
    yield
    if not _tally:
        return
    # Under pytest-xdist (./dev test) the roles may run in different processes. Each process
    # leaves its counts in the run's shared temporary folder, and the summary is written from all
    # of them under a lock, so whichever process writes last writes every role.
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the workers' basetemps sit side by side in the run's folder
    counts_dir = shared / "schemathesis-counts"
    counts_dir.mkdir(exist_ok=True)
    with (counts_dir / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        mine = {role: [c, sorted(_operations[role])] for role, c in _tally.items()}
        (counts_dir / f"{os.getpid()}.json").write_text(json.dumps(mine), encoding="utf-8")
        tally: dict[str, Counter] = {}
        operations: dict[str, set[str]] = {}
        for path in counts_dir.glob("*.json"):
            for role, (c, ops) in json.loads(path.read_text(encoding="utf-8")).items():
                tally[role], operations[role] = Counter(c), set(ops)
        line = _summary_line(tally, operations)
        print("\n" + line)
        SUMMARY.parent.mkdir(parents=True, exist_ok=True)
        SUMMARY.write_text(line + "\n", encoding="utf-8")


def _summary_line(tally: dict[str, Counter], operations: dict[str, set[str]]) -> str:
    runs = sum(len(v) for v in operations.values())
    distinct = len(set().union(*operations.values()))
    cases = sum(c["cases"] for c in tally.values())
    errors = sum(c["5xx"] for c in tally.values())
    phases = sum(
        (
            Counter({k: v for k, v in c.items() if k not in ("cases", "5xx")})
            for c in tally.values()
        ),
        Counter(),
    )
    per_role = ", ".join(
        f"{role} {tally[role]['cases']}/{tally[role]['5xx']}" for role in ROLES if role in tally
    )
    return (
        f"schemathesis: {distinct} operations x {len(tally)} roles = {runs} operation runs, "
        f"{cases} cases ({', '.join(f'{k} {v}' for k, v in sorted(phases.items()))}), "
        f"{errors} server errors (5xx) "
        f"[cases/5xx per role: {per_role}; max_examples={MAX_EXAMPLES}, seed={SEED}]"
    )


def _reaches_permission_check(case) -> bool:
    """Whether a request gets as far as the view's permission check: ids in the path are digits
    (else Django answers 404 for an unknown address) and the query is not deliberately invalid
    (an unknown ``format`` is refused by content negotiation, which DRF does first)."""
    if not all(_digits(v) for v in (case.path_parameters or {}).values()):
        return False
    meta = case.meta
    return meta is None or not (
        meta.is_negative_at(ParameterLocation.QUERY) or meta.is_negative_at(ParameterLocation.PATH)
    )


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
def test_api_schema(case, api_schema):
    role = api_schema.fuzz_role
    tally = _tally.setdefault(role, Counter())
    _operations.setdefault(role, set()).add(case.operation.label)
    _point_at_rows(case, api_schema.fuzz_world, role)
    response = case.call()
    tally["cases"] += 1
    tally[case.meta.phase.name.value if case.meta else "explicit"] += 1
    if response.status_code >= 500:
        tally["5xx"] += 1
    case.validate_response(response, checks=CHECKS)
    documented = case.operation.method.upper()
    # The coverage phase also sends methods an operation does not document (405); only the
    # documented write itself must be refused for the read-only office.
    if role == "office" and documented in WRITES and case.method.upper() == documented:
        expected = "403" if _reaches_permission_check(case) else "4xx"
        assert response.status_code == 403 or (
            expected == "4xx" and 400 <= response.status_code < 500
        ), (
            f"督查室只读：{case.method} {case.formatted_path} 应返回 {expected}，"
            f"实际 {response.status_code}"
        )
