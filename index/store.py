"""The table store: one SQLite file under the data directory.

Each document is kept whole (its lossless JSON, for the engine) and in long form, one row per
non-empty cell (doc, table, row, code, name, column, value, unit, source), for pandas and SQL.
A document is written in one transaction: a failure leaves the store as it was.
Every change adds one to a generation number kept in the same file (``generation()``), in the same
transaction, so a long-running process (the web server) can tell that another process changed the
store and reload what it derived from it.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import UnknownDocument
from ingest.model import BudgetDocument
from ingest.serialize import from_dict, to_dict

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, org TEXT, year INTEGER, kind TEXT, scope TEXT, unit TEXT,
    source_file TEXT, sha256 TEXT, n_tables INTEGER, payload TEXT NOT NULL);
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

    @property
    def label(self) -> str:
        return f"{self.org} · {self.year}年{self.scope}{self.kind}"     # 部门预算 and 单位预算 of one org


class Store:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db:
            db.executescript(SCHEMA)
            try:
                db.execute(META)
            except sqlite3.OperationalError:     # a read-only store made before the table existed
                pass
        self._cache: dict[str, tuple[str, BudgetDocument]] = {}

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def save(self, doc: BudgetDocument) -> str:
        """Store ``doc``, replacing an earlier version: "added", "replaced" or "unchanged"."""
        payload = json.dumps(to_dict(doc), ensure_ascii=False)
        with closing(self._connect()) as db:
            old = db.execute("SELECT payload FROM documents WHERE doc_id = ?", (doc.doc_id,)).fetchone()
            if old and old[0] == payload:     # same file read the same way (a newer parser re-stores)
                return "unchanged"
            with db:   # one transaction
                db.execute("DELETE FROM cells WHERE doc_id = ?", (doc.doc_id,))
                db.execute("DELETE FROM documents WHERE doc_id = ?", (doc.doc_id,))
                db.execute("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?)",
                           (doc.doc_id, doc.org, doc.year, doc.kind, doc.scope, doc.unit,
                            doc.source_file, doc.sha256, len(doc.tables), payload))
                db.executemany("INSERT INTO cells VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", _cells(doc))
                db.execute(BUMP)
        self._cache.pop(doc.doc_id, None)
        return "replaced" if old else "added"

    def delete(self, doc_id: str) -> None:
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM cells WHERE doc_id = ?", (doc_id,))
            db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            db.execute(BUMP)
        self._cache.pop(doc_id, None)

    def generation(self) -> int:
        """A number that grows with every change to the store (by any process); 0 before the first."""
        with closing(self._connect()) as db:
            if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
                return 0
            row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return row[0] if row else 0

    def touch(self) -> None:
        """Announce a change made beside the store (e.g. the search index was updated)."""
        with closing(self._connect()) as db, db:
            db.execute(BUMP)

    def documents(self) -> list[DocumentInfo]:
        with closing(self._connect()) as db:
            rows = db.execute("SELECT doc_id, org, year, kind, scope, unit, source_file, sha256, n_tables "
                              "FROM documents ORDER BY org, year, doc_id").fetchall()
        return [DocumentInfo(*r) for r in rows]

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
