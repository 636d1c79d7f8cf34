"""Indexing and the shared searcher: what the CLI, the ingest step and the answer engine call.

    index_documents(settings, store, doc_ids=None, rebuild=False) -> IndexReport
    sync_index(settings, store) -> IndexReport | None   # index what the index lacks (ingest, serve)
    index_status(settings, store) -> dict[doc_id, "ok" | "missing" | "partial" | "stale"]
    searcher(settings) -> HybridIndex        # cached per process; .search(query, k=5, filters=None)

Indexing is incremental and idempotent: chunk ids hash content + metadata, so only new chunks are
embedded (in batches), chunks of a re-indexed document whose ids are gone are deleted, and a second
run changes nothing. The collection records the embedding model; another model raises
``IndexMismatch`` unless ``rebuild=True``.

Store and index agree: every chunk records the content hash of the document it was cut from
(``doc_sha``) and how many chunks that document has (``doc_chunks``), so the index knows, per
document, which content it holds and whether all of it. A run killed between storing and indexing
(or in the middle of indexing) leaves documents the index lacks; ``sync_index`` finds and indexes
them, and ``search``/``ask`` warn about them meanwhile. A missing index, or one that cannot be
opened, raises ``IndexUnavailable`` saying what to run.
"""
from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field

from index.chunks import Chunk, chunk_document
from index.embed import embedder_from_setting
from index.lexical import configure_jieba
from index.search import HybridIndex
from index.vectors import client_for, open_collection, reset_collection
from ingest.errors import BudgetQAError, IndexUnavailable

BATCH = 64
PROGRESS_FROM = 200          # show a progress bar when at least this many chunks are to be embedded


@dataclass
class IndexReport:
    documents: list[str] = field(default_factory=list)
    added: int = 0
    deleted: int = 0
    unchanged: int = 0
    total: int = 0                 # chunks in the index afterwards
    embedder: str = ""
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"indexed {len(self.documents)} document(s) with {self.embedder}: {self.added} chunks added, "
                f"{self.deleted} removed, {self.unchanged} unchanged; {self.total} in the index "
                f"({self.seconds:.1f} s)")


def index_documents(settings, store, doc_ids: list[str] | None = None, rebuild: bool = False,
                    progress: bool | None = None, on_progress=None) -> IndexReport:
    """Index ``doc_ids`` (default, and with ``rebuild``: every stored document, and chunks of documents
    no longer in the store are removed). ``progress``: tqdm bar (None: only for long runs, on a terminal);
    ``on_progress(done, total)``: called before the first batch and after each one (e.g. the web page)."""
    start = time.perf_counter()
    configure_jieba(settings.data_dir / "jieba")
    embedder = embedder_from_setting(settings.embedder)
    client = _client(settings)
    collection = _guarded(settings, lambda: reset_collection(client, settings.embedder) if rebuild
                          else open_collection(client, settings.embedder))
    known = [d.doc_id for d in store.documents()]
    whole = doc_ids is None or rebuild          # a rebuild re-embeds every stored document
    targets = known if whole else list(dict.fromkeys(doc_ids))
    report = IndexReport(documents=targets, embedder=embedder.name)

    if whole:                 # whole-store run: drop documents that are no longer stored
        stored_docs = {m["doc"] for m in collection.get(include=["metadatas"])["metadatas"] or []}
        for gone in stored_docs - set(known):
            report.deleted += _delete(collection, collection.get(where={"doc": gone}, include=[])["ids"])

    pending: list[tuple[Chunk, dict]] = []
    for doc_id in targets:
        doc = store.load(doc_id)
        chunks = chunk_document(doc)
        stamp = {"doc_sha": doc.sha256, "doc_chunks": len(chunks)}
        got = collection.get(where={"doc": doc_id}, include=["metadatas"])
        existing = dict(zip(got["ids"], got["metadatas"] or [{}] * len(got["ids"])))
        wanted = {c.id for c in chunks}
        report.deleted += _delete(collection, sorted(set(existing) - wanted))
        restamp = [c for c in chunks if c.id in existing and
                   any((existing[c.id] or {}).get(k) != v for k, v in stamp.items())]
        for i in range(0, len(restamp), 1000):    # same chunk, the document's content changed elsewhere
            batch = restamp[i:i + 1000]
            collection.update(ids=[c.id for c in batch], metadatas=[c.metadata() | stamp for c in batch])
        new = [c for c in chunks if c.id not in existing]
        report.unchanged += len(chunks) - len(new)
        pending += [(c, stamp) for c in new]
    report.added = _embed_and_add(collection, embedder, pending, progress, on_progress)
    report.total = collection.count()
    report.seconds = time.perf_counter() - start
    _invalidate(settings)
    return report


