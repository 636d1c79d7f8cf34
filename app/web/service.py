"""The engine service shared by every browser session and API request, and the built-in sample.

    service = open_service(Settings.from_env())     # ingests (and indexes) the sample when it is missing
    service.ask("公务用车运行费是多少？", doc=None, history=[...])

Requests run side by side: the engine keeps no state between calls but the ``Conversation`` each
caller passes in (its catalogs are immutable and cached, the store opens a connection per call), so
no lock is held across a request. Only an in-process llama.cpp model, which is not thread-safe,
makes requests take turns.

Each request gets a time budget (``answer_seconds``): a question that would hold the engine longer
is stopped and answered with a calm refusal. Earlier questions sent as history are replayed within
the same budget, and only the newest ``HISTORY_TURNS`` of them, ``HISTORY_CHARS`` characters at most.

Another process may ingest or re-index while the server runs. The store's generation number
(``Store.generation``) and the search index's file are checked before each request; when the
generation changed, or the index file changed and has then been quiet for ``INDEX_QUIET`` seconds
(an indexing run in progress writes it many times a second), the service builds a fresh engine
(store, catalogs, search index) and swaps it in, while requests already running finish on the old one.
"""
from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from app.answer.contract import Answer
from app.answer.engine import Conversation, Engine
from app.settings import Settings
from app.web.budget import OverBudget, within
from ingest.errors import BudgetQAError
from ingest.model import BudgetDocument

log = logging.getLogger(__name__)

SAMPLE_NAME = "hejing-shebao-2025.txt"
ANSWER_SECONDS = 10.0            # per request, history included
ANSWER_SECONDS_LLM = 120.0       # when a language model may be asked (a local one reads a prompt in ≈ 12 s)
HISTORY_TURNS = 6                # earlier questions replayed at most (the newest)
HISTORY_CHARS = 1000             # … and at most this many characters of them
INDEX_QUIET = 2.0                # seconds without writes before a changed index is reopened


class Unavailable(BudgetQAError):
    """The server's data cannot be read: its problem, not the request's (HTTP 503)."""


class StoreUnavailable(Unavailable):
    """The SQLite store cannot be read (damaged, locked, deleted)."""

    def __init__(self, path: Path, error: Exception):
        self.path = path
        super().__init__(f"the data store {path} cannot be read ({error}); check the file, or move it away "
                         f"and ingest the documents again (budgetqa ingest PATH)")


class IndexUnavailable(Unavailable):
    """The search index cannot be opened (damaged, unreadable, built with another embedding model)."""

    def __init__(self, where: str, error: Exception):
        super().__init__(f"the search index {where} cannot be opened ({error}); rebuild it with "
                         f"`budgetqa index --rebuild`")


def over_budget(question: str, seconds: float) -> Answer:
    return Answer(question, "refused", f"这个问题处理时间过长（超过 {seconds:g} 秒），已停止。"
                                       "请把问题拆短一些，或换个说法再问。", notes=["time budget exceeded"])


def recent_history(history) -> list[str]:
    """The newest earlier questions within HISTORY_TURNS and HISTORY_CHARS, oldest first."""
    kept, total = [], 0
    for q in reversed(list(history)[-HISTORY_TURNS:]):
        total += len(q)
        if total > HISTORY_CHARS:
            break
        kept.append(q)
    return kept[::-1]


