"""Score the task-list parser against hand-written expected answers for our own sample lists.

Usage: python bench/score_tasklists.py [--verbose] [--heldout]
  default: fixtures/tasklists/* against tests/data/tasklists/*.expected.json
  --heldout: tests/data/heldout/* (documents and answers side by side), written by someone who had
  not seen the parser
Prints, per file: tasks found/expected, lead and co-operating departments right, targets matched
(precision and recall on value, range, comparison, unit, scope, recurrence and timing), and any
planted policy parameter that was wrongly taken for a target.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policytext.departments import Catalogue  # noqa: E402
from policytext.tasklist import decode, parse_tasklist  # noqa: E402

FIELDS = (
    "value",
    "value_high",
    "cmp",
    "unit",
    "per_unit",
    "recurrence",
    "from_year",
    "due",
    "cumulative",
)


def catalogue() -> Catalogue:
    entries = json.loads((ROOT / "fixtures" / "departments.json").read_text(encoding="utf-8"))[
        "departments"
    ]
    return Catalogue((e["name"], e["kind"], e["aliases"]) for e in entries)


def _norm(target: dict) -> tuple:
    out = []
    for f in FIELDS:
        v = target.get(f)
        if f in ("value", "value_high") and v is not None:
            v = Decimal(str(v)).normalize()
        out.append(json.dumps(v, sort_keys=True, default=str))
    return tuple(out)


def score(source: Path, expected: dict, cat: Catalogue, period=None, verbose: bool = False) -> dict:
    parsed = parse_tasklist(decode(source.read_bytes()), catalogue=cat, plan_period=period)
    got: dict[str, dict[str, Any]] = {t.number: t.as_json() for t in parsed.tasks}  # JSON
    s = {
        "tasks_expected": len(expected["tasks"]),
        "tasks_found": len(got),
        "tasks_right": 0,
        "lead_right": 0,
        "co_right": 0,
        "groups_right": 0,
        "targets_expected": 0,
        "targets_found": 0,
        "targets_right": 0,
        "param_as_target": 0,
    }
    for exp in expected["tasks"]:
        g = got.get(exp["number"])
        s["targets_expected"] += len(exp["targets"])
        if g is None:
            if verbose:
                print(f"  MISSING task {exp['number']}")
            continue
        s["tasks_right"] += 1
        s["lead_right"] += g["lead"] == exp["lead"]
        s["co_right"] += g["co"] == exp["co"]
        s["groups_right"] += g["groups"] == exp["groups"]
        if verbose and (
            g["lead"] != exp["lead"] or g["co"] != exp["co"] or g["groups"] != exp["groups"]
        ):
            print(
                f"  task {exp['number']} bodies: got {g['lead']} {g['co']} {g['groups']}\n"
                f"      expected {exp['lead']} {exp['co']} {exp['groups']}"
            )
        want = [_norm(t) for t in exp["targets"]]
        have = [_norm(t) for t in g["targets"]]
        s["targets_found"] += len(have)
        remaining = list(have)
        for w in want:
            if w in remaining:
                remaining.remove(w)
                s["targets_right"] += 1
            elif verbose:
                print(f"  task {exp['number']} missed {dict(zip(FIELDS, w, strict=True))}")
        if verbose:
            for r in remaining:
                print(f"  task {exp['number']} extra  {dict(zip(FIELDS, r, strict=True))}")
    for nt in expected.get("not_targets", []):
        g = got.get(nt["task"])
        # A trap is taken when a target's figure (sliced from the task text) lies inside it.
        if g and any(
            nt["text"] in t["source"] and g["text"][t["span"][0] : t["span"][1]] in nt["text"]
            for t in g["targets"]
        ):
            s["param_as_target"] += 1
            if verbose:
                print(f"  task {nt['task']} took a policy parameter for a target: {nt['text']}")
    unknown_expected = set(expected.get("unknown_departments", []))
    s["unknown_right"] = set(parsed.unknown_departments) == unknown_expected
    return s


def main() -> None:
    verbose = "--verbose" in sys.argv
    cat = catalogue()
    totals: dict[str, int] = {}
    heldout = "--heldout" in sys.argv
    answers = ROOT / "tests" / "data" / ("heldout" if heldout else "tasklists")
    documents = answers if heldout else ROOT / "fixtures" / "tasklists"
    for expected_path in sorted(answers.glob("*.expected.json")):
        stem = expected_path.name.removesuffix(".expected.json")
        source = next(
            p for p in documents.glob(stem + ".*") if not p.name.endswith(".expected.json")
        )
        print(source.name)
        s = score(
            source,
            json.loads(expected_path.read_text(encoding="utf-8")),
            cat,
            period=(2021, 2025),
            verbose=verbose,
        )
        print("  " + ", ".join(f"{k}={v}" for k, v in s.items()))
        for k, v in s.items():
            totals[k] = totals.get(k, 0) + int(v)
    p = totals["targets_right"] / max(totals["targets_found"], 1)
    r = totals["targets_right"] / max(totals["targets_expected"], 1)
    print(
        f"TOTAL tasks {totals['tasks_right']}/{totals['tasks_expected']}, "
        f"lead {totals['lead_right']}, co {totals['co_right']}, groups {totals['groups_right']}, "
        f"targets right {totals['targets_right']} of {totals['targets_expected']} expected "
        f"/ {totals['targets_found']} found (precision {p:.2f}, recall {r:.2f}), "
        f"parameters taken as targets {totals['param_as_target']}"
    )


if __name__ == "__main__":
    main()
