import os
from functools import lru_cache
from pathlib import Path

import pytest

os.environ.setdefault("OMP_WAIT_POLICY", "passive")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "hejing-shebao-2025.txt"
# ../shared beside the repository (/work/main), or two levels up for a helper's clone (/work/wt/NAME)
SHARED = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()),
              ROOT.parent / "shared")


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def sample_doc():
    from ingest.document import read_document
    return read_document(SAMPLE)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared is absent ({SHARED}); the shared corpus and question sets are not available")
    return SHARED


@lru_cache(maxsize=None)
def juesuan_doc(name: str):
    """A 决算 PDF of ../shared/corpus/juesuan, parsed once for every test that reads it."""
    from ingest.document import read_document
    path = SHARED / "corpus" / "juesuan" / f"{name}.pdf"
    if not path.is_file():
        pytest.skip(f"{path} is absent: the 决算 PDFs of ../shared/corpus/juesuan are not available")
    return read_document(path)
