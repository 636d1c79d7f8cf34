"""科目编码 and their names, as the published documents of the corpus print them.

``subject_codes.tsv`` (code, name; one line per name a code was printed with, across years — the
classification renames a few codes, e.g. 20805 行政事业单位离退休 → 行政事业单位养老支出) is built from
the readable tables of the corpus documents:

    python -m app.staff.codes ../shared/corpus/*.pdf ../shared/corpus/jiangsu-years/*.pdf data/samples/*.txt

A name printed under exactly one code is that code's own name; the audit reports a row whose code and
name disagree only between two codes it knows (see app.staff.completeness).
"""
from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("subject_codes.tsv")


def norm(name: str) -> str:
    return re.sub(r"\s", "", name).replace("(", "（").replace(")", "）")


def same_name(a: str, b: str) -> bool:
    return norm(a) == norm(b)


@lru_cache(maxsize=1)
def known_codes() -> tuple[dict[str, set[str]], dict[str, str]]:
    """(code → names, name → its only code) from the shipped list."""
    names: dict[str, set[str]] = {}
    if DATA.is_file():
        for line in DATA.read_text(encoding="utf-8").splitlines():
            if "\t" in line and not line.startswith("#"):
                code, name = line.split("\t", 1)
                names.setdefault(code, set()).add(norm(name))
    codes_of: dict[str, set[str]] = {}
    for code, ns in names.items():
        for n in ns:
            codes_of.setdefault(re.sub(r"[（）]", "", n), set()).add(code)
    unique = {n: next(iter(cs)) for n, cs in codes_of.items() if len(cs) == 1}
    return names, unique


def collect(paths: list[str]) -> dict[str, set[str]]:
    from app.staff.reading import unreadable_tables
    from ingest.document import read_document
    found: dict[str, set[str]] = {}
    for p in paths:
        try:
            doc = read_document(p)
        except Exception as e:          # noqa: BLE001 — a file we cannot read adds nothing
            print(f"skipped {p}: {e}", file=sys.stderr)
            continue
        bad = unreadable_tables(doc)
        for t in doc.tables:
            if t.id in bad:
                continue
            for r in t.rows:
                if r.code and r.name and re.fullmatch(r"\d{3}(?:\d{2}){0,2}", r.code):
                    found.setdefault(r.code, set()).add(norm(r.name))
    return found


def main(argv: list[str]) -> int:
    found = collect(argv)
    lines = ["# 科目编码\t名称 — built by python -m app.staff.codes from the corpus documents' readable tables"]
    lines += [f"{code}\t{name}" for code in sorted(found) for name in sorted(found[code])]
    DATA.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(found)} codes written to {DATA}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
