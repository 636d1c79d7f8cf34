"""What the language model is shown and what of its answer is accepted (app/answer/llm.py asks it).

``candidates_for`` lists the cells a question may mean, each with an id; ``validate`` turns the
model's JSON of ids into cells or says what is wrong with it; ``unsupported`` says whether the
question's own words support the reading; ``reading_plan`` makes it an ordinary ``Plan``.
"""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from app.answer.catalog import Catalog, CellRef
from app.answer.contract import Answer
from app.answer.linking import Item, fuzzy_items, link_items
from app.answer.plan import Plan
from app.answer.text import escape_markdown

MODEL_NOTE = "问题由语言模型解读：它只从系统给出的候选单元格中选择，数字均取自表格。"

# Operations a model reading may have, and how many cells each takes (min, max).
MODEL_OPS: dict[str, tuple[int, int]] = {
    "lookup": (1, 1), "multi": (2, 6), "sum": (2, 6), "diff": (2, 2), "compare": (2, 2),
    "share": (2, 2), "per_person": (1, 1), "per_month": (1, 1), "yoy": (1, 1), "prior": (1, 1),
    "list": (1, 1), "rank": (1, 1),
}

USER_PROMPT = """表：{tables}
候选（编号 表 行 › 列）：
{candidates}
问题：{question}
{op}"""

OP_WORDS = {"sum": "求和", "diff": "两项之差", "compare": "比较两项", "share": "占比（先部分，后整体）",
            "per_person": "人均", "per_month": "月均", "yoy": "比上年变化", "prior": "上年数", "list": "明细",
            "rank": "排名"}


# ── candidates ───────────────────────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class Candidate:
    """One cell the model may choose, as the prompt shows it."""
    id: str                        # "c1", "c2" … in prompt order
    table: str                     # "表6"
    title: str                     # the table's title
    row: str                       # the row as printed (科目编码 and name, or the project)
    column: str                    # the column's header path ("财政拨款（补助）/一般公共预算")
    ref: CellRef
    source: str = ""               # link | fuzzy | search: how it was found

    def line(self) -> str:
        return f"{self.id} {self.table} {self.row} › {self.column}"


def _row_text(cat: Catalog, ref: CellRef) -> str:
    r = cat.doc.table(ref.table).rows[ref.row]
    label = r.label or "合计"                        # a total row without a printed name
    return f"{r.code} {label}" if r.code else label


def _row_cells(cat: Catalog, ref: CellRef, per_row: int) -> list[CellRef]:
    """The cell itself, then the row's other filled columns (a question may want one of them)."""
    t = cat.doc.table(ref.table)
    values = t.rows[ref.row].values
    others = [c for c in range(len(t.columns)) if c != ref.column and c < len(values) and values[c] is not None]
    return [ref] + [CellRef(ref.table, ref.row, c) for c in others[: per_row - 1]]


def _search_refs(q: str, cat: Catalog, search, k: int) -> list[CellRef]:
    if search is None:
        return []
    try:
        hits = search(q, k=k, filters={"doc": cat.doc.doc_id, "kind": "row"})
    except Exception:              # no index, or the Chroma server is down: linking alone
        return []
    out = []
    for h in hits:
        try:
            t = cat.doc.table(h.table)
        except (KeyError, ValueError, StopIteration):
            continue
        if 0 <= h.row_index < len(t.rows):
            out.append(CellRef(t.id, h.row_index, 0))
    return out


def _similarity(name: str, text: str) -> float:
    """How closely some stretch of ``text`` reads like ``name`` (difflib ratio of the best window)."""
    n = len(name)
    best = 0.0
    for size in {max(n - 1, 1), n, n + 1}:
        for i in range(0, max(len(text) - size + 1, 1)):
            best = max(best, difflib.SequenceMatcher(None, text[i:i + size], name).ratio())
    return best


def close_names(q: str, cat: Catalog, n: int = 4, cutoff: float = 0.6) -> list[Item]:
    """Row names that read like a stretch of the question (typos, one word for another), best first:
    more and looser than the rules' fuzzy match, since the model and the checks below choose."""
    text = re.sub(r"[\s，。？?！!、：:]|是多少|多少|有多少|是什么|安排了|预算", "", q)
    scored = []
    for label, e in cat.entries.items():
        if e.kind in ("row", "project") and 3 <= len(label) <= 20 and not label.isdigit():
            r = _similarity(label, text)
            if r >= cutoff:
                scored.append((-r, len(label), label))
    return [Item(label, cat.entries[label].refs, "fuzzy") for _, _, label in sorted(scored)[:n]]


