"""CI guard: no question that was answered right may go wrong.

    python -m eval.ci_check [QUESTIONS.jsonl ...] [--baseline eval/baseline.json] [--update-baseline]

Runs the question files (default: the shared dev set, when present, and eval/questions/hejing-*.jsonl)
through the engine on the shipped sample in a temporary data directory, and compares with the
baseline file (the ids answered right, sorted). Fails (exit 1) when an id of the baseline is no longer
right, or no longer exists (baseline ids are kept per question file; files not run are not checked); prints ids newly right so the baseline can be raised with
``--update-baseline`` (which refuses to drop ids unless ``--allow-lower``).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from eval.bench import DEV, GOLD

BASELINE = Path(__file__).resolve().parent / "baseline.json"


@dataclass
class Comparison:
    regressions: list[str] = field(default_factory=list)     # in the baseline, now wrong
    unknown: list[str] = field(default_factory=list)         # in the baseline, no such question
    newly_right: list[str] = field(default_factory=list)
    right: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.regressions and not self.unknown


def compare(baseline: set[str], right: dict[str, bool]) -> Comparison:
    """``right``: every question id → answered right now."""
    return Comparison(regressions=sorted(i for i in baseline if i in right and not right[i]),
                      unknown=sorted(i for i in baseline if i not in right),
                      newly_right=sorted(i for i, ok in right.items() if ok and i not in baseline),
                      right=sorted(i for i, ok in right.items() if ok))


def read_baseline(path: Path, files: list[str]) -> set[str]:
    """The ids right in the baseline, for the question files being run (matched by file name)."""
    if not path.is_file():
        return set()
    right = json.loads(path.read_text(encoding="utf-8")).get("right", {})
    names = {Path(f).name for f in files}
    return {i for name, ids in right.items() if name in names for i in ids}


def write_baseline(path: Path, result, allow_lower_ids: set[str] = frozenset()) -> None:
    """Ids right now, by file name; files of the old baseline that were not run are kept."""
    old = json.loads(path.read_text(encoding="utf-8")).get("right", {}) if path.is_file() else {}
    right: dict[str, list[str]] = {}
    for q, s in zip(result.questions, result.report.scores):
        right.setdefault(Path(q.file).name, [])
        if s.right:
            right[Path(q.file).name].append(q.id)
    merged = {**old, **{k: sorted(v) for k, v in right.items()}}
    path.write_text(json.dumps({"about": "question ids answered right, by question file; "
                                "eval/ci_check.py fails when one of them goes wrong",
                                "right": dict(sorted(merged.items()))}, ensure_ascii=False, indent=1) + "\n",
                    encoding="utf-8")


def run(files: list[str]):
    """Evaluate ``files`` on the shipped samples in a temporary data directory -> EvalRun."""
    from app.answer.engine import Engine
    from app.settings import Settings
    from eval.run import evaluate
    with tempfile.TemporaryDirectory(prefix="budgetqa-ci-") as tmp:
        return evaluate(files, Engine.from_settings(Settings.from_env(tmp)))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.ci_check", description=__doc__.split("\n\n")[0])
    p.add_argument("questions", nargs="*", help="question files (default: dev set + eval/questions/hejing-*)")
    p.add_argument("--baseline", type=Path, default=BASELINE)
    p.add_argument("--update-baseline", action="store_true", help="write the ids right now to the baseline")
    p.add_argument("--allow-lower", action="store_true", help="with --update-baseline: drop ids that went wrong")
    args = p.parse_args(argv)
    files = args.questions or [str(f) for f in ([DEV] if DEV.is_file() else []) + GOLD]
    result = run(files)
    cmp = compare(read_baseline(args.baseline, files), {s.id: s.right for s in result.report.scores})
    qs = {q.id: q for q in result.questions}
    from eval.run import why
    print(f"{result.report.right}/{result.report.total} right; baseline {args.baseline.name}: "
          f"{len(cmp.regressions)} regressions, {len(cmp.newly_right)} newly right")
    for i in cmp.regressions:
        s = next(x for x in result.report.scores if x.id == i)
        print(f"  REGRESSION {i} [{s.outcome}] {qs[i].question} — {why(qs[i], s, result.answers[i])}")
    for i in cmp.unknown:
        print(f"  UNKNOWN {i}: in the baseline but in none of the question files")
    if cmp.newly_right:
        print(f"  newly right (raise with --update-baseline): {', '.join(cmp.newly_right)}")
    if args.update_baseline:
        if not cmp.ok and not args.allow_lower:
            print("not updating: the baseline would drop ids (fix them, or pass --allow-lower)", file=sys.stderr)
            return 1
        write_baseline(args.baseline, result)
        print(f"wrote {args.baseline} ({len(cmp.right)} ids)")
        return 0
    return 0 if cmp.ok else 1


if __name__ == "__main__":
    sys.exit(main())
