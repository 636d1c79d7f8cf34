"""What we could not read is not the document's error.

(A problem is read by attribute: ingest's ``Finding`` (rule, message, where, severity) today, its
``ReadingProblem`` (kind, what, where, message, severity) once issue 14 lands.)

Ingest records what it could not read (a figure it could not place, a header it did not recognise, a
table it could not build, a document that ends inside a table). Those are our reading problems: the
audit never reports them as the document's inconsistencies, and a table that has one is not the basis
of any finding (its cells may be misplaced). Ingest is moving them to ``doc.reading_problems``; until
then they are the ``doc.findings`` of the reading rules below.
"""
from __future__ import annotations

import re

from ingest.model import BudgetDocument, Finding

READING_RULES = ("placement", "ambiguous-placement", "header", "incomplete-table", "unreadable-table")


def reading_problems(doc: BudgetDocument) -> list[Finding]:
    out = list(getattr(doc, "reading_problems", ()) or ())
    for f in doc.findings:
        if f.rule in READING_RULES or (f.rule == "cross-table" and "could not run" in f.message):
            if f not in out:
                out.append(f)
    return out


def unreadable_tables(doc: BudgetDocument) -> frozenset[str]:
    """Ids of the tables with a reading problem (named in the problem's message or place), and of
    tables without rows or columns."""
    ids = {t.id for t in doc.tables if not t.columns or (not t.rows and not t.note) or _repeats_codes(t)}
    by_source = {t.source: t.id for t in doc.tables}
    for p in reading_problems(doc):
        what, message, where = (str(getattr(p, k, "") or "") for k in ("what", "message", "where"))
        if getattr(p, "severity", "") == "note":
            continue                 # placed by column order, and the table's arithmetic holds
        named = next((m for m in (re.match(r"\s*(表\d+)", x) for x in (what, message, where)) if m), None)
        if named:
            ids.add(named.group(1))
        elif where in by_source:
            ids.add(by_source[where])
        elif getattr(p, "table", ""):
            ids.add(str(p.table))
    return frozenset(ids)


def _repeats_codes(t) -> bool:
    """One 科目编码 twice in a table: two tables (or one twice) read as one."""
    seen = set()
    for r in t.rows:
        if r.code:
            key = (r.group, r.code, r.project)
            if key in seen:
                return True
            seen.add(key)
    return False


TITLE_YEAR = re.compile(r"(?<!\d)(20\d\d)年度?[^，。；：:\d]{0,24}?(?:部门|单位)?(?:预算|决算)(?:编制)?(?:情况)?(?:说明|公开|总表|表)")


def trusted_year(doc: BudgetDocument) -> int | None:
    """The document's year, unless most of its own titles name another one (then we misread it, and
    no "wrong year" can be claimed)."""
    named = [int(y) for t in doc.tables for y in TITLE_YEAR.findall(re.sub(r"\s", "", t.title))]
    headings = dict.fromkeys(re.sub(r"\s", "", h) for s in doc.sections for h in s.path)   # each once
    named += [int(y) for h in headings for y in TITLE_YEAR.findall(h)]
    if not doc.year:
        return None
    if len(named) >= 3:
        top = max(set(named), key=named.count)
        if top != doc.year and named.count(top) * 2 > len(named):
            return None
    return doc.year
