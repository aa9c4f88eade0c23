"""`demo_accounts` creates a superuser with the README's published password: under production
settings it refuses, in Chinese, and creates nothing."""

from __future__ import annotations

import sqlite3

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from tests.security.production_env import manage, production_env


@pytest.mark.django_db
def test_it_refuses_when_the_settings_forbid_it(settings):
    settings.DEMO_ACCOUNTS_ALLOWED = False
    with pytest.raises(CommandError, match=r"生产环境.*不能创建演示账号"):
        call_command("demo_accounts")
    assert not User.objects.exists()


def test_it_refuses_under_the_production_settings(tmp_path):
    env = production_env(tmp_path)
    migrated = manage(env, "migrate", "--noinput", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    done = manage(env, "demo_accounts")
    assert done.returncode == 1
    assert "生产环境（DJANGO_SETTINGS_MODULE=config.settings.production）不能创建演示账号" in (
        done.stderr
    )
    assert "demo-2026" not in done.stdout + done.stderr
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        assert db.execute("select count(*) from accounts_user").fetchone() == (0,)


@pytest.mark.django_db
def test_it_still_creates_them_for_the_demo(capsys):
    call_command("demo_accounts")
    assert User.objects.filter(username="admin", is_superuser=True).exists()
