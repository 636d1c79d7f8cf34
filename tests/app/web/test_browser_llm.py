"""Issue 19 and the reading problems, in a real browser at 1280×900 and 390×844, light and dark: a server
with a language model configured (a tiny fake OpenAI-compatible server, tests/app/web/fake_llm.py) over a
sample whose 表7 could not be read. The pending bubble says the model may be asked, then that it is
being asked; the answer carries a mark saying the model helped or was unavailable; the document's
unread 表7 is listed above the conversation and noted on its answers. Screenshots in tests/artifacts/web/."""
from __future__ import annotations

from pathlib import Path

import pytest

from eval.load import LocalServer
from tests.app.web.fake_llm import FakeLLM
from tests.app.web.test_browser import LATIN, answers, no_sideways_scroll, open_page, shot

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "data" / "samples" / "hejing-shebao-2025.txt"
MODEL_SECONDS = 20


def sample_without_table_7():
    """The sample as ingest gives it when its 表7 cannot be built (tests/ingest/test_bad_input.py)."""
    import ingest.document as document
    real = document.build_table

    def broken(raw, hints=()):
        if raw.number == "表7":
            raise ValueError("an unexpected layout")
        return real(raw, hints)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(document, "build_table", broken)
        return document.read_document(SAMPLE)


@pytest.fixture(scope="module")
def llm_server(tmp_path_factory):
    from app.settings import Settings
    from index.store import Store
    data_dir = tmp_path_factory.mktemp("llm-unread")
    doc = sample_without_table_7()
    assert [p.kind for p in doc.reading_problems] == ["table"]
    Store(Settings.from_env(data_dir).store_path).save(doc)      # serve finds the sample stored: no re-ingest
    fake = FakeLLM(picks={"办公贵": "办公费"}, fails={"公务用车占": 503}, delay=3.0)
    with fake as llm_url, pytest.MonkeyPatch.context() as mp:
        mp.setenv("BUDGETQA_LLM", f"openai:fake@{llm_url}")
        mp.setenv("BUDGETQA_LLM_TIMEOUT", str(MODEL_SECONDS))
        with LocalServer(str(data_dir), log_path=str(data_dir / "serve.log")) as url:
            yield url, fake


def send(page, question):
    page.fill("#question-box textarea", question)
    page.press("#question-box textarea", "Enter")


def wait_answer(page, n):
    page.wait_for_function(f"document.querySelectorAll('#chat-log .msg.bot:not(.pending)').length > {n}",
                           timeout=60_000)
    page.wait_for_timeout(400)


def test_model_is_shown_while_asked_and_marked_on_the_answer(view, llm_server, screenshots):
    url, fake = llm_server
    open_page(view, url)
    status = view.locator("#doc-status")
    status.locator(".doc-unread.warn").wait_for(timeout=20_000)
    text = status.inner_text()
    assert "表7 一般公共预算项目支出情况表" in text and "未能读取" in text and "和静县社会保险中心" in text
    assert not LATIN.search(text), text
    assert no_sideways_scroll(view)
    shot(view, screenshots, "20-unread-table")

    n = answers(view)
    send(view, "办公贵是多少？")                 # a typo of shape (贵 for 费): the rules give no figure, the model is asked
    pending = view.locator("#chat-log .msg.pending .model-status")
    pending.wait_for(timeout=10_000)
    # "将请教…" until the engine calls the model, then "正在请教…": either may be showing by now
    assert f"请教语言模型（最长 {MODEL_SECONDS} 秒）" in pending.inner_text()
    view.locator("#chat-log .msg.pending .model-status.asking").wait_for(timeout=15_000)
    assert "正在请教语言模型" in view.locator("#chat-log .msg.pending").inner_text()
    assert no_sideways_scroll(view)
    shot(view, screenshots, "21-asking-model")
    wait_answer(view, n)
    offered = view.locator("#chat-log .msg.bot").last           # its reading, offered as a question
    assert "以下问法由语言模型提出" in offered.locator(".model-mark.offered").inner_text()
    assert offered.locator(".caveat").count() == 0          # a question back, not an answer
    assert "办公贵是多少？" in fake.asked
    assert no_sideways_scroll(view)
    shot(view, screenshots, "22-model-offered")
    n = answers(view)
    offered.locator("button.ask").first.click()               # sent back: the rules answer it
    wait_answer(view, n)
    answer = view.locator("#chat-log .msg.bot").last
    assert answer.locator(".fig-value").first.inner_text().strip() == "6.36 万元"
    assert answer.locator(".model-mark").count() == 0

    n = answers(view)
    send(view, "三公经费里公务用车占多少")         # the model server answers 503
    wait_answer(view, n)
    answer = view.locator("#chat-log .msg.bot").last
    assert "语言模型不可用" in answer.locator(".model-mark.unavailable").inner_text()
    assert not LATIN.search(answer.inner_text().split("详情")[0]), answer.inner_text()
    assert no_sideways_scroll(view)
    shot(view, screenshots, "23-model-unavailable")


def test_answers_the_rules_give_carry_no_model_mark(page, llm_server):
    url, _ = llm_server
    page.scheme = "light"
    open_page(page, url)
    n = answers(page)
    send(page, "公务用车运行费是多少？")
    wait_answer(page, n)
    answer = page.locator("#chat-log .msg.bot").last
    assert "2.14 万元" in answer.inner_text() and answer.locator(".model-mark").count() == 0
    assert answer.locator(".caveat").count() == 0                # one cell of a table that was read
    n = answers(page)
    send(page, "支出最多的三个项目是什么？")                        # a ranking: 表7's items are not in it
    wait_answer(page, n)
    ranking = page.locator("#chat-log .msg.bot").last
    assert "本回答并不完整" in ranking.locator(".caveat").inner_text()
    assert ranking.locator(".model-mark").count() == 0
