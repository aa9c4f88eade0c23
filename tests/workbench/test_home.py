"""The workbench (工作台) as each role sees it after signing in: sections in order, each with its
count, Chinese empty states, the buttons on the rows, links to /supervision/ filters, the same
number of queries however much there is to show, and the sign-in landing here."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from attainment.models import Reminder, ReminderKind, Status
from config.urls import urlpatterns as site_urlpatterns
from reporting.models import FigureConflict
from tasks_registry.models import Indicator, ProgressStatus
from tests.factories import (
    AttainmentFactory,
    DepartmentFactory,
    FigureFactory,
    PlanFactory,
    ReportFactory,
    TargetFactory,
    UserFactory,
)
from tests.workbench.test_selectors import World, entry
from workbench.home import sign_in

pytestmark = pytest.mark.django_db

HOME = "/workbench/"
NOW = "2024-05-10 10:00 +0800"
PASSWORD = "pw-12345"  # UserFactory's

# The site's URLs with the sign-in landing routed before the admin's, as config/urls.py is to
# have them (`path("admin/login/", sign_in, ...)` before `path("admin/", admin.site.urls)`).
urlpatterns = [path("admin/login/", sign_in, name="sign-in"), *site_urlpatterns]
with_sign_in = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW)


@pytest.fixture
def world() -> World:
    return World()


def page(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def section(body: str, element_id: str) -> str:
    """The HTML of one section of the page."""
    found = re.search(rf'<section[^>]*id="{element_id}"[^>]*>(.*?)</section>', body, re.S)
    assert found, f"no #{element_id} on the page"
    return found.group(1)


def text(fragment: str) -> str:
    """What a person reads: tags dropped, entities decoded, whitespace folded."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def hrefs(fragment: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', fragment)]


# -- who gets in ---------------------------------------------------------------------------


