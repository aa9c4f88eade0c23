"""Who sees and does what in the admin (tasks_registry/admin.py), through real requests.

The data is the real Nanyang task list (seed 004): task 16 (“双师型”教师占比 ≥60%) is led by
市教育局 with 市财政局 co-operating; task 2 does not involve 市财政局 at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from tasks_registry import services
from tasks_registry.models import (
    Department,
    Evidence,
    Plan,
    ProgressEntry,
    ProgressStatus,
    Target,
    Task,
)
from tests.conftest import seed_file
from tests.factories import ProgressEntryFactory, SupervisorFactory, UserFactory

# Every test here starts from the seed task list (the nanyang fixture).
pytestmark = pytest.mark.seeds

PLAN_TITLE = "南阳市各部门工作任务清单"

CHANGELIST = "admin:tasks_registry_progressentry_changelist"
ADD = "admin:tasks_registry_progressentry_add"
CHANGE = "admin:tasks_registry_progressentry_change"
HISTORY = "admin:tasks_registry_progressentry_history"
REVERT = "admin:tasks_registry_progressentry_simple_history"
TASK_CHANGELIST = "admin:tasks_registry_task_changelist"
TASK_CHANGE = "admin:tasks_registry_task_change"


@dataclass
class Nanyang:
    plan: Plan
    education: Department
    finance: Department
    education_staff: User
    finance_staff: User
    supervisor: User
    administrator: User  # a superuser
    task16: Task
    dual_ratio: Target  # task 16's “双师型”教师占比 ≥60%
    task2: Task  # 市财政局 has no part in it


@pytest.fixture
def nanyang(reference_data) -> Nanyang:
    result = services.tasklist_import(
        data=seed_file("004").read_bytes(), filename=seed_file("004").name, plan_title=PLAN_TITLE
    )
    assert result.plan is not None  # not a dry run
    education = Department.objects.get(name="市教育局")
    finance = Department.objects.get(name="市财政局")
    task16 = Task.objects.get(plan=result.plan, number="16")
    return Nanyang(
        plan=result.plan,
        education=education,
        finance=finance,
        education_staff=UserFactory.create(
            username="jiaoyu", department=education, role=Role.DEPARTMENT_STAFF, is_staff=True
        ),
        finance_staff=UserFactory.create(
            username="caizheng", department=finance, role=Role.DEPARTMENT_STAFF, is_staff=True
        ),
        supervisor=SupervisorFactory.create(username="duban"),
        administrator=SupervisorFactory.create(username="admin", is_superuser=True),
        task16=task16,
        dual_ratio=task16.targets.get(unit="%", value=Decimal("60")),
        task2=Task.objects.get(plan=result.plan, number="2"),
    )


def client_for(user: User, *, raise_request_exception: bool = True) -> Client:
    client = Client(raise_request_exception=raise_request_exception)
    client.force_login(user)
    return client


def management_form(total: int = 0, initial: int = 0) -> dict[str, str]:
    return {
        "evidence-TOTAL_FORMS": str(total),
        "evidence-INITIAL_FORMS": str(initial),
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "1000",
    }


def entry_form(
    *, task: Task, target: Target | None, value: str, narrative: str = "", year: int = 2023
) -> dict:
    return {
        "task": str(task.pk),
        "target": str(target.pk) if target else "",
        "year": str(year),
        "quarter": "",
        "value": value,
        "narrative": narrative,
        "_save": "保存",
        **management_form(),
    }


def change_data(entry: ProgressEntry, **overrides) -> dict:
    data = entry_form(
        task=entry.task,
        target=entry.target,
        value="" if entry.value is None else f"{entry.value.normalize():f}",
        narrative=entry.narrative,
        year=entry.year,
    )
    data.update(overrides)
    return data


def run_action(client: Client, action: str, *entries: ProgressEntry, **extra):
    data = {
        "action": action,
        "_selected_action": [str(e.pk) for e in entries],
        "index": "0",
        **extra,
    }
    return client.post(reverse(CHANGELIST), data)


def draft_of(
    nanyang: Nanyang, *, department: Department | None = None, value: str = "41.2"
) -> ProgressEntry:
    department = department or nanyang.education
    author = nanyang.education_staff if department == nanyang.education else nanyang.finance_staff
    return ProgressEntryFactory.create(
        target=nanyang.dual_ratio,
        department=department,
        created_by=author,
        year=2023,
        value=Decimal(value),
        narrative=f"{department.name}：全市中职“双师型”教师 1680 人。",
    )


def submitted(entry: ProgressEntry) -> ProgressEntry:
    entry.status = ProgressStatus.SUBMITTED
    entry.save()
    return entry


def approved(nanyang: Nanyang, entry: ProgressEntry) -> ProgressEntry:
    services.progress_entry_submit(entry=entry, by=entry.created_by)
    return services.progress_entry_approve(entry=entry, by=nanyang.supervisor)


def change_list_rows(response) -> list:
    return list(response.context["cl"].result_list)


# ---------------------------------------------------------------------------------------------
# Adding an entry with evidence


@pytest.mark.django_db
def test_staff_add_an_entry_with_evidence_and_see_it_as_draft_of_their_department(nanyang):
    client = client_for(nanyang.education_staff)
    assert client.get(reverse(ADD)).status_code == 200

    data = entry_form(
        task=nanyang.task16,
        target=nanyang.dual_ratio,
        value="41.2",
        narrative="全市“双师型”教师 1680 人",
    )
    data.update(
        {
            "evidence-TOTAL_FORMS": "1",
            "evidence-0-file": SimpleUploadedFile(
                "双师型认定名单.pdf", b"%PDF-1.4 demo", content_type="application/pdf"
            ),
            "evidence-0-description": "2023 年“双师型”教师认定名单",
        }
    )
    response = client.post(reverse(ADD), data)

    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    entry = ProgressEntry.objects.get()
    assert (entry.department, entry.created_by, entry.status) == (
        nanyang.education,
        nanyang.education_staff,
        ProgressStatus.DRAFT,
    )
    evidence = Evidence.objects.get(entry=entry)
    assert evidence.description == "2023 年“双师型”教师认定名单"
    assert evidence.uploaded_by == nanyang.education_staff
    assert evidence.file.name.endswith(".pdf")

    listing = client.get(reverse(CHANGELIST))
    assert change_list_rows(listing) == [entry]
    page = listing.content.decode()
    assert str(entry) in page
    assert "市教育局" in page
    assert "草稿" in page


@pytest.mark.django_db
def test_staff_cannot_report_on_a_task_their_department_is_not_assigned_to(nanyang):
    assert not nanyang.task2.assignments.filter(department=nanyang.finance).exists()
    client = client_for(nanyang.finance_staff)
    target = nanyang.task2.targets.first()

    response = client.post(reverse(ADD), entry_form(task=nanyang.task2, target=target, value="3"))

    assert response.status_code == 200  # the form comes back with errors
    errors = response.context["adminform"].form.errors
    assert "task" in errors
    assert ProgressEntry.objects.count() == 0


@pytest.mark.django_db
def test_supervisors_cannot_add_progress_entries(nanyang):
    client = client_for(nanyang.supervisor)

    assert client.get(reverse(ADD)).status_code == 403
    response = client.post(
        reverse(ADD), entry_form(task=nanyang.task16, target=nanyang.dual_ratio, value="50")
    )
    assert response.status_code == 403
    assert ProgressEntry.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# A co-operating department does not see the lead department's entries


@pytest.mark.django_db
def test_co_operating_department_sees_the_task_but_not_the_lead_departments_entry(nanyang):
    entry = draft_of(nanyang)
    client = client_for(nanyang.finance_staff)

    tasks = client.get(reverse(TASK_CHANGELIST))
    assert nanyang.task16 in change_list_rows(tasks)

    listing = client.get(reverse(CHANGELIST))
    assert listing.status_code == 200
    assert change_list_rows(listing) == []
    assert str(entry) not in listing.content.decode()


@pytest.mark.django_db
def test_co_operating_department_cannot_open_or_change_the_lead_departments_entry(nanyang):
    entry = draft_of(nanyang)
    client = client_for(nanyang.finance_staff)

    response = client.get(reverse(CHANGE, args=[entry.pk]))
    assert response.status_code in (302, 403, 404)
    assert entry.narrative not in response.content.decode()

    response = client.post(reverse(CHANGE, args=[entry.pk]), change_data(entry, value="99"))
    assert response.status_code in (302, 403, 404)
    entry.refresh_from_db()
    assert entry.value == Decimal("41.2")


@pytest.mark.django_db
def test_co_operating_department_cannot_read_the_lead_departments_history(nanyang):
    entry = draft_of(nanyang)

    response = client_for(nanyang.finance_staff).get(reverse(HISTORY, args=[entry.pk]))

    assert response.status_code == 403


@pytest.mark.django_db
def test_bulk_action_from_another_department_leaves_the_entry_alone(nanyang):
    entry = draft_of(nanyang)

    run_action(client_for(nanyang.finance_staff), "submit_selected", entry)

    entry.refresh_from_db()
    assert entry.status == ProgressStatus.DRAFT
    assert entry.submitted_at is None


# ---------------------------------------------------------------------------------------------
# Tasks visible per department


@pytest.mark.django_db
def test_staff_see_only_tasks_their_department_leads_or_co_operates_on(nanyang):
    education_rows = change_list_rows(
        client_for(nanyang.education_staff).get(reverse(TASK_CHANGELIST))
    )
    finance_rows = change_list_rows(client_for(nanyang.finance_staff).get(reverse(TASK_CHANGELIST)))
    supervisor_rows = change_list_rows(client_for(nanyang.supervisor).get(reverse(TASK_CHANGELIST)))

    assert len(supervisor_rows) == 27
    assert {t.number for t in finance_rows} == set(
        Task.objects.filter(assignments__department=nanyang.finance).values_list(
            "number", flat=True
        )
    )
    assert {t.number for t in education_rows} == set(
        Task.objects.filter(assignments__department=nanyang.education).values_list(
            "number", flat=True
        )
    )
    assert len(finance_rows) != len(education_rows)
    assert "16" in {t.number for t in finance_rows}
    assert "2" not in {t.number for t in finance_rows}
    assert "2" in {t.number for t in education_rows}


@pytest.mark.django_db
def test_staff_cannot_open_a_task_their_department_has_no_part_in(nanyang):
    client = client_for(nanyang.finance_staff)

    assert client.get(reverse(TASK_CHANGE, args=[nanyang.task16.pk])).status_code == 200
    response = client.get(reverse(TASK_CHANGE, args=[nanyang.task2.pk]))
    assert response.status_code != 200
    assert nanyang.task2.text[:20] not in response.content.decode()


@pytest.mark.django_db
def test_task_list_can_be_searched_in_chinese(nanyang):
    response = client_for(nanyang.supervisor).get(reverse(TASK_CHANGELIST), {"q": "双师型"})

    assert [t.number for t in change_list_rows(response)] == ["16"]


# ---------------------------------------------------------------------------------------------
# Workflow: submit, approve, return


@pytest.mark.django_db
def test_staff_submit_their_draft_and_can_no_longer_edit_it(nanyang):
    entry = draft_of(nanyang)
    client = client_for(nanyang.education_staff)

    run_action(client, "submit_selected", entry)
    entry.refresh_from_db()
    assert entry.status == ProgressStatus.SUBMITTED
    assert entry.get_status_display() == "已提交待审"

    page = client.get(reverse(CHANGE, args=[entry.pk]))
    assert page.status_code == 200
    assert 'name="value"' not in page.content.decode()  # shown read-only

    client.post(reverse(CHANGE, args=[entry.pk]), change_data(entry, value="99"))
    entry.refresh_from_db()
    assert entry.value == Decimal("41.2")


@pytest.mark.django_db
def test_supervisor_sees_every_departments_entries(nanyang):
    mine = draft_of(nanyang)
    theirs = draft_of(nanyang, department=nanyang.finance, value="12")

    rows = change_list_rows(client_for(nanyang.supervisor).get(reverse(CHANGELIST)))

    assert set(rows) == {mine, theirs}


@pytest.mark.django_db
def test_supervisor_filters_entries_by_department(nanyang):
    draft_of(nanyang)
    theirs = draft_of(nanyang, department=nanyang.finance, value="12")

    response = client_for(nanyang.supervisor).get(
        reverse(CHANGELIST), {"department__id__exact": nanyang.finance.pk}
    )

    assert response.status_code == 200
    assert change_list_rows(response) == [theirs]


@pytest.mark.django_db
def test_supervisor_approves_a_submitted_entry(nanyang):
    entry = submitted(draft_of(nanyang))

    run_action(client_for(nanyang.supervisor), "approve_selected", entry)

    entry.refresh_from_db()
    assert entry.get_status_display() == "已通过"
    assert entry.reviewed_by == nanyang.supervisor


@pytest.mark.django_db
def test_staff_cannot_approve_their_own_entry(nanyang):
    entry = submitted(draft_of(nanyang))

    run_action(client_for(nanyang.education_staff), "approve_selected", entry)

    entry.refresh_from_db()
    assert entry.status == ProgressStatus.SUBMITTED


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["education_staff", "supervisor", "administrator"])
def test_an_approved_entry_cannot_be_changed_by_anyone(nanyang, who):
    entry = approved(nanyang, draft_of(nanyang))

    response = client_for(getattr(nanyang, who)).post(
        reverse(CHANGE, args=[entry.pk]), change_data(entry, value="99")
    )

    entry.refresh_from_db()
    assert (response.status_code, entry.status, entry.value) == (
        403,
        ProgressStatus.APPROVED,
        Decimal("41.2"),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["education_staff", "supervisor", "administrator"])
def test_an_approved_entry_cannot_be_reverted_to_an_earlier_version_from_its_history(nanyang, who):
    entry = draft_of(nanyang)
    draft_version = entry.history.earliest()
    assert draft_version.status == ProgressStatus.DRAFT
    entry = approved(nanyang, entry)
    client = client_for(getattr(nanyang, who), raise_request_exception=False)

    # The revert view is simple_history's; it saves the old version on POST unless refused.
    response = client.post(
        reverse(REVERT, args=[entry.pk, draft_version.history_id]), change_data(entry, value="99")
    )

    entry.refresh_from_db()
    assert (response.status_code, entry.status, entry.value) == (
        403,
        ProgressStatus.APPROVED,
        Decimal("41.2"),
    )


@pytest.mark.django_db
def test_returning_an_entry_asks_for_a_reason_first(nanyang):
    entry = submitted(draft_of(nanyang))
    client = client_for(nanyang.supervisor)

    form = run_action(client, "return_selected", entry)
    assert form.status_code == 200
    assert "退回原因" in form.content.decode()

    without_reason = client.post(
        reverse(CHANGELIST),
        {
            "action": "return_selected",
            "_selected_action": [str(entry.pk)],
            "apply": "1",
            "comment": "",
        },
    )
    assert without_reason.status_code == 200
    entry.refresh_from_db()
    assert entry.status == ProgressStatus.SUBMITTED


@pytest.mark.django_db
def test_a_returned_entry_carries_the_reason_and_is_editable_by_its_author_again(nanyang):
    entry = submitted(draft_of(nanyang))

    client_for(nanyang.supervisor).post(
        reverse(CHANGELIST),
        {
            "action": "return_selected",
            "_selected_action": [str(entry.pk)],
            "apply": "1",
            "comment": "请补充认定文件",
        },
    )
    entry.refresh_from_db()
    assert entry.get_status_display() == "已退回"
    assert entry.review_comment == "请补充认定文件"

    author = client_for(nanyang.education_staff)
    response = author.post(reverse(CHANGE, args=[entry.pk]), change_data(entry, value="45.5"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.value == Decimal("45.5")


# ---------------------------------------------------------------------------------------------
# Actions offered, and history


@pytest.mark.django_db
def test_staff_are_offered_submit_but_not_bulk_delete(nanyang):
    draft_of(nanyang)

    page = client_for(nanyang.education_staff).get(reverse(CHANGELIST)).content.decode()

    assert 'value="submit_selected"' in page
    assert 'value="delete_selected"' not in page
    assert 'value="approve_selected"' not in page


@pytest.mark.django_db
def test_an_edit_is_kept_in_history_the_author_can_read(nanyang):
    entry = draft_of(nanyang)
    before = entry.history.count()
    client = client_for(nanyang.education_staff)

    response = client.post(reverse(CHANGE, args=[entry.pk]), change_data(entry, value="43"))
    assert response.status_code == 302

    assert entry.history.count() > before
    assert entry.history.first().history_user == nanyang.education_staff
    assert client.get(reverse(HISTORY, args=[entry.pk])).status_code == 200
