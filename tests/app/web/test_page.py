"""The page's handlers (app/web/page.py) without a browser: one conversation per session, answers as
messages, the evidence panel, the picker that keeps the conversation, calm limits, examples."""
import re

import pytest

from app.web.page import AUTO, MAX_QUESTION, ChatHandlers, ChatSession


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture(scope="module")
def h(service):
    return ChatHandlers(service)


def ask(h, session, question):
    box, log, session = h.submit(question, session)
    assert box == "" and "正在查找" in log
    log, evidence, chart, session = h.answer(session)
    return log, evidence, chart, session


def test_a_question_becomes_an_answer_with_evidence(h):
    log, evidence, chart, session = ask(h, ChatSession(), "公务用车运行费是多少？")
    assert "正在查找" not in log and "2.14 万元" in visible(log)
    assert "<tr class='hit'" in evidence and "公务用车运行费" in visible(evidence)
    assert chart["visible"] is False
    assert session.citations and session.groups == [[0]]


def test_follow_up_keeps_the_conversation(h):
    _, _, _, session = ask(h, ChatSession(), "公务用车运行费是多少？")
    conv = session.conv
    log, _, _, session = ask(h, session, "公务接待费呢？")
    assert session.conv is conv and visible(log).count("和静县社会保险中心") >= 2


def test_a_chip_opens_its_citation(h):
    _, _, _, session = ask(h, ChatSession(), "基本支出包括哪些项目？")
    group = session.groups[-1]
    assert len(group) > 5
    second = h.cite(session, group[1])
    assert "第 2 / " in visible(second) and "<tr class='hit'" in second
    assert h.cite(session, "nonsense")["__type__"] == "update"


def test_breakdown_answer_has_a_chart_sorted_by_value(h):
    _, _, chart, _ = ask(h, ChatSession(), "支出最多的三个项目是什么？")
    values = [float(v) for v in re.findall(r"data-value='([\d.]+)'", chart["value"])]
    assert chart["visible"] and len(values) >= 3 and values == sorted(values, reverse=True)


def test_an_overlong_question_is_a_calm_chat_message(h):
    question = "公务用车运行费" * 100
    box, log, session = h.submit(question, ChatSession())
    assert len(question) > MAX_QUESTION and box["__type__"] == "update" and session.pending is None   # kept
    assert f"超过了 {MAX_QUESTION} 字的上限" in visible(log) and "error" not in log.lower()
    assert h.answer(session)[0]["__type__"] == "update"          # nothing is sent to the engine


def test_an_empty_question_changes_nothing(h):
    box, log, session = h.submit("   ", ChatSession())
    assert box["__type__"] == "update" and session.pending is None


def test_picking_a_document_keeps_the_conversation(h):
    _, _, _, session = ask(h, ChatSession(), "公务用车运行费是多少？")
    before = len(session.messages)
    log, session = h.pick("hejing-shebao-2025", session)
    assert len(session.messages) == before + 1 and session.doc == "hejing-shebao-2025"
    assert "对话保留" in visible(log)
    log, session = h.pick(AUTO, session)
    assert session.doc == "" and "按问题中提到的单位" in visible(log)


def test_a_clarify_button_asks_for_that_document(h):
    log, session = h.ask_button(ChatSession(), "公务用车运行费是多少？", "hejing-shebao-2025")
    assert "和静县社会保险中心 · 2025年单位预算" in visible(log) and session.pending[1] == "hejing-shebao-2025"
    log, _, _, _ = h.answer(session)
    assert "2.14 万元" in visible(log)


def test_clear_starts_a_new_conversation(h):
    _, _, _, session = ask(h, ChatSession(), "公务用车运行费是多少？")
    log, evidence, chart, new, box = h.clear()
    assert new is not session and new.messages == [] and "请输入" in visible(log)


def test_load_gives_the_picker_and_examples_from_the_documents(h):
    picker, _, examples = h.load(ChatSession())
    assert picker["choices"][0] == ("自动（按问题中的单位）", AUTO) and picker["visible"] is False
    questions = re.findall(r"data-ask='([^']+)'", examples)
    assert 3 <= len(questions) <= 6 and "公务用车运行费是多少？" in questions


def test_status_without_background_indexing_is_empty(h):
    html, timer = h.status()
    assert "预算问答" in html and "status" not in html
