"""The REST API's round trip against PostgreSQL, Redis and a real Celery worker process.

The supervision office's system, a department's system and a supervisor each hold an admin-issued
token. A report uploaded through the API is processed by the worker; a progress entry the
department pushes and the supervisor approves is picked up by the worker's recompute; the office
then reads the new attainment. Skipped locally without the services, required in CI."""

from __future__ import annotations

import pytest

from accounts.models import Role
from tasks_registry.models import Department, Target
from tasks_registry.services import tasklist_import
from tests.api.conftest import token_client
from tests.conftest import seed_file
from tests.factories import UserFactory
from tests.integration.conftest import wait_drained

pytestmark = [
    pytest.mark.integration,
    pytest.mark.seeds,
    pytest.mark.django_db(transaction=True),
]


def test_department_pushes_supervisor_approves_office_reads_recomputed_attainment(
    worker, reference_data
):
    tasklist = seed_file("004")
    tasklist_import(
        data=tasklist.read_bytes(), filename=tasklist.name, plan_title="南阳市各部门工作任务清单"
    )
    hr = Department.objects.get(name="市人力资源和社会保障局")
    department = token_client(UserFactory(username="renshe", department=hr))
    supervisor = token_client(UserFactory(username="duban", role=Role.SUPERVISOR, department=None))
    office = token_client(UserFactory(username="ducha", role=Role.OFFICE, department=None))

    # The department's system uploads the city's 2023 report: accepted, then the worker reads it.
    report = seed_file("000")
    with report.open("rb") as fh:
        accepted = department.post("/api/v1/reports/", {"file": fh}, format="multipart")
    assert accepted.status_code == 202, accepted.content
    wait_drained(worker)
    status = office.get(accepted.json()["status_url"]).json()
    assert status["status"] == "done" and status["figure_count"] > 0

    training = Target.objects.get(task__number="20", indicator__code="training_sessions")
    overdue = office.get(
        "/api/v1/overdue/", {"lead_department": "市人社局", "target": training.pk, "year": 2023}
    ).json()
    assert [(r["status"], r["actual"]) for r in overdue["results"]] == [("overdue", 33938.0)]

    created = department.post(
        "/api/v1/progress-entries/",
        {
            "target": training.pk,
            "year": 2023,
            "value": "105000",
            "narrative": "全年开展职业技能培训 10.5 万人次",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    entry = created.json()["id"]
    assert department.post(f"/api/v1/progress-entries/{entry}/submit/").status_code == 200
    assert office.post(f"/api/v1/progress-entries/{entry}/approve/").status_code == 403
    approved = supervisor.post(f"/api/v1/progress-entries/{entry}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    wait_drained(worker)

    row = office.get("/api/v1/attainments/", {"target": training.pk, "year": 2023}).json()[
        "results"
    ]
    assert [(r["status"], r["status_display"], r["actual"]) for r in row] == [
        ("met", "已达成", 105000.0)
    ]
    assert row[0]["sources"][0]["tier"] == 0  # the approved entry outranks the report's figure
    assert (
        office.get("/api/v1/overdue/", {"target": training.pk, "year": 2023}).json()["count"] == 0
    )
    assert (
        department.patch(
            f"/api/v1/progress-entries/{entry}/", {"value": "1"}, format="json"
        ).status_code
        == 409
    )
