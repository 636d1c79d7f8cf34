"""Time PDF ingestion: `python eval/bench_pdf.py [file.pdf …]` (default: every PDF in ../shared/corpus
and ../shared/corpus/jiangsu-years).

Prints per PDF: pages, seconds (read + verify, best of ``--repeat`` runs), seconds per 30 pages
(the target is ≤ 3 s for a 30-page PDF on the 2-core machine), tables, checks passing and failing,
unverified amounts, findings and reading problems. Figures only: nothing is asserted.
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.document import read_document, unverified_amounts  # noqa: E402

SHARED = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()), ROOT.parent / "shared")
CORPUS = SHARED / "corpus"
TARGET_PER_30_PAGES = 3.0


def pages_of(path: Path) -> int:
    import pdfplumber
    with pdfplumber.open(str(path)) as pdf:
        return len(pdf.pages)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="PDFs (default: the shared corpus)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per PDF; the best is printed (default 1)")
    args = parser.parse_args(argv)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    files = [Path(p) for p in args.paths] or sorted(CORPUS.glob("*.pdf")) + sorted(CORPUS.glob("jiangsu-years/*.pdf"))
    total_s, total_pages = 0.0, 0
    print(f"{'file':48} {'pages':>5} {'s':>6} {'s/30p':>6}  tables checks(ok/fail) unverified findings problems")
    for path in files:
        best, doc = float("inf"), None
        for _ in range(max(args.repeat, 1)):
            start = time.perf_counter()
            doc = read_document(path)
            best = min(best, time.perf_counter() - start)
        pages = pages_of(path)
        total_s, total_pages = total_s + best, total_pages + pages
        checks = [c for t in doc.tables for c in t.checks] + list(doc.checks)
        per30 = best / pages * 30 if pages else 0.0
        flag = "" if per30 <= TARGET_PER_30_PAGES else "  (over the 3 s / 30 pages target)"
        print(f"{path.name:48} {pages:5d} {best:6.2f} {per30:6.2f}  {len(doc.tables):6d} "
              f"{sum(c.ok for c in checks):6d}/{sum(not c.ok for c in checks):<5d} {len(unverified_amounts(doc)):10d} "
              f"{len(doc.findings):8d} {len(doc.reading_problems):8d}{flag}")
    if total_pages:
        print(f"{'all':48} {total_pages:5d} {total_s:6.2f} {total_s / total_pages * 30:6.2f}")


if __name__ == "__main__":
    main()
