"""Issue 19 and the reading problems without a browser: the pending bubble with a language model
configured, the mark on answers whose notes say the model was asked, the parts of a document that
could not be read (app/web/unread.py), and the page's handler that says when the model is being asked."""
import re
import threading
from decimal import Decimal

import pytest

from app.answer.contract import Answer, Citation, Reading, Value
from app.answer.llm import MODEL_NOTE, model_part
from app.web.render import answer_html, model_mark_html, pending_html
from app.web.unread import Part, Unread, caveat_html, doc_status_html, unread_of
from ingest.model import ReadingProblem

DOC = "hejing-shebao-2025"


class Info:
    def __init__(self, doc_id, org, year, scope="单位", kind="预算", sha256="x"):
        self.doc_id, self.org, self.year, self.scope, self.kind, self.sha256 = doc_id, org, year, scope, kind, sha256


DOCS = {DOC: Info(DOC, "和静县社会保险中心", 2025)}
OFFICE = Citation(DOC, "表6", "一般公共预算基本支出情况表", "30201 办公费", "合计", "line 530")


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def office(notes=(), status="answered") -> Answer:
    if status != "answered":
        return Answer("办公贵是多少？", status, "没有找到。", notes=list(notes), doc=DOC)
    return Answer("办公贵是多少？", "answered", "2025年办公费预算为 **6.36 万元**。",
                  [Value("办公费", Decimal("6.36"), "万元")], [OFFICE], notes=list(notes), doc=DOC,
                  reading=Reading(DOC, "和静县社会保险中心", 2025, "预算", "表6", "一般公共预算基本支出情况表",
                                  ("办公费",), "合计"))


# ── the pending bubble and the mark ──────────────────────────────────────────────────────────────

def test_pending_without_a_model_is_unchanged():
    assert visible(pending_html()) == "正在查找…" and "语言模型" not in pending_html(None)


def test_pending_with_a_model_says_it_may_be_asked_then_that_it_is():
    before = visible(pending_html(45))
    assert before.startswith("正在查找…") and "规则查不到时，将请教语言模型（最长 45 秒）" in before
    now = visible(pending_html(45, asking=True))
    assert "正在请教语言模型（最长 45 秒）" in now and "数字仍取自表格" in now


@pytest.mark.parametrize("note, part, words", [
    (MODEL_NOTE, "used", "语言模型协助理解了问题；数字均取自表格"),
    ("候选问法由语言模型提出，尚未回答；请确认后再问。", "offered", "以下问法由语言模型提出"),
    ("语言模型在时限内没有回答，本回答未使用语言模型。", "slow", "语言模型未在时限内回答；仅按规则回答"),
    ("语言模型服务连不上，本回答未使用语言模型。", "unavailable", "语言模型不可用；仅按规则回答"),
    ("语言模型出错（InternalServerError），本回答未使用语言模型。", "unavailable", "语言模型不可用"),
    ("语言模型也没有在候选项目中找到问题所问的内容。", "declined", "已请教语言模型，但未采用它的解读"),
    ("语言模型的解读不能用（c9 不在候选列表中），本回答未采用。", "declined", "未采用"),
])
def test_the_notes_give_the_mark(note, part, words):
    assert model_part([note]) == part
    status = "answered" if part == "used" else "refused"
    html = answer_html(office([note], status), 0, DOCS)
    assert f"class='model-mark {part}'" in html and words in visible(html)


def test_no_mark_when_the_model_was_not_asked_or_none_is_configured():
    assert model_mark_html(office()) == ""
    assert model_mark_html(office(["语言模型没有被询问：问题中的说法在表格中找不到候选项目。"], "refused")) == ""
    assert "model-mark" not in answer_html(office(), 0, DOCS)


def test_a_model_reading_that_was_not_answered_is_not_called_help():
    html = model_mark_html(office([MODEL_NOTE], "refused"))
    assert "declined" in html and "协助理解" not in html


def test_the_mark_is_beside_the_figure_not_folded():
    html = answer_html(office([MODEL_NOTE]), 0, DOCS)
    assert html.index("6.36 万元") < html.index("model-mark") < html.index("<details")


# ── what could not be read ───────────────────────────────────────────────────────────────────────

TABLE7 = Part("表7 一般公共预算项目支出情况表", "此表未能读取", "lines 556-638")
UNREAD = Unread((TABLE7,), (), frozenset({"表7"}))
PLACED = Part("表7 一般公共预算项目支出情况表 合计", "表内等式不能确定经济分类栏目；按项目名称放在对个人和家庭的补助",
              "lines 556-638")


