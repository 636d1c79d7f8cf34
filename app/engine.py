"""The answer engine: question → plan → execute → compose (see app/plan.py, app/execute.py, app/compose.py).

    engine = Engine.from_settings(Settings.from_env())
    conv = Conversation()                      # one per chat session; holds scope and last item
    answer = engine.ask("公务用车运行费是多少？", conversation=conv)   # -> app.contract.Answer
    answer.to_dict()                           # the JSON contract

PROVISIONAL: a minimal exact-name look-up, to be replaced by the planner/executor.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from app.contract import Answer, Citation, Value
from app.settings import Settings
from index.store import DocumentInfo, Store


@dataclass
class Conversation:
    """State kept between turns of one conversation (the CLI session, a browser session)."""
    doc_id: str | None = None
    history: list = field(default_factory=list)   # previous plans, newest last


class Engine:
    def __init__(self, store: Store, settings: Settings | None = None):
        self.store = store
        self.settings = settings

    @classmethod
    def from_settings(cls, settings: Settings) -> "Engine":
        return cls(Store(settings.store_path), settings)

    def documents(self) -> list[DocumentInfo]:
        return self.store.documents()

    def ask(self, question: str, doc: str | None = None, conversation: Conversation | None = None) -> Answer:
        docs = self.store.documents()
        doc_id = doc or (conversation.doc_id if conversation else None) or (docs[0].doc_id if len(docs) == 1 else None)
        if doc_id is None:
            return Answer(question, "clarify", "请先选择文档：" + "、".join(d.label for d in docs))
        d = self.store.load(doc_id)
        for t in d.tables:
            for r in t.rows:
                if r.name and r.name in question and r.values[0] is not None:
                    v = r.values[0]
                    return Answer(question, "answered", f"{r.name}为 {v} {t.unit}。",
                                  [Value(r.name, v, t.unit)],
                                  [Citation(d.doc_id, t.id, t.title, r.name, t.columns[0], r.source)],
                                  verified=True, doc=d.doc_id)
        return Answer(question, "refused", "文档中没有找到相关信息。", doc=d.doc_id)
