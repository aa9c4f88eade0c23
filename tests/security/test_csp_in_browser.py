"""The admin, the supervisors' view and the API docs work under the Content-Security-Policy, in
a real browser (headless Chromium): each page renders and the browser reports no violation."""

from __future__ import annotations

import pytest


@pytest.fixture
def page_and_violations(browser_page):
    violations: list[str] = []
    browser_page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return browser_page, violations


def test_pages_work_under_the_policy(live_server, sample_documents, page_and_violations):
    page, violations = page_and_violations
    url = live_server.url
    page.goto(f"{url}/admin/login/?next=/admin/")
    page.fill("#id_username", "supervisor")
    page.fill("#id_password", "demo-2026")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    assert page.locator("#content h1").inner_text()  # the styled index, with its headings
    # The stylesheet applied: the header bar has the admin's colour, not a browser default.
    assert page.eval_on_selector("#header", "e => getComputedStyle(e).display") == "flex"

    page.goto(f"{url}/admin/tasks_registry/task/")
    page.wait_for_selector("#result_list")
    page.locator("#result_list tbody tr a").first.click()  # a change form, with its scripts
    page.wait_for_selector("#content-main form")

    page.goto(f"{url}/supervision/")
    page.wait_for_selector("#attainments")
    page.locator('#attainments tbody tr td[data-label="目标"] a').first.click()  # a target page
    page.wait_for_selector("#chart")
    page.goto(f"{url}/supervision/departments/")
    page.wait_for_selector("#summary")

    page.goto(f"{url}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)  # Swagger UI ran and drew
    assert "职业教育政策任务跟踪 API" in page.locator(".swagger-ui .title").inner_text()
    assert violations == []

    # Redoc works too; the only thing refused is its vendor's logo from a CDN (not shown, as it
    # would not be on an intranet).
    page.goto(f"{url}/api/redoc/")
    page.wait_for_selector("redoc h1", timeout=30_000)
    assert all("cdn.redoc.ly" in v and "img-src" in v for v in violations), violations


def test_an_inline_script_would_be_reported(live_server, transactional_db, page_and_violations):
    # The check above can fail: a page with an inline script makes the browser report it.
    page, violations = page_and_violations
    page.goto(f"{live_server.url}/admin/login/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = '1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert any("script-src" in v for v in violations)
