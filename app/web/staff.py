"""The staff tabs of the web app: 审核 (consistency audit) and 起草 (draft 情况说明).

``staff_tabs(store)`` adds two tabs inside the caller's ``gr.Blocks`` context. 审核 is one list of
findings in Chinese; a click on one shows, under it, the table rows or the paragraph it rests on
(so it works on a phone too); "未发现问题" when there is nothing. 起草 shows the draft and its
differences from the document's own narrative side by side (stacked on a phone), with a copy button.
Gradio is imported when the tabs are built, never at import time. (No ``from __future__ import
annotations``: Gradio reads the ``gr.EventData`` annotation of the click handler.)
"""

import re
import sqlite3
from functools import lru_cache

from app.staff.audit import LABELS, AuditFinding, audit
from app.staff.draft import PARTS, compare, draft, previous_of, render
from app.web.assets import DRAFT_JS, FINDINGS_JS
from app.web.evidence import cited_rows, column_of, paragraphs_html, sections_at, table_html
from app.web.format import h, source_words
from index.store import Store
from ingest.errors import BudgetQAError
from ingest.model import BudgetDocument

RULES = {
    "identity.table": "表内勾稽关系不成立", "identity.cross": "表间勾稽关系不成立",
    "narrative.amount": "说明中的金额与表格不符", "narrative.share": "说明中的占比与计算不符",
    "narrative.unfunded": "说明称“未安排”，表中却有金额", "change.direction": "增减方向前后矛盾",
    "change.sign": "百分数多了负号", "change.percent": "变动率与变动额不符",
    "change.reasons": "所列原因之和与变动额不符", "change.parts": "分项变动之和与总变动不符",
    "naming.label": "同一名称指不同的数", "naming.period": "同一期间前后写法不一", "naming.docno": "文号前后不一致",
    "naming.people": "人数前后不一", "units": "金额单位疑似写错（元/万元）", "standard": "补助标准×人数×月数与预算不符",
}
PLACE = re.compile(r"\((lines?\s*\d+(?:\s*-\s*\d+)?|pp?\.\s*\d+(?:\s*-\s*\d+)?)\)")
PLACEHOLDERS = re.compile(r"(【[^】]{1,8}】)")


def rule_name(rule: str) -> str:
    if rule.startswith("ingest."):
        return "表格读取问题"
    return RULES.get(rule, "其他问题")


@lru_cache(maxsize=16)
def _findings(store_path: str, doc_id: str, sha: str) -> tuple[AuditFinding, ...]:
    return tuple(audit(Store(store_path).load(doc_id)))


def findings_of(store: Store, doc_id: str) -> tuple[BudgetDocument, tuple[AuditFinding, ...]]:
    doc = store.load(doc_id)
    return doc, _findings(str(store.path), doc_id, doc.sha256)


# ── 审核: where a finding points → the rows or paragraph ────────────────────────────────────────

def place_evidence(doc: BudgetDocument, where: str) -> str:
    """HTML for one place of a finding: '表2 2101101 行政单位医疗 (line 221) / 合计' → those rows of 表2,
    the column highlighted; 'lines 820-826 “项目支出”' → that paragraph with the name marked."""
    m = re.match(r"\s*(表\d+)", where)
    source = PLACE.search(where)
    if m:
        try:
            table = doc.table(m.group(1))
        except KeyError:
            return f"<p>{h(source_words(where))}</p>"
        rest = PLACE.sub("", where[m.end():])
        name, _, cols = rest.partition(" / ")
        name = name.strip()
        column = column_of(table, cols.split("、")[0].strip()) if cols else -1
        rows = [i for i, r in enumerate(table.rows) if source and r.source == source.group(1).strip()
                and (not name or name.endswith(r.name) or r.name in name)]
        if not rows and name:
            from app.answer.contract import Citation
            rows = cited_rows(table, Citation(doc.doc_id, table.id, table.title, name, "", ""))
        if not rows and source:
            rows = [i for i, r in enumerate(table.rows) if r.source == source.group(1).strip()]
        head = f"<h4>{h(table.id)} {h(table.title)}（单位：{h(table.unit)}）</h4>"
        return head + table_html(table, rows, column, only=rows or None)
    quoted = re.search(r"“([^”]+)”", where)
    sections = sections_at(doc, where)
    if sections:
        return paragraphs_html(sections, quoted.group(1) if quoted else "")
    return f"<p>{h(source_words(where))}</p>"


