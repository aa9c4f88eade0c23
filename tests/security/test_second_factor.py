"""Two-step verification (两步验证) as people meet it: supervisors and administrators bind a TOTP
authenticator after their password and can open nothing else until they have; afterwards every
sign-in asks for the code; staff may turn it on; an administrator resets a lost one; API tokens
are not affected. The codes are computed as an authenticator app would (django_otp.oath.totp).

The test settings require it of no role (the rest of the suite signs in without it); the fixture
below switches it on as the base settings have it."""

from __future__ import annotations

import datetime
import io
import os
import re
import secrets
import subprocess
import sys
from base64 import b32decode

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from accounts.second_factor.checks import otp_required_roles_check
from accounts.services import api_token_issue
from tests.conftest import ROOT
from tests.factories import SupervisorFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-12345"  # UserFactory's
ENROL = "/two-factor/enrol/"
VERIFY = "/two-factor/verify/"
PROFILE = "/two-factor/"
PAGES = ("/admin/", "/supervision/", "/api/docs/")


@pytest.fixture(autouse=True)
def _required(settings):
    settings.OTP_REQUIRED_ROLES = ["supervisor", "superuser"]


@pytest.fixture
def supervisor() -> User:
    return SupervisorFactory.create(username="dudao")


@pytest.fixture
def staff() -> User:
    return UserFactory.create(username="jiaoyu")


def sign_in(client: Client, user: User, next_page: str = "/admin/") -> None:
    """The admin's sign-in page with the right password, as a person submits it."""
    response = client.post(
        f"/admin/login/?next={next_page}",
        {"username": user.username, "password": PASSWORD, "next": next_page},
    )
    assert response.status_code == 302, response.content.decode()[:500]


def code(device: TOTPDevice, *, step: int = 0) -> str:
    """What the authenticator app shows now (``step`` periods of 30 s later), allowing for the
    clock drift django-otp has learnt for this device."""
    device.refresh_from_db()
    drift = device.drift + step
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def enrol(client: Client, user: User) -> list[str]:
    """Open the enrolment page, type the code it leads to, return the backup codes shown."""
    assert client.get(ENROL).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(ENROL, {"token": code(device), "next": "/admin/"})
    assert response.status_code == 200
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())


def wrong_code(device: TOTPDevice) -> str:
    """A code the authenticator shows in none of the periods accepted now."""
    valid = {code(device, step=s) for s in (-1, 0, 1)}
    return next(c for c in ("123456", "654321", "111111", "222222") if c not in valid)


def unbase32(shown: str) -> bytes:
    """A secret as printed (base32 in groups of four, unpadded), as an app reads it."""
    raw = shown.replace(" ", "")
    return b32decode(raw + "=" * (-len(raw) % 8))


def bound(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="验证器", confirmed=True)


def test_a_supervisor_with_the_right_password_is_sent_to_enrolment(client, supervisor):
    sign_in(client, supervisor)
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(ENROL), page
    page = client.get(ENROL).content.decode()
    assert "必须使用两步验证" in page and "<svg" in page
    secret = TOTPDevice.objects.get(user=supervisor, confirmed=False).bin_key
    shown = re.search(r'<code id="otp-secret">([A-Z2-7 ]+)</code>', page)
    assert shown is not None
    assert unbase32(shown.group(1)) == secret
    # Nor through the API with the half-signed-in session.
    api = client.get("/api/v1/tasks/")
    assert api.status_code == 403
    assert "两步验证" in api.json()["error"]["message"]


def test_after_enrolling_the_supervisor_gets_in_and_keeps_ten_backup_codes(client, supervisor):
    sign_in(client, supervisor)
    codes = enrol(client, supervisor)
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=supervisor).count() == 10
    assert TOTPDevice.objects.get(user=supervisor).confirmed
    for page in PAGES:
        assert client.get(page).status_code == 200, page
    assert "已启用" in client.get(PROFILE).content.decode()


def test_every_later_sign_in_asks_for_the_code(client, supervisor):
    device = bound(supervisor)
    sign_in(client, supervisor)
    for page in PAGES:
        assert client.get(page)["Location"].startswith(VERIFY), page
    # The password alone cannot bind a second authenticator in place of the first.
    assert client.get(ENROL)["Location"].startswith(VERIFY)
    assert not TOTPDevice.objects.filter(user=supervisor, confirmed=False).exists()
    response = client.post(VERIFY, {"token": code(device), "next": "/supervision/"})
    assert response.status_code == 302 and response["Location"] == "/supervision/"
    for page in PAGES:
        assert client.get(page).status_code == 200, page


def test_a_wrong_code_is_refused_in_chinese_and_repeated_tries_must_wait(client, supervisor):
    device = bound(supervisor)
    sign_in(client, supervisor)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        response = client.post(VERIFY, {"token": wrong_code(device)})
        assert response.status_code == 200
        assert "验证码不正确" in response.content.decode()
        assert client.get("/admin/")["Location"].startswith(VERIFY)
        # Straight after a failure even the right code waits (django-otp's 1, 2, 4 … s).
        response = client.post(VERIFY, {"token": code(device)})
        assert "验证码错误次数过多，请 1 秒后再试" in response.content.decode()
    with time_machine.travel(now + datetime.timedelta(seconds=2), tick=False):
        response = client.post(VERIFY, {"token": code(device)})
        assert response.status_code == 302
        assert client.get("/admin/").status_code == 200


