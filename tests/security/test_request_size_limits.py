"""Request bodies are capped before they are read: an oversize upload is refused on its declared
Content-Length without a byte of it being read (so nothing is held in memory or written to a
temporary file), with the limit of its kind; an oversize body to the API answers in the API's
JSON error shape, not Django's HTML 400 page; JSON nested too deep for Python answers 400."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.security.world_fixtures import clients_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


class CountingBody(io.RawIOBase):
    """A request body that would be ``size`` bytes long, counting what the server reads of it."""

    def __init__(self, size: int) -> None:
        self.size, self.read_bytes = size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.size - self.read_bytes)
        buffer[:n] = b"x" * n
        self.read_bytes += n
        return n


def declared(size: int) -> tuple[CountingBody, dict[str, object]]:
    body = CountingBody(size)
    return body, {"CONTENT_LENGTH": str(size), "wsgi.input": body}


def test_300_mb_of_evidence_in_the_admin_is_refused_before_it_is_read(world, tmp_path, settings):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    client = Client()
    client.force_login(world.users["staff"])
    body, extra = declared(300 * MB)

    response = client.generic(
        "POST",
        reverse("admin:tasks_registry_progressentry_change", args=[world.draft.pk]),
        content_type="multipart/form-data; boundary=BoUnDaRy",
        **extra,
    )

    assert response.status_code == 413
    page = response.content.decode()
    assert "上传的佐证材料过大：本次提交共 300 MB，佐证材料文件不能超过 20 MB" in page
    assert body.read_bytes == 0
    assert list(tmp_path.iterdir()) == []


def test_300_mb_of_evidence_through_the_api_is_refused_in_the_api_error_shape(world, clients):
    body, extra = declared(300 * MB)

    response = clients["staff"].generic(
        "POST",
        f"/api/v1/progress-entries/{world.draft.pk}/evidence/",
        content_type="multipart/form-data; boundary=BoUnDaRy",
        **extra,
    )

    assert response.status_code == 413
    assert response.json()["error"]["status"] == 413
    assert response.json()["error"]["code"] == "too_large"
    assert "佐证材料文件不能超过 20 MB" in response.json()["error"]["message"]
    assert body.read_bytes == 0


def test_each_upload_kind_has_its_own_limit(world, clients, settings):
    settings.TASKLIST_MAX_BYTES = 5 * MB
    client = Client()
    client.force_login(world.users["supervisor"])
    body, extra = declared(7 * MB)

    tasklist = client.generic(
        "POST",
        reverse("admin:tasks_registry_tasklistupload_add"),
        content_type="multipart/form-data; boundary=BoUnDaRy",
        **extra,
    )
    report_body, report_extra = declared(7 * MB)
    report = clients["staff"].generic(
        "POST",
        "/api/v1/reports/",
        content_type="multipart/form-data; boundary=BoUnDaRy",
        **report_extra,
    )

    assert tasklist.status_code == 413
    assert "任务清单文件不能超过 5 MB" in tasklist.content.decode()
    assert body.read_bytes == 0
    # 7 MB is within a report's 20 MB: read, and answered on its content (no parts in it here).
    assert report.status_code == 400
    assert report_body.read_bytes > 0


def test_a_progress_ledger_is_held_to_its_own_limit_not_the_task_lists(world, settings):
    # The ledger page promises LEDGER_MAX_BYTES; a task list's smaller limit must not refuse it.
    settings.TASKLIST_MAX_BYTES, settings.LEDGER_MAX_BYTES = 5 * MB, 10 * MB
    client = Client()
    client.force_login(world.users["staff"])

    def post(size: int):
        body, extra = declared(size)
        response = client.generic(
            "POST",
            reverse("workbench:ledger"),
            content_type="multipart/form-data; boundary=BoUnDaRy",
            **extra,
        )
        return response, body

    within, _ = post(7 * MB)
    over, over_body = post(12 * MB)

    assert within.status_code == 400  # let through, and answered by the page on its content
    assert over.status_code == 413 and over_body.read_bytes == 0
    assert "进展台账文件不能超过 10 MB" in over.content.decode()


def test_a_10_mb_json_body_to_the_api_answers_413_in_json(world, clients):
    payload = json.dumps({"narrative": "x" * (10 * MB)})

    response = clients["staff"].post(
        "/api/v1/progress-entries/", payload, content_type="application/json"
    )

    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["message"].startswith("提交的内容过大：共 10 MB，本页面最多接受 2 MB")


def test_a_large_form_to_an_admin_page_without_files_is_refused(world):
    client = Client()
    client.force_login(world.users["staff"])
    body, extra = declared(3 * MB)

    response = client.generic(
        "POST",
        reverse("admin:tasks_registry_task_changelist"),
        content_type="application/x-www-form-urlencoded",
        **extra,
    )

    assert response.status_code == 413
    assert "本页面最多接受 2 MB" in response.content.decode()
    assert body.read_bytes == 0


def test_form_fields_too_large_inside_an_accepted_upload_answer_413_in_json(world, clients):
    response = clients["staff"].post("/api/v1/reports/", {"entity": "南" * MB}, format="multipart")

    assert response.status_code == 413
    assert response.json()["error"]["message"].startswith("提交的表单字段过大")


def test_json_nested_50000_deep_answers_400_not_500(world, clients):
    response = clients["staff"].post(
        "/api/v1/progress-entries/", "[" * 50000 + "]" * 50000, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "提交的数据有误：请求体不是有效的 application/json，JSON 嵌套层数过深，无法读取"
    )


def test_an_invalid_content_length_is_a_400(world, clients):
    response = clients["staff"].generic(
        "POST",
        "/api/v1/progress-entries/",
        b"{}",
        content_type="application/json",
        CONTENT_LENGTH="abc",
    )

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "请求头 Content-Length 不是有效的数字"
