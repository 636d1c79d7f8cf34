"""Questions on real PDFs of other templates (元 tables, 公开NN表), and across all sample documents."""
import re
from decimal import Decimal

import pytest

from app.answer.engine import Engine
from app.library import ingest_paths, open_store
from app.settings import Settings

D = Decimal


@pytest.fixture(scope="module")
def many(shared_dir, tmp_path_factory, sample_path) -> Engine:
    corpus = shared_dir / "corpus"
    pdfs = sorted(str(p) for p in corpus.glob("*.pdf"))
    if len(pdfs) < 3:
        pytest.skip(f"the sample PDFs are not in {corpus}")
    settings = Settings.from_env(tmp_path_factory.mktemp("pdf-home"))
    store = open_store(settings)
    results = ingest_paths(pdfs + [str(sample_path)], store)
    assert all(r.status == "added" for r in results), [r.error for r in results]
    return Engine(store, settings)


CASES = {
    "putuo-zhengfuban-2025": [
        ("公务用车运行费是多少？", [(D("0"), "万元")], "表9"),
        ("三公经费是多少？", [(D("867.50"), "万元")], "表9"),
        ("因公出国（境）费是多少？", [(D("839.00"), "万元")], "表9"),
        ("“三公”经费中的公务接待费是多少万元？", [(D("28.50"), "万元")], "表9"),
        ("住房公积金是多少？", [(D("1741445.22"), "元"), (D("174.14"), "万元")], "表3"),
        ("行政运行是多少元？", [(D("12029501.84"), "元")], "表3"),
        ("基本支出是多少万元？", [(D("2460.68"), "万元")], "表3"),
        ("人员经费占基本支出的比例是多少？", [(D("91.33"), "%")], "表8"),
        ("办公费是多少？", [(D("259400"), "元")], "表8"),
        ("财政拨款收入比2024年预算减少多少？", [(D("2389.52"), "万元")], None),
        ("机关运行经费是多少？", [(D("213.28"), "万元")], "表9"),
    ],
    "putuo-wanli-2024": [
        ("公务用车运行费是多少？", [(D("21.56"), "万元")], "表9"),
        ("公务用车购置费是多少？", [(D("25"), "万元")], "表9"),
        ("三公经费是多少？", [(D("47.91"), "万元")], "表9"),
        ("城乡社区支出是多少？", [(D("119385303"), "元")], "表3"),
        ("城管执法预算多少元？", [(D("6043390"), "元")], "表3"),
        ("公益性岗位补贴是多少万元？", [(D("421.23"), "万元")], "表3"),
        ("人员经费占基本支出的比例是多少？", [(D("88.80"), "%")], "表8"),
        ("物业管理费是多少？", [(D("1090020"), "元")], "表8"),
        ("绩效工资是多少？", [(D("11447100"), "元")], "表8"),
        ("财政拨款收入比2023年预算减少多少？", [(D("876.75"), "万元")], None),
    ],
    "jiangsu-jianchayuan-2019": [
        ("公务用车运行维护费是多少？", [(D("237"), "万元")], "表9"),
        ("三公经费是多少？", [(D("418.26"), "万元")], "表9"),     # 三公 only: 会议费 and 培训费 are beside it
        ("三公经费里公务接待费是多少？", [(D("101.26"), "万元")], "表9"),
        ("会议费是多少？", [(D("158.44"), "万元")], "表9"),
        ("检察监督支出是多少？", [(D("1185.60"), "万元")], "表5"),
        ("基本工资是多少？", [(D("2171.78"), "万元")], "表6"),
        ("一般公共预算支出是多少？", [(D("24169.74"), "万元")], "表7"),
        ("公共安全支出占一般公共预算支出的比例是多少？", [(D("68.65"), "%")], "表7"),
        ("住房保障支出比上年增加多少？", [(D("2025.97"), "万元"), (D("55.35"), "%")], None),
        ("单位预留机动经费是多少？", [(D("3990.40"), "万元")], "表3"),
        ("机关运行经费比上年减少多少？", [(D("330.65"), "万元"), (D("12.14"), "%")], "表11"),
        ("政府采购支出预算总额是多少？", [(D("2744.84"), "万元")], "表12"),
        ("货物类政府采购多少？", [(D("303.40"), "万元")], "表12"),
        ("台式计算机采购多少？", [(D("9.00"), "万元"), (D("15.00"), "万元"), (D("24.00"), "万元")], "表12"),
        ("租赁费采购多少？", [(D("404.00"), "万元")], "表12"),
        ("货物采购占政府采购的比例是多少？", [(D("11.05"), "%")], "表12"),
    ],
}


