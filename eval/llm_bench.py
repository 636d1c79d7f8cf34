"""What the language model adds where the rules give up, measured on the gold questions.

    python -m eval.llm_server serve --model model.gguf --python LLM_VENV/bin/python --detach
    export BUDGETQA_LLM=openai:qwen05@http://127.0.0.1:8765/v1
    python -m eval.llm_bench [QUESTIONS.jsonl ...] [--data-dir DIR] [--corpus DIR] [--answers OUT.jsonl]

Runs every question of eval/questions/*.jsonl (or the files given) through the rules alone, takes
those left as clarify or refused, and asks them again with the model (a conversation's turns are
replayed in order, so follow-ups keep their context; only the selected turns are scored). Prints
how many the model's reading answers right, how many wrong figures it states (a figure where the
gold set wants another one, or wants a refusal: must be 0), how many stay clarify/refused, how often
the model was asked, was unavailable or gave no usable reading, and the latency of the model calls
(p50/p95). The documents of the questions are ingested into the data directory when missing: the
shipped sample, and PDFs named ``<doc id>.pdf`` under ``--corpus`` (default ../shared/corpus);
questions on documents found nowhere are skipped and counted.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from eval.bench import percentile
from eval.run import SAMPLES, error_answer, run_questions
from eval.score import WRONG_FIGURE, Question, load_questions, score_answer

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = sorted((ROOT / "eval" / "questions").glob("*.jsonl"))
CORPUS = ROOT.parent / "shared" / "corpus"
UNANSWERED = ("clarify", "refused")


@dataclass
class LLMBench:
    total: int = 0
    skipped: list[str] = field(default_factory=list)          # ids on documents found nowhere
    selected: list[str] = field(default_factory=list)         # ids the rules leave unanswered
    rule_status: Counter = field(default_factory=Counter)
    asked: int = 0                                            # the model was sent the question
    used: int = 0                                             # its reading was executed
    unavailable: int = 0                                      # down, slow, or a client error
    invalid: int = 0                                          # no usable reading after the retry
    retried: int = 0
    right: list[str] = field(default_factory=list)
    wrong_figures: list[str] = field(default_factory=list)
    still_unanswered: int = 0
    other: list[str] = field(default_factory=list)            # answered without a wrong figure, not right
    seconds: list[float] = field(default_factory=list)        # per model consultation
    candidates: list[int] = field(default_factory=list)
    details: dict[str, dict] = field(default_factory=dict)


def recording(planner):
    """Wrap the planner's ``read`` to keep every consultation (for the figures above)."""
    log: list = []
    original = planner.read

    def read(question, cat, rule_plans, search=None, items=None):
        out = original(question, cat, rule_plans, search, items)
        log.append((question, out))
        return out
    planner.read = read
    return log


def available_docs(questions: list[Question], store, corpus: Path, settings) -> set[str]:
    """Ingest (and index) what the questions need and can be found; the doc ids in the store."""
    from app.library import ingest_paths
    have = {d.doc_id for d in store.documents()}
    paths = []
    for doc in sorted({q.doc for q in questions if q.doc} - have):
        sample = SAMPLES / f"{doc}.txt"
        pdf = next(iter(sorted(corpus.rglob(f"{doc}.pdf"))), None) if corpus.is_dir() else None
        found = sample if sample.is_file() else pdf
        if found is not None:
            paths.append(str(found))
    added = [r.doc_id for r in ingest_paths(paths, store) if r.status in ("added", "replaced")] if paths else []
    if added or not settings.chroma_dir.exists():
        from index.service import index_documents
        index_documents(settings, store, None)
    return {d.doc_id for d in store.documents()}


def _conversation_turns(questions: list[Question], selected: set[str]) -> list[Question]:
    chats = {q.conversation for q in questions if q.id in selected and q.conversation}
    return [q for q in questions if q.id in selected or (q.conversation and q.conversation in chats)]


def run_bench(files: list[str], settings, corpus: Path, progress=None) -> LLMBench:
    from app.answer.engine import Conversation, Engine, LazySearch
    from app.answer.llm import LLMPlanner
    from app.library import open_store
    store = open_store(settings)
    questions = load_questions(files)
    docs = available_docs(questions, store, corpus, settings)
    r = LLMBench(total=len(questions))
    r.skipped = [q.id for q in questions if q.doc and q.doc not in docs]
    questions = [q for q in questions if q.id not in set(r.skipped)]
    search = LazySearch(settings)
    rules = run_questions(questions, Engine(store, settings, None, search))
    for q in questions:
        status = rules.answers[q.id]["status"]
        if status in UNANSWERED:
            r.selected.append(q.id)
            r.rule_status[status] += 1
    planner = LLMPlanner.from_setting(settings.llm)
    log = recording(planner)
    engine = Engine(store, settings, planner, search)
    chosen = set(r.selected)
    chats: dict[str, Conversation] = {}
    for q in _conversation_turns(questions, chosen):
        before = len(log)
        start = time.perf_counter()
        try:
            if q.conversation:
                answer = engine.ask(q.question, conversation=chats.setdefault(q.conversation, Conversation())).to_dict()
            else:
                answer = engine.ask(q.question, doc=q.doc).to_dict()
        except Exception as e:           # one broken answer must not stop the bench
            answer = error_answer(q.question, e)
        if q.id in chosen:
            _score(r, q, score_answer(q, answer), [x for _, x in log[before:]], answer)
            r.details[q.id]["answer_seconds"] = round(time.perf_counter() - start, 2)
            if progress:
                progress(len(r.details), len(chosen), q, r.details[q.id])
    return r


