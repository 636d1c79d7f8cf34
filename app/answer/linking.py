"""Linking a question's words to cells: catalog names and 科目编码 (longest first), fuzzy matches for
typos, the hybrid index as a last resort; then qualifiers that narrow a row to a column or a table,
a parent row, a name with its code.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from app.answer.catalog import Catalog, CellRef
from app.answer.normalize import apply_synonyms
from app.answer.vocabulary import FILLER, SINGLE_FILLER


@dataclass(frozen=True)
class Item:
    label: str                     # the catalog label linked to
    refs: tuple[CellRef, ...]      # candidate cells, primary first
    kind: str = "row"              # table | column | row | project | code | fuzzy | search
    span: tuple[int, int] = (-1, -1)  # where the question names it (for qualifiers)



def link_items(q: str, catalog: Catalog) -> tuple[list[Item], str]:
    """Items named in ``q`` (longest names first, no overlaps), and ``q`` with them blanked out."""
    text = apply_synonyms(q, catalog.labels())
    taken = [False] * len(text)
    found: list[tuple[int, Item]] = []
    for label in sorted(catalog.entries, key=len, reverse=True):
        if label.isdigit() and len(label) != 7 and len(label) != 5 and len(label) != 3:
            continue
        start = text.find(label)
        while start >= 0:
            end = start + len(label)
            if label.isdigit() and ((start > 0 and text[start - 1].isdigit()) or
                                    (end < len(text) and text[end].isdigit())):
                start = text.find(label, end)
                continue
            if not any(taken[start:end]):
                for i in range(start, end):
                    taken[i] = True
                e = catalog.entries[label]
                found.append((start, Item(label, e.refs, e.kind, (start, end))))
                break
            start = text.find(label, end)
    found.sort(key=lambda x: x[0])
    rest = "".join("　" if t else ch for ch, t in zip(text, taken))
    return [item for _, item in found], rest.replace("　", " ")


def _bigram_index(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """Character bigram → the labels (of four characters or more) that contain it; built once per
    catalog, so a typo is looked up by its neighbours instead of compared with every label."""
    key = (catalog.doc.doc_id, catalog.doc.sha256)
    if key not in _BIGRAMS:
        index: dict[str, set[str]] = {}
        for label in catalog.entries:
            if len(label) >= 4 and not label.isdigit():
                for i in range(len(label) - 1):
                    index.setdefault(label[i:i + 2], set()).add(label)
        _BIGRAMS[key] = {b: tuple(sorted(ls)) for b, ls in index.items()}
    return _BIGRAMS[key]


_BIGRAMS: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {}
_FILLER_WORDS = tuple(sorted((w for w in FILLER if len(w) >= 2), key=len, reverse=True))


def _blank_filler(q: str) -> str:
    """``q`` with filler words (预算, 多少 …) blanked, same length: a name is never matched across them."""
    for w in _FILLER_WORDS:
        q = q.replace(w, " " * len(w))
    return q
MAX_FUZZY_CANDIDATES = 40


def fuzzy_items(q: str, catalog: Catalog, cutoff: float = 0.8) -> list[Item]:
    """A name close to a stretch of the question (a typo, a missing or extra character), with the
    stretch it matched. Candidates come from shared bigrams (a typo leaves most of a name's bigrams
    intact), so the cost is bounded by the few names that share them, not by the catalog's size."""
    index = _bigram_index(catalog)
    q = _blank_filler(q)
    shared: dict[str, set[int]] = {}
    for i in range(len(q) - 1):
        for label in index.get(q[i:i + 2], ()):
            shared.setdefault(label, set()).add(i)
    candidates = sorted(((len(pos), label) for label, pos in shared.items() if len(pos) >= max(1, len(label) - 4)),
                        reverse=True)[:MAX_FUZZY_CANDIDATES]
    best: tuple[float, int, str, tuple[int, int]] | None = None
    for _, label in candidates:
        n = len(label)
        starts = {max(p - k, 0) for p in shared[label] for k in range(0, n)}
        for start in sorted(starts):
            for size in (n - 1, n, n + 1):
                window = q[start:start + size]
                if len(window) < n - 1 or " " in window:
                    continue
                if len(window) < n and _glued(q, start, start + len(window)):
                    continue          # 办工经费: not 工会经费 with 办 left over
                r = difflib.SequenceMatcher(None, window, label).ratio()
                if r >= cutoff and (best is None or (r, n) > best[:2]):
                    best = (r, n, label, (start, start + len(window)))
    if best is None:
        return []
    e = catalog.entries[best[2]]
    return [Item(best[2], e.refs, "fuzzy", best[3])]


