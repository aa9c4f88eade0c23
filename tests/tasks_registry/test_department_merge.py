"""A department name confirmed once is an alias from then on: a 待核对 department merged into a
catalogue body in the admin (action “并入目录中的部门”) moves its tasks there, and the next
import resolves the name by itself. The task lists are written for these tests."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from tasks_registry import services
from tasks_registry.models import Department, DepartmentAlias, Task
from tests.factories import SupervisorFactory, UserFactory

CHANGELIST = "admin:tasks_registry_department_changelist"


def tasklist(plan: str, name: str) -> str:
    return "\n".join(
        [
            f"{plan}职业教育重点任务清单",
            "",
            "1. 到 2025 年，全市中等职业学校在校生规模达到 5 万人。"
            f"（牵头单位：{name}；责任单位：市财政局；完成时限：2025年底）",
            "2. 每年开展职业技能培训不少于 2 万人次。"
            f"（牵头单位：市人社局；责任单位：{name}、市教育局；完成时限：长期坚持）",
            "",
        ]
    )


def import_list(plan: str, name: str) -> services.TaskListImportResult:
    return services.tasklist_import(
        data=tasklist(plan, name).encode("utf-8"), filename=f"{plan}.txt", plan_title=plan
    )


@pytest.fixture
def supervisor(reference_data) -> User:
    return SupervisorFactory.create(username="duban")


@pytest.fixture
def unplaced(reference_data) -> Department:
    import_list("漯河市", "市职教发展中心办")
    department = Department.objects.get(name="市职教发展中心办")
    assert department.needs_review, "部门目录已有“市职教发展中心办”，请换一个测试名称"
    return department


def merge(client: Client, department: Department, into: Department):
    return client.post(
        reverse(CHANGELIST),
        {
            "action": "merge_into_catalogue",
            "_selected_action": [str(department.pk)],
            "index": "0",
            "apply": "1",
            "into": str(into.pk),
        },
        follow=True,
    )


@pytest.mark.django_db
def test_merging_moves_the_tasks_and_the_next_import_resolves_the_name(supervisor, unplaced):
    education = Department.objects.get(name="市教育局")
    client = Client()
    client.force_login(supervisor)

    response = merge(client, unplaced, education)

    assert "已将“市职教发展中心办”并入“市教育局”，并记为其简称" in response.content.decode()
    assert not Department.objects.filter(name="市职教发展中心办").exists()
    assert DepartmentAlias.objects.get(alias="市职教发展中心办").department == education
    first = Task.objects.get(plan__title="漯河市", number="1")
    assert first.lead == education
    # Task 2 named both: one assignment remains, under the catalogue body.
    second = Task.objects.get(plan__title="漯河市", number="2")
    assert (
        list(second.assignments.values_list("department__name", flat=True)).count("市教育局") == 1
    )

    result = import_list("舞阳县", "市职教发展中心办")

    assert "市职教发展中心办" not in result.parsed.unknown_departments
    assert Task.objects.get(plan__title="舞阳县", number="1").lead == education
    assert not Department.objects.filter(needs_review=True, name="市职教发展中心办").exists()


@pytest.mark.django_db
def test_the_merge_page_offers_only_catalogue_bodies(supervisor, unplaced):
    client = Client()
    client.force_login(supervisor)

    page = client.post(
        reverse(CHANGELIST),
        {"action": "merge_into_catalogue", "_selected_action": [str(unplaced.pk)], "index": "0"},
    )

    html = page.content.decode()
    assert "以下待核对部门将并入所选的目录部门" in html
    assert "市职教发展中心办（待核对）" in html
    assert f'<option value="{unplaced.pk}">' not in html


@pytest.mark.django_db
def test_a_catalogue_body_cannot_be_merged_away(supervisor, unplaced):
    finance = Department.objects.get(name="市财政局")
    client = Client()
    client.force_login(supervisor)

    response = merge(client, finance, Department.objects.get(name="市教育局"))

    assert "市财政局：“市财政局”不是待核对的部门，不能并入其他部门" in response.content.decode()
    assert Department.objects.filter(name="市财政局").exists()


@pytest.mark.django_db
def test_staff_cannot_merge_departments(unplaced):
    staff = UserFactory.create(
        username="jiaoyu",
        department=Department.objects.get(name="市教育局"),
        role=Role.DEPARTMENT_STAFF,
    )
    client = Client()
    client.force_login(staff)

    assert client.get(reverse(CHANGELIST)).status_code == 403
    with pytest.raises(PermissionDenied, match="只有督导人员可以合并部门"):
        services.department_merge(
            department=unplaced, into=Department.objects.get(name="市教育局"), by=staff
        )
    assert Department.objects.get(name="市职教发展中心办").needs_review