def candidates_for(q: str, cat: Catalog, search=None, k: int = 16, per_row: int = 2,
                   items: list[Item] | None = None) -> list[Candidate]:
    """Up to ``k`` cells the question may mean: the cells its words link to (exact names and
    codes, then fuzzy matches), then the hybrid index's rows; each row with up to ``per_row`` of its
    filled columns. ``items`` adds cells found by a better linker, first."""
    found: list[tuple[CellRef, str]] = []
    for item in items or []:
        found += [(ref, "given") for ref in item.refs]
    linked, rest = link_items(q, cat)
    for item in linked:
        found += [(ref, "link") for ref in item.refs]
    for item in fuzzy_items(rest, cat) + close_names(rest, cat):
        found += [(ref, "fuzzy") for ref in item.refs]
    found += [(ref, "search") for ref in _search_refs(q, cat, search, k=8)]
    chosen: dict[CellRef, str] = {}
    for ref, how in found:                 # every found cell first, then the rows' other columns
        if len(chosen) < k:
            chosen.setdefault(ref, how)
    for ref, how in found:
        for cell in _row_cells(cat, ref, per_row)[1:]:
            if len(chosen) < k:
                chosen.setdefault(cell, how)
    first: dict[tuple[str, int], int] = {}              # a row's columns right after its first cell
    for n, cell in enumerate(chosen):
        first.setdefault((cell.table, cell.row), n)
    cells = sorted(chosen, key=lambda c: (first[(c.table, c.row)], c.column))
    out = []
    for n, cell in enumerate(cells, 1):
        t = cat.doc.table(cell.table)
        out.append(Candidate(f"c{n}", t.id, t.title, _row_text(cat, cell), t.columns[cell.column], cell, chosen[cell]))
    return out


def candidate_prompt(question: str, candidates: list[Candidate], cat: Catalog, op: str = "lookup",
                     fixed: bool = False) -> str:
    """The user message: the tables named once, then one short line per candidate."""
    tables = dict.fromkeys(c.table for c in candidates)
    heads = "；".join(f"{t}={cat.doc.table(t).title}" for t in tables)
    return USER_PROMPT.format(tables=heads or "（无）", candidates="\n".join(c.line() for c in candidates) or "（无）",
                              question=question, op=f"（问题要求{OP_WORDS.get(op, op)}，选 {MODEL_OPS[op][0]} 个编号）" if fixed else "")


# ── the model's answer, validated ────────────────────────────────────────────────────────────────

class Proposal(BaseModel):
    """What the model may say: candidate ids and an operation; optionally a column or table to
    read the chosen rows from instead (each must exist)."""
    op: str = "lookup"
    ids: list[str] = Field(default_factory=list)
    unit: Literal["元", "万元", "亿元"] | None = None
    column: str | None = None
    table: str | None = None


class InvalidReading(ValueError):
    """The model's answer cannot be used; the message is sent back to it in the retry."""


def parse_proposal(text: str) -> Proposal:
    match = re.search(r"\{.*\}", text or "", re.S)
    if not match:
        raise InvalidReading("JSON 格式错误（不完整）" if "{" in (text or "") else "回答里没有 JSON 对象")
    try:
        data = json.loads(match.group(0))
    except json.JSONDecodeError as e:
        raise InvalidReading(f"JSON 格式错误（{e.msg}）") from None
    if not isinstance(data, dict):
        raise InvalidReading("回答应是一个 JSON 对象")
    if isinstance(data.get("ids"), (str, int)):
        data["ids"] = [data["ids"]]
    data["ids"] = [str(i).strip() for i in data.get("ids") or []]
    try:
        return Proposal.model_validate({k: v for k, v in data.items() if k in Proposal.model_fields})
    except ValidationError as e:
        first = e.errors()[0]
        raise InvalidReading(f"字段 {'.'.join(str(x) for x in first['loc'])} 不合要求（{first['msg']}）") from None


def _column_index(cat: Catalog, table: str, name: str) -> int | None:
    cols = cat.doc.table(table).columns
    name = re.sub(r"\s", "", name)
    for c, path in enumerate(cols):
        if name in (path, path.split("/")[-1]):
            return c
    return None


def _in_table(cat: Catalog, cell: CellRef, table: str) -> CellRef | None:
    """The same row read from another table (the name's entry has a cell there)."""
    if cell.table == table:
        return cell
    label = cat.doc.table(cell.table).rows[cell.row].label
    entry = cat.entries.get(re.sub(r"\s", "", label))
    other = next((r for r in entry.refs if r.table == table), None) if entry else None
    return CellRef(table, other.row, 0) if other else None


def validate(p: Proposal, candidates: list[Candidate], cat: Catalog) -> list[CellRef]:
    """The cells the proposal reads, or InvalidReading saying what is wrong with it."""
    if p.op not in MODEL_OPS:
        raise InvalidReading(f"op “{p.op}”不可用，只能是 {'、'.join(MODEL_OPS)}")
    by_id = {c.id: c for c in candidates}
    unknown = [i for i in p.ids if i not in by_id]
    if unknown:
        raise InvalidReading(f"编号 {'、'.join(unknown)} 不在候选列表中（候选是 c1 到 c{len(candidates)}）")
    cells = list(dict.fromkeys(by_id[i].ref for i in p.ids))
    if p.table:
        table = re.sub(r"\s", "", p.table)
        if not any(t.id == table for t in cat.doc.tables):
            raise InvalidReading(f"表“{p.table}”不存在（有 {'、'.join(t.id for t in cat.doc.tables)}）")
        moved = [_in_table(cat, c, table) for c in cells]
        if None in moved:
            raise InvalidReading(f"所选的行不在{table}中")
        cells = moved
    if p.column:
        moved = []
        for c in cells:
            col = _column_index(cat, c.table, p.column)
            if col is None:
                listed = "、".join(cat.doc.table(c.table).columns)
                raise InvalidReading(f"列“{p.column}”不在{c.table}中（{c.table} 的列：{listed}）")
            moved.append(CellRef(c.table, c.row, col))
        cells = moved
    low, high = MODEL_OPS[p.op]
    if cells and not low <= len(cells) <= high:
        raise InvalidReading(f"op {p.op} 需要 {low}{'' if low == high else f' 到 {high}'} 个编号，给了 {len(cells)} 个")
    return cells


