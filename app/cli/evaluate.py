"""budgetqa eval / bench: score gold question sets; time ingest, indexing and answers."""
from __future__ import annotations

import sys

from app.settings import Settings


def register(sub) -> None:
    p = sub.add_parser("eval", help="score gold question files (JSONL) against the engine and print a summary")
    p.add_argument("questions", nargs="+", metavar="QUESTIONS.jsonl", help="gold question files")
    p.add_argument("--answers", metavar="OUT.jsonl", help="write one line per question: its id and the answer")
    p.add_argument("--report", metavar="REPORT.md", help="write a markdown report with every question")
    p.add_argument("--report-only", action="store_true", help="exit 0 even when questions are wrong")
    p.add_argument("--quiet", action="store_true", help="no progress dots on stderr")
    p.set_defaults(func=cmd_eval)

    b = sub.add_parser("bench", help="benchmark ingest, indexing, answer latency, memory and a generic-RAG baseline")
    b.add_argument("--questions", nargs="*", metavar="QUESTIONS.jsonl", help="question files (default: dev + gold)")
    b.add_argument("--no-baseline", action="store_true", help="skip the generic-RAG baseline (no embeddings)")
    b.add_argument("--json", action="store_true", help="print the results as JSON")
    b.set_defaults(func=cmd_bench)


def cmd_eval(args) -> int:
    from app.answer.engine import Engine
    from eval.run import evaluate, summary_text, write_answers, write_report

    engine = Engine.from_settings(Settings.from_env(args.data_dir))

    def progress(i, n, s):
        if not args.quiet:
            print("." if s.right else "x", end="\n" if i == n or i % 50 == 0 else "", file=sys.stderr,
                  flush=True)

    run = evaluate(args.questions, engine, progress)
    if args.answers:
        write_answers(args.answers, run)
    if args.report:
        write_report(args.report, run)
    print(summary_text(run))
    return 0 if run.ok or args.report_only else 1


def cmd_bench(args) -> int:
    from eval.bench import main as bench_main
    argv = []                       # always a temporary data directory: the bench never touches --data-dir
    if args.questions:
        argv += ["--questions", *args.questions]
    argv += ["--no-baseline"] if args.no_baseline else []
    argv += ["--json"] if args.json else []
    return bench_main(argv)
