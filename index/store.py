"""The table store: one SQLite file under the data directory.

Each document is kept whole (its lossless JSON, for the engine) and in long form, one row per
non-empty cell (doc, table, row, code, name, column, value, unit, source), for pandas and SQL.
A document is written in one transaction: a failure leaves the store as it was. The files a
document was read from are recorded (``source_paths``), so a later file of the same name from
another folder is told apart from a new version of the same file.
Every change adds one to a generation number kept in the same file (``generation()``), in the same
transaction, so a long-running process (the web server) can tell that another process changed the
store and reload what it derived from it.

A damaged file, a folder that cannot be written and the like raise ``StoreError`` naming the
path and what to do, never a bare sqlite3 traceback.
"""
from __future__ import annotations

import functools
import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import StoreError, UnknownDocument
from ingest.model import BudgetDocument
from ingest.serialize import from_dict, to_dict
from ingest.units import unit_key

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, org TEXT, year INTEGER, kind TEXT, scope TEXT, unit TEXT,
    source_file TEXT, sha256 TEXT, n_tables INTEGER, payload TEXT NOT NULL, source_paths TEXT DEFAULT '[]');
CREATE TABLE IF NOT EXISTS cells (
    doc_id TEXT NOT NULL, table_id TEXT NOT NULL, title TEXT, row_index INTEGER, code TEXT,
    name TEXT, project TEXT, row_group TEXT, column_name TEXT, value TEXT, unit TEXT, source TEXT,
    verified INTEGER);
CREATE INDEX IF NOT EXISTS cells_doc ON cells(doc_id, table_id);
"""
META = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)"
BUMP = ("INSERT INTO meta VALUES ('generation', 1) "
        "ON CONFLICT(key) DO UPDATE SET value = value + 1")


@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str
    org: str
    year: int
    kind: str
    scope: str
    unit: str
    source_file: str
    sha256: str
    n_tables: int
    source_paths: tuple[str, ...] = ()      # the files read (resolved paths), when recorded

    @property
    def label(self) -> str:
        return f"{self.org} · {self.year}年{self.scope}{self.kind}"     # 部门预算 and 单位预算 of one org

    @property
    def unit_key(self) -> str:
        """The unit under any of its spellings (``ingest.units.unit_key``): equal across the years
        of one unit (中国共产党江苏省委员会办公厅 2017, 中共江苏省委办公厅 2018)."""
        return unit_key(self.org)


def _translated(method):
    """sqlite3 errors as ``StoreError`` naming the store and what to do."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except StoreError:
            raise
        except sqlite3.Error as e:
            raise store_error(self.path, e) from None
        except Exception as e:
            if isinstance(e.__cause__, sqlite3.Error):      # pandas wraps them
                raise store_error(self.path, e.__cause__) from None
            if not isinstance(e, PermissionError):
                raise
            raise StoreError(str(self.path), f"cannot write here ({e.strerror}); check the folder's "
                             "permissions, or choose another data directory (--data-dir or BUDGETQA_HOME)") from None
    return wrapper


def store_error(path: Path, e: Exception) -> StoreError:
    text = str(e).lower()
    if "not a database" in text or "malformed" in text or "file is encrypted" in text or "no such table" in text:
        return StoreError(str(path), "the store is damaged (not a readable SQLite database): move it aside "
                          "and ingest the documents again (budgetqa ingest PATH…)")
    if "readonly" in text or "read-only" in text:
        return StoreError(str(path), "the store cannot be written (a read-only file or folder): check its "
                          "permissions, or choose another data directory (--data-dir or BUDGETQA_HOME)")
    if "unable to open" in text:
        return StoreError(str(path), "the store cannot be opened (a missing or unreadable folder): check the "
                          "data directory (--data-dir or BUDGETQA_HOME) and its permissions")
    if "locked" in text or "busy" in text:
        return StoreError(str(path), "the store is busy (another budgetqa is writing to it): try again")
    return StoreError(str(path), f"the store could not be used ({e.__class__.__name__}: {e})")


