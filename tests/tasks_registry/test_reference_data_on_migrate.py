"""The reference data (departments, indicators, jurisdictions) is in the database after migrate
alone: a post_migrate handler in tasks_registry/apps.py calls reference_data_load."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from tasks_registry.models import Department, DepartmentAlias, Indicator, Jurisdiction
from tests.conftest import FIXTURES, ROOT


def counts() -> tuple[int, int, int, int]:
    return (
        Department.objects.count(),
        DepartmentAlias.objects.count(),
        Indicator.objects.count(),
        Jurisdiction.objects.count(),
    )


@pytest.mark.django_db
def test_the_test_database_has_the_reference_data_from_migrate_alone():
    # No reference_data fixture here: the test database was made by migrate and nothing else.
    indicators = json.loads((FIXTURES / "indicators.json").read_text(encoding="utf-8"))
    education = Department.objects.get(name="市教育局")
    assert not education.needs_review
    assert DepartmentAlias.objects.get(alias="市教委").department == education
    assert Indicator.objects.count() == len(indicators["indicators"])
    assert Jurisdiction.objects.get(name="郑州市").parent.name == "河南省"


@pytest.mark.django_db
def test_migrating_again_changes_nothing_and_says_so_only_when_asked():
    before = counts()
    quiet, told = StringIO(), StringIO()

    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("migrate", verbosity=1, stdout=told)

    assert counts() == before
    assert quiet.getvalue() == ""
    assert "已载入参考数据：部门 " in told.getvalue()


@pytest.mark.django_db
def test_migrating_again_writes_no_history_and_no_audit_event():
    # A repeat load that finds every row as the files say writes nothing: no history record, no
    # audit event (each migrate used to add 313 events by no one), no moved updated_at.
    from audit.models import AuditEvent

    events = AuditEvent.objects.count()
    histories = Department.history.count() + Jurisdiction.history.count()
    stamp = Indicator.objects.order_by("pk").values_list("updated_at", flat=True).first()

    call_command("migrate", verbosity=0, stdout=StringIO())

    assert AuditEvent.objects.count() == events
    assert Department.history.count() + Jurisdiction.history.count() == histories
    assert Indicator.objects.order_by("pk").values_list("updated_at", flat=True).first() == stamp


@pytest.mark.django_db
def test_a_changed_catalogue_entry_is_written_once(tmp_path):
    from tasks_registry.services import reference_data_load

    data = json.loads((FIXTURES / "departments.json").read_text(encoding="utf-8"))
    entry = next(d for d in data["departments"] if d["name"] == "市教育局")
    entry["aliases"] = [*entry.get("aliases", []), "市教体局（测试别名）"]
    changed = tmp_path / "departments.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    education = Department.objects.get(name="市教育局")
    history = education.history.count()

    reference_data_load(departments_path=changed)

    assert DepartmentAlias.objects.get(alias="市教体局（测试别名）").department == education
    assert education.history.count() == history  # the department itself did not change


@pytest.mark.django_db
def test_a_changed_value_in_the_file_updates_that_row_alone(tmp_path):
    from tasks_registry.services import reference_data_load

    data = json.loads((FIXTURES / "jurisdictions.json").read_text(encoding="utf-8"))
    entry = next(j for j in data["jurisdictions"] if j["name"] == "郑州市")
    entry["code"] = "410199"
    changed = tmp_path / "jurisdictions.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    stamps = dict(Jurisdiction.objects.values_list("pk", "updated_at"))

    reference_data_load(jurisdictions_path=changed)

    zhengzhou = Jurisdiction.objects.get(name="郑州市")
    assert zhengzhou.code == "410199"
    moved = {
        pk for pk, at in Jurisdiction.objects.values_list("pk", "updated_at") if at != stamps[pk]
    }
    assert moved == {zhengzhou.pk}


@pytest.mark.django_db
def test_a_repeated_load_reads_each_table_once_rather_than_each_row(django_assert_max_num_queries):
    # Every migrate, every flush of a transactional test and the reference_data fixture run this
    # load; it used to look each of the 560 rows up on its own (0.15 s each time).
    from tasks_registry.services import reference_data_load

    with django_assert_max_num_queries(12):
        reference_data_load()


@pytest.mark.django_db
def test_a_database_emptied_by_flush_gets_the_reference_data_back():
    # What a transactional test's teardown does: flush, which sends post_migrate again.
    before = counts()

    call_command("flush", interactive=False, verbosity=0)

    assert counts() == before


def test_a_partial_migrate_does_not_load_it_into_tables_behind_the_models(tmp_path):
    database = tmp_path / "partial.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = f"sqlite:///{database}"

    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "tasks_registry", "0002"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    assert "已载入参考数据" not in done.stdout
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM tasks_registry_department").fetchone() == (0,)
