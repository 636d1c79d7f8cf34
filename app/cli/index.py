"""budgetqa index / search."""
from __future__ import annotations

import json
import sys
from dataclasses import asdict

from app.library import open_store
from app.settings import Settings


def register(sub) -> None:
    p = sub.add_parser("index", help="build or update the search index (chunks, vectors, BM25) of stored documents")
    p.add_argument("doc_ids", nargs="*", metavar="DOC_ID", help="documents to index (default: all stored)")
    p.add_argument("--rebuild", action="store_true",
                   help="drop the index and re-embed every document (e.g. after changing BUDGETQA_EMBEDDER)")
    p.set_defaults(func=cmd_index)
    p = sub.add_parser("search", help="hybrid search (vectors + BM25) over the indexed chunks")
    p.add_argument("query", metavar="问题")
    p.add_argument("-k", type=int, default=5, help="number of hits (default 5)")
    p.add_argument("--doc", help="only this document")
    p.add_argument("--table", metavar="表N", help="only this table, e.g. 表6")
    p.add_argument("--mode", choices=("hybrid", "dense", "lexical"), default="hybrid")
    p.add_argument("--json", action="store_true", help="hits as one JSON array on stdout")
    p.set_defaults(func=cmd_search)


def warn_unindexed(settings) -> None:
    """A warning on stderr naming the stored documents the index lacks (a killed ingest); search
    and ask still run, over what is indexed."""
    from index.service import unindexed
    lacking = unindexed(settings, open_store(settings))
    if lacking:
        shown = "、".join(lacking[:5]) + (f" 等 {len(lacking)} 个" if len(lacking) > 5 else "")
        print(f"budgetqa: warning: 检索索引未完整收录 {shown}；请运行 budgetqa index", file=sys.stderr)


def cmd_index(args) -> int:
    from index.service import index_documents
    settings = Settings.from_env(args.data_dir)
    report = index_documents(settings, open_store(settings), args.doc_ids or None, rebuild=args.rebuild)
    print(report.summary())
    return 0


def cmd_search(args) -> int:
    from index.service import searcher
    settings = Settings.from_env(args.data_dir)
    filters = {"doc": args.doc, "table": args.table.replace(" ", "") if args.table else None}
    index = searcher(settings)              # IndexUnavailable (no index: run budgetqa index) is one line
    warn_unindexed(settings)
    hits = index.search(args.query, k=args.k, filters=filters, mode=args.mode)
    if args.json:
        print(json.dumps([asdict(h) for h in hits], ensure_ascii=False, indent=1))
        return 0
    if not hits:
        print("no hits")
    for n, h in enumerate(hits, start=1):
        where = " ".join(p for p in (h.doc, h.table, h.source) if p)
        print(f"{n}. [{h.score:.4f}] {h.text}\n   ({where})")
    return 0
