"""The admin's progress-entry form guides: targets follow the chosen task, places the chosen
target (the counties or schools a per-county or per-school target is measured in, by the rule
attainment uses; none for any other target), a new entry shows no empty review fields, and what
evidence may be uploaded is said before the upload."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import User
from tasks_registry.models import JurisdictionKind, ProgressEntry, ProgressStatus
from tests.conftest import client_for
from tests.factories import (
    JurisdictionFactory,
    PlanFactory,
    ProgressEntryFactory,
    SupervisorFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ADD = "admin:tasks_registry_progressentry_add"
CHANGE = "admin:tasks_registry_progressentry_change"
CHOICES = "admin:tasks_registry_progressentry_choices"
REVIEW_FIELDS = ("status", "submitted_at", "reviewed_by", "reviewed_at", "review_comment")


def options(page: str, name: str) -> dict[str, str]:
    """The choices a <select name=…> offers: value -> text, the empty one left out."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select named {name}"
    return {
        v: t.strip()
        for v, t in re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select.group(1))
        if v
    }


@pytest.fixture
def two_tasks():
    """One department leading two tasks of a plan measured in 测试市, a target each, and a
    target of another department's task that the staff member may not see."""
    city = JurisdictionFactory.create(name="测试市", kind=JurisdictionKind.CITY)
    county = JurisdictionFactory.create(name="甲县", parent=city)
    elsewhere = JurisdictionFactory.create(name="别市", kind=JurisdictionKind.CITY)
    far_county = JurisdictionFactory.create(name="乙县", parent=elsewhere)
    school = JurisdictionFactory.create(
        name="甲县职专", kind=JurisdictionKind.SCHOOL, parent=county
    )
    plan = PlanFactory.create(jurisdiction=city)
    first = TargetFactory.create(task=TaskFactory.create(plan=plan), label="双师型教师占比")
    second = TargetFactory.create(
        task=TaskFactory.create(plan=plan, lead=first.task.lead),
        label="每年培训人次",
        value=Decimal("100000"),
        unit="人次",
    )
    hidden = TargetFactory.create(label="别部门的目标")
    staff = UserFactory.create(department=first.task.lead)
    return {
        "city": city,
        "county": county,
        "school": school,
        "elsewhere": elsewhere,
        "far_county": far_county,
        "first": first,
        "second": second,
        "hidden": hidden,
        "staff": staff,
    }


def _entry_post(*, task: int, target: int, value: str, jurisdiction: int | None = None) -> dict:
    """What the add form sends for a 2023 value, with no evidence."""
    return {
        "task": str(task),
        "target": str(target),
        "jurisdiction": "" if jurisdiction is None else str(jurisdiction),
        "year": "2023",
        "quarter": "",
        "value": value,
        "narrative": "",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "1000",
        "_save": "保存",
    }


def _add_page(user: User, **query) -> str:
    response = client_for(user).get(reverse(ADD), query)
    assert response.status_code == 200
    return response.content.decode()


# -- no empty review fields on a new entry ----------------------------------------------------


def test_the_add_form_has_no_review_fields(two_tasks):
    page = _add_page(two_tasks["staff"])

    for field in (*REVIEW_FIELDS, "department", "created_by"):
        assert f"field-{field}" not in page, field
    for label in ("审核人", "审核时间", "审核意见", "提交时间"):
        assert label not in page, label
    assert 'name="value"' in page and 'name="narrative"' in page


def test_a_draft_shows_no_empty_review_fields_and_a_returned_entry_its_reason(two_tasks):
    draft = ProgressEntryFactory.create(target=two_tasks["first"])
    returned = ProgressEntryFactory.create(
        target=two_tasks["first"],
        year=2024,
        status=ProgressStatus.RETURNED,
        reviewed_by=SupervisorFactory.create(),
        review_comment="请补充佐证材料",
    )
    client = client_for(two_tasks["staff"])

    draft_page = client.get(reverse(CHANGE, args=[draft.pk])).content.decode()
    returned_page = client.get(reverse(CHANGE, args=[returned.pk])).content.decode()

    assert "field-reviewed_by" not in draft_page and "field-review_comment" not in draft_page
    assert "field-status" in draft_page
    assert "field-review_comment" in returned_page and "请补充佐证材料" in returned_page


# -- targets follow the task ------------------------------------------------------------------


def test_with_a_task_chosen_only_its_targets_are_offered(two_tasks):
    first, second = two_tasks["first"], two_tasks["second"]

    page = _add_page(two_tasks["staff"], task=first.task.pk)

    assert set(options(page, "target")) == {str(first.pk)}
    assert str(second.pk) not in options(page, "target")


def test_without_a_task_every_target_the_user_may_record_is_offered(two_tasks):
    page = _add_page(two_tasks["staff"])

    offered = set(options(page, "target"))
    assert offered == {str(two_tasks["first"].pk), str(two_tasks["second"].pk)}
    assert str(two_tasks["hidden"].pk) not in offered


