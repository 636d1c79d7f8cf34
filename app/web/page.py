"""The web chat: a Gradio Blocks page over the engine, built by ``create_app(service)``.

    service = open_service(Settings.from_env())     # app/web/service.py
    blocks = create_app(service)                     # nothing happens at import time

The page shows each answer as markdown with its citations, the calculation and notes folded under
it, and beside the chat the cited table with the cited rows highlighted. Text that comes from a
question or a document is escaped before it goes into markdown: it is shown, never rendered.
"""
from __future__ import annotations

import logging
import re

from app.answer.contract import Answer, Citation
from app.answer.engine import Conversation
from app.answer.text import escape_markdown
from app.web.service import EngineService
from app.web.staff import staff_tabs
from ingest.errors import BudgetQAError
from ingest.model import BudgetDocument, Table

log = logging.getLogger(__name__)

MAX_QUESTION = 500                     # characters; the API and the page share the limit
EXAMPLES = ["公务用车运行费是多少？", "基本支出是多少？", "人员经费和公用经费分别是多少？",
            "三公经费合计多少？比上年变化多少？", "人员经费占一般公共预算基本支出的比重是多少？",
            "住房公积金预算多少？"]
HIGHLIGHT_ROW = "background-color: #fff3bf"
HIGHLIGHT_CELL = "background-color: #ffd43b; font-weight: 700"
MARK = "▶"


# ── rendering: pure functions from the contract to what the page shows ───────────────────────────

_MD_MORE = re.compile(r"([{}()$])")          # beyond escape_markdown: shown literally here too


def escape_text(text: str) -> str:
    """Plain text (a question, a row name) → markdown that shows exactly that text: escape_markdown
    (app/answer/text.py, the one escaping of document text: no link, image or HTML, no bare address
    for the linkifier), then what a line may start with."""
    text = _MD_MORE.sub(r"\\\1", escape_markdown(text))
    text = re.sub(r"^(\s*)([-+=])", r"\1\\\2", text, flags=re.M)          # list items, setext rules
    return re.sub(r"^(\s*)(\d+)\.(?=\s|$)", r"\1\2\\.", text, flags=re.M)   # ordered lists


def safe_markdown(markdown: str) -> str:
    """The engine's markdown with raw HTML disabled (``<`` shown as text). Entities are kept: the engine
    escapes document text with app/answer/text.py escape_markdown (``<b>`` → ``&lt;b&gt;``), which must
    show as ``<b>``, not as ``&lt;b&gt;``; an entity never becomes a tag."""
    return str(markdown).replace("<", "&lt;")


def citation_line(c: Citation) -> str:
    where = f"（{escape_text(c.source)}）" if c.source else ""
    return f"{escape_text(c.display)}{where}"


def answer_messages(answer: Answer) -> list[dict]:
    """The assistant's messages for one answer: the answer with its citations, then a folded details box."""
    parts = [safe_markdown(answer.answer)]
    if answer.citations:
        parts.append("**出处**\n" + "\n".join(f"- {citation_line(c)}" for c in answer.citations))
    out = [{"role": "assistant", "content": "\n\n".join(parts)}]
    details = []
    if answer.calculation:
        details.append(f"**计算**：{escape_text(answer.calculation)}")
    if answer.status == "answered":
        details.append("**核验**：" + ("数值已由表内或表间勾稽关系核验 ✓" if answer.verified
                                      else "数值未被勾稽关系覆盖，请对照原表"))
    details += [f"- {escape_text(n)}" for n in answer.notes]
    if details:
        out.append({"role": "assistant", "content": "\n\n".join(details),
                    "metadata": {"title": "计算过程与说明", "status": "done"}})
    return out


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s or "")


def cited_rows(table: Table, citation: Citation) -> list[int]:
    """Indexes of the rows a citation names: exact label/name match first, then containment."""
    want = _norm(citation.row)
    if not want:
        return []
    exact = [i for i, r in enumerate(table.rows)
             if want in (_norm(r.label), _norm(r.name), _norm(f"{r.group}{r.label}"), _norm(r.code))]
    if exact:
        return exact
    return [i for i, r in enumerate(table.rows) if _norm(r.label) and
            (want in _norm(r.label) or _norm(r.label) in want)]


def evidence_table(table: Table, citation: Citation | None = None):
    """The table as a pandas Styler: a marker column, 编码, 名称, the used columns; cited rows highlighted."""
    import pandas as pd
    rows = cited_rows(table, citation) if citation else []
    try:
        col = table.column_index(citation.column) if citation and citation.column else -1
    except (KeyError, ValueError):
        col = -1
    used = [c for c in range(len(table.columns)) if any(r.values[c] is not None for r in table.rows)] or [0]
    if col >= 0 and col not in used:
        used = sorted(used + [col])
    codes = any(r.code for r in table.rows)
    headers = ["", "编码", "名称"] if codes else ["", "名称"]
    headers = headers + [table.columns[c] for c in used]
    data = []
    for i, r in enumerate(table.rows):
        name = "\u3000" * max(r.level - 1, 0) + (f"{r.group}·" if r.group else "") + r.label
        data.append([MARK if i in rows else ""] + ([r.code] if codes else []) + [name] +
                    ["" if r.values[c] is None else str(r.values[c]) for c in used])
    frame = pd.DataFrame(data, columns=_unique(headers))
    first = 3 if codes else 2
    cell = first + used.index(col) if col in used else -1

    def style(f):
        css = pd.DataFrame("", index=f.index, columns=f.columns)
        for i in rows:
            css.iloc[i, :] = HIGHLIGHT_ROW
            if cell >= 0:
                css.iloc[i, cell] = HIGHLIGHT_CELL
        return css
    return frame.style.apply(style, axis=None)


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out