def finding_html(doc: BudgetDocument, f: AuditFinding, i: int, open_: bool) -> str:
    sev = LABELS.get(f.severity, "提示")
    where = "；".join(source_words(w) for w in f.where)
    cmp = ""
    if f.expected or f.stated:
        cmp = f"<span class='cmp'>应为 {h(f.expected or '—')} · 文中 {h(f.stated or '—')}</span>"
    button = (f"<button type='button' class='finding{' open' if open_ else ''}' data-finding='{i}' "
              f"aria-expanded='{'true' if open_ else 'false'}'><span class='sev {h(f.severity)}'>{h(sev)}</span>"
              f"<span class='rule'>{h(f.title or rule_name(f.rule))}</span><br>{h(source_words(f.message))}"
              f"<span class='where'>位置：{h(where)}</span>{cmp}</button>")
    if not open_:
        return button
    places = "".join(place_evidence(doc, w) for w in f.where)
    why = f"<p class='why'>{h(f.why)}</p>" if getattr(f, "why", "") else ""      # a sentence staff can paste
    return f"{button}<div class='finding-evidence' role='region' aria-label='所涉原文'>{why}{places}</div>"


def findings_html(store: Store, doc_id: str, open_index: int = -1) -> str:
    if not doc_id:
        return "<div class='findings'><p>请选择文档。</p></div>"
    try:
        doc, findings = findings_of(store, doc_id)
    except (BudgetQAError, sqlite3.Error) as e:           # a document gone, a damaged store: said, not raised
        return f"<div class='findings'><p>无法打开文档：{h(e)}</p></div>"
    if not findings:
        return ("<div class='findings'><p class='none'><strong>未发现问题。</strong>表内、表间勾稽关系，以及说明中的金额、"
                "占比、增减和人数都与表格一致。</p></div>")
    counts = "、".join(f"{LABELS[s]} {n} 项" for s in ("error", "warning", "note")
                      if (n := sum(1 for f in findings if f.severity == s)))
    items = "".join(finding_html(doc, f, i, i == open_index) for i, f in enumerate(findings))
    return (f"<div class='findings'><p class='summary'>共发现 {len(findings)} 项：{counts}。点击一项，查看它所涉及的表格行或说明原文。</p>"
            f"{items}</div>")


# ── 起草: the draft beside its differences ───────────────────────────────────────────────────────

def draft_text(store: Store, doc_id: str, part: str, with_diff: bool = False) -> str:
    """The draft as plain text (what the copy button copies); ``with_diff`` appends the differences."""
    if not doc_id:
        return "请选择文档。"
    doc = store.load(doc_id)
    return render(doc, draft(doc, part, _previous(store, doc)), diff=with_diff)


def _previous(store: Store, doc: BudgetDocument):
    prev_id = previous_of(doc, [(d.doc_id, d.org, d.year, d.kind, d.scope) for d in store.documents()])
    return store.load(prev_id) if prev_id else None


def _pairs(lines: list[str]) -> str:
    """'- ' / '+ ' lines → pairs of 原文 and 草稿 sentences."""
    out, old, new = [], [], []

    def flush():
        if old or new:
            olds = "".join(f"<p class='old'><span class='tag'>原文</span>{h(x)}</p>" for x in old)
            news = "".join(f"<p class='new'><span class='tag'>草稿</span>{h(x)}</p>" for x in new)
            out.append(f"<div class='pair'>{olds}{news}</div>")
            old.clear()
            new.clear()
    for line in lines:
        if line.startswith("- "):
            if new:
                flush()
            old.append(line[2:])
        elif line.startswith("+ "):
            new.append(line[2:])
    flush()
    return "".join(out)


