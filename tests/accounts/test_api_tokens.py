"""API tokens as an administrator issues and revokes them: in the admin or with the api_token
command; shown once, stored only as a digest, refused with a reason once revoked or expired, and
kept on record either way."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token
from rest_framework.test import APIClient

from accounts.models import ApiToken, Role
from accounts.services import api_token_issue
from tests.factories import DepartmentFactory, SupervisorFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD = "admin:accounts_apitoken_add"
CHANGELIST = "admin:accounts_apitoken_changelist"
TOKEN_IN_MESSAGE = re.compile(r"已签发令牌[^：]*：([0-9A-Za-z_\-]{20,})")


@pytest.fixture
def superuser():
    return UserFactory(username="root", is_superuser=True, role=Role.SUPERVISOR, department=None)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def department_user():
    return UserFactory(username="jiaoyu", department=DepartmentFactory(name="市教育局"))


@pytest.fixture
def office_user():
    return UserFactory(username="ducha", role=Role.OFFICE, department=None)


def api(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def issue_in_admin(client, user, name="教育局业务系统", expiry=("2030-01-01", "08:00:00")):
    return client.post(
        reverse(ADD),
        {
            "user": user.pk,
            "name": name,
            "expiry_0": expiry[0],
            "expiry_1": expiry[1],
            "_save": "保存",
        },
        follow=True,
    )


def token_from(response) -> str:
    messages = [str(m) for m in response.context["messages"]]
    found = [m.group(1) for m in map(TOKEN_IN_MESSAGE.search, messages) if m]
    assert len(found) == 1, messages
    return found[0]


def error_message(response) -> str:
    return response.json()["error"]["message"]


# --- issuing in the admin --------------------------------------------------------------------


def test_admin_issues_a_token_and_the_next_page_shows_it_once(
    admin_client, department_user, superuser
):
    response = issue_in_admin(admin_client, department_user)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(CHANGELIST)
    token = token_from(response)
    assert token in response.content.decode()
    row = ApiToken.objects.get()
    assert (
        row.user == department_user and row.name == "教育局业务系统" and row.issued_by == superuser
    )
    assert timezone.localtime(row.expiry) == timezone.make_aware(
        datetime.datetime(2030, 1, 1, 8, 0)
    )

    again = admin_client.get(reverse(CHANGELIST))
    assert token not in again.content.decode()
    detail = admin_client.get(reverse("admin:accounts_apitoken_change", args=[row.pk]))
    assert detail.status_code == 200 and token not in detail.content.decode()


def test_admin_issued_token_is_stored_only_as_a_digest(admin_client, department_user):
    token = token_from(issue_in_admin(admin_client, department_user))

    row = ApiToken.objects.get()
    assert row.digest == hash_token(token) and row.digest != token
    for values in ApiToken.objects.values():
        for field, value in values.items():
            assert token not in str(value), f"ApiToken.{field} holds the token"
    for entry in LogEntry.objects.all():
        assert token not in f"{entry.object_id} {entry.object_repr} {entry.change_message}"


def test_admin_issued_token_works_against_the_api(admin_client, office_user):
    token = token_from(issue_in_admin(admin_client, office_user))
    response = api(token).get("/api/v1/plans/")
    assert response.status_code == 200, response.content
    assert ApiToken.objects.get().last_used_at is not None


def test_admin_issued_department_token_acts_for_that_department(admin_client, department_user):
    token = token_from(issue_in_admin(admin_client, department_user))
    client = api(token)
    assert client.get("/api/v1/progress-entries/").status_code == 200
    assert (
        client.post(
            "/api/v1/progress-entries/", data="{}", content_type="application/json"
        ).status_code
        == 400
    )


def test_supervisor_with_staff_access_cannot_reach_the_token_admin(client, department_user):
    supervisor = SupervisorFactory(username="duban", is_staff=True)
    client.force_login(supervisor)

    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(reverse(ADD)).status_code == 403
    assert issue_in_admin(client, department_user).status_code == 403
    assert not ApiToken.objects.exists()
    index = client.get(reverse("admin:index"))
    assert reverse(CHANGELIST) not in index.content.decode()


def test_department_staff_with_staff_access_cannot_reach_the_token_admin(client, department_user):
    client.force_login(department_user)
    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert issue_in_admin(client, department_user).status_code == 403
    assert not ApiToken.objects.exists()


def test_token_for_department_staff_without_a_department_is_refused_with_a_form_error(admin_client):
    homeless = UserFactory(username="wubumen", department=None)

    response = issue_in_admin(admin_client, homeless)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "user" in form.errors
    assert "未关联部门" in form.errors["user"][0]
    assert "未关联部门" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_token_with_an_expiry_in_the_past_is_refused_with_a_form_error(admin_client, office_user):
    response = issue_in_admin(admin_client, office_user, expiry=("2020-01-01", "00:00:00"))
    assert "expiry" in response.context["adminform"].form.errors
    assert not ApiToken.objects.exists()


def test_token_for_a_deactivated_user_is_refused_with_a_form_error(admin_client, office_user):
    office_user.is_active = False
    office_user.save()
    response = issue_in_admin(admin_client, office_user)
    assert "已停用" in response.context["adminform"].form.errors["user"][0]
    assert not ApiToken.objects.exists()


# --- revoking in the admin -------------------------------------------------------------------


def test_revoke_action_in_the_admin_makes_the_token_fail_at_once_and_keeps_the_row(
    admin_client, department_user, superuser
):
    token = token_from(issue_in_admin(admin_client, department_user))
    client = api(token)
    assert client.get("/api/v1/tasks/").status_code == 200
    row = ApiToken.objects.get()

    response = admin_client.post(
        reverse(CHANGELIST),
        {"action": "revoke_selected", "_selected_action": [row.pk], "index": 0},
        follow=True,
    )

    assert response.status_code == 200
    assert any("已吊销 1 个令牌" in str(m) for m in response.context["messages"])
    refused = client.get("/api/v1/tasks/")
    assert refused.status_code == 401
    assert "吊销" in error_message(refused)
    kept = ApiToken.objects.get(pk=row.pk)
    assert kept.revoked_at is not None and kept.revoked_by == superuser and kept.state == "已吊销"


def test_admin_offers_no_way_to_delete_a_token(admin_client, department_user):
    issue_in_admin(admin_client, department_user)
    row = ApiToken.objects.get()
    admin_client.post(
        reverse(CHANGELIST),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert ApiToken.objects.filter(pk=row.pk).exists()
    assert (
        admin_client.post(
            reverse("admin:accounts_apitoken_delete", args=[row.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert ApiToken.objects.filter(pk=row.pk).exists()


# --- the api_token command -------------------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


def test_command_quiet_prints_only_the_token_and_it_works(superuser, office_user):
    output = run("--user", "ducha", "--name", "督查室数据同步", "--quiet")

    token = output.strip()
    assert output == token + "\n"
    assert re.fullmatch(r"[0-9A-Za-z_\-]{20,}", token)
    row = ApiToken.objects.get()
    assert (
        row.digest == hash_token(token)
        and row.name == "督查室数据同步"
        and row.issued_by == superuser
    )
    assert api(token).get("/api/v1/plans/").status_code == 200


def test_command_without_quiet_names_the_user_and_prints_the_token_last(superuser, department_user):
    output = run("--user", "jiaoyu", "--name", "教育局业务系统", "--days", "30")
    lines = output.strip().splitlines()
    assert "jiaoyu" in lines[0] and "部门工作人员" in lines[0]
    token = lines[-1]
    assert api(token).get("/api/v1/tasks/").status_code == 200
    expiry = ApiToken.objects.get().expiry
    assert abs(expiry - (timezone.now() + datetime.timedelta(days=30))) < datetime.timedelta(
        minutes=1
    )


def test_command_revokes_by_prefix_and_the_token_fails_at_once(superuser, office_user):
    token = run("--user", "ducha", "--quiet").strip()
    client = api(token)
    assert client.get("/api/v1/plans/").status_code == 200

    output = run("--revoke", token[:8])

    assert "已吊销" in output
    refused = client.get("/api/v1/plans/")
    assert refused.status_code == 401 and "吊销" in error_message(refused)
    assert ApiToken.objects.get().revoked_by == superuser


def test_command_refuses_a_prefix_shorter_than_eight_characters(superuser, office_user):
    token = run("--user", "ducha", "--quiet").strip()
    with pytest.raises(CommandError, match="至少 8 位"):
        run("--revoke", token[:7])
    assert api(token).get("/api/v1/plans/").status_code == 200


def test_command_refuses_a_department_user_without_a_department(superuser):
    UserFactory(username="wubumen", department=None)
    with pytest.raises(CommandError, match="未关联部门"):
        run("--user", "wubumen", "--quiet")
    assert not ApiToken.objects.exists()


def test_command_refuses_an_unknown_user(superuser):
    with pytest.raises(CommandError, match="找不到用户"):
        run("--user", "nobody")


def test_command_needs_an_administrator_account(office_user):
    with pytest.raises(CommandError, match="系统管理员"):
        run("--user", "ducha")


# --- expiry ----------------------------------------------------------------------------------


def test_expired_token_is_refused_and_kept_not_deleted(superuser, office_user, admin_client):
    row, token = api_token_issue(user=office_user, name="督查室", by=superuser)
    client = api(token)
    assert client.get("/api/v1/plans/").status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(expiry=timezone.now() - datetime.timedelta(seconds=1))

    for _ in range(2):
        refused = client.get("/api/v1/plans/")
        assert refused.status_code == 401
        assert "过期" in error_message(refused)

    assert ApiToken.objects.filter(pk=row.pk).exists()
    assert ApiToken.objects.get(pk=row.pk).state == "已过期"
    assert "已过期" in admin_client.get(reverse(CHANGELIST)).content.decode()


def test_token_expires_when_its_moment_passes(superuser, office_user, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    expiry = start + datetime.timedelta(days=2)
    row, token = api_token_issue(user=office_user, name="督查室", by=superuser, expiry=expiry)
    client = api(token)
    assert client.get("/api/v1/plans/").status_code == 200

    time_machine.move_to(expiry + datetime.timedelta(seconds=1), tick=False)

    refused = client.get("/api/v1/plans/")
    assert refused.status_code == 401 and "过期" in error_message(refused)
    assert ApiToken.objects.filter(pk=row.pk).exists()


def test_default_expiry_is_the_configured_lifetime(superuser, office_user, settings):
    settings.API_TOKEN_TTL_DAYS = 10
    row, _ = api_token_issue(user=office_user, name="督查室", by=superuser)
    assert abs(row.expiry - (timezone.now() + datetime.timedelta(days=10))) < datetime.timedelta(
        minutes=1
    )


def test_token_list_in_the_admin_has_chinese_column_headers(admin_client, office_user):
    issue_in_admin(admin_client, office_user, name="督查室数据同步")

    page = admin_client.get(reverse(CHANGELIST)).content.decode()

    for header in ("用途", "使用账号", "签发时间", "到期时间"):
        assert header in page
    assert ">User<" not in page and ">Expiry<" not in page and ">Created<" not in page
