"""Time reading a report and a task list in every format against reading the same text file.

Usage: python bench/read_formats.py [--rounds N] [--pages P]
The documents are the seed report and task list (../shared/seeds, or SEEDS_DIR), repeated until
the report's PDF has about P pages (default 40), turned into .docx/.xlsx here and into .doc/PDF by
LibreOffice, exactly as the tests build them. For each format: the best of N reads through
policytext.documents.read (what an upload costs before parsing), its ratio to reading the .txt,
and the parse (extract_report / parse_tasklist) on the text it gave. Needs soffice.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.score_reports import catalogue  # noqa: E402
from policytext import documents  # noqa: E402
from policytext.departments import Catalogue  # noqa: E402
from policytext.reports import extract_report  # noqa: E402
from policytext.tasklist import parse_tasklist  # noqa: E402
from tests.document_builders import every_format  # noqa: E402

SEEDS = Path(os.environ.get("SEEDS_DIR") or ROOT.parent / "shared" / "seeds")


def best_of(rounds: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def departments() -> Catalogue:
    path = ROOT / "fixtures" / "departments.json"
    entries = json.loads(path.read_text(encoding="utf-8"))["departments"]
    return Catalogue((e["name"], e["kind"], e["aliases"]) for e in entries)


def run(kind: str, name: str, text: str, rounds: int, parse: Callable[[str], object]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = every_format(name, text, Path(folder))
    baseline = None
    print(f"\n{kind}: {len(text):,} characters of text")
    print(f"  {'format':6} {'bytes':>10} {'pages':>5} {'read ms':>9} {'x text':>8} {'parse ms':>9}")
    for file_name in sorted(files, key=lambda n: (not n.endswith(".txt"), n)):
        data = files[file_name]
        document = documents.read(file_name, data)
        seconds = best_of(rounds, partial(documents.read, file_name, data))
        parse_seconds = best_of(rounds, partial(parse, document.text))
        baseline = baseline or seconds
        fmt = file_name.rsplit(".", 1)[1]
        print(
            f"  {fmt:6} {len(data):>10,} {document.pages or '':>5} {seconds * 1000:>9.1f} "
            f"{seconds / baseline:>8.0f} {parse_seconds * 1000:>9.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", type=int, default=40)
    args = parser.parse_args()
    report = sorted(SEEDS.glob("000_*"))
    tasklist = sorted(SEEDS.glob("004_*"))
    if not report or not tasklist:
        sys.exit(f"需要种子文档（{SEEDS}）")
    report_text = report[0].read_text(encoding="utf-8")
    # The seed report is about 20 pages as PDF; twice it is about 40.
    copies = max(1, round(args.pages / 20))
    cat = catalogue()
    run(
        "report",
        "报告.txt",
        "\n".join([report_text] * copies),
        args.rounds,
        lambda t: extract_report(t, cat),
    )
    bodies = departments()
    run(
        "task list",
        "清单.txt",
        tasklist[0].read_text(encoding="utf-8"),
        args.rounds,
        lambda t: parse_tasklist(t, catalogue=bodies),
    )


if __name__ == "__main__":
    main()
