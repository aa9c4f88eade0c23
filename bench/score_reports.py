"""Score the report extractor against hand-written expected answers.

Usage: python bench/score_reports.py [--verbose] [--heldout | --blind]
  default: tests/data/reports/*.expected.json (reports we wrote, seen while tuning)
  --heldout: tests/data/reports_heldout/*.expected.json, written by someone who had not seen the
  extractor
  --blind: tests/data/reports_blind/*.expected.json, written blind (without seeing the extractor)
Per file: entity and year right; expected actual figures found with the right indicator, value,
unit and line (recall); traps taken (a plan, change, rate, other year, sub-category or someone
else's figure taken as this year's actual of an indicator); other actual figures linked to one of
the 17 core indicators that the answers neither expect nor list as traps ("unlisted"), and
conflicts expected vs found.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policytext import documents  # noqa: E402
from policytext.reports import IndicatorCatalogue, extract_report  # noqa: E402

CORE = {
    "schools",
    "admissions",
    "enrollment",
    "graduates",
    "further_study",
    "employed",
    "staff",
    "fulltime_teachers",
    "student_teacher_ratio",
    "dual_qualified_teachers",
    "dual_qualified_ratio",
    "dual_qualified_certified",
    "training_sessions",
    "certificates",
    "equipment_value_per_student",
    "funding_per_student",
    "standardized_schools",
}
UNIT_SAME = {"名": "人", "位": "人", "次": "人次", "元/生": "元", "元/人": "元", "": ":"}


def catalogue() -> IndicatorCatalogue:
    entries = json.loads((ROOT / "fixtures" / "indicators.json").read_text(encoding="utf-8"))[
        "indicators"
    ]
    return IndicatorCatalogue.from_entries(entries)


def _same_value(a: Decimal, b: object) -> bool:
    b = Decimal(str(b))
    return abs(a - b) <= max(Decimal("0.01"), abs(b) * Decimal("0.0005"))


def _unit(u: str) -> str:
    return UNIT_SAME.get(u, u)


def score(expected_path: Path, cat: IndicatorCatalogue, verbose: bool = False) -> dict:
    exp = json.loads(expected_path.read_text(encoding="utf-8"))
    source = (expected_path.parent / exp["file"]).resolve()
    text = documents.read_document(source.name, source.read_bytes())
    got = extract_report(text, cat)
    actuals = [
        f for f in got.figures if f.indicator in CORE and f.kind == "actual" and not f.subject
    ]
    used: set[int] = set()
    s = {
        "file": exp["file"],
        "entity_ok": got.entity == exp["entity"] and got.entity_kind == exp["entity_kind"],
        "year_ok": got.year == exp["year"],
        "expected": 0,
        "found": 0,
        "traps": len(exp.get("traps", [])),
        "traps_taken": 0,
        "unlisted": 0,
        "conflicts_expected": len(exp.get("conflicts", [])),
        "conflicts_found": 0,
    }
    misses = []
    for e in exp["expected"]:
        if e.get("kind", "actual") != "actual" or e["indicator"] not in CORE:
            continue
        s["expected"] += 1
        hit = next(
            (
                i
                for i, f in enumerate(actuals)
                if i not in used
                and f.indicator == e["indicator"]
                and _same_value(f.value, e["value"])
                and ("line" not in e or f.line == e["line"])
                and _unit(f.unit) == _unit(e.get("unit", f.unit))
            ),
            None,
        )
        if hit is None:
            misses.append(e)
        else:
            used.add(hit)
            s["found"] += 1
    taken = []
    for t in exp.get("traps", []):
        for i, f in enumerate(actuals):
            if i in used:
                continue
            if (
                f.indicator == t["not"]
                and _same_value(f.value, t["value"])
                and ("line" not in t or f.line == t["line"])
            ):
                s["traps_taken"] += 1
                taken.append((t, f))
                used.add(i)
                break
    unlisted = [f for i, f in enumerate(actuals) if i not in used]
    s["unlisted"] = len(unlisted)
    wanted = {c["indicator"] for c in exp.get("conflicts", [])}
    s["conflicts_found"] = sum(1 for c in got.conflicts if c.indicator in wanted)
    s["conflicts_extra"] = [c.indicator for c in got.conflicts if c.indicator not in wanted]
    if verbose:
        print(f"\n== {exp['file']}: entity {got.entity}/{got.entity_kind} year {got.year}")
        for e in misses:
            near = [f for f in got.figures if f.line == e.get("line")]
            print(f"  MISS {e['indicator']} {e['value']} {e.get('unit')} L{e.get('line')}")
            for f in near:
                print(
                    f"       got L{f.line} {f.indicator} {f.kind} {f.value}{f.unit} "
                    f"label={f.label[:30]} {f.note[:30]}"
                )
        for t, f in taken:
            print(
                f"  TRAP {t['not']} {t['value']} L{t.get('line')} ({t.get('why', '')}) "
                f"label={f.label[:30]}"
            )
        for f in unlisted:
            print(f"  UNLISTED {f.indicator} {f.value}{f.unit} L{f.line} label={f.label[:30]}")
        for c in got.conflicts:
            print(f"  CONFLICT {c.indicator} {[str(f.value) for f in c.figures]}")
    return s


def main() -> None:
    verbose = "--verbose" in sys.argv
    folder = (
        ROOT
        / "tests"
        / "data"
        / (
            "reports_blind"
            if "--blind" in sys.argv
            else "reports_heldout"
            if "--heldout" in sys.argv
            else "reports"
        )
    )
    cat = catalogue()
    totals = {"expected": 0, "found": 0, "traps": 0, "traps_taken": 0, "unlisted": 0}
    rows = []
    for path in sorted(folder.glob("*.expected.json")):
        s = score(path, cat, verbose)
        rows.append(s)
        for k in totals:
            totals[k] += s[k]
    print(f"\n{'file':40} entity year  found/expected  traps_taken/traps  unlisted  conflicts")
    for s in rows:
        print(
            f"{s['file'][:40]:40} {'ok' if s['entity_ok'] else 'NO':6} "
            f"{'ok' if s['year_ok'] else 'NO':4} "
            f"{s['found']:5}/{s['expected']:<8} {s['traps_taken']:5}/{s['traps']:<10} "
            f"{s['unlisted']:6}   "
            f"{s['conflicts_found']}/{s['conflicts_expected']} extra={s['conflicts_extra']}"
        )
    recall = totals["found"] / totals["expected"] if totals["expected"] else 0
    precision_den = totals["found"] + totals["traps_taken"] + totals["unlisted"]
    print(
        f"\nrecall {recall:.3f} ({totals['found']}/{totals['expected']}); "
        f"traps taken {totals['traps_taken']}/{totals['traps']}; "
        f"unlisted {totals['unlisted']}; precision (found / all core actuals) "
        f"{totals['found'] / precision_den if precision_den else 0:.3f}"
    )


if __name__ == "__main__":
    main()
