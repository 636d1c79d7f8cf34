"""The web chat: a Gradio Blocks page over the engine, built by ``create_app(service)``.

    service = open_service(Settings.from_env())     # app/web/service.py
    blocks = create_app(service)                     # nothing happens at import time

The conversation is HTML rendered from the answer contract (app/web/render.py): answer first, the
reading in one line, citations as numbered chips that open the evidence panel (app/web/evidence.py)
at the cited row, details folded, breakdowns as a sorted table with a bar chart beside the evidence.
Question and document text is escaped wherever it goes: it is shown, never rendered.

(No ``from __future__ import annotations`` here: Gradio reads the ``gr.EventData`` annotation of the
click handlers defined inside ``create_app``.)
"""
import logging
import threading
from dataclasses import dataclass, field

from app.answer.contract import Answer, Citation
from app.answer.engine import Conversation
from app.web.assets import ASK_JS, CHAT_JS, COUNTER_JS, CSS, EVIDENCE_JS
from app.web.evidence import evidence_html
from app.web.examples import QUESTIONS, example_questions
from app.web.format import escape_text, h
from app.web.render import (
    answer_html,
    chart_html,
    chip,
    doc_label,
    examples_html,
    cite_order,
    log_html,
    notice_html,
    org_of,
    pending_html,
    user_html,
)
from app.web.service import EngineService
from app.web.staff import staff_tabs
from app.web.unread import doc_status_html, unread_of
from ingest.errors import BudgetQAError

log = logging.getLogger(__name__)

MAX_QUESTION = 500                     # characters; the API and the page share the limit
EXAMPLES = list(QUESTIONS[:6])         # generic questions (the page offers those the loaded documents answer)
AUTO = "auto"
AUTO_LABEL = "自动（按问题中的单位）"
EMPTY_EVIDENCE = ("<section class='ev-panel'><h3 class='ev-title'>依据</h3><p class='ev-empty'>"
                  "提问后，这里显示回答所依据的表格（所引的行已标出）或情况说明原文。</p></section>")
NO_EVIDENCE = ("<section class='ev-panel'><h3 class='ev-title'>依据</h3><p class='ev-empty'>"
               "本次回答没有引用表格或原文。</p></section>")
FAILED = "抱歉，处理这个问题时出了错。请换一种问法再试；如果一直出错，请告诉网站管理员。"

__all__ = ["MAX_QUESTION", "EXAMPLES", "CSS", "ChatSession", "ChatHandlers", "create_app", "escape_text"]


@dataclass
class ChatSession:
    """One browser session's conversation: the engine's context, the rendered messages, every
    citation so far (chips are numbered into this list) and the document picked."""
    conv: Conversation = field(default_factory=Conversation)
    messages: list = field(default_factory=list)
    citations: list = field(default_factory=list)
    groups: list = field(default_factory=list)          # per answer: the indexes of its citations
    pending: tuple | None = None                        # (question, doc id) waiting for its answer
    doc: str = ""                                       # the picked document; "" = from the question