def _score(r: LLMBench, q: Question, s, consulted, answer: dict) -> None:
    consulted = [c for c in consulted if c.replies or any("未使用语言模型" in n for n in c.notes)]
    if consulted:                        # the model was sent the question (not: no candidates)
        r.asked += 1
        reading = consulted[-1]
        r.seconds.append(sum(c.seconds for c in consulted))
        r.candidates.append(len(reading.candidates))
        r.retried += any(len(c.replies) > 1 for c in consulted)
        if reading.plans:
            r.used += 1
        elif any("未使用语言模型" in n for n in reading.notes):
            r.unavailable += 1
        elif any("不能用" in n for n in reading.notes):
            r.invalid += 1
    status = answer.get("status")
    if s.right and status == "answered":
        r.right.append(q.id)
    elif s.wrong_figure or s.outcome == WRONG_FIGURE:
        r.wrong_figures.append(q.id)
    elif status in UNANSWERED:
        r.still_unanswered += 1
    else:
        r.other.append(q.id)
    r.details[q.id] = {"question": q.question, "expected": q.expect.status, "status": status,
                       "outcome": s.outcome, "values": answer.get("values"),
                       "replies": [x for c in consulted for x in c.replies],
                       "model_seconds": round(sum(c.seconds for c in consulted), 2)}


def summary(r: LLMBench, model: str) -> str:
    n = len(r.selected)
    p50, p95 = percentile(r.seconds, 0.5), percentile(r.seconds, 0.95)
    lines = [
        f"model: {model}",
        f"gold questions: {r.total} ({len(r.skipped)} skipped: their document is not available)",
        f"left as clarify/refused by the rules: {n} (clarify {r.rule_status['clarify']}, refused {r.rule_status['refused']})",
        f"  the model was asked {r.asked}; its reading was used {r.used}; no usable reading {r.invalid}; "
        f"unavailable or timed out {r.unavailable}; retried {r.retried}",
        f"  answered right with the model's reading: {len(r.right)}",
        f"  wrong figures: {len(r.wrong_figures)}" + (f" ({', '.join(r.wrong_figures)})" if r.wrong_figures else ""),
        f"  still clarify/refused: {r.still_unanswered}",
        f"  answered, no wrong figure, not right (e.g. citation or wording): {len(r.other)}"
        + (f" ({', '.join(r.other)})" if r.other else ""),
        f"model latency per question asked: p50 {p50:.1f} s, p95 {p95:.1f} s"
        + (f"; candidates sent: median {percentile(r.candidates, 0.5):.0f}" if r.candidates else ""),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.llm_bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("questions", nargs="*", help="gold files (default: eval/questions/*.jsonl)")
    ap.add_argument("--data-dir", help="data directory (default: a temporary one; BUDGETQA_HOME is not used)")
    ap.add_argument("--corpus", default=str(CORPUS), help="where to find <doc id>.pdf for the questions")
    ap.add_argument("--answers", help="write every selected question's answer and the model's replies (JSON lines)")
    ap.add_argument("--quiet", action="store_true", help="no line per question")
    args = ap.parse_args(argv)
    from app.settings import Settings
    if not os.environ.get("BUDGETQA_LLM"):
        print("llm_bench: error: BUDGETQA_LLM is not set (start a server with python -m eval.llm_server serve …)",
              file=sys.stderr)
        return 2
    files = args.questions or [str(p) for p in QUESTIONS]
    with tempfile.TemporaryDirectory(prefix="budgetqa-llm-bench-") as tmp:
        settings = Settings.from_env(args.data_dir or tmp)

        def show(i, n, q, d):
            if not args.quiet:
                print(f"[{i}/{n}] {q.id} {d['status']} ({d['outcome']}, model {d['model_seconds']} s) {q.question}",
                      flush=True)
        r = run_bench(files, settings, Path(args.corpus), progress=show)
    print(summary(r, settings.llm))
    if args.answers:
        with open(args.answers, "w", encoding="utf-8") as f:
            for qid, d in r.details.items():
                f.write(json.dumps({"id": qid, **d}, ensure_ascii=False, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
