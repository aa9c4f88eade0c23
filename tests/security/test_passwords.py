"""Password rules for 等保 level 3: at least 10 characters, three of four kinds (lower, upper,
digit, symbol), not common, not all digits, not like the user's name; refused in Chinese where an
administrator sets one in the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _refusals(password: str, user: User | None = None) -> list[str]:
    # The language users get (LANGUAGE_CODE); outside a request none is active.
    with translation.override("zh-hans"):
        try:
            validate_password(password, user)
        except ValidationError as exc:
            return [str(message) for message in exc.messages]
    return []


@pytest.mark.parametrize("password", ["Kx7-qLm2wZ", "river-Stone-42", "qwmz8Ktp2v", "城市Gate2026"])
def test_it_accepts_ten_characters_of_three_kinds(password):
    assert _refusals(password) == []


def test_it_refuses_a_short_password_saying_how_long():
    refusals = _refusals("Ab1-x")
    assert "密码太短：至少需要 10 个字符" in refusals, refusals


def test_it_refuses_two_kinds_naming_what_to_add():
    (refusal,) = _refusals("onlyletterslower")
    assert "至少 3 类" in refusal and "当前只有 1 类" in refusal
    assert "大写字母" in refusal and "数字" in refusal and "符号" in refusal


def test_it_refuses_the_demo_password_and_common_and_numeric_ones():
    assert _refusals("demo-2026")  # 9 characters, two kinds
    assert _refusals("Password123")  # a common password
    assert any("只包含数字" in r for r in _refusals("2026202620262026"))


def test_it_refuses_a_password_like_the_username():
    user = UserFactory(username="zhangsanfeng", first_name="三丰")
    assert any("相似" in r for r in _refusals("Zhangsanfeng1", user))


def test_the_help_text_is_chinese():
    with translation.override("zh-hans"):
        texts = " ".join(password_validators_help_texts())
    assert "至少 3 类" in texts and "10" in texts


def test_an_administrator_setting_a_weak_password_in_the_admin_is_refused(client):
    admin = UserFactory(username="root", is_superuser=True, department=None)
    client.force_login(admin)
    weak = {
        "username": "lisi",
        "usable_password": "true",
        "password1": "lisi202601",
        "password2": "lisi202601",
        "role": "staff",
    }
    response = client.post("/admin/accounts/user/add/", weak)
    assert response.status_code == 200  # the form again, with the reason
    assert "至少 3 类" in response.content.decode()
    assert not User.objects.filter(username="lisi").exists()

    strong = {**weak, "password1": "Lisi-2026-ok", "password2": "Lisi-2026-ok"}
    response = client.post("/admin/accounts/user/add/", strong)
    assert response.status_code == 302
    assert User.objects.get(username="lisi").check_password("Lisi-2026-ok")