def _glued(q: str, start: int, end: int) -> bool:
    """A stretch with a word character right beside it: part of a longer word, not a name that lost
    a character."""
    return any(0 <= k < len(q) and "\u4e00" <= q[k] <= "\u9fff" and q[k] not in SINGLE_FILLER
               for k in (start - 1, end))


def search_items(q: str, catalog: Catalog, search) -> list[Item]:
    """The hybrid search's top table row, when the lexical and the dense side both rank it near the
    top (either alone confuses near-identical names, so one signal is not enough)."""
    try:
        hits = search(q, k=5, filters={"doc": catalog.doc.doc_id, "kind": "row"})
    except Exception:            # no index yet, or the Chroma server is down: rules only
        return []
    for h in hits[:1]:
        if h.dense_rank is None or h.lexical_rank is None or h.dense_rank > 2 or h.lexical_rank > 2:
            return []
        row = catalog.doc.table(h.table).rows[h.row_index]
        if row.name in ("合计", "总计"):
            return []
        entry = catalog.entries.get(row.project or row.name)
        refs = entry.refs if entry else (CellRef(h.table, h.row_index, 0),)
        return [Item(row.label, refs, "search")]
    return []


SCOPE_KINDS = ("table", "column", "title")


def scope_items(items: list[Item], catalog: Catalog) -> list[Item]:
    """'一般公共预算中企业关闭破产补助', '企业改革补助的一般公共预算支出', '财政拨款支出中社会保障和就业支出':
    a whole-table or column word beside one row's name says which table (and column) the row is read
    from, instead of being a second item."""
    rows = [i for i in items if i.kind not in SCOPE_KINDS]
    scopes = [i for i in items if i.kind in SCOPE_KINDS]
    if not rows or not scopes or (len(rows) > 1 and not any(s.kind == "title" for s in scopes)):
        return items
    if len(rows) > 1:
        scopes = [s for s in scopes if s.kind == "title"]     # "表中A比B多多少": both read from that table
    narrowed_rows, used = [], []
    for row in rows:
        refs = list(row.refs)
        for sc in scopes:
            narrowed = _narrow(refs, sc, catalog)
            if narrowed:
                refs = narrowed
                if sc.label not in used:
                    used.append(sc.label)
        narrowed_rows.append((row, tuple(refs)))
    if not used:
        return items
    if len(rows) == 1:
        row, refs = narrowed_rows[0]
        out = [Item(f"{row.label}（{'·'.join(used)}）", refs, row.kind, row.span)]
    else:
        out = [Item(row.label, refs, row.kind, row.span) for row, refs in narrowed_rows]
    return out + [s for s in scopes if s.label not in used]


def _narrow(refs: list[CellRef], sc: Item, catalog: Catalog) -> list[CellRef]:
    doc = catalog.doc
    candidates = [sc]
    spending = catalog.entries.get(sc.label + "支出")
    if sc.kind == "column" and spending is not None and spending.kind == "table":
        candidates.insert(0, Item(spending.label, spending.refs, "table"))
    for cand in candidates:
        target = cand.refs[0]
        t = doc.table(target.table)
        if cand.kind in ("table", "title"):
            same = [CellRef(r.table, r.row, target.column if target.column else r.column)
                    for r in refs if r.table == target.table]
            if same:
                return same
        else:
            leaf = t.columns[target.column].split("/")[-1]
            out = []
            for r in refs:
                cols = [c for c, name in enumerate(doc.table(r.table).columns) if name.split("/")[-1] == leaf]
                if cols:
                    out.append(CellRef(r.table, r.row, cols[0]))
            if out:
                return out
    return []


