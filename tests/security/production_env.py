"""The README's example production environment (安全与可靠性), and running manage.py under it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

HOST = "renwu.example.gov.cn"

# As the README shows it; the tests give it a throw-away database and folders of their own.
EXAMPLE_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "b7Qm2-vX9kLr4Tz8NwE1yHc6Jd3Fs0Ug5Pa7Ko2Ie9Rt4Wq1Zx8Cv3Bn6Ml0Aj5",
    "DJANGO_ALLOWED_HOSTS": HOST,
    "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
    "SITE_URL": f"https://{HOST}",
    "DJANGO_TRUSTED_PROXY_COUNT": "1",
    "DATABASE_URL": "postgres://policy:CHANGE-ME@127.0.0.1:5432/policy_tracker",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}


def production_env(tmp: Path, **extra: str) -> dict[str, str]:
    """The example environment on a SQLite file and static and media folders under ``tmp``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_", "CACHE_"))
    }
    env.update(EXAMPLE_ENV)
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
            "DJANGO_STATIC_ROOT": str(tmp / "static"),
            "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        }
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
