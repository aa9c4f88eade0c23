"""Shared helpers for the report-extractor tests: the shipped indicator catalogue and small ways
to write a report inline and pick one figure out of it."""

import json
from decimal import Decimal

from policytext.reports import ExtractedReport, Figure, IndicatorCatalogue, extract_report
from tests.conftest import FIXTURES

INDICATORS = IndicatorCatalogue.from_entries(
    json.loads((FIXTURES / "indicators.json").read_text(encoding="utf-8"))["indicators"]
)

CITY_TITLE = "鹤壁市中等职业教育质量年度报告（2023年）"


def report(*lines: str, title: str = CITY_TITLE, **kwargs) -> ExtractedReport:
    """A report whose title is line 1, a blank line 2, and ``lines`` from line 3 on."""
    return extract_report("\n".join([title, "", *lines]) + "\n", INDICATORS, **kwargs)


def row(*cells: str) -> str:
    """A tab-separated table row, as a Word table comes out of policytext.documents."""
    return "\t".join(cells)


def the(extracted: ExtractedReport, value, **attrs) -> Figure:
    """The one figure with this value (and these attributes); fails listing what was found."""
    wanted = Decimal(str(value))
    found = [
        f
        for f in extracted.figures
        if f.value == wanted and all(getattr(f, k) == v for k, v in attrs.items())
    ]
    assert len(found) == 1, [(*seen(f), f.label) for f in extracted.figures]
    return found[0]


def seen(f: Figure) -> tuple:
    """What a reviewer sees of a figure: indicator, value, unit, kind, year, line."""
    return (f.indicator, f.value, f.unit, f.kind, f.year, f.line)
