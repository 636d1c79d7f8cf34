"""The project's gold sets are well-formed, and every figure they expect comes from the document:
a table cell of a cited table, a number written in the text, or a stated calculation (``calc``) whose
operands are in the document and whose result is the expected figure. A typo in a gold file fails here."""
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from eval.score import load_questions, normalised

ROOT = Path(__file__).resolve().parents[2]
GOLD = sorted((ROOT / "eval" / "questions").glob("hejing-*.jsonl"))
KINDS_NEEDED = {"lookup", "multi", "sum", "difference", "ratio", "per_person", "per_month", "unit", "ranking",
                "count", "list", "yoy", "yoy_prior", "why", "fact", "refuse_absent", "refuse_year", "refuse_unit",
                "refuse_offtopic", "refuse_injection", "colloquial", "typo", "traditional", "english", "fullwidth"}
CONSTANTS = {Decimal(x) for x in ("100", "10000", "100000000", "12")}
CALC = re.compile(r"^(?P<expr>[\d.\s+\-*/()]+)=\s*(?P<result>-?\d+(?:\.\d+)?)$")


@pytest.fixture(scope="module")
def questions():
    return load_questions(GOLD)


@pytest.fixture(scope="module")
def raw():
    """id → the JSON object as written (for the calc field)."""
    out = {}
    for f in GOLD:
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                obj = json.loads(line, parse_float=Decimal)
                out[obj["id"]] = obj
    return out


@pytest.fixture(scope="module")
def doc_numbers(sample_path):
    text = sample_path.read_text(encoding="utf-8")
    return {Decimal(n) for n in re.findall(r"\d+(?:\.\d+)?", text)}


@pytest.fixture(scope="module")
def cells(sample_doc):
    """table id → every value of the table (in its own unit)."""
    return {t.id: {v for r in t.rows for v in r.values if v is not None} for t in sample_doc.tables}


def test_gold_sets_are_well_formed_and_large_enough(questions, sample_doc):
    assert len(GOLD) >= 5 and len(questions) >= 150
    for q in questions:
        assert q.kind, f"{q.file}:{q.line}: no kind"
        assert q.doc == sample_doc.doc_id, f"{q.file}:{q.line}: doc {q.doc}"
        if q.expect.status == "answered":
            assert q.expect.values or q.expect.text_any, f"{q.file}:{q.line}: nothing to check"
    assert KINDS_NEEDED <= {q.kind for q in questions}


def test_ids_do_not_clash_with_the_dev_set(questions, shared_dir):
    load_questions([shared_dir / "eval" / "dev-questions.jsonl", *GOLD])


def test_cited_tables_exist(questions, sample_doc):
    tables = {t.id for t in sample_doc.tables}
    for q in questions:
        assert set(q.expect.cites) <= tables, f"{q.file}:{q.line}: cites {q.expect.cites}"


def _evaluate(expr: str) -> tuple[Decimal, list[Decimal]]:
    operands = [Decimal(n) for n in re.findall(r"\d+(?:\.\d+)?", expr)]
    value = eval(re.sub(r"(\d+(?:\.\d+)?)", r'Decimal("\1")', expr), {"Decimal": Decimal, "__builtins__": {}})
    return value, operands


def test_calculations_hold_and_use_figures_of_the_document(raw, doc_numbers, questions):
    by_id = {q.id: q for q in questions}
    for qid, obj in raw.items():
        for calc in obj.get("calc", []):
            m = CALC.match(calc)
            assert m, f"{qid}: calc {calc!r} is not 'expression = result'"
            value, operands = _evaluate(m["expr"])
            result = Decimal(m["result"])
            places = max(-result.as_tuple().exponent, 0)
            assert value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) == result, \
                f"{qid}: {calc} (is {value})"
            for n in operands:
                assert n in doc_numbers or n in CONSTANTS, f"{qid}: operand {n} of {calc} is not in the document"
            assert result in {v.value for v in by_id[qid].expect.values}, f"{qid}: {result} is not expected"


def test_every_expected_figure_comes_from_the_document(questions, raw, cells, doc_numbers, sample_doc):
    unit = {t.id: t.unit for t in sample_doc.tables}
    for q in questions:
        derived = {Decimal(CALC.match(c)["result"]) for c in raw[q.id].get("calc", [])}
        for v in q.expect.values:
            if v.value in derived:
                continue
            where = f"{q.file}:{q.line} ({q.id}) expects {v.text} {v.unit}"
            if q.kind in ("lookup", "multi", "list", "ranking") and v.unit in ("万元", "元", "亿元"):
                in_cell = any(normalised(v.value, v.unit) == normalised(c, unit[t]) for t in q.expect.cites
                              for c in cells[t])
                empty_cell = v.value == 0 and any(not cells[t] or t == "表10" for t in q.expect.cites)
                assert in_cell or empty_cell, f"{where}: not a cell of {'/'.join(q.expect.cites)}"
            else:
                assert v.value in doc_numbers, f"{where}: the number is not in the document"


def test_every_non_empty_row_of_every_table_is_asked(questions, sample_doc):
    """A row is covered when a question citing its table expects one of the row's figures."""
    asked = {}
    for q in questions:
        for t in q.expect.cites:
            asked.setdefault(t, set()).update(normalised(v.value, v.unit) for v in q.expect.values)
    missing = []
    for t in sample_doc.tables:
        for r in t.rows:
            figures = {normalised(v, t.unit) for v in r.values if v is not None}
            if figures and not figures & asked.get(t.id, set()):
                missing.append(f"{t.id} {r.code} {r.name}")
    assert not missing, "rows no question asks about: " + "; ".join(missing)
