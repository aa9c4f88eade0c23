"""Time the attainment recompute and the supervisors' overdue list at province size, against plain
SQL baselines measured in the same run.

Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_attainment \\
      .venv/bin/python bench/attainment_scale.py [--targets 20000] [--years 10] [--repeat 3] \\
      [--profile]

PostgreSQL only. The database named in DATABASE_URL belongs to this script: it is created if
missing, migrated, and emptied (flush) at the start of every run, so the name must start with
"bench". The dataset is one province from fixtures/jurisdictions.json (18 cities, 156 counties),
one plan per city over the years, targets spread over the plans (about 40% yearly, 45% one-off,
10% per county, 5% with no indicator), one report per city per year with figures for about 20
indicators, per-county figures, a few conflicting figures and some approved progress entries.

What is timed (best of --repeat, time.perf_counter):
  (a) attainment_recompute() on an empty Attainment table;
  (b) attainment_recompute() again with nothing changed;
  (c) the baseline: one INSERT ... SELECT joining targets to figures (indicator, the plan's place or
      each county under it, year) that writes actual / target value for the same
      target x place x year rows into a scratch table.
  The overdue list: the first page of 50 from attainment_list_visible_to() (count, page,
  attainment_row() per row) and, once it exists, the supervisors' view (URL name attainment:list,
  ?status=overdue, through the test client), against a plain SELECT ... LIMIT 50 of the attainment
  table; and the number of queries at page sizes 20 and 100, which must be equal.
The ratios (a)/(c) and (b)/(c) are what we track; the goal is within 3x. The baseline leaves out
what the service adds (derived readings, progress entries, precedence, conflicts, statuses,
reasons, sources), so the ratio is the price of those. Results go to
bench/results/attainment_scale.json (--profile: a cProfile of one full recompute beside it).
"""

from __future__ import annotations

import argparse
import datetime
import functools
import hashlib
import json
import os
import platform
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The shared settings: DEBUG is off unless DJANGO_DEBUG says otherwise (DEBUG keeps every query).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

TODAY = datetime.date(2026, 11, 23)
LAST_YEAR = 2025
RESULTS = ROOT / "bench" / "results" / "attainment_scale.json"
BASELINE_TABLE = "bench_baseline_attainment"
# Indicators the counties report in the per-county tables, and per-county targets are set on.
COUNTY_CODES = (
    "schools",
    "enrollment",
    "standardized_schools",
    "training_sessions",
    "dual_qualified_ratio",
)
# Plausible sizes of a city's value by unit (counties get a ninth of the counts).
UNIT_RANGE = {
    "%": (40, 90),
    ":": (15, 22),
    "所": (20, 120),
    "人": (5000, 200000),
    "人次": (20000, 400000),
    "元/生": (8000, 25000),
    "元": (10_000_000, 500_000_000),
    "个": (50, 300),
    "个/生": (0.5, 3),
    "学时": (100_000, 1_000_000),
}
LEVEL_UNITS = {"%", ":", "元/生", "个/生"}


# ---------------------------------------------------------------------------------------------
# The database: PostgreSQL only, and only one this script owns


def database_prepare() -> dict[str, Any]:
    """Check DATABASE_URL, create the database if missing. Runs before Django is set up."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    url = os.environ.get("DATABASE_URL", "")
    config = dj_database_url.parse(url) if url else {}
    if "postgresql" not in config.get("ENGINE", ""):
        sys.exit(
            "本基准只在 PostgreSQL 上运行：请设置 DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_attainment"
            f"（当前：{url or '未设置'}）"
        )
    name = config["NAME"]
    # The script empties this database every run: refuse anything that is not obviously its own.
    if not name.startswith("bench"):
        sys.exit(f"数据库名须以 bench 开头（本脚本每次运行都会清空它），不能使用 {name!r}")
    admin = psycopg.connect(
        dbname="postgres",
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        autocommit=True,
    )
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        row = admin.execute("SHOW server_version").fetchone()
        version = row[0] if row else "?"
    return {"name": name, "created": not exists, "server_version": version}


def database_reset() -> None:
    """Migrate and empty every table (flush), and drop the baseline's scratch table."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {BASELINE_TABLE}")


# ---------------------------------------------------------------------------------------------
# The dataset


