"""Every score of the parsers on one page: real documents of other cities, our samples, the seeds.

Usage: python bench/genre_scores.py
- ../shared/realtext/run.sh (or REALTEXT_DIR): real excerpts with gold — reports core recall,
  decoys taken as actual, entity and year; task lists target F1, traps, lead accuracy;
- bench/score_reports.py and score_tasklists.py, our own samples and the held-out ones;
- the seeds (../shared/seeds or SEEDS_DIR): tasks, leads and targets of the task list, and the
  figures of the city report linked to an indicator.
A part whose folder is absent says so and is left out. Nothing is timed here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
REALTEXT = Path(os.environ.get("REALTEXT_DIR") or SHARED / "realtext")
SEEDS = Path(os.environ.get("SEEDS_DIR") or SHARED / "seeds")


def _last_lines(command: list[str], count: int) -> list[str]:
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return lines[-count:] if done.returncode == 0 else [f"失败：{done.stderr.strip()[-300:]}"]


def realtext() -> None:
    print("== real documents of other cities (../shared/realtext/run.sh)")
    if not (REALTEXT / "run.sh").exists():
        print(f"   {REALTEXT} 不存在，略过")
        return
    for line in _last_lines(["bash", str(REALTEXT / "run.sh"), str(ROOT)], 3):
        print("  ", line)


def samples() -> None:
    print("== our own samples (tests/data)")
    python = sys.executable
    for script in ("score_reports.py", "score_tasklists.py"):
        for extra in ([], ["--heldout"]):
            (line,) = _last_lines([python, str(ROOT / "bench" / script), *extra], 1)
            print(f"   {script} {' '.join(extra) or '(seen while tuning)'}: {line}")


def seeds() -> None:
    print("== the seeds (../shared/seeds)")
    tasklists = sorted(SEEDS.glob("004_*.txt"))
    reports = sorted(SEEDS.glob("000_*.txt"))
    if not tasklists or not reports:
        print(f"   {SEEDS} 不存在，略过")
        return
    from policytext.departments import Catalogue
    from policytext.reports import IndicatorCatalogue, extract_report
    from policytext.tasklist import decode, parse_tasklist

    entries = json.loads((ROOT / "fixtures" / "departments.json").read_text(encoding="utf-8"))
    departments = Catalogue((e["name"], e["kind"], e["aliases"]) for e in entries["departments"])
    parsed = parse_tasklist(decode(tasklists[0].read_bytes()), catalogue=departments)
    targets = [t for task in parsed.tasks for t in task.targets]
    led = sum(1 for task in parsed.tasks if task.lead)
    print(f"   task list 004: {len(parsed.tasks)} tasks, {led} with a lead, {len(targets)} targets")
    indicators = json.loads((ROOT / "fixtures" / "indicators.json").read_text(encoding="utf-8"))[
        "indicators"
    ]
    report = extract_report(reports[0].read_text(), IndicatorCatalogue.from_entries(indicators))
    own = [f for f in report.linked if f.kind == "actual" and not f.subject]
    print(
        f"   report 000: {report.entity} {report.year}, {len(report.figures)} figures, "
        f"{len(own)} linked actuals, {len(report.conflicts)} conflicts"
    )


if __name__ == "__main__":
    realtext()
    samples()
    seeds()
