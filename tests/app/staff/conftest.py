"""The shipped sample, parsed once, and a helper that parses an edited copy of it."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.document import read_document

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "samples" / "hejing-shebao-2025.txt"


@pytest.fixture(scope="session")
def sample_doc():
    return read_document(SAMPLE)


@pytest.fixture
def edited_doc(tmp_path):
    """Parse a copy of the sample with lines replaced: {line number: (old text, new text)}."""
    def make(edits: dict[int, tuple[str, str]]):
        lines = SAMPLE.read_text(encoding="utf-8").split("\n")
        for n, (old, new) in edits.items():
            assert old in lines[n - 1], (n, lines[n - 1])
            lines[n - 1] = lines[n - 1].replace(old, new, 1)
        path = tmp_path / "hejing-shebao-2025.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        return read_document(path)
    return make
