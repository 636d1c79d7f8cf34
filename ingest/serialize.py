"""BudgetDocument ⇄ JSON-able dicts: the lossless form the store keeps, and the export form."""
from __future__ import annotations

from decimal import Decimal

from ingest.model import BudgetDocument, Check, Finding, ReadingProblem, Row, Section, SourceFile, Table


def _dec(v: Decimal | None) -> str | None:
    return None if v is None else str(v)


def to_dict(doc: BudgetDocument) -> dict:
    return {
        "doc_id": doc.doc_id, "org": doc.org, "year": doc.year, "kind": doc.kind, "scope": doc.scope,
        "unit": doc.unit, "source_file": doc.source_file, "sha256": doc.sha256,
        "tables": [{
            "id": t.id, "title": t.title, "unit": t.unit, "role": t.role, "columns": list(t.columns),
            "source": t.source, "note": t.note,
            "rows": [{"code": r.code, "name": r.name, "values": [_dec(v) for v in r.values],
                      "source": r.source, "group": r.group, "project": r.project, "level": r.level,
                      "parent": r.parent} for r in t.rows],
            "checks": [_check(c) for c in t.checks],
            "verified": sorted(list(x) for x in t.verified),
        } for t in doc.tables],
        "sections": [{"path": list(s.path), "text": s.text, "line_start": s.line_start,
                      "line_end": s.line_end, "page_start": s.page_start, "page_end": s.page_end,
                      **({"file": s.file} if s.file else {})}
                     for s in doc.sections],
        "findings": [vars(f) for f in doc.findings],
        "checks": [_check(c) for c in doc.checks],
        "reading_problems": [vars(p) for p in doc.reading_problems],
        "files": [vars(f) for f in doc.files],
    }


def _check(c: Check) -> dict:
    return {"rule": c.rule, "ok": c.ok, "detail": c.detail, "cells": [list(x) for x in c.cells]}


def _check_from(d: dict) -> Check:
    return Check(d["rule"], d["ok"], d["detail"], tuple(tuple(x) for x in d["cells"]))


def from_dict(d: dict) -> BudgetDocument:
    tables = tuple(Table(
        id=t["id"], title=t["title"], unit=t["unit"], role=t["role"], columns=tuple(t["columns"]),
        source=t["source"], note=t["note"],
        rows=tuple(Row(code=r["code"], name=r["name"],
                       values=tuple(None if v is None else Decimal(v) for v in r["values"]),
                       source=r["source"], group=r["group"], project=r["project"], level=r["level"],
                       parent=r["parent"]) for r in t["rows"]),
        checks=tuple(_check_from(c) for c in t["checks"]),
        verified=frozenset(tuple(x) for x in t["verified"])) for t in d["tables"])
    return BudgetDocument(
        doc_id=d["doc_id"], org=d["org"], year=d["year"], kind=d["kind"], scope=d["scope"],
        unit=d["unit"], source_file=d["source_file"], sha256=d["sha256"], tables=tables,
        sections=tuple(Section(tuple(s["path"]), s["text"], s["line_start"], s["line_end"],
                               s.get("page_start", 0), s.get("page_end", 0), s.get("file", ""))
                       for s in d["sections"]),
        findings=tuple(Finding(**f) for f in d["findings"]),
        checks=tuple(_check_from(c) for c in d["checks"]),
        reading_problems=tuple(ReadingProblem(**p) for p in d.get("reading_problems", ())),
        files=tuple(SourceFile(**f) for f in d.get("files", ())))


def _number(v: Decimal | None):
    if v is None:
        return None
    return int(v) if v == v.to_integral_value() and v.as_tuple().exponent >= 0 else float(v)


def export_dict(doc: BudgetDocument) -> dict:
    """The documented export shape (``budgetqa export``): values keyed by column, empty cells left out."""
    return {
        "doc_id": doc.doc_id, "org": doc.org, "unit": doc.unit, "year": doc.year, "kind": doc.kind,
        "scope": doc.scope, "source_file": doc.source_file, "sha256": doc.sha256,
        "tables": [{
            "id": t.id, "title": t.title, "unit": t.unit, "role": t.role, "columns": list(t.columns),
            "note": t.note,
            "rows": [{"code": r.code, "name": r.name,
                      **({"project": r.project} if r.project else {}),
                      **({"group": r.group} if r.group else {}),
                      "values": {t.columns[c]: _number(v) for c, v in enumerate(r.values) if v is not None},
                      "verified": all((i, c) in t.verified for c, v in enumerate(r.values) if v is not None),
                      "source": r.source} for i, r in enumerate(t.rows)],
            "checks": [{"rule": c.rule, "ok": c.ok, "detail": c.detail} for c in t.checks],
        } for t in doc.tables],
        "cross_checks": [{"rule": c.rule, "ok": c.ok, "detail": c.detail} for c in doc.checks],
        "sections": [{"path": list(s.path), "text": s.text, "source": s.source} for s in doc.sections],
        "findings": [{"rule": f.rule, "message": f.message, "where": f.where, "severity": f.severity}
                     for f in doc.findings],
        "reading_problems": [{"kind": p.kind, "what": p.what, "where": p.where, "message": p.message,
                              "severity": p.severity} for p in doc.reading_problems],
        "files": [f.name for f in doc.files] or [doc.source_file],
    }
