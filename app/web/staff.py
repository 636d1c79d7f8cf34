"""The staff tabs of the web app: 审核 (consistency audit) and 起草 (draft 情况说明).

``staff_tabs(store)`` adds two tabs inside the caller's ``gr.Blocks`` context; the web app mounts it.
Gradio is imported when the tabs are built, never at import time.
"""
from __future__ import annotations

from app.staff.audit import LABELS, audit, to_markdown
from app.staff.draft import PARTS, draft, previous_of, render
from index.store import Store

AUDIT_HEADERS = ["级别", "规则", "说明", "位置", "应为", "所述"]


def audit_rows(store: Store, doc_id: str) -> tuple[list[list[str]], str]:
    """Findings as table rows and as markdown, for one stored document."""
    if not doc_id:
        return [], "请选择文档。"
    doc = store.load(doc_id)
    findings = audit(doc)
    rows = [[LABELS.get(f.severity, f.severity), f.rule, f.message, "；".join(f.where), f.expected, f.stated]
            for f in findings]
    return rows, to_markdown(doc, findings)


def draft_text(store: Store, doc_id: str, part: str, with_diff: bool = True) -> str:
    if not doc_id:
        return "请选择文档。"
    doc = store.load(doc_id)
    prev_id = previous_of(doc, [(d.doc_id, d.org, d.year, d.kind, d.scope) for d in store.documents()])
    previous = store.load(prev_id) if prev_id else None
    return render(doc, draft(doc, part, previous), diff=with_diff)


def staff_tabs(store: Store) -> None:
    import gradio as gr

    choices = [(d.label, d.doc_id) for d in store.documents()]
    first = choices[0][1] if choices else None
    with gr.Tab("审核"):
        doc_a = gr.Dropdown(choices=choices, value=first, label="文档")
        run = gr.Button("审核", variant="primary")
        table = gr.Dataframe(headers=AUDIT_HEADERS, label="审核发现", wrap=True, interactive=False)
        report = gr.Markdown()
        run.click(lambda d: audit_rows(store, d), inputs=doc_a, outputs=[table, report])
    with gr.Tab("起草"):
        doc_d = gr.Dropdown(choices=choices, value=first, label="文档")
        part = gr.Radio(choices=[*PARTS, "全部"], value="全部", label="部分")
        with_diff = gr.Checkbox(value=True, label="显示与原文的差异")
        go = gr.Button("起草", variant="primary")
        out = gr.Textbox(label="情况说明草稿（数字均取自表格；【上年数】待补）", lines=24)
        go.click(lambda d, p, w: draft_text(store, d, p, w), inputs=[doc_d, part, with_diff], outputs=out)
