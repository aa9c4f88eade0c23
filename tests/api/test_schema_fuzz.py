"""Schemathesis against the API's own OpenAPI schema, in process, once per role.

Every operation in /api/schema/ is called with generated valid and invalid input (examples,
coverage and fuzzing phases) by the office (read-only), a department's staff and a supervisor.
No answer may be a server error; the office's writes must all be refused with 403.

Examples per operation and phase: SCHEMATHESIS_MAX_EXAMPLES (default 25). Generation is
derandomized with a fixed seed, so CI sees the same cases on every run. A one-line summary
(operations, cases, server errors) is printed and written to var/schemathesis-summary.txt.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error

from config.wsgi import application

from accounts.services import api_token_issue

ROLES = ("office", "staff", "supervisor")
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))
SEED = int(os.environ.get("SCHEMATHESIS_SEED", "20260101"))
SUMMARY = Path(__file__).resolve().parents[2] / "var" / "schemathesis-summary.txt"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}

_tally: dict[str, Counter] = {}
_operations: dict[str, set[str]] = {}


def _config() -> schemathesis.Config:
    return schemathesis.Config.from_dict({
        "seed": SEED,
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
            # The token is sent as a fixed header; fuzzing it would only test authentication.
            "with-security-parameters": False,
        },
    })


@pytest.fixture(params=ROLES)
def api_schema(request, world, settings):
    role = request.param
    # schemathesis 4.32 renames the test node per operation through ``node._nodeid``, which
    # pytest 9.2 no longer has (node ids live in ``node._id``); give it the attribute it reads.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "100000/minute"}}
    _, token = api_token_issue(user=world.users[role], name="schemathesis", by=None)
    headers = {"Authorization": f"Token {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=_config(), headers=headers)
    schema.config.headers = headers
    schema.fuzz_role = role
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(scope="module", autouse=True)
def _summary():
    yield
    if not _tally:
        return
    ops = sum(len(v) for v in _operations.values())
    distinct = len(set().union(*_operations.values()))
    cases = sum(c["cases"] for c in _tally.values())
    errors = sum(c["5xx"] for c in _tally.values())
    per_role = "，".join(f"{role} {c['cases']}/{c['5xx']}" for role, c in _tally.items())
    line = (
        f"schemathesis: {distinct} operations × {len(_tally)} roles = {ops} operation runs, "
        f"{cases} cases, {errors} server errors (5xx) [cases/5xx per role: {per_role}; max_examples={MAX_EXAMPLES}, seed={SEED}]"
    )
    print("\n" + line)
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY.write_text(line + "\n", encoding="utf-8")


def _routed(case) -> bool:
    return all(re.fullmatch(r"[0-9]+", str(v)) for v in (case.path_parameters or {}).values())


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
def test_api_schema(case, api_schema):
    role = api_schema.fuzz_role
    tally = _tally.setdefault(role, Counter())
    _operations.setdefault(role, set()).add(case.operation.label)
    response = case.call()
    tally["cases"] += 1
    if response.status_code >= 500:
        tally["5xx"] += 1
    case.validate_response(response, checks=[not_a_server_error])
    if role == "office" and case.method.upper() in WRITES and _routed(case):
        assert response.status_code == 403, f"督查室只读：{case.method} {case.formatted_path} 应返回 403，实际 {response.status_code}"
