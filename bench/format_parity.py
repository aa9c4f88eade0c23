"""What each format yields against the text it was built from: tasks and targets of a task list,
figures and linked figures of a report, per format.

Usage: python bench/format_parity.py [FILE ...]
Without arguments: the seed task list (004) and seed reports (000, 001, 003) in ../shared/seeds (or
SEEDS_DIR). Each text is turned into .docx/.xlsx here and .doc/PDF by LibreOffice, exactly as the
tests build them (tests/document_builders.every_format), then read by policytext.documents.read and
parsed. Needs soffice for .doc and PDF.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.read_formats import departments  # noqa: E402
from bench.score_reports import catalogue  # noqa: E402
from policytext import documents  # noqa: E402
from policytext.reports import extract_report  # noqa: E402
from policytext.tasklist import parse_tasklist  # noqa: E402
from tests.document_builders import every_format  # noqa: E402

SEEDS = Path(os.environ.get("SEEDS_DIR") or ROOT.parent / "shared" / "seeds")


def counts(path: Path, text: str) -> tuple[str, dict[str, str]]:
    is_tasklist = "报告" not in text[:300]  # a quality report says so in its title
    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        files = every_format("文档.txt", text, Path(folder))
    for name in sorted(files, key=lambda n: (not n.endswith(".txt"), n)):
        fmt = name.rsplit(".", 1)[1]
        try:
            read = documents.read(name, files[name]).text
        except documents.DocumentError as error:  # a refusal is a result here, shown as such
            out[fmt] = f"refused: {error}"[:60]
            continue
        if is_tasklist:
            tasks = parse_tasklist(read, catalogue=departments()).tasks
            out[fmt] = f"{len(tasks)} tasks, {sum(len(t.targets) for t in tasks)} targets"
        else:
            report = extract_report(read, catalogue())
            out[fmt] = f"{len(report.figures)} figures, {len(report.linked)} linked"
    return ("task list" if is_tasklist else "report"), out


def main() -> None:
    paths = [Path(a) for a in sys.argv[1:]] or sorted(
        p for p in SEEDS.glob("*") if p.name[:3] in ("000", "001", "003", "004")
    )
    if not paths:
        sys.exit(f"需要种子文档（{SEEDS}）或文件参数")
    for path in paths:
        kind, out = counts(path, path.read_text(encoding="utf-8"))
        print(f"\n{path.name[:40]} ({kind})")
        for fmt, text in out.items():
            print(f"  {fmt:5} {text}")


if __name__ == "__main__":
    main()
