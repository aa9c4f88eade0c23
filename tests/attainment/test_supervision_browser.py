"""The supervisors' view in a real browser: headless Chromium (Debian's package) driven by
Playwright, against a live server holding our own sample documents."""

from __future__ import annotations


def test_supervisor_sees_the_overdue_training_target_with_its_source(
    live_server, sample_documents, browser_page
):
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/?next=/supervision/")
    page.fill("#id_username", "supervisor")
    page.fill("#id_password", "demo-2026")
    page.click("input[type=submit]")
    page.wait_for_url("**/supervision/")

    row = page.locator("#attainments tbody tr", has_text="职业技能培训").filter(has_text="2023年")
    assert row.count() == 1
    text = row.inner_text()
    assert "逾期未完成" in text
    assert "33 938 人次" in text  # as people write it; the report's own sentence stays as written
    assert "第 55 行" in text and "全年培训 33938 人次" in text  # the report line and its sentence
    assert "33.9%" in text
    assert row.locator(".light-red").count() == 1

    conflict = page.locator("#attainments tbody tr", has_text="双师型").filter(has_text="数据冲突")
    assert "≥60%" in conflict.inner_text() and "41.2%" in conflict.inner_text()

    row.locator("a", has_text="职业技能培训").click()
    page.wait_for_selector("#chart")
    assert page.locator("#chart rect").count() == 2  # 2022 and 2023
    chart = page.locator("#chart").text_content()
    assert "2024" in chart and "2025" in chart and "无数据" in chart  # the empty years are shown
    assert "目标 ≥10 万人次" in chart
    history = page.locator("#history").inner_text()
    assert "104 200 人次" in history and "33 938 人次" in history

    page.goto(f"{live_server.url}/supervision/departments/")
    summary = page.locator("#summary tbody tr", has_text="市人力资源和社会保障局").inner_text()
    # Training and certificates met in 2022; in 2023 training missed and certificates in
    # conflict; neither has data for 2024 or 2025, finished years: 2 of 8 decided periods.
    assert summary.split("\t")[-2:] == ["4", "25.0%"]


def test_target_and_department_pages_read_on_a_phone(live_server, sample_documents, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/admin/login/?next=/supervision/departments/")
    page.fill("#id_username", "supervisor")
    page.fill("#id_password", "demo-2026")
    page.click("input[type=submit]")
    page.wait_for_url("**/supervision/departments/")
    cell = page.locator("#summary tbody tr", has_text="市财政局").locator("td").first
    assert cell.bounding_box()["width"] > 300  # a card, not a column one character wide
    finance = page.locator("#summary tbody tr", has_text="市财政局")
    assert finance.locator('td[data-label="按期完成率"]').inner_text() == "0.0%"  # 71 无数据

    page.goto(f"{live_server.url}/supervision/")
    page.locator("#attainments tbody tr", has_text="职业技能培训").locator(
        "a", has_text="职业技能培训"
    ).first.click()
    page.wait_for_selector("#chart")
    row = page.locator("#target-attainments tbody tr").first
    assert row.locator("td").nth(6).bounding_box()["width"] > 300
    assert row.locator("td").nth(6).get_attribute("data-label") == "判定说明"
    assert page.locator("#chart").bounding_box()["width"] <= 390