def _level(unit: str, rng: random.Random, county: bool) -> tuple[float, float]:
    """A starting value and a yearly change for one indicator in one place."""
    low, high = UNIT_RANGE.get(unit, (100, 1000))
    base = rng.uniform(low, high)
    if county and unit not in LEVEL_UNITS:
        base /= 9
    if unit == "%":
        return base, rng.uniform(0.3, 2.0)  # percentage points a year
    if unit == ":":
        return base, -rng.uniform(0.05, 0.3)
    return base, rng.uniform(-0.01, 0.06)  # growth rate


def _value(unit: str, level: tuple[float, float], years_in: int) -> Decimal:
    base, change = level
    if unit in ("%", ":"):
        value = (
            min(base + change * years_in, 99.5) if unit == "%" else max(base + change * years_in, 8)
        )
    else:
        value = base * (1 + change) ** years_in
    return Decimal(str(round(value, 2)))


def dataset_build(*, n_targets: int, years: int, seed: int = 20261123) -> dict[str, int]:
    """Load the reference data and bulk-create plans, tasks, targets, reports, figures and
    approved progress entries. Returns row counts."""
    from django.db import connection, transaction

    from accounts.models import Role, User
    from reporting.models import (
        Figure,
        FigureKind,
        FigureMethod,
        FigureStatus,
        Report,
        ReportStatus,
    )
    from tasks_registry.models import (
        AssignmentRole,
        Department,
        DepartmentKind,
        Indicator,
        Jurisdiction,
        JurisdictionKind,
        LinkStatus,
        Plan,
        ProgressEntry,
        ProgressStatus,
        Recurrence,
        Target,
        Task,
        TaskAssignment,
    )
    from tasks_registry.services import reference_data_load

    rng = random.Random(seed)
    first_year = LAST_YEAR - years + 1
    year_range = range(first_year, LAST_YEAR + 1)
    reference_data_load()
    with transaction.atomic():
        supervisor = User.objects.create_user(
            "bench_supervisor", role=Role.SUPERVISOR, is_staff=True
        )
        staff = User.objects.create_user("bench_staff", role=Role.DEPARTMENT_STAFF, is_staff=True)
        indicators = {i.code: i for i in Indicator.objects.all()}
        plain_codes = sorted(c for c, i in indicators.items() if not i.is_ratio)
        departments = list(
            Department.objects.filter(kind=DepartmentKind.MUNICIPAL).order_by("name")
        )
        cities = list(Jurisdiction.objects.filter(kind=JurisdictionKind.CITY).order_by("code"))
        counties: dict[int, list[Jurisdiction]] = {c.pk: [] for c in cities}
        for county in Jurisdiction.objects.filter(kind=JurisdictionKind.COUNTY).order_by("code"):
            if county.parent_id is not None:  # every county in the fixture has its city
                counties.setdefault(county.parent_id, []).append(county)
        plans = Plan.objects.bulk_create(
            Plan(
                title=f"{city.name}职业教育提质培优行动计划（{first_year}—{LAST_YEAR}年）",
                issuer=f"{city.name}人民政府",
                period_start=first_year,
                period_end=LAST_YEAR,
                jurisdiction=city,
            )
            for city in cities
        )

        # What each place reports: a city ~20 indicators, each county the per-county ones.
        reported = {city.pk: rng.sample(plain_codes, 20) for city in cities}
        levels: dict[tuple[int, str], tuple[float, float]] = {}

        def level(place: Jurisdiction, code: str) -> tuple[float, float]:
            key = (place.pk, code)
            if key not in levels:
                levels[key] = _level(
                    indicators[code].unit, rng, place.kind == JurisdictionKind.COUNTY
                )
            return levels[key]

        # Targets: spec per plan first, then tasks of four targets each.
        specs: dict[int, list[dict[str, Any]]] = {p.pk: [] for p in plans}
        mix: Counter[str] = Counter()
        for n in range(n_targets):
            plan = plans[n % len(plans)]
            city = plan.jurisdiction
            assert city is not None  # every plan was made for a city above
            draw = rng.random()
            kind = (
                "annual"
                if draw < 0.40
                else "once"
                if draw < 0.85
                else "per_county"
                if draw < 0.95
                else "no_indicator"
            )
            mix[kind] += 1
            spec: dict[str, Any] = {
                "per_unit": "",
                "recurrence": Recurrence.ONCE,
                "from_year": None,
                "deadline_year": None,
                "value_high": None,
            }
            if kind == "no_indicator":
                spec |= {
                    "indicator": None,
                    "label": "建设市级产教融合实训基地",
                    "unit": "个",
                    "comparison": "ge",
                    "value": Decimal(rng.randint(2, 12)),
                    "deadline_year": rng.choice(year_range),
                }
                specs[plan.pk].append(spec)
                continue
            if kind == "per_county":
                code = rng.choice(COUNTY_CODES)
                spec["per_unit"] = "县区"
                place = counties[city.pk][0] if counties[city.pk] else city
            else:
                # Mostly what the city reports; the rest has no own figure (derived or no data).
                code = (
                    rng.choice(reported[city.pk])
                    if rng.random() < 0.7
                    else rng.choice(sorted(indicators))
                )
                place = city
            indicator = indicators[code]
            if indicator.is_ratio:
                ref_unit, ref = "%", Decimal(str(round(rng.uniform(40, 90), 1)))
            else:
                ref_unit = indicator.unit
                ref = _value(ref_unit, level(place, code), years // 2)
            if kind == "annual" or (kind == "per_county" and rng.random() < 0.5):
                spec |= {"recurrence": Recurrence.ANNUAL, "from_year": first_year}
            else:
                spec["deadline_year"] = rng.choice(year_range)
            value = (ref * Decimal(str(round(rng.uniform(0.85, 1.2), 3)))).quantize(
                Decimal("0.1") if ref_unit in LEVEL_UNITS else Decimal("1")
            )
            comparison = (
                "le"
                if ref_unit == ":"
                else rng.choices(["ge", "gt", "approx", "range"], [85, 5, 5, 5])[0]
            )
            spec |= {
                "indicator": indicator,
                "label": f"全市职业院校{indicator.name}",
                "unit": indicator.unit,
                "comparison": comparison,
                "value": max(value, Decimal(1)),
                "value_high": (value * Decimal("1.2")).quantize(Decimal("0.1"))
                if comparison == "range"
                else None,
            }
            specs[plan.pk].append(spec)

        tasks: list[Task] = []
        for plan in plans:
            for i in range((len(specs[plan.pk]) + 3) // 4):
                tasks.append(
                    Task(
                        plan=plan,
                        number=str(i + 1),
                        position=i + 1,
                        text=f"第{i + 1}项工作任务",
                        lead=departments[(i * 7 + plan.pk) % len(departments)],
                    )
                )
        tasks = Task.objects.bulk_create(tasks, batch_size=5000)
        TaskAssignment.objects.bulk_create(
            (TaskAssignment(task=t, department=t.lead, role=AssignmentRole.LEAD) for t in tasks),
            batch_size=5000,
        )
        by_plan: dict[int, list[Task]] = {}
        for t in tasks:
            by_plan.setdefault(t.plan_id, []).append(t)
        targets: list[Target] = []
        for plan in plans:
            for j, spec in enumerate(specs[plan.pk]):
                targets.append(
                    Target(
                        task=by_plan[plan.pk][j // 4],
                        position=j % 4 + 1,
                        source_text=spec["label"],
                        link_status=LinkStatus.CONFIRMED if spec["indicator"] else LinkStatus.NONE,
                        **spec,
                    )
                )
        targets = Target.objects.bulk_create(targets, batch_size=5000)

        # One report per city per year: the city's figures, the per-county table, last year's
        # values restated, numbers that are not actuals, and now and then a disagreeing twin.
        reports = Report.objects.bulk_create(
            Report(
                title=f"{city.name}职业教育质量年度报告（{year}年度）",
                jurisdiction=city,
                year=year,
                file=f"reports/bench/{city.code}-{year}.txt",
                original_name=f"{city.name}{year}年度报告.txt",
                sha256=hashlib.sha256(f"{city.code}-{year}".encode()).hexdigest(),
                size=60_000,
                status=ReportStatus.DONE,
            )
            for city in cities
            for year in year_range
        )
        figures: list[Figure] = []
        conflicts = 0
        for report in reports:
            city, year, line = report.jurisdiction, report.year, 10
            assert city is not None and year is not None  # both set on every report above

            def figure(
                code: str | None,
                value: Decimal,
                place: Jurisdiction,
                kind: str = FigureKind.ACTUAL,
                fig_year: int = year,
                report: Report = report,
                **extra: Any,
            ) -> Figure:
                nonlocal line
                line += rng.randint(1, 6)
                unit = indicators[code].unit if code else "人"
                label = indicators[code].name if code else "其他"
                return Figure(
                    report=report,
                    indicator=indicators[code] if code else None,
                    label=label,
                    value=value,
                    unit=unit,
                    kind=kind,
                    year=fig_year,
                    line=line,
                    text=f"{label}{value}{unit}",
                    jurisdiction=place,
                    method=extra.pop("method", FigureMethod.PROSE),
                    confidence=0.9,
                    **extra,
                )

            for code in reported[city.pk]:
                if rng.random() < 0.05:
                    continue  # not every report covers every indicator
                value = _value(indicators[code].unit, level(city, code), year - first_year)
                status = FigureStatus.CONFIRMED if rng.random() < 0.01 else FigureStatus.EXTRACTED
                figures.append(
                    figure(
                        code,
                        value,
                        city,
                        status=status,
                        qualifier="ge" if rng.random() < 0.03 else "",
                    )
                )
                if rng.random() < 0.01:
                    conflicts += 1
                    figures.append(
                        figure(code, (value * Decimal("1.3")).quantize(Decimal("0.01")), city)
                    )
            for row, county in enumerate(counties.get(city.pk, []), start=1):
                for code in COUNTY_CODES:
                    if rng.random() < 0.1:
                        continue
                    value = _value(indicators[code].unit, level(county, code), year - first_year)
                    figures.append(
                        figure(
                            code,
                            value,
                            county,
                            method=FigureMethod.TABLE,
                            subject=county.name,
                            table_title="分县区主要指标",
                            table_row=row,
                        )
                    )
            if year > first_year:
                for code in reported[city.pk][:5]:
                    value = _value(indicators[code].unit, level(city, code), year - 1 - first_year)
                    figures.append(
                        figure(code, value, city, kind=FigureKind.OTHER_YEAR, fig_year=year - 1)
                    )
            for _ in range(40):
                other = rng.choice([None, *plain_codes])
                fig_kind = rng.choice([FigureKind.PLAN, FigureKind.CHANGE, FigureKind.RATE])
                figures.append(figure(other, Decimal(rng.randint(1, 5000)), city, kind=fig_kind))
        Figure.objects.bulk_create(figures, batch_size=5000)

        # Approved progress entries: year-end values for a few targets, a mid-year one for others.
        entries: list[ProgressEntry] = []
        now = datetime.datetime(2026, 1, 15, tzinfo=datetime.UTC)
        for target in targets:
            if target.indicator_id is None or rng.random() > 0.03:
                continue
            entry_place: Jurisdiction | None = None
            plan_city = target.task.plan.jurisdiction_id
            if target.per_unit and plan_city is not None:
                entry_place = rng.choice(counties[plan_city] or [None])
            for year, quarter in (
                (LAST_YEAR - 1, None),
                (LAST_YEAR, None if rng.random() < 0.7 else 2),
            ):
                entries.append(
                    ProgressEntry(
                        task=target.task,
                        target=target,
                        department=target.task.lead,
                        year=year,
                        quarter=quarter,
                        jurisdiction=entry_place,
                        value=(target.value * Decimal(str(round(rng.uniform(0.8, 1.1), 2)))),
                        narrative="按计划推进",
                        status=ProgressStatus.APPROVED,
                        created_by=staff,
                        submitted_at=now,
                        reviewed_by=supervisor,
                        reviewed_at=now,
                    )
                )
        ProgressEntry.objects.bulk_create(entries, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would have by the time anyone looks
    return {
        "cities": len(cities),
        "counties": sum(len(v) for v in counties.values()),
        "plans": len(plans),
        "tasks": len(tasks),
        "targets": len(targets),
        **{f"targets_{k}": v for k, v in sorted(mix.items())},
        "reports": len(reports),
        "figures": len(figures),
        "conflicting_figures": conflicts,
        "progress_entries": len(entries),
    }


# ---------------------------------------------------------------------------------------------
# The baselines


def baseline_sql(*, first_year: int) -> str:
    """One statement: each active target's places (its plan's city, or each county under it for a
    per-county target) and years (each year for a yearly target, the deadline year otherwise),
    joined to that year's actual figure, writing actual / target value. It does not do what the
    service adds on top: derived readings, progress entries, tiers, conflicts, other years,
    statuses, reasons and sources."""
    from reporting.models import Figure
    from tasks_registry.models import Jurisdiction, Plan, Target, Task

    return f"""
        INSERT INTO {BASELINE_TABLE} (target_id, jurisdiction_id, year, actual, ratio)
        SELECT t.id, pl.place_id, yr.year, f.value, round(f.value / NULLIF(t.value, 0), 4)
        FROM {Target._meta.db_table} t
        JOIN {Task._meta.db_table} k ON k.id = t.task_id AND k.is_active
        JOIN {Plan._meta.db_table} p ON p.id = k.plan_id
        CROSS JOIN LATERAL (
            SELECT j.id AS place_id FROM {Jurisdiction._meta.db_table} j
            WHERE t.per_unit = '县区'
              AND j.parent_id = COALESCE(t.jurisdiction_id, p.jurisdiction_id)
              AND j.kind = 'county'
            UNION ALL
            SELECT COALESCE(t.jurisdiction_id, p.jurisdiction_id)
            WHERE t.per_unit <> '县区' OR NOT EXISTS (
                SELECT 1 FROM {Jurisdiction._meta.db_table} c
                WHERE c.parent_id = COALESCE(t.jurisdiction_id, p.jurisdiction_id)
                  AND c.kind = 'county')
        ) pl
        JOIN generate_series({first_year}, {TODAY.year}) AS yr(year) ON yr.year BETWEEN
            CASE WHEN t.recurrence = 'annual' THEN COALESCE(t.from_year, p.period_start)
                 ELSE COALESCE(t.deadline_year, p.period_end) END
            AND CASE WHEN t.recurrence = 'annual'
                 THEN LEAST(COALESCE(t.deadline_year, p.period_end), {TODAY.year})
                 ELSE COALESCE(t.deadline_year, p.period_end) END
        LEFT JOIN LATERAL (
            SELECT f.value FROM {Figure._meta.db_table} f
            WHERE f.indicator_id = t.indicator_id AND f.jurisdiction_id = pl.place_id
              AND f.year = yr.year
              AND f.kind = 'actual' AND f.status <> 'rejected'
            ORDER BY f.id LIMIT 1
        ) f ON true
        WHERE t.is_active
    """


def baseline_table_create() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # The same key as the attainment table's unique constraint, so both pay for one index.
        cursor.execute(
            f"""CREATE TABLE {BASELINE_TABLE} (
                id bigserial PRIMARY KEY, target_id bigint NOT NULL, jurisdiction_id bigint,
                year integer NOT NULL, actual numeric(24, 4), ratio numeric(12, 4))"""
        )
        cursor.execute(
            f"CREATE UNIQUE INDEX {BASELINE_TABLE}_key"
            f" ON {BASELINE_TABLE} (target_id, jurisdiction_id, year)"
        )


def truncate(table: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table} CASCADE")


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def best_of(rounds: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of ``rounds`` calls, and what the last call returned."""
    best, out = float("inf"), None
    for _ in range(rounds):
        seconds, out = timed(fn)
        best = min(best, seconds)
    return best, out


# ---------------------------------------------------------------------------------------------
# The overdue list


def overdue_page_selector(user: Any, per_page: int) -> int:
    """The first page of the overdue list straight from the selector: count, one page, and
    attainment_row() for each row (what the view adds is filters, the template and middleware)."""
    from django.core.paginator import Paginator

    from attainment.models import Status
    from attainment.selectors import attainment_list_visible_to, attainment_row

    rows = attainment_list_visible_to(user=user).filter(status=Status.OVERDUE)
    page = Paginator(rows, per_page).page(1)
    return len([attainment_row(a) for a in page])


def overdue_page_view(client: Any, per_page: int) -> int:
    """The first page as a supervisor gets it: GET attainment:list?status=overdue through the test
    client. The view's page size is its module constant PAGE_SIZE, patched here for the query count
    at other sizes. Returns the page's size in bytes."""
    from unittest import mock

    from django.urls import reverse

    from attainment import views
    from attainment.models import Status

    with mock.patch.object(views, "PAGE_SIZE", per_page):
        response = client.get(reverse("attainment:list"), {"status": Status.OVERDUE})
    if response.status_code != 200:
        sys.exit(f"督导视图返回 {response.status_code}，无法计时")
    return len(response.content)


def plain_page() -> int:
    from django.db import connection

    from attainment.models import Attainment, Status

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM {Attainment._meta.db_table} WHERE status = %s LIMIT 50",
            [Status.OVERDUE],
        )
        return len(cursor.fetchall())


def view_client(user: Any) -> Any | None:
    """A test client logged in as ``user`` if the supervisors' list exists (URL name
    attainment:list), else None: then only the selector is timed."""
    from django.conf import settings
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("attainment:list")
    except NoReverseMatch:
        return None
    host = next(
        (h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")), "localhost"
    )
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def overdue_list_measure(*, user: Any, rounds: int) -> dict[str, Any]:
    """Query counts at page sizes 20 and 100 (equal means no per-row queries) and the time of one
    page of 50, for the selector and (when it exists) the view, against a plain
    SELECT ... LIMIT 50."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plain_s, plain_rows = best_of(rounds, plain_page)
    out: dict[str, Any] = {"plain_select_limit_50": {"seconds": plain_s, "rows": plain_rows}}
    pages: dict[str, Callable[[int], int]] = {"selector": lambda n: overdue_page_selector(user, n)}
    client = view_client(user)
    if client is not None:
        pages["view"] = lambda n: overdue_page_view(client, n)
    for name, page in pages.items():
        queries = {}
        for per_page in (20, 100):
            with CaptureQueriesContext(connection) as ctx:
                page(per_page)
            queries[per_page] = len(ctx.captured_queries)
        with CaptureQueriesContext(connection) as ctx:
            size = page(50)
        slowest = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:5]
        seconds, _ = best_of(rounds, functools.partial(page, 50))
        out[name] = {
            "queries_by_page_size": queries,
            "queries_equal": queries[20] == queries[100],
            "page_50_seconds": seconds,
            "page_50_result": size,
            "ratio_to_plain": seconds / plain_s,
            "slowest_queries": [
                {"seconds": float(q["time"]), "sql": q["sql"][:300]} for q in slowest
            ],
        }
    return out


# ---------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--targets", type=int, default=20000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also cProfile one full recompute (stats next to the JSON)",
    )
    args = parser.parse_args()

    database = database_prepare()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction

    from accounts.models import User
    from attainment.models import Attainment, Status
    from attainment.services import attainment_recompute

    if settings.DEBUG:
        print("注意：DEBUG 已开启，每条查询都会被记录，计时偏慢（unset DJANGO_DEBUG）")
    print(
        f"database {database['name']} (PostgreSQL {database['server_version']}): "
        "migrate, flush, build data ..."
    )
    start = time.perf_counter()
    database_reset()
    dataset = dataset_build(n_targets=args.targets, years=args.years)
    build_seconds = time.perf_counter() - start
    print(f"  built in {build_seconds:.1f} s: " + ", ".join(f"{k} {v}" for k, v in dataset.items()))

    # (c) and (a), interleaved so that both meet the same cache state.
    baseline_table_create()
    sql = baseline_sql(first_year=LAST_YEAR - args.years + 1)

    def baseline_run() -> int:
        # JIT off: at this size the plan's cost passes jit_above_cost, and compiling is a fixed
        # cost that says nothing about the work; the baseline is the least plain SQL needs.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(sql)
            return cursor.rowcount

    base_s = full_s = float("inf")
    full_result: Any = None  # the RecomputeResult of the last round (--repeat is at least 1)
    baseline_rows = 0
    for _ in range(args.repeat):
        truncate(BASELINE_TABLE)
        seconds, baseline_rows = timed(baseline_run)
        base_s = min(base_s, seconds)
        truncate(Attainment._meta.db_table)
        seconds, full_result = timed(lambda: attainment_recompute(today=TODAY))
        full_s = min(full_s, seconds)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the nightly run meets an analysed table, not a just-filled one
    again_s, again_result = best_of(args.repeat, lambda: attainment_recompute(today=TODAY))
    if again_result.created or again_result.updated or again_result.deleted:
        print(f"注意：第二次重算仍有改动 {again_result.as_json()}（应全部 unchanged）")

    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT count(*) FILTER (WHERE a.id IS NULL), count(*) FILTER (WHERE b.id IS NULL)
                FROM {Attainment._meta.db_table} a FULL JOIN {BASELINE_TABLE} b
                ON a.target_id = b.target_id AND a.jurisdiction_id = b.jurisdiction_id
                AND a.year = b.year"""
        )
        only_baseline, only_service = cursor.fetchone()
        cursor.execute(f"SELECT count(*) FILTER (WHERE ratio IS NOT NULL) FROM {BASELINE_TABLE}")
        baseline_with_ratio = cursor.fetchone()[0]
    statuses = dict(Counter(Attainment.objects.values_list("status", flat=True)))
    service_with_ratio = Attainment.objects.filter(ratio__isnull=False).count()

    supervisor = User.objects.get(username="bench_supervisor")
    overdue = overdue_list_measure(user=supervisor, rounds=args.repeat * 10)

    profile_path = None
    if args.profile:
        import cProfile
        import pstats

        truncate(Attainment._meta.db_table)
        profiler = cProfile.Profile()
        profiler.runcall(attainment_recompute, today=TODAY)
        profile_path = RESULTS.with_suffix(".prof")
        profile_path.parent.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(profile_path)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)

    results = {
        "when": datetime.datetime.now().isoformat(timespec="seconds"),
        "args": vars(args),
        "today": TODAY.isoformat(),
        "database": database,
        "python": platform.python_version(),
        "dataset": dataset,
        "build_seconds": round(build_seconds, 1),
        "recompute_full": {"seconds": full_s, "result": full_result.as_json()},
        "recompute_unchanged": {"seconds": again_s, "result": again_result.as_json()},
        "baseline_insert_select": {
            "seconds": base_s,
            "jit": "off",
            "rows": baseline_rows,
            "rows_with_ratio": baseline_with_ratio,
            "keys_only_in_baseline": only_baseline,
            "keys_only_in_service": only_service,
        },
        "ratio_full_to_baseline": full_s / base_s,
        "ratio_unchanged_to_baseline": again_s / base_s,
        "goal": "recompute within 3x of the INSERT ... SELECT baseline",
        "attainment_rows": sum(statuses.values()),
        "attainment_rows_with_ratio": service_with_ratio,
        "statuses": statuses,
        "overdue_list": overdue,
        "profile": str(profile_path.relative_to(ROOT)) if profile_path else None,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")

    plain = overdue["plain_select_limit_50"]
    print(f"\n{'measured':44} {'rows':>8} {'seconds':>9} {'ratio':>7}")
    print(f"{'baseline INSERT ... SELECT':44} {baseline_rows:8} {base_s:9.3f} {1:7.1f}")
    print(
        f"{'(a) full recompute, empty table':44} {full_result.created:8} {full_s:9.3f} "
        f"{full_s / base_s:7.1f}"
    )
    print(
        f"{'(b) recompute, nothing changed':44} {again_result.unchanged:8} {again_s:9.3f} "
        f"{again_s / base_s:7.1f}"
    )
    print(f"{'plain SELECT ... LIMIT 50':44} {plain['rows']:8} {plain['seconds']:9.4f} {1:7.1f}")
    for name in ("selector", "view"):
        if name in overdue:
            m = overdue[name]
            print(
                f"{'overdue list, first page of 50 (' + name + ')':44} {'':8} "
                f"{m['page_50_seconds']:9.4f} {m['ratio_to_plain']:7.1f}"
            )
    print(
        f"\nrows: service {sum(statuses.values())} (with ratio {service_with_ratio}), "
        f"baseline {baseline_rows} (with ratio {baseline_with_ratio}); "
        f"keys only in baseline {only_baseline}, only in service {only_service}"
    )
    print("statuses: " + ", ".join(f"{Status(k).label} {v}" for k, v in sorted(statuses.items())))
    for name in ("selector", "view"):
        if name in overdue:
            q = overdue[name]["queries_by_page_size"]
            print(
                f"overdue list queries ({name}): page size 20 -> {q[20]}, page size 100 -> {q[100]}"
                + ("" if q[20] == q[100] else "  <- 不相等：有逐行查询")
            )
    if "view" not in overdue:
        print("attainment:list 尚不存在：只计时了 selector（见 overdue_page_view）")
    print(f"goal: (a) and (b) within 3x of the baseline; results in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