def evidence_caption(table: Table, citation: Citation) -> str:
    rows = cited_rows(table, citation)
    where = f" · 原文 {escape_text(citation.source)}" if citation.source else ""
    found = "" if rows else f"\n\n未在表中找到行“{escape_text(citation.row)}”。"
    return f"**{escape_text(table.id)} {escape_text(table.title)}**（单位：{escape_text(table.unit)}）{where}{found}"


def cited_sections(doc: BudgetDocument, citation: Citation) -> list:
    """The narrative paragraphs a citation without a table points at (by source lines, else heading path)."""
    by_source = [sec for sec in doc.sections if citation.source and sec.source == citation.source]
    if by_source:
        return by_source
    lines = re.findall(r"\d+", citation.source or "")
    if lines:
        first, last = int(lines[0]), int(lines[-1])
        overlap = [sec for sec in doc.sections if sec.line_start <= last and sec.line_end >= first]
        if overlap:
            return overlap
    title = _norm(citation.title)
    return [sec for sec in doc.sections if title and title in _norm(" › ".join(sec.path))][:3]


def narrative_evidence(doc: BudgetDocument, citation: Citation) -> str:
    """Markdown for a narrative citation: heading path and the paragraph text, quoted, as text."""
    sections = cited_sections(doc, citation)
    if not sections:
        return f"未在文档中找到出处“{escape_text(citation.display)}”（{escape_text(citation.source)}）。"
    parts = []
    for sec in sections:
        head = " › ".join(sec.path)
        quoted = "\n".join("> " + escape_text(line) for line in sec.text.splitlines() if line.strip())
        parts.append(f"**{escape_text(head)}**（原文 {escape_text(sec.source)}）\n\n{quoted}")
    return "\n\n".join(parts)


def chart_frame(chart: dict | None):
    """answer.chart → a DataFrame for gr.BarPlot (labels in the order given), or None."""
    import pandas as pd
    if not chart or not chart.get("labels"):
        return None
    values = [float(v) for v in chart["values"]]
    return pd.DataFrame({"项目": [str(x) for x in chart["labels"]], "数值": values})


# ── the page ─────────────────────────────────────────────────────────────────────────────────────

CSS = """
#evidence-table table { font-size: 13px; }
#answer-chat .message { font-size: 15px; }
footer { display: none !important; }
"""

# After the evidence table changes, scroll its first cited row into view inside the table only.
# The dataframe renders rows virtually, so the position comes from the row's index in the data.
SCROLL_TO_MARK = """(value) => { setTimeout(() => {
  const rows = (value && value.data) || [];
  const index = rows.findIndex(r => r && r[0] === '%s');
  const box = document.querySelector('#evidence-table .virtual-table-viewport');
  if (index < 0 || !box || !rows.length) return;
  const header = box.querySelector('thead');
  const h = header ? header.getBoundingClientRect().height : 0;
  const rowHeight = (box.scrollHeight - h) / rows.length;
  box.scrollTop = Math.max(0, h + index * rowHeight - box.clientHeight / 3);
}, 200); return []; }""" % MARK


WELCOME = "提问后，这里显示回答所引用的表格。"


