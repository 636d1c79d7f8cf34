"""What the CLI and the web app do, as functions: open the store, ingest files, pick documents.

Ingest is per file: a file that cannot be read is reported with its name and reason and the rest
go on. Files of one published document (a tables file and a narrative file of the same unit, year
and kind) become one document (``ingest.group``); a narrative file that pairs with nothing is
stored alone, with a warning. A document id that the store holds for another document (another
unit or year, from another file) is never replaced silently: the new one gets a distinct id, and
the result says so and names ``--as``.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.settings import Settings
from index.store import DocumentInfo, Store
from ingest.document import read_document
from ingest.errors import BudgetQAError, IncompleteDocument, ParseError
from ingest.group import Group, group_id, group_key, merge, pair
from ingest.limits import current_limits
from ingest.model import BudgetDocument
from ingest.units import unit_key

SOURCE_SUFFIXES = (".txt", ".pdf")


@dataclass
class IngestResult:
    path: str                        # the file, or the files of a grouped document joined by " + "
    doc_id: str = ""
    status: str = ""                 # added | replaced | unchanged | failed
    seconds: float = 0.0
    error: str = ""
    document: BudgetDocument | None = None
    findings: list = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def open_store(settings: Settings) -> Store:
    return Store(settings.store_path)


def source_files(paths: list[str]) -> list[Path]:
    """Files named, and the .txt/.pdf files inside folders named (sorted); a file named twice (or
    inside a folder also named) once."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.suffix.lower() in SOURCE_SUFFIXES and f.is_file())
        else:
            out.append(p)
    seen: set[Path] = set()
    return [f for f in out if not (f.resolve() in seen or seen.add(f.resolve()))]


@dataclass
class _Read:
    path: Path
    doc: BudgetDocument | None = None
    result: IngestResult | None = None       # set when the file failed
    seconds: float = 0.0


def ingest_paths(paths: list[str], store: Store, as_id: str | None = None) -> list[IngestResult]:
    """Parse, verify and store each file (or group of files); a file that fails leaves the store as it
    was and the others go on. ``as_id``: the files given make one document with this id."""
    reads = [_read(path) for path in source_files(paths)]
    good = [r for r in reads if r.doc is not None]
    results = [r.result for r in reads if r.result is not None]
    fresh = {str(r.path) for r in good}
    if as_id:
        groups = [Group(tuple(r.doc for r in good), tuple(str(r.path) for r in good))] if good else []
    else:
        good += _stored_partners(good, store)
        groups = pair([(r.doc, str(r.path)) for r in good])
    seconds = {str(r.path): r.seconds for r in good}
    taken: set[str] = set()
    for group in groups:
        if not fresh & set(group.paths):
            continue              # a stored document's file, read again but pairing with nothing
        start = time.perf_counter()
        result = _store_group(group, store, as_id, taken)
        result.seconds = time.perf_counter() - start + sum(seconds.get(p, 0.0) for p in group.paths)
        results.append(result)
    return results


def _read(path: Path) -> _Read:
    start = time.perf_counter()
    read = _Read(path)
    try:
        read.doc = read_document(path)
    except IncompleteDocument as e:
        read.result = IngestResult(str(path), status="failed", error=str(e), document=e.document,
                                   findings=list(e.document.findings))
    except ParseError as e:
        read.result = IngestResult(str(path), status="failed", error=str(e))
    except BudgetQAError as e:
        read.result = IngestResult(str(path), status="failed", error=f"{path}: {e}")
    except Exception as e:  # noqa: BLE001 — one file's failure must never stop the others
        read.result = IngestResult(str(path), status="failed",
                                   error=f"{path}: could not be read ({e.__class__.__name__}: {e})")
    read.seconds = time.perf_counter() - start
    if read.result is not None:
        read.result.seconds = read.seconds
    return read


def _stored_partners(reads: list[_Read], store: Store) -> list[_Read]:
    """The other files of stored documents that this run's files belong with, read again from where
    they were: the tables file stored before its narrative file came (or the other way round), or
    the other file of a grouped document one of whose files is ingested again."""
    given = {str(r.path.resolve()) for r in reads}
    by_key: dict[tuple, list[_Read]] = {}
    for r in reads:
        by_key.setdefault(group_key(r.doc), []).append(r)
    out = []
    for info in store.documents():
        mates = by_key.get((unit_key(info.org), info.year, info.kind), [])
        others = [p for p in info.source_paths if p not in given and Path(p).is_file()]
        if not mates or not others:
            continue
        regroup = len(info.source_paths) > 1 and any(p in given for p in info.source_paths)
        other_side = len(info.source_paths) == 1 and all(bool(r.doc.tables) != (info.n_tables > 0) for r in mates)
        if not (regroup or other_side):
            continue
        for path in others:
            again = _read(Path(path))
            if again.doc is not None:
                again.seconds = 0.0
                out.append(again)
                given.add(path)
    return out


