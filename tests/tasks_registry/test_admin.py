"""What the admin shows of tasks, targets and progress entries: numbers as people write them
(60%, 600 万元, never 60.0000), a record one may not see described as such, and links from a
task's or target's change page to its own page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tasks_registry.models import ProgressStatus, Recurrence
from tests.conftest import client_for
from tests.factories import (
    ProgressEntryFactory,
    SupervisorFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ENTRY_CHANGE = "admin:tasks_registry_progressentry_change"


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def money():
    """每年不低于 600 万元: a yearly amount stored in 元."""
    return TargetFactory.create(
        label="市级财政每年安排职业教育专项资金",
        value=Decimal("6000000.0000"),
        unit="元",
        recurrence=Recurrence.ANNUAL,
        source_text="市级财政每年安排职业教育专项资金不低于 600 万元。",
    )


# -- the one message for a record one may not see ---------------------------------------------


def test_another_departments_entry_is_described_as_not_visible_not_as_deleted():
    theirs = ProgressEntryFactory.create()
    outsider = UserFactory.create()  # a department of their own, with no part in the task

    response = client_for(outsider).get(reverse(ENTRY_CHANGE, args=[theirs.pk]), follow=True)

    page = _page(response)
    assert "您无权查看该记录，或该记录不存在" in page
    assert "可能已经被删除" not in page and "Perhaps it was deleted" not in page
    # Back on the list of their own entries, where the other department's entry is not.
    assert response.redirect_chain[-1][0] == reverse(
        "admin:tasks_registry_progressentry_changelist"
    )


def test_a_missing_entry_reads_the_same_as_a_hidden_one():
    staff = UserFactory.create()

    response = client_for(staff).get(reverse(ENTRY_CHANGE, args=[987654]), follow=True)

    assert "您无权查看该记录，或该记录不存在（进展填报，编号 987654）" in _page(response)


def test_a_target_of_another_departments_task_reads_the_same():
    target = TargetFactory.create()
    outsider = UserFactory.create()

    response = client_for(outsider).get(
        reverse("admin:tasks_registry_target_change", args=[target.pk]), follow=True
    )

    assert "您无权查看该记录，或该记录不存在" in _page(response)


# -- numbers as people write them -------------------------------------------------------------


def test_the_target_list_shows_targets_as_written(money):
    ratio = TargetFactory.create(task=TaskFactory.create(lead=money.task.lead))
    staff = UserFactory.create(department=money.task.lead)

    page = _page(client_for(staff).get(reverse("admin:tasks_registry_target_changelist")))

    assert "每年 ≥600 万元" in page and "≥60%" in page
    assert ratio.label in page
    assert "6000000" not in page and "60.0000" not in page


def test_a_read_only_target_page_shows_its_values_as_written(money):
    staff = UserFactory.create(department=money.task.lead)

    page = _page(
        client_for(staff).get(reverse("admin:tasks_registry_target_change", args=[money.pk]))
    )

    assert re.search(r"field-value_text.*?600 万元", page, re.S)
    assert "6000000" not in page and "6,000,000" not in page


def test_the_task_list_shows_the_latest_progress_as_written():
    entry = ProgressEntryFactory.create(value=Decimal("41.2"))
    staff = UserFactory.create(department=entry.department)

    page = _page(client_for(staff).get(reverse("admin:tasks_registry_task_changelist")))

    assert "2023年 41.2% 全市中职“双师型”教师 1680 人。（草稿）" in page
    assert "≥60%" in page
    assert "41.2000" not in page and "60.0000" not in page


def test_the_entry_list_shows_values_with_their_units(money):
    share = ProgressEntryFactory.create(value=Decimal("41.2000"))
    amount = ProgressEntryFactory.create(
        target=money, department=money.task.lead, value=Decimal("6123400")
    )
    supervisor = SupervisorFactory.create()

    page = _page(
        client_for(supervisor).get(reverse("admin:tasks_registry_progressentry_changelist"))
    )

    assert "41.2%" in page and "612.34 万元" in page
    assert "41.2000" not in page and "6123400" not in page
    assert share.pk and amount.pk


def test_a_submitted_entry_shows_its_value_as_written():
    entry = ProgressEntryFactory.create(value=Decimal("41.2000"), status=ProgressStatus.SUBMITTED)
    staff = UserFactory.create(department=entry.department)

    page = _page(client_for(staff).get(reverse(ENTRY_CHANGE, args=[entry.pk])))

    assert re.search(r"field-value_display.*?41\.2%", page, re.S)
    assert "41.2000" not in page and "41,2000" not in page


def test_dates_in_the_entry_list_are_written_in_chinese():
    entry = ProgressEntryFactory.create()
    staff = UserFactory.create(department=entry.department)

    page = _page(client_for(staff).get(reverse("admin:tasks_registry_progressentry_changelist")))

    today = entry.updated_at.astimezone()
    assert f"{today.year}年{today.month}月{today.day}日" in page


# -- links to the object's own page -----------------------------------------------------------


def test_a_target_change_page_links_to_the_target_page():
    target = TargetFactory.create()
    staff = UserFactory.create(department=target.task.lead)

    page = _page(
        client_for(staff).get(reverse("admin:tasks_registry_target_change", args=[target.pk]))
    )

    assert f'<a href="{reverse("attainment:target", args=[target.pk])}"' in page
    assert "查看目标页" in page


def test_a_task_change_page_links_to_the_task_page():
    task = TaskFactory.create()
    staff = UserFactory.create(department=task.lead)

    page = _page(client_for(staff).get(reverse("admin:tasks_registry_task_change", args=[task.pk])))

    assert f'<a href="{reverse("attainment:task", args=[task.pk])}"' in page
    assert "查看任务页" in page
