"""One unit over the years (app/answer/history.py) and documents in two files, on the Jiangsu corpus.

"江苏省人民检察院近三年的基本支出" answers all three years with a chart, each year cited to its own
document; the same for a unit whose name changed spelling (中国共产党江苏省委员会办公厅 2017,
中共江苏省委办公厅 2018). A document ingested from a tables file and a narrative file answers a
narrative question and a table question, each citing its file and page.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from app.answer.engine import Engine
from app.answer.history import wanted_years
from app.library import ingest_paths
from index.store import Store
from tests.conftest import SHARED

CORPUS = SHARED / "corpus"
FILES = ["jiangsu-jianchayuan-2019.pdf", "jiangsu-years/jiangsu-jianchayuan-2017.pdf",
         "jiangsu-years/jiangsu-jianchayuan-2018.pdf", "jiangsu-years/jiangsu-shengwei-2017.pdf",
         "jiangsu-years/jiangsu-shengwei-2017-tables.pdf", "jiangsu-years/jiangsu-shengwei-2018.pdf",
         "jiangsu-years/jiangsu-shengwei-2018-tables.pdf", "jiangsu-years/jiangsu-zhengxie-2018.pdf",
         "jiangsu-years/jiangsu-zhengxie-2018-tables.pdf"]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    paths = [CORPUS / f for f in FILES]
    if not all(p.is_file() for p in paths):
        pytest.skip("jiangsu corpus absent")
    store = Store(tmp_path_factory.mktemp("history") / "budgetqa.sqlite")
    results = ingest_paths([str(p) for p in paths], store)
    assert [r.status for r in results] == ["added"] * 6, [(r.path, r.error) for r in results]
    return Engine(store)


def test_three_years_of_one_unit_with_a_chart_each_year_cited_to_its_document(engine):
    a = engine.ask("江苏省人民检察院近三年的基本支出")
    assert a.status == "answered"
    assert [(v.label, v.value) for v in a.values[:3]] == [
        ("2017年基本支出", Decimal("12323.48")), ("2018年基本支出", Decimal("13994.31")),
        ("2019年基本支出", Decimal("15844.04"))]
    assert [c.doc for c in a.citations] == ["jiangsu-jianchayuan-2017", "jiangsu-jianchayuan-2018",
                                            "jiangsu-jianchayuan-2019"]
    assert a.chart["labels"] == ["2017年", "2018年", "2019年"] and a.chart["values"][2] == 15844.04
    assert "增加 **3520.56 万元**" in a.answer and a.calculation == "15844.04 − 12323.48 = 3520.56 万元"
    assert a.verified and a.reading.op == "history"


def test_a_unit_whose_name_changed_spelling_is_one_history(engine):
    a = engine.ask("中共江苏省委办公厅近两年的项目支出")
    assert a.status == "answered"
    assert [c.doc for c in a.citations] == ["jiangsu-shengwei-2017", "jiangsu-shengwei-2018"]
    assert [v.value for v in a.values[:2]] == [Decimal("10688.66"), Decimal("12081.46")]
    assert any("同一单位" in n and "中国共产党江苏省委员会办公厅" in n for n in a.notes)
    assert [c.source.split()[0] for c in a.citations] == ["jiangsu-shengwei-2017-tables.pdf",
                                                          "jiangsu-shengwei-2018-tables.pdf"]


def test_a_span_of_years_and_the_words_for_it():
    assert wanted_years("江苏省人民检察院2017-2018年基本支出") == ("span", 2017, 2018)
    assert wanted_years("近三年的基本支出") == ("last", 3)
    assert wanted_years("近两年") == ("last", 2) and wanted_years("三年来") == ("last", 3)
    assert wanted_years("历年的三公经费变化趋势") == ("all",)
    assert wanted_years("2019年的基本支出") is None and wanted_years("近1年") is None


def test_only_the_years_asked_for(engine):
    a = engine.ask("江苏省人民检察院2017-2018年的基本支出分别是多少")
    assert [c.doc for c in a.citations] == ["jiangsu-jianchayuan-2017", "jiangsu-jianchayuan-2018"]


def test_what_history_does_not_read_is_left_to_the_engine(engine):
    """A reason, a share or a single year is no history: the engine answers (or asks) as before."""
    for question in ("江苏省人民检察院近三年基本支出增加的原因", "江苏省人民检察院2019年的基本支出",
                     "江苏省人民检察院近三年基本支出占比"):
        a = engine.ask(question)
        assert a.reading is None or a.reading.op != "history", question


def test_a_two_file_document_answers_from_its_narrative_and_its_tables(engine):
    why = engine.ask("江苏省政协办公厅2018年项目支出为什么增加")
    cell = engine.ask("江苏省政协办公厅2018年的项目支出是多少")
    assert why.status == cell.status == "answered"
    assert why.doc == cell.doc == "jiangsu-zhengxie-2018"
    assert "新增信息化建设专项支出" in why.answer
    assert why.citations[0].source.startswith("jiangsu-zhengxie-2018.pdf p. ")
    assert [v.value for v in cell.values] == [Decimal("3314.68")]
    assert cell.citations[0].source == "jiangsu-zhengxie-2018-tables.pdf p. 3"


def test_two_years_compare_the_whole_budget_unless_a_fund_is_named(engine):
    """收入合计 of 2018 differs between the 收支预算总表 and the 财政拨款收支预算总表; both years read the
    same table, the whole budget's unless the question names 财政拨款."""
    a = engine.ask("江苏省人民检察院2019年收入合计比2018年增加了多少万元？")
    assert a.status == "answered" and [c.table for c in a.citations] == ["表1", "表1"]
    assert a.values[2].value == Decimal("2214.39") and a.reading is not None
    b = engine.ask("江苏省人民检察院2019年财政拨款收入合计比2018年增加了多少万元？")
    assert [c.table for c in b.citations] == ["表4", "表4"] and b.values[2].value == Decimal("2228.78")


