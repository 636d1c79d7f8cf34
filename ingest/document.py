"""One source file → one verified ``BudgetDocument``: read, build tables, check across tables."""
from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

from ingest.errors import IncompleteDocument, ParseError
from ingest.headers import role_of
from ingest.limits import current_limits
from ingest.model import BudgetDocument, Finding, RawTable, ReadingProblem, SourceFile, Table
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
    ``IncompleteDocument`` (carrying what was parsed) when the file ends inside a table. A file of
    narrative only (no tables) is a document without tables: ``ingest`` pairs it with its tables file."""
    path = Path(path)
    if not path.is_file():
        raise ParseError(str(path), "path", "no such file")
    _check_size(path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    ex = extract(path)
    if not ex.tables and not ex.sections:
        raise ParseError(str(path), "whole file", "no budget tables found (expected 表1 … with 编制单位 and 单位：万元) "
                         "and no narrative text; is this a budget disclosure?")
    if not ex.tables and not _narrative_of_a_budget(ex):
        raise ParseError(str(path), "whole file", "no budget tables found (expected 表1 … with 编制单位 and 单位：万元); "
                         "is this a budget disclosure?")
    tables, findings, problems = _build_tables(ex)
    try:
        checks = cross_checks(tables)
    except Exception as e:      # noqa: BLE001 — a table of unexpected shape: the tables stand, unchecked
        checks = []
        problems.append(ReadingProblem("check", "表间核对", "whole document",
                                       f"表间勾稽关系未能核对（{e.__class__.__name__}: {e}）"))
    tables = _with_cross_coverage(tables, checks)
    findings += [Finding("cross-table", f"{c.rule}: {c.detail}", c.rule.split()[0]) for c in checks if not c.ok]
    units = [t.unit for t in tables]
    doc = BudgetDocument(
        doc_id=doc_id_for(path), org=ex.org, year=ex.year or _year_from_name(path), kind=ex.kind,
        scope=ex.scope, unit=max(set(units), key=units.count) if units else "万元", source_file=path.name,
        sha256=sha, tables=tables, sections=ex.sections, findings=tuple(findings), checks=tuple(checks),
        reading_problems=tuple(ex.problems) + tuple(problems),
        files=(SourceFile(path.name, sha, len(tables), len(ex.sections)),))
    doc = _as_template(doc)
    incomplete = [p for p in problems if p.kind == "incomplete-table"]
    if incomplete:
        raise IncompleteDocument(str(path), incomplete[0].where, f"{incomplete[0].what}: the document ends "
                                 "inside this table (no 合计 row)", doc)
    return doc


PLACEHOLDER = re.compile(r"[\u4e00-\u9fff]{0,8}\s*(?:[XＸ×xｘ]{2,}|[*＊]{2,}|某某)\s*[\u4e00-\u9fff]{0,6}?(?:局|委|办|院|中心|部|厅)")


def _as_template(doc: BudgetDocument) -> BudgetDocument:
    """A template (the national 决算 template: every table printed, none filled, the unit written
    上海市 XX 局) is no unit's document: kind 决算模板 (预算模板), its placeholder as the unit."""
    filled = sum(v is not None for t in doc.tables for r in t.rows for v in r.values)
    if filled or len(doc.tables) < 3 or doc.org and not PLACEHOLDER.search(doc.org):
        return doc
    text = " ".join(s.text for s in doc.sections[:20])
    m = PLACEHOLDER.search(text)
    if not m:
        return doc
    return replace(doc, org=re.sub(r"\s", "", m.group(0)), kind=f"{doc.kind}模板")


def _check_size(path: Path) -> None:
    limits = current_limits()
    size = path.stat().st_size
    cap = limits.max_pdf_bytes if path.suffix.lower() == ".pdf" else limits.max_text_bytes
    if size > cap:
        setting = "BUDGETQA_MAX_PDF_BYTES" if path.suffix.lower() == ".pdf" else "BUDGETQA_MAX_TEXT_BYTES"
        raise ParseError(str(path), "whole file", f"{size / 1e6:.1f} MB, more than the {cap / 1e6:.1f} MB budgetqa "
                         f"reads from one {path.suffix.lower() or 'text'} file ({setting}); is this one budget disclosure?")


def _narrative_of_a_budget(ex: Extracted) -> bool:
    """A narrative file of a budget disclosure: it names a year and speaks of 预算/决算 and 万元."""
    text = "".join(s.text for s in ex.sections[:200]) + "".join(p for s in ex.sections[:50] for p in s.path)
    return bool(ex.year) and bool(re.search(r"[预决]算", text)) and "万元" in text


def _build_tables(ex: Extracted) -> tuple[tuple[Table, ...], list[Finding], list[ReadingProblem]]:
    """Build each table alone, then again with the column totals the other tables fix (twice, so
    a table corrected in the first round can correct the ones that depend on it)."""
    results = [_build(raw) for raw in ex.tables]
    plain = list(results)
    for _ in range(2):
        for k, raw in enumerate(ex.tables):
            try:
                hints = column_hints(results[k][0], tuple(t for t, _, _ in results))
            except Exception:   # noqa: BLE001 — a hint is a help, never a reason to fail
                hints = []
            if hints:
                results[k] = _build(raw, hints)
    findings = [f for _, fs, _ in results for f in fs]
    problems = [p for _, _, ps in results for p in ps]
    for (table, _, _), (_, _, plain_problems) in zip(results, plain):
        if table.role == "gpb_project" and any(p.kind == "ambiguous-placement" for p in plain_problems):
            placed = sorted({table.columns[c] for r in table.rows for c, v in enumerate(r.values) if c and v is not None})
            problems.append(ReadingProblem(
                "ambiguous-placement", f"{table.id} {table.title} 合计", table.source,
                f"表内等式不能确定经济分类栏目；按项目名称放在{'、'.join(placed)}", "note"))
    return tuple(t for t, _, _ in results), findings, problems


def _build(raw: RawTable, hints=()) -> tuple[Table, list[Finding], list[ReadingProblem]]:
    """One table; a table the builder cannot make sense of is a reading problem, and the others still ingest."""
    try:
        return build_table(raw, hints)
    except Exception as e:      # noqa: BLE001 — any failure inside one table must not lose the document
        note = f"此表未能读取（{e.__class__.__name__}: {e}）"
        table = Table(id=raw.number, title=raw.title, unit=raw.unit, role=role_of(raw.title), columns=(),
                      rows=(), source=raw.source, note=note)
        return table, [], [ReadingProblem("table", f"{raw.number} {raw.title}", raw.source, note)]


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
