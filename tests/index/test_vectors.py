from types import SimpleNamespace

import pytest

from index.vectors import (
    BudgetQAEmbeddingFunction,
    client_for,
    open_collection,
    reset_collection,
    where_clause,
)
from ingest.errors import IndexMismatch


def _client(tmp_path):
    return client_for(SimpleNamespace(chroma_url="", chroma_dir=tmp_path / "chroma"))


def test_embedding_function_round_trips_its_config_and_uses_cosine():
    ef = BudgetQAEmbeddingFunction("hash")
    again = BudgetQAEmbeddingFunction.build_from_config(ef.get_config())
    assert again.setting == "hash" and again.embedder is ef.embedder
    assert ef.default_space() == "cosine" and BudgetQAEmbeddingFunction.name() == "budgetqa"


def test_chroma_embeds_query_texts_with_the_query_side(tmp_path, monkeypatch):
    col = open_collection(_client(tmp_path), "hash")
    col.add(ids=["a", "b"], documents=["公务用车运行费", "住房公积金"], metadatas=[{"doc": "x"}, {"doc": "x"}])
    assert col.metadata["hnsw:space"] == "cosine"
    calls = []
    embedder = BudgetQAEmbeddingFunction("hash").embedder
    original = embedder.embed_query
    monkeypatch.setattr(embedder, "embed_query", lambda t: calls.append(t) or original(t))
    result = col.query(query_texts=["公务用车运行费"], n_results=1)
    assert calls == ["公务用车运行费"] and result["ids"][0] == ["a"]


def test_refuses_to_mix_embedding_models(tmp_path):
    client = _client(tmp_path)
    col = open_collection(client, "hash")
    col.add(ids=["a"], documents=["办公费"], metadatas=[{"doc": "x"}])
    with pytest.raises(IndexMismatch, match="rebuild"):
        open_collection(_client(tmp_path), "hash:64")
    fresh = reset_collection(client, "hash:64")
    assert fresh.count() == 0 and fresh.metadata["embedder"] == "hash:64"
    assert open_collection(_client(tmp_path), "hash:64").count() == 0


def test_where_clause():
    assert where_clause({}) is None
    assert where_clause({"doc": "a"}) == {"doc": "a"}
    assert where_clause({"doc": ["a", "b"], "year": 2025}) == {"$and": [{"doc": {"$in": ["a", "b"]}}, {"year": 2025}]}


def test_langchain_chroma_retriever_uses_our_embedder_and_filters(hash_index):
    from index.vectors import langchain_vectorstore
    settings, _, index = hash_index
    store = langchain_vectorstore(settings)
    docs = store.as_retriever(search_kwargs={"k": 3, "filter": {"table": "表6"}}).invoke("住房公积金")
    assert len(docs) == 3 and {d.metadata["table"] for d in docs} == {"表6"}
    assert docs[0].metadata["row_name"] == index.search("住房公积金", k=1, filters={"table": "表6"}, mode="dense")[0].row_name


def test_unreachable_chroma_server_names_the_setting(tmp_path):
    import socket

    from ingest.errors import SettingsError
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SettingsError, match="BUDGETQA_CHROMA_URL"):
        client_for(SimpleNamespace(chroma_url=f"http://127.0.0.1:{port}", chroma_dir=tmp_path))
