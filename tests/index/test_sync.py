"""Store and index agree (issue 16 defect 4), and damage is reported, not raised (defect 9).

Each test reproduces what broke: a kill between storing and indexing left documents out of the
index, a second ingest said "unchanged" and indexed nothing, search said "no hits" without a word;
a damaged store, a deleted index and a read-only data directory gave tracebacks.
"""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.cli import main
from app.library import ingest_paths, open_store
from app.settings import Settings
from index import service
from index.service import index_documents, index_status, sync_index, unindexed
from ingest.errors import IndexUnavailable, StoreError
from tests.index.conftest import DOC_ID, SAMPLE

ROOT = Path(__file__).resolve().parents[2]


def _settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "home", embedder="hash")


def test_ingest_indexes_a_document_an_earlier_killed_run_stored_but_did_not_index(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BUDGETQA_EMBEDDER", "hash")
    home = str(tmp_path / "home")
    assert main(["--data-dir", home, "ingest", "--no-index", str(SAMPLE)]) == 0   # killed before indexing
    capsys.readouterr()
    assert main(["--data-dir", home, "ingest", str(SAMPLE)]) == 0                 # was: "unchanged", nothing indexed
    out = capsys.readouterr().out
    assert f"{DOC_ID}: unchanged" in out and "chunks added" in out
    assert index_status(_settings(tmp_path), open_store(_settings(tmp_path))) == {DOC_ID: "ok"}


def test_a_run_killed_in_the_middle_of_indexing_is_finished_by_the_next(tmp_path, monkeypatch):
    settings = _settings(tmp_path)
    store = open_store(settings)
    ingest_paths([str(SAMPLE)], store)
    real = service._embed_and_add

    def killed_after_one_batch(collection, embedder, chunks, progress, on_progress=None):
        real(collection, embedder, chunks[:service.BATCH], progress)
        raise KeyboardInterrupt                              # the kill, after the first batch
    monkeypatch.setattr(service, "_embed_and_add", killed_after_one_batch)
    with pytest.raises(KeyboardInterrupt):
        index_documents(settings, store, [DOC_ID])
    monkeypatch.setattr(service, "_embed_and_add", real)
    assert index_status(settings, store) == {DOC_ID: "partial"}
    assert unindexed(settings, store) == [DOC_ID]
    report = sync_index(settings, store)
    assert report is not None and report.added > 0 and index_status(settings, store) == {DOC_ID: "ok"}
    assert sync_index(settings, store) is None                # agrees now: nothing to do


def test_a_changed_document_is_stale_until_indexed_again(tmp_path):
    settings = _settings(tmp_path)
    store = open_store(settings)
    ingest_paths([str(SAMPLE)], store)
    index_documents(settings, store)
    changed = tmp_path / "hejing-shebao-2025.txt"
    changed.write_text(SAMPLE.read_text(encoding="utf-8").replace("公务用车运行费 2.14 2.14", "公务用车运行费 3.14 3.14"),
                       encoding="utf-8")
    ingest_paths([str(changed)], store)
    assert index_status(settings, store) == {DOC_ID: "stale"}
    sync_index(settings, store)
    assert index_status(settings, store) == {DOC_ID: "ok"}


def test_search_warns_about_documents_the_index_lacks(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BUDGETQA_EMBEDDER", "hash")
    home = str(tmp_path / "home")
    assert main(["--data-dir", home, "ingest", str(SAMPLE)]) == 0
    other = tmp_path / "hejing-copy.txt"
    shutil.copy(SAMPLE, other)
    assert main(["--data-dir", home, "ingest", "--no-index", str(other)]) == 0
    capsys.readouterr()
    assert main(["--data-dir", home, "search", "住房公积金"]) == 0
    err = capsys.readouterr().err
    assert "hejing-copy" in err and "budgetqa index" in err and DOC_ID not in err


def test_search_without_an_index_says_to_build_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BUDGETQA_EMBEDDER", "hash")
    home = tmp_path / "home"
    assert main(["--data-dir", str(home), "ingest", str(SAMPLE)]) == 0
    shutil.rmtree(home / "chroma")                                    # the index deleted
    service._invalidate(_settings(tmp_path))
    capsys.readouterr()
    assert main(["--data-dir", str(home), "search", "住房公积金"]) == 1    # was: "no hits"
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"budgetqa: error: {home / 'chroma'}: ") and "run `budgetqa index`" in err
    assert main(["--data-dir", str(home), "ingest", str(SAMPLE)]) == 0  # ingest rebuilds what is missing
    assert main(["--data-dir", str(home), "search", "住房公积金"]) == 0


def test_a_damaged_store_is_an_error_naming_the_file_and_what_to_do(tmp_path, capsys):
    home = tmp_path / "home"
    home.mkdir()
    (home / "budgetqa.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="damaged"):
        open_store(Settings(data_dir=home))
    for argv in (["documents"], ["ask", "公务用车运行费是多少"], ["ingest", "--no-index", str(SAMPLE)]):
        assert main(["--data-dir", str(home), *argv]) == 1
        err = capsys.readouterr().err.strip()
        assert err.startswith(f"budgetqa: error: {home / 'budgetqa.sqlite'}: the store is damaged"), argv
        assert "Traceback" not in err and "budgetqa ingest" in err


def test_a_store_damaged_after_opening_is_reported_the_same_way(tmp_path):
    settings = _settings(tmp_path)
    store = open_store(settings)
    ingest_paths([str(SAMPLE)], store)
    with sqlite3.connect(settings.store_path) as db:
        db.execute("DROP TABLE cells")
    with pytest.raises(StoreError) as err:
        store.cells()
    assert str(settings.store_path) in str(err.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_data_directory_is_an_error_naming_it(tmp_path, capsys):
    home = tmp_path / "home"
    assert main(["--data-dir", str(home), "ingest", "--no-index", str(SAMPLE)]) == 0
    os.chmod(home / "budgetqa.sqlite", 0o444)
    os.chmod(home, 0o555)
    try:
        capsys.readouterr()
        assert main(["--data-dir", str(home), "documents"]) == 0          # reading still works
        changed = tmp_path / "x.txt"
        changed.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
        assert main(["--data-dir", str(home), "ingest", "--no-index", str(changed)]) == 1
        err = capsys.readouterr().err
        assert str(home / "budgetqa.sqlite") in err and "read-only" in err and "Traceback" not in err
        assert main(["--data-dir", str(home), "search", "住房公积金"]) == 1
        assert "budgetqa index" in capsys.readouterr().err
    finally:
        os.chmod(home, 0o755)
        os.chmod(home / "budgetqa.sqlite", 0o644)


def test_a_read_only_store_file_is_an_error_naming_it(tmp_path, monkeypatch):
    """As root cannot be kept out of a folder, the read-only case is also made by the mode SQLite
    itself refuses writes in (a read-only connection)."""
    settings = _settings(tmp_path)
    store = open_store(settings)
    ingest_paths([str(SAMPLE)], store)
    uri = f"file:{settings.store_path}?mode=ro"
    monkeypatch.setattr(type(store), "_connect", lambda self: sqlite3.connect(uri, uri=True, timeout=30))
    assert [d.doc_id for d in store.documents()] == [DOC_ID]
    doc = store.load(DOC_ID)
    with pytest.raises(StoreError, match="cannot be written"):
        store.save(type(doc)(**{**doc.__dict__, "doc_id": "another"}))


def test_an_unopenable_index_is_an_error_naming_it(tmp_path, monkeypatch):
    settings = _settings(tmp_path)
    store = open_store(settings)
    ingest_paths([str(SAMPLE)], store)
    index_documents(settings, store)
    service._invalidate(settings)

    def read_only(_settings):
        raise RuntimeError("attempt to write a readonly database")      # what chromadb raises
    monkeypatch.setattr(service, "client_for", read_only)
    with pytest.raises(IndexUnavailable) as err:
        service.searcher(settings)
    assert str(settings.chroma_dir) in str(err.value) and "read-only" in str(err.value)


@pytest.mark.integration
def test_kill_9_between_storing_and_indexing_is_repaired_by_the_next_ingest(tmp_path):
    """A real `budgetqa ingest` killed with SIGKILL as soon as its document is stored."""
    home = tmp_path / "home"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BUDGETQA_EMBEDDER": "hash", "BUDGETQA_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "ingest", str(SAMPLE)], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    store_path = home / "budgetqa.sqlite"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with sqlite3.connect(store_path, timeout=1) as db:
                if db.execute("SELECT count(*) FROM documents").fetchone()[0]:
                    break
        except sqlite3.Error:
            pass
        time.sleep(0.02)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    settings = Settings(data_dir=home, embedder="hash")
    assert [d.doc_id for d in open_store(settings).documents()] == [DOC_ID]
    subprocess.run([sys.executable, "-m", "app.cli", "ingest", str(SAMPLE)], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert index_status(settings, open_store(settings)) == {DOC_ID: "ok"}


def test_serve_indexes_at_start_what_the_index_lacks(tmp_path):
    """serve's background indexer (app/web/indexing.py) indexes every stored document the index lacks."""
    import io

    from app.web.indexing import BackgroundIndexer
    settings = _settings(tmp_path)
    store = open_store(settings)
    ingest_paths([str(SAMPLE)], store)                       # stored, never indexed (a killed ingest)
    out = io.StringIO()
    progress = BackgroundIndexer(settings, store, out=out).run()
    assert progress.state == "done" and progress.total > 0
    assert index_status(settings, store) == {DOC_ID: "ok"}
    assert "检索索引已就绪" in out.getvalue()


def test_ask_warns_when_documents_are_not_indexed(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BUDGETQA_EMBEDDER", "hash")
    home = str(tmp_path / "home")
    assert main(["--data-dir", home, "ingest", "--no-index", str(SAMPLE)]) == 0
    capsys.readouterr()
    assert main(["--data-dir", home, "ask", "公务用车运行费是多少"]) == 0
    out, err = capsys.readouterr()
    assert "2.14" in out and "budgetqa index" in err           # answered from the tables, and told
    assert main(["--data-dir", home, "index"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", home, "ask", "公务用车运行费是多少"]) == 0
    assert capsys.readouterr().err == ""
