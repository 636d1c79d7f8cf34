"""The answer engine: question → plan (app/answer/plan.py) → execute (app/answer/execute.py) → compose (app/answer/compose.py).

    engine = Engine.from_settings(Settings.from_env())
    conv = Conversation()                      # one per chat session; holds scope and last items
    answer = engine.ask("公务用车运行费是多少？", conversation=conv)   # -> app.answer.contract.Answer
    answer.to_dict()                           # the JSON contract

Deterministic and without a language model by default. With ``BUDGETQA_LLM`` set, the model is
asked for a plan only when the rules find nothing to link (see app/answer/llm.py); it never supplies a number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from app.answer.across import across_units, across_years
from app.answer.catalog import catalog_for
from app.answer.compose import compose
from app.answer.contract import Answer
from app.answer.exclude import (
    avoid,
    honour,
    include,
    split_exclusions,
    split_inclusions,
    split_negations,
    subtract_part,
)
from app.answer.execute import execute
from app.answer.final import answer_final, final_year_words
from app.answer.figures import Result
from app.answer.linking import Item
from app.answer.followup import (
    asks_change_from_last_year,
    asks_of_last,
    is_bare,
    refer_back,
    subject,
    subject_item,
    topic_of,
    without_last_year,
)
from app.answer.history import unit_history
from app.answer.normalize import normalise_question, repair_homophones, word_spans
from app.answer.plan import Context, Plan, guard, make_plans
from app.answer.reading import judge
from app.answer.scope import (
    other_year_doc,
    resolve_scope,
    romanised_names,
    same_unit,
    wants_across_units,
)
from app.answer.text import escape_markdown
from app.answer.vocabulary import OP_PATTERNS
from app.settings import Settings
from index.store import DocumentInfo, Store

MAX_QUESTION = 500
COMPARED_BY = re.compile(r"(?:要|还|的)?(?:多|少|高|低|大|小)(?:出|了)?(?:多少|几何|几).*$|[，,]?\s*(?:相差|差)(?:了)?(?:多少|几).*$|"
                         r"(?:以后|之后|后)?(?:还剩|剩下|剩余|还有|余下).*$")
MAX_OPTIONS = 6


def _without(q: str, words) -> str:
    """``q`` with the words that named the unit taken out (each once)."""
    for w in words:
        q = q.replace(w, " ", 1)
    return q


def _remember(conv, doc_id: str, items, op: str, topic: str) -> None:
    """What a follow-up in this conversation inherits: the document, its items, operation and topic."""
    conv.doc_id = doc_id
    conv.recent = tuple(d for d in conv.recent if d != doc_id)[-9:] + (doc_id,)
    conv.context = Context(doc_id, items, op, topic)


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
    recent: tuple[str, ...] = ()          # the documents answered from, latest last


class Engine:
    def __init__(self, store: Store, settings: Settings | None = None, llm_planner=None, search=None):
        self.store = store
        self.settings = settings
        self.llm_planner = llm_planner
        self.search = search          # hybrid search(query, k, filters) for words the rules cannot link
        self._label_key: tuple = ()
        self._label_set: frozenset[str] = frozenset()
        self._name_set: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: Settings) -> "Engine":
        planner = None
        if settings.llm:
            from app.answer.llm import LLMPlanner
            planner = LLMPlanner.from_setting(settings.llm)
        return cls(Store(settings.store_path), settings, planner, LazySearch(settings))

    def documents(self) -> list[DocumentInfo]:
        return self.store.documents()

    def warm(self) -> None:
        """Build once what reading any question needs (the documents' names, by sound; the tokenizer;
        each document's catalog), so that no request's time budget pays for it."""
        docs = self.store.documents()
        repair_homophones("预算", self._names(docs))
        word_spans("预算")

    def ask(self, question: str, doc: str | None = None, conversation: Conversation | None = None) -> Answer:
        """Answer ``question`` about the picked document ``doc`` (or the one the question or the
        conversation names). Every answer states its reading; a question not fully read is clarify."""
        conv = conversation if conversation is not None else Conversation()
        question = (question or "").strip()
        if len(question) > MAX_QUESTION:
            return Answer(question[:MAX_QUESTION], "refused", f"问题太长（超过 {MAX_QUESTION} 个字），请简短提问。")
        docs = self.store.documents()
        q = romanised_names(normalise_question(question), docs)   # once: every stage reads this form
        q = repair_homophones(q, self._names(docs))      # 检查院 → 检察院
        refusal = guard(q, question, bool(conv.context.items or conv.context.topic), self._labels(docs))
        if refusal is not None:
            return Answer(question, "refused", refusal.reason)
        if len(docs) > 1 and not doc and wants_across_units(q):
            return across_units(question, q, docs, self.store)
        scope = resolve_scope(q, docs, picked=doc, last=conv.doc_id, labels=self._labels(docs), recent=conv.recent)
        history = unit_history(question, q, scope, docs, self.store)   # 近三年/历年…: one unit's years (history.py)
        if history is not None:
            return history
        if scope.status != "answered":
            if not is_bare(_without(q, scope.mentions)):      # a later "…的呢？" asks this again
                conv.context = replace(conv.context, items=(), topic=topic_of(_without(q, scope.mentions)))
            units = {d.unit_key for d in docs if d.doc_id in scope.candidates}
            if scope.mentions and len(units) == 1:
                # "那省政协办公厅呢？" asked back for the year, or refused for it: the unit is the conversation's now
                conv.doc_id = max((d for d in docs if d.doc_id in scope.candidates), key=lambda d: d.year).doc_id
            return self._scope_answer(question, q, scope, docs)
        info = next(d for d in docs if d.doc_id == scope.doc_id)
        other = other_year_doc(q, info, docs)
        if other is not None:
            compared = across_years(question, q, info, other, self.store, scope.mentions)
            if compared is not None and compared.status == "answered" and OP_PATTERNS["why"].search(q):
                compared = self._why_too(compared, _without(q, scope.mentions), info)   # "…少了多少？为什么"
            if compared is not None:
                _remember(conv, info.doc_id, (), "yoy", topic_of(_without(q, scope.mentions)))
                return compared
        cat = catalog_for(self.store.load(info.doc_id))
        text = _without(q, scope.mentions)        # "江苏省人民检察院的培训费": 检察 is no item here
        text = refer_back(text, conv.context, bool(scope.mentions))   # 这项, 其中X, "2018年的呢？" (followup.py)
        text = final_year_words(text, cat.doc)
        planned = next((d for d in docs if d.kind == "预算" and d.year == info.year and same_unit(d, info)), None) \
            if info.kind == "决算" else None          # the same unit's 预算 of that year: 年初预算数 by cell
        budget = catalog_for(self.store.load(planned.doc_id)) if planned is not None else None
        final = answer_final(question, text, cat, budget)   # 决算: 预算数 beside 决算数, 执行率, “三公” (final.py)
        if final is not None:
            _remember(conv, info.doc_id, (), "lookup", topic_of(text))
            return final
        ctx = self._context(conv.context, info.doc_id, cat, new_unit=bool(scope.mentions))
        text, excluded = split_exclusions(text)      # "（不含会议费培训费）": checked against the reading
        text, negated = split_negations(text)        # "不是三公表里那个数": likewise
        text, included = split_inclusions(text)      # "连上年结转一起算": likewise
        plans = make_plans(text, cat, ctx, self.search)
        if conv.context.topic and not scope.mentions and all(not p.items for p in plans) and asks_of_last(text):
            # "按在编人数算，人均多少？" after "公用经费是多少": the operation applies to the last subject
            plans = make_plans(f"{subject(conv.context.topic)}，{text}", cat, ctx, self.search)
        def read(plan: Plan) -> Result:       # the reading, then what the question said beside it
            r = avoid(honour(judge(self._run(plan, cat), cat, scope.mentions), excluded, cat), negated, text, cat)
            return include(subtract_part(self._side_by_side(r, cat, ctx, scope.mentions), text, cat), included, cat)
        results = [read(p) for p in plans]
        if all(r.status != "answered" for r in results) and any(i.kind == "search" for p in plans for i in p.items):
            # the search's guess did not say the question's words: the rules' own reading (a narrative figure)
            plain = make_plans(text, cat, ctx, None)
            again = [read(p) for p in plain]
            if all(r.status == "answered" for r in again):
                plans, results = plain, again
        model_notes, model_options = [], []
        if (self.llm_planner is not None and plans[0].status == "answered"
                and all(r.status != "answered" for r in results)):
            reading = self.llm_planner.read(text, cat, plans, self.search)   # app/answer/llm.py
            model_notes, model_options = reading.notes, reading.options
            if reading.plans:             # the model's reading goes through the same coverage check
                plans = reading.plans
                results = [read(p) for p in plans]
        answer = compose(question, results, cat)
        if answer.status != "answered" and not is_bare(text):
            answer = self._against_last_year(question, text, plans, ctx, conv, info, docs, cat) or answer
        if model_options and answer.status != "answered":     # the model's reading, offered as a question
            from app.answer.llm import model_clarify
            answer = model_clarify(question, info.doc_id, model_options)
        answer.notes += [n for n in model_notes if n not in answer.notes]
        if self.llm_planner is not None and answer.status == "answered" and self.llm_planner.phrase_enabled:
            answer = self.llm_planner.phrase(answer)
        last = next((p for p in reversed(plans) if p.items), None)
        own = any(p.items and p.items != ctx.items for p in plans)
        keep = not own and asks_of_last(text)          # "为啥增这么多" keeps the subject
        topic = conv.context.topic if keep and conv.context.topic else topic_of(" ".join(p.text for p in plans))
        _remember(conv, info.doc_id, last.items if last else (), last.op if last else plans[-1].op, topic)
        return answer

    def _against_last_year(self, question: str, text: str, plans, ctx: Context, conv: Conversation,
                           info: DocumentInfo, docs, cat) -> Answer | None:
        """A change from last year that one document does not state ("比上年多了多少", or "少了多少？"
        after moving between a unit's two consecutive years, either way): the later document against
        the one before, and the narrative's reason when the question also asks why."""
        own = next((p.items for p in plans if p.items), ())
        items = ctx.items if own in ((), ctx.items) else ()       # the last subject, asked again
        moved = self._moved_a_year(conv, info, docs) if items else None
        asked = (any(p.op == "yoy" for p in plans) and asks_change_from_last_year(text)) or \
            (moved is not None and any(p.op in ("yoy", "diff", "compare") for p in plans))
        if not asked:
            return None
        later = moved or info
        answer = self._last_year_loaded(question, text, items, later, docs)
        if answer is not None and answer.status == "answered" and items and OP_PATTERNS["why"].search(text):
            answer = self._why_too(answer, f"{subject_item(items)}{text}", later)     # "少了多少？为啥？"
        return answer

    def _last_year_loaded(self, question: str, text: str, items, info: DocumentInfo, docs) -> Answer | None:
        """"比上年多了多少" that the document's narrative does not state: the unit's document of the
        year before, when it is loaded, gives the other figure (each cited to its own document)."""
        prev = next((d for d in docs if d.unit_key == info.unit_key and d.year == info.year - 1
                     and d.kind == info.kind), None)
        if prev is None:
            return None
        asked = f"{subject_item(items)}{without_last_year(text)}" if items else text
        return across_years(question, asked, info, prev, self.store)

    def _side_by_side(self, result: Result, cat, ctx: Context, mentions) -> Result:
        """A comparison whose sides one reading did not explain ("三公表里的会议费比基本支出里的会议费
        多多少"): each side read as a look-up of its own; the difference of the two figures when
        each side reads as exactly one."""
        sides = result.extra.get("sides") if result.status == "clarify" else None
        if not sides or len(sides) != 2:
            return result
        cells = []
        for side in (sides[0], COMPARED_BY.sub("", sides[1])):
            plans = make_plans(f"{side}是多少", cat, ctx, None)
            read = [judge(self._run(p, cat), cat, mentions) for p in plans]
            if len(read) != 1 or read[0].status != "answered" or read[0].plan.op != "lookup" \
                    or len(read[0].figures) != 1 or not read[0].figures[0].cells:
                return result
            ref = read[0].figures[0].cells[0]
            cells.append((f"{read[0].figures[0].label.strip('·')}（{ref.table}）", ref))
        if cells[0][1] == cells[1][1]:
            return result
        items = tuple(Item(label, (ref,), "column") for label, ref in cells)     # named as the sides were
        return execute(replace(result.plan, items=items), cat)

    def _why_too(self, answer: Answer, text: str, info: DocumentInfo) -> Answer:
        """A two-year answer with the narrative's reason, for the items the question names."""
        cat = catalog_for(self.store.load(info.doc_id))
        items = next((p.items for p in make_plans(text, cat, Context(info.doc_id), None) if p.items), ())
        return self._with_reason(answer, items, text, cat) if items else answer

    def _with_reason(self, answer: Answer, items, text: str, cat) -> Answer:
        """The narrative's reason for the change, added to a two-year answer that was also asked why."""
        why = judge(self._run(Plan("why", cat.doc.doc_id, items, words=text, text=text), cat), cat)
        if why.status != "answered":
            answer.notes.append("情况说明没有说明变化的原因。")
            return answer
        said = compose(answer.question, [why], cat)
        reason = said.answer.split("\n\n", 1)[-1]             # without its reading line
        return replace(answer, answer=f"{answer.answer}\n\n{reason}",
                       citations=answer.citations + [c for c in said.citations if c not in answer.citations],
                       notes=answer.notes + said.notes)

    @staticmethod
    def _moved_a_year(conv: Conversation, info: DocumentInfo, docs) -> DocumentInfo | None:
        """The later of this unit's two consecutive years that the conversation's two latest
        documents are, or None."""
        years = {d.doc_id: d for d in docs}
        seen = [years[d] for d in conv.recent[-2:] if d in years]
        if len(seen) == 2 and all(d.unit_key == info.unit_key and d.kind == info.kind for d in seen) and \
                info in seen and abs(seen[0].year - seen[1].year) == 1:
            return max(seen, key=lambda d: d.year)
        return None

    def _labels(self, docs: list[DocumentInfo]) -> frozenset[str]:
        """Row and item names of the loaded documents (a 科目 named 法院 is no unit)."""
        key = tuple(sorted((d.doc_id, d.sha256) for d in docs))
        if self._label_key != key:
            labels: set[str] = set()
            for d in docs:
                labels |= {lab for lab in catalog_for(self.store.load(d.doc_id)).entries if not lab.isdigit()}
            self._label_key, self._label_set = key, frozenset(labels)
            self._name_set = self._label_set | {d.org for d in docs if d.org}
        return self._label_set

    def _names(self, docs: list[DocumentInfo]) -> frozenset[str]:
        """Row, item and unit names of the loaded documents: what a word typed by sound may be."""
        self._labels(docs)
        return self._name_set

    def _context(self, ctx: Context, doc_id: str, cat, new_unit: bool) -> Context:
        """What this turn may inherit: the same document's context; in another document, the last
        question's items read again there (its operation only when no new unit was named)."""
        if ctx.doc_id == doc_id or not ctx.topic:
            return ctx if ctx.doc_id == doc_id else Context(doc_id)
        earlier = make_plans(ctx.topic, cat, Context(doc_id), None)
        items = next((p.items for p in reversed(earlier) if p.items), ())
        return Context(doc_id, items, None if new_unit else ctx.op, ctx.topic)

    def _scope_answer(self, question: str, q: str, scope, docs: list[DocumentInfo]) -> Answer:
        if scope.status == "refused":
            return Answer(question, "refused", scope.reason)
        labels = {d.doc_id: d for d in docs}
        rest = topic_of(_without(q, scope.mentions)) or q
        options = [f"{labels[c].org}{labels[c].year}年{labels[c].scope}{labels[c].kind}：{rest}"
                   for c in scope.candidates[:MAX_OPTIONS]]
        listed = "\n".join(f"- {escape_markdown(labels[c].label)}" for c in scope.candidates)
        return Answer(question, "clarify", f"{scope.reason}已导入的文档有：\n{listed}",
                      notes=[f"candidates: {', '.join(scope.candidates)}"], options=options)

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
