"""What review teaches the catalogue, measured on the real excerpts in ../shared/realtext/reports.

Usage: python bench/learned_aliases.py [--realtext DIR] [--swap] [--verbose]

The files are split by sorted name into half A (1st, 3rd, …) and half B (2nd, 4th, …). All are
ingested into a throw-away SQLite database (a new temporary folder, migrated here; never the
project's database). Core recall on half B is taken; then for each gold core figure of half A
that extraction missed, the unlinked figure with that value is linked to the gold indicator
through reporting.services.figure_link with learn_alias on (what the one-click link of
待关联的数据 does); half B is re-extracted (report_process, as manage.py reextract) and its core
recall taken again. A hit is score.py's: an actual figure with the gold indicator and value.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _close(a: float, b: float, tol: float = 0.005) -> bool:
    return abs(a) < 1e-9 if b == 0 else abs(a - b) <= tol * abs(b)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--realtext", default=str(ROOT.parent / "shared" / "realtext"))
    ap.add_argument("--swap", action="store_true", help="learn from half B, measure half A")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    folder = Path(args.realtext) / "reports"

    work = Path(tempfile.mkdtemp(prefix="learned_aliases_"))
    # Set before Django starts: this run must never touch anyone's database or media.
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'db.sqlite3'}"
    os.environ["DJANGO_MEDIA_ROOT"] = str(work / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    import yaml
    from django.core.management import call_command

    from accounts.models import Role, User
    from reporting import services
    from reporting.models import Figure, FigureKind, Report
    from tasks_registry.models import Indicator, IndicatorAlias

    call_command("migrate", verbosity=0)  # loads the reference data (tasks_registry/apps.py)
    IndicatorAlias.objects.all().delete()  # start from the shipped catalogue only
    reviewer = User.objects.create(username="bench-duban", role=Role.SUPERVISOR, is_staff=True)

    files = sorted(folder.glob("*.txt"))
    half_a, half_b = files[0::2], files[1::2]
    if args.swap:
        half_a, half_b = half_b, half_a
    gold = {p: yaml.safe_load(p.with_suffix(".yaml").read_text(encoding="utf-8")) for p in files}
    reports: dict[Path, Report] = {}
    for p in files:
        try:
            report, _ = services.report_ingest(name=p.name, data=p.read_bytes())
        except services.ReportRejected:
            # The title names no entity the extractor can read: say it, as an uploader would.
            report, _ = services.report_ingest(
                name=p.name, data=p.read_bytes(), entity=str(gold[p]["entity"])
            )
        reports[p] = report

    def core_hits(p: Path) -> tuple[int, int, list[dict]]:
        actual = list(reports[p].figures.filter(kind=FigureKind.ACTUAL).select_related("indicator"))
        hit = n = 0
        missed = []
        for g in gold[p]["figures"]:
            if not g.get("core"):
                continue
            n += 1
            values = g["value"] if isinstance(g["value"], list) else [g["value"]]
            if any(
                f.indicator is not None
                and f.indicator.code == g["indicator"]
                and any(_close(float(f.value), float(v)) for v in values)
                for f in actual
            ):
                hit += 1
            else:
                missed.append(g)
        return hit, n, missed

    def recall(half: list[Path]) -> tuple[int, int]:
        pairs = [core_hits(p)[:2] for p in half]
        return sum(h for h, _ in pairs), sum(n for _, n in pairs)

    before = recall(half_b)

    linked = 0
    for p in half_a:
        for g in core_hits(p)[2]:
            values = g["value"] if isinstance(g["value"], list) else [g["value"]]
            candidates = [
                f
                for f in reports[p].figures.filter(indicator__isnull=True).order_by("line")
                if any(_close(float(f.value), float(v)) for v in values)
            ]
            if not candidates:
                if args.verbose:
                    print(f"  {p.name}: {g['indicator']} = {g['value']}: no unlinked figure")
                continue
            figure: Figure = candidates[0]
            indicator = Indicator.objects.get(code=g["indicator"])
            done = services.figure_link(
                figure=figure, by=reviewer, indicator=indicator, learn_alias=True
            )
            linked += 1
            if args.verbose:
                learned = done.alias.alias if done.alias else "—"
                print(f"  {p.name}: “{figure.label}” -> {indicator.code}; alias {learned}")

    for p in half_b:
        processed = services.report_process(report_id=reports[p].pk)
        assert processed is not None
        reports[p] = processed
    after = recall(half_b)

    aliases = list(IndicatorAlias.objects.select_related("indicator").order_by("alias"))
    print(f"half A: {len(half_a)} files, {linked} missed core figures linked by hand")
    print(
        f"learned aliases: {len(aliases)} "
        f"({'、'.join(f'{a.alias}→{a.indicator.code}' for a in aliases) or '—'})"
    )
    print(
        f"half B core recall before {before[0] / before[1]:.2f} ({before[0]}/{before[1]}), "
        f"after {after[0] / after[1]:.2f} ({after[0]}/{after[1]})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