@pytest.mark.parametrize("doc,question,values,table",
                         [(doc, *case) for doc, cases in CASES.items() for case in cases])
def test_questions_on_pdfs(many, doc, question, values, table):
    a = many.ask(question, doc=doc)
    assert a.status == "answered", a.answer
    got = [(v.value, v.unit) for v in a.values]
    for expected in values:
        assert expected in got, (question, got)
    if table:
        assert table in [c.table for c in a.citations]
    assert all(c.doc == doc for c in a.citations)


def test_unscoped_question_asks_which_document(many):
    a = many.ask("公务用车运行费是多少？")
    assert a.status == "clarify"
    for doc_id in ("putuo-zhengfuban-2025", "putuo-wanli-2024", "jiangsu-jianchayuan-2019", "hejing-shebao-2025"):
        assert doc_id in a.notes[0]
    assert "上海市普陀区人民政府办公室2025年部门预算：公务用车运行费是多少" in a.options


@pytest.mark.parametrize("doc,value,other", [("putuo-zhengfuban-2025", D("28.50"), "表8"),
                                              ("jiangsu-jianchayuan-2019", D("101.26"), "表6")])
def test_one_name_two_figures_reads_the_table_that_does_not_narrow_it(many, doc, value, other):
    """公务接待费 of the 三公 table (all of the unit's funds) and of the 经济分类 table of 基本支出
    (the 基本支出 part only) differ; the question does not say 基本支出, so the 三公 table's figure is
    the answer, and the narrower table is cited beside it."""
    a = many.ask("公务接待费是多少？", doc=doc)
    assert a.status == "answered" and a.values[0].value == value and a.values[0].unit == "万元", a.answer
    assert a.reading.table == "表9"
    assert other in {c.table for c in a.citations}


def test_a_fund_source_table_does_not_rival_the_whole_budget(many):
    """收入总计 of the 收支总体情况表 and of the 财政拨款收支预算总体情况表 differ; the question names no fund."""
    a = many.ask("和静县社会保险中心收入总计是多少？")
    assert a.status == "answered" and a.citations[0].table == "表1" and a.values[0].value == D("367.34")
    narrowed = many.ask("和静县社会保险中心财政拨款收入总计是多少？")
    assert narrowed.status == "answered" and narrowed.citations[0].table == "表4", narrowed.answer
    assert narrowed.values[0].value != a.values[0].value


def test_named_unit_is_answered_from_it(many):
    a = many.ask("普陀区人民政府办公室三公经费中的公务接待费是多少？")
    assert a.values[0].value == D("28.50") and a.citations[0].doc == "putuo-zhengfuban-2025"


def test_ranking_across_units_cites_each_figure(many):
    a = many.ask("哪个单位的公务用车运行费最高？")      # Jiangsu's table says 公务用车运行维护费
    assert a.status == "answered"
    assert [(v.value, c.doc) for v, c in zip(a.values, a.citations)] == [
        (D("237.00"), "jiangsu-jianchayuan-2019"), (D("21.56"), "putuo-wanli-2024"),
        (D("2.14"), "hejing-shebao-2025"), (D("0.00"), "putuo-zhengfuban-2025")]
    assert "**江苏省人民检察院**" in a.answer


@pytest.mark.parametrize("question,doc,value", [
    ("江苏省人民检察院的提租补贴是多少？", "jiangsu-jianchayuan-2019", D("4243.61")),  # 检察 is a row name, not the item
    ("江苏省检察院的住房公积金是多少？", "jiangsu-jianchayuan-2019", D("1442.74")),  # a short form of the org
    ("万里街道的城乡社区支出是多少？", "putuo-wanli-2024", D("119385303")),
    ("普陀区政府办公室的三公经费是多少？", "putuo-zhengfuban-2025", D("867.50")),
])
def test_a_unit_named_in_short_is_found(many, question, doc, value):
    a = many.ask(question)
    assert a.status == "answered" and a.values[0].value == value
    assert {c.doc for c in a.citations} == {doc}