def test_doc_status_lists_what_was_not_read():
    text = visible(doc_status_html([("和静县社会保险中心 · 2025年单位预算", UNREAD)]))
    assert "和静县社会保险中心 · 2025年单位预算" in text and "1 处未能读取" in text
    assert "表7 一般公共预算项目支出情况表 未能读取 （原文第 556–638 行）" in text and "：此表" not in text


def test_doc_status_is_empty_when_everything_was_read():
    assert doc_status_html([("A", Unread())]) == ""
    assert doc_status_html([("A", Unread((), (PLACED,)))]) == ""       # placements alone: nothing unread


def test_doc_status_folds_placements_and_long_lists():
    many = Unread(tuple(Part(f"第{i}页", "页面无法解码", f"p. {i}") for i in range(1, 7)), (PLACED,))
    html = doc_status_html([("A", many)])
    assert "6 处未能读取" in visible(html) and "另有 2 处未能读取" in visible(html)
    assert "<details class='unread-notes'>" in html and "未能完全确认" in visible(html)


def test_doc_status_escapes_document_text():
    html = doc_status_html([("<b>单位</b>", Unread((Part("<img src=x>", "原因", ""),)))])
    assert "<b>" not in html and "<img" not in html and "&lt;img src=x&gt;" in html


def test_problems_from_a_document_keep_no_program_words():
    class Doc:
        reading_problems = (ReadingProblem("table", "表7 一般公共预算项目支出情况表", "lines 556-638",
                                           "此表未能读取（ValueError: an unexpected layout）"),
                            ReadingProblem("ambiguous-placement", PLACED.what, PLACED.where, PLACED.why, "note"))
        findings = ()
        tables = ()
    u = unread_of(Doc())
    assert u.warnings == (TABLE7,) and u.notes == (PLACED,) and u.tables == {"表7"}


def test_a_refusal_about_a_document_with_an_unread_table_says_it_may_be_there():
    text = visible(answer_html(office(status="refused"), 0, DOCS, {DOC: UNREAD}))
    assert "这份文档的表7 一般公共预算项目支出情况表未能读取；您问的内容可能正在其中" in text


def test_a_lookup_in_a_table_that_was_read_gets_no_caveat():
    assert caveat_html(office(), {DOC: UNREAD}) == ""
    assert caveat_html(office(status="clarify"), {DOC: UNREAD}) == ""


def test_a_listing_or_an_answer_citing_the_table_does_not_look_complete():
    listing = office()
    listing.reading = Reading(DOC, table="表3", op="list")
    assert "本回答并不完整" in visible(caveat_html(listing, {DOC: UNREAD}))
    cited = office()
    cited.citations = [Citation(DOC, "表7", "一般公共预算项目支出情况表", "x", "合计", "line 600")]
    assert "所引的表7未能完整读取" in visible(caveat_html(cited, {DOC: UNREAD}))


# ── the page's handler ───────────────────────────────────────────────────────────────────────────

class SlowModelService:
    """Answers after calling ``on_model`` and waiting: a question the language model is asked about."""
    model_seconds = 30.0

    def __init__(self, real):
        self.release, self.real = threading.Event(), real

    def ask(self, question, doc=None, conversation=None, on_model=None):
        if on_model is not None:
            on_model()
        self.release.wait(10)
        return office([MODEL_NOTE])

    def documents(self):
        return list(DOCS.values())

    def load(self, doc_id):
        return self.real.load(doc_id)


def test_the_pending_bubble_says_when_the_model_is_being_asked(service):
    from app.web.page import ChatHandlers, ChatSession
    h = ChatHandlers(SlowModelService(service))
    service = h.service
    _, log, session = h.submit("办公贵是多少？", ChatSession())
    assert "将请教语言模型（最长 30 秒）" in visible(log)
    steps = h.answer_live(session)
    asking = next(steps)[0]
    assert "正在请教语言模型" in visible(asking)
    service.release.set()
    final = next(steps)[0]
    assert "正在" not in visible(final) and "语言模型协助理解了问题" in visible(final)
    with pytest.raises(StopIteration):
        next(steps)


def test_the_service_tells_when_the_planner_asks(service):
    """The engine's planner announces the model call in the thread the service runs it in."""
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from app.answer.engine import Engine
    from app.answer.llm import LLMPlanner
    from app.web.service import EngineService
    engine = service.engine
    with_model = EngineService(Engine(engine.store, engine.settings, LLMPlanner(FakeListChatModel(responses=['{"ids": []}']))),
                               answer_seconds=10)
    told = []
    a = with_model.ask("办公贵是多少？", on_model=lambda: told.append(1))
    assert told == [1] and model_part(a.notes) == "declined"
    told.clear()
    with_model.ask("公务用车运行费是多少？", on_model=lambda: told.append(1))       # the rules answer it
    assert told == []
    assert with_model.model_seconds == 10 and service.model_seconds is None
