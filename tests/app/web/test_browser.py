"""The page in a real browser (Debian chromium via Playwright): ask, see the answer, citation and evidence."""
import re

import pytest

pytestmark = pytest.mark.integration

# What the real planner should give for 公务用车运行费是多少？ (the provisional look-up cites 表10).
EXPECT_VALUE = "2.14 万元"
EXPECT_TABLES = ("表10", "表6")
EXPECT_ROW = re.compile(r"公务用车运行(维护)?费")


def ask(page, question):
    n = page.locator("#answer-chat .message-row").count()
    page.fill("#question-box textarea", question)
    page.click("#send")
    page.wait_for_function(f"document.querySelectorAll('#answer-chat .message-row').length >= {n + 2}",
                           timeout=30_000)


def test_ask_shows_answer_citation_and_highlighted_evidence(page, server_url, artifacts):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server_url + "/")
    page.wait_for_selector("#question-box textarea", timeout=60_000)
    ask(page, "公务用车运行费是多少？")

    chat = page.locator("#answer-chat")
    assert EXPECT_VALUE in re.sub(r"\s+", " ", chat.inner_text())
    cites = page.locator("#citations label")
    cites.first.wait_for(timeout=10_000)
    labels = cites.all_inner_texts()
    assert any(l.strip().startswith(EXPECT_TABLES) and " › " in l for l in labels), labels
    citation = next(l.strip() for l in labels if l.strip().startswith(EXPECT_TABLES))
    assert citation in chat.inner_text()       # the citation display is in the answer too

    caption = page.locator("#evidence-caption").inner_text()
    assert caption.startswith(EXPECT_TABLES)
    # gradio 6 draws dataframe rows as [role=row] elements (virtual scrolling), not <tr>
    marked = page.locator("#evidence-table [role=row].virtual-row",
                          has=page.locator("[role=gridcell]", has_text="▶"))
    marked.first.wait_for(timeout=10_000)
    row_text = [t for t in marked.all_inner_texts() if EXPECT_ROW.search(t)]
    assert row_text and "2.14" in row_text[0], marked.all_inner_texts()
    colour = marked.filter(has_text=EXPECT_ROW).first.locator("[role=gridcell]").nth(1).evaluate(
        "cell => getComputedStyle(cell).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)", "transparent"), colour

    page.screenshot(path=str(artifacts / "web-ask.png"), full_page=True)
    assert dialogs == []


def test_question_markup_is_shown_as_text(page, server_url, artifacts):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server_url + "/")
    page.wait_for_selector("#question-box textarea", timeout=60_000)
    ask(page, "<img src=x onerror=alert(1)>公务用车运行费是多少？")
    page.wait_for_timeout(500)
    assert "<img src=x onerror=alert(1)>" in page.locator("#answer-chat").inner_text()
    assert page.locator("#answer-chat img[src='x']").count() == 0
    assert dialogs == []
    page.screenshot(path=str(artifacts / "web-xss.png"), full_page=True)


def test_clear_and_examples(page, server_url):
    page.goto(server_url + "/")
    page.wait_for_selector("#question-box textarea", timeout=60_000)
    page.locator("#examples").get_by_text("公务用车运行费是多少？").click()
    page.wait_for_function("document.querySelectorAll('#answer-chat .message-row').length >= 2", timeout=30_000)
    page.click("#clear")
    page.wait_for_function("document.querySelectorAll('#answer-chat .message-row').length === 0", timeout=10_000)
    assert not page.locator("#citations").is_visible()


def test_document_picker_with_two_documents(page, two_doc_server_url, artifacts):
    from tests.app.web.conftest import HOSTILE_ORG
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(two_doc_server_url + "/")
    picker = page.locator("#doc-picker")
    picker.wait_for(timeout=60_000)

    ask(page, "公务用车运行费是多少？")             # no document chosen: the engine asks which one
    assert HOSTILE_ORG in page.locator("#answer-chat").inner_text()

    picker.locator("input").click()
    page.get_by_role("option", name=re.compile("测试单位")).click()
    page.wait_for_timeout(500)
    ask(page, "公务用车运行费是多少？")
    page.locator("#citations label").first.wait_for(timeout=10_000)
    assert EXPECT_VALUE in re.sub(r"\s+", " ", page.locator("#answer-chat").inner_text())
    assert page.locator("svg[onload], #answer-chat b, #doc-picker b, #evidence-caption b").count() == 0
    assert dialogs == []
    page.screenshot(path=str(artifacts / "web-two-documents.png"), full_page=True)
