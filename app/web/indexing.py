"""The search index, built in the background while the server already answers.

    indexer = BackgroundIndexer(settings, store)
    engine.search = indexer.gate(engine.search)     # no vector search until the index is complete
    indexer.start()                                   # prints "正在建立检索索引 120/301" as it goes
    indexer.progress()                                # → IndexProgress(state, done, total, error)

The rules answer without vectors: while the index is being built, questions are answered from the
tables alone (the hybrid search, used only for words the rules cannot link, returns nothing), so an
answer never comes from a half-built index.

``start`` builds the index in a child process with one OpenMP thread, so that embedding neither
holds this process's interpreter lock (a thread did: importing Gradio beside it took 23 s instead of
4) nor takes both cores from the server; a thread here relays its progress.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexProgress:
    state: str = "idle"          # idle | running | done | failed
    done: int = 0
    total: int = 0
    seconds: float = 0.0
    error: str = ""

    @property
    def running(self) -> bool:
        return self.state in ("idle", "running")

    def words(self) -> str:
        """The status in Chinese, for the page and the terminal."""
        if self.state == "running":
            return f"正在建立检索索引 {self.done}/{self.total}" if self.total else "正在建立检索索引"
        if self.state == "done":
            return f"检索索引已就绪（{self.total} 段）" if self.total else "检索索引已就绪"
        if self.state == "failed":          # the reason (often in English, from a library) goes to the terminal
            return "检索索引未能建立"
        return "检索索引等待建立"

    def to_dict(self) -> dict:
        return {"state": self.state, "done": self.done, "total": self.total, "seconds": round(self.seconds, 1),
                "error": self.error}


class BackgroundIndexer:
    def __init__(self, settings, store, out=None):
        self.settings, self.store = settings, store
        self.out = out if out is not None else sys.stderr
        self._progress = IndexProgress()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._started = 0.0

    def progress(self) -> IndexProgress:
        with self._lock:
            return self._progress

    def _set(self, **changes) -> IndexProgress:
        with self._lock:
            values = {**self._progress.__dict__, **changes}
            values["seconds"] = time.perf_counter() - self._started if self._started else 0.0
            self._progress = IndexProgress(**values)
            return self._progress

    def _say(self, text: str) -> None:
        try:
            print(f"budgetqa: {text}", file=self.out, flush=True)
        except (OSError, ValueError):          # a closed terminal must not stop the indexing
            pass

    def _tick(self, done: int, total: int) -> None:
        p = self._set(state="running", done=done, total=total)
        if total:
            self._say(p.words())

    def run(self, doc_ids: list[str] | None = None) -> IndexProgress:
        """Index now, in this thread (``start`` runs it in the background)."""
        self._started = time.perf_counter()
        self._set(state="running")
        try:
            from index.service import index_documents
            report = index_documents(self.settings, self.store, doc_ids, progress=False, on_progress=self._tick)
        except ModuleNotFoundError as e:
            if not (e.name or "").startswith("index"):
                raise
            return self._set(state="done")
        except Exception as e:           # noqa: BLE001 — reported on the page; the rules still answer
            log.warning("indexing failed: %s", e)
            p = self._set(state="failed", error=str(e) or type(e).__name__)
            self._say(f"{p.words()}：{p.error}")
            return p
        p = self._set(state="done", done=report.total, total=report.total)
        self._say(f"{p.words()}，用时 {p.seconds:.1f} 秒")
        return p

    def start(self, doc_ids: list[str] | None = None) -> None:
        """Index in a child process; a relay thread here keeps ``progress`` and prints it."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._started = time.perf_counter()
        self._set(state="running")
        ctx = multiprocessing.get_context("spawn")
        queue = ctx.Queue()
        proc = ctx.Process(target=_index_in_child, args=(self.settings, str(self.store.path), doc_ids, queue,
                                                         os.getpid()),
                           name="budgetqa-index", daemon=True)
        proc.start()
        self._thread = threading.Thread(target=self._relay, args=(proc, queue), name="budgetqa-index-relay",
                                        daemon=True)
        self._thread.start()

    def _relay(self, proc, queue) -> None:
        import queue as queues
        while True:
            try:
                kind, *rest = queue.get(timeout=1.0)
            except queues.Empty:
                if proc.is_alive():
                    continue
                kind, rest = "failed", [f"indexing process ended with code {proc.exitcode}"]
            if kind == "progress":
                self._tick(*rest)
                continue
            if kind == "done":
                p = self._set(state="done", done=rest[0], total=rest[0])
                self._say(f"{p.words()}，用时 {p.seconds:.1f} 秒")
            else:
                p = self._set(state="failed", error=str(rest[0]))
                self._say(f"{p.words()}：{p.error}")
            proc.join(5)
            return

    def wait(self, timeout: float | None = None) -> IndexProgress:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.progress()

    def gate(self, search):
        """``search`` that finds nothing until the index is complete (the rules answer meanwhile)."""
        if search is None:
            return None

        def gated(query: str, k: int = 5, filters=None):
            if self.progress().state != "done":
                return []
            return search(query, k=k, filters=filters)
        return gated


def _index_in_child(settings, store_path: str, doc_ids, queue, parent: int) -> None:
    """The child process: index with one OpenMP thread, report (kind, ...) tuples on ``queue``; stop
    when the server that started it is gone."""
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")

    def report_progress(done: int, total: int) -> None:
        if os.getppid() != parent:
            os._exit(0)
        queue.put(("progress", done, total))
    try:
        from index.service import index_documents
        from index.store import Store
        report = index_documents(settings, Store(Path(store_path)), doc_ids, progress=False,
                                 on_progress=report_progress)
        queue.put(("done", report.total))
    except ModuleNotFoundError as e:
        if (e.name or "").startswith("index"):
            queue.put(("done", 0))
        else:
            queue.put(("failed", str(e)))
    except Exception as e:           # noqa: BLE001 — reported on the page; the rules still answer
        queue.put(("failed", str(e) or type(e).__name__))
