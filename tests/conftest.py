import json
import os
from pathlib import Path

import pytest

from policytext.departments import Catalogue

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
# The seed documents sit beside the checkout (../shared/seeds); SEEDS_DIR points elsewhere.
SEEDS = Path(os.environ.get("SEEDS_DIR") or ROOT.parent / "shared" / "seeds")


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
    """A seed document from ../shared/seeds by its number prefix. CI always has the seeds; a
    developer checkout without them fails loudly rather than skipping."""
    matches = sorted(SEEDS.glob(f"{prefix}_*"))
    if not matches:
        raise FileNotFoundError(f"找不到种子文档 {prefix}_*（应在 {SEEDS}）")
    return matches[0]