def draft_html(store: Store, doc_id: str, part: str) -> str:
    if not doc_id:
        return "<p>请选择文档。</p>"
    try:
        doc = store.load(doc_id)
        parts = draft(doc, part, _previous(store, doc))
    except (BudgetQAError, sqlite3.Error) as e:
        return f"<p>无法打开文档：{h(e)}</p>"
    text = render(doc, parts, diff=False)
    shown = PLACEHOLDERS.sub(r"<span class='ph'>\1</span>", h(text))
    diffs = []
    for p in parts:
        lines = compare(doc, p)
        body = _pairs(lines) if lines else "<p>与原文一致。</p>"
        diffs.append(f"<h4>{h(p.heading)}</h4>{body}")
    return (f"<div class='draft-side'><section><h3>草稿</h3>"
            f"<button type='button' class='copy lg primary'>复制草稿</button> <span class='copy-done' role='status'></span>"
            f"<div class='draft-text' tabindex='0'>{shown}</div>"
            f"<textarea class='draft-src' hidden readonly>{h(text)}</textarea></section>"
            f"<section><h3>与原文的差异</h3><p class='hint'>“原文”是文档中的说明，“草稿”是按表格生成的写法；"
            f"【】内为需要补充的内容。</p><div class='diff'>{''.join(diffs)}</div></section></div>")


def document_choices(store: Store, current: str | None) -> dict:
    """The document picker as the store is now (another process may have ingested one since the page
    was built): a Gradio update keeping ``current`` when it is still there."""
    import gradio as gr
    cs = [(d.label, d.doc_id) for d in store.documents()]
    ids = [c[1] for c in cs]
    return gr.update(choices=cs, value=current if current in ids else (ids[0] if ids else None))


def staff_tabs(store: Store) -> None:
    import gradio as gr

    def choices():
        return [(d.label, d.doc_id) for d in store.documents()]

    first = choices()[0][1] if choices() else None

    def refresh(current):
        return document_choices(store, current)

    def opened(current):
        """The 审核 tab opened: the documents as they are now, and the findings of the chosen one."""
        picker = refresh(current)
        return picker, findings_html(store, picker["value"])

    def pick(doc_id, evt: gr.EventData):
        data = getattr(evt, "_data", None) or {}
        return findings_html(store, doc_id, int(data.get("index", -1)))

    with gr.Tab("审核", elem_id="tab-audit") as audit_tab:
        doc_a = gr.Dropdown(choices=choices(), value=first, label="文档", elem_id="audit-doc")
        run = gr.Button("审核", variant="primary", elem_id="audit-run")
        found = gr.HTML("", js_on_load=FINDINGS_JS, elem_id="audit-findings")
        run.click(lambda d: findings_html(store, d), doc_a, found, show_progress="hidden")
        doc_a.input(lambda d: findings_html(store, d), doc_a, found, show_progress="hidden")
        found.pick(pick, doc_a, found, show_progress="hidden")
        audit_tab.select(opened, doc_a, [doc_a, found], show_progress="hidden")
    with gr.Tab("起草", elem_id="tab-draft") as draft_tab:
        doc_d = gr.Dropdown(choices=choices(), value=first, label="文档", elem_id="draft-doc")
        part = gr.Radio(choices=[*PARTS, "全部"], value="全部", label="部分", elem_id="draft-part")
        go = gr.Button("起草", variant="primary", elem_id="draft-run")
        out = gr.HTML("", js_on_load=DRAFT_JS, elem_id="draft-out")
        go.click(lambda d, p: draft_html(store, d, p), [doc_d, part], out, show_progress="hidden")
        draft_tab.select(refresh, doc_d, doc_d, show_progress="hidden")
