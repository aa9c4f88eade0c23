"""Every management command that needs the tables says, in Chinese, to run migrate first when the
database was never migrated, instead of a traceback (config/database.py). Each runs as a newcomer
would run it: manage.py in a subprocess, on a fresh SQLite file that nothing has migrated."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, ROOT

TASKLIST = str(FIXTURES / "sample" / "南阳市职业教育任务清单示例.txt")
REPORT = str(FIXTURES / "sample" / "南阳市2023年职业教育质量年度报告示例.txt")


def manage(tmp_path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    env["DJANGO_MEDIA_ROOT"] = str(tmp_path / "media")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


COMMANDS = [
    ("import_tasklist", TASKLIST, "--plan", "南阳市职业教育任务清单示例"),
    ("import_tasklist", TASKLIST, "--plan", "X", "--dry-run", "--format", "json"),
    ("ingest_report", REPORT),
    ("demo_accounts",),
    ("api_token", "--user", "admin", "--name", "测试"),
    ("attainment_report", "--plan", "南阳"),
    ("run_pipeline",),
    ("load_reference",),
    ("export_reference",),
    ("reextract",),
    ("backup", "--output", "备份.tar.gz"),
    ("restore", "备份.tar.gz"),
    ("prune_audit",),
    ("relay_outbox",),
]


@pytest.mark.parametrize(
    "args",
    COMMANDS,
    ids=lambda args: " ".join(a for a in args if "/" not in a),
)
def test_a_command_on_a_never_migrated_database_says_to_run_migrate(tmp_path, args):
    done = manage(tmp_path, *args)

    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.strip() == (
        "CommandError: 数据库尚未初始化："
        "请先运行 .venv/bin/python manage.py migrate（或 ./dev demo）"
    )
    assert "Traceback" not in done.stderr


def test_every_command_of_the_project_is_listed_above():
    """A command added later is checked too: the project's own commands (those of its apps, not
    Django's or a library's) are exactly the ones above, plus extract_figures, which needs none."""
    from django.core.management import get_commands

    project_apps = {p.name for p in ROOT.iterdir() if (p / "management" / "commands").is_dir()}
    ours = {name for name, app in get_commands().items() if app in project_apps}
    listed = {args[0] for args in COMMANDS} | {"extract_figures"}
    assert ours == listed


def test_extract_figures_needs_no_database_and_reads_the_shipped_catalogue(tmp_path):
    done = manage(tmp_path, "extract_figures", REPORT)

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("南阳市（city）2023 年度：识别 ")
    assert "关联指标 0 个" not in done.stdout