def test_a_unit_not_ingested_is_refused_not_guessed(many):
    a = many.ask("和静县教育局的公务接待费是多少？")
    assert a.status == "refused" and "和静县教育局" in a.answer and not a.values


def test_a_conversation_moves_between_units_and_each_answer_cites_its_own(many):
    """Unit A, unit B, a follow-up (keeps B), a unit that is not loaded (refused, B kept), the sample."""
    from app.answer.engine import Conversation
    chat = Conversation()
    turns = [
        ("万里街道2024年三公经费是多少？", "putuo-wanli-2024", D("47.91")),
        ("那江苏省人民检察院呢？", "jiangsu-jianchayuan-2019", D("418.26")),
        ("其中公务接待费呢？", "jiangsu-jianchayuan-2019", D("101.26")),
        ("江苏省财政厅的公务接待费是多少？", None, None),
        ("那会议费是多少？", "jiangsu-jianchayuan-2019", D("158.44")),
        ("和静县社会保险中心的公务用车运行费是多少？", "hejing-shebao-2025", D("2.14")),
    ]
    for question, doc, value in turns:
        a = many.ask(question, conversation=chat)
        if doc is None:
            assert a.status == "refused" and not a.values and "江苏省财政厅" in a.answer, question
            continue
        assert a.status == "answered" and a.values[0].value == value, (question, a.answer)
        assert {c.doc for c in a.citations} == {doc} and a.reading.doc == doc, question
        assert a.answer.splitlines()[0].startswith("【"), question        # the reading comes first


@pytest.mark.parametrize("question, values", [
    # 会议费 is no part of the “三公”经费 小计: the figure as it is
    ("会议费预算是多少（不算三公）？", ["158.44"]),
    ("三公经费（不含会议费培训费）是多少？", ["418.26"]),
    # a part of the 小计 column's heading: taken out and computed
    ("三公经费除了公务接待费以外是多少？", ["418.26", "101.26", "317.00"]),
])
def test_exclusions_in_the_three_public_table(many, question, values):
    a = many.ask(question, doc="jiangsu-jianchayuan-2019")
    assert a.status == "answered", a.answer
    assert [str(v.value) for v in a.values] == values
    assert {c.table for c in a.citations} == {"表9"}


@pytest.mark.parametrize("question, value", [
    ("公务接待费预算是多少？", "101.26"),       # not 33.26, the 基本支出 tables' part of it
    ("培训费是多少？", "700.00"),
])
def test_an_item_of_the_three_public_table_is_read_there_unless_basic_spending_is_named(many, question, value):
    a = many.ask(question, doc="jiangsu-jianchayuan-2019")
    assert a.status == "answered" and str(a.values[0].value) == value, a.answer
    assert a.reading.table == "表9"
    basic = many.ask(f"基本支出里的{question}", doc="jiangsu-jianchayuan-2019")
    assert basic.status != "answered" or basic.reading.table != "表9", basic.answer


def test_why_a_total_changed_gives_its_parts_reasons_when_only_those_are_stated(many):
    a = many.ask("收支总预算为什么会增加？", doc="jiangsu-jianchayuan-2019")
    assert a.status == "answered", a.answer
    assert "计发基数" in a.answer and "组成部分" in a.answer
    assert any("没有直接说明" in n for n in a.notes)


# Questions written without reading the engine (eval/questions/pdf-fresh*.jsonl), and the ones it still
# gets wrong: pf-zfb-18 asks for last year's figure derived from a stated change; pf-zfb-09
# ("买办公设备") is found by the hybrid search, which this test's data directory has no index for.
KNOWN_MISSES = {"pf-zfb-18", "pf-zfb-09"}


def test_fresh_pdf_questions(many):
    from pathlib import Path

    from eval.run import run_questions
    from eval.score import load_questions
    folder = Path(__file__).parents[3] / "eval" / "questions"
    questions = load_questions([folder / "pdf-fresh.jsonl", folder / "pdf-fresh2.jsonl"])
    run = run_questions(questions, many)
    wrong = {q.id for q, s in zip(questions, run.report.scores) if not s.right}
    assert len(questions) == 135 and wrong <= KNOWN_MISSES, sorted(wrong - KNOWN_MISSES)


