"""Who may see and change what: the one rule in tasks_registry.selectors, asked of every role.

The admin, the supervisors' view and the API are tested through their own pages elsewhere; here
the rule itself, so that a change to it shows in one table.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from attainment.selectors import attainment_list_visible_to
from tasks_registry import selectors
from tasks_registry.models import ProgressStatus
from tests.factories import (
    AttainmentFactory,
    DepartmentFactory,
    ProgressEntryFactory,
    SupervisorFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """市教育局 leads task 1 with 市财政局 co-operating; 市人社局 leads task 2 alone. Each
    department has an entry on its own task, and 市财政局 one on the shared task 1."""
    education = DepartmentFactory(name="市教育局")
    finance = DepartmentFactory(name="市财政局")
    labour = DepartmentFactory(name="市人社局")
    shared = TargetFactory(task=TaskFactory(number="1", lead=education, co=[finance]))
    alone = TargetFactory(task=TaskFactory(number="2", lead=labour), label="技能培训", unit="人次")
    entries = {
        "教育局@1": ProgressEntryFactory(target=shared),
        "财政局@1": ProgressEntryFactory(target=shared, department=finance),
        "人社局@2": ProgressEntryFactory(target=alone),
    }
    for target in (shared, alone):
        AttainmentFactory(target=target)
    users = {
        "教育局": UserFactory(username="jiaoyu", department=education),
        "财政局": UserFactory(username="caizheng", department=finance),
        "民政局": UserFactory(username="minzheng", department=DepartmentFactory(name="市民政局")),
        "无部门": UserFactory(username="nobody", department=None),
        "停用": UserFactory(username="gone", department=education, is_active=False),
        "督导": SupervisorFactory(username="dudao"),
        "督查室": UserFactory(username="ducha", role=Role.OFFICE, department=None),
        "管理员": SupervisorFactory(username="admin", is_superuser=True),
        "未登录": AnonymousUser(),
    }
    return users, entries, {"1": shared.task, "2": alone.task}


# role -> (tasks seen, entries seen)
SEES = {
    "教育局": (["1"], ["教育局@1"]),
    "财政局": (["1"], ["财政局@1"]),  # a co-operating body sees the task, not the lead's entry
    "民政局": ([], []),
    "无部门": ([], []),
    "停用": ([], []),
    "督导": (["1", "2"], ["教育局@1", "财政局@1", "人社局@2"]),
    "督查室": (["1", "2"], ["教育局@1", "财政局@1", "人社局@2"]),
    "管理员": (["1", "2"], ["教育局@1", "财政局@1", "人社局@2"]),
    "未登录": ([], []),
}


@pytest.mark.parametrize("who", SEES)
def test_each_role_sees_the_tasks_targets_entries_and_attainments_the_rule_gives(world, who):
    users, entries, tasks = world
    user = users[who]
    task_numbers, entry_names = SEES[who]

    seen_tasks = sorted(t.number for t in selectors.task_list_visible_to(user=user))
    seen_targets = sorted(t.task.number for t in selectors.target_list_visible_to(user=user))
    seen_attainments = sorted(a.target.task.number for a in attainment_list_visible_to(user=user))
    seen_entries = sorted(
        name
        for name, entry in entries.items()
        if entry in selectors.progress_entry_list_visible_to(user=user)
    )
    assert (seen_tasks, seen_targets, seen_attainments) == (task_numbers,) * 3
    assert seen_entries == sorted(entry_names)
    # The object checks the admin asks give the same answers as the lists.
    assert [n for n, t in tasks.items() if selectors.task_is_visible_to(user=user, task=t)] == (
        task_numbers
    )
    assert sorted(
        n for n, e in entries.items() if selectors.progress_entry_is_visible_to(user=user, entry=e)
    ) == sorted(entry_names)


def test_a_task_shared_by_two_departments_is_listed_once(world):
    users, _, _ = world
    supervisor_view = list(selectors.task_list_visible_to(user=users["督导"]))
    assert sorted(t.number for t in supervisor_view) == ["1", "2"]


@pytest.mark.parametrize(
    ("who", "may_record", "may_edit_own_draft", "may_review"),
    [
        ("教育局", True, True, False),
        ("财政局", True, False, False),  # co-operating, but the draft is 教育局's
        ("无部门", False, False, False),
        ("督导", False, False, True),
        ("督查室", False, False, False),
        ("管理员", False, True, True),
        ("未登录", False, False, False),
    ],
)
def test_who_may_record_edit_and_review(world, who, may_record, may_edit_own_draft, may_review):
    users, entries, tasks = world
    user = users[who]
    assert selectors.progress_entry_may_record(user=user, task=tasks["1"]) is may_record
    assert selectors.progress_entry_may_edit(user=user, entry=entries["教育局@1"]) is (
        may_edit_own_draft
    )
    assert selectors.progress_entry_may_review(user=user) is may_review


def test_nobody_records_on_a_task_their_department_has_no_part_in(world):
    users, _, tasks = world
    assert selectors.progress_entry_may_record(user=users["教育局"], task=tasks["2"]) is False


@pytest.mark.parametrize("status", [ProgressStatus.SUBMITTED, ProgressStatus.APPROVED])
def test_a_submitted_or_approved_entry_is_editable_by_no_one(world, status):
    users, entries, _ = world
    entry = entries["教育局@1"]
    entry.status = status
    assert not any(selectors.progress_entry_may_edit(user=u, entry=entry) for u in users.values())


def test_only_supervisors_and_the_lead_department_change_what_measures_a_target(world):
    users, _, tasks = world
    target = tasks["1"].targets.get()
    allowed = sorted(
        who for who, u in users.items() if selectors.target_link_may_change(user=u, target=target)
    )
    assert allowed == sorted(["教育局", "督导", "管理员"])
