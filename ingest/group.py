"""Documents published as several files: the tables in one, the narrative (情况说明) in another.

Files of the same unit (``ingest.units.unit_key``), year and kind are one document when exactly
one of them has tables and the others have narrative only: the tables come from the tables file,
the narrative from all of them, and every source location names its file ("jiangsu-shengwei-2017-
tables.pdf p. 3"), so each citation says which file and page it rests on.

The grouped document's id is the narrative file's (for X.pdf + X-tables.pdf that is the common
stem X); ``budgetqa ingest --as DOC_ID`` forces a grouping and an id.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from ingest.model import BudgetDocument, Finding, ReadingProblem, SourceFile
from ingest.units import unit_key


@dataclass(frozen=True)
class Group:
    """Documents read from files that make one published document (one, or tables + narrative)."""
    members: tuple[BudgetDocument, ...]
    paths: tuple[str, ...]

    @property
    def narrative_only(self) -> bool:
        return not any(d.tables for d in self.members)


def group_key(doc: BudgetDocument) -> tuple[str, int, str]:
    return unit_key(doc.org), doc.year, doc.kind


def pair(docs: list[tuple[BudgetDocument, str]]) -> list[Group]:
    """Group (document, path) pairs read from single files: a narrative-only file joins the one
    tables file of its unit, year and kind; anything else stands alone. Order is kept."""
    by_key: dict[tuple, list[int]] = {}
    for k, (doc, _) in enumerate(docs):
        by_key.setdefault(group_key(doc), []).append(k)
    taken: set[int] = set()
    groups: list[Group] = []
    for k, (doc, path) in enumerate(docs):
        if k in taken:
            continue
        same = by_key[group_key(doc)]
        with_tables = [j for j in same if docs[j][0].tables]
        narrative = [j for j in same if not docs[j][0].tables]
        if len(with_tables) == 1 and narrative and doc.org and doc.year:
            members = [j for j in same if j == with_tables[0] or j in narrative]
            taken.update(members)
            groups.append(Group(tuple(docs[j][0] for j in members), tuple(docs[j][1] for j in members)))
        else:
            taken.add(k)
            groups.append(Group((doc,), (path,)))
    return groups


def group_id(members: tuple[BudgetDocument, ...]) -> str:
    """The narrative file's id (the shortest, if several); a lone document keeps its own."""
    narrative = sorted((d.doc_id for d in members if not d.tables), key=lambda i: (len(i), i))
    return narrative[0] if narrative and len(members) > 1 else members[0].doc_id


def merge(members: tuple[BudgetDocument, ...], doc_id: str | None = None) -> BudgetDocument:
    """One document from the documents of its files (at most one of them with tables)."""
    if len(members) == 1:
        return replace(members[0], doc_id=doc_id or members[0].doc_id)
    tabled = [d for d in members if d.tables]
    if len(tabled) > 1:
        raise ValueError(f"{len(tabled)} of the files have tables ({', '.join(d.source_file for d in tabled)}); "
                         "a document is one tables file with its narrative files")
    main = tabled[0] if tabled else members[0]
    narrative = [d for d in members if d is not main]
    ordered = [*narrative, main]                      # the cover and 情况说明 first, then the tables file
    files = tuple(f for d in ordered for f in (d.files or (SourceFile(d.source_file, d.sha256),)))
    sha = hashlib.sha256("+".join(sorted(f.sha256 for f in files)).encode()).hexdigest()
    org = main.org if len(main.org) > 2 else next((d.org for d in narrative if d.org), main.org)
    return BudgetDocument(
        doc_id=doc_id or group_id(members), org=org, year=main.year or next((d.year for d in narrative), 0),
        kind=main.kind, scope=main.scope, unit=main.unit, source_file=" + ".join(f.name for f in files),
        sha256=sha, tables=tuple(_table_in(t, main.source_file) for t in main.tables),
        sections=tuple(replace(s, file=d.source_file) for d in ordered for s in d.sections),
        findings=tuple(_finding_in(f, d.source_file) for d in ordered for f in d.findings),
        checks=main.checks,
        reading_problems=tuple(_problem_in(p, d.source_file) for d in ordered for p in d.reading_problems),
        files=files)


def _in(file: str, where: str) -> str:
    return f"{file} {where}" if where and not where.startswith(file) else where


def _table_in(t, file: str):
    return replace(t, source=_in(file, t.source), rows=tuple(replace(r, source=_in(file, r.source)) for r in t.rows))


def _finding_in(f: Finding, file: str) -> Finding:
    return f if f.where.startswith("表") else replace(f, where=_in(file, f.where))


def _problem_in(p: ReadingProblem, file: str) -> ReadingProblem:
    return replace(p, where=_in(file, p.where))
