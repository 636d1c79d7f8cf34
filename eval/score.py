"""Scoring answers against gold question files (design.md, "Gold question files").

A gold file has one JSON object a line: ``id``, ``question``, ``doc``, optional ``kind``, and ``expect``
with ``status`` and optional ``values`` [{value, unit}], ``cites`` [table ids] and ``text_any`` [strings].
A line with ``conversation`` (a name) is one turn of a chat: the turns sharing a name are asked in
file order as one conversation, with no document picked (the unit comes from the conversation);
their ``doc`` is the document the answer must come from (null for a turn that must be refused).

    questions = load_questions(["eval/questions/hejing-lookup.jsonl"])   # GoldFileError on bad input
    s = score_answer(questions[0], answer.to_dict())                     # -> QuestionScore
    report = EvalReport([s, ...]); report.right, report.wrong_figures, report.by_kind()

Rules:
- status must equal the expected status; for an expected refusal (or clarify) nothing else is checked;
- every expected value must appear among the answer's values after unit normalisation (元/万元/亿元
  convert; %, 人, 个, 平方米, 元/月/人 … compare as their own unit) within half of the last digit
  shown in the gold file (4.02 → ±0.005, 21400 → ±0.5, 40.00 → ±0.005);
- cites: at least one listed table is cited; text_any: the answer text contains at least one string;
- doc: an answer about one document (its ``doc``) must be about the question's document; an answer
  from another document with figures is a wrong figure whatever the figures are.

An answered question with a figure that is not the expected one is a *wrong figure stated*; it is
counted apart from refusals and answers without figures (misses).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from app.answer.contract import STATUSES
from ingest.errors import BudgetQAError

MONEY = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
UNIT_ALIASES = {"万": "万元", "亿": "亿元", "％": "%", "名": "人", "位": "人", "项": "个", "㎡": "平方米", "m2": "平方米",
                "元/人/月": "元/月/人", "元/人·月": "元/月/人"}

# outcomes of one question
RIGHT = "right"
WRONG_FIGURE = "wrong_figure"        # answered, stated a figure, but not the expected one
MISSED = "missed"                    # expected an answer; got a refusal/clarification or no figure
NOT_REFUSED = "not_refused"          # expected a refusal; got an answer
WRONG_STATUS = "wrong_status"        # e.g. clarify where a refusal was expected
INCOMPLETE = "incomplete"            # figures right, but the citation or the wording check failed
OUTCOMES = (RIGHT, WRONG_FIGURE, MISSED, NOT_REFUSED, WRONG_STATUS, INCOMPLETE)


class GoldFileError(BudgetQAError):
    """A gold question file that cannot be scored: names the file and the line."""

    def __init__(self, file: str, line: int, what: str):
        self.file, self.line, self.what = file, line, what
        super().__init__(f"{file}:{line}: {what}")


@dataclass(frozen=True)
class ExpectedValue:
    value: Decimal       # as written in the gold file (its exponent gives the tolerance)
    unit: str

    @property
    def tolerance(self) -> Decimal:
        """Half of the last digit shown: 4.02 → 0.005, 21400 → 0.5, 5 → 0.5."""
        exponent = min(self.value.as_tuple().exponent, 0)
        return Decimal(5).scaleb(exponent - 1)

    @property
    def text(self) -> str:
        return format(self.value, "f")


@dataclass(frozen=True)
class Expectation:
    status: str
    values: tuple[ExpectedValue, ...] = ()
    cites: tuple[str, ...] = ()
    text_any: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    doc: str | None
    expect: Expectation
    kind: str = ""
    file: str = ""
    line: int = 0
    conversation: str | None = None     # turns sharing a name are asked as one chat, in file order


@dataclass(frozen=True)
class QuestionScore:
    id: str
    kind: str
    expected_status: str
    status: str
    outcome: str
    missing_values: tuple[ExpectedValue, ...] = ()
    cites_ok: bool = True
    text_ok: bool = True
    figure_stated: bool = False      # the answer stated at least one figure

    @property
    def wrong_figure(self) -> bool:
        """A figure was stated where none of it was wanted: a wrong figure, or one where a refusal was due."""
        return self.outcome == WRONG_FIGURE or (self.outcome == NOT_REFUSED and self.figure_stated)

    @property
    def right(self) -> bool:
        return self.outcome == RIGHT

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "right": self.right, "outcome": self.outcome,
                "expected_status": self.expected_status, "status": self.status,
                "missing_values": [{"value": v.text, "unit": v.unit} for v in self.missing_values],
                "cites_ok": self.cites_ok, "text_ok": self.text_ok, "wrong_figure": self.wrong_figure}


@dataclass
class EvalReport:
    """The aggregate and every per-question score."""
    scores: list[QuestionScore] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.scores)

    @property
    def right(self) -> int:
        return sum(s.right for s in self.scores)

    @property
    def wrong(self) -> list[QuestionScore]:
        return [s for s in self.scores if not s.right]

    @property
    def wrong_figures(self) -> int:
        """Answers that stated a figure that is not the expected one (including answers with figures
        where a refusal was expected), apart from refusals and answers without figures."""
        return sum(s.wrong_figure for s in self.scores)

    @property
    def wrong_figures_on_refusals(self) -> int:
        return sum(s.wrong_figure and s.outcome == NOT_REFUSED for s in self.scores)

    def outcomes(self) -> dict[str, int]:
        counted = Counter(s.outcome for s in self.scores)
        return {o: counted.get(o, 0) for o in OUTCOMES}

    def statuses(self) -> dict[str, int]:
        """How the engine answered, whatever the gold wanted: answered / clarify / refused."""
        counted = Counter(s.status for s in self.scores)
        return {st: counted.get(st, 0) for st in STATUSES}

    def refusals(self) -> tuple[int, int]:
        """(right, total) over questions whose expected status is refused."""
        rs = [s for s in self.scores if s.expected_status == "refused"]
        return sum(s.right for s in rs), len(rs)

    def by_kind(self) -> dict[str, tuple[int, int]]:
        out: dict[str, list[int]] = {}
        for s in self.scores:
            r = out.setdefault(s.kind or "-", [0, 0])
            r[0] += s.right
            r[1] += 1
        return {k: (v[0], v[1]) for k, v in sorted(out.items())}

    def to_dict(self) -> dict:
        refused_right, refused_total = self.refusals()
        return {"total": self.total, "right": self.right, "wrong_figures": self.wrong_figures,
                "wrong_figures_on_refusals": self.wrong_figures_on_refusals,
                "refusals": {"right": refused_right, "total": refused_total},
                "outcomes": self.outcomes(), "statuses": self.statuses(),
                "by_kind": {k: {"right": r, "total": t} for k, (r, t) in self.by_kind().items()},
                "scores": [s.to_dict() for s in self.scores]}


# ── units ────────────────────────────────────────────────────────────────────────────────────────

def normalise_unit(unit: str) -> str:
    u = re.sub(r"\s+", "", unit or "")
    return UNIT_ALIASES.get(u, u)


def normalised(value: Decimal, unit: str) -> tuple[Decimal, str]:
    """Money in 元; every other unit as itself."""
    u = normalise_unit(unit)
    if u in MONEY:
        return value * MONEY[u], "元"
    return value, u


def to_decimal(x) -> Decimal | None:
    if isinstance(x, bool) or x is None:
        return None
    try:
        return Decimal(str(x)) if not isinstance(x, Decimal) else x
    except InvalidOperation:
        return None


def value_found(expected: ExpectedValue, answer_values: list[dict]) -> bool:
    target, unit = normalised(expected.value, expected.unit)
    tol = normalised(expected.tolerance, expected.unit)[0]
    for v in answer_values:
        got = to_decimal(v.get("value"))
        if got is None:
            continue
        got_n, got_unit = normalised(got, str(v.get("unit", "")))
        if got_unit == unit and abs(got_n - target) <= tol:
            return True
    return False


def table_key(t: str) -> str:
    return re.sub(r"\s+", "", t or "")


# ── scoring ──────────────────────────────────────────────────────────────────────────────────────

def score_answer(q: Question, answer: dict) -> QuestionScore:
    """Score one answer contract (``Answer.to_dict()``) against a question's expectation."""
    exp = q.expect
    status = answer.get("status", "")
    values = [v for v in answer.get("values") or [] if isinstance(v, dict) and to_decimal(v.get("value")) is not None]
    base = dict(id=q.id, kind=q.kind, expected_status=exp.status, status=status,
                figure_stated=status == "answered" and bool(values))
    if exp.status != "answered":
        if status == exp.status:
            return QuestionScore(**base, outcome=RIGHT)
        return QuestionScore(**base, outcome=NOT_REFUSED if status == "answered" else WRONG_STATUS)
    if status != "answered":
        return QuestionScore(**base, outcome=MISSED, missing_values=exp.values)
    if q.doc and answer.get("doc") and answer["doc"] != q.doc:     # another unit's (or year's) figures
        return QuestionScore(**base, outcome=WRONG_FIGURE if values else MISSED, missing_values=exp.values)
    missing = tuple(ev for ev in exp.values if not value_found(ev, values))
    cited = {table_key(c.get("table", "")) for c in answer.get("citations") or [] if isinstance(c, dict)}
    cites_ok = not exp.cites or bool(cited & {table_key(t) for t in exp.cites})
    text = answer.get("answer") or ""
    text_ok = not exp.text_any or any(t in text for t in exp.text_any)
    if missing:
        outcome = WRONG_FIGURE if values else MISSED
    elif not (cites_ok and text_ok):
        outcome = INCOMPLETE
    else:
        outcome = RIGHT
    return QuestionScore(**base, outcome=outcome, missing_values=missing, cites_ok=cites_ok, text_ok=text_ok)


