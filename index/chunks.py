"""Chunking: a ``BudgetDocument`` becomes a list of ``Chunk`` for the search index.

Three kinds of chunk, each with the metadata needed to filter and cite it:

- ``row``: one per table row, rendered with the table title and column labels, e.g.
  "表10 财政拨款“三公”经费支出情况表 · 公务用车运行费 · 合计 2.14 万元 · 一般公共预算 2.14 万元";
  a row with only empty cells reads "未安排".
- ``caption``: one per table: id, title, unit, columns and the row names it holds.
- ``paragraph``: one per narrative paragraph, long ones split at sentence ends; the text starts with
  the paragraph's nearest heading in 【】.

A chunk id is a hash of the text and the metadata, so indexing the same content twice is a no-op and
a changed row gets a new id.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from decimal import Decimal

from ingest.model import BudgetDocument, Row, Section, Table

MAX_PARAGRAPH = 240        # characters; longer paragraphs are split at sentence ends
SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str
    kind: str                 # row | caption | paragraph
    doc: str
    org: str                  # 编制单位
    year: int
    doc_kind: str             # 预算 | 决算
    scope: str                # 单位 | 部门
    table: str = ""           # "表10" for row and caption chunks
    table_title: str = ""
    unit: str = ""            # the amount unit of the table (万元/元)
    row_index: int = -1       # index into Table.rows, -1 when not a row
    row_code: str = ""
    row_name: str = ""        # Row.label: the project if there is one, else the 科目 name
    columns: str = ""         # column labels of the non-empty cells, joined by "|"
    section: str = ""         # heading path joined by " > " (paragraphs)
    source: str = ""          # "line 721", "lines 5-9"

    def metadata(self) -> dict[str, str | int]:
        """Flat metadata for chroma (no None values)."""
        data = asdict(self)
        del data["id"], data["text"]
        return data


def chunk_document(doc: BudgetDocument) -> list[Chunk]:
    """Every chunk of ``doc``: table captions and rows, then narrative paragraphs (ids unique)."""
    chunks: list[Chunk] = []
    for table in doc.tables:
        chunks.append(_caption_chunk(doc, table))
        labels = column_labels(table.columns)
        for i, row in enumerate(table.rows):
            chunks.append(_row_chunk(doc, table, labels, i, row))
    for section in doc.sections:
        for piece in split_sentences(section.text):
            chunks.append(_paragraph_chunk(doc, section, piece))
    seen: set[str] = set()
    return [c for c in chunks if not (c.id in seen or seen.add(c.id))]


def column_labels(columns: tuple[str, ...]) -> list[str]:
    """The shortest tail of each header path that still tells the columns apart.

    ("财政拨款/基本支出/人员经费", "非财政拨款/基本支出/人员经费") keep their first level;
    "资金来源/一般公共预算" becomes "一般公共预算".
    """
    parts = [c.split("/") for c in columns]
    labels = []
    for p in parts:
        for n in range(1, len(p) + 1):
            tail = p[-n:]
            if sum(1 for q in parts if q[-n:] == tail) == 1 or n == len(p):
                labels.append("/".join(tail))
                break
    return labels


def row_text(table: Table, labels: list[str], row: Row) -> tuple[str, list[str]]:
    """The rendered row and the labels of its non-empty columns."""
    name = " ".join(p for p in (row.code, row.name) if p)
    if row.project:
        name = f"{row.project}（{name}）"
    if row.group:
        name = f"{row.group}：{name}"
    used = [c for c, v in enumerate(row.values) if v is not None]
    cells = [f"{labels[c]} {_amount(row.values[c])} {table.unit}" for c in used] or ["未安排"]
    parts = [f"{table.id} {table.title}", name, *cells]
    if row.level > 1 and 0 <= row.parent < len(table.rows):
        parts.append(f"属于 {table.rows[row.parent].label}")
    return " · ".join(parts), [labels[c] for c in used]


def split_sentences(text: str, limit: int = MAX_PARAGRAPH) -> list[str]:
    """``text`` as pieces of at most about ``limit`` characters, cut only at sentence ends."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    pieces, current = [], ""
    for sentence in (s for s in SENTENCE_END.split(text) if s.strip()):
        if current and len(current) + len(sentence) > limit:
            pieces.append(current.strip())
            current = ""
        current += sentence
    if current.strip():
        pieces.append(current.strip())
    return pieces


def chunk_id(text: str, meta: dict) -> str:
    payload = json.dumps([text, meta], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def _amount(v: Decimal) -> str:
    return f"{v:f}"


def _base(doc: BudgetDocument) -> dict:
    return dict(doc=doc.doc_id, org=doc.org, year=doc.year, doc_kind=doc.kind, scope=doc.scope)


def _make(text: str, **meta) -> Chunk:
    probe = Chunk(id="", text=text, **meta)
    return Chunk(id=chunk_id(text, probe.metadata()), text=text, **meta)


def _caption_chunk(doc: BudgetDocument, table: Table) -> Chunk:
    names = "、".join(dict.fromkeys(r.label for r in table.rows))
    text = (f"{table.id} {table.title}（单位：{table.unit}） 栏目：{'、'.join(column_labels(table.columns))}"
            f" 项目：{names}")
    if table.note:
        text += f" 说明：{table.note}"
    return _make(text, kind="caption", table=table.id, table_title=table.title, unit=table.unit,
                 columns="|".join(table.columns), source=table.source, **_base(doc))


def _row_chunk(doc: BudgetDocument, table: Table, labels: list[str], i: int, row: Row) -> Chunk:
    text, used = row_text(table, labels, row)
    return _make(text, kind="row", table=table.id, table_title=table.title, unit=table.unit, row_index=i,
                 row_code=row.code, row_name=row.label, columns="|".join(used), source=row.source,
                 **_base(doc))


def _paragraph_chunk(doc: BudgetDocument, section: Section, piece: str) -> Chunk:
    heading = section.path[-1] if section.path else ""
    text = f"【{heading}】{piece}" if heading else piece
    return _make(text, kind="paragraph", section=" > ".join(section.path), source=section.source,
                 **_base(doc))