class ChatHandlers:
    """The page's event handlers; each returns the new values of its outputs (gradio imported lazily)."""

    def __init__(self, service: EngineService):
        import gradio as gr
        self.service, self.gr = service, gr
        self._unread: dict = {}              # (doc id, content hash) → Unread

    def docs(self) -> dict:
        return {d.doc_id: d for d in self.service.documents()}

    def unread(self, docs: dict) -> dict:
        """doc id → what could not be read of it (app/web/unread.py), each document loaded once."""
        out = {}
        for doc_id, info in docs.items():
            key = (doc_id, info.sha256)
            if key not in self._unread:
                try:
                    self._unread[key] = unread_of(self.service.load(doc_id))
                except BudgetQAError:
                    continue
            out[doc_id] = self._unread[key]
        return out

    @property
    def model_seconds(self):
        return getattr(self.service, "model_seconds", None)

    # ── asking ───────────────────────────────────────────────────────────────────────────────────
    def submit(self, question, session):
        """The typed question: shown at once with a 'looking it up' line; → box, log, session."""
        session = session if session is not None else ChatSession()
        question = (question or "").strip()
        if not question:
            return self.gr.update(), self.gr.update(), session
        self._queue(session, question, "")
        keep = len(question) > MAX_QUESTION           # too long: left in the box to be shortened
        return (self.gr.update() if keep else ""), log_html(session.messages), session

    def ask_button(self, session, question: str, doc: str = ""):
        """A clarify button or an example: → log, session."""
        session = session if session is not None else ChatSession()
        self._queue(session, (question or "").strip(), doc or "")
        return log_html(session.messages), session

    def _queue(self, session: ChatSession, question: str, doc: str) -> None:
        n = len(question)
        if n > MAX_QUESTION:
            shown = question[:60] + "…"
            session.messages += [user_html(shown, f"（共 {n} 字）"),
                                 notice_html(f"这个问题有 {n} 字，超过了 {MAX_QUESTION} 字的上限。"
                                             f"请把问题缩短到 {MAX_QUESTION} 字以内再发送，例如只问一个项目或一个数字。",
                                             kind="limit")]
            session.pending = None
            return
        info = self.docs().get(doc) if doc else None
        note = f"（{doc_label(info)}）" if info is not None else ""
        session.messages += [user_html(question, note), pending_html(self.model_seconds)]
        session.pending = (question, doc)

    def answer_live(self, session):
        """The page's answer handler: ``answer``, and meanwhile, once the language model is being asked,
        the pending bubble says so (a generator: gradio shows each value yielded)."""
        if self.model_seconds is None or session is None or session.pending is None:
            yield self.answer(session)
            return
        asked, done = threading.Event(), {}

        def run():
            try:
                done["out"] = self.answer(session, asked.set)
            except BaseException as e:      # handed to gradio as the plain handler would raise it
                done["error"] = e
        worker = threading.Thread(target=run, name="budgetqa-page-answer", daemon=True)
        worker.start()
        while worker.is_alive() and not asked.wait(0.2):
            pass
        if worker.is_alive() and session.messages and "pending" in session.messages[-1]:
            pending = session.messages[:-1] + [pending_html(self.model_seconds, asking=True)]
            yield log_html(pending), self.gr.update(), self.gr.update(), session
        worker.join()
        if "error" in done:
            raise done["error"]
        yield done["out"]

    def answer(self, session, on_model=None):
        """Answer the pending question: → log, evidence, chart, session. ``on_model``: called when the
        language model is about to be asked."""
        gr = self.gr
        if session is None or session.pending is None:
            return gr.update(), gr.update(), gr.update(), session
        question, doc = session.pending
        session.pending = None
        doc = doc or session.doc or None
        extra = {"on_model": on_model} if on_model is not None else {}
        try:
            answer = self.service.ask(question, doc=doc, conversation=session.conv, **extra)
        except BudgetQAError as e:
            answer = Answer(question, "refused", f"无法回答：{e}")
        except Exception:                 # a bug, not the user's mistake: logged, and said calmly
            log.exception("answering %r failed", question[:80])
            answer = Answer(question, "refused", FAILED)
        docs = self.docs()
        base = len(session.citations)
        session.citations += list(answer.citations)
        order = [base + i for i in cite_order(answer, docs)]
        session.groups.append(order)
        html = answer_html(answer, base, docs, self.unread(docs))
        if session.messages and "pending" in session.messages[-1]:
            session.messages[-1] = html
        else:
            session.messages.append(html)
        if order:
            evidence = self.evidence(session, order[0], "answer")
        else:
            evidence = EMPTY_EVIDENCE if answer.status == "clarify" else NO_EVIDENCE
        chart = chart_html(answer, docs)
        return log_html(session.messages), evidence, gr.update(value=chart, visible=bool(chart)), session

    # ── the evidence panel ───────────────────────────────────────────────────────────────────────
    def evidence(self, session: ChatSession, index: int, focus: str = "chip") -> str:
        """The panel for citation ``index`` of the conversation, with the chips of its answer."""
        if session is None or not 0 <= index < len(session.citations):
            return EMPTY_EVIDENCE
        c: Citation = session.citations[index]
        group = next((g for g in session.groups if index in g), [index])
        nav = _nav(session, group, index, self.docs())
        try:
            doc = self.service.load(c.doc)
            body = evidence_html(doc, c, [session.citations[i] for i in group])
        except BudgetQAError as e:
            body = f"<p class='ev-missing'>无法打开这份文档：{h(e)}</p>"
        back = "<button type='button' class='link ev-back'>↑ 回到对话</button>"
        return f"<section class='ev-panel' data-focus='{focus}'>{back}{nav}{body}</section>"

    def cite(self, session, index):
        """A chip (or ‹ ›) clicked: → the evidence panel at that citation."""
        try:
            index = int(index)
        except (TypeError, ValueError):
            return self.gr.update()
        return self.evidence(session, index, "chip")

    # ── the document picker, clearing, loading, the index status ─────────────────────────────────
    def pick(self, choice, session):
        """Another document picked: the conversation stays, later questions go to that document."""
        session = session if session is not None else ChatSession()
        doc = "" if choice in (None, "", AUTO) else str(choice)
        if doc == session.doc:                 # the same choice again: nothing to say
            return log_html(session.messages), session
        session.doc = doc
        info = self.docs().get(session.doc)
        text = f"之后的问题按“{doc_label(info)}”回答，对话保留。" if info is not None else \
            "之后的问题按问题中提到的单位回答；没有提到单位时，会请您选择。"
        session.messages.append(notice_html(text))
        return log_html(session.messages), session

    def clear(self):
        """→ log, evidence, chart, session, box."""
        return log_html([]), EMPTY_EVIDENCE, self.gr.update(value="", visible=False), ChatSession(), ""

    def load(self, session):
        """On page load: the picker (several documents), what of them could not be read, and examples
        from the loaded documents."""
        docs = self.service.documents()
        choices = [(AUTO_LABEL, AUTO)] + [(doc_label(d), d.doc_id) for d in docs]
        current = session.doc if session is not None and session.doc else AUTO
        picker = self.gr.update(choices=choices, value=current, visible=len(docs) > 1)
        unread = self.unread({d.doc_id: d for d in docs})
        status = doc_status_html([(doc_label(d), unread[d.doc_id]) for d in docs if d.doc_id in unread],
                                 named=True)
        return picker, self.gr.update(value=status, visible=bool(status)), examples_html(example_questions(self.service))

    def status(self):
        """→ the page head with the index status, and whether to keep polling it."""
        indexer = self.service.indexer
        if indexer is None:
            return header_html(""), self.gr.Timer(active=False)
        p = indexer.progress()
        extra = "；问题照常回答（按表格规则，不依赖检索）" if p.running or p.state == "failed" else ""
        line = f"<p class='status {h(p.state)}' role='status'>{h(p.words())}{extra}</p>"
        return header_html(line), self.gr.Timer(active=p.running)


