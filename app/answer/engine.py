"""The answer engine: question → plan (app/answer/plan.py) → execute (app/answer/execute.py) → compose (app/answer/compose.py).

    engine = Engine.from_settings(Settings.from_env())
    conv = Conversation()                      # one per chat session; holds scope and last items
    answer = engine.ask("公务用车运行费是多少？", conversation=conv)   # -> app.answer.contract.Answer
    answer.to_dict()                           # the JSON contract

Deterministic and without a language model by default. With ``BUDGETQA_LLM`` set, the model is
asked for a plan only when the rules find nothing to link (see app/answer/llm.py); it never supplies a number.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from app.answer.across import across_units, across_years
from app.answer.catalog import catalog_for
from app.answer.compose import compose
from app.answer.contract import Answer
from app.answer.execute import execute
from app.answer.figures import Result
from app.answer.normalize import normalise_question
from app.answer.plan import Context, Plan, guard, make_plans
from app.answer.scope import (
    OTHER_YEAR,
    org_mention,
    other_year_doc,
    resolve_scope,
    wants_across_units,
)
from app.answer.text import escape_markdown
from app.settings import Settings
from index.store import DocumentInfo, Store

MAX_QUESTION = 500


class LazySearch:
    """The hybrid index, opened on first use (loading the embedder costs start-up time otherwise)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._index = None

    def __call__(self, query: str, k: int = 5, filters=None):
        if self._index is None:
            if not (self.settings.chroma_url or self.settings.chroma_dir.exists()):
                return []
            from index.service import searcher
            self._index = searcher(self.settings)
        return self._index.search(query, k=k, filters=filters)


@dataclass
class Conversation:
    """State kept between turns of one conversation (the CLI session, a browser session)."""
    doc_id: str | None = None
    context: Context = field(default_factory=Context)


class Engine:
    def __init__(self, store: Store, settings: Settings | None = None, llm_planner=None, search=None):
        self.store = store
        self.settings = settings
        self.llm_planner = llm_planner
        self.search = search          # hybrid search(query, k, filters) for words the rules cannot link

    @classmethod
    def from_settings(cls, settings: Settings) -> "Engine":
        planner = None
        if settings.llm:
            from app.answer.llm import LLMPlanner
            planner = LLMPlanner.from_setting(settings.llm)
        return cls(Store(settings.store_path), settings, planner, LazySearch(settings))

    def documents(self) -> list[DocumentInfo]:
        return self.store.documents()

    def ask(self, question: str, doc: str | None = None, conversation: Conversation | None = None) -> Answer:
        conv = conversation if conversation is not None else Conversation()
        question = (question or "").strip()
        if len(question) > MAX_QUESTION:
            return Answer(question[:MAX_QUESTION], "refused", f"问题太长（超过 {MAX_QUESTION} 个字），请简短提问。")
        q = normalise_question(question)           # once: every stage below reads the normalised question
        refusal = guard(q, question, follow_up=bool(conv.context.items))
        if refusal is not None:
            return Answer(question, "refused", refusal.reason)
        docs = self.store.documents()
        ctx = conv.context
        if len(docs) > 1 and not doc and wants_across_units(q):
            return across_units(question, q, docs, self.store)
        scope_text = OTHER_YEAR.sub("", q)
        scope = resolve_scope(scope_text, docs, doc or conv.doc_id, ctx.doc_id)
        if scope.status == "clarify":
            labels = {d.doc_id: d.label for d in docs}
            listed = "\n".join(f"- {escape_markdown(labels[c])}（{escape_markdown(c)}）" for c in scope.candidates)
            return Answer(question, "clarify", f"{scope.reason}已导入的文档有：\n{listed}",
                          notes=[f"candidates: {', '.join(scope.candidates)}"])
        if scope.status == "refused":
            return Answer(question, "refused", scope.reason)
        doc_id = scope.doc_id
        info = next(d for d in docs if d.doc_id == doc_id)
        other = other_year_doc(q, info, docs)
        if other is not None:
            compared = across_years(question, q, info, other, self.store)
            if compared is not None:
                return compared
        cat = catalog_for(self.store.load(doc_id))
        if ctx.doc_id != doc_id:
            ctx = Context(doc_id)
        mention = org_mention(scope_text, info, docs)     # "江苏省人民检察院的培训费": 检察 is no item here
        plans = make_plans(q.replace(mention, " ", 1) if mention else q, cat, ctx, self.search)
        results = [self._run(p, cat) for p in plans]
        if (self.llm_planner is not None and plans[0].status == "answered"
                and all(r.status != "answered" for r in results)):
            plans = self.llm_planner.plan(question, cat, plans)
            results = [self._run(p, cat) for p in plans]
        answer = compose(question, results, cat)
        if self.llm_planner is not None and answer.status == "answered" and self.llm_planner.phrase_enabled:
            answer = self.llm_planner.phrase(answer)
        last = next((p for p in reversed(plans) if p.items), None)
        conv.doc_id = doc_id if doc is None and conv.doc_id is None and len(docs) > 1 else conv.doc_id
        conv.context = Context(doc_id, last.items if last else ctx.items, last.op if last else ctx.op)
        return answer

    @staticmethod
    def _run(plan: Plan, cat) -> Result:
        if plan.status != "answered":
            return Result(plan, status=plan.status, reason=plan.reason)
        result = execute(plan, cat)
        if result.status != "answered" and plan.inherited:
            # "那X呢？" after e.g. a year-on-year question: give X itself, and say what is missing
            fallback = execute(replace(plan, op="lookup", inherited=False), cat)
            if fallback.status == "answered":
                fallback.notes.insert(0, result.reason)
                return fallback
        return result
