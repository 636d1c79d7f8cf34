"""Hybrid search over the indexed chunks: dense (chroma) + BM25 (jieba), fused by reciprocal rank.

The API the answer engine uses::

    from index.service import searcher
    hits = searcher(settings).search("公务用车运行费是多少", k=5, filters=Filters(doc="hejing-shebao-2025"))
    for h in hits:
        h.id, h.text, h.score          # chunk id, rendered text, fused RRF score (higher is better)
        h.kind                         # "row" | "caption" | "paragraph"
        h.doc, h.table, h.row_index    # h.row_index indexes BudgetDocument.table(h.table).rows
        h.row_code, h.row_name, h.section, h.source

``filters`` is a ``Filters`` (or a dict with the same keys): doc, unit (编制单位), year, table, kind;
each a value or a list/tuple of allowed values. Both retrievers apply the filters before ranking.

Why our own fusion rather than langchain_classic's EnsembleRetriever: it returns LangChain
Documents without the fused score, and cannot pass per-query metadata filters to the BM25 side.
The RRF itself is a few lines (``rrf``).
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Mapping

import numpy as np

from index.chunks import Chunk
from index.embed import Embedder
from index.lexical import LexicalIndex, add_words, expand_query, STANDARD_TERMS
from index.vectors import where_clause

RRF_K = 60
CANDIDATES = 50          # per retriever, before fusion


@dataclass(frozen=True)
class Filters:
    doc: Any = None          # doc id or ids
    unit: Any = None         # 编制单位 (org)
    year: Any = None
    table: Any = None        # "表6" or ids
    kind: Any = None         # "row" | "caption" | "paragraph"

    FIELDS = {"doc": "doc", "unit": "org", "year": "year", "table": "table", "kind": "kind"}

    @classmethod
    def of(cls, value: "Filters | Mapping | None") -> "Filters":
        if value is None:
            return cls()
        if isinstance(value, Filters):
            return value
        unknown = set(value) - set(cls.FIELDS)
        if unknown:
            raise ValueError(f"unknown search filter(s) {sorted(unknown)}; use {sorted(cls.FIELDS)}")
        return cls(**dict(value))

    def conditions(self) -> dict[str, Any]:
        """{metadata field: value or list of values} for the filters that are set."""
        out = {}
        for name, meta in self.FIELDS.items():
            value = getattr(self, name)
            if value is None or value == () or value == []:
                continue
            if name == "year":
                value = [int(v) for v in value] if isinstance(value, (list, tuple, set)) else int(value)
            out[meta] = list(value) if isinstance(value, (list, tuple, set, frozenset)) else value
        return out


@dataclass(frozen=True)
class Hit:
    id: str
    text: str
    score: float             # fused reciprocal-rank score
    kind: str
    doc: str
    org: str
    year: int
    table: str
    table_title: str
    unit: str
    row_index: int           # -1 unless kind == "row"
    row_code: str
    row_name: str
    columns: str
    section: str
    source: str
    dense_rank: int | None = None     # 1-based rank in each retriever, None when it did not return it
    lexical_rank: int | None = None

    @property
    def metadata(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("id", "text", "score")}


def rrf(rankings: list[list[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal-rank fusion: Σ 1 / (k + rank) over the rankings (rank 1-based)."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, chunk_id in enumerate(ranking, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + 1.0 / (k + rank)
    return scores


class HybridIndex:
    """Search over one chroma collection of chunks, with a BM25 index built from the same chunks."""

    def __init__(self, collection, embedder: Embedder):
        self.collection = collection
        self.embedder = embedder
        self.chunks: list[Chunk] = load_chunks(collection)
        self.position = {c.id: i for i, c in enumerate(self.chunks)}
        self.count = len(self.chunks)
        add_words([c.row_name for c in self.chunks if c.row_name] + list(STANDARD_TERMS))
        self.lexical = LexicalIndex([c.text for c in self.chunks])
        self._meta = {f: np.array([getattr(c, f) for c in self.chunks], dtype=object)
                      for f in Filters.FIELDS.values()}

    def search(self, query: str, k: int = 5, filters: "Filters | Mapping | None" = None,
               mode: str = "hybrid") -> list[Hit]:
        """The ``k`` best chunks for ``query``; ``mode`` "hybrid" (default), "dense" or "lexical"."""
        conditions = Filters.of(filters).conditions()
        rankings: dict[str, list[str]] = {}
        if mode in ("hybrid", "dense"):
            rankings["dense"] = self.dense(query, CANDIDATES if mode == "hybrid" else k, conditions)
        if mode in ("hybrid", "lexical"):
            rankings["lexical"] = self.lexical_ids(query, CANDIDATES if mode == "hybrid" else k, conditions)
        if not rankings:
            raise ValueError(f"search mode '{mode}' is not hybrid, dense or lexical")
        fused = rrf(list(rankings.values()))
        best = sorted(fused, key=lambda i: (-fused[i], self.position.get(i, 0)))[:k]
        ranks = {name: {cid: r for r, cid in enumerate(ids, start=1)} for name, ids in rankings.items()}
        return [self._hit(cid, fused[cid], ranks.get("dense", {}).get(cid), ranks.get("lexical", {}).get(cid))
                for cid in best if cid in self.position]

    def dense(self, query: str, n: int, conditions: dict[str, Any]) -> list[str]:
        if not self.chunks:
            return []
        text = " ".join([query, *expand_query(query)])
        vector = self.embedder.embed_query(text)
        result = self.collection.query(query_embeddings=[vector.tolist()], n_results=min(n, self.count),
                                       where=where_clause(conditions), include=[])
        return result["ids"][0]

    def lexical_ids(self, query: str, n: int, conditions: dict[str, Any]) -> list[str]:
        mask = None
        for field, value in conditions.items():
            allowed = np.isin(self._meta[field], value if isinstance(value, list) else [value])
            mask = allowed if mask is None else mask & allowed
        return [self.chunks[i].id for i, _ in self.lexical.search(query, n, mask)]

    def _hit(self, cid: str, score: float, dense_rank, lexical_rank) -> Hit:
        c = self.chunks[self.position[cid]]
        return Hit(id=c.id, text=c.text, score=score, kind=c.kind, doc=c.doc, org=c.org, year=c.year,
                   table=c.table, table_title=c.table_title, unit=c.unit, row_index=c.row_index,
                   row_code=c.row_code, row_name=c.row_name, columns=c.columns, section=c.section,
                   source=c.source, dense_rank=dense_rank, lexical_rank=lexical_rank)


def load_chunks(collection, page: int = 1000) -> list[Chunk]:
    """Every chunk stored in ``collection`` (text and metadata), in a stable order."""
    names = {f.name for f in fields(Chunk)} - {"id", "text"}
    chunks, offset = [], 0
    while True:
        got = collection.get(include=["documents", "metadatas"], limit=page, offset=offset)
        for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"]):
            chunks.append(Chunk(id=cid, text=text, **{k: v for k, v in (meta or {}).items() if k in names}))
        if len(got["ids"]) < page:
            break
        offset += page
    order = {"caption": 0, "row": 1, "paragraph": 2}
    chunks.sort(key=lambda c: (c.doc, order.get(c.kind, 3), _table_number(c.table), c.row_index, c.source, c.id))
    return chunks


def _table_number(table: str) -> int:
    digits = "".join(ch for ch in table if ch.isdigit())
    return int(digits) if digits else 0
