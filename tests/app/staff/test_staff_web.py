"""The 审核 and 起草 tabs build inside gr.Blocks and their callbacks return the library's output."""
from __future__ import annotations

from app.settings import Settings
from app.web.staff import AUDIT_HEADERS, audit_rows, draft_text, staff_tabs
from index.store import Store


def _store(tmp_path, doc):
    store = Store(Settings.from_env(str(tmp_path)).store_path)
    store.save(doc)
    return store


def test_tabs_build_in_blocks(sample_doc, tmp_path):
    import gradio as gr
    store = _store(tmp_path, sample_doc)
    with gr.Blocks() as demo:
        staff_tabs(store)
    labels = {getattr(b, "label", None) for b in demo.blocks.values()}
    assert {"审核发现", "文档", "部分"} <= labels


def test_callbacks(sample_doc, tmp_path):
    store = _store(tmp_path, sample_doc)
    rows, md = audit_rows(store, sample_doc.doc_id)
    assert len(rows) == 11 and all(len(r) == len(AUDIT_HEADERS) for r in rows)
    assert "同一期间写法不一" in md and "为何不一致" in md
    text = draft_text(store, sample_doc.doc_id, "三公")
    assert "“三公”经费数为2.14万元" in text and "【上年数】" in text
    assert audit_rows(store, "") == ([], "请选择文档。")
