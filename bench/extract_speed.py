"""Time figure extraction over the seed reports against a one-regex baseline in the same run.

Usage: python bench/extract_speed.py [--rounds N]
The baseline is one regular-expression pass that finds every number in the same text
(re.findall(r"\\d+(?:\\.\\d+)?")): the least any extractor must do. The ratio (extraction time /
baseline time, best of N rounds each, the extractor's memo caches cleared every round) is what we
track; the goal is within 20x.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.score_reports import catalogue  # noqa: E402
from policytext.reports import IndicatorCatalogue, clear_caches, extract_report  # noqa: E402

SEEDS = Path(os.environ.get("SEEDS_DIR") or ROOT.parent / "shared" / "seeds")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def best_of(rounds: int, fn: Callable[..., object], *args: object) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - start)
    return best


def extract_cold(text: str, cat: IndicatorCatalogue) -> None:
    # Caches cleared every round: a real upload is a text the extractor has not seen.
    clear_caches()
    extract_report(text, cat)


def main() -> None:
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 20
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("00[013]_*.txt"))}
    cat = catalogue()
    print(
        f"{'report':28} {'chars':>7} {'numbers':>8} {'figures':>8} "
        f"{'baseline ms':>12} {'extract ms':>11} {'ratio':>7}"
    )
    total_base = total_extract = 0.0
    for name, text in texts.items():
        base = best_of(rounds * 10, NUMBER.findall, text)
        ext = best_of(rounds, extract_cold, text, cat)
        total_base += base
        total_extract += ext
        print(
            f"{name:28} {len(text):7} {len(NUMBER.findall(text)):8} "
            f"{len(extract_report(text, cat).figures):8} "
            f"{base * 1000:12.3f} {ext * 1000:11.2f} {ext / base:7.1f}"
        )
    print(
        f"{'all seeds':28} {sum(map(len, texts.values())):7} {'':8} {'':8} "
        f"{total_base * 1000:12.3f} {total_extract * 1000:11.2f} {total_extract / total_base:7.1f}"
    )


if __name__ == "__main__":
    main()