def score_answers(questions: list[Question], answers: dict[str, dict]) -> EvalReport:
    """Score answers keyed by question id; a question without an answer counts as missed."""
    report = EvalReport()
    for q in questions:
        a = answers.get(q.id)
        report.scores.append(score_answer(q, a) if a is not None else
                             QuestionScore(q.id, q.kind, q.expect.status, "", MISSED, q.expect.values))
    return report


# ── gold files ───────────────────────────────────────────────────────────────────────────────────

def _strings(obj, key: str, file: str, n: int) -> tuple[str, ...]:
    items = obj.get(key, [])
    if not isinstance(items, list) or not all(isinstance(x, str) and x for x in items):
        raise GoldFileError(file, n, f"expect.{key} must be a list of non-empty strings")
    return tuple(items)


def parse_question(obj, file: str, n: int) -> Question:
    if not isinstance(obj, dict):
        raise GoldFileError(file, n, "each line must be a JSON object")
    for key in ("id", "question", "expect"):
        if key not in obj:
            raise GoldFileError(file, n, f"missing \"{key}\"")
    if not isinstance(obj["id"], str) or not obj["id"].strip():
        raise GoldFileError(file, n, "\"id\" must be a non-empty string")
    if not isinstance(obj["question"], str) or not obj["question"].strip():
        raise GoldFileError(file, n, "\"question\" must be a non-empty string")
    doc = obj.get("doc")
    if doc is not None and not isinstance(doc, str):
        raise GoldFileError(file, n, "\"doc\" must be a string")
    conversation = obj.get("conversation")
    if conversation is not None and (not isinstance(conversation, str) or not conversation.strip()):
        raise GoldFileError(file, n, "\"conversation\" must be a non-empty string")
    exp = obj["expect"]
    if not isinstance(exp, dict) or exp.get("status") not in STATUSES:
        raise GoldFileError(file, n, f"expect.status must be one of {', '.join(STATUSES)}")
    unknown = set(exp) - {"status", "values", "cites", "text_any"}
    if unknown:
        raise GoldFileError(file, n, f"unknown expect keys: {', '.join(sorted(unknown))}")
    raw_values = exp.get("values", [])
    if not isinstance(raw_values, list):
        raise GoldFileError(file, n, "expect.values must be a list")
    values = []
    for v in raw_values:
        num = to_decimal(v.get("value")) if isinstance(v, dict) else None
        if num is None or not isinstance(v.get("unit"), str) or not v["unit"].strip():
            raise GoldFileError(file, n, f"each expected value needs a number \"value\" and a \"unit\": {v!r}")
        values.append(ExpectedValue(num, v["unit"].strip()))
    return Question(obj["id"], obj["question"], doc, Expectation(
        exp["status"], tuple(values), _strings(exp, "cites", file, n), _strings(exp, "text_any", file, n)),
        kind=str(obj.get("kind", "")), file=file, line=n, conversation=conversation)


def load_questions(paths) -> list[Question]:
    """Every question of the files, in order; GoldFileError names the file and line of a bad one,
    and of an id used twice (within or across files)."""
    out: list[Question] = []
    seen: dict[str, tuple[str, int]] = {}
    for path in map(Path, paths):
        if not path.is_file():
            raise GoldFileError(str(path), 0, "no such file")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line, parse_float=Decimal)
            except json.JSONDecodeError as e:
                raise GoldFileError(str(path), n, f"not JSON ({e.msg})") from None
            q = parse_question(obj, str(path), n)
            if q.id in seen:
                f, m = seen[q.id]
                raise GoldFileError(str(path), n, f"duplicate id '{q.id}' (first at {f}:{m})")
            seen[q.id] = (str(path), n)
            out.append(q)
    if not out:
        raise GoldFileError(", ".join(map(str, paths)) or "(no files)", 0, "no questions")
    return out