def test_signed_out_people_are_sent_to_sign_in_and_back(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/workbench/"


def test_the_site_root_opens_the_workbench(client, world):
    client.force_login(world.jiaoyu)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == HOME
    assert "工作台" in text(response.content.decode())


@with_sign_in
def test_signing_in_without_next_lands_on_the_workbench(client, world):
    form = client.get("/admin/login/").content.decode()
    hidden = re.search(r'name="next" value="([^"]*)"', form)
    assert hidden and hidden.group(1) == HOME  # not the admin's index
    response = client.post(
        "/admin/login/", {"username": "jiaoyu", "password": PASSWORD, "next": hidden.group(1)}
    )
    assert response.status_code == 302 and response["Location"] == HOME
    # A form posted without its next field lands here as well.
    client.logout()
    response = client.post("/admin/login/", {"username": "jiaoyu", "password": PASSWORD})
    assert response["Location"] == HOME
    assert "本部门牵头的目标" in text(client.get(HOME).content.decode())


@with_sign_in
def test_signing_in_with_next_keeps_it(client, world):
    response = client.post(
        "/admin/login/?next=/supervision/",
        {"username": "jiaoyu", "password": PASSWORD, "next": "/supervision/"},
    )
    assert response["Location"] == "/supervision/"
    # Signed in already, the sign-in page sends them on (to the workbench, never elsewhere).
    assert client.get("/admin/login/")["Location"] == HOME
    assert client.get("/admin/login/?next=https://evil.example/")["Location"] == HOME


@with_sign_in
def test_a_wrong_password_stays_on_the_sign_in_page(client, world):
    response = client.post("/admin/login/", {"username": "jiaoyu", "password": "wrong"})
    assert response.status_code == 200
    assert "jiaoyu" in response.content.decode()


@with_sign_in
def test_a_supervisor_with_two_step_verification_lands_on_the_workbench(client, world, settings):
    settings.OTP_REQUIRED_ROLES = ["supervisor", "superuser"]
    device = TOTPDevice.objects.create(user=world.supervisor, name="验证器", confirmed=True)
    response = client.post("/admin/login/", {"username": "supervisor", "password": PASSWORD})
    assert response["Location"] == HOME
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == "/two-factor/verify/?next=/workbench/"
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    response = client.post("/two-factor/verify/?next=/workbench/", {"token": code})
    assert response.status_code == 302 and response["Location"] == HOME
    assert client.get(HOME).status_code == 200


# -- department staff ----------------------------------------------------------------------


def test_staff_see_their_sections_in_order_each_with_a_count(client, world):
    body = page(client, world.jiaoyu)
    ids = re.findall(r'<section class="wb-section" id="([a-z-]+)"', body)
    assert ids == ["returned", "my-targets", "co-targets", "drafts", "period-needs"]
    assert text(section(body, "my-targets")).startswith("本部门牵头的目标（1）")
    assert text(section(body, "co-targets")).startswith("本部门配合的目标（1）")
    assert "暂无被退回的填报。" in text(section(body, "returned"))
    assert "暂无未提交的草稿。" in text(section(body, "drafts"))
    assert "review-queue" not in body and 'id="overview"' not in body


def test_a_target_row_shows_light_period_deadline_value_source_and_a_record_button(client, world):
    mine = section(page(client, world.jiaoyu), "my-targets")
    row = text(mine)
    assert 'class="light light-amber"' in mine
    assert "进度滞后" in row
    assert "职业院校“双师型”教师占比 ≥60%" in row
    assert "截至2025年底" in row and "2025年12月31日" in row
    assert "还剩 600 天" in row  # from 10 May 2024
    assert "41.2%（2023年）" in row and "《南阳市2023年职业教育质量年度报告》第 254 行" in row
    button = re.search(r'<a class="wb-button" href="([^"]+)">填报</a>', mine)
    assert button
    assert html.unescape(button.group(1)) == (
        f"{reverse('workbench:entry_new')}?task={world.t16.task_id}"
        f"&target={world.t16.pk}&year=2024&quarter=2"
    )
    co = text(section(page(client, world.jiaoyu), "co-targets"))
    assert "≥600 万元" in co and "6000000" not in co


def test_staff_of_another_department_do_not_see_the_first_departments_targets_or_entries(
    client, world
):
    entry(world, world.t16, world.jiaoyu, status=ProgressStatus.DRAFT)
    entry(world, world.t16, world.jiaoyu, year=2023, status=ProgressStatus.RETURNED)
    body = page(client, world.renshe)
    assert "职业技能培训" in text(section(body, "my-targets"))
    assert "双师型" not in text(body)
    assert "请附上双师型教师名单" not in body
    assert "暂无本部门配合的目标。" in text(section(body, "co-targets"))


def test_a_returned_entry_is_the_first_thing_with_its_reason_and_a_link_to_fix_it(client, world):
    returned = entry(world, world.t16, world.jiaoyu, year=2023, status=ProgressStatus.RETURNED)
    body = page(client, world.jiaoyu)
    first = re.search(r'<section class="wb-section" id="([a-z-]+)"', body)
    assert first and first.group(1) == "returned"
    returned_html = section(body, "returned")
    shown = text(returned_html)
    assert shown.startswith("被退回待修改（1）")
    assert "请附上双师型教师名单" in shown and "2023 年" in shown and "41.2%" in shown
    assert reverse("workbench:entry_edit", args=[returned.pk]) in hrefs(returned_html)


def test_drafts_link_to_edit_and_submit(client, world):
    draft = entry(world, world.t16, world.jiaoyu)
    drafts = section(page(client, world.jiaoyu), "drafts")
    assert text(drafts).startswith("草稿（1）")
    links = hrefs(drafts)
    assert reverse("workbench:entry_edit", args=[draft.pk]) in links
    assert f"{reverse('workbench:entry_submit', args=[draft.pk])}?next=/workbench/" in links
    assert "提交审核" in text(drafts)


def test_staff_reach_the_ledger_import_from_their_drafts(client, world):
    drafts = section(page(client, world.jiaoyu), "drafts")
    assert reverse("workbench:ledger") in hrefs(drafts)
    assert "导入进展台账（Excel）" in text(drafts)


def test_the_period_needs_what_has_no_value_or_entry_yet(client, world):
    needs = section(page(client, world.jiaoyu), "period-needs")
    assert text(needs).startswith("本期尚待填报（1）")
    assert "职业教育财政投入" in text(needs) and "双师型" not in text(needs)
    entry(world, world.t20, world.jiaoyu, year=2024)
    needs = section(page(client, world.jiaoyu), "period-needs")
    assert "本期需要的数据都已有数值或已填报。" in text(needs)


def test_numbers_and_dates_are_written_as_people_write_them(client, world):
    body = text(page(client, world.jiaoyu))
    assert "41.2000" not in body and "60.0000" not in body and "2025-12-31" not in body


# -- supervisors -----------------------------------------------------------------------------


def test_supervisors_see_their_sections_with_chinese_empty_states(client, world):
    body = page(client, world.supervisor)
    ids = re.findall(r'<section class="wb-section" id="([a-z-]+)"', body)
    assert ids == ["review-queue", "reports-review", "department-counts", "nightly"]
    assert "暂无待审核的填报。" in text(section(body, "review-queue"))
    assert "暂无需要核对的报告数据。" in text(section(body, "reports-review"))
    assert "夜间扫描暂未发出提醒。" in text(section(body, "nightly"))
    assert 'id="my-targets"' not in body and 'id="overview"' not in body


def test_a_review_row_shows_the_entry_and_carries_approve_and_return(client, world):
    submitted = entry(world, world.t16, world.jiaoyu, status=ProgressStatus.SUBMITTED)
    queue = section(page(client, world.supervisor), "review-queue")
    row = text(queue)
    assert row.startswith("待审核的填报（1）")
    assert "任务 16" in row and "职业院校“双师型”教师占比" in row and "2024 年" in row
    assert "41.2%" in row and "市教育局" in row and "2024年5月10日" in row
    links = hrefs(queue)
    approve = f"{reverse('workbench:entry_approve', args=[submitted.pk])}?next=/workbench/"
    back = f"{reverse('workbench:entry_return', args=[submitted.pk])}?next=/workbench/"
    assert approve in links and back in links
    assert re.search(r">通过</a>", queue) and re.search(r">退回</a>", queue)


def test_reports_to_review_link_to_the_reports_page(client, world):
    indicator = Indicator.objects.create(code="dual_teacher_share", name="双师型教师占比", unit="%")
    report = ReportFactory(title="乙市2023年职业教育质量年度报告")
    a = FigureFactory(report=report, indicator=indicator, value=Decimal("41.2"), confidence=0.9)
    b = FigureFactory(report=report, indicator=indicator, value=Decimal("38"), confidence=0.9)
    conflict = FigureConflict.objects.create(
        report=report, indicator=indicator, year=2023, description="41.2% 与 38% 不一致"
    )
    conflict.figures.set([a, b])
    reports = section(page(client, world.supervisor), "reports-review")
    assert "乙市2023年职业教育质量年度报告" in text(reports) and "1 处" in text(reports)
    assert reverse("admin:reporting_report_change", args=[report.pk]) in hrefs(reports)


def test_department_counts_link_to_the_supervision_view_filtered(client, world):
    AttainmentFactory(target=world.t20, year=2023, status=Status.OVERDUE)
    counts = section(page(client, world.supervisor), "department-counts")
    assert "市财政局" in text(counts) and "1 项" in text(counts)
    links = hrefs(counts)
    assert f"/supervision/?department={world.finance.pk}&status=overdue" in links
    assert f"/supervision/?department={world.education.pk}&status=at_risk" in links
    # The link shows what it counts.
    client.force_login(world.supervisor)
    listed = client.get(f"/supervision/?department={world.finance.pk}&status=overdue")
    assert "职业教育财政投入" in listed.content.decode()


def test_the_nightly_section_says_what_was_sent_to_whom(client, world):
    Reminder.objects.create(
        attainment=world.a16, kind=ReminderKind.DUE_SOON, recipients=["jiaoyu@example.cn"]
    )
    nightly = text(section(page(client, world.supervisor), "nightly"))
    assert nightly.startswith("夜间扫描发出的提醒（最近一次 1 条）")
    assert "交办提醒（即将到期）" in nightly and "jiaoyu@example.cn" in nightly
    assert "2024年5月10日" in nightly and "市教育局" in nightly


# -- the office and administrators --------------------------------------------------------


def test_the_office_sees_the_overview_the_overdue_list_and_the_api_docs(client, world):
    late = AttainmentFactory(target=world.t20, year=2023, status=Status.OVERDUE)
    body = page(client, world.office)
    ids = re.findall(r'<section class="wb-section" id="([a-z-]+)"', body)
    assert ids == ["overview", "overdue"]
    overview = section(body, "overview")
    assert text(overview).startswith("目标达成总览（2 项考核）")
    assert "/supervision/?status=overdue" in hrefs(overview)
    assert reverse("api-docs") in hrefs(overview)
    overdue = section(body, "overdue")
    assert text(overdue).startswith("逾期未完成的目标（1）")
    assert reverse("attainment:target", args=[late.target_id]) in hrefs(overdue)


def test_the_office_sees_a_chinese_empty_overdue_list(client, world):
    assert "暂无逾期未完成的目标。" in text(section(page(client, world.office), "overdue"))


def test_a_superuser_sees_the_supervisors_sections_and_the_overview(client, world):
    admin = UserFactory(username="admin", is_superuser=True, department=None)
    body = page(client, admin)
    ids = re.findall(r'<section class="wb-section" id="([a-z-]+)"', body)
    assert ids == [
        "review-queue",
        "reports-review",
        "department-counts",
        "nightly",
        "overview",
        "overdue",
    ]


def test_the_page_is_laid_out_for_a_phone(client, world):
    entry(world, world.t16, world.jiaoyu, year=2023, status=ProgressStatus.RETURNED)
    body = page(client, world.jiaoyu)
    for table in re.findall(r"<table[^>]*>.*?</table>", body, re.S):
        assert 'class="wb"' in table
        cells = re.findall(r"<td([^>]*)>", table)
        assert cells and all("data-label=" in c for c in cells)
    assert "<script>" not in body


# -- the same queries at any size -----------------------------------------------------------


def grow(world: World, n: int) -> None:
    """``n`` more of everything each workbench lists: targets of 市教育局 (lead and co), entries
    in every state, attainments overdue and at risk, reports with conflicts, reminders."""
    indicator, _ = Indicator.objects.get_or_create(
        code="dual_teacher_share", defaults={"name": "双师型教师占比", "unit": "%"}
    )
    for i in range(n):
        department = DepartmentFactory(name=f"市测试局{i}")
        plan = PlanFactory()
        lead = TargetFactory(task__plan=plan, task__lead=world.education, label=f"目标甲{i}")
        co = TargetFactory(
            task__plan=plan, task__lead=department, task__co=[world.education], label=f"目标乙{i}"
        )
        AttainmentFactory(target=lead, status=Status.OVERDUE)
        AttainmentFactory(target=co, status=Status.AT_RISK, jurisdiction=None, year=2024)
        late = AttainmentFactory.create(target=co, status=Status.OVERDUE, year=2023)
        Reminder.objects.create(attainment=late, kind=ReminderKind.OVERDUE, recipients=["a@b.cn"])
        entry(world, lead, world.jiaoyu, year=2024)
        entry(world, lead, world.jiaoyu, year=2023, status=ProgressStatus.RETURNED)
        entry(world, co, world.jiaoyu, year=2024, status=ProgressStatus.SUBMITTED)
        report = ReportFactory.create()
        a = FigureFactory.create(
            report=report, indicator=indicator, value=Decimal("41.2"), confidence=0.9
        )
        b = FigureFactory.create(
            report=report, indicator=indicator, value=Decimal("38"), confidence=0.9
        )
        FigureConflict.objects.create(
            report=report, indicator=indicator, year=2023, description="不一致"
        ).figures.set([a, b])
        FigureFactory(report=report, label="全市双师型教师占比", unit="%", value=Decimal("40"))


def queries(client, user) -> int:
    client.force_login(user)
    client.get(HOME)  # the session and caches settle on the first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(HOME)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["jiaoyu", "supervisor", "office", "admin"])
def test_the_query_count_does_not_grow_with_the_data(client, world, who):
    user = {
        "jiaoyu": world.jiaoyu,
        "supervisor": world.supervisor,
        "office": world.office,
        "admin": UserFactory(username="admin", is_superuser=True, department=None),
    }[who]
    grow(world, 2)
    small = queries(client, user)
    grow(world, 10)
    body = client.get(HOME).content.decode()
    assert body.count("<tr>") > 12  # the rows are there, at the larger size
    assert queries(client, user) == small


def test_a_large_review_queue_shows_the_oldest_and_says_how_many(client, world, monkeypatch):
    target = TargetFactory(task__lead=world.education, task__plan=world.plan)
    for year in (2021, 2022, 2023):
        entry(world, target, world.jiaoyu, year=year, status=ProgressStatus.SUBMITTED)
    monkeypatch.setattr("workbench.selectors.REVIEW_QUEUE_LIMIT", 2)
    queue = text(section(page(client, world.supervisor), "review-queue"))
    assert queue.startswith("待审核的填报（3）")
    assert "共 3 条，此处列出最早提交的 2 条" in queue
