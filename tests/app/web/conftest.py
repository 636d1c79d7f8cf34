"""Fixtures for the web tests: an ingested data dir, the engine service, a live server, a browser."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "tests" / "artifacts"
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


@pytest.fixture(scope="session")
def server_url(tmp_path_factory):
    """`budgetqa serve` in a subprocess on a free port with its own data dir; stopped at the end."""
    from eval.load import LocalServer
    data_dir = tmp_path_factory.mktemp("serve-data")
    with LocalServer(str(data_dir), log_path=str(data_dir / "serve.log")) as url:
        yield url


HOSTILE_ORG = "测试单位<b>粗</b><svg/onload=alert(2)>"     # no spaces: the parser ends 编制单位 at one


@pytest.fixture(scope="session")
def two_doc_server_url(tmp_path_factory):
    """A server whose store holds the sample and a copy with markup in its 编制单位 (two documents)."""
    from app.library import ingest_paths, open_store
    from app.settings import Settings
    data_dir = tmp_path_factory.mktemp("two-docs")
    copy = tmp_path_factory.mktemp("copy") / "hostile-copy-2025.txt"
    sample = ROOT / "data" / "samples" / "hejing-shebao-2025.txt"
    copy.write_text(sample.read_text(encoding="utf-8").replace("和静县社会保险中心", HOSTILE_ORG), encoding="utf-8")
    results = ingest_paths([str(sample), str(copy)], open_store(Settings.from_env(data_dir)))
    assert [r.status for r in results] == ["added", "added"], [r.error for r in results]
    from eval.load import LocalServer
    with LocalServer(str(data_dir), log_path=str(data_dir / "serve.log")) as url:
        yield url


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
    context = browser.new_context(viewport={"width": 1400, "height": 950}, locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
