"""Run gold question sets through the engine and write the results (what `budgetqa eval` does).

    questions = load_questions(paths)
    run = run_questions(questions, engine)        # one engine, models loaded once
    run.report.right, run.report.total; run.answers[qid] → the answer contract
    print(summary_text(run)); write_answers(path, run); write_report(path, run)
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from eval.score import (RIGHT, EvalReport, GoldFileError, Question, load_questions,  # noqa: F401
                        score_answer)

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


@dataclass
class EvalRun:
    questions: list[Question]
    report: EvalReport
    answers: dict[str, dict] = field(default_factory=dict)     # id → answer contract
    seconds: dict[str, float] = field(default_factory=dict)    # id → answer latency
    errors: dict[str, str] = field(default_factory=dict)       # id → exception raised by the engine

    @property
    def ok(self) -> bool:
        return self.report.right == self.report.total


def error_answer(question: str, error: Exception) -> dict:
    return {"question": question, "status": "error", "answer": f"{type(error).__name__}: {error}",
            "values": [], "citations": [], "calculation": None, "verified": False, "notes": [],
            "doc": "", "chart": None}


def run_questions(questions: list[Question], engine, progress=None) -> EvalRun:
    """Ask every question and score it: a question on its own in a fresh conversation with its
    document picked; a turn of a gold conversation in that conversation, with no document picked.
    ``progress(i, n, score)``."""
    from app.answer.engine import Conversation
    run = EvalRun(questions, EvalReport())
    chats: dict[str, Conversation] = {}
    for i, q in enumerate(questions, 1):
        start = time.perf_counter()
        try:
            if q.conversation:
                chat = chats.setdefault(q.conversation, Conversation())
                answer = engine.ask(q.question, conversation=chat).to_dict()
            else:
                answer = engine.ask(q.question, doc=q.doc).to_dict()
        except Exception as e:          # one broken answer must not stop the evaluation
            answer = error_answer(q.question, e)
            run.errors[q.id] = answer["answer"]
        run.seconds[q.id] = time.perf_counter() - start
        run.answers[q.id] = answer
        s = score_answer(q, answer)
        run.report.scores.append(s)
        if progress:
            progress(i, len(questions), s)
    return run


def ensure_documents(questions: list[Question], store) -> list[str]:
    """Ingest the shipped sample for a question's document missing from the store; an unknown
    document that is not a sample is an error naming the question. Returns the doc ids ingested."""
    from app.library import ingest_paths
    have = {d.doc_id for d in store.documents()}
    added = []
    for q in questions:
        if not q.doc or q.doc in have:
            continue
        sample = SAMPLES / f"{q.doc}.txt"
        if not sample.is_file():
            raise GoldFileError(q.file, q.line, f"document '{q.doc}' of question {q.id} is not ingested "
                                f"(budgetqa ingest FILE first); ingested: {', '.join(sorted(have)) or 'none'}")
        for r in ingest_paths([str(sample)], store):
            if r.status == "failed":
                raise GoldFileError(q.file, q.line, f"ingesting {sample} failed: {r.error}")
        have.add(q.doc)
        added.append(q.doc)
    return added


# ── output ───────────────────────────────────────────────────────────────────────────────────────

def _values(answer: dict) -> str:
    vs = answer.get("values") or []
    return "、".join(f"{v.get('value')} {v.get('unit', '')}".strip() for v in vs) or "—"


def why(q: Question, s, answer: dict) -> str:
    """One line saying what went wrong."""
    if s.outcome in ("not_refused", "wrong_status") or (s.outcome == "missed" and s.status != "answered"):
        return f"expected {s.expected_status}, got {s.status}"
    parts = []
    if s.missing_values:
        parts.append("expected " + "、".join(f"{v.text} {v.unit}" for v in s.missing_values)
                     + f"; got {_values(answer)}")
    if not s.cites_ok:
        got = sorted({c.get("table", "") or "¶" for c in answer.get("citations") or []})
        parts.append(f"cites none of {'/'.join(q.expect.cites)} (cited {', '.join(got) or 'nothing'})")
    if not s.text_ok:
        parts.append(f"text has none of {'/'.join(q.expect.text_any)}")
    return "; ".join(parts)


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "-"


def summary_text(run: EvalRun, show_wrong: int = 50) -> str:
    r = run.report
    refused_right, refused_total = r.refusals()
    lines = [f"{r.right}/{r.total} right ({_pct(r.right, r.total)})",
             f"wrong figures stated: {r.wrong_figures}"
             + (f" ({r.wrong_figures_on_refusals} where a refusal was expected)" if r.wrong_figures_on_refusals else ""),
             f"refusals right: {refused_right}/{refused_total}",
             "answers: " + ", ".join(f"{k} {v}" for k, v in r.statuses().items()),
             "outcomes: " + ", ".join(f"{k} {v}" for k, v in r.outcomes().items() if v)]
    if run.errors:
        lines.append(f"engine errors: {len(run.errors)}")
    lines.append("by kind:")
    width = max((len(k) for k in r.by_kind()), default=4)
    lines += [f"  {k:<{width}}  {a:>3}/{t:<3} {_pct(a, t):>6}" for k, (a, t) in r.by_kind().items()]
    qs = {q.id: q for q in run.questions}
    wrong = r.wrong
    if wrong:
        lines.append(f"wrong ({len(wrong)}):")
        for s in wrong[:show_wrong]:
            lines.append(f"  {s.id} [{s.outcome}] {qs[s.id].question} — {why(qs[s.id], s, run.answers[s.id])}")
        if len(wrong) > show_wrong:
            lines.append(f"  … and {len(wrong) - show_wrong} more (see --report)")
    return "\n".join(lines)


def write_answers(path: str | Path, run: EvalRun) -> None:
    """One JSON line per question: its id, then the whole answer contract."""
    with open(path, "w", encoding="utf-8") as f:
        for q in run.questions:
            f.write(json.dumps({"id": q.id, **run.answers[q.id]}, ensure_ascii=False) + "\n")


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def report_markdown(run: EvalRun) -> str:
    r = run.report
    refused_right, refused_total = r.refusals()
    files = sorted({q.file for q in run.questions})
    out = ["# budgetqa eval", "", f"Question files: {', '.join(files)}", "",
           f"- right: **{r.right}/{r.total}** ({_pct(r.right, r.total)})",
           f"- wrong figures stated: **{r.wrong_figures}** ({r.wrong_figures_on_refusals} where a refusal was expected)",
           f"- refusals right: {refused_right}/{refused_total}",
           "- outcomes: " + ", ".join(f"{k} {v}" for k, v in r.outcomes().items()), "",
           "## By kind", "", "| kind | right | total | rate |", "|---|---:|---:|---:|"]
    out += [f"| {k} | {a} | {t} | {_pct(a, t)} |" for k, (a, t) in r.by_kind().items()]
    out += ["", "## Every question", "",
            "| id | kind | outcome | question | answer values | cited | what went wrong | ms |",
            "|---|---|---|---|---|---|---|---:|"]
    qs = {q.id: q for q in run.questions}
    for s in r.scores:
        a = run.answers[s.id]
        cited = ", ".join(sorted({c.get("table", "") or "¶" for c in a.get("citations") or []}))
        out.append(f"| {s.id} | {s.kind} | {'✓' if s.right else s.outcome} | {_cell(qs[s.id].question)} | "
                   f"{_cell(_values(a))} | {cited} | {_cell('' if s.right else why(qs[s.id], s, a))} | "
                   f"{run.seconds.get(s.id, 0) * 1000:.0f} |")
    return "\n".join(out) + "\n"


def write_report(path: str | Path, run: EvalRun) -> None:
    Path(path).write_text(report_markdown(run), encoding="utf-8")


def evaluate(paths, engine, progress=None) -> EvalRun:
    """Load the gold files (refusing bad ones), make sure their documents are in the engine's store,
    and run them."""
    questions = load_questions(paths)
    ensure_documents(questions, engine.store)
    return run_questions(questions, engine, progress)
