"""Indexing and the shared searcher: what the CLI, the ingest step and the answer engine call.

    index_documents(settings, store, doc_ids=None, rebuild=False) -> IndexReport
    searcher(settings) -> HybridIndex        # cached per process; .search(query, k=5, filters=None)

Indexing is incremental and idempotent: chunk ids hash content + metadata, so only new chunks are
embedded (in batches), chunks of a re-indexed document whose ids are gone are deleted, and a second
run changes nothing. The collection records the embedding model; another model raises
``IndexMismatch`` unless ``rebuild=True``.
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
    no longer in the store are removed). ``progress``: tqdm bar (None: only for long runs);
    ``on_progress(done, total)``: called before the first batch and after each one (e.g. the web page)."""
    start = time.perf_counter()
    configure_jieba(settings.data_dir / "jieba")
    embedder = embedder_from_setting(settings.embedder)
    client = client_for(settings)
    collection = reset_collection(client, settings.embedder) if rebuild else open_collection(client, settings.embedder)
    known = [d.doc_id for d in store.documents()]
    whole = doc_ids is None or rebuild          # a rebuild re-embeds every stored document
    targets = known if whole else list(dict.fromkeys(doc_ids))
    report = IndexReport(documents=targets, embedder=embedder.name)

    if whole:                 # whole-store run: drop documents that are no longer stored
        stored_docs = {m["doc"] for m in collection.get(include=["metadatas"])["metadatas"] or []}
        for gone in stored_docs - set(known):
            report.deleted += _delete(collection, collection.get(where={"doc": gone}, include=[])["ids"])

    pending: list[Chunk] = []
    for doc_id in targets:
        chunks = chunk_document(store.load(doc_id))
        existing = set(collection.get(where={"doc": doc_id}, include=[])["ids"])
        wanted = {c.id for c in chunks}
        report.deleted += _delete(collection, sorted(existing - wanted))
        new = [c for c in chunks if c.id not in existing]
        report.unchanged += len(chunks) - len(new)
        pending += new
    report.added = _embed_and_add(collection, embedder, pending, progress, on_progress)
    report.total = collection.count()
    report.seconds = time.perf_counter() - start
    _invalidate(settings)
    return report


def _delete(collection, ids: list[str]) -> int:
    for i in range(0, len(ids), 1000):
        collection.delete(ids=ids[i:i + 1000])
    return len(ids)


def _embed_and_add(collection, embedder, chunks: list[Chunk], progress: bool | None, on_progress=None) -> int:
    if on_progress is not None:
        on_progress(0, len(chunks))
    if not chunks:
        return 0
    from tqdm import tqdm
    show = len(chunks) >= PROGRESS_FROM if progress is None else progress
    with tqdm(total=len(chunks), desc="embedding", unit="chunk", disable=not show, file=sys.stderr) as bar:
        for i in range(0, len(chunks), BATCH):
            batch = chunks[i:i + BATCH]
            vectors = embedder.embed_passages([c.text for c in batch])
            collection.add(ids=[c.id for c in batch], embeddings=[v.tolist() for v in vectors],
                           documents=[c.text for c in batch], metadatas=[c.metadata() for c in batch])
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
    Raises ``IndexMismatch`` when the index was built with another embedding model.
    """
    key = _key(settings)
    with _lock:
        current = _searchers.get(key)
        if current is not None and _unchanged(current):
            return current
        configure_jieba(settings.data_dir / "jieba")
        collection = open_collection(client_for(settings), settings.embedder)
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
