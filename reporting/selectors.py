"""Reads for yearly reports and their figures."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError
from django.db.models import Count, Q, QuerySet

from accounts.models import User
from policytext.reports import IndicatorCatalogue, IndicatorSpec
from tasks_registry.models import Indicator
from tasks_registry.selectors import progress_entry_may_review

from .models import Figure, Report


def indicator_catalogue_load() -> IndicatorCatalogue:
    """The indicator catalogue in the form the extractor matches against: the database's, or the
    shipped reference file when the database has none yet (extract_figures on a fresh checkout)."""
    try:
        if not Indicator.objects.exists():
            return _catalogue_from_file()
    except DatabaseError:
        return _catalogue_from_file()
    return IndicatorCatalogue(
        IndicatorSpec(
            code=i.code,
            name=i.name,
            unit=i.unit,
            aliases=tuple(i.aliases or ()),
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
    path = Path(settings.BASE_DIR) / "fixtures" / "indicators.json"
    return IndicatorCatalogue.from_entries(
        json.loads(path.read_text(encoding="utf-8"))["indicators"]
    )


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
    """Reports are published documents: everyone signed in to the admin may read them all."""
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