def test_a_target_of_another_task_is_refused_with_the_reason_and_nothing_saved(two_tasks):
    first, second = two_tasks["first"], two_tasks["second"]
    data = _entry_post(task=first.task.pk, target=second.pk, value="41.2")

    response = client_for(two_tasks["staff"]).post(reverse(ADD), data)

    assert response.status_code == 200
    assert f"所选目标不属于任务 {first.task.number}" in response.content.decode()
    assert not ProgressEntry.objects.exists()


def test_the_form_asks_for_targets_when_the_task_changes(two_tasks):
    page = _add_page(two_tasks["staff"])

    assert f'data-targets-url="{reverse(CHOICES)}"' in page
    assert "tasks_registry/entry_form.js" in page


def test_the_choices_for_a_task_are_its_targets_and_no_place_until_a_target_is_chosen(two_tasks):
    first = two_tasks["first"]

    response = client_for(two_tasks["staff"]).get(reverse(CHOICES), {"task": first.task.pk})

    assert response.status_code == 200
    assert response.json() == {"targets": [{"id": first.pk, "text": str(first)}], "places": []}


def test_the_choices_for_a_per_county_target_are_the_counties_it_is_measured_in(two_tasks):
    per_county = TargetFactory.create(
        task=two_tasks["first"].task, label="标准化建设达标学校", per_unit="县区", unit="所"
    )
    client = client_for(two_tasks["staff"])

    places = client.get(reverse(CHOICES), {"target": per_county.pk})
    city_wide = client.get(reverse(CHOICES), {"target": two_tasks["first"].pk})
    hidden = client.get(reverse(CHOICES), {"target": two_tasks["hidden"].pk})

    assert places.json() == {"places": [{"id": two_tasks["county"].pk, "text": "甲县"}]}
    assert city_wide.json() == {"places": []}
    assert hidden.status_code == 404 and hidden.json() == {"error": "找不到该目标，或您无权填报"}


def test_the_choices_of_a_task_the_user_may_not_see_are_refused(two_tasks):
    client = client_for(two_tasks["staff"])

    hidden = client.get(reverse(CHOICES), {"task": two_tasks["hidden"].task.pk})
    typed = client.get(reverse(CHOICES), {"task": "abc"})

    assert hidden.status_code == 404 and hidden.json() == {"error": "找不到该任务，或您无权填报"}
    assert typed.status_code == 400 and "不是数字" in typed.json()["error"]


def test_a_supervisor_who_does_not_record_gets_no_choices(two_tasks):
    response = client_for(SupervisorFactory.create()).get(reverse(CHOICES))

    assert response.status_code == 403


# -- places -----------------------------------------------------------------------------------


def test_a_per_county_target_offers_the_counties_under_its_plans_place_alone(two_tasks):
    per_county = TargetFactory.create(
        task=two_tasks["first"].task, label="标准化建设达标学校", per_unit="县区", unit="所"
    )

    page = _add_page(two_tasks["staff"], task=per_county.task.pk, target=per_county.pk)

    assert set(options(page, "jurisdiction").values()) == {"甲县"}  # not 别市's 乙县


def test_a_target_counted_per_school_offers_its_schools(two_tasks):
    per_school = TargetFactory.create(
        task=two_tasks["first"].task, label="每所学校的实训基地", per_unit="学校", unit="个"
    )

    page = _add_page(two_tasks["staff"], task=per_school.task.pk, target=per_school.pk)

    assert set(options(page, "jurisdiction").values()) == {"甲县职专"}


def test_a_city_wide_target_offers_no_place(two_tasks):
    page = _add_page(two_tasks["staff"], task=two_tasks["first"].task.pk)

    assert options(page, "jurisdiction") == {}


def test_a_county_the_target_is_not_measured_in_is_refused_on_the_form(two_tasks):
    per_county = TargetFactory.create(
        task=two_tasks["first"].task, label="标准化建设达标学校", per_unit="县区", unit="所"
    )
    data = _entry_post(
        task=per_county.task.pk,
        target=per_county.pk,
        jurisdiction=two_tasks["far_county"].pk,
        value="3",
    )

    response = client_for(two_tasks["staff"]).post(reverse(ADD), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "所选县区不在目标“标准化建设达标学校”考核的县区之列，请从列表中重新选择" in page
    assert not ProgressEntry.objects.exists()


# -- evidence ---------------------------------------------------------------------------------


def test_the_evidence_types_and_size_are_named_before_upload(two_tasks, settings):
    settings.EVIDENCE_EXTENSIONS = ["pdf", "docx", "JPG"]
    settings.EVIDENCE_MAX_BYTES = 10 * 1024 * 1024

    page = _add_page(two_tasks["staff"])

    assert "可上传 pdf、docx、jpg 文件，单个文件不超过 10 MB" in page
    assert 'accept=".pdf,.docx,.jpg"' in page
