"""The page's pure rendering functions: escaping, answer messages, the evidence table, the chart."""
from decimal import Decimal

import pytest

from app.answer.contract import Answer, Citation, Value
from app.web.page import (
    MARK,
    answer_messages,
    chart_frame,
    cited_rows,
    escape_text,
    evidence_caption,
    evidence_table,
    safe_markdown,
)

XSS = "<img src=x onerror=alert(1)>"
CAR = Citation("hejing-shebao-2025", "表10", "财政拨款“三公”经费支出情况表", "公务用车运行费", "合计", "line 721")


def test_escape_text_leaves_no_markup():
    out = escape_text(XSS + " **粗** [链接](javascript:alert(1)) `x` 1. 项")
    assert "<" not in out and ">" not in out
    assert "&lt;img src=x onerror=alert\\(1\\)&gt;" in out
    assert "\\*\\*粗\\*\\*" in out and "\\[链接\\]" in out and "\\`x\\`" in out


def test_safe_markdown_keeps_markdown_but_not_html():
    out = safe_markdown("**2.14 万元** " + XSS)
    assert out.startswith("**2.14 万元**") and "<img" not in out and "&lt;img" in out


def test_answer_messages_show_citation_display_and_fold_details():
    a = Answer("人员经费占基本支出多少？", "answered", "占 **96.12%**。", [Value("比重", Decimal("96.12"), "%")],
               [CAR], calculation="280.40 ÷ 291.73 = 96.12%", verified=True, notes=[XSS])
    main, details = answer_messages(a)
    assert main["role"] == details["role"] == "assistant"
    assert "表10 财政拨款“三公”经费支出情况表 › 公务用车运行费 › 合计" in main["content"]
    assert details["metadata"] == {"title": "计算过程与说明", "status": "done"}
    assert "280.40 ÷ 291.73 = 96.12%" in details["content"]
    assert "<img" not in details["content"] and "&lt;img" in details["content"]


def test_refused_answer_has_no_details():
    msgs = answer_messages(Answer(XSS, "refused", "文档中没有找到相关信息。"))
    assert len(msgs) == 1 and msgs[0]["content"] == "文档中没有找到相关信息。"


@pytest.fixture(scope="module")
def table10(sample_doc):
    return sample_doc.table("表10")


def test_cited_rows_match_row_label(table10):
    rows = cited_rows(table10, CAR)
    assert [table10.rows[i].name for i in rows] == ["公务用车运行费"]


def test_evidence_table_marks_and_highlights_the_cited_row(table10):
    styler = evidence_table(table10, CAR)
    frame = styler.data
    marked = frame[frame.iloc[:, 0] == MARK]
    assert list(marked["名称"].str.strip("\u3000")) == ["公务用车运行费"]
    assert marked["合计"].tolist() == ["2.14"]
    html = styler.to_html()
    assert "#ffd43b" in html and "#fff3bf" in html


def test_evidence_table_without_matching_row_marks_nothing(table10):
    missing = Citation("d", "表10", "t", "不存在的行", "合计", "")
    assert (evidence_table(table10, missing).data.iloc[:, 0] == "").all()
    assert "未在表中找到行" in evidence_caption(table10, missing)


def test_evidence_caption_escapes_document_text(table10):
    c = Citation("d", "表10", "t", XSS, "合计", XSS)
    assert "<img" not in evidence_caption(table10, c)


def test_chart_frame_keeps_label_order():
    frame = chart_frame({"kind": "bar", "labels": ["人员经费", "公用经费"], "values": [280.4, 11.33], "unit": "万元"})
    assert frame["项目"].tolist() == ["人员经费", "公用经费"] and frame["数值"].tolist() == [280.4, 11.33]
    assert chart_frame(None) is None


def test_handlers_keep_one_conversation_per_session(service):
    from app.answer.engine import Conversation
    from app.web.page import ChatHandlers
    h = ChatHandlers(service)
    box, chat, transcript, conv, cites, radio, caption, table, plot = h.ask("公务用车运行费是多少？", [], None, [], None)
    assert box == "" and isinstance(conv, Conversation) and cites[0]["table"] in ("表10", "表6")
    assert chat[0] == {"role": "user", "content": "公务用车运行费是多少？"} and "2.14" in chat[1]["content"]
    out = h.ask("公务接待费呢？", transcript, conv, cites, None)
    assert out[3] is conv and len(out[1]) > len(chat)
    assert h.clear()[2] is not conv


def test_handlers_refuse_overlong_questions(service):
    import gradio as gr

    from app.web.page import ChatHandlers
    with pytest.raises(gr.Error):
        ChatHandlers(service).ask("问" * 10_000, [], None, [], None)


def test_narrative_citation_shows_the_paragraph_as_text(sample_doc):
    from app.web.page import narrative_evidence
    sec = next(s for s in sample_doc.sections if len(s.text) > 20)
    c = Citation(sample_doc.doc_id, "", " › ".join(sec.path), "", "", sec.source)
    out = narrative_evidence(sample_doc, c)
    assert sec.source in out and "> " in out
    assert "未在文档中找到" in narrative_evidence(sample_doc, Citation("d", "", "无此标题", "", "", ""))
