"""Issue 16, defect 3 (and 7) in a real browser: a document whose unit name, a row name and a narrative
sentence carry Markdown images, links and HTML is ingested by another process while the server
runs; questions that show them, 审核 and 起草 leave no request to another host and no link, image or
frame with an outside address on the page — the markup is shown as text."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from eval.load import LocalServer
from tests.app.web.hostile_doc import MARKDOWN_ORG, MARKDOWN_ROW, OUTSIDE, write_markdown_copy

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
LOCAL = ("127.0.0.1", "localhost", "::1")
URL_ATTRIBUTES = """() => {
  const names = ['href', 'src', 'srcset', 'action', 'formaction', 'poster', 'data', 'xlink:href', 'background'];
  const out = [];
  for (const el of document.querySelectorAll('*')) {
    for (const n of names) { const v = el.getAttribute(n); if (v) out.push(el.tagName + ' ' + n + '=' + v); }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def markup_server(tmp_path_factory):
    """`budgetqa serve` on the sample; then another process ingests the document with markup."""
    data_dir = tmp_path_factory.mktemp("markup-serve")
    copy = write_markdown_copy(tmp_path_factory.mktemp("markup-doc"))
    with LocalServer(str(data_dir), log_path=str(data_dir / "serve.log")) as url:
        done = subprocess.run([sys.executable, "-m", "app.cli", "--data-dir", str(data_dir), "ingest", str(copy)],
                              cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr
        _wait_until_served(url, documents=2)
        yield url


def _wait_until_served(url: str, documents: int, seconds: float = 300) -> None:
    """The server has taken in the other process's document and indexed it (this test is about what
    the page shows, not about answering while the store changes under the server)."""
    import time

    import httpx
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            health = httpx.get(url + "/api/health", timeout=5).json()
            if health.get("documents") == documents and health.get("index", {}).get("state") not in ("idle", "running"):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"the server did not list {documents} indexed documents within {seconds:.0f} s")


def ask(page, question):
    n = page.locator("#chat-log .msg.bot:not(.pending)").count()
    asked = page.locator("#chat-log .msg.user").count()
    page.fill("#question-box textarea", question)
    page.press("#question-box textarea", "Enter")
    try:                  # gradio drops a submit while the last answer's event is still finishing
        page.wait_for_function(f"document.querySelectorAll('#chat-log .msg.user').length > {asked}", timeout=10_000)
    except PlaywrightTimeout:
        assert page.input_value("#question-box textarea") == question     # not sent: the box still holds it
        page.press("#question-box textarea", "Enter")
    page.wait_for_function(f"document.querySelectorAll('#chat-log .msg.bot:not(.pending)').length > {n} && "
                           "!document.querySelector('#chat-log .msg.pending')", timeout=150_000)   # not a notice; the
    # other process may still be indexing the new document on both cores


def pick(page, dropdown: str, label: re.Pattern) -> None:
    page.locator(f"{dropdown} input").click()
    page.get_by_role("option", name=label).click()


def outside_addresses(page) -> list[str]:
    found = []
    for item in page.evaluate(URL_ATTRIBUTES):
        value = item.split("=", 1)[1]
        for part in re.split(r",\s*", value):          # srcset lists several
            host = urlparse(part.strip().split(" ")[0]).hostname
            if (host and host not in LOCAL) or OUTSIDE in part:
                found.append(item)
    return found


def _watch(page) -> tuple[list[str], list[str]]:
    requests, dialogs = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return requests, dialogs


def _assert_nothing_left_localhost(page, requests: list[str], dialogs: list[str]) -> None:
    assert outside_addresses(page) == []
    assert [u for u in requests if urlparse(u).hostname not in LOCAL] == []
    assert page.locator("img[src*='evil'], a[href*='evil'], #chat-log b, #audit-findings b, svg[onload]").count() == 0
    assert dialogs == []


def test_the_unit_name_in_the_clarify_list_and_the_staff_tabs(page, markup_server, artifacts):
    requests, dialogs = _watch(page)
    page.goto(markup_server + "/")
    page.locator("#doc-picker").wait_for(timeout=60_000)         # two documents: the new one is listed
    page.wait_for_selector("#question-box textarea", timeout=60_000)
    ask(page, "有几个科室？")                                       # which document? the buttons name both units
    assert MARKDOWN_ORG in page.locator("#chat-log").inner_text()

    page.get_by_role("tab", name="审核").click()
    pick(page, "#audit-doc", re.compile("测试单位"))                 # listed though stored after the page was built
    page.locator("#audit-findings button.finding").first.wait_for(timeout=60_000)
    page.locator("#audit-findings button.finding").first.click()
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "web-document-markup-audit.png"), full_page=True)

    page.get_by_role("tab", name="起草").click()
    pick(page, "#draft-doc", re.compile("测试单位"))
    page.click("#draft-run")
    page.locator("#draft-out button.copy").wait_for(timeout=60_000)
    assert "万元" in page.locator("#draft-out textarea.draft-src").input_value()
    page.screenshot(path=str(artifacts / "web-document-markup-draft.png"), full_page=True)
    _assert_nothing_left_localhost(page, requests, dialogs)


def test_row_names_and_narrative_in_answers(page, markup_server, artifacts):
    requests, dialogs = _watch(page)
    page.goto(markup_server + "/")
    page.locator("#doc-picker").wait_for(timeout=60_000)
    pick(page, "#doc-picker", re.compile("测试单位"))
    ask(page, "有几个科室？")                                       # a narrative sentence with the unit's name
    ask(page, f"{MARKDOWN_ROW}是多少？")                            # a row name
    ask(page, "商品和服务支出有哪些明细？")                          # row names in a list
    chat = page.locator("#chat-log").inner_text()
    assert "0.13 万元" in chat and "![n](http://evil.example/n.png)" in chat
    assert chat.count(MARKDOWN_ROW) >= 4 and chat.count(MARKDOWN_ORG) >= 2, chat
    page.screenshot(path=str(artifacts / "web-document-markup-chat.png"), full_page=True)
    _assert_nothing_left_localhost(page, requests, dialogs)
