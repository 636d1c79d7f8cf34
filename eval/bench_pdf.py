"""Time PDF ingestion: `python eval/bench_pdf.py [file.pdf …]` (default: every PDF in ../shared/corpus)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.document import read_document, unverified_amounts  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"


def main(paths: list[str]) -> None:
    files = [Path(p) for p in paths] or sorted(CORPUS.glob("*.pdf"))
    for path in files:
        start = time.perf_counter()
        doc = read_document(path)
        seconds = time.perf_counter() - start
        checks = [c for t in doc.tables for c in t.checks] + list(doc.checks)
        print(f"{path.name}: {seconds:.2f} s, {len(doc.tables)} tables, "
              f"{sum(c.ok for c in checks)} checks pass, {sum(not c.ok for c in checks)} fail, "
              f"{len(unverified_amounts(doc))} unverified, {len(doc.findings)} findings")


if __name__ == "__main__":
    main(sys.argv[1:])
