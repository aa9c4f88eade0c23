"""Every refusal of the REST API answers in one JSON shape with a Chinese sentence, whatever was
asked for (a spreadsheet export included), and each token has its own request budget."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, Role
from accounts.services import api_token_issue, api_token_revoke
from tests.api.conftest import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The one error shape: JSON, {"error": {status, code, message, fields}}, message in Chinese."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"status", "code", "message", "fields"}, error
    assert error["status"] == status
    assert isinstance(error["code"], str) and error["code"]
    if code is not None:
        assert error["code"] == code, error
    assert isinstance(error["message"], str) and _is_chinese(error["message"]), error["message"]
    assert isinstance(error["fields"], dict)
    for name, messages in error["fields"].items():
        assert (
            isinstance(name, str)
            and isinstance(messages, list)
            and all(isinstance(m, str) for m in messages)
        )
    return error


def _raw_client(header: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    return client


# --- 401: who is calling ---------------------------------------------------------------------


def test_request_without_token_is_refused_with_401_and_how_to_sign_in(world):
    response = APIClient().get("/api/v1/plans/")
    error = assert_error(response, 401, "not_authenticated")
    assert "Token" in error["message"]
    assert response["WWW-Authenticate"] == "Token"


def test_garbage_token_is_refused_with_401_saying_the_token_is_invalid(world):
    error = assert_error(
        _raw_client("Token not-a-real-token-at-all").get("/api/v1/plans/"),
        401,
        "authentication_failed",
    )
    assert "令牌无效" in error["message"]


def test_token_that_is_not_ascii_is_refused_with_401_not_a_server_error(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 令牌令牌".encode().decode("latin-1"))
    assert_error(client.get("/api/v1/plans/"), 401)


def test_authorization_header_with_keyword_alone_is_refused_with_401_explaining_the_format(world):
    error = assert_error(_raw_client("Token").get("/api/v1/plans/"), 401, "authentication_failed")
    assert "Authorization: Token <令牌>" in error["message"]


def test_authorization_header_with_extra_words_is_refused_with_401_explaining_the_format(world):
    error = assert_error(_raw_client("Token abc def").get("/api/v1/plans/"), 401)
    assert "格式" in error["message"]


def test_expired_token_is_refused_with_401_naming_the_expiry_and_the_row_is_kept(world):
    row, token = api_token_issue(user=world.users["office"], name="督查室同步", by=None)
    client = _raw_client(f"Token {token}")
    assert client.get("/api/v1/plans/").status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(expiry=timezone.now() - datetime.timedelta(minutes=5))

    error = assert_error(client.get("/api/v1/plans/"), 401, "authentication_failed")
    assert "过期" in error["message"]
    assert ApiToken.objects.filter(pk=row.pk).exists()
    assert ApiToken.objects.get(pk=row.pk).state == "已过期"


def test_revoked_token_is_refused_with_401_naming_the_revocation_and_the_row_is_kept(world):
    admin = UserFactory(username="admin", is_superuser=True, department=None)
    row, token = api_token_issue(user=world.users["staff"], name="教育局业务系统", by=admin)
    client = _raw_client(f"Token {token}")
    assert client.get("/api/v1/tasks/").status_code == 200

    api_token_revoke(token=row, by=admin)

    error = assert_error(client.get("/api/v1/tasks/"), 401, "authentication_failed")
    assert "吊销" in error["message"]
    kept = ApiToken.objects.get(pk=row.pk)
    assert kept.revoked_at is not None and kept.revoked_by == admin and kept.state == "已吊销"


def test_token_of_a_deactivated_user_is_refused_with_401(world):
    user = world.users["staff"]
    client = token_client(user)
    user.is_active = False
    user.save()
    assert_error(client.get("/api/v1/tasks/"), 401)


# --- 403 / 404 / 405 -------------------------------------------------------------------------


def test_office_may_not_create_a_progress_entry_403(world, clients):
    response = clients["office"].post(
        "/api/v1/progress-entries/",
        {"target": world.target.pk, "year": 2024, "narrative": "已完成"},
        format="json",
    )
    error = assert_error(response, 403, "permission_denied")
    assert error["message"] == "您的账号无权执行此操作"


def test_unknown_api_address_answers_404_in_json_not_an_html_page(world, clients):
    response = clients["office"].get("/api/v1/no-such-thing/")
    error = assert_error(response, 404, "not_found")
    assert "/api/v1/no-such-thing/" in error["message"]
    assert b"<html" not in response.content.lower()


def test_unknown_api_address_answers_404_json_even_without_a_token(world):
    assert_error(APIClient().get("/api/v1/nothing-here/"), 404)


def test_non_numeric_id_answers_404_json_not_a_server_error(world, clients):
    response = clients["office"].get("/api/v1/tasks/abc/")
    assert_error(response, 404)
    assert b"<html" not in response.content.lower()


def test_unknown_numeric_id_answers_404_with_chinese_message(world, clients):
    error = assert_error(clients["office"].get("/api/v1/tasks/999999/"), 404, "not_found")
    assert error["message"] == "找不到该记录，或您无权查看"


def test_record_outside_own_department_answers_404_not_403(world, clients):
    assert_error(clients["staff"].get(f"/api/v1/progress-entries/{world.other_entry.pk}/"), 404)


def test_unrouted_method_answers_405_naming_the_method(world, clients):
    response = clients["supervisor"].delete(f"/api/v1/tasks/{world.task.pk}/")
    error = assert_error(response, 405, "method_not_allowed")
    assert "DELETE" in error["message"]


def test_post_to_a_read_only_list_answers_405_not_403(world, clients):
    assert_error(clients["office"].post("/api/v1/plans/", {}, format="json"), 405)


# --- 400: bad input --------------------------------------------------------------------------


def test_unknown_department_name_in_filter_answers_400_naming_the_department_field(world, clients):
    response = clients["office"].get("/api/v1/tasks/", {"department": "市不存在局"})
    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["department"]
    assert "市不存在局" in error["fields"]["department"][0]
    assert "department" in error["message"] and "市不存在局" in error["message"]


def test_unknown_department_id_in_filter_answers_400(world, clients):
    error = assert_error(
        clients["office"].get("/api/v1/targets/", {"lead_department": "987654"}), 400
    )
    assert "lead_department" in error["fields"]


def test_bad_date_in_deadline_before_answers_400_naming_the_field(world, clients):
    response = clients["office"].get("/api/v1/tasks/", {"deadline_before": "2025-13-45"})
    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["deadline_before"]
    assert _is_chinese(error["fields"]["deadline_before"][0])


def test_bad_boolean_in_overdue_filter_answers_400(world, clients):
    error = assert_error(clients["office"].get("/api/v1/attainments/", {"overdue": "maybe"}), 400)
    assert "overdue" in error["fields"]


def test_bad_updated_since_answers_400(world, clients):
    error = assert_error(
        clients["office"].get("/api/v1/plans/", {"updated_since": "yesterday"}), 400
    )
    assert "updated_since" in error["fields"]


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00:00+08:00", "0001-01-01T00:00:00", "9999-12-31T23:59:59-10:00"]
)
def test_updated_since_that_leaves_the_calendar_in_utc_answers_400_saying_the_format(
    world, clients, moment
):
    error = assert_error(
        clients["office"].get("/api/v1/tasks/", {"updated_since": moment}), 400, "invalid"
    )
    assert "ISO 8601" in error["fields"]["updated_since"][0]


def test_updated_since_with_an_offset_postgres_cannot_hold_is_read_in_utc(world, clients):
    # -23:45 is valid ISO 8601 but beyond PostgreSQL's ±15:59; 2744 is after every record.
    response = clients["office"].get(
        "/api/v1/tasks/", {"updated_since": "2744-01-05T18:44:29.6-23:45"}
    )
    assert response.status_code == 200 and response.json()["count"] == 0
    earlier = clients["office"].get(
        "/api/v1/tasks/", {"updated_since": "2000-01-01T00:00:00-23:45"}
    )
    assert earlier.status_code == 200 and earlier.json()["count"] == 2


def test_page_beyond_the_last_answers_404_with_chinese_message(world, clients):
    error = assert_error(clients["office"].get("/api/v1/tasks/", {"page": 999}), 404, "not_found")
    assert "999" in error["message"] and "页码无效" in error["message"]


@pytest.mark.parametrize("page_size", ["abc", "0", "-5", "1.5", "五十"])
def test_page_size_that_is_not_a_positive_whole_number_answers_400_not_the_default_page(
    world, clients, page_size
):
    error = assert_error(
        clients["office"].get("/api/v1/tasks/", {"page_size": page_size}), 400, "invalid"
    )
    assert "每页条数" in error["fields"]["page_size"][0]


def test_page_size_above_the_maximum_is_served_at_the_maximum(world, clients):
    response = clients["office"].get("/api/v1/tasks/", {"page_size": 100000})
    assert response.status_code == 200
    assert response.json()["count"] == 2  # both tasks of the world, on one page


def test_json_syntax_error_in_post_body_answers_400_saying_the_body_is_not_json(world, clients):
    response = clients["staff"].post(
        "/api/v1/progress-entries/", data='{"year": 2024,', content_type="application/json"
    )
    error = assert_error(response, 400, "parse_error")
    assert error["message"] == "提交的数据有误：请求体不是有效的 application/json，无法读取"


def test_a_null_body_answers_400_in_chinese_saying_the_body_is_empty(world, clients):
    response = clients["staff"].post(
        "/api/v1/progress-entries/", data="null", content_type="application/json"
    )
    error = assert_error(response, 400, "null")
    assert "请求体为空" in error["message"] and "No data" not in str(error)


@pytest.mark.parametrize("path", ["/api/v1/tasks/", "/api/v1/attainments/", "/api/schema/"])
def test_an_unknown_format_answers_406_in_json_naming_the_formats_there_are(world, clients, path):
    error = assert_error(clients["office"].get(path, {"format": "xls"}), 406, "not_acceptable")
    assert "“xls”" in error["message"] and "format" in error["message"]


@pytest.mark.parametrize("task", ["99999999999999999999999", "1.5", "abc", "999999"])
def test_a_task_filter_that_names_no_task_answers_400(world, clients, task):
    error = assert_error(
        clients["office"].get("/api/v1/attainments/", {"task": task}), 400, "invalid_choice"
    )
    assert "task" in error["fields"]


def test_invalid_field_in_post_body_answers_400_naming_the_field(world, clients):
    response = clients["staff"].post(
        "/api/v1/progress-entries/",
        {"target": world.target.pk, "year": 1800, "narrative": "x"},
        format="json",
    )
    error = assert_error(response, 400, "min_value")
    assert "year" in error["fields"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bad_filter_with_an_export_format_still_answers_json(world, clients, fmt):
    response = clients["office"].get("/api/v1/tasks/", {"format": fmt, "department": "市不存在局"})
    error = assert_error(response, 400)
    assert "department" in error["fields"]
    assert "Content-Disposition" not in response


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_missing_token_with_an_export_format_still_answers_json(world, fmt):
    response = APIClient().get("/api/v1/attainments/", {"format": fmt})
    assert_error(response, 401)
    assert "Content-Disposition" not in response


def test_page_beyond_the_last_with_csv_format_is_not_an_error_because_export_is_unpaged(
    world, clients
):
    response = clients["office"].get("/api/v1/tasks/", {"format": "csv", "page": 999})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_unknown_record_with_csv_format_answers_json_404(world, clients):
    response = clients["office"].get("/api/v1/tasks/999999/", {"format": "csv"})
    assert_error(response, 404)


# --- 429: throttling -------------------------------------------------------------------------


@pytest.fixture
def three_per_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "3/minute"},
    }


def test_fourth_request_in_a_minute_answers_429_with_retry_after_and_chinese_message(
    world, three_per_minute
):
    client = token_client(world.users["office"])
    for _ in range(3):
        assert client.get("/api/v1/plans/").status_code == 200

    response = client.get("/api/v1/plans/")

    error = assert_error(response, 429, "throttled")
    retry_after = response["Retry-After"]
    assert retry_after.isdigit() and 1 <= int(retry_after) <= 60
    assert "请求过于频繁" in error["message"]
    assert (
        f"{retry_after} 秒" in error["message"] or f"{int(retry_after) + 1} 秒" in error["message"]
    )


def test_budget_is_per_token_a_second_token_of_the_same_user_has_its_own(world, three_per_minute):
    user = world.users["office"]
    first, second = token_client(user), token_client(user)
    for _ in range(3):
        assert first.get("/api/v1/plans/").status_code == 200
    assert first.get("/api/v1/plans/").status_code == 429

    for _ in range(3):
        assert second.get("/api/v1/plans/").status_code == 200
    assert second.get("/api/v1/plans/").status_code == 429


def test_another_users_budget_is_unaffected_by_a_throttled_token(world, three_per_minute):
    busy, calm = token_client(world.users["office"]), token_client(world.users["supervisor"])
    for _ in range(4):
        busy.get("/api/v1/plans/")
    assert busy.get("/api/v1/plans/").status_code == 429
    for _ in range(3):
        assert calm.get("/api/v1/tasks/").status_code == 200


def test_budget_counts_across_endpoints_of_the_same_token(world, three_per_minute):
    client = token_client(world.users["supervisor"])
    for path in ("/api/v1/plans/", "/api/v1/tasks/", "/api/v1/targets/"):
        assert client.get(path).status_code == 200
    assert_error(client.get("/api/v1/attainments/"), 429)


def test_budget_frees_up_after_the_window(world, three_per_minute, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client = token_client(world.users["office"])
    for _ in range(3):
        client.get("/api/v1/plans/")
    assert client.get("/api/v1/plans/").status_code == 429
    time_machine.shift(datetime.timedelta(seconds=61))
    assert client.get("/api/v1/plans/").status_code == 200


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_throttled_export_answers_json_429(world, three_per_minute, fmt):
    client = token_client(world.users["office"])
    for _ in range(3):
        client.get("/api/v1/plans/")
    response = client.get("/api/v1/plans/", {"format": fmt})
    assert_error(response, 429)
    assert response["Retry-After"].isdigit()


def test_default_rate_is_generous_enough_for_ordinary_use(world):
    client = token_client(world.users["office"])
    for _ in range(20):
        assert client.get("/api/v1/plans/").status_code == 200


def test_session_signed_in_supervisor_is_throttled_too(world, three_per_minute):
    client = APIClient()
    client.force_login(UserFactory(username="sess", role=Role.SUPERVISOR, department=None))
    for _ in range(3):
        assert client.get("/api/v1/plans/").status_code == 200
    assert_error(client.get("/api/v1/plans/"), 429)
