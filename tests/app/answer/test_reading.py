"""The reading gate (app/answer/reading.py, coverage.py): a question's one qualifier (a column, a
sub-row, a table, an operation) is read, and a reading that drops it is not answered.

Each case asks a question whose answer depends on one qualifier word, checks that the engine's
reading uses it (the right cell, coverage complete), then takes the same reading with the
qualifier's handling dropped (the wider cell, the other table, no operation) and checks that the
gate turns it into a clarification that names the dropped word — never the wider figure.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from app.answer.catalog import CellRef, catalog_for
from app.answer.coverage import check
from app.answer.figures import Figure, Result
from app.answer.normalize import normalise_question
from app.answer.plan import Context, make_plans
from app.answer.reading import judge

DOC = "hejing-shebao-2025"


@pytest.fixture(scope="module")
def cat(engine):
    return catalog_for(engine.store.load(DOC))


def read(engine, cat, question: str) -> tuple[str, Result]:
    """The engine's reading of ``question`` before the gate: (the question part, its result)."""
    plans = make_plans(normalise_question(question), cat, Context(DOC))
    assert len(plans) == 1
    return plans[0].text or plans[0].words, engine._run(plans[0], cat)


def cell(cat, table: str, row: str, column: str) -> CellRef:
    t = cat.doc.table(table)
    r = next(i for i, x in enumerate(t.rows) if x.name == row)
    c = next(i for i, x in enumerate(t.columns) if x.split("/")[-1] == column)
    return CellRef(table, r, c)


def reading_at(result: Result, cat, ref: CellRef) -> Result:
    """The same result as if it had read the cell ``ref`` instead (the qualifier's handling dropped)."""
    t = cat.doc.table(ref.table)
    value = t.rows[ref.row].values[ref.column]
    return replace(result, figures=[Figure(t.rows[ref.row].name, value, cat.doc.unit, (ref,))], cited_cells=[ref])


