"""A browser session unused for SESSION_IDLE_MINUTES (30) is signed out; the sign-in page then
says why. Activity keeps it alive; API tokens carry no session and are not affected."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from accounts.services import api_token_issue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _at(minutes: float):
    return time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False)


def test_thirty_one_idle_minutes_sign_the_user_out_saying_why(client):
    with _at(0):
        client.force_login(UserFactory(username="jiaoyu"))
        assert client.get("/admin/").status_code == 200
    with _at(31):
        page = client.get("/admin/", follow=True)
    assert page.redirect_chain[-1][0].startswith("/admin/login/")
    assert "您已超过 30 分钟未操作，为保障账号安全已自动退出，请重新登录" in page.content.decode()
    assert "_auth_user_id" not in client.session
    with _at(32):
        assert client.get("/supervision/").status_code == 302  # still signed out


def test_activity_keeps_the_session(client):
    with _at(0):
        client.force_login(UserFactory(username="jiaoyu"))
    for minutes in (0, 20, 40, 60, 80):  # never 30 minutes apart
        with _at(minutes):
            assert client.get("/admin/").status_code == 200


def test_the_api_refuses_an_idle_browser_session(client):
    with _at(0):
        client.force_login(UserFactory(username="jiaoyu"))
        assert client.get("/api/v1/tasks/").status_code == 200
    with _at(45):
        answer = client.get("/api/v1/tasks/")
    assert answer.status_code in (401, 403)
    assert answer.json()["error"]["message"]


def test_the_limit_comes_from_the_setting(client, settings):
    settings.SESSION_IDLE_MINUTES = 5
    with _at(0):
        client.force_login(UserFactory(username="jiaoyu"))
    with _at(4):
        assert client.get("/admin/").status_code == 200
    with _at(10):
        page = client.get("/admin/", follow=True)
    assert "您已超过 5 分钟未操作" in page.content.decode()


def test_the_clock_starts_at_sign_in_without_a_page_seen(client):
    with _at(0):
        client.force_login(UserFactory(username="jiaoyu"))
    with _at(31):
        page = client.get("/admin/", follow=True)
    assert "您已超过 30 分钟未操作" in page.content.decode()


def test_api_tokens_are_not_timed_out(client):
    user = UserFactory(username="ducha", role="office", department=None)
    _, token = api_token_issue(user=user, name="督查室", by=None)
    for minutes in (0, 90, 600):
        with _at(minutes):
            answer = client.get("/api/v1/tasks/", HTTP_AUTHORIZATION=f"Token {token}")
            assert answer.status_code == 200