class SearchIndex:
    """The hybrid search index as the engine calls it, opened when the service (re)loads: never inside a
    request's time budget, and afresh after another process changed it."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.index = None
        self.error: BudgetQAError | None = None
        if settings.chroma_url or settings.chroma_dir.exists():
            try:
                self.index = _open_index(settings)
            except BudgetQAError as e:      # e.g. built with another embedder: said when searched
                self.error = e
            except Exception as e:          # chromadb's own errors: a damaged or unreadable folder
                log.warning("search index not opened: %s", e)
                self.error = IndexUnavailable(settings.chroma_url or str(settings.chroma_dir), e)

    def __call__(self, query: str, k: int = 5, filters=None):
        if self.error is not None:
            raise self.error
        if self.index is None:
            return []
        from chromadb.errors import ChromaError
        try:
            return self.index.search(query, k=k, filters=filters)
        except ChromaError as e:
            # another process wrote the index after this request began ("Error finding id"): the next
            # request gets a reopened index; this one goes on without search (its last resort)
            log.warning("search index changed during a request (%s); answering without search", e)
            return []


def _open_index(settings: Settings):
    from index.embed import embedder_from_setting
    from index.lexical import configure_jieba
    from index.search import HybridIndex
    from index.vectors import client_for, open_collection
    if not settings.chroma_url:
        # chroma keeps one in-memory view per folder and process: forget it, or vectors another
        # process added since would stay invisible (the old view lives on with the old engine)
        from chromadb.api.shared_system_client import SharedSystemClient
        SharedSystemClient.clear_system_cache()
    configure_jieba(settings.data_dir / "jieba")
    collection = open_collection(client_for(settings), settings.embedder, create=False)
    return HybridIndex(collection, embedder_from_setting(settings.embedder)) if collection is not None else None


@dataclass
class EngineService:
    """One engine for the process, replaced when the store or the index changes."""
    engine: Engine
    settings: Settings | None = None
    answer_seconds: float | None = None      # None: ANSWER_SECONDS, or ANSWER_SECONDS_LLM with an LLM
    search_gate: Callable | None = None      # wraps each search index opened (e.g. "nothing until built")
    indexer: object | None = None            # app.web.indexing.BackgroundIndexer when indexing in the background
    _reload: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _serial: threading.Lock | None = field(default=None, repr=False)
    _seen: tuple = field(default=(), repr=False)

    def __post_init__(self):
        llm = self.settings.llm if self.settings else ""
        if self.answer_seconds is None:
            self.answer_seconds = ANSWER_SECONDS_LLM if llm else ANSWER_SECONDS
        if llm.startswith("llamacpp:"):
            self._serial = threading.Lock()
        self._seen = self._stamp()

    # ── reads ────────────────────────────────────────────────────────────────────────────────────

    def ask(self, question: str, doc: str | None = None, conversation: Conversation | None = None,
            history: list[str] = (), on_model: Callable[[], None] | None = None) -> Answer:
        """``on_model`` is called when the language model is about to be asked (the page says so)."""
        conversation = conversation if conversation is not None else Conversation()
        engine = self.current()
        history = recent_history(history)

        def answer() -> Answer:
            if on_model is not None:         # in the thread that runs the engine (a context of its own)
                from app.answer.llm import LISTENER
                LISTENER.set(on_model)
            with self._serial or nullcontext():
                for earlier in history:      # stateless clients send earlier questions to restore context
                    engine.ask(earlier, doc=doc, conversation=conversation)
                return engine.ask(question, doc=doc, conversation=conversation)
        try:
            return within(self.answer_seconds, answer)
        except OverBudget:
            log.warning("question stopped after %g s: %.80r", self.answer_seconds, question)
            return over_budget(question, self.answer_seconds)
        except sqlite3.Error as e:
            raise StoreUnavailable(engine.store.path, e) from e

    @property
    def model_seconds(self) -> float | None:
        """The most a question may wait for the language model, or None when none is configured."""
        planner = self.engine.llm_planner
        if planner is None:
            return None
        return min(float(getattr(planner, "timeout", self.answer_seconds)), float(self.answer_seconds))

    def documents(self):
        engine = self.current()
        try:
            return engine.documents()
        except sqlite3.Error as e:
            raise StoreUnavailable(engine.store.path, e) from e

    def start_indexing(self) -> None:
        """Build the search index in the background (open_service(background=True)); call it once the
        server is set up, so that building it does not slow the start."""
        if self.indexer is not None:
            self.indexer.start()

    def load(self, doc_id: str) -> BudgetDocument:
        engine = self.current()
        try:
            return engine.store.load(doc_id)
        except sqlite3.Error as e:
            raise StoreUnavailable(engine.store.path, e) from e

    # ── staying current ──────────────────────────────────────────────────────────────────────────

    def current(self) -> Engine:
        """The engine, rebuilt first when another process changed the store or the index."""
        if self.settings is None or not self._changed(self._stamp()):
            return self.engine
        if not self._reload.acquire(blocking=False):
            return self.engine          # another request is reloading: go on with what is loaded
        try:
            stamp = self._stamp()
            if self._changed(stamp):
                log.info("store or index changed (%s → %s): reloading", self._seen, stamp)
                self.engine = self._fresh_engine()
                self._seen = stamp
        finally:
            self._reload.release()
        return self.engine

    def _changed(self, stamp: tuple) -> bool:
        generation, indexed = stamp
        if generation != self._seen[0]:
            return True
        return indexed != self._seen[1] and time.time_ns() - indexed >= INDEX_QUIET * 1e9

    def _stamp(self) -> tuple:
        """(store generation, index file's modification time): changes whenever another process writes."""
        try:
            generation = self.engine.store.generation()
        except sqlite3.Error as e:
            raise StoreUnavailable(self.engine.store.path, e) from e
        index_file = self.settings.chroma_dir / "chroma.sqlite3" if self.settings else None
        try:
            indexed = index_file.stat().st_mtime_ns if index_file else 0
        except OSError:
            indexed = 0
        return generation, indexed

    def _fresh_engine(self) -> Engine:
        from app.answer import catalog
        catalog._CACHE.clear()       # keyed by (doc, file hash): a re-parse of the same file would be missed
        old = self.engine
        search = SearchIndex(self.settings)
        fresh = Engine(type(old.store)(old.store.path), self.settings, old.llm_planner,
                       self.search_gate(search) if self.search_gate else search)
        fresh.warm()
        return fresh


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


def open_service(settings: Settings, sample: bool = True, answer_seconds: float | None = None,
                 background: bool = False) -> EngineService:
    """``background``: the search index is built by ``start_indexing`` in the background, and the rules
    answer without it meanwhile (every index opened, at start or on a reload, is gated until then)."""
    try:
        engine = Engine.from_settings(settings)
        if sample:
            ensure_sample(settings, engine.store, index=not background)
        engine.search = SearchIndex(settings)      # opened now, not inside the first request's budget
        engine.warm()
    except sqlite3.Error as e:
        raise StoreUnavailable(settings.store_path, e) from e
    if not background:
        return EngineService(engine, settings, answer_seconds)
    from app.web.indexing import BackgroundIndexer
    indexer = BackgroundIndexer(settings, engine.store)
    engine.search = indexer.gate(engine.search)
    return EngineService(engine, settings, answer_seconds, search_gate=indexer.gate, indexer=indexer)