class ChatHandlers:
    """The page's event handlers; each returns the new values of its outputs (gradio imported lazily)."""

    def __init__(self, service: EngineService):
        import gradio as gr
        self.service, self.gr = service, gr

    def _hidden(self):
        return self.gr.update(value=None, visible=False)

    def refresh_docs(self, current):
        """The picker: shown once more than one document is ingested."""
        choices = [(d.label, d.doc_id) for d in self.service.documents()]
        ids = [c[1] for c in choices]
        value = current if current in ids else (ids[0] if len(ids) == 1 else None)
        return self.gr.update(choices=choices, value=value, visible=len(choices) > 1)

    def show_citation(self, index, cites):
        """The evidence panel for citation ``index``: (caption, table)."""
        if not cites or index is None:
            return "", self._hidden()
        c = Citation(**cites[int(index)])
        try:
            doc = self.service.load(c.doc)
        except BudgetQAError as e:
            return f"无法打开文档：{escape_text(str(e))}", self._hidden()
        if not c.table:                     # a narrative paragraph, not a table
            return narrative_evidence(doc, c), self._hidden()
        try:
            table = doc.table(c.table)
        except KeyError:
            return f"文档中没有 {escape_text(c.table)}（出处 {escape_text(c.display)}）。", self._hidden()
        return evidence_caption(table, c), self.gr.update(value=evidence_table(table, c), visible=True)

    def ask(self, question, messages, conv, cites, doc_id):
        """→ box, chat, transcript, conversation, citations, citation picker, caption, table, chart."""
        gr = self.gr
        question = (question or "").strip()
        messages = list(messages or [])
        if not question:
            return (gr.update(), messages, messages, conv, cites) + (gr.update(),) * 4
        if len(question) > MAX_QUESTION:
            raise gr.Error(f"问题太长（{len(question)} 字），请控制在 {MAX_QUESTION} 字以内。")
        conv = conv if conv is not None else Conversation()
        try:
            answer = self.service.ask(question, doc=doc_id or None, conversation=conv)
        except BudgetQAError as e:
            answer = Answer(question, "refused", f"无法回答：{e}")
        messages += [{"role": "user", "content": escape_text(question)}] + answer_messages(answer)
        cites = [c.to_dict() for c in answer.citations]
        radio = gr.update(choices=[(c.display, str(i)) for i, c in enumerate(answer.citations)],
                          value="0" if cites else None, visible=bool(cites))
        caption, table = self.show_citation(0, cites) if cites else ("*本次回答没有引用表格。*", self._hidden())
        frame = chart_frame(answer.chart)
        unit = (answer.chart or {}).get("unit")
        plot = gr.update(value=frame, visible=frame is not None, y_title=f"单位：{unit}" if unit else None)
        return "", messages, messages, conv, cites, radio, caption, table, plot

    def clear(self):
        """→ chat, transcript, conversation, citations, citation picker, caption, table, chart, box."""
        return ([], [], Conversation(), [], self.gr.update(choices=[], value=None, visible=False), WELCOME,
                self._hidden(), self._hidden(), "")


def create_app(service: EngineService):
    """Build the Gradio Blocks page (import gradio here: no work at module import time)."""
    import gradio as gr
    h = ChatHandlers(service)
    with gr.Blocks(title="预算问答") as blocks:
        gr.Markdown("## 预算问答\n根据已核验的预算公开表格回答问题；每个数字都注明出处（表 › 行 › 列）。")
        transcript, conv, cites = gr.State([]), gr.State(None), gr.State([])
        with gr.Tab("问答", elem_id="tab-chat"):
            picker = gr.Dropdown(label="文档（编制单位 · 年度）", choices=[], visible=False, interactive=True,
                                 elem_id="doc-picker")
            with gr.Row(equal_height=False):
                with gr.Column(scale=1, min_width=360):
                    chat = gr.Chatbot(label="对话", elem_id="answer-chat", height=520, sanitize_html=True,
                                      render_markdown=True, latex_delimiters=[], layout="bubble", buttons=["copy_all"],
                                      placeholder="请输入关于预算公开的问题，例如“公务用车运行费是多少？”")
                    with gr.Row():
                        box = gr.Textbox(show_label=False, placeholder="输入问题，按回车发送", scale=5,
                                         max_lines=3, elem_id="question-box")
                        send = gr.Button("发送", variant="primary", scale=1, min_width=80, elem_id="send")
                    examples = gr.Dataset(components=[box], samples=[[q] for q in EXAMPLES], type="values",
                                          label="示例问题（点击即问）", elem_id="examples")
                    clear_btn = gr.Button("清空对话", variant="secondary", elem_id="clear")
                with gr.Column(scale=1, min_width=360):
                    gr.Markdown("### 依据")
                    which = gr.Radio(label="出处（点击切换）", choices=[], visible=False, elem_id="citations")
                    caption = gr.Markdown(WELCOME, elem_id="evidence-caption")
                    table = gr.Dataframe(interactive=False, wrap=True, max_height=460, elem_id="evidence-table",
                                         show_label=False, visible=False)
                    plot = gr.BarPlot(x="项目", y="数值", visible=False, label="图表", sort=None,
                                      elem_id="answer-chart", x_label_angle=-30)

        inputs = [box, transcript, conv, cites, picker]
        outputs = [box, chat, transcript, conv, cites, which, caption, table, plot]
        cleared = [chat, transcript, conv, cites, which, caption, table, plot, box]
        box.submit(h.ask, inputs, outputs, concurrency_limit=4)
        send.click(h.ask, inputs, outputs, concurrency_limit=4)
        examples.click(lambda sample: sample[0], examples, box).then(h.ask, inputs, outputs, concurrency_limit=4)
        which.input(h.show_citation, [which, cites], [caption, table])
        table.change(None, table, None, js=SCROLL_TO_MARK)
        clear_btn.click(h.clear, None, cleared)
        chat.clear(h.clear, None, cleared)          # the chatbot's own trash icon
        picker.input(h.clear, None, cleared)        # the user picks another document: a new conversation
        blocks.load(h.refresh_docs, picker, picker)
        staff_tabs(service.engine.store)
    return blocks
