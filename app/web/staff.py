"""The staff tabs of the web app: 审核 (consistency audit) and 起草 (draft 情况说明).

``staff_tabs(store)`` adds two tabs inside the caller's ``gr.Blocks`` context; the web app mounts it.
Gradio is imported when the tabs are built, never at import time. Each tab lists the documents
stored when it is opened (another process may have ingested one since the page was built), and
document text reaches the page only escaped (the report's Markdown) or as text (table cells, the draft).
"""
from __future__ import annotations

import sqlite3

from app.answer.text import escape_markdown
from app.staff.audit import LABELS, audit, to_markdown
from app.staff.draft import PARTS, draft, previous_of, render
from index.store import Store
from ingest.errors import BudgetQAError

AUDIT_HEADERS = ["级别", "规则", "说明", "位置", "应为", "所述"]


def audit_rows(store: Store, doc_id: str) -> tuple[list[list[str]], str]:
    """Findings as table rows and as markdown, for one stored document."""
    if not doc_id:
        return [], "请选择文档。"
    try:
        doc = store.load(doc_id)
    except (BudgetQAError, sqlite3.Error) as e:
        return [], f"无法打开文档：{escape_markdown(e)}"
    findings = audit(doc)
    rows = [[LABELS.get(f.severity, f.severity), f.rule, f.message, "；".join(f.where), str(f.expected),
             str(f.stated)] for f in findings]
    return rows, to_markdown(doc, findings)


def draft_text(store: Store, doc_id: str, part: str, with_diff: bool = True) -> str:
    """The draft as plain text (shown in a text box, never rendered)."""
    if not doc_id:
        return "请选择文档。"
    try:
        doc = store.load(doc_id)
        prev_id = previous_of(doc, [(d.doc_id, d.org, d.year, d.kind, d.scope) for d in store.documents()])
        previous = store.load(prev_id) if prev_id else None
    except (BudgetQAError, sqlite3.Error) as e:
        return f"无法打开文档：{e}"
    return render(doc, draft(doc, part, previous), diff=with_diff)


def document_choices(store: Store, current: str | None):
    """The picker's update: the stored documents now, keeping the chosen one while it exists."""
    import gradio as gr
    choices = [(d.label, d.doc_id) for d in store.documents()]
    ids = [c[1] for c in choices]
    return gr.update(choices=choices, value=current if current in ids else (ids[0] if ids else None))


def staff_tabs(store: Store) -> None:
    import gradio as gr

    choices = [(d.label, d.doc_id) for d in store.documents()]
    first = choices[0][1] if choices else None
    with gr.Tab("审核", elem_id="tab-audit") as audit_tab:
        doc_a = gr.Dropdown(choices=choices, value=first, label="文档", elem_id="audit-doc")
        run = gr.Button("审核", variant="primary", elem_id="audit-run")
        table = gr.Dataframe(headers=AUDIT_HEADERS, label="审核发现", wrap=True, interactive=False,
                             datatype="str", elem_id="audit-table")
        report = gr.Markdown(elem_id="audit-report")
        run.click(lambda d: audit_rows(store, d), inputs=doc_a, outputs=[table, report])
    with gr.Tab("起草", elem_id="tab-draft") as draft_tab:
        doc_d = gr.Dropdown(choices=choices, value=first, label="文档", elem_id="draft-doc")
        part = gr.Radio(choices=[*PARTS, "全部"], value="全部", label="部分")
        with_diff = gr.Checkbox(value=True, label="显示与原文的差异")
        go = gr.Button("起草", variant="primary", elem_id="draft-run")
        out = gr.Textbox(label="情况说明草稿（数字均取自表格；【上年数】待补）", lines=24, elem_id="draft-text")
        go.click(lambda d, p, w: draft_text(store, d, p, w), inputs=[doc_d, part, with_diff], outputs=out)
    for tab, picker in ((audit_tab, doc_a), (draft_tab, doc_d)):
        tab.select(lambda current: document_choices(store, current), picker, picker)
