"""Questions across documents (scope.py decides when): the same item for several units ("哪个单位的公务用车运行费最高"), and
the same unit in two years ("比2024年预算增加多少"). Each figure is cited to its own document."""
from __future__ import annotations

import re
from dataclasses import replace

from app.answer.catalog import Catalog, catalog_for
from app.answer.compose import cite_cell
from app.answer.contract import Answer, Value, round_half_up
from app.answer.figures import fmt, item_figure
from app.answer.coverage import check
from app.answer.figures import Result
from app.answer.linking import link_items, qualify
from app.answer.plan import Plan
from app.answer.reading import reading_line, reading_of, unqualified
from app.answer.vocabulary import FUND_SOURCES
from app.answer.text import escape_markdown
from index.store import DocumentInfo, Store

COMMON_UNIT = "万元"


def _item_in(cat: Catalog, q: str):
    items, _ = link_items(q, cat)
    items = [i for i in qualify(items, cat, q) if i.refs]
    if not items:
        return None
    # a row or column named beside a table's words ("支出预算总表上的基本支出"): the row or column
    item = next((i for i in items if i.kind not in ("table", "title")), items[0])
    first = unqualified(cat, item.refs, q)      # the same cell in every year: the whole budget's, unless asked
    if first and not any(w in item.label for w in FUND_SOURCES):
        item = replace(item, refs=(first[0], *[r for r in item.refs if r != first[0]]))
    return item


def across_units(question: str, q: str, docs: list[DocumentInfo], store: Store) -> Answer:
    """``q``: the normalised question."""
    rows = []
    for d in docs:
        cat = catalog_for(store.load(d.doc_id))
        item = _item_in(cat, q)
        if item is not None:
            fig = item_figure(cat, item, unit=COMMON_UNIT)
            rows.append((d, cat, item, fig))
    if not rows:
        return Answer(question, "refused", "已导入的文档中都没有找到这一项，我不作推测。")
    ascending = bool(re.search(r"最少|最低|最小", q))
    rows.sort(key=lambda r: r[3].value, reverse=not ascending)
    top = rows[0]
    e = escape_markdown
    listed = "；".join(f"{e(d.org)}（{d.year}年）{fmt(f.value, f.unit)} {f.unit}" for d, _, _, f in rows)
    word = "最低" if ascending else "最高"
    missing = [d.org for d in docs if d.doc_id not in {r[0].doc_id for r in rows}]
    text = f"{e(top[3].label)}{word}的是**{e(top[0].org)}**，{fmt(top[3].value, top[3].unit)} {top[3].unit}。各单位：{listed}。"
    notes = [f"以下文档没有这一项：{'、'.join(missing)}。"] if missing else []
    values = [Value(f"{d.org} {f.label}", f.value, f.unit) for d, _, _, f in rows]
    citations = [cite_cell(cat, f.cells[0]) for _, cat, _, f in rows]
    verified = all((f.cells[0].row, f.cells[0].column) in cat.doc.table(f.cells[0].table).verified
                   for _, cat, _, f in rows)
    chart = {"kind": "bar", "labels": [d.org for d, *_ in rows], "values": [float(f.value) for *_, f in rows],
             "unit": COMMON_UNIT}
    return Answer(question, "answered", text, values, citations, None, verified, notes, doc="", chart=chart)


def across_years(question: str, q: str, this: DocumentInfo, other: DocumentInfo, store: Store,
                 mentions: tuple[str, ...] = ()) -> Answer | None:
    """``q``: the normalised question, ``mentions``: the words that named the unit. None when the
    item is not found in both years, or its reading does not account for the question's words (the
    question then goes the usual way: one document, the coverage check, a clarification)."""
    text = q
    for w in mentions:
        text = text.replace(w, " ", 1)
    cat_a, cat_b = catalog_for(store.load(this.doc_id)), catalog_for(store.load(other.doc_id))
    item_a, item_b = _item_in(cat_a, text), _item_in(cat_b, text)
    if item_a is None or item_b is None:
        return None
    a = item_figure(cat_a, item_a, unit=COMMON_UNIT)
    b = item_figure(cat_b, item_b, unit=COMMON_UNIT)
    read = Result(Plan("yoy", this.doc_id, (item_a,), text=text), figures=[a], cited_cells=list(a.cells))
    if not check(text, read, cat_a, mentions).ok:
        return None                     # 省检察院的公务接待费（三公口径）is not the 检察 row
    change = a.value - b.value
    direction = "增加" if change >= 0 else "减少"
    pct = round_half_up(abs(change) / b.value * 100) if b.value else None
    said = (f"{this.year}年{escape_markdown(a.label)} {fmt(a.value, a.unit)} {a.unit}，{other.year}年 {fmt(b.value, b.unit)} {b.unit}，"
            f"{direction} **{fmt(abs(change), a.unit)} {a.unit}**" + (f"，{'增长' if change >= 0 else '下降'} **{pct}%**。" if pct is not None else "。"))
    values = [Value(f"{this.year}年{a.label}", a.value, a.unit), Value(f"{other.year}年{b.label}", b.value, b.unit),
              Value(f"比{other.year}年{direction}", abs(change), a.unit)]
    if pct is not None:
        values.append(Value(f"比{other.year}年{'增长' if change >= 0 else '下降'}", pct, "%"))
    calc = f"{fmt(a.value, a.unit)} − {fmt(b.value, b.unit)} = {fmt(change, a.unit)} {a.unit}"
    verified = all((f.cells[0].row, f.cells[0].column) in c.doc.table(f.cells[0].table).verified
                   for c, f in ((cat_a, a), (cat_b, b)))
    reading = reading_of(read, cat_a)
    return Answer(question, "answered", f"{reading_line(reading, cat_a.doc.scope)}\n\n{said}",
                  values, [cite_cell(cat_a, a.cells[0]), cite_cell(cat_b, b.cells[0])],
                  calc, verified, [], doc=this.doc_id, reading=reading)


__all__ = ["across_units", "across_years"]
