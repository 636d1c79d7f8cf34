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


# ── the shared corpus of published PDFs (../shared/corpus), read once per session ─────────────────

def _corpus_dir() -> Path | None:
    for up in Path(__file__).resolve().parents:
        if (up / "shared" / "corpus").is_dir():
            return up / "shared" / "corpus"
    return None


CORPUS = _corpus_dir()
# documents published as two files (narrative, tables): read as one until ingest groups them (issue 14)
TWO_FILE = {"jiangsu-shengwei-2017": "jiangsu-shengwei-2017-tables", "jiangsu-shengwei-2018": "jiangsu-shengwei-2018-tables",
            "jiangsu-zhengxie-2017": "jiangsu-zhengxie-2017-tables", "jiangsu-zhengxie-2018": "jiangsu-zhengxie-2018-tables",
            "jiangsu-renda-2019": "jiangsu-renda-bangongting-2019-tables"}
_DOCS: dict[str, object] = {}


def corpus_path(name: str) -> Path:
    if CORPUS is None:
        pytest.skip("the shared corpus (../shared/corpus) is absent")
    for folder in ("", "jiangsu-years", "juesuan"):
        p = CORPUS / folder / f"{name}.pdf"
        if p.is_file():
            return p
    pytest.skip(f"corpus PDF {name}.pdf not present")


def corpus_doc(name: str):
    """A corpus document by file name; a two-file year by its narrative file's name (its tables
    file's tables with its narrative file's paragraphs)."""
    if name not in _DOCS:
        if name in TWO_FILE:
            from dataclasses import replace

            from ingest.pdf import extract_pdf
            tables = corpus_doc(TWO_FILE[name])
            _DOCS[name] = replace(tables, doc_id=name, sections=extract_pdf(corpus_path(name)).sections)
        else:
            _DOCS[name] = read_document(corpus_path(name))
    return _DOCS[name]
