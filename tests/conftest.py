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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
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
