"""The engine service shared by every browser session and API request, and the built-in sample.

    service = open_service(Settings.from_env())     # ingests (and indexes) the sample when it is missing
    service.ask("公务用车运行费是多少？", doc=None, history=[...])
"""
from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from app.answer.contract import Answer
from app.answer.engine import Conversation, Engine
from app.settings import Settings
from ingest.errors import BudgetQAError
from ingest.model import BudgetDocument

log = logging.getLogger(__name__)

SAMPLE_NAME = "hejing-shebao-2025.txt"


@dataclass
class EngineService:
    """One engine for the process; ``ask`` holds a lock because the engine is not known to be thread-safe."""
    engine: Engine
    settings: Settings | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    indexer: object | None = None          # app.web.indexing.BackgroundIndexer when indexing in the background

    def ask(self, question: str, doc: str | None = None, conversation: Conversation | None = None,
            history: list[str] = ()) -> Answer:
        conversation = conversation if conversation is not None else Conversation()
        with self.lock:
            for earlier in history:        # stateless clients send earlier questions to restore context
                self.engine.ask(earlier, doc=doc, conversation=conversation)
            return self.engine.ask(question, doc=doc, conversation=conversation)

    def documents(self):
        return self.engine.documents()

    def start_indexing(self) -> None:
        """Build the search index in the background (open_service(background=True)); call it once the
        server is set up, so that building it does not slow the start."""
        if self.indexer is not None:
            self.indexer.start()

    def load(self, doc_id: str) -> BudgetDocument:
        with self.lock:
            return self.engine.store.load(doc_id)


def sample_path() -> Path | None:
    """The built-in sample: beside the package (a source checkout) or under the working directory."""
    for root in (Path(__file__).resolve().parents[2], Path.cwd()):
        p = root / "data" / "samples" / SAMPLE_NAME
        if p.is_file():
            return p
    return None


def ensure_sample(settings: Settings, store, index: bool = True) -> str | None:
    """Ingest (and, with ``index``, index) the built-in sample unless a document with its content is
    stored; its doc id."""
    path = sample_path()
    if path is None:
        log.warning("built-in sample %s not found; serving what is stored", SAMPLE_NAME)
        return None
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    stored = {d.sha256: d.doc_id for d in store.documents()}
    if sha in stored:
        doc_id, added = stored[sha], False
    else:
        from app.library import ingest_paths
        result = ingest_paths([str(path)], store)[0]
        if result.status == "failed":
            raise BudgetQAError(f"built-in sample: {result.error}")
        doc_id, added = result.doc_id, True
    if index and (added or not settings.chroma_dir.exists()):
        try:
            from index.service import index_documents
        except ModuleNotFoundError as e:
            if not (e.name or "").startswith("index"):
                raise
        else:
            index_documents(settings, store, [doc_id])
    return doc_id


def open_service(settings: Settings, sample: bool = True, background: bool = False) -> EngineService:
    """``background``: the search index is built by ``start_indexing`` in the background, and the rules
    answer without it meanwhile."""
    engine = Engine.from_settings(settings)
    if sample:
        ensure_sample(settings, engine.store, index=not background)
    if not background:
        return EngineService(engine, settings)
    from app.web.indexing import BackgroundIndexer
    indexer = BackgroundIndexer(settings, engine.store)
    engine.search = indexer.gate(engine.search)
    return EngineService(engine, settings, indexer=indexer)