# question, the cell its qualifier selects, the cell a reading without the qualifier would give, the word
CASES = {
    "column": ("社会保障和就业支出中基本支出是多少", ("表3", "社会保障和就业支出", "基本支出"),
               ("表3", "社会保障和就业支出", "合计"), "基本支出"),
    "sub-row": ("工资福利支出里的基本工资是多少", ("表6", "基本工资", "合计"),
                ("表6", "工资福利支出", "合计"), "基本工资"),
    "table": ("财政拨款支出中社会保障和就业支出是多少", ("表4", "社会保障和就业支出", "小计"),
              ("表3", "社会保障和就业支出", "合计"), "财政拨款"),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_a_qualifier_is_read_and_dropping_it_asks_back(engine, cat, kind):
    question, right, wider, word = CASES[kind]
    text, result = read(engine, cat, question)
    right_ref, wider_ref = cell(cat, *right) if kind != "table" else None, cell(cat, *wider)
    if right_ref is not None:
        assert result.cited_cells == [right_ref]
    else:                                   # 财政拨款: a cell of the 财政拨款 table, not 表3's
        assert [c.table for c in result.cited_cells] == ["表4"]
    assert check(text, result, cat).ok
    assert judge(result, cat).status == "answered"

    dropped = reading_at(result, cat, wider_ref)
    cov = check(text, dropped, cat)
    assert not cov.ok and any(word in w for w in cov.named_elsewhere + cov.unexplained)
    judged = judge(dropped, cat)
    wide_value = cat.doc.table(wider_ref.table).rows[wider_ref.row].values[wider_ref.column]
    assert all(f.value != wide_value for f in judged.figures)        # never the wider figure
    if judged.status == "answered":          # the gate found the qualified cell again by itself
        assert set(result.cited_cells) <= set(judged.cited_cells)
        assert [f.value for f in judged.figures] == [f.value for f in result.figures]
    else:
        assert judged.status == "clarify" and word in judged.reason


def test_an_operation_not_applied_asks_back(engine, cat):
    text, result = read(engine, cat, "基本支出比项目支出多多少")
    assert result.plan.op == "diff" and result.figures[-1].value == Decimal("216.12")
    assert check(text, result, cat).ok and judge(result, cat).status == "answered"

    inputs = result.figures[:2]             # both figures, the difference dropped
    dropped = replace(result, plan=replace(result.plan, op="multi"), figures=inputs, calculation=None)
    cov = check(text, dropped, cat)
    assert cov.missing_ops == ("diff",)
    judged = judge(dropped, cat)
    assert judged.status == "clarify" and judged.figures == [] and "多多少" in judged.reason


# ── the coverage check on its own ────────────────────────────────────────────────────────────────

def test_coverage_explains_filler_unit_and_labels(cat):
    ref = cell(cat, "表3", "社会保障和就业支出", "基本支出")
    result = reading_at(Result(make_plans("社会保障和就业支出基本支出", cat, Context(DOC))[0]), cat, ref)
    assert check("请问和静县社会保险中心2025年社会保障和就业支出中的基本支出是多少？", result, cat).ok


def test_coverage_names_a_word_of_the_document_the_reading_does_not_use(cat):
    ref = cell(cat, "表3", "社会保障和就业支出", "合计")
    result = reading_at(Result(make_plans("社会保障和就业支出", cat, Context(DOC))[0]), cat, ref)
    cov = check("社会保障和就业支出中项目支出是多少", result, cat)
    assert "项目支出" in cov.named_elsewhere and not cov.ok


def test_coverage_lists_a_word_the_document_does_not_know(cat):
    ref = cell(cat, "表3", "社会保障和就业支出", "合计")
    result = reading_at(Result(make_plans("社会保障和就业支出", cat, Context(DOC))[0]), cat, ref)
    cov = check("社会保障和就业支出中无人机采购是多少", result, cat)
    assert cov.named_elsewhere == () and any("无人机" in w for w in cov.unexplained)


def test_coverage_wants_the_operation_the_question_names(cat):
    ref = cell(cat, "表3", "社会保障和就业支出", "合计")
    result = reading_at(Result(make_plans("社会保障和就业支出", cat, Context(DOC))[0]), cat, ref)
    assert check("社会保障和就业支出占总支出的比重", result, cat).missing_ops == ("share",)


@pytest.mark.parametrize("question, values", [
    ("人员经费比公用经费多多少？", ["280.40", "11.33", "269.07"]),
    ("基本支出和项目支出比较，哪个多？", ["291.73", "75.61", "216.12"]),      # 比较 is no "A比B"
    ("基本支出与项目支出相比哪个多？", ["291.73", "75.61", "216.12"]),
])
def test_each_side_of_a_comparison_is_read_by_its_own_figure(engine, question, values):
    a = engine.ask(question, doc=DOC)
    assert a.status == "answered", a.answer
    assert [str(v.value) for v in a.values] == values


def test_a_side_its_figure_does_not_explain_is_asked_back(engine):
    """"社保支出里的基本支出比项目支出里的工资福利支出多多少": the second side names a sub-row of
    another table; a reading that compares with the 项目支出 total is not answered."""
    a = engine.ask("一般公共预算基本支出里的公用经费比项目支出里的工资福利支出多多少？", doc=DOC)
    assert a.status != "answered" or "75.61" not in [str(v.value) for v in a.values], a.answer


def test_a_document_edited_in_memory_gets_its_own_catalog(sample_doc):
    """Same id and file hash, other content (the audit's tests edit documents so): the catalog and
    the coverage check's derived data are the edited document's, and the original's stay its own."""
    from app.answer.catalog import catalog_for
    from app.answer.coverage import named_in
    original = catalog_for(sample_doc)
    edited_doc = replace(sample_doc, sections=(), tables=sample_doc.tables[:1])
    edited = catalog_for(edited_doc)
    assert edited is not original and edited.doc is edited_doc and not edited.facts
    assert named_in(edited, "公务用车运行费") == [] and named_in(original, "公务用车运行费") == ["公务用车运行费"]
    assert catalog_for(sample_doc).facts == original.facts
