"""Every management command that needs the tables says, in Chinese, to run migrate first when the
database was never migrated, instead of a traceback (config/database.py). Each runs as a newcomer
would run it from manage.py, on a fresh SQLite file that nothing has migrated. All the command lines
run in one subprocess (tests/manage_lines.py), each with its own output and exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT

TASKLIST = str(FIXTURES / "sample" / "南阳市职业教育任务清单示例.txt")
REPORT = str(FIXTURES / "sample" / "南阳市2023年职业教育质量年度报告示例.txt")


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


def manage_lines(folder: Path, lines: list[tuple[str, ...]]) -> list[dict]:
    """Each line as `manage.py LINE` runs it, all in one Python (tests/manage_lines.py), with a
    database nothing has migrated and a media folder of their own in ``folder``."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = f"sqlite:///{folder / 'empty.sqlite3'}"
    env["DJANGO_MEDIA_ROOT"] = str(folder / "media")
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "manage_lines.py")],
        input=json.dumps(lines),
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> dict[tuple[str, ...], dict]:
    lines = [*COMMANDS, EXTRACT]
    answered = manage_lines(tmp_path_factory.mktemp("never-migrated"), lines)
    return dict(zip(lines, answered, strict=True))


EXTRACT = ("extract_figures", REPORT)


@pytest.mark.parametrize(
    "args",
    COMMANDS,
    ids=lambda args: " ".join(a for a in args if "/" not in a),
)
def test_a_command_on_a_never_migrated_database_says_to_run_migrate(answers, args):
    done = answers[args]

    assert done["returncode"] == 1, done["stdout"] + done["stderr"]
    assert done["stderr"].strip() == (
        "CommandError: 数据库尚未初始化："
        "请先运行 .venv/bin/python manage.py migrate（或 ./dev demo）"
    )
    assert "Traceback" not in done["stderr"]


def test_every_command_of_the_project_is_listed_above():
    """A command added later is checked too: the project's own commands (those of its apps, not
    Django's or a library's) are exactly the ones above, plus extract_figures, which needs none."""
    from django.core.management import get_commands

    project_apps = {p.name for p in ROOT.iterdir() if (p / "management" / "commands").is_dir()}
    ours = {name for name, app in get_commands().items() if app in project_apps}
    listed = {args[0] for args in COMMANDS} | {"extract_figures"}
    assert ours == listed


def test_extract_figures_needs_no_database_and_reads_the_shipped_catalogue(answers):
    done = answers[EXTRACT]

    assert done["returncode"] == 0, done["stderr"]
    assert done["stdout"].startswith("南阳市（city）2023 年度：识别 ")
    assert "关联指标 0 个" not in done["stdout"]
