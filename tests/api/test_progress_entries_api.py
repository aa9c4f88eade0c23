"""Progress entries over the REST API, as a department's own system uses it: create a draft, edit
it, attach evidence, submit it; a supervisor approves it or returns it with a reason. Refusals
come back in the one error shape, in Chinese, naming the field, and write nothing."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tasks_registry.models import Evidence, ProgressEntry, ProgressStatus
from tests.factories import JurisdictionFactory, TargetFactory

ENTRIES = "/api/v1/progress-entries/"


def entry_url(entry) -> str:
    return f"{ENTRIES}{entry.pk}/"


def is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def error_of(response, status: int) -> dict:
    """The body of a refusal: exactly {"error": {status, code, message, fields}}."""
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert list(body) == ["error"]
    error = body["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert error["status"] == status
    assert is_chinese(error["message"]), error["message"]
    return error


def snapshot(entry) -> dict:
    """What a person entered, to show a refused request left it alone."""
    entry.refresh_from_db()
    return {
        name: getattr(entry, name)
        for name in ("task_id", "target_id", "year", "quarter", "value", "narrative", "status")
    }


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# ---------------------------------------------------------------------------------------------
# Creating a draft


@pytest.mark.django_db
def test_a_department_creates_a_draft_for_a_target_and_the_task_is_taken_from_the_target(
    world, clients
):
    before = ProgressEntry.objects.count()

    response = clients["staff"].post(
        ENTRIES, {"target": world.target.pk, "year": 2024, "value": "45.5"}, format="json"
    )

    assert response.status_code == 201, response.content.decode()
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["task"] == world.task.pk
    assert body["target"] == world.target.pk
    assert body["department"] == {"id": world.own.pk, "name": "市教育局"}
    assert (body["status"], body["status_display"]) == ("draft", "草稿")
    assert (body["year"], Decimal(str(body["value"]))) == (2024, Decimal("45.5"))
    assert body["created_by"] == "jiaoyu"
    assert body["submitted_at"] is None and body["reviewed_by"] is None
    assert ProgressEntry.objects.count() == before + 1
    stored = ProgressEntry.objects.get(pk=body["id"])
    assert (stored.task, stored.department, stored.status, stored.value) == (
        world.task,
        world.own,
        ProgressStatus.DRAFT,
        Decimal("45.5"),
    )


@pytest.mark.django_db
def test_a_null_task_beside_a_target_means_not_given_and_the_targets_task_is_used(world, clients):
    response = clients["staff"].post(
        ENTRIES,
        {"task": None, "target": world.target.pk, "year": 2024, "value": "45.5"},
        format="json",
    )

    assert response.status_code == 201, response.content.decode()
    assert response.json()["task"] == world.task.pk


@pytest.mark.django_db
def test_the_largest_value_allowed_is_stored_and_read_back_exactly(world, clients):
    response = clients["staff"].post(
        ENTRIES,
        {"target": world.target.pk, "year": 2024, "value": "99999999999.9999"},
        format="json",
    )

    assert response.status_code == 201, response.content.decode()
    read = clients["staff"].get(entry_url(ProgressEntry.objects.get(pk=response.json()["id"])))
    assert Decimal(str(read.json()["value"])) == Decimal("99999999999.9999")


@pytest.mark.django_db
def test_a_department_creates_a_draft_for_a_task_with_only_a_narrative(world, clients):
    response = clients["staff"].post(
        ENTRIES,
        {
            "task": world.task.pk,
            "year": 2024,
            "quarter": 2,
            "narrative": "已完成全市中职教师摸底。",
        },
        format="json",
    )

    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert (body["task"], body["target"], body["value"]) == (world.task.pk, None, None)
    assert (body["year"], body["quarter"], body["narrative"]) == (
        2024,
        2,
        "已完成全市中职教师摸底。",
    )
    assert body["department"]["id"] == world.own.pk
    assert body["status"] == "draft"


@pytest.mark.django_db
def test_a_department_may_report_on_a_task_it_only_co_operates_on(world, clients):
    response = clients["staff"].post(
        ENTRIES,
        {"task": world.other_task.pk, "year": 2024, "narrative": "配合完成经费测算。"},
        format="json",
    )

    assert response.status_code == 201, response.content.decode()
    assert response.json()["department"]["id"] == world.own.pk


@pytest.mark.django_db
def test_the_supervision_office_cannot_create_an_entry(world, clients):
    before = ProgressEntry.objects.count()

    response = clients["office"].post(
        ENTRIES, {"target": world.target.pk, "year": 2024, "value": "45"}, format="json"
    )

    error_of(response, 403)
    assert ProgressEntry.objects.count() == before


@pytest.mark.django_db
def test_an_anonymous_caller_cannot_create_an_entry(world, clients):
    before = ProgressEntry.objects.count()

    response = clients["anonymous"].post(
        ENTRIES, {"target": world.target.pk, "year": 2024, "value": "45"}, format="json"
    )

    error = error_of(response, 401)
    assert "Token" in error["message"]
    assert ProgressEntry.objects.count() == before


@pytest.mark.django_db
def test_a_supervisor_cannot_create_an_entry(world, clients):
    before = ProgressEntry.objects.count()

    response = clients["supervisor"].post(
        ENTRIES, {"target": world.target.pk, "year": 2024, "value": "45"}, format="json"
    )

    error_of(response, 403)
    assert ProgressEntry.objects.count() == before


# ---------------------------------------------------------------------------------------------
# Refused input: 400, the field named, nothing written


def _per_county_target(world):
    return TargetFactory(
        task=world.task, label="标准化建设达标学校", value=Decimal("2"), unit="所", per_unit="县区"
    )


def _county_elsewhere():
    return JurisdictionFactory(name="别县", parent=JurisdictionFactory(name="别市", kind="city"))


INVALID = [
    pytest.param(
        lambda w: {"target": w.target.pk, "year": 1999, "value": "40"}, "year", id="year-too-early"
    ),
    pytest.param(
        lambda w: {"target": w.target.pk, "year": 2101, "value": "40"}, "year", id="year-too-late"
    ),
    pytest.param(
        lambda w: {"target": w.target.pk, "year": "明年", "value": "40"},
        "year",
        id="year-not-a-number",
    ),
    pytest.param(
        lambda w: {"target": w.target.pk, "year": 2024, "value": "四十"},
        "value",
        id="value-not-a-number",
    ),
    pytest.param(
        lambda w: {
            "task": w.task.pk,
            "target": w.other_entry.target_id,
            "year": 2024,
            "value": "40",
        },
        "target",
        id="target-of-another-task",
    ),
    pytest.param(
        lambda w: {"target": _per_county_target(w).pk, "year": 2024, "value": "3"},
        "jurisdiction",
        id="per-county-target-without-county",
    ),
    pytest.param(
        lambda w: {
            "target": _per_county_target(w).pk,
            "jurisdiction": _county_elsewhere().pk,
            "year": 2024,
            "value": "3",
        },
        "jurisdiction",
        id="per-county-target-with-a-county-it-is-not-measured-in",
    ),
    pytest.param(
        lambda w: {"target": w.target.pk, "year": 2024, "narative": "拼错了字段名"},
        "narative",
        id="misspelt-field",
    ),
    pytest.param(
        lambda w: {"target": w.target.pk, "year": 2024},
        "narrative",
        id="neither-value-nor-narrative",
    ),
    pytest.param(lambda w: {"year": 2024, "value": "40"}, "task", id="neither-task-nor-target"),
    pytest.param(
        lambda w: {"target": 999999, "year": 2024, "value": "40"},
        "target",
        id="target-that-does-not-exist",
    ),
    pytest.param(
        lambda w: {"target": w.target.pk, "year": 2024, "value": "1" + "0" * 11},
        "value",
        id="value-of-12-digits",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("make", "field"), INVALID)
def test_a_refused_new_entry_answers_400_naming_the_field_and_writes_nothing(
    world, clients, make, field
):
    data = make(world)
    before = ProgressEntry.objects.count()

    response = clients["staff"].post(ENTRIES, data, format="json")

    error = error_of(response, 400)
    assert error["code"]
    assert list(error["fields"]) == [field], error
    [reason] = error["fields"][field]
    assert is_chinese(reason), reason
    assert error["message"] == f"提交的数据有误：{field}：{reason}"
    assert ProgressEntry.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("status", "approved"), ("department", "OTHER"), ("reviewed_by", "supervisor")],
)
def test_a_department_cannot_set_what_the_workflow_decides(world, clients, field, value):
    before = ProgressEntry.objects.count()
    value = world.other.pk if value == "OTHER" else value

    created = clients["staff"].post(
        ENTRIES,
        {"target": world.target.pk, "year": 2024, "value": "40", field: value},
        format="json",
    )
    patched = clients["staff"].patch(entry_url(world.draft), {field: value}, format="json")

    assert list(error_of(created, 400)["fields"]) == [field]
    assert list(error_of(patched, 400)["fields"]) == [field]
    assert ProgressEntry.objects.count() == before
    world.draft.refresh_from_db()
    assert (world.draft.status, world.draft.department, world.draft.reviewed_by) == (
        ProgressStatus.DRAFT,
        world.own,
        None,
    )


@pytest.mark.django_db
def test_a_value_for_a_per_county_target_is_accepted_with_its_county(world, clients):
    county = JurisdictionFactory(name="甲县", parent=world.city)
    target = _per_county_target(world)

    response = clients["staff"].post(
        ENTRIES,
        {"target": target.pk, "jurisdiction": county.pk, "year": 2024, "value": "3"},
        format="json",
    )

    assert response.status_code == 201, response.content.decode()
    assert response.json()["jurisdiction"] == county.pk


@pytest.mark.django_db
def test_a_county_the_target_is_not_measured_in_is_refused_naming_the_ones_it_is(world, clients):
    # Attainment counts a per-county target in the counties under its plan's place; a value for
    # another would be stored and counted nowhere.
    JurisdictionFactory(name="甲县", parent=world.city)
    target = _per_county_target(world)
    draft = clients["staff"].post(
        ENTRIES,
        {
            "target": target.pk,
            "jurisdiction": world.city.children.get().pk,
            "year": 2024,
            "narrative": "推进中",
        },
        format="json",
    )
    elsewhere = _county_elsewhere()

    created = clients["staff"].post(
        ENTRIES,
        {"target": target.pk, "jurisdiction": elsewhere.pk, "year": 2024, "value": "3"},
        format="json",
    )
    moved = clients["staff"].patch(
        f"{ENTRIES}{draft.json()['id']}/", {"jurisdiction": elsewhere.pk}, format="json"
    )

    reason = "“别县”不在目标“标准化建设达标学校”考核的县区之列，请选择：甲县"
    assert error_of(created, 400)["fields"] == {"jurisdiction": [reason]}
    assert error_of(moved, 400)["fields"] == {"jurisdiction": [reason]}
    assert not ProgressEntry.objects.filter(jurisdiction=elsewhere).exists()


@pytest.mark.django_db
def test_the_year_out_of_range_message_says_what_is_allowed(world, clients):
    response = clients["staff"].post(
        ENTRIES, {"target": world.target.pk, "year": 1999, "value": "40"}, format="json"
    )

    error = error_of(response, 400)
    assert "2000" in error["fields"]["year"][0]


@pytest.mark.django_db
def test_a_misspelt_field_is_refused_and_the_message_lists_the_real_ones(world, clients):
    response = clients["staff"].post(
        ENTRIES,
        {
            "target": world.target.pk,
            "year": 2024,
            "value": "40",
            "narative": "全市中职“双师型”教师 1700 人。",
        },
        format="json",
    )

    error = error_of(response, 400)
    assert "narrative" in error["fields"]["narative"][0]
    assert "narative" in error["message"]


@pytest.mark.django_db
def test_a_department_cannot_report_on_a_task_that_is_not_its_own(world, clients):
    before = ProgressEntry.objects.count()

    # The first department's task is not the second department's.
    response = clients["other_staff"].post(
        ENTRIES, {"target": world.target.pk, "year": 2024, "value": "40"}, format="json"
    )

    error = error_of(response, 403)
    assert "不属于" in error["message"]
    assert ProgressEntry.objects.count() == before


# ---------------------------------------------------------------------------------------------
# Editing


@pytest.mark.django_db
def test_patch_changes_only_the_fields_sent(world, clients):
    before = snapshot(world.draft)

    response = clients["staff"].patch(entry_url(world.draft), {"value": "47.3"}, format="json")

    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert Decimal(str(body["value"])) == Decimal("47.3")
    assert (body["narrative"], body["year"], body["status"]) == (
        before["narrative"],
        before["year"],
        "draft",
    )
    after = snapshot(world.draft)
    assert after == before | {"value": Decimal("47.3")}


@pytest.mark.django_db
def test_put_rewrites_the_draft(world, clients):
    response = clients["staff"].put(
        entry_url(world.draft),
        {
            "target": world.target.pk,
            "year": 2024,
            "quarter": 3,
            "value": "50",
            "narrative": "前三季度新认定 120 人。",
        },
        format="json",
    )

    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert (body["year"], body["quarter"], Decimal(str(body["value"])), body["narrative"]) == (
        2024,
        3,
        Decimal("50"),
        "前三季度新认定 120 人。",
    )
    stored = snapshot(world.draft)
    assert (stored["year"], stored["quarter"], stored["value"], stored["narrative"]) == (
        2024,
        3,
        Decimal("50"),
        "前三季度新认定 120 人。",
    )


@pytest.mark.django_db
def test_put_clears_what_it_leaves_out(world, clients):
    world.draft.value, world.draft.quarter = Decimal("41.2"), 2
    world.draft.save()

    response = clients["staff"].put(
        entry_url(world.draft), {"year": 2024, "narrative": "只写进展情况"}, format="json"
    )

    assert response.status_code == 200, response.content.decode()
    world.draft.refresh_from_db()
    assert (world.draft.value, world.draft.quarter, world.draft.target, world.draft.task) == (
        None,
        None,
        None,
        world.task,
    )
    assert world.draft.narrative == "只写进展情况"


@pytest.mark.django_db
def test_put_without_the_year_is_refused(world, clients):
    before = snapshot(world.draft)

    response = clients["staff"].put(
        entry_url(world.draft), {"target": world.target.pk, "value": "50"}, format="json"
    )

    error = error_of(response, 400)
    assert list(error["fields"]) == ["year"]
    assert snapshot(world.draft) == before


@pytest.mark.django_db
def test_a_returned_entry_can_be_edited_again(world, clients):
    response = clients["staff"].patch(entry_url(world.returned), {"value": "44"}, format="json")

    assert response.status_code == 200, response.content.decode()
    assert response.json()["status"] == "returned"


@pytest.mark.django_db
def test_a_misspelt_field_in_a_patch_is_refused_and_nothing_changes(world, clients):
    before = snapshot(world.draft)

    response = clients["staff"].patch(
        entry_url(world.draft), {"narative": "新的进展"}, format="json"
    )

    error = error_of(response, 400)
    assert list(error["fields"]) == ["narative"]
    assert snapshot(world.draft) == before


@pytest.mark.django_db
def test_a_patch_with_a_null_task_keeps_the_entrys_task(world, clients):
    response = clients["staff"].patch(
        entry_url(world.draft), {"task": None, "narrative": "新的进展"}, format="json"
    )

    assert response.status_code == 200, response.content.decode()
    world.draft.refresh_from_db()
    assert (world.draft.task, world.draft.narrative) == (world.task, "新的进展")


@pytest.mark.django_db
def test_a_patch_with_an_invalid_value_is_refused_and_nothing_changes(world, clients):
    before = snapshot(world.draft)

    response = clients["staff"].patch(
        entry_url(world.draft), {"year": 2024, "value": "不详"}, format="json"
    )

    error = error_of(response, 400)
    assert list(error["fields"]) == ["value"]
    assert snapshot(world.draft) == before


@pytest.mark.django_db
def test_a_patch_moving_the_entry_to_a_target_of_another_task_is_refused(world, clients):
    before = snapshot(world.draft)

    response = clients["staff"].patch(
        entry_url(world.draft),
        {"task": world.task.pk, "target": world.other_entry.target_id},
        format="json",
    )

    error = error_of(response, 400)
    assert list(error["fields"]) == ["target"]
    assert snapshot(world.draft) == before


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["patch", "put"])
def test_a_submitted_entry_cannot_be_edited(world, clients, method):
    before = snapshot(world.submitted)

    response = getattr(clients["staff"], method)(
        entry_url(world.submitted),
        {"target": world.target.pk, "year": 2024, "value": "99"},
        format="json",
    )

    error = error_of(response, 409)
    assert "已提交待审" in error["message"]
    assert snapshot(world.submitted) == before


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["patch", "put"])
def test_an_approved_entry_cannot_be_edited_and_the_message_says_it_was_approved(
    world, clients, method
):
    before = snapshot(world.approved)

    response = getattr(clients["staff"], method)(
        entry_url(world.approved),
        {"target": world.target.pk, "year": 2024, "value": "99"},
        format="json",
    )

    error = error_of(response, 409)
    assert "已通过" in error["message"]
    assert "不能修改" in error["message"]
    assert snapshot(world.approved) == before


@pytest.mark.django_db
def test_another_departments_staff_cannot_see_or_edit_the_entry(world, clients):
    before = snapshot(world.draft)

    response = clients["other_staff"].patch(entry_url(world.draft), {"value": "1"}, format="json")

    error_of(response, 404)
    assert snapshot(world.draft) == before


# ---------------------------------------------------------------------------------------------
# Submitting and reviewing


@pytest.mark.django_db
def test_a_department_submits_its_draft_and_can_no_longer_edit_it(world, clients):
    response = clients["staff"].post(f"{entry_url(world.draft)}submit/")

    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert (body["status"], body["status_display"]) == ("submitted", "已提交待审")
    assert body["submitted_at"] is not None
    world.draft.refresh_from_db()
    assert world.draft.status == ProgressStatus.SUBMITTED

    again = clients["staff"].patch(entry_url(world.draft), {"value": "1"}, format="json")
    error_of(again, 409)


@pytest.mark.django_db
def test_submitting_an_entry_twice_is_a_conflict(world, clients):
    response = clients["staff"].post(f"{entry_url(world.submitted)}submit/")

    error = error_of(response, 409)
    assert "不能再次提交" in error["message"]


@pytest.mark.django_db
def test_a_supervisor_approves_a_submitted_entry(world, clients):
    response = clients["supervisor"].post(f"{entry_url(world.submitted)}approve/")

    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert (body["status"], body["status_display"], body["reviewed_by"]) == (
        "approved",
        "已通过",
        "supervisor",
    )
    assert body["reviewed_at"] is not None
    world.submitted.refresh_from_db()
    assert world.submitted.status == ProgressStatus.APPROVED


@pytest.mark.django_db
def test_a_draft_cannot_be_approved_before_it_is_submitted(world, clients):
    response = clients["supervisor"].post(f"{entry_url(world.draft)}approve/")

    error = error_of(response, 409)
    assert "只能审核已提交的填报" in error["message"]
    assert snapshot(world.draft)["status"] == ProgressStatus.DRAFT


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "office"])
def test_only_a_supervisor_may_approve(world, clients, role):
    response = clients[role].post(f"{entry_url(world.submitted)}approve/")

    error_of(response, 403)
    assert snapshot(world.submitted)["status"] == ProgressStatus.SUBMITTED


@pytest.mark.django_db
def test_a_supervisor_returns_an_entry_with_a_comment(world, clients):
    response = clients["supervisor"].post(
        f"{entry_url(world.submitted)}return/", {"comment": "请补充认定文件。"}, format="json"
    )

    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert (body["status"], body["status_display"], body["review_comment"]) == (
        "returned",
        "已退回",
        "请补充认定文件。",
    )
    world.submitted.refresh_from_db()
    assert (world.submitted.status, world.submitted.review_comment) == (
        ProgressStatus.RETURNED,
        "请补充认定文件。",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data", [{}, {"comment": ""}, {"comment": "   "}], ids=["missing", "empty", "blank"]
)
def test_returning_an_entry_requires_a_comment(world, clients, data):
    response = clients["supervisor"].post(
        f"{entry_url(world.submitted)}return/", data, format="json"
    )

    error = error_of(response, 400)
    assert list(error["fields"]) == ["comment"]
    assert "comment" in error["message"]
    assert snapshot(world.submitted)["status"] == ProgressStatus.SUBMITTED


@pytest.mark.django_db
def test_staff_cannot_return_an_entry(world, clients):
    response = clients["staff"].post(
        f"{entry_url(world.submitted)}return/", {"comment": "自己退回"}, format="json"
    )

    error_of(response, 403)
    assert snapshot(world.submitted)["status"] == ProgressStatus.SUBMITTED


# ---------------------------------------------------------------------------------------------
# Evidence


PDF = (
    b"%PDF-1.4\n% \xe4\xbd\x90\xe8\xaf\x81\xe6\x9d\x90\xe6\x96\x99\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
)


@pytest.mark.django_db
def test_evidence_is_uploaded_and_downloads_back_with_the_same_bytes(world, clients):
    response = clients["staff"].post(
        f"{entry_url(world.draft)}evidence/",
        {"file": upload("双师型认定名单.pdf", PDF), "description": "2024 年认定名单"},
        format="multipart",
    )

    assert response.status_code == 201, response.content.decode()
    location = response["Location"]
    body = response.json()
    assert location.startswith("http://testserver/api/v1/progress-entries/")
    assert body["url"] == location
    assert (body["name"], body["description"], body["size"]) == (
        "双师型认定名单.pdf",
        "2024 年认定名单",
        len(PDF),
    )
    evidence = Evidence.objects.get(entry=world.draft)
    assert location.endswith(f"/{world.draft.pk}/evidence/{evidence.pk}/")

    download = clients["staff"].get(location)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]

    # The entry now lists it.
    listed = clients["staff"].get(entry_url(world.draft)).json()["evidence"]
    assert [e["id"] for e in listed] == [evidence.pk]


@pytest.mark.django_db
def test_the_supervisor_can_download_a_departments_evidence(world, clients):
    created = clients["staff"].post(
        f"{entry_url(world.draft)}evidence/",
        {"file": upload("签到表.pdf", PDF)},
        format="multipart",
    )
    assert created.status_code == 201, created.content.decode()

    download = clients["supervisor"].get(created["Location"])

    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.django_db
def test_evidence_of_a_disallowed_type_is_refused_with_the_file_name(world, clients):
    response = clients["staff"].post(
        f"{entry_url(world.draft)}evidence/",
        {"file": upload("setup.exe", b"MZ\x90\x00" * 16)},
        format="multipart",
    )

    error = error_of(response, 400)
    assert "setup.exe" in error["message"]
    assert "file" in error["fields"]
    assert Evidence.objects.count() == 0


@pytest.mark.django_db
def test_oversize_evidence_is_refused_with_the_file_name(world, clients, settings):
    settings.EVIDENCE_MAX_BYTES = 1024

    response = clients["staff"].post(
        f"{entry_url(world.draft)}evidence/",
        {"file": upload("会议纪要.pdf", PDF * 100)},
        format="multipart",
    )

    error = error_of(response, 400)
    assert "会议纪要.pdf" in error["message"]
    assert "超过上限" in error["message"]
    assert Evidence.objects.count() == 0


@pytest.mark.django_db
def test_the_oversize_message_does_not_say_the_file_is_as_large_as_the_limit(
    world, clients, settings
):
    """A 2.3 MB file over a 2 MB limit must not read “大小为 2 MB，超过上限 2 MB” (sizes are
    rounded down to whole megabytes), nor a small file over a small limit “0 MB，超过上限 0 MB”."""
    settings.EVIDENCE_MAX_BYTES = 2 * 1024 * 1024

    response = clients["staff"].post(
        f"{entry_url(world.draft)}evidence/",
        {"file": upload("会议纪要.pdf", b"x" * (2 * 1024 * 1024 + 300 * 1024))},
        format="multipart",
    )

    error = error_of(response, 400)
    said = re.search(r"大小为 (.+?)，超过上限 (.+)$", error["fields"]["file"][0])
    assert said, error
    size, limit = said.groups()
    assert size != limit, error["message"]
    assert Evidence.objects.count() == 0


@pytest.mark.django_db
def test_evidence_cannot_be_added_to_an_approved_entry(world, clients):
    response = clients["staff"].post(
        f"{entry_url(world.approved)}evidence/",
        {"file": upload("补充.pdf", PDF)},
        format="multipart",
    )

    error = error_of(response, 409)
    assert "已通过" in error["message"]
    assert Evidence.objects.count() == 0


@pytest.mark.django_db
def test_another_departments_staff_cannot_add_evidence(world, clients):
    response = clients["other_staff"].post(
        f"{entry_url(world.draft)}evidence/", {"file": upload("冒名.pdf", PDF)}, format="multipart"
    )

    error_of(response, 404)
    assert Evidence.objects.count() == 0


@pytest.mark.django_db
def test_another_departments_staff_cannot_download_evidence(world, clients):
    created = clients["staff"].post(
        f"{entry_url(world.draft)}evidence/",
        {"file": upload("签到表.pdf", PDF)},
        format="multipart",
    )
    assert created.status_code == 201, created.content.decode()

    response = clients["other_staff"].get(created["Location"])

    error_of(response, 404)


@pytest.mark.django_db
def test_evidence_with_a_misspelt_field_is_refused_and_nothing_is_stored(world, clients):
    before = Evidence.objects.count()

    response = clients["staff"].post(
        f"{entry_url(world.draft)}evidence/",
        {"file": upload("签到表.txt", "签到 120 人".encode()), "descripton": "签到表"},
        format="multipart",
    )

    error = error_of(response, 400)
    assert list(error["fields"]) == ["descripton"]
    assert "description" in error["fields"]["descripton"][0]
    assert Evidence.objects.count() == before


@pytest.mark.django_db
def test_a_return_with_a_misspelt_field_is_refused_and_the_entry_stays_submitted(world, clients):
    response = clients["supervisor"].post(
        f"{entry_url(world.submitted)}return/",
        {"comment": "请核对", "commnet": "请核对口径"},
        format="json",
    )

    assert list(error_of(response, 400)["fields"]) == ["commnet"]
    world.submitted.refresh_from_db()
    assert world.submitted.status == ProgressStatus.SUBMITTED


@pytest.mark.django_db
def test_evidence_without_a_file_is_refused_naming_the_field(world, clients):
    response = clients["staff"].post(
        f"{entry_url(world.draft)}evidence/", {"description": "忘了附文件"}, format="multipart"
    )

    error = error_of(response, 400)
    assert list(error["fields"]) == ["file"]
    assert Evidence.objects.count() == 0