def index_status(settings, store) -> dict[str, str]:
    """Per stored document: "ok" (all its chunks, at its stored content), "missing" (none),
    "partial" (some: an indexing run was cut short) or "stale" (chunks of an older content).
    Raises ``IndexUnavailable`` when the index is missing or cannot be opened."""
    collection = _existing_collection(settings)
    counts: dict[tuple[str, str], int] = {}
    expected: dict[tuple[str, str], int] = {}
    for meta in collection.get(include=["metadatas"])["metadatas"] or []:
        key = (meta.get("doc", ""), meta.get("doc_sha", ""))
        counts[key] = counts.get(key, 0) + 1
        expected[key] = int(meta.get("doc_chunks", 0) or 0)
    status = {}
    for info in store.documents():
        key = (info.doc_id, info.sha256)
        have = counts.get(key, 0)
        if have and have >= expected.get(key, 0) > 0:
            status[info.doc_id] = "ok"
        elif have:
            status[info.doc_id] = "partial"
        elif any(doc == info.doc_id for doc, _ in counts):
            status[info.doc_id] = "stale"
        else:
            status[info.doc_id] = "missing"
    return status


def unindexed(settings, store) -> list[str]:
    """Stored documents the index does not hold fully at their content (all of them when there is
    no index yet)."""
    try:
        status = index_status(settings, store)
    except IndexUnavailable:
        return [d.doc_id for d in store.documents()]
    return [doc for doc, state in status.items() if state != "ok"]


def sync_index(settings, store, progress: bool | None = None) -> IndexReport | None:
    """Index every stored document the index lacks or holds only in part or at an older content,
    and drop documents no longer stored; None when the index already agrees with the store."""
    try:
        status = index_status(settings, store)
    except IndexUnavailable:
        if settings.chroma_url or not store.documents():
            raise
        status = {d.doc_id: "missing" for d in store.documents()}    # first run: no index yet
    lacking = [doc for doc, state in status.items() if state != "ok"]
    if not lacking:
        return None
    return index_documents(settings, store, lacking, progress=progress)


def _client(settings):
    """A chroma client; a folder it cannot use is ``IndexUnavailable`` with the path and advice."""
    if not settings.chroma_url and not settings.chroma_dir.exists():
        _forget_clients()          # the index folder was deleted under us: chroma's cached client is stale
    try:
        return client_for(settings)
    except BudgetQAError:
        raise
    except PermissionError as e:
        raise IndexUnavailable(f"{settings.chroma_dir}: the search index cannot be written ({e.strerror}); check "
                               "the folder's permissions or choose another data directory (--data-dir or "
                               "BUDGETQA_HOME)") from None
    except Exception as e:  # noqa: BLE001 — chromadb raises many kinds for a damaged or locked folder
        raise _unavailable(settings, e) from None


def _forget_clients() -> None:
    try:
        from chromadb.api.shared_system_client import SharedSystemClient
        SharedSystemClient.clear_system_cache()
    except Exception:  # noqa: BLE001 — an older or newer chromadb without it: nothing cached to forget
        pass


def _guarded(settings, open_it):
    try:
        return open_it()
    except BudgetQAError:
        raise
    except Exception as e:  # noqa: BLE001
        raise _unavailable(settings, e) from None