TOTAL_COLUMNS = ("合计", "总计", "小计", "预算数", "决算数", "金额")


def cell_names(cat: Catalog, cell: CellRef) -> tuple[list[str], list[str]]:
    """The catalog labels naming exactly this cell (a whole table's or a column's total, one-row
    tables' columns), and those naming its row (name, code, project aliases)."""
    exact, row = [], []
    for label, e in cat.entries.items():
        if cell in e.refs:
            exact.append(label)
        elif e.kind in ("row", "code", "project") and any((r.table, r.row) == (cell.table, cell.row) for r in e.refs):
            row.append(label)
    return exact, row


def unsupported(cells: list[CellRef], text: str, cat: Catalog) -> str:
    """Why the question's own words do not support the reading ("" when they do): each chosen cell
    is named in the question (a catalog name of the cell or of its row, after synonyms); a column
    other than the total is named too; and the figure is read from the name's primary table unless
    the question names the table. A reading the words do not support is offered back as a question
    instead of answered. (A first cut of the coverage check every reading will go through.)"""
    for c in cells:
        t = cat.doc.table(c.table)
        exact, rows = cell_names(cat, c)
        said = [n for n in exact if n in text]
        said_row = [n for n in rows if n in text]
        if not said and not said_row:
            return f"问题没有说到“{_row_text(cat, c)}”"
        leaf = t.columns[c.column].split("/")[-1]
        if not said and c.column != 0 and leaf not in TOTAL_COLUMNS and leaf not in text:
            return f"问题没有说到“{leaf}”这一列"
        named_table = bool(re.search(rf"{c.table}(?!\d)", text)) or re.sub(r"^\d{4}年", "", t.title) in text
        primary = {cat.entries[n].refs[0].table for n in said or said_row}
        if not named_table and c.table not in primary:
            return f"“{_row_text(cat, c)}”的主要口径不在{c.table}"
    return ""


def resembles(cells: list[CellRef], question: str, cat: Catalog, cutoff: float = 0.5) -> bool:
    """Each chosen row reads at least a little like some words of the question (固定工资 ~ 基本工资,
    办工费 ~ 办公费, not 会议费 ~ 培训费): only then is the reading worth offering as a question."""
    for c in cells:
        row = cat.doc.table(c.table).rows[c.row]
        if not row.label or _similarity(row.label, question) < cutoff:
            return False
    return True


def option_text(cells: list[CellRef], cat: Catalog) -> str:
    """The model's reading as a question the user can send back as it is."""
    parts = []
    for c in cells:
        t = cat.doc.table(c.table)
        leaf = t.columns[c.column].split("/")[-1]
        col = "" if c.column == 0 or leaf in TOTAL_COLUMNS else f"的{leaf}"
        parts.append(f"{t.id}{t.title}中“{t.rows[c.row].label or '合计'}”{col}")
    return "、".join(parts) + "是多少？"


def model_clarify(question: str, doc_id: str, options: list[str]) -> Answer:
    """A clarify answer offering the model's reading(s) as questions to send back."""
    listed = "\n".join(f"- {escape_markdown(o)}" for o in options)
    return Answer(question, "clarify", f"您问的是不是：\n{listed}", doc=doc_id, options=list(options),
                  notes=["候选问法由语言模型提出，尚未回答；请确认后再问。"])


def reading_plan(p: Proposal, cells: list[CellRef], cat: Catalog, base: Plan) -> Plan:
    """The model's reading as an ordinary plan over the chosen cells."""
    items = []
    for c in cells:
        t = cat.doc.table(c.table)
        leaf = t.columns[c.column].split("/")[-1]
        row = t.rows[c.row].label or (leaf if c.column else t.title)      # a total row: the column's or table's name
        if c.column == 0 or row == leaf:
            items.append(Item(row, (c,), "column" if row == leaf else "row"))
            continue
        if c.column == 0:
            items.append(Item(row, (c,), "row"))
        else:
            items.append(Item(f"{row}·{t.columns[c.column].split('/')[-1]}", (c,), "column"))
    return Plan(p.op, cat.doc.doc_id, tuple(items), unit=p.unit or base.unit, words=base.words,
                text=base.text, notes=(MODEL_NOTE,), confident=False)
