"""One source file → one verified ``BudgetDocument``: read, build tables, check across tables."""
from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

from ingest.errors import IncompleteDocument, ParseError
from ingest.headers import role_of
from ingest.model import BudgetDocument, Finding, RawTable, Table
from ingest.narrative import Extracted
from ingest.tables import build_table, quantum
from ingest.verify import column_hints, cross_checks

READERS = {".txt": "text", ".text": "text", ".pdf": "pdf"}


def doc_id_for(path: Path) -> str:
    """The document id is the file name without extension: hejing-shebao-2025.txt → hejing-shebao-2025."""
    return re.sub(r"\s+", "-", path.stem.strip()).lower()


def extract(path: Path) -> Extracted:
    kind = READERS.get(path.suffix.lower())
    if kind is None:
        raise ParseError(str(path), "file name", f"unsupported file type '{path.suffix}' (use .txt or .pdf)")
    if kind == "pdf":
        from ingest.pdf import extract_pdf
        return extract_pdf(path)
    from ingest.text import extract_text
    return extract_text(path)


def read_document(path: str | Path) -> BudgetDocument:
    """Parse and verify one file. Raises ``ParseError`` for unreadable input and
    ``IncompleteDocument`` (carrying what was parsed) when the file ends inside a table."""
    path = Path(path)
    if not path.is_file():
        raise ParseError(str(path), "path", "no such file")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    ex = extract(path)
    if not ex.tables:
        raise ParseError(str(path), "whole file", "no budget tables found (expected 表1 … with 编制单位 and 单位：万元); "
                         "is this a budget disclosure?")
    tables, findings = _build_tables(ex)
    try:
        checks = cross_checks(tables)
    except Exception as e:      # noqa: BLE001 — a table of unexpected shape: the tables stand, unchecked
        checks = []
        findings.append(Finding("cross-table", f"the cross-table checks could not run ({e.__class__.__name__}: {e})",
                                "whole document", "warning"))
    tables = _with_cross_coverage(tables, checks)
    findings += [Finding("cross-table", f"{c.rule}: {c.detail}", c.rule.split()[0]) for c in checks if not c.ok]
    units = [t.unit for t in tables]
    doc = BudgetDocument(
        doc_id=doc_id_for(path), org=ex.org, year=ex.year or _year_from_name(path), kind=ex.kind,
        scope=ex.scope, unit=max(set(units), key=units.count), source_file=path.name, sha256=sha,
        tables=tables, sections=ex.sections, findings=tuple(findings), checks=tuple(checks))
    incomplete = [f for f in findings if f.rule == "incomplete-table"]
    if incomplete:
        raise IncompleteDocument(str(path), incomplete[0].where, incomplete[0].message, doc)
    return doc


def _build_tables(ex: Extracted) -> tuple[tuple[Table, ...], list[Finding]]:
    """Build each table alone, then again with the column totals the other tables fix (twice, so
    a table corrected in the first round can correct the ones that depend on it)."""
    results = [_build(raw) for raw in ex.tables]
    plain = list(results)
    for _ in range(2):
        for k, raw in enumerate(ex.tables):
            try:
                hints = column_hints(results[k][0], tuple(t for t, _ in results))
            except Exception:   # noqa: BLE001 — a hint is a help, never a reason to fail
                hints = []
            if hints:
                results[k] = _build(raw, hints)
    findings = [f for _, fs in results for f in fs]
    for (table, _), (_, plain_findings) in zip(results, plain):
        if table.role == "gpb_project" and any(f.rule == "ambiguous-placement" for f in plain_findings):
            placed = sorted({table.columns[c] for r in table.rows for c, v in enumerate(r.values) if c and v is not None})
            findings.append(Finding("ambiguous-placement", f"{table.id} 合计: the arithmetic does not decide the "
                                    f"经济分类 column; placed in {'、'.join(placed)} after the projects' names",
                                    table.source, "note"))
    return tuple(t for t, _ in results), findings


def _build(raw: RawTable, hints=()) -> tuple[Table, list[Finding]]:
    """One table; a table the builder cannot make sense of is a finding, and the others still ingest."""
    try:
        return build_table(raw, hints)
    except Exception as e:      # noqa: BLE001 — any failure inside one table must not lose the document
        note = f"此表未能读取（{e.__class__.__name__}: {e}）"
        table = Table(id=raw.number, title=raw.title, unit=raw.unit, role=role_of(raw.title), columns=(),
                      rows=(), source=raw.source, note=note)
        return table, [Finding("unreadable-table", f"{raw.number} {raw.title}: {note}", raw.source)]


def _with_cross_coverage(tables: tuple[Table, ...], checks) -> tuple[Table, ...]:
    extra: dict[str, set] = {}
    for c in checks:
        if c.ok:
            for table_id, row, column in c.cells:
                extra.setdefault(table_id, set()).add((row, column))
    return tuple(replace(t, verified=t.verified | frozenset(extra.get(t.id, ()))) for t in tables)


def _year_from_name(path: Path) -> int:
    m = re.search(r"(20\d\d)", path.name)
    return int(m.group(1)) if m else 0


def unverified_amounts(doc: BudgetDocument) -> list[str]:
    """Cells holding an amount that no passing identity covers."""
    out = []
    for t in doc.tables:
        for i, r in enumerate(t.rows):
            for c, v in enumerate(r.values):
                if v is not None and (i, c) not in t.verified:
                    out.append(f"{t.id} {r.code} {r.name} / {t.columns[c]} = {v}")
    return out


__all__ = ["read_document", "doc_id_for", "unverified_amounts", "quantum"]
