"""Extracting figures from vocational-education quality reports (职业教育质量年度报告).

In stages, each a pure module with a type between them:
  layout    text -> Layout: title, entity, year, sections, paragraphs, tables (layout.py)
  mentions  Layout -> Mention: every number with its unit, label, clause, year and place
  classify  Mention -> Figure: kind, indicator, whose, notes and confidence, one rule for all
  conflicts Figures -> Conflict: actual figures of one indicator and year that cannot all hold

Pure module: text and an indicator catalogue in, dataclasses out; no database. It reads the genre:
- annex tables "序号 指标 单位 2023年" (tab-separated or markdown), with nested rows (其中：…),
  continuation rows whose 序号 or 指标 cell is empty, misaligned rows, unit cells such as 万元,
  千万元, 元/生 or ":", cells that write their own multiplier (7.8万), and several year columns;
- figures in prose: 万/亿 multipliers, Chinese numerals, percentages, ratios (1:2.57, 11.49:1), a
  figure whose label stands some words before it (专任教师中，“双师”素质教师占比 46%), a share that
  refers back to the previous clause (…1680 人，占专业教师比例达到 60% 以上), a label after the
  number (830 名教师通过“双师型”教师认定), enumerations (分别为 345 人、1080 人、3924 人);
- the kind of each figure: actual, plan (任务, 计划, 下达), change (比上年增加, 提高 3.1 个百分点),
  rate (完成率) or other_year (2022 年培训 1269 人次); only ``actual`` is ever this year's value;
- the reporting entity and year from the title and front matter;
- disagreements between two figures for one indicator and year, kept side by side as conflicts.

A figure is linked to an indicator only when its label names the indicator as its head noun
(“县属公办中等职业学校 15 所” is a sub-category, not the number of schools), its unit fits, and it
is about the reporting entity (not a 高职 college, not another school in a case study).
"""

from __future__ import annotations

from dataclasses import replace

from .. import documents
from .catalogue import IndicatorCatalogue, IndicatorSpec
from .classify import classify
from .conflicts import find_conflicts, intervals_overlap, value_interval
from .labels import clean_label, generic_prefix_length, is_generic, strip_suffixes
from .layout import Layout, entity_words, read_layout
from .mentions import Mention, mentions
from .results import KINDS, Conflict, ExtractedReport, Figure, ReportError


def location(
    *, line: int, place: str = "", table_title: str = "", table_row: int | None = None
) -> str:
    """Where a figure stands, as a person looks it up: the page, table and row of a Word, Excel
    or PDF file when it came from one, else the line of the text (and the annex row)."""
    if place:
        return place
    where = f"第 {line} 行"
    if table_row:
        where += (
            f"（{table_title}第 {table_row} 行）" if table_title else f"（表格第 {table_row} 行）"
        )
    return where


def extract_document(
    document: documents.Document,
    catalogue: IndicatorCatalogue,
    *,
    entity: str | None = None,
    year: int | None = None,
) -> ExtractedReport:
    """extract_report on a read document: each figure also carries its place in the original
    file (page, table, row), and an error names that place."""
    try:
        extracted = extract_report(document.text, catalogue, entity=entity, year=year)
    except ReportError as exc:
        placed = exc.placed(document)
        if placed is exc:
            raise
        raise placed from exc
    placed_figures = {id(f): replace(f, place=document.where(f.line)) for f in extracted.figures}
    extracted.figures = [placed_figures[id(f)] for f in extracted.figures]
    extracted.conflicts = [
        replace(c, figures=tuple(placed_figures.get(id(f), f) for f in c.figures))
        for c in extracted.conflicts
    ]
    return extracted


def extract_report(
    text: str,
    catalogue: IndicatorCatalogue,
    *,
    entity: str | None = None,
    year: int | None = None,
) -> ExtractedReport:
    """Every figure in a report's text, with its indicator (if any), kind, year and source line.

    ``entity`` and ``year`` override what the title says. Raises ReportError if the text is empty
    or no year can be found anywhere.
    """
    layout = read_layout(text, entity=entity, year=year)
    figures = [classify(mention, catalogue, layout) for mention in mentions(layout)]
    figures.sort(key=lambda f: (f.line, f.table_row or 0))
    return ExtractedReport(
        title=layout.title,
        entity=layout.entity,
        entity_kind=layout.entity_kind,
        place=layout.place,
        year=layout.year,
        figures=figures,
        conflicts=find_conflicts(figures),
    )


def clear_caches() -> None:
    """Forget memoised label work (for benchmarks that must not reuse an earlier run's)."""
    for fn in (clean_label, strip_suffixes, is_generic):
        fn.cache_clear()


__all__ = [
    "KINDS",
    "Conflict",
    "ExtractedReport",
    "Figure",
    "IndicatorCatalogue",
    "IndicatorSpec",
    "Layout",
    "Mention",
    "ReportError",
    "classify",
    "clean_label",
    "clear_caches",
    "entity_words",
    "extract_document",
    "extract_report",
    "find_conflicts",
    "generic_prefix_length",
    "intervals_overlap",
    "location",
    "mentions",
    "read_layout",
    "strip_suffixes",
    "value_interval",
]
