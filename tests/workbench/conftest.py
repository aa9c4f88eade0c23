"""Fixtures for the workbench's browser journeys (test_journeys_browser.py); the browser and our
own sample documents come from tests/conftest.py (browser_page, sample_documents)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import DEMO_NOW, SEEDS, demo_documents_load

PDF = b"%PDF-1.4\n%demo: list of dual-qualified teachers, 2023\n%%EOF\n"


@pytest.fixture
def seed_documents(transactional_db, time_machine):
    """The seed documents (../shared/seeds) as `./dev demo ../shared/seeds` loads them; for tests
    marked @pytest.mark.seeds."""
    if not SEEDS.is_dir():
        pytest.fail(f"找不到种子文档文件夹 {SEEDS}")
    time_machine.move_to(DEMO_NOW, tick=True)
    demo_documents_load(SEEDS)


@pytest.fixture
def evidence_pdf(tmp_path) -> Path:
    """A small PDF a clerk would attach (a list of the teachers counted)."""
    path = tmp_path / "2023年双师型教师名单.pdf"
    path.write_bytes(PDF)
    return path