def test_a_conversation_that_moves_a_year_compares_the_two_documents_and_refuses_a_year_not_loaded(engine):
    from app.answer.engine import Conversation
    chat = Conversation()
    first = engine.ask("江苏省人民检察院2018年的三公经费是多少？", conversation=chat)
    second = engine.ask("2019年呢？", conversation=chat)
    assert (first.doc, second.doc) == ("jiangsu-jianchayuan-2018", "jiangsu-jianchayuan-2019")
    change = engine.ask("少了多少？", conversation=chat)
    assert change.status == "answered", change.answer
    assert [v.value for v in change.values][:3] == [Decimal("418.26"), Decimal("484.30"), Decimal("66.04")]
    assert {c.doc for c in change.citations} == {"jiangsu-jianchayuan-2018", "jiangsu-jianchayuan-2019"}
    later = engine.ask("2020年的呢？", conversation=chat)
    assert later.status == "refused" and not later.values and "2020年" in later.answer


def test_another_unit_without_the_conversations_year_is_refused_and_kept_for_the_next_turn(engine):
    from app.answer.engine import Conversation
    chat = Conversation()
    assert engine.ask("省检察院2019年“三公”经费一共多少？", conversation=chat).doc == "jiangsu-jianchayuan-2019"
    other = engine.ask("那省委办公厅呢？", conversation=chat)       # 2017 and 2018 loaded
    assert other.status == "refused" and "2019年" in other.answer and "2018年" in other.answer, other.answer
    kept = engine.ask("那2018年呢？", conversation=chat)
    assert kept.status == "answered" and kept.doc == "jiangsu-shengwei-2018", kept.answer


def test_a_change_asked_after_moving_back_a_year_is_the_later_year_against_the_earlier_with_its_reason(engine):
    from app.answer.engine import Conversation
    chat = Conversation()
    engine.ask("江苏省检察院2019年的项目支出是多少？", conversation=chat)
    assert engine.ask("那2018年呢？", conversation=chat).doc == "jiangsu-jianchayuan-2018"
    change = engine.ask("少了多少？为啥？", conversation=chat)
    assert change.status == "answered", change.answer
    assert [v.value for v in change.values][:3] == [Decimal("4335.30"), Decimal("5573.00"), Decimal("1237.70")]
    assert "过紧日子" in change.answer


def test_a_change_from_another_years_document_with_why_gives_the_reason(engine):
    a = engine.ask("为啥省检察院2019年的项目支出比2018年少了一千多万？")
    assert a.status == "answered" and a.values[2].value == Decimal("1237.70"), a.answer
    assert "过紧日子" in a.answer and {c.doc for c in a.citations} == {"jiangsu-jianchayuan-2018", "jiangsu-jianchayuan-2019"}
