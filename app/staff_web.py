"""The 审核 and 起草 tabs of the web app (built inside the page's gr.Blocks)."""
from __future__ import annotations

from app.audit import audit_document
from app.draft import PARTS, draft

SEVERITY_NAMES = {"error": "错误", "warning": "提示", "note": "说明"}


def document_choices(service) -> list[tuple[str, str]]:
    return [(d.label, d.doc_id) for d in service.documents()]


def audit_rows(service, doc_id: str | None) -> tuple[list[list[str]], list[dict]]:
    """The findings as table rows, and as dicts for the detail view."""
    if not doc_id:
        return [], []
    findings = audit_document(service.load(doc_id)).findings
    rows = [[SEVERITY_NAMES.get(f.severity, f.severity), f.rule, f.message, "；".join(f.locations)] for f in findings]
    return rows, [f.to_dict() for f in findings]


def finding_detail(service, doc_id: str | None, findings: list[dict], index: int) -> str:
    """A finding with its places; the cited table rows shown as they are in the table."""
    if not findings or index is None or not 0 <= index < len(findings):
        return "点击一条发现，查看它所依据的表格行或段落。"
    f = findings[index]
    lines = [f"**{f['message']}**", ""]
    if f.get("expected") or f.get("stated"):
        lines.append(f"应为：{f.get('expected') or '—'}；文中：{f.get('stated') or '—'}")
    doc = service.load(doc_id) if doc_id else None
    for place in f["locations"]:
        lines.append(f"- {place}")
        if doc is not None and " › " in place:
            table_id, row_name = place.split(" › ")[:2]
            t = next((t for t in doc.tables if t.id == table_id), None)
            row = next((r for r in t.rows if r.label == row_name), None) if t else None
            if row is not None:
                cells = "，".join(f"{c} {v}" for c, v in zip(t.columns, row.values) if v is not None) or "（空）"
                lines.append(f"  - {t.id}《{t.title}》{row.label}：{cells}（{t.unit}）")
    return "\n".join(lines)


def draft_text(service, doc_id: str | None, part: str) -> tuple[str, str]:
    if not doc_id:
        return "", ""
    paragraphs = draft(service.load(doc_id), part or "全部")
    text = "\n\n".join(p.text for p in paragraphs)
    diff = "\n\n".join(f"【{p.part}】\n{p.diff}" for p in paragraphs if p.diff)
    return text, diff or "（没有对应的原文段落）"


def staff_tabs(service) -> None:
    """Call inside ``with gr.Blocks():``."""
    import gradio as gr
    with gr.Tab("审核", elem_id="tab-audit"):
        with gr.Row():
            doc = gr.Dropdown(label="文档", choices=document_choices(service), interactive=True, scale=4)
            run = gr.Button("审核", variant="primary", scale=1)
        table = gr.Dataframe(headers=["级别", "规则", "说明", "位置"], interactive=False, wrap=True,
                             elem_id="audit-findings")
        detail = gr.Markdown("点击一条发现，查看它所依据的表格行或段落。")
        found = gr.State([])
        run.click(lambda d: audit_rows(service, d), doc, [table, found])

        def select(d, fs, evt):
            index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
            return finding_detail(service, d, fs, index)
        select.__annotations__["evt"] = gr.SelectData     # gradio passes the event by this annotation
        table.select(select, [doc, found], detail)
    with gr.Tab("起草", elem_id="tab-draft"):
        with gr.Row():
            doc2 = gr.Dropdown(label="文档", choices=document_choices(service), interactive=True, scale=3)
            part = gr.Dropdown(label="部分", choices=list(PARTS) + ["全部"], value="全部", scale=2)
            go = gr.Button("起草", variant="primary", scale=1)
        text = gr.Textbox(label="草稿（数字均取自表格；【上年数】需补充）", lines=14, buttons=["copy"],
                          elem_id="draft-text")
        diff = gr.Code(label="与原文的差异", language=None, elem_id="draft-diff")
        go.click(lambda d, p: draft_text(service, d, p), [doc2, part], [text, diff])