def test_a_comparison_of_one_item_in_two_tables_never_compares_it_with_a_total(many):
    a = many.ask("三公经费表里的会议费，比基本支出里的会议费多出多少？", doc="jiangsu-jianchayuan-2019")
    assert "15844.04" not in [str(v.value) for v in a.values], a.answer
    assert a.status != "answered" or [str(v.value) for v in a.values][:2] == ["158.44", "158.44"], a.answer


@pytest.mark.parametrize("question, value, table", [
    ("区府办基本支出经济分类表里的公务接待费是多少？不是三公表里那个数", D("185000"), "表8"),
    ("区府办的公务接待费是多少？不是基本支出表里那个", D("28.50"), "表9"),
])
def test_the_table_a_question_says_it_does_not_mean_is_not_read(many, question, value, table):
    a = many.ask(question)
    assert a.status == "answered" and a.values[0].value == value and a.citations[0].table == table, a.answer


def test_each_side_of_a_comparison_is_read_on_its_own(many):
    a = many.ask("省检察院2019年“三公”经费表里的会议费，比基本支出表里的会议费多出多少？")
    assert a.status == "answered", a.answer
    assert [c.table for c in a.citations][:2] == ["表9", "表6"]
    assert a.values[2].value == a.values[0].value - a.values[1].value


def test_an_opinion_on_a_figure_is_refused(many):
    a = many.ask("普陀区政府办出国费839万是不是花得太多了？")
    assert a.status == "refused" and not a.values


@pytest.mark.parametrize("question, unit", [
    ("那长征镇2024年的购房补贴呢？", "长征镇"),
    ("万里街道和长征镇的三公经费分别是多少", "长征镇"),
    ("普陀区政府办下面的东郊国宾馆预算收入是多少？", "东郊国宾馆"),
])
def test_a_town_or_a_guesthouse_not_loaded_is_refused(many, question, unit):
    a = many.ask(question)
    assert a.status == "refused" and f"“{unit}”" in a.answer and not a.values


@pytest.mark.parametrize("question, value", [
    ("江苏省检查院2019年基本支出里水费加电费一共多少钱", D("370.79")),     # 检查院: typed by sound
    ("省检 2019 的政府采购预算 total 是多少？", D("2744.84")),                 # 省检: the 检察院
    ("再说回省检察院2019年，它的因公出国（境）费是多少", D("80")),
])
def test_a_unit_typed_by_sound_or_in_short_is_found(many, question, value):
    a = many.ask(question)
    assert a.status == "answered" and a.doc == "jiangsu-jianchayuan-2019" and a.values[-1].value == value, a.answer


def test_a_cells_own_name_said_in_part_beats_the_total_it_is_part_of(many):
    a = many.ask("万里街道三公里面买公车的预算多少")       # 购置费, not 公务用车购置及运行费's 小计
    assert a.status == "answered" and a.values[0].value == D("25.00") and a.citations[0].table == "表9", a.answer


def test_a_reason_said_in_a_sentence_of_its_own_is_found(many):
    a = many.ask("万里街道2024年财政拨款为什么比2023年少了876万多？")
    assert a.status == "answered" and "项目调整" in a.answer, a.answer


def test_what_is_taken_away_is_the_part_of_the_first_figures_own_row(many):
    a = many.ask("万里街道2024年城乡社区支出扣掉基本支出以后还剩多少（按元）")
    assert a.status == "answered" and a.values[-1].value == D("42776303"), a.answer


def test_each_side_of_a_subtraction_is_read_on_its_own(many):
    a = many.ask("江苏省人民检察院2019年基本支出减去财政拨款安排的基本支出，差多少")
    assert a.status == "answered", a.answer
    assert a.values[2].value == a.values[0].value - a.values[1].value
    assert [c.table for c in a.citations][:2] == ["表3", "表4"]


def test_the_boards_a_unit_carries_are_quoted(many):
    a = many.ask("普陀区政府办主要是干嘛的？加挂了哪些牌子")
    assert a.status == "answered" and "外事办公室" in a.answer and not a.values, a.answer
