import json
import os
import shutil
from pathlib import Path

import pytest

from policytext.departments import Catalogue

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
# The seed documents sit beside the checkout (../shared/seeds); SEEDS_DIR points elsewhere.
SEEDS = Path(os.environ.get("SEEDS_DIR") or ROOT.parent / "shared" / "seeds")
SEEDS_MISSING = f"需要 {os.environ.get('SEEDS_DIR') or '../shared/seeds'}（种子文档不在本仓库中）"


SOFFICE_MISSING = (
    "需要 LibreOffice（soffice）：apt-get install libreoffice-writer-nogui "
    "libreoffice-calc-nogui（设置 REQUIRE_SOFFICE=1 则缺少时判为失败）"
)


# Under pytest-xdist (./dev test: two workers, --dist worksteal) these files go first, each file's
# tests together. The schema fuzz is three tests and a fifth of the suite's time: started first,
# it cannot leave one worker fuzzing alone at the end. The others share one costly module fixture
# (a production server, a never-migrated database, documents built by LibreOffice), which each
# worker running a part of the file would build again; work stealing takes tests from the end of
# a worker's queue, so the front of the queue stays on one worker, in order.
FRONT = (
    "api/test_schema_fuzz.py",
    "security/test_static_and_headers.py",
    "test_commands_need_migrate.py",
    "formats/test_every_format_end_to_end.py",
)


def _front_first(items: list[pytest.Item]) -> None:
    tests = Path(__file__).resolve().parent
    front = {tests / name: rank for rank, name in enumerate(FRONT)}
    items.sort(key=lambda item: front.get(item.path, len(FRONT)))  # stable: else as collected


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        _front_first(items)
    # A fresh clone has no ../shared beside it: tests marked `seeds` are skipped there, with the
    # reason. CI sets REQUIRE_SEEDS=1, and then a missing folder fails them in seed_file instead.
    # Likewise `soffice` (tests that build or read .doc/.xls/PDF files with LibreOffice): skipped
    # where it is not installed, failed instead under REQUIRE_SOFFICE=1, which CI sets.
    skips = []
    if not (SEEDS.is_dir() or os.environ.get("REQUIRE_SEEDS") == "1"):
        skips.append(("seeds", pytest.mark.skip(reason=SEEDS_MISSING)))
    if not (shutil.which("soffice") or os.environ.get("REQUIRE_SOFFICE") == "1"):
        skips.append(("soffice", pytest.mark.skip(reason=SOFFICE_MISSING)))
    for item in items:
        for marker, skip in skips:
            if item.get_closest_marker(marker):
                item.add_marker(skip)


_running: dict[str, pytest.Item] = {}


def pytest_runtest_setup(item: pytest.Item) -> None:
    _running["item"] = item  # for seed_file: which test is asking


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """The shipped department catalogue, read straight from the reference data (no database)."""
    entries = json.loads((FIXTURES / "departments.json").read_text(encoding="utf-8"))["departments"]
    return Catalogue((e["name"], e["kind"], e["aliases"]) for e in entries)


@pytest.fixture
def reference_data(db):
    from tasks_registry.services import reference_data_load

    return reference_data_load()


def client_for(user):
    """A test client signed in as ``user`` (no password, no second step)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def seed_file(prefix: str) -> Path:
    """A seed document from ../shared/seeds by its number prefix, for tests marked
    ``@pytest.mark.seeds`` (skipped when the folder is absent, failed under REQUIRE_SEEDS=1).
    A test that reads one without the marker fails here even where the seeds are present, so it
    cannot pass on a machine with ../shared and break on a fresh clone."""
    item = _running.get("item")
    if item is not None and item.get_closest_marker("seeds") is None:
        raise RuntimeError(f"{item.nodeid} 读取种子文档，却没有标记 @pytest.mark.seeds")
    matches = sorted(SEEDS.glob(f"{prefix}_*"))
    if not matches:
        raise FileNotFoundError(f"找不到种子文档 {prefix}_*（应在 {SEEDS}）")
    return matches[0]


# ---------------------------------------------------------------------------------------------
# A real browser, and the documents `./dev demo` loads, for the browser tests

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DEMO_NOW = "2026-11-23 10:00 +0800"  # the sample's 2021-2025 plan, its 2022 and 2023 reports


@pytest.fixture
def browser():
    """Headless Chromium (Debian's package) driven by Playwright: skipped without chromium, failed
    instead under REQUIRE_SERVICES=1, as CI sets."""
    if CHROMIUM is None:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("浏览器测试需要 Debian 的 chromium 软件包（apt-get install chromium）")
        pytest.skip("没有安装 chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own database calls
    # happen before and after, never while a page call is running.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def browser_page(browser):
    """A page in Chinese on a 1366 px office screen."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    return context.new_page()


def demo_documents_load(folder: Path) -> None:
    """What `./dev demo FOLDER` does before serving (run_pipeline, then demo_accounts)."""
    from attainment.services import attainment_recompute
    from reporting.services import reports_folder_ingest
    from tasks_registry.services import demo_accounts_create, documents_folder_run

    documents_folder_run(folder=folder)
    reports_folder_ingest(folder=folder)
    attainment_recompute()
    demo_accounts_create()


@pytest.fixture
def sample_documents(transactional_db, time_machine):
    """Our own sample task list and two yearly reports, with the demo accounts, on DEMO_NOW."""
    time_machine.move_to(DEMO_NOW, tick=True)
    demo_documents_load(FIXTURES / "sample")
