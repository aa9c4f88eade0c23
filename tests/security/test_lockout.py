"""Failed sign-ins lock the account (LOGIN_FAILURE_LIMIT, 5) and the address
(LOGIN_ADDRESS_FAILURE_LIMIT, 50) for LOGIN_LOCKOUT_MINUTES (30): while locked even the right
password is refused, with a Chinese page saying until when; an administrator lifts a lock in the
admin. Refused API tokens are throttled per address the same way (API_TOKEN_FAILURE_LIMIT)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import cache

from accounts.models import LoginFailure
from accounts.services import api_token_issue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "pw-12345"  # UserFactory's
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)  # 17:00 in Beijing


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the refused-token counts live in the cache
    yield
    cache.clear()


def _sign_in(client, username, password, address="10.1.2.3"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_twenty_wrong_passwords_lock_the_account_and_the_right_one_is_refused(client):
    UserFactory(username="jiaoyu")
    with time_machine.travel(NOW, tick=False):
        answers = [_sign_in(client, "jiaoyu", f"wrong-{i}") for i in range(20)]
        # The first four are the sign-in form again; from the fifth on, the lockout page.
        assert [a.status_code for a in answers[:4]] == [200] * 4
        assert "请输入一个正确的" in answers[0].content.decode()
        assert {a.status_code for a in answers[4:]} == {429}

        right = _sign_in(client, "jiaoyu", PASSWORD)
        assert right.status_code == 429
        assert not _signed_in(client)
        page = right.content.decode()
        assert "账号“jiaoyu”因连续登录失败次数过多已被暂时锁定" in page
        assert "请于 2026-03-02 17:30 之后再试" in page  # 30 minutes after the fifth failure
        assert "联系系统管理员" in page

    with time_machine.travel(NOW + datetime.timedelta(minutes=29), tick=False):
        assert _sign_in(client, "jiaoyu", PASSWORD).status_code == 429
        assert not _signed_in(client)
    with time_machine.travel(NOW + datetime.timedelta(minutes=31), tick=False):
        assert _sign_in(client, "jiaoyu", PASSWORD).status_code == 302
        assert _signed_in(client)


def test_the_lock_is_the_accounts_from_any_address(client):
    UserFactory(username="caizheng")
    for i in range(5):
        _sign_in(client, "caizheng", f"wrong-{i}", address=f"10.9.0.{i + 1}")
    assert _sign_in(client, "caizheng", PASSWORD, address="10.9.9.9").status_code == 429


def test_a_successful_sign_in_clears_the_count(client):
    UserFactory(username="jiaoyu")
    for i in range(4):
        _sign_in(client, "jiaoyu", f"wrong-{i}")
    assert _sign_in(client, "jiaoyu", PASSWORD).status_code == 302
    client.logout()
    for i in range(4):
        assert _sign_in(client, "jiaoyu", f"again-{i}").status_code == 200
    assert _sign_in(client, "jiaoyu", PASSWORD).status_code == 302


def test_an_administrator_lifts_the_lock_in_the_user_list(client):
    jiaoyu = UserFactory(username="jiaoyu")
    admin = UserFactory(username="root", is_superuser=True, department=None)
    for i in range(6):
        _sign_in(client, "jiaoyu", f"wrong-{i}")
    assert _sign_in(client, "jiaoyu", PASSWORD).status_code == 429

    office = client.__class__()
    office.force_login(admin)
    users = office.get("/admin/accounts/user/").content.decode()
    assert "解除所选用户的登录锁定" in users
    done = office.post(
        "/admin/accounts/user/",
        {"action": "lift_login_lockout", "_selected_action": [jiaoyu.pk]},
        follow=True,
    )
    assert "已解除 1 个用户的登录锁定" in done.content.decode()

    assert _sign_in(client, "jiaoyu", PASSWORD).status_code == 302
    assert _signed_in(client)


def test_the_failure_records_are_listed_in_chinese_and_lifted_there(client):
    UserFactory(username="jiaoyu")
    admin = UserFactory(username="root", is_superuser=True, department=None)
    for i in range(5):
        _sign_in(client, "jiaoyu", f"wrong-{i}", address="10.7.7.7")
    office = client.__class__()
    office.force_login(admin)
    listing = office.get("/admin/accounts/loginfailure/").content.decode()
    assert "登录失败记录" in listing and "来源地址" in listing and "10.7.7.7" in listing
    row = LoginFailure.objects.get(username="jiaoyu")
    assert row.failures_since_start == 5
    done = office.post(
        "/admin/accounts/loginfailure/",
        {"action": "lift_selected", "_selected_action": [row.pk]},
        follow=True,
    )
    assert "相应锁定已解除" in done.content.decode()
    assert _sign_in(client, "jiaoyu", PASSWORD, address="10.7.7.7").status_code == 302


def test_staff_cannot_see_or_lift_locks(client):
    client.force_login(UserFactory(username="staffer"))
    assert client.get("/admin/accounts/loginfailure/").status_code == 403


def test_many_failures_from_one_address_lock_that_address_only(client):
    UserFactory(username="jiaoyu")
    # 50 failures spread over 25 names (two each: no account reaches its own limit).
    answers = [_sign_in(client, f"guess{i % 25}", "x", address="10.5.5.5") for i in range(50)]
    assert [a.status_code for a in answers] == [200] * 49 + [429]
    refused = _sign_in(client, "jiaoyu", PASSWORD, address="10.5.5.5")
    assert refused.status_code == 429
    assert "来自本地址的登录因连续登录失败次数过多已被暂时锁定" in refused.content.decode()
    assert not _signed_in(client)
    # The same account from another address is not locked.
    assert _sign_in(client, "jiaoyu", PASSWORD, address="10.6.6.6").status_code == 302


def test_refused_tokens_are_throttled_per_address(client):
    user = UserFactory(username="ducha", role="office", department=None)
    _, token = api_token_issue(user=user, name="督查室", by=None)

    def call(auth, address):
        return client.get("/api/v1/tasks/", HTTP_AUTHORIZATION=auth, REMOTE_ADDR=address)

    answers = [call(f"Token {'0' * 64}{i}", "10.3.3.3") for i in range(20)]
    assert {a.status_code for a in answers} == {401}
    blocked = call(f"Token {token}", "10.3.3.3")  # even a good token, from there
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == "600"
    message = blocked.json()["error"]["message"]
    assert "无效令牌过多" in message and "10 分钟后重试" in message
    # Another address, and so the token's rightful system, is not affected.
    assert call(f"Token {token}", "10.4.4.4").status_code == 200