def header_html(status: str) -> str:
    return ("<div class='head'><h1>预算问答</h1><p>根据已核验的预算公开表格回答问题；每个数字都注明出处"
            f"（表 › 行 › 列），点击出处可查看原表。</p>{status}</div>")


MAX_CHIPS = 5


def _nav(session: ChatSession, group: list[int], index: int, docs: dict) -> str:
    """The answer's other citations: chips when a few, else ‹ n/N › (a breakdown cites every row)."""
    if len(group) <= 1:
        return ""
    if len(group) <= MAX_CHIPS:
        cites = [session.citations[i] for i in group]
        chips = "".join(chip(i, session.citations[i], k + 1, i == index, org_of(session.citations[i], cites, docs))
                        for k, i in enumerate(group))
        return f"<div class='ev-chips' aria-label='本次回答的出处'>{chips}</div>"
    k = group.index(index)
    prev = f"data-cite='{group[k - 1]}'" if k > 0 else "disabled"
    nxt = f"data-cite='{group[k + 1]}'" if k + 1 < len(group) else "disabled"
    return (f"<div class='ev-nav' aria-label='本次回答的出处'><button type='button' {prev} aria-label='上一处'>‹ 上一处</button>"
            f"<span>第 {k + 1} / {len(group)} 处</span>"
            f"<button type='button' {nxt} aria-label='下一处'>下一处 ›</button></div>")