def test_a_wrong_code_at_enrolment_binds_nothing(client, supervisor):
    sign_in(client, supervisor)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=supervisor)
    response = client.post(ENROL, {"token": wrong_code(device)})
    assert "验证码不正确" in response.content.decode()
    assert not TOTPDevice.objects.get(user=supervisor).confirmed
    assert client.get("/admin/")["Location"].startswith(ENROL)


def test_a_backup_code_signs_in_once(client, supervisor):
    sign_in(client, supervisor)
    codes = enrol(client, supervisor)
    client.post("/admin/logout/")
    sign_in(client, supervisor)
    assert (
        client.post(VERIFY, {"token": codes[0].upper()})["Location"] == "/workbench/"
    )  # the landing page
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout/")
    sign_in(client, supervisor)
    response = client.post(VERIFY, {"token": codes[0]})
    assert "验证码不正确" in response.content.decode()


def test_staff_are_not_asked_but_can_turn_it_on_and_off(client, staff):
    sign_in(client, staff)
    admin_index = client.get("/admin/")
    assert admin_index.status_code == 200
    assert "两步验证" in admin_index.content.decode()  # the link beside the user's name
    assert "未启用" in client.get(PROFILE).content.decode()
    assert len(enrol(client, staff)) == 10
    client.post("/admin/logout/")
    sign_in(client, staff)
    assert client.get("/admin/")["Location"].startswith(VERIFY)  # now they are asked
    device = TOTPDevice.objects.get(user=staff)
    # The code typed at enrolment cannot be used twice: the app's next one.
    assert client.post(VERIFY, {"token": code(device, step=1)})["Location"] == "/workbench/"
    response = client.post("/two-factor/disable/", follow=True)
    assert "已关闭两步验证" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()


def test_a_supervisor_cannot_turn_it_off(client, supervisor):
    sign_in(client, supervisor)
    enrol(client, supervisor)
    response = client.post("/two-factor/disable/", follow=True)
    assert "不能关闭" in response.content.decode()
    assert TOTPDevice.objects.filter(user=supervisor, confirmed=True).exists()


def test_an_administrator_resets_a_lost_authenticator_in_the_admin(client, supervisor):
    root = UserFactory.create(
        username="root", is_superuser=True, role=Role.SUPERVISOR, department=None
    )
    bound(supervisor)
    device = bound(root)
    sign_in(client, root)
    changelist = "/admin/accounts/user/"
    # An administrator too must enter the code before touching anyone's account.
    assert client.get(changelist)["Location"].startswith(VERIFY)
    client.post(VERIFY, {"token": code(device)})
    response = client.post(
        changelist,
        {"action": "second_factor_reset", "_selected_action": [supervisor.pk]},
        follow=True,
    )
    assert "已重置 1 个用户的两步验证" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=supervisor).exists()
    other = Client()
    sign_in(other, supervisor)
    assert other.get("/admin/")["Location"].startswith(ENROL)
    # django-otp's own device pages (English, showing secrets) are not offered.
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_api_tokens_work_without_a_second_factor(client, supervisor):
    _, token = api_token_issue(user=supervisor, name="督查室数据同步", by=None)
    response = client.get("/api/v1/tasks/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    # Beside an unverified session of the same browser the token still decides alone.
    sign_in(client, supervisor)
    assert client.get("/api/v1/tasks/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    assert client.get("/api/v1/tasks/", HTTP_AUTHORIZATION="Token wrong").status_code == 401


def test_demo_supervisor_signs_in_with_the_printed_secret(client, reference_data):
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    printed = out.getvalue()
    assert "otpauth://totp/" in printed
    found = re.search(r"supervisor：密钥 ([A-Z2-7 ]+)\n", printed)
    assert found is not None
    key = unbase32(found.group(1))
    client.post(
        "/admin/login/", {"username": "supervisor", "password": "demo-2026", "next": "/admin/"}
    )
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    client.post(VERIFY, {"token": f"{totp(key):06d}"})
    assert client.get("/supervision/").status_code == 200


def test_a_misspelt_role_fails_the_system_check(settings):
    settings.OTP_REQUIRED_ROLES = ["supervisor", "supervsor"]
    errors = otp_required_roles_check()
    assert len(errors) == 1 and "supervsor" in errors[0].msg


def test_production_settings_refuse_to_drop_the_requirement():
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "policy.example.gov.cn",
        "SITE_URL": "https://policy.example.gov.cn",
        "OTP_REQUIRED_ROLES": "supervisor",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings.production"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "OTP_REQUIRED_ROLES 必须包含 supervisor 和 superuser" in result.stderr
