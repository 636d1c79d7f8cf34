"""The optional language model, through LangChain chat models. It proposes a reading; it never
supplies a number.

``BUDGETQA_LLM`` selects it:
  openai:MODEL@BASE_URL   any OpenAI-compatible server (API key from OPENAI_API_KEY, or "none")
  ollama:MODEL            a local Ollama server (OLLAMA_HOST or http://127.0.0.1:11434)
  llamacpp:PATH.gguf      a GGUF file through llama-cpp-python (install it yourself)
``BUDGETQA_LLM_TIMEOUT`` is the whole budget of one question's model calls, in seconds (default 45);
a connection is given up after 3 s.

(1) When the rules plan a question but no figure comes of it, the model is shown the question and
a short list of candidate cells (``candidates_for``: the cells linking, close names and the hybrid
index find, each with an id, its table, row and column) and answers with JSON naming candidate ids.
The ids are validated (in the list; a column or table it names must exist; as many cells as the
operation takes); an invalid answer gets one retry with the error stated. The operation comes from
the rules' operation words (占, 比上年, 多多少 …; lookup or multi by the number of cells chosen), the
unit asked from the rules too: a 0.5B model chose operations at random. The reading becomes an
ordinary ``Plan`` over the chosen cells, noted (``MODEL_NOTE``) so the answer says a model read the
question, but only when the question's own words support it (``unsupported``: every chosen row or
cell named, a non-total column named, the name's primary table unless the table is named).
Otherwise, when the chosen rows at least read like the question's words, the reading is offered
back as a question (``ModelReading.options``, a clarify answer); else it is dropped with a note.
A server that is down, slow or talking nonsense leaves the rules' answer, and the notes say so.
(2) With ``BUDGETQA_LLM_PHRASE=1``, it rephrases the answer text; the rephrasing is kept only if
every figure in it is one of the answer's values, else the template text stays.
"""
from __future__ import annotations

import contextvars
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from app.answer.catalog import Catalog
from app.answer.contract import Answer
from app.answer.linking import Item
from app.answer.llm_reading import (  # noqa: F401  (re-exported: the engine and tests import them from here)
    MODEL_NOTE,
    MODEL_OPS,
    Candidate,
    InvalidReading,
    Proposal,
    candidate_prompt,
    candidates_for,
    model_clarify,
    option_text,
    parse_proposal,
    reading_plan,
    resembles,
    unsupported,
    validate,
)
from app.answer.normalize import apply_synonyms
from app.answer.plan import Plan
from ingest.errors import SettingsError

DEFAULT_TIMEOUT = 45.0          # seconds for all of one question's model calls
CONNECT_TIMEOUT = 3.0
MAX_TOKENS = 40                 # a reading is a short JSON object of ids


SYSTEM_PROMPT = """你把预算问题里说的项目对应到候选表格单元格。只输出一个 JSON 对象，不要回答问题，不要写任何数字。
格式：{"ids": ["c2"]}。ids 只能是候选列表里的编号，按问题中出现的顺序；要按意思选，不要总选 c1；问了几个项目就选几个；没有对应的候选就输出 {"ids": []}。
例：候选 c1 表3 合计 › 合计；c2 表6 30201 办公费 › 合计；c3 表6 30215 会议费 › 合计。问题：办工费是多少？ 输出 {"ids": ["c2"]}
例：同样的候选。问题：差旅费是多少？ 输出 {"ids": []}"""

RETRY_PROMPT = "这个回答不能用：{error}。请改正，只输出 JSON。"

# Who wants to know that the model is about to be asked (the web page's pending message says so):
# set by the caller inside the thread that runs the engine (app/web/service.py); called once a question.
LISTENER: contextvars.ContextVar = contextvars.ContextVar("budgetqa_llm_listener", default=None)

# What an answer's notes say about the model, for a mark on the page (app/web/render.py); the first
# that applies: its reading answered, its reading offered as a question, it did not answer in time,
# it could not be reached or failed, it was asked and its reading not used. No mark: it was not asked.
MODEL_PARTS = (
    ("used", (MODEL_NOTE,)),
    ("offered", ("候选问法由语言模型提出",)),
    ("slow", ("语言模型在时限内没有回答",)),
    ("unavailable", ("语言模型服务连不上", "语言模型出错")),
    ("declined", ("语言模型的解读", "语言模型也没有")),
)