def create_app(service: EngineService):
    """Build the Gradio Blocks page (import gradio here: no work at module import time)."""
    import gradio as gr
    h_ = ChatHandlers(service)

    def on_ask(session, evt: gr.EventData):
        data = getattr(evt, "_data", None) or {}
        return h_.ask_button(session, str(data.get("question", "")), str(data.get("doc", "")))

    def on_cite(session, evt: gr.EventData):
        data = getattr(evt, "_data", None) or {}
        return h_.cite(session, data.get("index"))

    with gr.Blocks(title="预算问答") as blocks:
        session = gr.State(ChatSession())
        status = gr.HTML(header_html(""), elem_id="app-head")
        timer = gr.Timer(1.0, active=service.indexer is not None)
        with gr.Tab("问答", elem_id="tab-chat"):
            picker = gr.Dropdown(label="文档", choices=[(AUTO_LABEL, AUTO)], value=AUTO, visible=False,
                                 interactive=True, elem_id="doc-picker")
            doc_status = gr.HTML("", elem_id="doc-status", visible=False)
            with gr.Row(equal_height=False):
                with gr.Column(scale=6, min_width=330):
                    chat = gr.HTML(log_html([]), js_on_load=CHAT_JS, elem_id="chat-log")
                    examples = gr.HTML("", js_on_load=ASK_JS, elem_id="examples")
                    with gr.Row(elem_id="question-row"):
                        box = gr.Textbox(label="问题", show_label=False, placeholder="输入问题，按回车发送", lines=1, max_lines=4,
                                         scale=5, min_width=160, elem_id="question-box", container=False)
                        send = gr.Button("发送", variant="primary", scale=1, min_width=72, elem_id="send")
                    with gr.Row(elem_id="under-box"):
                        counter = gr.HTML(f"<p class='count'>0/{MAX_QUESTION}</p>", elem_id="counter", min_width=120)
                        clear_btn = gr.Button("清空对话", variant="secondary", size="sm", elem_id="clear",
                                              scale=0, min_width=90)
                with gr.Column(scale=5, min_width=330):
                    chart = gr.HTML("", elem_id="chart", visible=False)
                    evidence = gr.HTML(EMPTY_EVIDENCE, js_on_load=EVIDENCE_JS, elem_id="evidence")
        staff_tabs(service.engine.store)

        answer = dict(fn=h_.answer_live, inputs=[session], outputs=[chat, evidence, chart, session],
                      show_progress="hidden", concurrency_limit=4)
        typed = dict(fn=h_.submit, inputs=[box, session], outputs=[box, chat, session], show_progress="hidden",
                     queue=False)
        box.submit(**typed).then(**answer)
        send.click(**typed).then(**answer)
        for source in (chat, examples):
            source.ask(on_ask, [session], [chat, session], show_progress="hidden", queue=False).then(**answer)
        for source in (chat, evidence):
            source.cite(on_cite, [session], [evidence], show_progress="hidden")
        box.change(None, [box], [counter], js=COUNTER_JS % MAX_QUESTION, show_progress="hidden")
        picker.input(h_.pick, [picker, session], [chat, session], show_progress="hidden")
        clear_btn.click(h_.clear, None, [chat, evidence, chart, session, box], show_progress="hidden")
        blocks.load(h_.load, [session], [picker, doc_status, examples], show_progress="hidden")
        blocks.load(h_.status, None, [status, timer], show_progress="hidden", queue=False)
        timer.tick(h_.status, None, [status, timer], show_progress="hidden", queue=False)
    return blocks
