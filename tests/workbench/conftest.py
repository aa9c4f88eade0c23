"""Fixtures for the workbench's browser journeys (test_journeys_browser.py): headless Chromium
(Debian's package) driven by Playwright, as tests/attainment/test_supervision_browser.py does,
against a live server holding our own sample documents or the seed documents."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SEEDS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NOW = "2026-11-23 10:00 +0800"  # as the supervision browser tests: 2021-2025 plans, 2023 reports
PDF = b"%PDF-1.4\n%demo: list of dual-qualified teachers, 2023\n%%EOF\n"


@pytest.fixture
def chromium_page():
    """A Chromium page in Chinese; skipped without chromium, failed under REQUIRE_SERVICES=1."""
    if CHROMIUM is None:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("浏览器测试需要 Debian 的 chromium 软件包（apt-get install chromium）")
        pytest.skip("没有安装 chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own database calls
    # happen before and after, never while a page call is running.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
        context.set_default_timeout(15_000)
        yield context.new_page()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _load(folder: Path) -> None:
    """What `./dev demo FOLDER` does before serving (manage.py run_pipeline, demo_accounts)."""
    from attainment.services import attainment_recompute
    from reporting.services import reports_folder_ingest
    from tasks_registry.services import demo_accounts_create, documents_folder_run

    documents_folder_run(folder=folder)
    reports_folder_ingest(folder=folder)
    attainment_recompute()
    demo_accounts_create()


@pytest.fixture
def sample_documents(transactional_db, time_machine):
    """Our own sample task list and two yearly reports, with the demo accounts."""
    time_machine.move_to(NOW, tick=True)
    _load(FIXTURES / "sample")


@pytest.fixture
def seed_documents(transactional_db, time_machine):
    """The seed documents (../shared/seeds) as `./dev demo ../shared/seeds` loads them; for tests
    marked @pytest.mark.seeds."""
    if not SEEDS.is_dir():
        pytest.fail(f"找不到种子文档文件夹 {SEEDS}")
    time_machine.move_to(NOW, tick=True)
    _load(SEEDS)


@pytest.fixture
def evidence_pdf(tmp_path) -> Path:
    """A small PDF a clerk would attach (a list of the teachers counted)."""
    path = tmp_path / "2023年双师型教师名单.pdf"
    path.write_bytes(PDF)
    return path