def model_part(notes) -> str:
    """'used' | 'offered' | 'slow' | 'unavailable' | 'declined', or '' when the notes say the model was
    not asked (or none is configured)."""
    for part, words in MODEL_PARTS:
        if any(w in str(n) for n in notes for w in words):
            return part
    return ""


def _announce() -> None:
    listener = LISTENER.get()
    if listener is not None:
        try:
            listener()
        except Exception:            # the page's business; the question goes on
            pass


PHRASE_PROMPT = """把下面的预算问答改写得更自然、简洁，用中文。不得增加、删除或改动任何数字和单位。
原答案：{answer}
改写："""


# ── the planner ──────────────────────────────────────────────────────────────────────────────────

@dataclass
class ModelReading:
    """What asking the model gave: its plans (empty: keep the rules'), and notes for the answer."""
    plans: list[Plan] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)   # readings the question's words do not support, to offer
    candidates: list[Candidate] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    seconds: float = 0.0


def llm_timeout() -> float:
    raw = os.environ.get("BUDGETQA_LLM_TIMEOUT", "")
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError("BUDGETQA_LLM_TIMEOUT", f"'{raw}' is not a number of seconds") from None
    if value <= 0:
        raise SettingsError("BUDGETQA_LLM_TIMEOUT", f"'{raw}' must be more than 0 seconds")
    return value


def make_chat_model(setting: str, timeout: float = DEFAULT_TIMEOUT):
    """A LangChain chat model from a BUDGETQA_LLM value (constructed lazily, no call made here)."""
    kind, _, rest = setting.partition(":")
    if kind == "openai":
        model, _, base_url = rest.partition("@")
        if not model or not base_url:
            raise SettingsError("BUDGETQA_LLM", "openai needs MODEL@BASE_URL, e.g. openai:qwen2.5@http://127.0.0.1:8000/v1")
        import httpx
        from langchain_openai import ChatOpenAI
        return ChatOpenAI(model=model, base_url=base_url, api_key=os.environ.get("OPENAI_API_KEY", "none"),
                          temperature=0, timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT), max_retries=0)
    if kind == "ollama":
        from langchain_ollama import ChatOllama
        return ChatOllama(model=rest, temperature=0, client_kwargs={"timeout": timeout},
                          base_url=os.environ.get("OLLAMA_HOST", "http://127.0.0.1:11434"))
    if kind == "llamacpp":
        try:
            from langchain_community.chat_models import ChatLlamaCpp
        except ImportError as e:  # pragma: no cover - depends on the optional llama-cpp-python
            raise SettingsError("BUDGETQA_LLM", f"llamacpp needs llama-cpp-python installed ({e})") from None
        return ChatLlamaCpp(model_path=rest, temperature=0, n_ctx=4096, verbose=False)
    raise SettingsError("BUDGETQA_LLM", f"unknown kind '{kind}' (openai, ollama or llamacpp)")


def _json_mode(setting: str) -> dict:
    """Ask the server for JSON where the kind has a way to say so (a grammar in llama.cpp)."""
    kind = setting.partition(":")[0]
    if kind == "openai":
        return {"response_format": {"type": "json_object"}, "max_tokens": MAX_TOKENS}
    if kind == "ollama":
        return {"format": "json"}
    return {}


def _figures(text: str) -> set[Decimal]:
    out = set()
    for m in re.findall(r"\d+(?:\.\d+)?", text):
        try:
            out.add(Decimal(m).normalize())
        except InvalidOperation:
            pass
    return out


def _why_unavailable(e: BaseException) -> str:
    name = type(e).__name__
    if isinstance(e, (FutureTimeout, TimeoutError)) or "Timeout" in name:
        return "语言模型在时限内没有回答"
    if "Connect" in name or isinstance(e, ConnectionError):
        return "语言模型服务连不上"
    return f"语言模型出错（{name}）"


