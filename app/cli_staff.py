"""budgetqa audit / draft: tools for the staff who prepare a disclosure."""
from __future__ import annotations

from app.library import open_store
from app.settings import Settings


def register(sub) -> None:
    p = sub.add_parser("audit", help="consistency audit (勾稽关系): tables, cross-table, narrative vs tables")
    p.add_argument("doc_id", metavar="DOC_ID")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.set_defaults(func=cmd_audit)
    p = sub.add_parser("draft", help="draft 情况说明 paragraphs whose every figure comes from the tables")
    p.add_argument("doc_id", metavar="DOC_ID")
    p.add_argument("--part", default="全部", choices=("收入", "支出", "财政拨款", "一般公共预算", "基本支出", "三公", "全部"))
    p.add_argument("--no-diff", action="store_true", help="do not show the differences from the source narrative")
    p.set_defaults(func=cmd_draft)


def cmd_audit(args) -> int:
    from app.audit import audit_document, render
    doc = open_store(Settings.from_env(args.data_dir)).load(args.doc_id)
    print(render(audit_document(doc), args.format))
    return 0


def cmd_draft(args) -> int:
    from app.draft import draft, render
    doc = open_store(Settings.from_env(args.data_dir)).load(args.doc_id)
    print(render(draft(doc, args.part), show_diff=not args.no_diff))
    return 0
