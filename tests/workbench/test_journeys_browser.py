"""The daily jobs of issue 16 walked in a real browser (headless Chromium driven by Playwright),
with the clicks counted and asserted: every click, file chosen, option chosen from a list and box
ticked counts one; typing does not; signing in is not counted (counting starts on the page a
person lands on). Each test prints its counts for the closing note, and saves every page of the
journey at 1366 and 390 px under var/screenshots/<journey>-<page>-<width>.png.

BEFORE: the stock admin path (which stays, so these keep passing). AFTER: the workbench."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tasks_registry.models import Evidence, ProgressEntry, ProgressStatus, Target
from tests.workbench.browser import JourneyPage

PASSWORD = "demo-2026"  # tasks_registry.services.DEMO_PASSWORD, as the demo command prints it
# The 60% target of 职业院校“双师型”教师占比: task 6 in our sample task list, task 16 in the seeds.
TWIN_TEACHERS = "双师型”教师占比"


# -- helpers ----------------------------------------------------------------------------------


def sign_in(page, live_server, username: str, next_page: str = "") -> None:
    """The admin's sign-in page, as a person fills it (not counted)."""
    query = f"?next={next_page}" if next_page else ""
    page.goto(f"{live_server.url}/admin/login/{query}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_load_state()


def land_on_the_workbench(page, live_server) -> str:
    """Where signing in led; the journey goes on from the workbench either way, and the test
    asserts the landing page at its end (so one missing redirect does not hide the rest)."""
    landed = page.url
    if landed != f"{live_server.url}/workbench/":
        page.goto(f"{live_server.url}/workbench/")
    page.wait_for_selector("h1")
    return landed


def assert_nothing_wrong(live_server, landed: dict[str, str], *pages: JourneyPage) -> None:
    """Checked at a journey's end, all together: each sign-in led to the workbench, and no page
    checked at 390 px collapsed a table (JourneyPage.shot_on_a_phone_reads)."""
    home = f"{live_server.url}/workbench/"
    wrong = [f"{who} 登录后到了 {url}，不是工作台" for who, url in landed.items() if url != home]
    wrong += [problem for page in pages for problem in page.phone_problems]
    assert not wrong, "\n".join(wrong)


def twin_target() -> Target:
    return Target.objects.select_related("task__lead").get(
        label__contains=TWIN_TEACHERS, is_active=True
    )


def submitted_entry(username: str = "jiaoyu") -> ProgressEntry:
    """An entry of 41.2% for 2023 sent for review by the education bureau's clerk."""
    from accounts.models import User
    from tasks_registry import services

    staff = User.objects.get(username=username)
    entry = services.progress_entry_create(
        by=staff, target=twin_target(), year=2023, value=Decimal("41.2"), narrative="双师型 1680 人"
    )
    return services.progress_entry_submit(entry=entry, by=staff)


def report(label: str, journey: JourneyPage) -> int:
    print(f"clicks: {label} = {journey.clicks}  ({'; '.join(journey.click_log)})")
    return journey.clicks


# -- BEFORE: the admin's own path ------------------------------------------------------------


def test_before_staff_record_and_submit_through_the_admin(
    live_server, sample_documents, browser_page, evidence_pdf
):
    page = JourneyPage(browser_page, "before-staff-record")
    sign_in(page, live_server, "jiaoyu", "/admin/")
    page.goto(f"{live_server.url}/admin/")
    page.start_counting()
    page.shot("admin-index")

    page.locator("#content-main a", has_text="进展填报").first.click()
    page.locator("a.addlink").first.click()
    page.wait_for_selector("#progressentry_form")
    page.shot("add-form")
    target = twin_target()
    page.select_option("#id_task", str(target.task_id))
    page.select_option("#id_target", str(target.pk))
    page.fill("#id_year", "2023")
    page.fill("#id_value", "41.2")
    page.set_input_files("input[type=file]", str(evidence_pdf))
    page.locator("input[name=_save]").click()
    page.wait_for_selector("#changelist")
    page.shot("list")

    entry = ProgressEntry.objects.get(target=target, year=2023)
    page.locator(f"input.action-select[value='{entry.pk}']").check()
    page.select_option("select[name=action]", "submit_selected")
    page.locator("button[name=index]").click()
    page.wait_for_selector("#changelist")
    assert "已提交 1 条" in page.text(".messagelist")
    page.shot("submitted")

    entry.refresh_from_db()
    assert entry.status == ProgressStatus.SUBMITTED
    assert entry.value == Decimal("41.2")
    assert Evidence.objects.filter(entry=entry).count() == 1
    # index → 进展填报 → 增加 → task, target → file → 保存 → tick → 提交审核 → 执行
    assert report("BEFORE staff record+submit (admin)", page) == 9


def test_before_supervisor_approves_and_returns_through_the_admin(
    live_server, sample_documents, browser_page
):
    first = submitted_entry()
    page = JourneyPage(browser_page, "before-supervisor")
    sign_in(page, live_server, "supervisor", "/admin/")
    page.goto(f"{live_server.url}/admin/")
    page.start_counting()
    page.shot("admin-index")

    page.locator("#content-main a", has_text="进展填报").first.click()
    page.wait_for_selector("#changelist")
    page.shot("list")
    page.locator(f"input.action-select[value='{first.pk}']").check()
    page.select_option("select[name=action]", "approve_selected")
    page.locator("button[name=index]").click()
    page.wait_for_selector("#changelist")
    assert "已通过 1 条" in page.text(".messagelist")
    first.refresh_from_db()
    assert first.status == ProgressStatus.APPROVED
    # index → 进展填报 → tick → 审核通过 → 执行 (and no confirmation is asked)
    approve = report("BEFORE supervisor approve (admin)", page)
    assert approve == 4

    # The second entry: the department records another year; the supervisor is on the list.
    from accounts.models import User
    from tasks_registry import services

    staff = User.objects.get(username="jiaoyu")
    second = services.progress_entry_submit(
        entry=services.progress_entry_create(
            by=staff, target=twin_target(), year=2024, value=Decimal("48")
        ),
        by=staff,
    )
    page.reload()
    page.start_counting()
    page.locator(f"input.action-select[value='{second.pk}']").check()
    page.select_option("select[name=action]", "return_selected")
    page.locator("button[name=index]").click()
    page.wait_for_selector("textarea[name=comment]")
    page.shot("return-form")
    page.fill("textarea[name=comment]", "请附上名单")
    page.locator("input[type=submit][value=确认退回]").click()
    page.wait_for_selector("#changelist")
    assert "已退回 1 条" in page.text(".messagelist")
    second.refresh_from_db()
    assert second.status == ProgressStatus.RETURNED
    assert second.review_comment == "请附上名单"
    # on the list: tick → 退回修改 → 执行 → (reason) → 确认退回; one more from the index
    assert report("BEFORE supervisor return from the list (admin)", page) == 4


def conflict_figure():
    """The 2023 report's 双师素质专任教师比例 41.2%, in conflict with its own 60% sentence."""
    from reporting.models import Figure, FigureStatus

    return Figure.objects.get(
        report__year=2023, label="双师素质专任教师比例", status=FigureStatus.EXTRACTED
    )


def test_before_supervisor_confirms_a_figure_through_the_admin(
    live_server, sample_documents, browser_page
):
    from reporting.models import FigureStatus

    figure = conflict_figure()
    page = JourneyPage(browser_page, "before-figure")
    sign_in(page, live_server, "supervisor", "/admin/")
    page.goto(f"{live_server.url}/admin/reporting/report/{figure.report_id}/change/")
    page.start_counting()
    page.shot("report-page")

    page.locator("a", has_text="查看本报告识别出的全部数据").click()
    page.wait_for_selector("#changelist")
    page.shot("figure-list")
    page.locator(f"input.action-select[value='{figure.pk}']").check()
    page.select_option("select[name=action]", "confirm_selected")
    page.locator("button[name=index]").click()
    page.wait_for_selector("#changelist")
    assert "已确认 1 个数据" in page.text(".messagelist")
    figure.refresh_from_db()
    assert figure.status == FigureStatus.CONFIRMED
    # report page → 查看本报告识别出的全部数据 → tick → 确认所选数据 → 执行
    assert report("BEFORE figure confirm from the report page (admin)", page) == 4


# -- AFTER: the workbench --------------------------------------------------------------------


def staff_records_and_submits(page: JourneyPage, target: Target, evidence, value: str) -> None:
    """On the workbench: 填报 on the target's row, type year and value, choose the file, 保存并
    提交审核, 确认提交. The page must say the entry went for review."""
    row = page.locator("#my-targets tbody tr", has_text=target.label)
    assert row.count() == 1, page.text("#my-targets")
    assert row.locator(".light-green, .light-amber, .light-red, .light-grey").count() == 1
    assert "≥60%" in row.inner_text()
    row.locator("a.wb-button", has_text="填报").click()
    page.wait_for_selector("#entry-form")
    page.shot_on_a_phone_reads("entry-form")
    assert page.locator("#value-unit").inner_text() == "%"  # the unit beside the input
    page.fill("input[name=year]", "2023")
    page.fill("input[name=value]", value)
    page.set_input_files("input[name=evidence]", str(evidence))
    page.locator("button[name=_submit]").click()
    page.wait_for_selector("#submit-summary")
    page.shot("submit-confirm")
    summary = page.text("#submit-summary")
    assert f"完成值 {value}%" in summary and evidence.name in summary, summary
    page.locator("button", has_text="确认提交").click()
    page.wait_for_load_state()
    assert "已提交审核" in page.text(".messagelist"), page.text()


def entry_is_submitted_with_its_file(target: Target, value: str, evidence) -> ProgressEntry:
    entry = ProgressEntry.objects.get(target=target, year=2023)
    assert entry.status == ProgressStatus.SUBMITTED
    assert entry.value == Decimal(value)
    files = list(Evidence.objects.filter(entry=entry))
    assert len(files) == 1 and files[0].file.read() == evidence.read_bytes()
    return entry


def test_staff_record_and_submit_from_the_workbench_in_four_clicks(
    live_server, sample_documents, browser_page, evidence_pdf
):
    target = twin_target()
    page = JourneyPage(browser_page, "staff-record")
    sign_in(page, live_server, "jiaoyu")
    landed = land_on_the_workbench(page, live_server)
    page.start_counting()
    page.shot_on_a_phone_reads("workbench")

    staff_records_and_submits(page, target, evidence_pdf, "41.2")
    page.shot("submitted")
    entry_is_submitted_with_its_file(target, "41.2", evidence_pdf)
    clicks = report("staff record+submit", page)
    assert clicks <= 4

    # The target page, the one place for a target, shows the entry and its own 填报.
    page.goto(f"{live_server.url}/supervision/targets/{target.pk}/")
    page.wait_for_selector("#entries")
    assert "41.2%" in page.text("#entries")
    assert page.locator("a", has_text="填报").count() >= 1
    page.shot_on_a_phone_reads("target-page")
    # Signing in lands on the workbench; it, the entry form and the target page read at 390 px.
    assert_nothing_wrong(live_server, {"jiaoyu": landed}, page)


def test_supervisor_approves_in_two_clicks_and_returns_with_a_reason_in_three(
    live_server, sample_documents, browser_page
):
    approved = submitted_entry()
    from accounts.models import User
    from tasks_registry import services

    staff = User.objects.get(username="jiaoyu")
    returned = services.progress_entry_submit(
        entry=services.progress_entry_create(
            by=staff, target=twin_target(), year=2024, value=Decimal("48")
        ),
        by=staff,
    )
    page = JourneyPage(browser_page, "supervisor-review")
    sign_in(page, live_server, "supervisor")
    landed = land_on_the_workbench(page, live_server)
    page.start_counting()
    page.shot_on_a_phone_reads("workbench")

    queue = "#review-queue tbody tr"
    page.locator(queue, has_text="2023 年").locator("a", has_text="通过").click()
    page.wait_for_selector("#approve-summary")
    page.shot("approve-confirm")
    assert "41.2%" in page.text("#approve-summary")
    page.locator("button", has_text="确认通过").click()
    page.wait_for_url(f"{live_server.url}/workbench/**")
    assert "已通过" in page.text(".messagelist")
    assert page.locator(queue, has_text="2023 年").count() == 0  # gone from the queue
    approved.refresh_from_db()
    assert approved.status == ProgressStatus.APPROVED
    assert report("supervisor approve", page) <= 2

    page.start_counting()
    page.locator(queue, has_text="2024 年").locator("a", has_text="退回").click()
    page.wait_for_selector("textarea[name=reason]")
    page.shot("return-form")
    page.fill("textarea[name=reason]", "请附上 2024 年双师型教师名单")
    page.locator("button", has_text="确认退回").click()
    page.wait_for_url(f"{live_server.url}/workbench/**")
    assert "已退回" in page.text(".messagelist")
    returned.refresh_from_db()
    assert returned.status == ProgressStatus.RETURNED
    assert returned.review_comment == "请附上 2024 年双师型教师名单"
    assert report("supervisor return with reason", page) <= 3
    page.shot("after-review")

    # The department sees it first thing on its workbench, with the reason.
    page.context.clear_cookies()
    sign_in(page, live_server, "jiaoyu", "/workbench/")
    first = page.locator(".wb-section").first
    assert first.get_attribute("id") == "returned"
    assert "请附上 2024 年双师型教师名单" in first.inner_text()
    page.shot("staff-sees-returned")
    assert_nothing_wrong(live_server, {"supervisor": landed}, page)


def second_factor_code(username: str) -> str:
    """What the demo supervisor's authenticator shows now (the demo command binds it)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.mark.seeds
def test_done_means_on_the_seed_documents(
    live_server, seed_documents, browser_page, evidence_pdf, settings
):
    """Issue 16's done-means: after `./dev demo ../shared/seeds`, jiaoyu lands on a workbench
    showing task 16's 60% target with its light and 填报, records and submits 41.2 for 2023
    with a file in 4 clicks; the supervisor (two-step verification on, as in the base
    settings and the demo command) approves it from the workbench in 2."""
    from accounts.models import User
    from accounts.second_factor.services import second_factor_demo_device_create

    settings.OTP_REQUIRED_ROLES = ["supervisor", "superuser"]  # as config/settings/base.py
    second_factor_demo_device_create(user=User.objects.get(username="supervisor"))
    target = twin_target()
    assert target.task.number == "16" and target.value == 60

    page = JourneyPage(browser_page, "seeds-staff")
    sign_in(page, live_server, "jiaoyu")
    staff_landed = land_on_the_workbench(page, live_server)
    page.start_counting()
    page.shot_on_a_phone_reads("workbench")
    row = page.locator("#my-targets tbody tr", has_text=target.label)
    assert "任务 16" in row.inner_text()
    staff_records_and_submits(page, target, evidence_pdf, "41.2")
    page.shot("submitted")
    entry = entry_is_submitted_with_its_file(target, "41.2", evidence_pdf)
    staff_clicks = report("seeds: jiaoyu record+submit 41.2 for 2023", page)
    assert staff_clicks <= 4

    staff_page = page
    page = JourneyPage(browser_page, "seeds-supervisor")
    page.context.clear_cookies()
    sign_in(page, live_server, "supervisor")
    page.wait_for_selector("#otp-verify")  # the second factor, after the password
    page.fill("input[name=token]", second_factor_code("supervisor"))
    page.locator("#otp-verify input[type=submit]").click()
    page.wait_for_load_state()
    supervisor_landed = land_on_the_workbench(page, live_server)
    page.start_counting()
    page.shot_on_a_phone_reads("workbench")
    row = page.locator("#review-queue tbody tr", has_text=target.label).filter(has_text="2023 年")
    assert "41.2%" in row.inner_text() and "市教育局" in row.inner_text()
    row.locator("a", has_text="通过").click()
    page.wait_for_selector("#approve-summary")
    page.shot("approve-confirm")
    page.locator("button", has_text="确认通过").click()
    page.wait_for_url(f"{live_server.url}/workbench/**")
    assert "已通过" in page.text(".messagelist")
    page.shot("approved")
    entry.refresh_from_db()
    assert entry.status == ProgressStatus.APPROVED
    assert entry.reviewed_by.username == "supervisor"
    assert report("seeds: supervisor approve", page) <= 2

    # Both land on the workbench (the supervisor after the second factor); the workbenches and
    # the entry form read at 390 px.
    landed = {"jiaoyu": staff_landed, "supervisor": supervisor_landed}
    assert_nothing_wrong(live_server, landed, staff_page, page)


def test_supervisor_confirms_a_figure_from_the_report_page_in_two_clicks(
    live_server, sample_documents, browser_page
):
    from reporting.models import Figure, FigureStatus

    twin = conflict_figure()
    teachers = Figure.objects.get(report=twin.report, label="专任教师总数")  # 4077 vs 4156
    page = JourneyPage(browser_page, "figure-confirm")
    sign_in(page, live_server, "supervisor")
    landed = land_on_the_workbench(page, live_server)
    page.start_counting()
    page.shot_on_a_phone_reads("workbench")

    # From the workbench: 核对 on the report's row, then 确认 beside the value in the conflict.
    page.locator("#reports-review tbody tr", has_text="2023").locator("a", has_text="核对").click()
    page.wait_for_selector("#conflicts")
    page.shot("report-page")
    conflict = page.locator("#conflicts tr.conflict-figure", has_text="41.2%")
    assert conflict.count() == 1, page.text("#conflicts")
    conflict.locator("button", has_text="确认").click()
    page.wait_for_selector("#conflicts")
    assert "已确认“双师素质专任教师比例 41.2%”" in page.text(".messagelist")
    twin.refresh_from_db()
    assert twin.status == FigureStatus.CONFIRMED
    assert page.url.endswith(f"/admin/reporting/report/{twin.report_id}/change/")  # back there
    assert report("figure confirm from the workbench (核对, 确认)", page) <= 2

    # From the report page through the figure's own page: 查看数据页, then 确认 there.
    page.start_counting()
    row = page.locator("#conflicts tr.conflict-figure", has_text="4077 人")
    assert row.count() == 1, page.text("#conflicts")
    row.locator("a", has_text="查看数据页").click()
    page.wait_for_selector("#figure-confirm")
    page.shot("figure-page")
    page.locator("#figure-confirm button", has_text="确认").click()
    page.wait_for_load_state()
    assert "已确认“专任教师总数" in page.text(".messagelist")
    teachers.refresh_from_db()
    assert teachers.status == FigureStatus.CONFIRMED
    assert report("figure confirm from its page (查看数据页, 确认)", page) <= 2
    page.shot("confirmed")
    assert_nothing_wrong(live_server, {"supervisor": landed}, page)
