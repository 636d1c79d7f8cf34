"""Example questions drawn from the loaded documents: common budget questions, kept only when the
engine answers them from that document (so a click always gives an answer), with the unit's name
in the question once several documents are loaded. Cached per set of documents.
"""
from __future__ import annotations

import threading

MAX_EXAMPLES = 6
QUESTIONS = ("公务用车运行费是多少？", "基本支出包括哪些项目？", "人员经费和公用经费分别是多少？",
             "支出最多的三个项目是什么？", "人员经费占基本支出的比重是多少？", "三公经费是多少？",
             "项目支出是多少？", "住房公积金是多少？", "机关运行经费是多少？", "收入总计是多少？")
ACROSS = ("哪个单位的三公经费最高？", "哪个单位的公务接待费最高？", "哪个单位的基本支出最多？")
PER_DOCUMENT = 2          # with several documents: examples per document

_cache: dict[tuple, list[tuple[str, str]]] = {}
_lock = threading.Lock()


def _answers(service, question: str, doc_id: str | None = None, expect: str | None = None) -> bool:
    """Does the engine answer ``question`` (from ``expect``, when given) in a new conversation?"""
    from app.answer.engine import Conversation
    try:
        a = service.ask(question, doc=doc_id, conversation=Conversation())
    except Exception:            # noqa: BLE001 — an example that fails is simply not offered
        return False
    return a.status == "answered" and (expect is None or a.doc == expect)


def _first(candidates, n: int) -> list:
    out = []
    for question, ok in candidates:
        if len(out) >= n:
            break
        if ok():
            out.append(question)
    return out


def example_questions(service) -> list[tuple[str, str]]:
    """[(question, doc id or "")]: up to six questions the engine answers from the loaded documents."""
    docs = service.documents()
    key = tuple((d.doc_id, d.sha256) for d in docs)
    with _lock:
        if key in _cache:
            return _cache[key]
    out: list[tuple[str, str]] = []
    if len(docs) == 1:
        only = docs[0].doc_id
        out = [(q, "") for q in _first(((q, lambda q=q: _answers(service, q, only, only)) for q in QUESTIONS),
                                       MAX_EXAMPLES)]
    elif docs:
        per = max(1, min(PER_DOCUMENT, (MAX_EXAMPLES - 1) // len(docs)))
        for k, d in enumerate(docs):          # each document starts at another question: variety
            turned = QUESTIONS[2 * k % len(QUESTIONS):] + QUESTIONS[:2 * k % len(QUESTIONS)]
            mine = ((f"{d.org}的{q}", lambda q=f"{d.org}的{q}", d=d: _answers(service, q, None, d.doc_id))
                    for q in turned)
            out += [(q, "") for q in _first(mine, per)]
        across = next((q for q in ACROSS if _answers(service, q)), None)
        out = out[:MAX_EXAMPLES - 1] + ([(across, "")] if across else [])
    with _lock:
        _cache[key] = out
    return out
