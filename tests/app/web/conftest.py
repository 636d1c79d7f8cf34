"""Fixtures for the web tests: an ingested data dir, the engine service, a live server, a browser."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "tests" / "artifacts"
SCREENSHOTS = ARTIFACTS / "web"              # every state the browser tests look at, one PNG each
SHARED = Path(os.environ.get("BUDGETQA_SHARED") or ROOT.parent / "shared")     # ../shared beside the checkout
CORPUS_PDF = SHARED / "corpus" / "putuo-zhengfuban-2025.pdf"
VIEWS = {"desktop-light": (1280, 900, "light"), "desktop-dark": (1280, 900, "dark"),
         "phone-light": (390, 844, "light"), "phone-dark": (390, 844, "dark")}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="session")
def web_data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("web-data")


@pytest.fixture(scope="session")
def service(web_data_dir):
    from app.settings import Settings
    from app.web.service import open_service
    return open_service(Settings.from_env(web_data_dir))


class Served(str):
    """A server's URL that also knows its log file."""
    log: Path


def _serve(data_dir: Path):
    from eval.load import LocalServer
    log = data_dir / "serve.log"
    with LocalServer(str(data_dir), log_path=str(log)) as url:
        served = Served(url)
        served.log = log
        yield served


@pytest.fixture(scope="session")
def server_url(tmp_path_factory):
    """`budgetqa serve` in a subprocess on a free port with a fresh data dir (it ingests the sample and
    indexes it in the background); stopped at the end."""
    yield from _serve(tmp_path_factory.mktemp("serve-data"))


HOSTILE_ORG = "测试单位<b>粗</b><svg/onload=alert(2)>"     # no spaces: the parser ends 编制单位 at one


@pytest.fixture(scope="session")
def two_doc_server_url(tmp_path_factory):
    """A server whose store holds the sample, a copy with markup in its 编制单位, and — when the shared
    corpus is here — a Shanghai PDF (a one-row 三公 table, no audit findings)."""
    from app.library import ingest_paths, open_store
    from app.settings import Settings
    data_dir = tmp_path_factory.mktemp("two-docs")
    copy = tmp_path_factory.mktemp("copy") / "hostile-copy-2025.txt"
    sample = ROOT / "data" / "samples" / "hejing-shebao-2025.txt"
    copy.write_text(sample.read_text(encoding="utf-8").replace("和静县社会保险中心", HOSTILE_ORG), encoding="utf-8")
    paths = [str(sample), str(copy)] + ([str(CORPUS_PDF)] if CORPUS_PDF.exists() else [])
    results = ingest_paths(paths, open_store(Settings.from_env(data_dir)))
    assert {r.status for r in results} == {"added"}, [r.error for r in results]
    yield from _serve(data_dir)


@pytest.fixture(scope="package")
def browser():
    """Debian chromium driven by Playwright (installed by install_browser.sh; never `playwright install`).
    Package-scoped: Playwright's sync API runs an event loop that must end before another test
    (tests/ingest/test_rendered_pdf.py) starts its own."""
    script = Path(__file__).with_name("install_browser.sh")
    done = subprocess.run(["sh", str(script)], capture_output=True, text=True)
    if done.returncode != 0 or not Path(CHROMIUM).exists():
        pytest.skip(f"chromium is not available: {done.stderr.strip()[-300:]}")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture(params=list(VIEWS))
def view(request, browser):
    """A page at 1280×900 or 390×844, in the light or the dark theme; ``view.name`` names its screenshots."""
    width, height, scheme = VIEWS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", color_scheme=scheme,
                                  device_scale_factor=1, is_mobile=width < 500, has_touch=width < 500)
    pg = context.new_page()
    pg.name, pg.scheme = request.param, scheme
    yield pg
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def pytest_terminal_summary(terminalreporter):
    shots = sorted(SCREENSHOTS.glob("*.png")) if SCREENSHOTS.exists() else []
    if shots:
        terminalreporter.write_line(f"web page screenshots ({len(shots)}): {SCREENSHOTS}")
