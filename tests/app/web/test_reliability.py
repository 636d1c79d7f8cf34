"""Issue 16, the server's side: one request cannot stall the others (no lock across a request, a time
budget, history capped), a running server sees what another process ingested, a damaged store is a
clear 503 rather than a 500 traceback."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.answer.engine import Conversation
from app.settings import Settings
from app.web.budget import OverBudget, within
from app.web.service import HISTORY_CHARS, HISTORY_TURNS, StoreUnavailable, open_service, recent_history
from tests.app.web.hostile_doc import write_markdown_copy

ROOT = Path(__file__).resolve().parents[3]
QUESTIONS = ["公务用车运行费是多少？", "基本支出是多少？", "人员经费和公用经费分别是多少？", "三公经费合计多少？比上年变化多少？",
             "人员经费占一般公共预算基本支出的比重是多少？", "住房公积金预算多少？", "车辆运行维护花了多少？",
             "办公费比差旅费多多少？", "商品和服务支出有哪些明细？", "有几个科室？", "2026年的预算总额是多少？",
             "培训费是多少？", "收入总计是多少？", "社会保障缴费是多少？", "项目支出是多少？"]


@pytest.fixture()
def service(tmp_path):
    return open_service(Settings(tmp_path / "data", embedder="hash"))


def _budget_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "budgetqa-answer"]


def _wait_until(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


# ── defect 1: one request stalls everyone ─────────────────────────────────────────────────────────

def test_a_slow_request_does_not_hold_the_others(service, monkeypatch):
    """The engine was behind one lock: a request waited for every request before it."""
    inside, release = threading.Event(), threading.Event()
    real = service.engine.ask

    def ask(question, doc=None, conversation=None):
        if question == "慢":
            inside.set()
            release.wait(60)
        return real(question, doc=doc, conversation=conversation)
    monkeypatch.setattr(service.engine, "ask", ask)
    slow = threading.Thread(target=service.ask, args=("慢",))
    slow.start()
    try:
        assert inside.wait(30)
        fast = service.ask("公务用车运行费是多少？")          # while the slow one is still inside the engine
        assert fast.status == "answered" and str(fast.values[0].value) == "2.14"
        assert slow.is_alive()
    finally:
        release.set()
        slow.join(60)


def test_an_overlong_request_is_stopped_with_a_calm_refusal(service, monkeypatch):
    service.answer_seconds = 0.5

    def spin(question, doc=None, conversation=None):
        n = 0
        while True:           # pure Python, like difflib over every label
            n += 1
    monkeypatch.setattr(service.engine, "ask", spin)
    answer = service.ask("费" * 500)
    assert answer.status == "refused" and "处理时间过长" in answer.answer and answer.values == []
    assert answer.to_dict()["question"] == "费" * 500
    assert _wait_until(lambda: not _budget_threads()), "the stopped computation is still running"


def test_the_budget_hands_back_values_and_errors():
    assert within(5, lambda: 42) == 42
    with pytest.raises(ZeroDivisionError):
        within(5, lambda: 1 / 0)
    with pytest.raises(OverBudget):
        within(0.2, lambda: [None for _ in iter(int, 1)])
    assert _wait_until(lambda: not _budget_threads())


def test_history_is_capped_in_count_and_length():
    assert recent_history([f"问题{i}" for i in range(20)]) == [f"问题{i}" for i in range(20 - HISTORY_TURNS, 20)]
    long = ["费" * 500] * 10
    assert recent_history(long) == ["费" * 500] * (HISTORY_CHARS // 500)
    assert recent_history(["短问题？", "费" * 999, "那公务接待费呢？"]) == ["那公务接待费呢？"]
    assert recent_history([]) == []


def test_the_long_question_request_replays_only_the_capped_history(service, monkeypatch):
    """500 similar characters with 10 history entries like it: 11 slow engine calls before."""
    calls, real = [], service.engine.ask

    def counted(question, doc=None, conversation=None):
        calls.append(question)
        return real("公务用车运行费是多少？", doc=doc, conversation=conversation)
    monkeypatch.setattr(service.engine, "ask", counted)
    service.ask("费" * 500, history=["费" * 500] * 10)
    assert len(calls) == HISTORY_CHARS // 500 + 1


def test_history_still_restores_the_conversation(service):
    answer = service.ask("那公务接待费呢？", history=["公务用车运行费是多少？"])
    assert answer.status == "answered" and "公务接待费" in answer.answer


@pytest.mark.slow
def test_concurrent_requests_get_the_single_client_answers(service):
    """No lock: the engine is shared by threads; every answer equals the one asked alone."""
    alone = {q: service.ask(q).to_dict() for q in QUESTIONS}
    got, errors = [], []

    def client(k: int):
        try:
            conv = Conversation()
            for i in range(len(QUESTIONS)):
                q = QUESTIONS[(k + i) % len(QUESTIONS)]
                got.append((q, service.ask(q).to_dict()))
                service.ask(q, conversation=conv)          # conversations of their own
        except Exception as e:                              # pragma: no cover - reported below
            errors.append(repr(e))
    threads = [threading.Thread(target=client, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert errors == [] and len(got) == 6 * len(QUESTIONS)
    assert [q for q, a in got if a != alone[q]] == []


# ── defect 7: a running server goes stale ─────────────────────────────────────────────────────────

def _ingest_in_another_process(data_dir: Path, path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BUDGETQA_EMBEDDER": "hash"}
    done = subprocess.run([sys.executable, "-m", "app.cli", "--data-dir", str(data_dir), "ingest", str(path)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_a_running_service_sees_what_another_process_ingested(tmp_path):
    settings = Settings(tmp_path / "data", embedder="hash")
    service = open_service(settings)
    service.ask("公务用车运行费是多少？")                    # warm: catalogs and index loaded
    generation = service.engine.store.generation()
    _ingest_in_another_process(settings.data_dir, write_markdown_copy(tmp_path, "another-2025.txt"))

    assert sorted(d.doc_id for d in service.documents()) == ["another-2025", "hejing-shebao-2025"]
    assert service.engine.store.generation() > generation
    index = service.engine.search.index                    # the index handle was reopened …
    assert "another-2025" in {c.doc for c in index.chunks}
    dense = index.search("培训费", k=3, filters={"doc": "another-2025"}, mode="dense")
    assert dense and {h.doc for h in dense} == {"another-2025"}     # … vectors included
    answer = service.ask("公务用车运行费是多少？", doc="another-2025")
    assert answer.status == "answered" and answer.doc == "another-2025"

    fresh = open_service(settings, sample=False)           # what a server started now answers
    for doc in ("hejing-shebao-2025", "another-2025"):
        stale = [q for q in QUESTIONS if service.ask(q, doc=doc).to_dict() != fresh.ask(q, doc=doc).to_dict()]
        assert stale == [], doc


def test_reading_does_not_reload(service):
    engine = service.engine
    for q in QUESTIONS[:5]:
        service.ask(q)
    service.engine.search("公务车", k=3)
    assert service.current() is engine


def test_the_staff_tabs_list_documents_stored_after_the_page_was_built(tmp_path):
    from app.library import ingest_paths, open_store
    from app.web.staff import document_choices
    settings = Settings(tmp_path / "data", embedder="hash")
    service = open_service(settings, sample=True)
    store = service.engine.store
    assert [c[1] for c in document_choices(store, None)["choices"]] == ["hejing-shebao-2025"]
    ingest_paths([str(write_markdown_copy(tmp_path, "another-2025.txt"))], open_store(settings))
    update = document_choices(store, "hejing-shebao-2025")
    assert sorted(c[1] for c in update["choices"]) == ["another-2025", "hejing-shebao-2025"]
    assert update["value"] == "hejing-shebao-2025"


# ── defect 9, the server's part: a damaged store ──────────────────────────────────────────────────

def test_a_damaged_store_is_a_503_that_names_the_file(service):
    from fastapi.testclient import TestClient

    from app.web.api import create_api
    client = TestClient(create_api(service), raise_server_exceptions=False)
    assert client.post("/api/ask", json={"question": "公务用车运行费是多少？"}).status_code == 200
    service.settings.store_path.write_bytes(b"not a database " * 500)
    for r in (client.post("/api/ask", json={"question": "公务用车运行费是多少？"}), client.get("/api/documents"),
              client.get("/api/health")):
        assert r.status_code == 503, r.text
        assert str(service.settings.store_path) in r.json()["error"] and "ingest" in r.json()["error"]


def test_serving_a_damaged_store_says_which_file(tmp_path):
    settings = Settings(tmp_path, embedder="hash")
    settings.store_path.write_bytes(b"not a database " * 500)
    with pytest.raises(StoreUnavailable, match="budgetqa.sqlite"):
        open_service(settings)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BUDGETQA_EMBEDDER": "hash"}
    done = subprocess.run([sys.executable, "-m", "app.cli", "--data-dir", str(tmp_path), "serve", "--port", "1"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("budgetqa: error: the data store") and "budgetqa.sqlite" in done.stderr


@pytest.mark.slow
def test_an_index_rebuilt_by_another_process_is_reopened(tmp_path, monkeypatch):
    """Only the index changed (the store's generation did not): reopened once its writes are over."""
    import app.web.service as service_module
    settings = Settings(tmp_path / "data", embedder="hash")
    service = open_service(settings)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BUDGETQA_EMBEDDER": "hash"}
    copy = write_markdown_copy(tmp_path, "another-2025.txt")
    for args in (["ingest", "--no-index", str(copy)], ["index"]):
        done = subprocess.run([sys.executable, "-m", "app.cli", "--data-dir", str(settings.data_dir), *args],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        if args[0] == "ingest":
            assert "another-2025" not in {c.doc for c in service.current().search.index.chunks}
    monkeypatch.setattr(service_module, "INDEX_QUIET", 0.0)
    assert "another-2025" in {c.doc for c in service.current().search.index.chunks}


def test_the_generation_grows_with_every_change_and_reads_from_a_read_only_store(tmp_path):
    import sqlite3

    from index.store import SCHEMA, Store
    from ingest.document import read_document
    from tests.app.web.hostile_doc import SAMPLE
    old = tmp_path / "old.sqlite"                         # a store made before the generation existed
    with sqlite3.connect(old) as db:
        db.executescript(SCHEMA)

    class ReadOnly(Store):
        def _connect(self):
            return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
    assert ReadOnly(old).generation() == 0 and ReadOnly(old).documents() == []

    store = Store(tmp_path / "store.sqlite")
    assert store.generation() == 0
    doc = read_document(SAMPLE)
    assert store.save(doc) == "added" and store.generation() == 1
    assert store.save(doc) == "unchanged" and store.generation() == 1
    store.touch()
    store.delete(doc.doc_id)
    assert store.generation() == 3 and ReadOnly(store.path).generation() == 3