def _store_group(group: Group, store: Store, as_id: str | None, taken: set[str]) -> IngestResult:
    paths = tuple(str(Path(p).resolve()) for p in group.paths)
    result = IngestResult(" + ".join(group.paths))
    try:
        doc = merge(group.members, as_id or group_id(group.members))
    except ValueError as e:
        result.status, result.error = "failed", f"{result.path}: {e}"
        return result
    same = store.info(doc.doc_id) if doc.doc_id in taken and not as_id else None
    if same is not None and same.sha256 == doc.sha256:      # one file given twice (two folders, one copy)
        result.doc_id, result.status = doc.doc_id, "unchanged"
        result.warnings.append(f"{result.path}: 与本次导入的另一文件内容相同，已作为 {doc.doc_id} 导入，不再重复")
        return result
    if not as_id:
        doc, note = _distinct_id(doc, paths, store, taken)
        if note:
            result.warnings.append(note)
    too_many = _too_many_chunks(doc)
    if too_many:
        result.status, result.error = "failed", f"{result.path}: {too_many}"
        return result
    if group.narrative_only:
        result.warnings.append(f"{result.path}: 只有文字说明，没有预算表；未找到同一单位、年度的预算表文件与之配对，"
                               "单独导入（一并导入其表格文件，或用 --as DOC_ID 指定合并）")
    result.status = store.save(doc, paths)
    taken.add(doc.doc_id)
    for member in group.members:          # a file stored alone before, now part of this document
        if member.doc_id != doc.doc_id and _stored_from(store, member.doc_id, paths):
            store.delete(member.doc_id)
            result.warnings.append(f"{member.doc_id} 已并入 {doc.doc_id}（同一单位、年度的表格与文字说明）")
    result.doc_id, result.document, result.findings = doc.doc_id, doc, list(doc.findings)
    return result


def _stored_from(store: Store, doc_id: str, paths: tuple[str, ...]) -> bool:
    info = store.info(doc_id)
    return info is not None and bool(info.source_paths) and set(info.source_paths) <= set(paths)


def _distinct_id(doc: BudgetDocument, paths: tuple[str, ...], store: Store, taken: set[str]
                 ) -> tuple[BudgetDocument, str]:
    """``doc`` under an id that is not another document's: the same id when the store holds nothing
    there, a new version of the same document (same files, or same unit, year and kind), or its own
    content; else ``<folder>-<id>`` (then -2, -3 …). The note says what happened."""
    old = store.info(doc.doc_id)
    if doc.doc_id not in taken and (old is None or _same_document(old, doc, paths)):
        return doc, ""
    base = doc.doc_id
    folder = _slug(Path(paths[-1]).parent.name) if paths else ""
    candidates = ([f"{folder}-{base}"] if folder else []) + [f"{base}-{n}" for n in range(2, 100)]
    for new_id in candidates:
        other = store.info(new_id)
        if new_id not in taken and (other is None or _same_document(other, doc, paths)):
            holder = old.label if old is not None else "本次导入的另一文件"
            return (replace(doc, doc_id=new_id),
                    f"{base} 已是另一文档（{holder}）的编号，本文档存为 {new_id}；"
                    f"如要替换它或另取编号，请用 budgetqa ingest --as DOC_ID")
    raise BudgetQAError(f"{paths[-1]}: no free document id near '{base}'; name one with --as DOC_ID")


def _same_document(info: DocumentInfo, doc: BudgetDocument, paths: tuple[str, ...]) -> bool:
    if info.sha256 == doc.sha256 or (info.source_paths and set(info.source_paths) & set(paths)):
        return True
    return (unit_key(info.org), info.year, info.kind, info.scope) == \
        (unit_key(doc.org), doc.year, doc.kind, doc.scope) and bool(doc.org)


def _slug(name: str) -> str:
    return re.sub(r"\s+", "-", name.strip()).lower()


def _too_many_chunks(doc: BudgetDocument) -> str:
    from index.chunks import chunk_document
    cap = current_limits().max_chunks
    n = len(chunk_document(doc))
    if n > cap:
        return (f"{n} search-index chunks (table rows and paragraphs), more than the {cap} budgetqa keeps "
                "for one document (BUDGETQA_MAX_CHUNKS); nothing was stored")
    return ""
