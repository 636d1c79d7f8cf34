"""Exclusions (app/answer/exclude.py): "不含X", "除了X以外", "X那部分不算" are checked against the
reading — a figure that holds X as a part is computed without it, a figure that does not hold X is
answered as it is, and X itself (or a total whose parts the tables do not show) is not answered."""
from __future__ import annotations

from decimal import Decimal

import pytest

from app.answer.catalog import CellRef, catalog_for, contains
from app.answer.exclude import split_exclusions, split_negations
from app.answer.normalize import normalise_question

DOC = "hejing-shebao-2025"


@pytest.mark.parametrize("question, rest, excluded", [
    ("三公经费（不含会议费、培训费）是多少", "三公经费是多少", ("会议费、培训费",)),
    ("会议费（不算三公）是多少", "会议费是多少", ("三公",)),
    ("三公经费除了公务接待费以外是多少", "三公经费是多少", ("公务接待费",)),
    ("社会保障和就业支出，上级转移支付那部分不算", "社会保障和就业支出，", ("上级转移支付",)),
    ("收入总计除上年结转外是多少", "收入总计是多少", ("上年结转",)),
    # not exclusions: whether something counts, an opinion
    ("公务接待费算不算三公经费", "公务接待费算不算三公经费", ()),
    ("这笔钱不算多吧", "这笔钱不算多吧", ()),
])
def test_split_exclusions(question, rest, excluded):
    text, found = split_exclusions(normalise_question(question))
    assert found == excluded
    assert text.replace(" ", "") == rest


def ask(engine, q):
    return engine.ask(q, doc=DOC)


def value(answer, label_part: str) -> tuple[Decimal, str]:
    v = next(v for v in answer.values if label_part in v.label)
    return v.value, v.unit


@pytest.mark.parametrize("question, whole, part, rest", [
    # a column part of the 合计 column (the 基本支出 total is read where its parts are shown: 表6)
    ("基本支出（不包括人员经费）是多少", "291.73", "280.40", "11.33"),
    # a row below the total row
    ("支出总计不含社会保障和就业支出是多少", "367.34", "328.08", "39.26"),
    # a sub-row of the 人员经费 column
    ("人员经费不含基本工资是多少", "280.40", "64.29", "216.11"),
    # a top row under the table's total row, the other side of the question's wording
    ("收入总计除上年结转外是多少", "367.34", "5.73", "361.61"),
])
def test_a_part_is_taken_out_of_the_figure_that_holds_it(engine, question, whole, part, rest):
    a = ask(engine, question)
    assert a.status == "answered", a.answer
    assert a.reading.op == "exclude"
    assert [str(v.value) for v in a.values] == [whole, part, rest]
    assert a.calculation == f"{whole} − {part} = {rest} 万元"
    assert f"**{rest} 万元**" in a.answer


def test_a_figure_without_the_excluded_part_is_answered_as_it_is(engine):
    a = ask(engine, "社会保障和就业支出中基本支出那部分是多少（不要项目支出）")
    assert a.status == "answered", a.answer
    assert [str(v.value) for v in a.values] == ["252.47"]
    assert any("不含“项目支出”" in n for n in a.notes)


def test_the_excluded_thing_itself_is_not_answered(engine):
    a = ask(engine, "公务接待费（不含公务接待费）是多少")
    assert a.status == "refused"
    assert not a.values


def test_contains_reads_the_table_structure(engine):
    cat = catalog_for(engine.store.load(DOC))
    t6 = cat.doc.table("表6")
    total = next(i for i, r in enumerate(t6.rows) if r.name == "合计")
    wages = next(i for i, r in enumerate(t6.rows) if r.name == "基本工资")
    col = {c.split("/")[-1]: i for i, c in enumerate(t6.columns)}
    assert contains(cat, CellRef("表6", total, col["合计"]), CellRef("表6", total, col["人员经费"]))
    assert contains(cat, CellRef("表6", total, col["人员经费"]), CellRef("表6", wages, col["人员经费"]))
    assert not contains(cat, CellRef("表6", total, col["人员经费"]), CellRef("表6", total, col["公用经费"]))
    assert not contains(cat, CellRef("表6", wages, col["人员经费"]), CellRef("表6", total, col["人员经费"]))


@pytest.mark.parametrize("question", [
    "社会保障和就业支出里头，本级一般公共预算安排了多少？上级转移支付的那部分不算",
    "社会保障和就业支出里头，本级一般公共预算安排了多少",
])
def test_own_level_is_the_column_beside_the_transfer_one(engine, question):
    """本级 is explained only by a column of a table that also shows 上级…转移支付 (not by the
    一般公共预算 spending table, whose figure holds the transfer), and "上级转移支付" names that
    column in short."""
    a = ask(engine, question)
    assert a.status == "answered", a.answer
    assert [str(v.value) for v in a.values] == ["252.47"] and a.reading.table == "表2"


def test_last_year_qualifying_a_carry_over_is_no_last_years_figure(engine):
    a = ask(engine, "“企业关闭破产补助”这项里，上年财政拨款结转过来的钱有多少？")
    assert a.status == "answered" and a.reading.op == "lookup", a.answer
    assert [str(v.value) for v in a.values] == ["0.11"] and a.reading.column == "财政拨款结转"
    # without saying the money came over, it may be last year's carry-over as well: asked back
    both = ask(engine, "上年财政拨款结转预算是多少？")
    assert both.status == "clarify" and not both.values and "2024年" in both.answer


@pytest.mark.parametrize("question, rest, negated", [
    ("基本支出表里的公务接待费是多少？不是三公表里那个数", "基本支出表里的公务接待费是多少？", ("三公表里那个数",)),
    ("财政拨款安排的项目支出是多少？（不是部门总的项目支出）", "财政拨款安排的项目支出是多少？", ("部门总的项目支出",)),
    ("公务接待费是多少？我说的不是三公那张表", "公务接待费是多少？", ("三公那张表",)),
    # a question's own 是不是 / 还不是 is no negation
    ("公务接待费是不是三公经费的一部分", "公务接待费是不是三公经费的一部分", ()),
])
def test_split_negations(question, rest, negated):
    text, found = split_negations(normalise_question(question))
    assert found == negated
    assert text.replace(" ", "") == rest


def test_the_only_reading_being_the_negated_table_is_asked_back(engine):
    from app.answer.engine import Conversation
    told = engine.ask("公务接待费是多少？不是三公表里那个数", DOC, Conversation())
    assert told.status == "clarify" and not told.values and "三公" in told.answer


def test_the_rest_after_an_exclusion_is_the_total_less_it(engine):
    a = engine.ask("2025年支出不含社会保障和就业支出的话，其他几类加起来是多少？", DOC)
    assert a.status == "answered", a.answer
    assert [v.value for v in a.values] == [Decimal("367.34"), Decimal("328.08"), Decimal("39.26")]


def test_an_exclusion_from_a_narrative_figure_is_refused():
    from app.answer.exclude import honour
    from app.answer.figures import Figure, Result
    from app.answer.plan import Plan
    read = Result(Plan("fact", DOC), figures=[Figure("支出预算", Decimal("367.34"), "万元", (), (3,))])
    assert honour(read, ("社会保障和就业支出",), None).status == "refused"
