"""Reads for yearly reports and their figures."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError
from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import User
from policytext.reports import IndicatorCatalogue, IndicatorSpec
from policytext.suggest import generic_words, learnable_alias, suggest
from tasks_registry.models import Indicator, IndicatorAlias
from tasks_registry.selectors import progress_entry_may_review

from .models import Figure, FigureConflict, FigureStatus, Report

# Learned aliases as manage.py export_reference writes them (fixtures/, beside indicators.json).
LEARNED_ALIASES_FILE = "learned_aliases.json"


def indicator_catalogue_load() -> IndicatorCatalogue:
    """The indicator catalogue in the form the extractor matches against: the database's, or the
    shipped reference file when the database has none yet (extract_figures on a fresh checkout)."""
    try:
        if not Indicator.objects.exists():
            return _catalogue_from_file()
    except DatabaseError:
        return _catalogue_from_file()
    learned: dict[int, list[str]] = {}
    for indicator_id, alias in IndicatorAlias.objects.values_list("indicator_id", "alias"):
        learned.setdefault(indicator_id, []).append(alias)
    return IndicatorCatalogue(
        IndicatorSpec(
            code=i.code,
            name=i.name,
            unit=i.unit,
            # The shipped aliases, then those supervisors taught it by linking figures.
            aliases=(*(i.aliases or ()), *learned.get(i.id, ())),
            units=tuple(i.units or ()) or (i.unit,),
            patterns=tuple(i.patterns or ()),
            excludes=tuple(i.excludes or ()),
            sentence_excludes=tuple(i.sentence_excludes or ()),
            max_value=i.max_value,
            flow=i.flow,
        )
        for i in Indicator.objects.all()
    )


def _catalogue_from_file() -> IndicatorCatalogue:
    fixtures = Path(settings.BASE_DIR) / "fixtures"
    entries = json.loads((fixtures / "indicators.json").read_text(encoding="utf-8"))["indicators"]
    learned_path = fixtures / LEARNED_ALIASES_FILE
    if learned_path.is_file():  # exported by manage.py export_reference
        learned: dict[str, list[str]] = {}
        for row in json.loads(learned_path.read_text(encoding="utf-8")).get(
            "indicator_aliases", []
        ):
            learned.setdefault(row["indicator"], []).append(row["alias"])
        entries = [
            {**e, "aliases": [*(e.get("aliases") or []), *learned.get(e["code"], [])]}
            for e in entries
        ]
    return IndicatorCatalogue.from_entries(entries)


# ---------------------------------------------------------------------------------------------
# Figures awaiting a link (待关联的数据)

# Below this a linked figure is worth a look: a loose or pattern match with a doubt on scope
# (the extractor gives 0.85 for a clean head, less for patterns, loose matches and notes).
LOW_CONFIDENCE = 0.7


@dataclass(frozen=True)
class LinkCandidate:
    """A figure a supervisor should link or reject, with the indicator offered for it."""

    figure: Figure
    indicator: Indicator
    reason: str
    alias: str | None  # what linking it would teach the catalogue, if anything


def figure_link_candidates(*, report: Report) -> list[LinkCandidate]:
    """待关联的数据 of a report: figures not yet reviewed whose label contains an indicator's name
    or alias but that were not linked, and linked figures of low confidence."""
    catalogue = indicator_catalogue_load()
    generic = report_generic_words(report=report)
    found: list[LinkCandidate] = []
    for figure, indicator, reason in _pending_links(report.figures.all(), catalogue):
        spec_now = catalogue.specs.get(indicator.code)
        alias = learnable_alias(figure.label, spec_now, generic=generic) if spec_now else None
        found.append(LinkCandidate(figure=figure, indicator=indicator, reason=reason, alias=alias))
    return found


def figure_pending_link_filter(*, figures: QuerySet[Figure]) -> QuerySet[Figure]:
    """Those of ``figures`` that are 待关联的数据, by the rule of figure_link_candidates (the
    figure list's filter "待关联" and the report page list the same figures)."""
    ids = [f.pk for f, _, _ in _pending_links(figures, indicator_catalogue_load())]
    return figures.filter(pk__in=ids)


def _pending_links(
    figures: QuerySet[Figure], catalogue: IndicatorCatalogue
) -> list[tuple[Figure, Indicator, str]]:
    """The one rule of 待关联: each figure with the indicator offered for it and why."""
    indicators = {i.code: i for i in Indicator.objects.all()}
    found: list[tuple[Figure, Indicator, str]] = []
    pending = figures.filter(status=FigureStatus.EXTRACTED).filter(
        Q(indicator__isnull=True) | Q(confidence__lt=LOW_CONFIDENCE)
    )
    for figure in pending.select_related("indicator"):
        if figure.indicator is not None:
            found.append((figure, figure.indicator, f"置信度低（{figure.confidence:.2f}）"))
            continue
        spec = suggest(figure.label, figure.unit, catalogue)
        if spec is not None and spec.code in indicators:
            found.append((figure, indicators[spec.code], "标签含指标名称，未关联"))
    return found


def figure_conflict_filter(*, figures: QuerySet[Figure], in_conflict: bool) -> QuerySet[Figure]:
    """Those of ``figures`` that stand in a conflict (数据不一致) with another figure of their
    report, or (``in_conflict=False``) in none."""
    members = FigureConflict.figures.through.objects.values("figure_id")
    if in_conflict:
        return figures.filter(pk__in=members)
    return figures.exclude(pk__in=members)


def report_conflict_list(*, report: Report) -> QuerySet[FigureConflict]:
    """A report's conflicts, each with its disagreeing figures in the order they stand in the
    report, for showing them side by side."""
    return (
        report.conflicts.select_related("indicator")
        .prefetch_related(
            Prefetch(
                "figures",
                queryset=Figure.objects.select_related("indicator", "reviewed_by").order_by(
                    "line", "table_row", "id"
                ),
            )
        )
        .order_by("indicator__name", "year", "id")
    )


def figure_conflict_partners(*, figure: Figure) -> list[tuple[FigureConflict, list[Figure]]]:
    """The conflicts a figure stands in, each with the other figures that disagree with it."""
    conflicts = figure.conflicts.select_related("indicator").prefetch_related(
        Prefetch("figures", queryset=Figure.objects.order_by("line", "table_row", "id"))
    )
    return [(c, [f for f in c.figures.all() if f.pk != figure.pk]) for c in conflicts]


def report_generic_words(*, report: Report) -> tuple[str, ...]:
    """The report's own names (安阳市, 安阳), which stand before a label as 全市 does."""
    entity = (report.summary or {}).get("entity") or (
        report.jurisdiction.name if report.jurisdiction else None
    )
    school = (
        report.jurisdiction
        if report.jurisdiction and report.jurisdiction.kind == "school"
        else None
    )
    return generic_words(entity, school.parent.name if school and school.parent else None)


def figure_may_review(*, user: User | AnonymousUser) -> bool:
    """Confirming, correcting or rejecting an extracted figure, and re-processing a report, is
    the supervisors' job, as reviewing progress entries is: what they settle is what attainment
    is computed from."""
    return progress_entry_may_review(user=user)


def report_may_upload(*, user: User | AnonymousUser) -> bool:
    """Reports are published documents: any active supervisor or department staff may upload."""
    return (
        isinstance(user, User)
        and user.is_active
        and (user.is_supervisor or user.is_department_staff)
    )


def report_list_visible_to(*, user: User | AnonymousUser) -> QuerySet[Report]:
    """Reports are published documents: everyone signed in to the admin may read them all;
    nobody signed out or deactivated (the file download asks this too)."""
    if not (isinstance(user, User) and user.is_active):
        return Report.objects.none()
    return Report.objects.select_related(
        "jurisdiction", "jurisdiction__parent", "uploaded_by"
    ).annotate(
        figure_count=Count("figures", distinct=True),
        linked_count=Count(
            "figures",
            filter=Q(figures__indicator__isnull=False, figures__subject=""),
            distinct=True,
        ),
    )


def figure_list(*, report: Report | None = None) -> QuerySet[Figure]:
    qs = Figure.objects.select_related("report", "report__jurisdiction", "indicator", "reviewed_by")
    return qs.filter(report=report) if report is not None else qs
