"""`manage.py check --deploy` prints no issue under production settings with the README's example
environment, and production refuses to start without what it needs."""

from __future__ import annotations

import pytest

from tests.security.production_env import manage, production_env


def test_check_deploy_is_clean_with_the_readme_environment(tmp_path):
    done = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "DEBUG")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_check_deploy_would_say_so_without_the_https_redirect(tmp_path):
    env = production_env(tmp_path, DJANGO_SECURE_SSL_REDIRECT="false")
    done = manage(env, "check", "--deploy")
    assert "security.W008" in done.stderr + done.stdout


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_SECRET_KEY", "x" * 32, "至少 50 个字符的随机密钥"),
        ("DJANGO_SECRET_KEY", "django-insecure-" + "a1b2c3d4e5" * 5, "至少 50 个字符的随机密钥"),
        ("DJANGO_ALLOWED_HOSTS", "", "DJANGO_ALLOWED_HOSTS 为空"),
        ("DJANGO_SECURE_SSL_REDIRECT", "ture", "不是布尔值"),
    ],
)
def test_production_refuses_to_start_saying_what_is_wrong(tmp_path, variable, value, message):
    done = manage(production_env(tmp_path, **{variable: value}), "check")
    assert done.returncode != 0
    assert message in done.stderr
