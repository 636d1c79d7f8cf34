"""Answers from 部门决算 (final accounts, issue 18): 实际支出 / 决算数 from the tables, 预算数 beside them (the
narrative's statements, the “三公” table's 预算数 column, or the same unit's 预算 of the year when loaded),
执行率 = 决算数 ÷ 预算数, the gap and its stated reason; 预算/决算 words choose the document kind; a template
is no unit's document; a 决算 question over a 预算 alone is refused with that reason.

Questions here are not those of eval/questions/juesuan-fresh.jsonl: they test the same mechanisms on other
items."""
from __future__ import annotations

from decimal import Decimal

import pytest

from app.answer.catalog import catalog_for
from app.answer.engine import Engine
from app.answer.final import answer_final, executions
from app.answer.scope import resolve_scope
from app.library import ingest_paths, open_store
from app.settings import Settings
from index.store import DocumentInfo
from ingest.model import BudgetDocument, Row, Table

D = Decimal


@pytest.fixture(scope="module")
def juesuan(shared_dir, tmp_path_factory) -> Engine:
    folder = shared_dir / "corpus" / "juesuan"
    pdfs = sorted(str(p) for p in folder.glob("*.pdf"))
    if len(pdfs) < 3:
        pytest.skip(f"the 决算 PDFs are not in {folder}")
    settings = Settings.from_env(tmp_path_factory.mktemp("juesuan-home"))
    store = open_store(settings)
    results = ingest_paths(pdfs, store)
    assert all(r.status == "added" for r in results), [r.error for r in results]
    return Engine(store, settings)


def values(answer) -> list[tuple[Decimal, str]]:
    return [(D(str(v.value)), v.unit) for v in answer.values]


def tables(answer) -> set[str]:
    return {c.table for c in answer.citations if c.table}


@pytest.mark.parametrize("question, expected, table", [
    # the issue's own example: a unit named, its 三公 决算数 (an empty 决算数 cell of a table that exists: 0)
    ("普陀区财政局2024年三公经费实际支出多少", [(D("0"), "万元")], "表7"),
    ("财政局因公出国（境）费的预算数是多少？", [(D("0"), "万元")], "表7"),
    ("财政局住房公积金的执行率是多少？", [(D("99.70"), "%")], "表5"),             # 187.19 ÷ 187.75
    ("财政局行政单位离退休决算比年初预算少了多少？", [(D("0.90"), "万元")], "表5"),   # 85.55 − 84.65
    ("社工部住房公积金完成全年预算的比例是多少？", [(D("97.68"), "%")], "表5"),      # 17.70 ÷ 18.12
    ("社会工作部事业单位医疗的全年预算数是多少？", [(D("2.29"), "万元")], None),
    ("财政局一般公共预算财政拨款基本支出是多少？", [(D("2336.91"), "万元")], "表5"),
    ("社工部2024年实际支出一共多少？", [(D("307.82"), "万元")], "表3"),
])
def test_final_accounts(juesuan, question, expected, table):
    a = juesuan.ask(question)
    assert a.status == "answered", a.answer
    assert values(a) == expected
    if table:
        assert table in tables(a)
    assert a.reading is not None and a.reading.kind == "决算"


def test_reason_is_the_statement_of_that_item(juesuan):
    a = juesuan.ask("财政局财政委托业务支出决算数小于预算数的原因是什么？")
    assert a.status == "answered" and "未能实施或未来得及支付完毕" in a.answer


def test_the_template_is_no_units_document(juesuan):
    a = juesuan.ask("2024年三公经费实际支出多少？")
    assert a.status == "clarify"
    assert "juesuan-template-2024" not in " ".join(a.notes)
    assert len(a.options) == 2


def test_another_year_is_refused(juesuan):
    assert juesuan.ask("社工部2023年的执行率是多少？").status == "refused"


def test_statements_read():
    """The narrative's statements are read from the text alone (no PDF needed)."""
    doc = BudgetDocument("x", "某局", 2024, "决算", "部门", "万元", "x.txt", "0", sections=(
        _section("3、一般公共服务支出（类）财政事务（款）信息化建设（项）。主要用于：系统维护。年初预算为135.90万元，"
                 "支出决算为135.25万元。决算数小于预算数的主要原因：项目进度调减。"),))
    (st,) = executions(doc)
    assert (st.item, st.initial, st.full, st.final, st.compared, st.reason) == (
        "信息化建设", D("135.90"), None, D("135.25"), "小于", "项目进度调减")


def _section(text):
    from ingest.model import Section
    return Section(("五、一般公共预算财政拨款支出决算情况说明",), text, 1, 1)


def _doc(kind: str, value: str, unit: str = "万元") -> BudgetDocument:
    rows = (Row("", "合计", (D(value),), "line 1", level=0),
            Row("2010601", "行政运行", (D(value),), "line 2", level=1, parent=0))
    t = Table("表5", f"一般公共预算财政拨款支出{kind}表", unit, "gpb_expenditure", ("合计",), rows, "line 1")
    return BudgetDocument(f"u-{kind}", "某局", 2024, kind, "部门", unit, "x.txt", kind, tables=(t,))


def test_rate_across_a_units_budget_and_final_accounts():
    """No statement in the 决算: the 年初预算数 is the same row of the unit's 预算 of that year, each cited."""
    final, budget = catalog_for(_doc("决算", "90")), catalog_for(_doc("预算", "1200000", "元"))
    a = answer_final("行政运行的执行率是多少？", "行政运行的执行率是多少？", final, budget)
    assert a.status == "answered" and values(a) == [(D("75.00"), "%")]         # 90 万元 ÷ 120 万元
    assert {c.doc for c in a.citations} == {"u-决算", "u-预算"}
    assert a.calculation == "90.00 ÷ 120.00 = 75.00%"
    assert answer_final("行政运行的执行率是多少？", "行政运行的执行率是多少？", final, None).status == "refused"


def _info(doc_id: str, kind: str) -> DocumentInfo:
    return DocumentInfo(doc_id, "上海市普陀区财政局", 2024, kind, "部门", "万元", f"{doc_id}.pdf", doc_id, 9)


@pytest.mark.parametrize("question, doc", [
    ("财政局2024年行政运行实际支出多少", "f"),
    ("财政局2024年行政运行决算数", "f"),
    ("财政局2024年行政运行的执行率", "f"),
    ("财政局2024年行政运行预算多少", "b"),
    ("财政局2024年一般公共预算财政拨款支出预算数", "b"),
])
def test_kind_words_choose_the_document(question, doc):
    docs = [_info("b", "预算"), _info("f", "决算")]
    assert resolve_scope(question, docs).doc_id == doc


def test_final_question_over_a_budget_alone_is_refused(engine):
    a = engine.ask("2025年培训费实际支出多少？")
    assert a.status == "refused" and "决算" in a.answer


def test_budget_beside_final_chart(juesuan):
    """An execution-rate answer carries the item's 预算数 beside its 决算数 (the page draws the bars)."""
    a = juesuan.ask("财政局住房公积金的执行率是多少？")
    assert a.chart == {"kind": "bar", "labels": ["住房公积金 年初预算数", "住房公积金 决算数"],
                       "values": [187.75, 187.19], "unit": "万元"}
    across = answer_final("行政运行的执行率是多少？", "行政运行的执行率是多少？", catalog_for(_doc("决算", "90")),
                          catalog_for(_doc("预算", "1200000", "元")))
    assert across.chart["values"] == [120.0, 90.0]