def _unavailable(settings, e: Exception) -> IndexUnavailable:
    where = settings.chroma_url or settings.chroma_dir
    text = str(e).lower()
    if "readonly" in text or "read-only" in text or "permission" in text:
        advice = ("it cannot be written (a read-only folder?): check its permissions or choose another data "
                  "directory (--data-dir or BUDGETQA_HOME)")
    else:
        advice = f"it cannot be opened ({e.__class__.__name__}: {e}); run `budgetqa index --rebuild` to build it again"
    return IndexUnavailable(f"{where}: the search index {advice}")


def _existing_collection(settings):
    """The chunk collection as it is (never created here); ``IndexUnavailable`` when there is none."""
    if not settings.chroma_url and not settings.chroma_dir.exists():
        raise IndexUnavailable(f"{settings.chroma_dir}: there is no search index yet; run `budgetqa index`")
    client = _client(settings)
    collection = _guarded(settings, lambda: open_collection(client, settings.embedder, create=False))
    if collection is None:
        raise IndexUnavailable(f"{settings.chroma_url or settings.chroma_dir}: the search index holds no "
                               "collection; run `budgetqa index`")
    return collection


def _delete(collection, ids: list[str]) -> int:
    for i in range(0, len(ids), 1000):
        collection.delete(ids=ids[i:i + 1000])
    return len(ids)


def _embed_and_add(collection, embedder, chunks: list[tuple[Chunk, dict]], progress: bool | None,
                   on_progress=None) -> int:
    """Embed and add (chunk, stamp) pairs in batches; the stamp (doc_sha, doc_chunks) goes into the
    chunk's metadata, outside its id. ``on_progress(done, total)`` after each batch."""
    if on_progress is not None:
        on_progress(0, len(chunks))
    if not chunks:
        return 0
    from tqdm import tqdm
    show = len(chunks) >= PROGRESS_FROM and sys.stderr.isatty() if progress is None else progress   # no bar in logs
    with tqdm(total=len(chunks), desc="embedding", unit="chunk", disable=not show, file=sys.stderr) as bar:
        for i in range(0, len(chunks), BATCH):
            batch = chunks[i:i + BATCH]
            vectors = embedder.embed_passages([c.text for c, _ in batch])
            collection.add(ids=[c.id for c, _ in batch], embeddings=[v.tolist() for v in vectors],
                           documents=[c.text for c, _ in batch], metadatas=[c.metadata() | s for c, s in batch])
            bar.update(len(batch))
            if on_progress is not None:
                on_progress(i + len(batch), len(chunks))
    return len(chunks)


# ── the shared searcher ──────────────────────────────────────────────────────────────────────────

_searchers: dict[tuple, HybridIndex] = {}
_lock = threading.Lock()


def _key(settings) -> tuple:
    return (str(settings.data_dir), settings.chroma_url, settings.embedder)


def searcher(settings, store=None) -> HybridIndex:
    """The process-wide ``HybridIndex`` for ``settings`` (rebuilt when the index changed size).

    ``store`` is accepted for symmetry with ``index_documents``; the chunks come from the index.
    Raises ``IndexMismatch`` when the index was built with another embedding model, and
    ``IndexUnavailable`` when there is no index (``budgetqa index`` builds it) or it cannot be opened.
    """
    key = _key(settings)
    with _lock:
        current = _searchers.get(key)
        if current is not None and _unchanged(current):
            return current
        configure_jieba(settings.data_dir / "jieba")
        collection = _existing_collection(settings)
        current = HybridIndex(collection, embedder_from_setting(settings.embedder))
        _searchers[key] = current
        return current


def _unchanged(index: HybridIndex) -> bool:
    try:
        return index.collection.count() == index.count
    except Exception:            # the collection was dropped (e.g. a rebuild in another process)
        return False


def _invalidate(settings) -> None:
    with _lock:
        _searchers.pop(_key(settings), None)
