"""The search index built in the background (app/web/indexing.py): progress in Chinese on the page and in
the terminal, the rules answering meanwhile, no search until the index is complete."""
import io
from decimal import Decimal

from app.web.indexing import BackgroundIndexer, IndexProgress


def test_progress_words():
    assert IndexProgress("running", 120, 301).words() == "正在建立检索索引 120/301"
    assert IndexProgress("done", 301, 301).words() == "检索索引已就绪（301 段）"
    assert IndexProgress("failed", error="IndexMismatch: …").words() == "检索索引未能建立"   # details: terminal
    assert IndexProgress("running").running and not IndexProgress("done").running


def test_search_is_gated_until_the_index_is_done(tmp_path):
    from app.settings import Settings
    from index.store import Store
    settings = Settings.from_env(tmp_path, embedder="hash")
    indexer = BackgroundIndexer(settings, Store(settings.store_path), out=io.StringIO())
    calls = []
    gated = indexer.gate(lambda q, k=5, filters=None: calls.append(q) or ["hit"])
    indexer._set(state="running", done=64, total=301)
    assert gated("公务用车") == [] and calls == []
    indexer._set(state="done", done=301, total=301)
    assert gated("公务用车") == ["hit"] and calls == ["公务用车"]
    assert indexer.gate(None) is None


def test_background_indexing_reports_progress_and_answers_meanwhile(tmp_path):
    from app.settings import Settings
    from app.web.service import open_service
    service = open_service(Settings.from_env(tmp_path, embedder="hash"), background=True)
    out = io.StringIO()
    service.indexer.out = out
    assert service.indexer.progress().state == "idle"
    service.start_indexing()
    answer = service.ask("公务用车运行费是多少？")             # the rules need no vectors
    assert answer.status == "answered" and answer.values[0].value == Decimal("2.14")
    final = service.indexer.wait(120)
    assert final.state == "done" and final.total > 100, final
    lines = out.getvalue().splitlines()
    assert f"budgetqa: 正在建立检索索引 0/{final.total}" in lines
    assert any(line.startswith(f"budgetqa: 检索索引已就绪（{final.total} 段），用时") for line in lines)
    assert (tmp_path / "chroma").exists()