class Store:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._cache: dict[str, tuple[str, BudgetDocument]] = {}
        self._open()

    @_translated
    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db:
            if not self._has_schema(db):
                db.executescript(SCHEMA)
            columns = {r[1] for r in db.execute("PRAGMA table_info(documents)")}
            if "source_paths" not in columns:     # a store written before the column existed
                try:
                    db.execute("ALTER TABLE documents ADD COLUMN source_paths TEXT DEFAULT '[]'")
                    db.commit()
                except sqlite3.OperationalError as e:
                    if "readonly" not in str(e).lower():
                        raise
                    self._legacy = True
            try:
                db.execute(META)
            except sqlite3.OperationalError:     # a read-only store made before the table existed
                pass

    _legacy = False

    @staticmethod
    def _has_schema(db) -> bool:
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")}
        return {"documents", "cells", "cells_doc"} <= names

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    @_translated
    def save(self, doc: BudgetDocument, paths: tuple[str, ...] | list[str] = ()) -> str:
        """Store ``doc`` read from ``paths``, replacing an earlier version: "added", "replaced" or "unchanged"."""
        payload = json.dumps(to_dict(doc), ensure_ascii=False)
        recorded = json.dumps(list(paths), ensure_ascii=False)
        with closing(self._connect()) as db:
            old = db.execute("SELECT payload, source_paths FROM documents WHERE doc_id = ?", (doc.doc_id,)).fetchone()
            if old and old[0] == payload:     # same file read the same way (a newer parser re-stores)
                if paths and old[1] != recorded:
                    with db:
                        db.execute("UPDATE documents SET source_paths = ? WHERE doc_id = ?", (recorded, doc.doc_id))
                return "unchanged"
            with db:   # one transaction
                db.execute("DELETE FROM cells WHERE doc_id = ?", (doc.doc_id,))
                db.execute("DELETE FROM documents WHERE doc_id = ?", (doc.doc_id,))
                db.execute("INSERT INTO documents (doc_id, org, year, kind, scope, unit, source_file, sha256, "
                           "n_tables, payload, source_paths) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                           (doc.doc_id, doc.org, doc.year, doc.kind, doc.scope, doc.unit,
                            doc.source_file, doc.sha256, len(doc.tables), payload, recorded))
                db.executemany("INSERT INTO cells VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", _cells(doc))
                db.execute(BUMP)
        self._cache.pop(doc.doc_id, None)
        return "replaced" if old else "added"

    @_translated
    def delete(self, doc_id: str) -> None:
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM cells WHERE doc_id = ?", (doc_id,))
            db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            db.execute(BUMP)
        self._cache.pop(doc_id, None)

    @_translated
    def generation(self) -> int:
        """A number that grows with every change to the store (by any process); 0 before the first."""
        with closing(self._connect()) as db:
            if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
                return 0
            row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return row[0] if row else 0

    @_translated
    def touch(self) -> None:
        """Announce a change made beside the store (e.g. the search index was updated)."""
        with closing(self._connect()) as db, db:
            db.execute(BUMP)

    @_translated
    def documents(self) -> list[DocumentInfo]:
        paths = "'[]'" if self._legacy else "source_paths"
        with closing(self._connect()) as db:
            rows = db.execute("SELECT doc_id, org, year, kind, scope, unit, source_file, sha256, n_tables, "
                              f"{paths} FROM documents ORDER BY org, year, doc_id").fetchall()
        return [DocumentInfo(*r[:9], tuple(json.loads(r[9] or "[]"))) for r in rows]

    def info(self, doc_id: str) -> DocumentInfo | None:
        return next((d for d in self.documents() if d.doc_id == doc_id), None)

    @_translated
    def load(self, doc_id: str) -> BudgetDocument:
        with closing(self._connect()) as db:
            row = db.execute("SELECT sha256, payload FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            raise UnknownDocument(doc_id, [d.doc_id for d in self.documents()])
        cached = self._cache.get(doc_id)
        if cached and cached[0] == row[0]:
            return cached[1]
        doc = from_dict(json.loads(row[1]))
        self._cache[doc_id] = (row[0], doc)
        return doc

    @_translated
    def cells(self, doc_id: str | None = None):
        """All non-empty cells in long form, as a pandas DataFrame (value as Decimal)."""
        import pandas as pd
        from decimal import Decimal
        query = "SELECT * FROM cells" + (" WHERE doc_id = ?" if doc_id else "")
        with closing(self._connect()) as db:
            frame = pd.read_sql_query(query, db, params=(doc_id,) if doc_id else None)
        frame["value"] = frame["value"].map(Decimal)
        return frame


def _cells(doc: BudgetDocument):
    for t in doc.tables:
        for i, r in enumerate(t.rows):
            for c, v in enumerate(r.values):
                if v is not None:
                    yield (doc.doc_id, t.id, t.title, i, r.code, r.name, r.project, r.group,
                           t.columns[c], str(v), t.unit, r.source, int((i, c) in t.verified))
