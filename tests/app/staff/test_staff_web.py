"""The 审核 and 起草 tabs (app/web/staff.py): one list of findings in Chinese, a click shows the rows or
paragraph a finding rests on, "未发现问题" when there is none; the draft beside its differences."""
from __future__ import annotations

import html as html_lib
import re

from app.settings import Settings
from app.staff.audit import audit
from app.web.staff import RULES, draft_html, draft_text, findings_html, place_evidence, rule_name, staff_tabs
from index.store import Store


def _store(tmp_path, *docs):
    store = Store(Settings.from_env(str(tmp_path)).store_path)
    for doc in docs:
        store.save(doc)
    return store


def test_tabs_build_in_blocks(sample_doc, tmp_path):
    import gradio as gr
    store = _store(tmp_path, sample_doc)
    with gr.Blocks() as demo:
        staff_tabs(store)
    labels = {getattr(b, "label", None) for b in demo.blocks.values()}
    assert {"文档", "部分"} <= labels
    ids = {getattr(b, "elem_id", None) for b in demo.blocks.values()}
    assert {"audit-findings", "draft-out", "audit-run", "draft-run"} <= ids


def test_findings_are_one_chinese_list(sample_doc, tmp_path):
    store = _store(tmp_path, sample_doc)
    html = findings_html(store, sample_doc.doc_id)
    findings = audit(sample_doc)
    assert html.count("<button type='button' class='finding") == len(findings) == 11   # see test_staff_audit.py
    assert f"共发现 {len(findings)} 项" in html
    text = re.sub(r"<[^>]+>", " ", html)
    assert not re.search(r"\b(?:naming|change|narrative|identity|units|standard)\.?\w*", text), text[:300]
    assert "line" not in text and "原文第" in text                 # places in Chinese
    assert "finding-evidence" not in html                          # nothing open until clicked


def test_every_rule_has_a_chinese_name():
    assert rule_name("ingest.table") == "表格读取问题"
    assert rule_name("no.such.rule") == "其他问题"
    assert all(re.fullmatch(r"[^A-Za-z]+", name) for name in RULES.values())


def test_a_clicked_finding_shows_its_rows_and_paragraph(sample_doc, tmp_path):
    store = _store(tmp_path, sample_doc)
    findings = audit(sample_doc)
    k = next(i for i, f in enumerate(findings) if f.rule == "narrative.unfunded")
    html = findings_html(store, sample_doc.doc_id, k)
    opened = html.split("finding-evidence", 1)[1]
    assert "<tr class='hit'" in opened and "公务用车运行费" in opened and "2.14" in opened
    assert "ev-para" in opened and "三公" in opened                # the paragraph that says 未安排


def test_place_evidence_marks_the_named_item(sample_doc):
    html = place_evidence(sample_doc, "lines 820-826 “项目支出”")
    assert "<mark>项目支出</mark>" in html
    rows = place_evidence(sample_doc, "表2 2101101 行政单位医疗 (line 221) / 合计")
    assert rows.count("<tr class='hit'") == 1 and "行政单位医疗" in rows


def test_no_findings_says_so(tmp_path, sample_doc):
    from dataclasses import replace
    store = _store(tmp_path, sample_doc)
    clean = replace(sample_doc, doc_id="clean-copy", sections=())     # no narrative: nothing to contradict
    store.save(clean)
    assert audit(store.load("clean-copy")) == []
    html = findings_html(store, "clean-copy")
    assert "未发现问题" in html and "<table" not in html and "finding" not in html.replace("findings", "")


def test_draft_beside_its_differences_with_copy_button(sample_doc, tmp_path):
    store = _store(tmp_path, sample_doc)
    html = draft_html(store, sample_doc.doc_id, "三公")
    assert "draft-side" in html and "button type='button' class='copy" in html
    src = re.search(r"<textarea class='draft-src'[^>]*>(.*?)</textarea>", html, re.S).group(1)
    assert "“三公”经费数为2.14万元" in src
    assert html_lib.unescape(src) == draft_text(store, sample_doc.doc_id, "三公")   # what the button copies
    assert "class='old'" in html and "class='new'" in html            # 原文 / 草稿 pairs
    assert draft_text(store, "", "三公") == "请选择文档。"
