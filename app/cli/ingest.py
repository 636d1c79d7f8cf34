"""budgetqa ingest / documents / tables / export."""
from __future__ import annotations

import json
import re
import sys

from app.answer.text import strip_control
from app.library import ingest_paths, open_store
from app.settings import Settings
from ingest.errors import BudgetQAError
from ingest.serialize import export_dict


def register(sub) -> None:
    p = sub.add_parser("ingest", help="parse, verify and store budget disclosures (.txt/.pdf files or folders); "
                                      "a tables file and a narrative file of one unit and year become one document")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--no-index", action="store_true", help="store the tables only; do not update the search index")
    p.add_argument("--as", dest="as_id", metavar="DOC_ID",
                   help="store the files given as one document with this id (a tables file and its narrative "
                        "files), replacing what the store holds under it")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("documents", help="list the ingested documents")
    p.add_argument("--json", action="store_true", help="one JSON array on stdout")
    p.set_defaults(func=cmd_documents)
    p = sub.add_parser("tables", help="show a document's tables in the terminal")
    p.add_argument("doc_id", metavar="DOC_ID")
    p.add_argument("table", nargs="?", metavar="表N", help="one table, e.g. 表6 (default: all)")
    p.set_defaults(func=cmd_tables)
    p = sub.add_parser("export", help="a document's tables, checks, sections and findings as JSON on stdout")
    p.add_argument("doc_id", metavar="DOC_ID")
    p.set_defaults(func=cmd_export)


def cmd_ingest(args) -> int:
    settings = Settings.from_env(args.data_dir)
    store = open_store(settings)
    as_id = _valid_id(args.as_id) if args.as_id else None
    results = ingest_paths(args.paths, store, as_id=as_id)
    failed = 0
    for r in results:
        if r.status == "failed":
            failed += 1
            _print_failure(r)
            continue
        _print_stored(r)
    if not results:
        print("budgetqa: error: no .txt or .pdf files in " + ", ".join(args.paths), file=sys.stderr)
        return 1
    if not args.no_index:
        _index_after_ingest(settings, store)
    if failed and len(results) > 1:
        print(f"budgetqa: {failed} of {len(results)} failed; the others were stored", file=sys.stderr)
    return 1 if failed else 0


def _valid_id(doc_id: str) -> str:
    from ingest.errors import SettingsError
    if not re.fullmatch(r"[\w\u4e00-\u9fff][\w\u4e00-\u9fff.-]{0,99}", doc_id):
        raise SettingsError("--as", f"'{doc_id}' is not a document id (letters, digits, - and . only)")
    return doc_id


def _print_failure(r) -> None:
    print(f"budgetqa: error: {strip_control(r.error)}", file=sys.stderr)
    if r.document is not None:
        d = r.document
        print(f"  parsed before the end: {len(d.tables)} tables "
              f"({', '.join(t.id for t in d.tables)}); nothing was stored", file=sys.stderr)
        for p in d.reading_problems:
            if p.kind == "incomplete-table":
                print(f"  未能读取 {strip_control(p.what)}：{strip_control(p.message)}（{strip_control(p.where)}）",
                      file=sys.stderr)


def _print_stored(r) -> None:
    d = r.document
    checks = [c for t in d.tables for c in t.checks] + list(d.checks)
    passed = sum(c.ok for c in checks)
    cells = sum(1 for t in d.tables for row in t.rows for v in row.values if v is not None)
    verified = sum(len(t.verified) for t in d.tables)
    files = f" from {len(d.files)} files ({strip_control(d.source_file)})" if len(d.files) > 1 else ""
    print(f"{r.doc_id}: {r.status} in {r.seconds * 1000:.0f} ms — {strip_control(d.org)} {d.year}年{d.scope}{d.kind}"
          f"{files}, {len(d.tables)} tables, {cells} amounts ({verified} verified), "
          f"{passed}/{len(checks)} identities hold, {len(d.sections)} narrative paragraphs, "
          f"{sum(f.severity == 'error' for f in d.findings)} findings, {len(d.reading_problems)} reading problems")
    for p in d.reading_problems[:MAX_PROBLEMS_SHOWN]:
        print(f"  未能读取 {strip_control(p.what)}：{strip_control(p.message)}（{strip_control(p.where)}）")
    if len(d.reading_problems) > MAX_PROBLEMS_SHOWN:
        print(f"  … {len(d.reading_problems) - MAX_PROBLEMS_SHOWN} more: budgetqa export {r.doc_id} → reading_problems")
    for w in r.warnings:
        print(f"  注意：{strip_control(w)}")


MAX_PROBLEMS_SHOWN = 8


def _index_after_ingest(settings, store) -> None:
    """Index what the ingest stored, and any stored document the index lacks (a killed ingest)."""
    try:
        from index.service import sync_index
    except ModuleNotFoundError:
        return
    report = sync_index(settings, store)
    if report is not None and (report.added or report.deleted):
        print(report.summary())


def cmd_documents(args) -> int:
    store = open_store(Settings.from_env(args.data_dir))
    docs = store.documents()
    if args.json:
        print(json.dumps([{"id": d.doc_id, "org": d.org, "year": d.year, "kind": d.kind, "scope": d.scope,
                           "unit": d.unit, "tables": d.n_tables, "source_file": d.source_file} for d in docs],
                         ensure_ascii=False, indent=2))
        return 0
    if not docs:
        print("no documents yet: budgetqa ingest PATH")
    for d in docs:
        print(f"{d.doc_id}\t{d.org}\t{d.year}\t{d.scope}{d.kind}\t{d.n_tables} tables\t{d.source_file}")
    return 0


def cmd_tables(args) -> int:
    from rich.console import Console
    from rich.table import Table as RichTable

    from app.cli.output import rich_text as lit
    doc = open_store(Settings.from_env(args.data_dir)).load(args.doc_id)
    console = Console()
    tables = [_table(doc, args.table)] if args.table else doc.tables
    for t in tables:
        used = [c for c in range(len(t.columns)) if any(r.values[c] is not None for r in t.rows)] or [0]
        rt = RichTable(title=f"{lit(t.id)} {lit(t.title)}（单位：{lit(t.unit)}）", show_lines=False)
        rt.add_column("编码")
        rt.add_column("名称")
        for c in used:
            rt.add_column(lit(t.columns[c]), justify="right")
        rt.add_column("来源", style="dim")
        for i, r in enumerate(t.rows):
            name = ("  " * max(r.level - 1, 0)) + (f"{r.group}·" if r.group else "") + r.label
            cells = [("" if r.values[c] is None else
                      (f"{r.values[c]}" if (i, c) in t.verified else f"[yellow]{r.values[c]}?[/]"))
                     for c in used]
            rt.add_row(lit(r.code), lit(name), *cells, lit(r.source))
        console.print(rt)
        if t.note:
            console.print(f"  {lit(t.note)}")
        failed = [c for c in t.checks if not c.ok]
        console.print(f"  {len(t.checks) - len(failed)}/{len(t.checks)} identities hold"
                      + "".join(f"\n  ✗ {lit(c.rule)}: {lit(c.detail)}" for c in failed))
    return 0


def _table(doc, wanted: str):
    """``doc``'s table 表N, or an error that lists the tables it has."""
    try:
        return doc.table(wanted.replace(" ", ""))
    except KeyError:
        raise BudgetQAError(f"{doc.doc_id} has no table '{wanted}'; its tables: "
                            f"{' '.join(t.id for t in doc.tables) or 'none'}") from None


def cmd_export(args) -> int:
    doc = open_store(Settings.from_env(args.data_dir)).load(args.doc_id)
    json.dump(export_dict(doc), sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0
