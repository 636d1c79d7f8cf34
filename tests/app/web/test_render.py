"""The page's pure rendering (app/web/render.py, format.py, evidence.py): answer first, citizens' wording,
escaping, breakdowns sorted, charts by value, clarify buttons, the evidence table."""
import re
from decimal import Decimal

import pytest

from app.answer.contract import Answer, Citation, Reading, Value
from app.web.evidence import cited_rows, evidence_html, table_html
from app.web.format import amount, escape_text, has_latin_words, place, source_words, without_ids, yuan_in_text
from app.web.render import (
    answer_html,
    breakdown,
    chart_html,
    cite_order,
    clarify_options,
    headline,
    log_html,
    markdown_html,
    reading_line,
    user_html,
)

XSS = "<img src=x onerror=alert(1)>"
DOC = "hejing-shebao-2025"
CAR = Citation(DOC, "表10", "财政拨款“三公”经费支出情况表", "公务用车运行费", "合计", "line 721")


class Info:
    def __init__(self, doc_id, org, year, scope="单位", kind="预算"):
        self.doc_id, self.org, self.year, self.scope, self.kind = doc_id, org, year, scope, kind


DOCS = {DOC: Info(DOC, "和静县社会保险中心", 2025), "putuo-wanli-2024": Info("putuo-wanli-2024", "万里街道办事处", 2024, "部门")}


