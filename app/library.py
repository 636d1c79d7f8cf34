"""What the CLI and the web app do, as functions: open the store, ingest files, pick documents."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from app.settings import Settings
from index.store import Store
from ingest.document import read_document
from ingest.errors import IncompleteDocument, ParseError
from ingest.model import BudgetDocument

SOURCE_SUFFIXES = (".txt", ".pdf")


@dataclass
class IngestResult:
    path: str
    doc_id: str = ""
    status: str = ""                 # added | replaced | unchanged | failed
    seconds: float = 0.0
    error: str = ""
    document: BudgetDocument | None = None
    findings: list = field(default_factory=list)


def open_store(settings: Settings) -> Store:
    return Store(settings.store_path)


def source_files(paths: list[str]) -> list[Path]:
    """Files named, and the .txt/.pdf files inside folders named (sorted)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.suffix.lower() in SOURCE_SUFFIXES and f.is_file())
        else:
            out.append(p)
    return out


def ingest_paths(paths: list[str], store: Store) -> list[IngestResult]:
    """Parse, verify and store each file; a file that fails leaves the store as it was."""
    results = []
    for path in source_files(paths):
        start = time.perf_counter()
        result = IngestResult(path=str(path))
        try:
            doc = read_document(path)
            result.status = store.save(doc)
            result.doc_id, result.document, result.findings = doc.doc_id, doc, list(doc.findings)
        except IncompleteDocument as e:
            result.status, result.error, result.document = "failed", str(e), e.document
            result.findings = list(e.document.findings)
        except ParseError as e:
            result.status, result.error = "failed", str(e)
        result.seconds = time.perf_counter() - start
        results.append(result)
    return results
