"""The entry pages of the workbench as people use them: 填报 with evidence, 提交审核 with a
confirmation that names what is sent, 通过 and 退回 (with a reason) by supervisors."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from tasks_registry import services
from tasks_registry.models import Evidence, ProgressEntry, ProgressStatus
from tests.factories import (
    DepartmentFactory,
    JurisdictionFactory,
    PlanFactory,
    SupervisorFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%demo list of teachers\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00demo"


def pdf(name: str = "a.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def jpg(name: str = "b.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


@pytest.fixture
def education():
    return DepartmentFactory(name="市教育局")


@pytest.fixture
def target(education):
    return TargetFactory(task__lead=education, task__number="16")


@pytest.fixture
def staff(education):
    return UserFactory(username="jiaoyu", department=education, last_name="教育局填报员")


@pytest.fixture
def supervisor():
    return SupervisorFactory(username="supervisor", last_name="督导王")


def new_url(**query) -> str:
    return reverse("workbench:entry_new") + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def text(response) -> str:
    """What the page says, tags dropped, whitespace folded: what a person reads."""
    body = response.content.decode()
    body = re.sub(r"<script.*?</script>|<style.*?</style>", "", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def submitted(target, staff, **fields) -> ProgressEntry:
    entry = services.progress_entry_create(
        by=staff, target=target, year=2023, value=Decimal("41.2"), **fields
    )
    return services.progress_entry_submit(entry=entry, by=staff)


# -- 填报 ----------------------------------------------------------------------------------


def test_the_form_shows_the_target_the_unit_and_what_may_be_uploaded(client, target, staff):
    client.force_login(staff)
    response = client.get(new_url(target=target.pk, year=2023))
    assert response.status_code == 200
    page = text(response)
    assert "任务 16" in page and "职业院校“双师型”教师占比" in page and "≥60%" in page
    assert re.search(
        r'name="value"[^>]*>\s*<span class="wb-unit" id="value-unit">%</span>',
        response.content.decode(),
    )
    assert "可上传 pdf、doc、docx、xls、xlsx、jpg、jpeg、png、txt、zip 文件" in page
    assert "单个文件不超过 20 MB" in page
    assert "保存草稿" in page and "保存并提交审核" in page


def test_staff_record_and_submit_a_value_with_two_files(client, target, staff):
    client.force_login(staff)
    url = new_url(target=target.pk, year=2023)
    response = client.post(
        url,
        {
            "year": 2023,
            "value": "41.2",
            "narrative": "",
            "evidence": [pdf(), jpg()],
            "_submit": "1",
        },
    )
    entry = ProgressEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:entry_submit", args=[entry.pk])
    assert entry.status == ProgressStatus.DRAFT  # not sent before the confirmation

    confirmation = text(client.get(response["Location"]))
    assert (
        f"将提交审核：任务 16《{target.task.plan.title}》职业院校“双师型”教师占比 2023 年 "
        "完成值 41.2%，佐证材料 2 份：a.pdf、b.jpg。提交后不能再修改，除非被退回。"
    ) in confirmation
    assert "确认提交" in confirmation

    done = client.post(response["Location"], follow=True)
    assert done.redirect_chain[-1][0] == reverse("workbench:entry", args=[entry.pk])
    assert "已提交审核：职业院校“双师型”教师占比 2023 年 完成值 41.2%" in text(done)
    entry.refresh_from_db()
    assert entry.status == ProgressStatus.SUBMITTED
    assert entry.value == Decimal("41.2") and entry.year == 2023
    assert entry.department == staff.department and entry.created_by == staff
    assert sorted(str(e) for e in entry.evidence.all()) == ["a.pdf", "b.jpg"]


def test_save_draft_keeps_a_draft_and_says_so(client, target, staff):
    client.force_login(staff)
    response = client.post(
        new_url(target=target.pk), {"year": 2023, "value": "41.2", "_save": "1"}, follow=True
    )
    entry = ProgressEntry.objects.get()
    assert entry.status == ProgressStatus.DRAFT
    page = text(response)
    assert "已保存草稿：职业院校“双师型”教师占比 2023 年 完成值 41.2%" in page
    assert "修改" in page and "提交审核" in page


def test_the_submit_page_passes_next_on_to_the_confirmation(client, target, staff):
    client.force_login(staff)
    home = reverse("attainment:list")
    response = client.post(
        new_url(target=target.pk, next=home), {"year": 2023, "value": "41.2", "_submit": "1"}
    )
    entry = ProgressEntry.objects.get()
    assert response["Location"] == (
        reverse("workbench:entry_submit", args=[entry.pk]) + "?next=%2Fsupervision%2F"
    )
    page = client.get(response["Location"]).content.decode()
    assert 'name="next" value="/supervision/"' in page
    assert client.post(response["Location"], {"next": home})["Location"] == home


def test_money_is_typed_in_wan_yuan_and_stored_in_yuan(client, education, staff):
    target = TargetFactory(
        task__lead=education, label="市级财政投入", value=Decimal("6000000"), unit="元"
    )
    client.force_login(staff)
    form = client.get(new_url(target=target.pk, year=2023))
    assert '<span class="wb-unit" id="value-unit">万元</span>' in form.content.decode()
    assert "此处按万元填写" in text(form)

    client.post(new_url(target=target.pk), {"year": 2023, "value": "612.5", "_save": "1"})
    entry = ProgressEntry.objects.get()
    assert entry.value == Decimal("6125000")
    page = text(client.get(reverse("workbench:entry", args=[entry.pk])))
    assert "612.5 万元" in page and "6125000" not in page

    edit = client.get(reverse("workbench:entry_edit", args=[entry.pk])).content.decode()
    assert 'value="612.5"' in edit  # typed back in 万元, as it was entered


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("名单.pdf", b"<html>not a pdf</html>"), "内容与扩展名 .pdf 不符"),
        (SimpleUploadedFile("空.pdf", b""), "文件“空.pdf”是空的"),
        (SimpleUploadedFile("run.exe", b"MZ\x90\x00"), "文件“run.exe”的类型不支持"),
        (SimpleUploadedFile("big.pdf", PDF + b"0" * 2048), "超过上限 1 KB"),
    ],
    ids=["content-not-pdf", "empty", "wrong-type", "too-big"],
)
def test_a_bad_file_refuses_the_whole_save(client, settings, target, staff, upload, message):
    settings.EVIDENCE_MAX_BYTES = 1024
    client.force_login(staff)
    response = client.post(
        new_url(target=target.pk),
        {
            "year": 2023,
            "value": "41.2",
            "narrative": "已认定",
            "evidence": [pdf(), upload],
            "_submit": "1",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    evidence_field = body[body.index('id="evidence-rules"') : body.index('name="evidence"')]
    assert message in evidence_field  # next to the file input
    assert 'value="41.2"' in body and "已认定" in body  # what was typed is kept
    assert ProgressEntry.objects.count() == 0
    assert Evidence.objects.count() == 0


def test_neither_value_nor_narrative_is_refused_with_the_models_message(client, target, staff):
    client.force_login(staff)
    response = client.post(new_url(target=target.pk), {"year": 2023, "_save": "1"})
    assert response.status_code == 200
    assert "请填写完成值或进展情况（至少一项）" in text(response)
    assert ProgressEntry.objects.count() == 0


def test_the_form_is_prefilled_from_the_query_string(client, target, staff):
    client.force_login(staff)
    body = client.get(new_url(target=target.pk, year=2024, quarter=2)).content.decode()
    assert re.search(r'name="year" value="2024"', body)
    assert re.search(r'<option value="2" selected>二季度</option>', body)


def test_a_per_county_target_asks_for_the_county_and_prefills_it(client, education, staff):
    city = JurisdictionFactory(name="测试市", kind="city")
    east, west = (
        JurisdictionFactory(name="东县", parent=city),
        JurisdictionFactory(name="西县", parent=city),
    )
    JurisdictionFactory(name="别的县")  # not under the plan's place: not offered
    target = TargetFactory(
        task__lead=education, task__plan=PlanFactory(jurisdiction=city), per_unit="县区"
    )
    client.force_login(staff)
    body = client.get(new_url(target=target.pk, year=2023, place=west.pk)).content.decode()
    assert f'<option value="{west.pk}" selected>西县</option>' in body
    assert f'<option value="{east.pk}">东县</option>' in body
    assert "别的县" not in body

    refused = client.post(new_url(target=target.pk), {"year": 2023, "value": "70", "_save": "1"})
    assert "请选择完成值所属的县区" in text(refused)
    client.post(
        new_url(target=target.pk),
        {"year": 2023, "value": "70", "jurisdiction": east.pk, "_save": "1"},
    )
    assert ProgressEntry.objects.get().jurisdiction == east


def test_a_cooperating_department_may_record(client, target):
    finance = DepartmentFactory(name="市财政局")
    task = TaskFactory(co=[finance])
    shared = TargetFactory(task=task)
    client.force_login(UserFactory(department=finance))
    assert client.get(new_url(target=shared.pk)).status_code == 200
    client.post(new_url(target=shared.pk), {"year": 2023, "value": "50", "_save": "1"})
    assert ProgressEntry.objects.get().department == finance


def test_another_departments_staff_get_404_for_the_target(client, target):
    client.force_login(UserFactory(department=DepartmentFactory(name="市民政局")))
    assert client.get(new_url(target=target.pk)).status_code == 404
    assert client.post(new_url(target=target.pk), {"year": 2023, "value": "1"}).status_code == 404
    assert ProgressEntry.objects.count() == 0


def test_those_who_see_a_task_but_do_not_report_on_it_get_403(client, target, supervisor):
    office = UserFactory(role=Role.OFFICE, department=None)
    for user in (supervisor, office):
        client.force_login(user)
        assert client.get(new_url(target=target.pk)).status_code == 403
        response = client.post(new_url(target=target.pk), {"year": 2023, "value": "1"})
        assert response.status_code == 403
    assert ProgressEntry.objects.count() == 0


def test_no_target_named_is_404(client, staff):
    client.force_login(staff)
    assert client.get(reverse("workbench:entry_new")).status_code == 404


def test_signed_out_goes_to_sign_in(client, target):
    response = client.get(new_url(target=target.pk))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


# -- an entry's page -------------------------------------------------------------------------


def test_the_entry_page_lists_files_through_the_download_view(client, target, staff):
    entry = services.progress_entry_create(
        by=staff, target=target, year=2023, value=Decimal("41.2")
    )
    evidence = services.evidence_add(entry=entry, by=staff, file=pdf("认定名单.pdf"))
    client.force_login(staff)
    response = client.get(reverse("workbench:entry", args=[entry.pk]))
    body = response.content.decode()
    link = reverse("files:evidence", args=[evidence.pk])
    assert f'<a href="{link}">认定名单.pdf</a>' in body
    assert "/media/" not in body
    page = text(response)
    assert "41.2%" in page and "41.2000" not in page
    assert "草稿" in page and "创建草稿" in page
    assert client.get(link).status_code == 200


def test_another_departments_staff_get_404_on_the_entry(client, target, staff):
    entry = submitted(target, staff)
    client.force_login(UserFactory(department=DepartmentFactory(name="市民政局")))
    for name in ("entry", "entry_edit", "entry_submit", "entry_approve", "entry_return"):
        assert client.get(reverse(f"workbench:{name}", args=[entry.pk])).status_code == 404


def test_a_returned_entry_shows_the_reason_at_the_top(client, target, staff, supervisor):
    entry = submitted(target, staff)
    services.progress_entry_return(entry=entry, by=supervisor, comment="请补充认定名单")
    client.force_login(staff)
    response = client.get(reverse("workbench:entry", args=[entry.pk]))
    page = text(response)
    assert re.search(r"已退回： 请补充认定名单（督导王，\d{4}年\d+月\d+日 \d\d:\d\d）", page)
    body = response.content.decode()
    assert body.index('id="returned-reason"') < body.index("<h1>") < body.index("entry-facts")
    assert "退回修改：请补充认定名单" in page  # and in the review history


def test_buttons_follow_who_may_do_what(client, target, staff, supervisor):
    entry = submitted(target, staff)
    url = reverse("workbench:entry", args=[entry.pk])
    edit, approve, give_back = (
        reverse(f"workbench:{name}", args=[entry.pk])
        for name in ("entry_edit", "entry_approve", "entry_return")
    )
    client.force_login(staff)
    body = client.get(url).content.decode()
    assert edit not in body and approve not in body and give_back not in body
    client.force_login(supervisor)
    body = client.get(url).content.decode()
    assert f'href="{approve}">通过</a>' in body and f'href="{give_back}">退回</a>' in body
    assert edit not in body
    services.progress_entry_approve(entry=entry, by=supervisor)
    assert approve not in client.get(url).content.decode()


def test_staff_see_edit_and_submit_on_their_draft(client, target, staff):
    entry = services.progress_entry_create(by=staff, target=target, year=2023, value=Decimal("41"))
    client.force_login(staff)
    body = client.get(reverse("workbench:entry", args=[entry.pk])).content.decode()
    assert f'href="{reverse("workbench:entry_edit", args=[entry.pk])}">修改</a>' in body
    assert f'href="{reverse("workbench:entry_submit", args=[entry.pk])}">提交审核</a>' in body


# -- 修改 ------------------------------------------------------------------------------------


def test_a_returned_entry_is_corrected_files_swapped_and_sent_again(
    client, target, staff, supervisor
):
    entry = services.progress_entry_create(by=staff, target=target, year=2023, value=Decimal("41"))
    old = services.evidence_add(entry=entry, by=staff, file=pdf("旧名单.pdf"))
    services.progress_entry_submit(entry=entry, by=staff)
    services.progress_entry_return(entry=entry, by=supervisor, comment="数值有误")
    client.force_login(staff)
    edit_url = reverse("workbench:entry_edit", args=[entry.pk])
    form = text(client.get(edit_url))
    assert "已退回： 数值有误" in form and "旧名单.pdf" in form
    response = client.post(
        edit_url,
        {
            "year": 2023,
            "value": "41.2",
            "delete_evidence": [old.pk],
            "evidence": [jpg("新.jpg")],
            "_submit": "1",
        },
    )
    assert response["Location"] == reverse("workbench:entry_submit", args=[entry.pk])
    assert "佐证材料 1 份：新.jpg" in text(client.get(response["Location"]))
    client.post(response["Location"])
    entry.refresh_from_db()
    assert entry.status == ProgressStatus.SUBMITTED and entry.value == Decimal("41.2")
    assert [str(e) for e in entry.evidence.all()] == ["新.jpg"]


def test_a_submitted_entry_cannot_be_edited(client, target, staff):
    entry = submitted(target, staff)
    client.force_login(staff)
    response = client.post(
        reverse("workbench:entry_edit", args=[entry.pk]),
        {"year": 2023, "value": "99"},
        follow=True,
    )
    assert "当前状态为已提交待审，不能修改" in text(response)
    entry.refresh_from_db()
    assert entry.value == Decimal("41.2")


def test_a_bad_file_on_edit_changes_nothing(client, target, staff):
    entry = services.progress_entry_create(by=staff, target=target, year=2023, value=Decimal("41"))
    kept = services.evidence_add(entry=entry, by=staff, file=pdf("保留.pdf"))
    client.force_login(staff)
    response = client.post(
        reverse("workbench:entry_edit", args=[entry.pk]),
        {
            "year": 2023,
            "value": "50",
            "delete_evidence": [kept.pk],
            "evidence": [SimpleUploadedFile("x.png", b"not png")],
            "_save": "1",
        },
    )
    assert response.status_code == 200 and "不是 PNG 图片" in text(response)
    entry.refresh_from_db()
    assert entry.value == Decimal("41")
    assert list(entry.evidence.all()) == [kept]


# -- 提交审核 ----------------------------------------------------------------------------------


def test_only_the_entrys_department_may_submit(client, target, staff, supervisor):
    entry = services.progress_entry_create(by=staff, target=target, year=2023, value=Decimal("41"))
    client.force_login(supervisor)
    url = reverse("workbench:entry_submit", args=[entry.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    entry.refresh_from_db()
    assert entry.status == ProgressStatus.DRAFT


def test_submitting_twice_shows_the_services_message(client, target, staff):
    entry = submitted(target, staff)
    client.force_login(staff)
    url = reverse("workbench:entry_submit", args=[entry.pk])
    page = client.get(url).content.decode()
    assert "不能提交审核" in page and ">确认提交</button>" not in page
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "当前状态为已提交待审，不能再次提交" in text(response)


# -- 通过 and 退回 ---------------------------------------------------------------------------


def test_a_supervisor_approves_after_a_confirmation_and_goes_back_to_next(
    client, target, staff, supervisor
):
    entry = submitted(target, staff)
    client.force_login(supervisor)
    home = reverse("attainment:list")
    url = reverse("workbench:entry_approve", args=[entry.pk]) + f"?next={home}"
    confirmation = text(client.get(url))
    assert "确认通过：任务 16" in confirmation and "2023 年 完成值 41.2%" in confirmation
    assert "确认通过" in confirmation
    entry.refresh_from_db()
    assert entry.status == ProgressStatus.SUBMITTED  # the GET decided nothing
    response = client.post(url, {"next": home})
    assert response["Location"] == home
    entry.refresh_from_db()
    assert entry.status == ProgressStatus.APPROVED and entry.reviewed_by == supervisor
    page = text(client.get(reverse("workbench:entry", args=[entry.pk])))
    assert "已通过：职业院校“双师型”教师占比 2023 年 完成值 41.2%" in page
    assert "审核通过" in page


def test_an_external_next_is_not_followed(client, target, staff, supervisor):
    entry = submitted(target, staff)
    client.force_login(supervisor)
    url = reverse("workbench:entry_approve", args=[entry.pk])
    response = client.post(url, {"next": "https://evil.example/steal"})
    assert response["Location"] == reverse("workbench:entry", args=[entry.pk])
    page = client.get(url + "?next=//evil.example/").content.decode()
    assert "evil.example" not in page


def test_approving_twice_shows_the_conflict(client, target, staff, supervisor):
    entry = submitted(target, staff)
    client.force_login(supervisor)
    url = reverse("workbench:entry_approve", args=[entry.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "当前状态为已通过，只能审核已提交的填报" in text(response)
    page = text(client.get(url))
    assert "确认通过" not in page.replace("确认审核通过", "")


def test_staff_may_not_approve_or_return(client, target, staff):
    entry = submitted(target, staff)
    client.force_login(staff)
    for name in ("entry_approve", "entry_return"):
        url = reverse(f"workbench:{name}", args=[entry.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": "x"}).status_code == 403
    entry.refresh_from_db()
    assert entry.status == ProgressStatus.SUBMITTED


def test_returning_needs_a_reason(client, target, staff, supervisor):
    entry = submitted(target, staff)
    client.force_login(supervisor)
    url = reverse("workbench:entry_return", args=[entry.pk])
    form = text(client.get(url))
    assert "退回原因" in form and "确认退回" in form and "将退回：任务 16" in form
    response = client.post(url, {"reason": "   "})
    assert response.status_code == 200
    assert "请填写退回原因" in text(response)
    entry.refresh_from_db()
    assert entry.status == ProgressStatus.SUBMITTED and entry.review_comment == ""


def test_a_supervisor_returns_with_a_reason_and_goes_back_to_next(
    client, target, staff, supervisor
):
    entry = submitted(target, staff)
    client.force_login(supervisor)
    home = reverse("attainment:list")
    response = client.post(
        reverse("workbench:entry_return", args=[entry.pk]),
        {"reason": "请补充认定名单", "next": home},
    )
    assert response["Location"] == home
    page = text(client.get(home))
    assert (
        "已退回：职业院校“双师型”教师占比 2023 年 完成值 41.2%（退回原因：请补充认定名单）" in page
    )
    entry.refresh_from_db()
    assert entry.status == ProgressStatus.RETURNED
    assert entry.review_comment == "请补充认定名单" and entry.reviewed_by == supervisor


def test_returning_an_approved_entry_shows_the_conflict(client, target, staff, supervisor):
    entry = submitted(target, staff)
    services.progress_entry_approve(entry=entry, by=supervisor)
    client.force_login(supervisor)
    url = reverse("workbench:entry_return", args=[entry.pk])
    response = client.post(url, {"reason": "迟到的退回"}, follow=True)
    assert "当前状态为已通过，只能退回已提交的填报" in text(response)
    entry.refresh_from_db()
    assert entry.status == ProgressStatus.APPROVED and entry.review_comment == ""


def test_a_task_without_a_numeric_target_is_reported_in_words(client, education, staff):
    task = TaskFactory(lead=education, number="3", text="建立职业教育联席会议制度。")
    client.force_login(staff)
    form = text(client.get(new_url(task=task.pk, year=2023)))
    assert "该任务没有量化目标：请填写进展情况" in form
    client.post(new_url(task=task.pk), {"year": 2023, "narrative": "已召开两次", "_save": "1"})
    entry = ProgressEntry.objects.get()
    assert (entry.task, entry.target, entry.narrative) == (task, None, "已召开两次")


def test_a_target_named_with_another_task_is_404(client, education, target, staff):
    other = TaskFactory(lead=education)
    client.force_login(staff)
    assert client.get(new_url(target=target.pk, task=other.pk)).status_code == 404
