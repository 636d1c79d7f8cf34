"""budgetqa audit / draft: the staff tools (勾稽关系审核, 情况说明起草)."""
from __future__ import annotations

from app.cli.output import escape_json_controls, terminal_text
from app.library import open_store
from app.settings import Settings

PARTS = ("收入", "支出", "财政拨款", "一般公共预算", "基本支出", "三公", "全部")


def register(sub) -> None:
    p = sub.add_parser("audit", help="check a document's tables and 情况说明 against each other (勾稽关系审核)")
    p.add_argument("doc_id", metavar="DOC_ID")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="output format (default text)")
    p.set_defaults(func=cmd_audit)
    p = sub.add_parser("draft", help="draft 情况说明 paragraphs from the tables, with the source narrative's differences")
    p.add_argument("doc_id", metavar="DOC_ID")
    p.add_argument("--part", choices=PARTS, default="全部", help="which part to draft (default 全部)")
    p.add_argument("--no-diff", action="store_true", help="do not compare with the document's own narrative")
    p.set_defaults(func=cmd_draft)


def cmd_audit(args) -> int:
    from app.staff.audit import audit, to_json, to_markdown, to_text
    doc = open_store(Settings.from_env(args.data_dir)).load(args.doc_id)
    findings = audit(doc)
    out = {"text": to_text, "json": to_json, "markdown": to_markdown}[args.format](doc, findings)
    print(escape_json_controls(out) if args.format == "json" else terminal_text(out))
    return 0


def cmd_draft(args) -> int:
    from app.staff.draft import draft, previous_of, render
    store = open_store(Settings.from_env(args.data_dir))
    doc = store.load(args.doc_id)
    prev_id = previous_of(doc, [(d.doc_id, d.org, d.year, d.kind, d.scope) for d in store.documents()])
    previous = store.load(prev_id) if prev_id else None
    print(terminal_text(render(doc, draft(doc, args.part, previous), diff=not args.no_diff)))
    return 0
