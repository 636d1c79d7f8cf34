"""Issue 16, defect 3 without a browser: document Markdown and HTML in the clarify list, the 审核 report
and the page's own escaping come out escaped (escape_markdown), never as a link, an image or a tag."""
from __future__ import annotations

import re

import pytest

from app.answer.engine import Engine
from app.answer.text import escape_markdown
from app.settings import Settings
from app.staff.audit import AuditFinding, to_markdown
from app.web.format import escape_text
from app.web.render import markdown_html
from app.web.staff import findings_html
from index.store import Store
from ingest.document import read_document
from tests.app.web.hostile_doc import MARKDOWN_ORG, MARKDOWN_ROW, SAMPLE, write_markdown_copy

# what would render: an image or a link, an address a linkifier takes, a tag
RENDERS = re.compile(r"(?<!\\)!?(?<!\\)\[[^\]]*(?<!\\)\]\(|https?://|<[a-z/]", re.I)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return read_document(write_markdown_copy(tmp_path_factory.mktemp("markdown-doc")))


@pytest.fixture(scope="module")
def two_docs(tmp_path_factory, hostile):
    store = Store(Settings(tmp_path_factory.mktemp("two") / "data").store_path)
    store.save(read_document(SAMPLE))
    store.save(hostile)
    return store


def test_the_clarify_list_escapes_unit_names(two_docs):
    answer = Engine(two_docs).ask("有几个科室？")
    assert answer.status == "clarify"
    assert escape_markdown(MARKDOWN_ORG) in answer.answer and not RENDERS.search(answer.answer)


def test_the_audit_report_escapes_document_text(hostile):
    finding = AuditFinding("naming.period", "error", f"说明写作“{MARKDOWN_ROW}”", (f"表6 {MARKDOWN_ROW} (line 538)",),
                           "<b>1</b>", "2|3")
    report = to_markdown(hostile, [finding])
    assert not RENDERS.search(report.replace("<br>", ""))
    assert report.splitlines()[0] == f"# {escape_markdown(MARKDOWN_ORG)} 2025年单位预算 审核结果"
    assert escape_markdown(MARKDOWN_ROW) in report and "2\\|3" in report      # a | would split the row
    header = next(line for line in report.splitlines() if line.startswith("| ") and "---" not in line)
    assert report.splitlines()[-1].count(" | ") == header.count(" | ")   # the row has the header's columns


def test_the_audit_tab_shows_document_text_as_text(two_docs, hostile):
    page = findings_html(two_docs, hostile.doc_id, open_index=0)
    assert page and not re.search(r"<a\b|<img\b|<script\b|<svg\b|<b>", page)      # no tag came from the document
    assert "&lt;" in page or "evil.example" not in page
    assert "无法打开" in findings_html(two_docs, "no-such-doc") or "请选择" in findings_html(two_docs, "no-such-doc")


@pytest.mark.parametrize("text", [MARKDOWN_ORG, MARKDOWN_ROW, "见 http://evil.example/x 与 <script>x</script>"])
def test_the_page_escapes_with_escape_markdown(text):
    assert not RENDERS.search(escape_text(text))
    shown = markdown_html(escape_text(text))              # what the page renders of it
    assert not re.search(r"<a\b|<img\b|<script\b|<svg\b", shown)


def test_the_page_shows_escaped_entities_once():
    """The engine escapes once; the page must not escape &lt; again (it showed '&lt;b&gt;')."""
    shown = markdown_html(escape_markdown("<b>粗</b>"))
    assert "&lt;b&gt;粗&lt;/b&gt;" in shown and "&amp;lt;" not in shown
    assert "<img" not in markdown_html("**1** <img src=x>")