def qualify(items: list[Item], catalog: Catalog, text: str = "") -> list[Item]:
    """'卫生健康支出的基本支出' → the 基本支出 cell of the 卫生健康支出 row (the column word right
    after the row's name, joined by nothing or 的/中的/里的)."""
    items = _under_parent(_merge_name_and_code(items, text), catalog, text)
    rows = [i for i in items if i.kind in ("row", "code", "project", "fuzzy")]
    cols = [i for i in items if i.kind == "column" and any(_adjacent(r, i, text) for r in rows)]
    if not rows or not cols:
        return items
    out = []
    used_cols = set()
    for item in items:
        if item in cols:
            continue
        if item in rows:
            for col in (c for c in cols if _adjacent(item, c, text)):
                refs = []
                for ref in item.refs:
                    t = catalog.doc.table(ref.table)
                    for c, name in enumerate(t.columns):
                        if name.split("/")[-1] == col.label:
                            refs.append(CellRef(ref.table, ref.row, c))
                            break
                if refs:
                    item = Item(f"{item.label}·{col.label}", tuple(refs), item.kind)
                    used_cols.add(col)
                    break
        out.append(item)
    out += [c for c in cols if c not in used_cols]
    return out


QUOTES_CLOSE, QUOTES_OPEN = "”\"」』’）)", "“\"「『‘"


def _adjacent(row: Item, col: Item, text: str) -> bool:
    """The column word right after the row's name: joined by nothing or 的/中的/里的, quotes and a
    科目编码 in brackets aside ("“行政运行”（2120101）的基本支出")."""
    if row.span[1] < 0 or col.span[0] < 0:
        return True
    between = text[row.span[1]:col.span[0]] if col.span[0] >= row.span[1] else None
    joint = rf"\s*[{QUOTES_CLOSE}]?\s*(?:[（(]\d{{3,7}}[)）])?\s*(的|中的|里的|之|中|里)?\s*[{QUOTES_OPEN}]?\s*"
    return between is not None and bool(re.fullmatch(joint, between))


def join_concepts(items: list[Item], catalog: Catalog, text: str) -> list[Item]:
    """"一般公共预算安排了哪几个项目支出": two words a few characters apart that together name a table
    (一般公共预算项目支出) mean that table."""
    out: list[Item] = []
    for item in items:
        prev = out[-1] if out else None
        joined = catalog.entries.get(prev.label + item.label) if prev is not None else None
        gap = text[prev.span[1]:item.span[0]] if prev is not None and 0 <= prev.span[1] <= item.span[0] else None
        if joined is not None and joined.kind == "table" and gap is not None and len(gap) <= 8 \
                and not re.search(r"[和与及、比跟]|加", gap):
            out[-1] = Item(joined.label, joined.refs, joined.kind, (prev.span[0], item.span[1]))
            continue
        out.append(item)
    return out


def one_row_two_tables(items: list[Item], catalog: Catalog) -> list[Item]:
    """"X在单位支出总体情况表和一般公共预算支出情况表里相差多少": one row read in each named table."""
    rows = [i for i in items if i.kind not in ("table", "title")]
    tables = [i for i in items if i.kind == "title"]
    if len(rows) != 1 or len(tables) != 2:
        return items
    out = []
    for t in tables:
        refs = _narrow(list(rows[0].refs), t, catalog)
        if not refs:
            return items
        out.append(Item(f"{rows[0].label}（{t.refs[0].table}）", tuple(refs), "column", rows[0].span))
    return out