class LLMPlanner:
    def __init__(self, model, phrase: bool = False, timeout: float = DEFAULT_TIMEOUT, k: int = 16,
                 call_kwargs: dict | None = None):
        self.model = model
        self.phrase_enabled = phrase
        self.timeout = timeout
        self.k = k
        self.call_kwargs = call_kwargs or {}
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="budgetqa-llm")

    @classmethod
    def from_setting(cls, setting: str) -> "LLMPlanner":
        timeout = llm_timeout()
        return cls(make_chat_model(setting, timeout), phrase=os.environ.get("BUDGETQA_LLM_PHRASE") == "1",
                   timeout=timeout, call_kwargs=_json_mode(setting))

    def _ask(self, messages, deadline: float, **kwargs) -> str:
        """One model call, abandoned at the deadline (the call's own timeout ends its thread)."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise FutureTimeout()
        future = self._pool.submit(self.model.invoke, messages, **kwargs)
        try:
            reply = future.result(timeout=left)
        except FutureTimeout:
            future.cancel()
            raise
        return reply if isinstance(reply, str) else str(getattr(reply, "content", reply))

    def read(self, question: str, cat: Catalog, rule_plans: list[Plan], search=None,
             items: list[Item] | None = None) -> ModelReading:
        """The model's reading of a question the rules could not answer: a plan over chosen
        candidate cells, or no plan and a note saying why."""
        start = time.monotonic()
        out = ModelReading(candidates=candidates_for(question, cat, search, self.k, items=items))
        if not out.candidates:
            out.notes.append("语言模型没有被询问：问题中的说法在表格中找不到候选项目。")
            return out
        base = rule_plans[0] if rule_plans else Plan("lookup", cat.doc.doc_id)
        if base.op not in MODEL_OPS:         # narrative facts, counts, reasons: no cell answers them
            out.notes.append("语言模型没有被询问：问题问的是情况说明中的内容，不是表格单元格。")
            return out
        forced = base.op if base.op not in ("lookup", "multi") else None    # the rules' operation words
        messages = [("system", SYSTEM_PROMPT),
                    ("human", candidate_prompt(question, out.candidates, cat, base.op, fixed=bool(forced)))]
        deadline = start + self.timeout
        _announce()
        try:
            for attempt in (1, 2):
                reply = self._ask(messages, deadline, **self.call_kwargs)
                out.replies.append(reply)
                try:
                    proposal = parse_proposal(reply)
                    proposal.op = forced or ("multi" if len(set(proposal.ids)) > 1 else "lookup")
                    cells = validate(proposal, out.candidates, cat)
                except InvalidReading as e:
                    if attempt == 2:
                        out.notes.append(f"语言模型的解读不能用（{e}），本回答未采用。")
                        break
                    messages += [("ai", reply), ("human", RETRY_PROMPT.format(error=e))]
                    continue
                why = unsupported(cells, apply_synonyms(question, cat.labels()), cat) if cells else ""
                if not cells:
                    out.notes.append("语言模型也没有在候选项目中找到问题所问的内容。")
                elif why and resembles(cells, question, cat):
                    out.options.append(option_text(cells, cat))
                    out.notes.append(f"语言模型的解读（{out.options[-1].removesuffix('是多少？')}）未直接采用：{why}。")
                elif why:
                    out.notes.append(f"语言模型的解读（{option_text(cells, cat).removesuffix('是多少？')}）与问题的说法"
                                     f"对不上（{why}），本回答未采用。")
                else:
                    out.plans = [reading_plan(proposal, cells, cat, base)]
                break
        except Exception as e:       # down, slow, or any client error: the rules' answer stands
            out.notes.append(f"{_why_unavailable(e)}，本回答未使用语言模型。")
        out.seconds = time.monotonic() - start
        return out

    def plan(self, question: str, cat: Catalog, rule_plans: list[Plan], search=None) -> list[Plan]:
        """The model's plans, or the rules' when it gives none (kept for older callers)."""
        return self.read(question, cat, rule_plans, search).plans or rule_plans

    def phrase(self, answer: Answer) -> Answer:
        """The model's wording, if it keeps every figure of the answer and adds none."""
        if not self.phrase_enabled:
            return answer
        _announce()
        try:
            text = self._ask(PHRASE_PROMPT.format(answer=answer.answer), time.monotonic() + self.timeout).strip()
        except Exception:
            return answer
        allowed = {v.value.normalize() for v in answer.values} | _figures(answer.answer)
        if text and _figures(text) <= allowed and {v.value.normalize() for v in answer.values} <= _figures(text) | {Decimal(0)}:
            answer.answer = text
        return answer