def visible(html: str) -> str:
    """The text a reader sees (tags and attributes removed)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def lookup(**kw) -> Answer:
    base = dict(question="公务用车运行费是多少？", status="answered",
                answer="2025年公务用车运行费预算为 **2.14 万元**（表10《财政拨款“三公”经费支出情况表》）。",
                values=[Value("公务用车运行费", Decimal("2.14"), "万元")], citations=[CAR], verified=True, doc=DOC)
    return Answer(**{**base, **kw})


# ── format ───────────────────────────────────────────────────────────────────────────────────────

def test_amounts_for_citizens():
    assert amount(Decimal("40683477"), "元") == "40,683,477 元（约 4,068.35 万元）"
    assert amount(Decimal("2.14"), "万元") == "2.14 万元" and amount(Decimal("12345.6"), "万元") == "12,345.60 万元"
    assert amount(Decimal("96.12"), "%") == "96.12%" and amount(Decimal("16"), "人") == "16 人"
    assert yuan_in_text("为 **99706020 元**（合 9970.60 万元），2025年，1500 元/月") == \
        "为 **99,706,020 元**（合 9,970.60 万元），2025年，1500 元/月"


def test_places_for_citizens():
    assert place("p. 12") == "第 12 页" and place("pp. 3-4") == "第 3–4 页"
    assert place("line 721") == "" and place("lines 3-9") == ""          # text-file lines: details only
    assert source_words("表10 公务用车运行费 / 合计 (line 721)") == "表10 公务用车运行费 / 合计（原文第 721 行）"


def test_escape_text_is_the_shared_markdown_escape():
    out = escape_text(XSS + " **粗** [链接](javascript:alert(1))")
    assert "<" not in out and "\\*\\*粗\\*\\*" in out and "\\[链接\\]" in out


def test_internal_ids_are_removed():
    text = "请问您问的是哪一份文档？\n- 和静县社会保险中心 · 2025年单位预算（hejing-shebao-2025）"
    assert "hejing" not in without_ids(text, DOCS)


def test_markdown_renders_bold_but_no_html_or_links():
    out = markdown_html("**2.14 万元** " + XSS + " [x](javascript:alert(1)) ![i](x)")
    assert "<strong>2.14 万元</strong>" in out and "<img" not in out and "&lt;img" in out
    assert "<a " not in out and "javascript:" in out                  # shown as text, not a link


# ── answer first ─────────────────────────────────────────────────────────────────────────────────

def test_lookup_message_starts_with_unit_year_and_figure():
    html = answer_html(lookup(), 0, DOCS)
    text = visible(html)
    assert text.startswith("和静县社会保险中心 · 2025年单位预算 公务用车运行费 2.14 万元 依据 表10")
    assert "data-cite='0'" in html and "line 721" not in text.split("详情")[0]
    assert "原文第 721 行" in text.split("详情")[1]                  # the line, folded in the details
    assert not has_latin_words(text)


def test_reading_is_the_one_line_under_the_figure():
    r = Reading(DOC, "和静县社会保险中心", 2025, "预算", "表10", "财政拨款“三公”经费支出情况表",
                ("公务用车运行费",), "合计", "lookup")
    a = lookup(reading=r)
    assert reading_line(a) == "按 表10《财政拨款“三公”经费支出情况表》 › 公务用车运行费 › 合计 · 查数"
    text = visible(answer_html(a, 0, DOCS))
    assert text.index("2.14 万元") < text.index("按 表10") < text.index("出处")


def test_yuan_answer_shows_separators_and_wan():
    a = lookup(answer="2024年基本支出为 **99706020 元**（合 9970.60 万元）（表3《2024年部门支出预算总表》）。",
               values=[Value("基本支出", Decimal("99706020"), "元"), Value("基本支出", Decimal("9970.6"), "万元")],
               doc="putuo-wanli-2024", citations=[Citation("putuo-wanli-2024", "表3", "2024年部门支出预算总表", "合计",
                                                           "基本支出", "p. 20")])
    assert [v.unit for v in headline(a)] == ["元"]
    text = visible(answer_html(a, 0, DOCS))
    assert "99,706,020 元 合 9,970.60 万元" in text and "第 20 页" in text and "99706020" not in text


def test_headline_is_the_bold_result():
    a = Answer("人员经费占基本支出多少？", "answered", "人员经费 280.40 万元，占基本支出 291.73 万元 的 **96.12%**。",
               [Value("人员经费", Decimal("280.40"), "万元"), Value("基本支出", Decimal("291.73"), "万元"),
                Value("人员经费占基本支出的比重", Decimal("96.12"), "%")], [CAR], "280.40 ÷ 291.73 = 96.12%", True, doc=DOC)
    assert [v.label for v in headline(a)] == ["人员经费占基本支出的比重"]
    html = answer_html(a, 3, DOCS)
    assert "280.40 ÷ 291.73 = 96.12%" in visible(html.split("<details")[1]) and "data-cite='3'" in html


BASIC = [("基本工资", "64.29"), ("津贴补贴", "71.57"), ("奖金", "47.83"), ("退休费", "3.47")]


def listing(op="list", total=False) -> Answer:
    values = [Value(n, Decimal(v), "万元") for n, v in BASIC]
    cites = [Citation(DOC, "表6", "一般公共预算基本支出情况表", f"3010{k} {n}", "合计", f"line {500 + k}")
             for k, (n, _) in enumerate(BASIC)]
    if total:
        values.append(Value("基本支出", sum(Decimal(v) for _, v in BASIC), "万元"))
    text = "基本支出包括：" + "；".join(f"{n} {v} 万元" for n, v in BASIC) + "。"
    return Answer("基本支出包括哪些？", "answered", text, values, cites, doc=DOC,
                  chart={"kind": "pie", "labels": [v.label for v in values], "values": [float(v.value) for v in values],
                         "unit": "万元"}, reading=Reading(DOC, op=op, table="表6"))


def test_breakdown_is_a_sorted_table_with_a_link_per_row():
    a = listing()
    lines = breakdown(a, DOCS)
    assert [line.label for line in lines] == ["津贴补贴", "基本工资", "奖金", "退休费"]
    html = answer_html(a, 10, DOCS)
    rows = re.findall(r"<tr><td class='rank'>(\d+)</td><td class='item'><button[^>]*data-cite='(\d+)'[^>]*>([^<]+)<", html)
    assert [(r, c, n) for r, c, n in rows] == [("1", "11", "津贴补贴"), ("2", "10", "基本工资"), ("3", "12", "奖金"),
                                                ("4", "13", "退休费")]
    assert visible(html).index("基本支出包括") < visible(html).index("津贴补贴")     # the lead clause first
    assert cite_order(a, DOCS) == [1, 0, 2, 3]


def test_breakdown_total_stays_last_and_is_no_bar():
    a = listing(total=True)
    lines = breakdown(a, DOCS)
    assert lines[-1].total and lines[-1].label == "基本支出"
    bars = re.findall(r"data-value='([\d.]+)'", chart_html(a, DOCS))
    assert bars == ["71.57", "64.29", "47.83", "3.47"]


def test_chart_bars_in_value_order_with_year_and_unit():
    a = Answer("支出最多的三个项目？", "answered", "x", [Value("社会保障和就业支出", Decimal("328.08"), "万元"),
               Value("住房保障支出", Decimal("22.04"), "万元"), Value("卫生健康支出", Decimal("17.22"), "万元")], [], doc=DOC,
               chart={"kind": "bar", "labels": ["社会保障和就业支出", "卫生健康支出", "住房保障支出"],
                      "values": [328.08, 17.22, 22.04], "unit": "万元"})
    html = chart_html(a, DOCS)
    assert re.findall(r"data-value='([\d.]+)'", html) == ["328.08", "22.04", "17.22"]
    assert "卫生健康支出 · 2025年" in visible(html) and "17.22 万元" in visible(html) and "单位：万元" in html
    assert chart_html(lookup(), DOCS) == ""
    yuan = Answer("q", "answered", "x", [], [], doc=DOC, chart={"kind": "bar", "labels": ["城乡社区支出", "教育支出"],
                                                                "values": [119385303, 250000], "unit": "元"})
    html = chart_html(yuan, DOCS)
    assert "11,938.53 万元" in html and "单位：万元" in html and "data-value='119385303'" in html


def test_across_units_rows_name_their_year_and_chips_their_unit():
    cites = [Citation("putuo-wanli-2024", "表9", "“三公”经费表", "", "公务接待费", "p. 31"), CAR]
    a = Answer("哪个单位的公务接待费最高？", "answered", "公务接待费最高的是**万里街道办事处**，1.35 万元。各单位：…",
               [Value("万里街道办事处 公务接待费", Decimal("1.35"), "万元"), Value("和静县社会保险中心 公务接待费", Decimal("0"), "万元"),
                Value("另一单位 公务接待费", Decimal("0"), "万元")], cites + [CAR], doc="",
               chart={"kind": "bar", "labels": ["万里街道办事处", "和静县社会保险中心", "另一单位"], "values": [1.35, 0, 0],
                      "unit": "万元"})
    text = visible(answer_html(a, 0, DOCS))
    assert text.startswith("2 个单位比较 · 2024–2025年")
    assert "万里街道办事处 公务接待费（2024年）" in text
    assert "万里街道办事处 · 2024年" in visible(chart_html(a, DOCS))


def test_clarify_becomes_buttons_without_ids():
    a = Answer("公务用车运行费是多少？", "clarify",
               "请问您问的是哪一份文档？已导入的文档有：\n- 和静县社会保险中心 · 2025年单位预算（hejing-shebao-2025）\n"
               "- 万里街道办事处 · 2024年部门预算（putuo-wanli-2024）",
               notes=["candidates: hejing-shebao-2025, putuo-wanli-2024"])
    html = answer_html(a, 0, DOCS)
    assert clarify_options(a, DOCS)[0] == ("和静县社会保险中心 · 2025年单位预算", "公务用车运行费是多少？", DOC)
    assert html.count("class='ask'") == 2 and "data-doc='putuo-wanli-2024'" in html
    assert not has_latin_words(visible(html))
    with_options = Answer("q", "clarify", "您问的是哪一项？", options=["公务用车购置费是多少？", "公务用车运行费是多少？"])
    assert re.findall(r"data-ask='([^']+)' data-doc=''", answer_html(with_options, 0, DOCS)) == with_options.options


def test_document_text_is_escaped_everywhere():
    bad = Citation(DOC, "表10", XSS, XSS, XSS, "line 1")
    a = lookup(answer="**2.14 万元** " + XSS, values=[Value(XSS, Decimal("2.14"), "万元")], citations=[bad],
               notes=[XSS], calculation=XSS)
    html = answer_html(a, 0, DOCS) + user_html(XSS) + log_html([user_html(XSS)])
    assert "<img" not in html and "&lt;img" in html


def test_refused_is_a_calm_message():
    html = answer_html(Answer("火星基地预算？", "refused", "文档中没有找到相关信息。"), 0, DOCS)
    assert "refused" in html and "文档中没有找到相关信息。" in visible(html) and "error" not in html


# ── the evidence table ───────────────────────────────────────────────────────────────────────────

@pytest.fixture(scope="module")
def table10(sample_doc):
    return sample_doc.table("表10")


def test_cited_rows_match_name_and_code(sample_doc, table10):
    assert [table10.rows[i].name for i in cited_rows(table10, CAR)] == ["公务用车运行费"]
    t6 = sample_doc.table("表6")
    coded = Citation(DOC, "表6", t6.title, "30101 基本工资", "合计", "line 514")
    assert [t6.rows[i].name for i in cited_rows(t6, coded)] == ["基本工资"]


def test_evidence_highlights_the_cited_row_and_cell(sample_doc):
    html = evidence_html(sample_doc, CAR)
    hit = re.findall(r"<tr class='hit'[^>]*>(.*?)</tr>", html)
    assert len(hit) == 1 and "公务用车运行费" in hit[0] and "hit-cell'>2.14<" in hit[0]
    assert "ev-scroll" in html and "class='name'" in html


def test_one_row_table_is_turned_on_its_side_and_highlighted(table10):
    from dataclasses import replace
    one = replace(table10, rows=table10.rows[:1])
    html = table_html(one, [0], 0)
    assert "one-row" in html and html.count("<tr class='hit'") == 1
    missing_row = Citation(DOC, "表10", table10.title, "", "合计", "p. 3")
    assert cited_rows(one, missing_row) == [0]


def test_evidence_of_a_missing_row_says_so_in_chinese(sample_doc):
    html = evidence_html(sample_doc, Citation(DOC, "表10", "t", "不存在的行", "合计", ""))
    assert "表中没有找到“不存在的行”这一行" in visible(html) and "class='hit'" not in html


def test_narrative_evidence_quotes_the_paragraph(sample_doc):
    sec = next(s for s in sample_doc.sections if len(s.text) > 20)
    html = evidence_html(sample_doc, Citation(DOC, "", " / ".join(sec.path), "", "", sec.source))
    assert "ev-para" in html and sec.text.strip()[:10] in visible(html)


def test_amounts_in_yuan_tables_have_separators(sample_doc):
    from dataclasses import replace
    t = sample_doc.table("表10")
    rows = tuple(replace(r, values=tuple(None if v is None else v * 10000 for v in r.values)) for r in t.rows)
    html = table_html(replace(t, unit="元", rows=rows), [], -1)
    assert "21,400" in html