def in_container(items: list[Item], catalog: Catalog, text: str, need: int = 2) -> list[Item]:
    """"支出预算里基本支出比项目支出多多少", "整个支出预算里的项目支出比上年少了多少", "…add up to in
    the basic expenditure budget": a whole-table or column word followed by 里/中 (or after "in the")
    says where the other ``need`` or more items are read, and is not an item itself."""
    out = list(items)
    for sc in items:
        after = [i for i in items if i.span[0] > sc.span[1] >= 0 and i.kind not in ("table", "title")]
        before = [i for i in items if 0 <= i.span[1] < sc.span[0] and i.kind not in ("table", "title")]
        chinese = re.match(r"\s*(?:[\u4e00-\u9fff]{0,12}?(?:表|预算))?\s*(?:里的|中的|里|中|内|之中|当中)",
                           text[sc.span[1]:]) and len(after) >= need       # "…经济分类预算表中，"
        english = re.search(r"\bin (?:the )?(?:20\d\d\s*)?$", text[:max(sc.span[0], 0)]) and len(before + after) >= need
        before = before or after
        if sc.kind not in ("table", "title", "column") or not (chinese or english):
            continue
        after = after if chinese else before
        if sc.kind == "column" and (need > 1 or not _narrows_rows(sc, after, catalog)):
            out = [i for i in out if i is not sc]     # "基本支出中人员经费比公用经费多多少": both are parts of it
            continue
        out = [i if i not in after else Item(i.label, tuple(_narrow(list(i.refs), sc, catalog)) or i.refs,
                                             i.kind, i.span) for i in out if i is not sc]
    return out


def _narrows_rows(column: Item, items: list[Item], catalog: Catalog) -> bool:
    """"项目支出中企业改革补助": a real column (not a total, not an item of a one-row table) read
    for the rows named after it."""
    ref = column.refs[0]
    t = catalog.doc.table(ref.table)
    leaf = t.columns[ref.column].split("/")[-1]
    return leaf not in ("合计", "小计", "总计") and len(t.rows) > 1 and \
        all(i.kind in ("row", "code", "project", "fuzzy") for i in items)


def _under_parent(items: list[Item], catalog: Catalog, text: str) -> list[Item]:
    """"城乡社区管理事务下“行政运行”", "检察（款）行政运行": a 类/款 name right before a row name says
    which of the rows so named is meant; it is no item of its own. So does a name sharing rows with
    the next one ("部门集中采购的物业管理服务": the row that is both)."""
    out: list[Item] = []
    for item in items:
        prev = out[-1] if out else None
        if prev is not None and prev.kind in ("row", "code") and item.kind in ("row", "code") \
                and prev.span[1] >= 0 and item.span[0] >= prev.span[1] \
                and re.fullmatch(rf"\s*(?:[（(][类款项][)）])?\s*(?:下的|下|中的|中|里的|里|的)?\s*[{QUOTES_OPEN}]?\s*",
                                 text[prev.span[1]:item.span[0]]):
            codes = {catalog.doc.table(r.table).rows[r.row].code for r in prev.refs} - {""}
            inside = tuple(r for r in item.refs if any(catalog.doc.table(r.table).rows[r.row].code.startswith(c)
                                                       and catalog.doc.table(r.table).rows[r.row].code != c
                                                       for c in codes))
            common = tuple(r for r in item.refs if r in set(prev.refs))    # 部门集中采购的物业管理服务
            if inside or common:
                label = item.label if inside else f"{prev.label}·{item.label}"
                out[-1] = Item(label, inside or common, item.kind, (prev.span[0], item.span[1]))
                continue
        out.append(item)
    return out


def _merge_name_and_code(items: list[Item], text: str) -> list[Item]:
    """"企业关闭破产补助（2080601）" or "2080601企业关闭破产补助": one row named twice, not two items."""
    out: list[Item] = []
    for item in items:
        prev = out[-1] if out else None
        if prev is not None and {prev.kind, item.kind} in ({"row", "code"}, {"project", "code"}) \
                and prev.span[1] >= 0 and item.span[0] >= prev.span[1] \
                and re.fullmatch(rf"\s*[（({QUOTES_CLOSE}]*\s*", text[prev.span[1]:item.span[0]]):
            code, name = (prev, item) if prev.kind == "code" else (item, prev)
            both = tuple(r for r in code.refs if (r.table, r.row) in {(n.table, n.row) for n in name.refs})
            if both:
                end = item.span[1] + (1 if text[item.span[1]:item.span[1] + 1] in "）)" else 0)
                out[-1] = Item(name.label, both, "code", (prev.span[0], end))
                continue
        out.append(item)
    return out

