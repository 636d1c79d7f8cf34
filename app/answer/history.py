"""One unit over the years: "江苏省人民检察院近三年的基本支出" → each loaded year's figure, each cited to
its own document, the change over the span, and a chart.

A unit's years are the documents whose unit has the same key (``DocumentInfo.unit_key``: one unit
under its spellings, 中国共产党江苏省委员会办公厅 2017 = 中共江苏省委办公厅 2018). Called by the engine
right after scope is resolved; it answers only when the question asks for several years (近三年,
历年, 2017-2019年, 变化趋势 …), the scoped unit has at least two loaded years, and every other word
of the question is read (the unit, the item, the span, filler); else it returns None and the engine
goes on as before.

    unit_history(question, q, scope, docs, store) -> Answer | None     # q: the normalised question
"""
from __future__ import annotations

import re

from app.answer.catalog import catalog_for
from app.answer.compose import cite_cell
from app.answer.contract import Answer, Reading, Value, round_half_up
from app.answer.figures import Figure, fmt, item_figure
from app.answer.linking import link_items, qualify
from app.answer.scope import Scope
from app.answer.text import escape_markdown
from index.store import DocumentInfo, Store

UNIT = "万元"
NUMERALS = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
LAST_N = re.compile(r"(?:近|最近|过去|前)\s*([两二三四五六七八九十]|\d{1,2})\s*(?:个)?\s*(?:年度|年)(?:来|以来)?|"
                    r"([两二三四五六七八九十]|\d{1,2})\s*年(?:来|以来|间)")
ALL_YEARS = re.compile(r"历年|各年度?|每一?年|逐年|这几年|近几年|最近几年|多年来?|历史|变化趋势|趋势|走势|年度变化|"
                       r"各个年度|几年的?变化|年度间")
SPAN = re.compile(r"(20\d\d)\s*年?\s*(?:-|—|–|~|～|至|到)\s*(20\d\d)\s*年?(?:度)?")
# words that carry no item: what is left of a question once the unit, the span and the item are read
FILLER = re.compile(r"请问|我想知道|分别|各自|各是|是多少|有多少|多少|是|的|了|呢|吗|啊|和|与|及|以及|"
                    r"变化情况|变化|情况|如何|怎样|怎么样|有何|有什么|哪些|预算数?|金额|资金|数额|数字|"
                    r"增减|增长|增加|减少|下降|上升|趋势|走势|对比|比较|列出|给出|看看|一下|每年|年度|年|"
                    r"[\s，,。.？?！!：:、（）()“”]")
REFUSE = re.compile(r"为什么|原因|为何|占比|比重|占.{0,8}%|百分之|人均|平均|预测|明年|将来|以后")


def wanted_years(q: str) -> tuple | None:
    """("last", n) for 近三年, ("span", a, b) for 2017-2019年, ("all",) for 历年/趋势; None otherwise."""
    m = SPAN.search(q)
    if m:
        a, b = sorted((int(m.group(1)), int(m.group(2))))
        return ("span", a, b)
    m = LAST_N.search(q)
    if m:
        word = m.group(1) or m.group(2)
        n = int(word) if word.isdigit() else NUMERALS.get(word, 0)
        return ("last", n) if n >= 2 else None
    if ALL_YEARS.search(q):
        return ("all",)
    return None


def unit_history(question: str, q: str, scope: Scope, docs: list[DocumentInfo], store: Store) -> Answer | None:
    """The figure of one item in each year of the scoped unit (``q``: the normalised question), or
    None when the question is not about several years of one unit, or not wholly understood."""
    want = wanted_years(q)
    if want is None or REFUSE.search(q):
        return None
    unit = _unit_of(scope, docs)
    if unit is None:
        return None
    years = _years_of(unit, docs, want)
    if len(years) < 2:
        return None
    text = q
    for mention in scope.mentions:            # the unit's name is no item
        text = text.replace(mention, " ", 1)
    text = _without_span(text)
    found: list[tuple[DocumentInfo, object, Figure]] = []
    missing: list[int] = []
    label = ""
    for info in years:
        cat = catalog_for(store.load(info.doc_id))
        items, rest = link_items(text, cat)
        items = [i for i in qualify(items, cat, text) if i.refs]
        if len(items) != 1 or FILLER.sub("", rest).strip():
            missing.append(info.year)
            continue
        fig = item_figure(cat, items[0], unit=UNIT)
        label = label or fig.label
        found.append((info, cat, fig))
    if len(found) < 2:
        return None
    return _answer(question, unit, want, found, missing, label)


def _unit_of(scope: Scope, docs: list[DocumentInfo]) -> DocumentInfo | None:
    """The scoped document, or (a clarification between years of one unit) its latest year."""
    by_id = {d.doc_id: d for d in docs}
    if scope.status == "answered" and scope.doc_id in by_id:
        return by_id[scope.doc_id]
    if scope.status == "clarify" and scope.candidates:
        candidates = [by_id[c] for c in scope.candidates if c in by_id]
        if candidates and len({d.unit_key for d in candidates}) == 1:
            return max(candidates, key=lambda d: d.year)
    return None


def _years_of(unit: DocumentInfo, docs: list[DocumentInfo], want: tuple) -> list[DocumentInfo]:
    """The unit's documents (same unit key, kind and scope), one per year with tables, oldest first,
    limited to the years asked for."""
    per_year: dict[int, DocumentInfo] = {}
    for d in docs:
        if d.unit_key == unit.unit_key and d.kind == unit.kind and d.scope == unit.scope and d.n_tables:
            per_year.setdefault(d.year, d)
    years = sorted(per_year)
    if want[0] == "last":
        years = years[-want[1]:]
    elif want[0] == "span":
        years = [y for y in years if want[1] <= y <= want[2]]
    return [per_year[y] for y in years]


def _without_span(q: str) -> str:
    for pattern in (SPAN, LAST_N, ALL_YEARS):
        q = pattern.sub(" ", q)
    return q


def _answer(question: str, unit: DocumentInfo, want: tuple, found: list, missing: list[int], label: str) -> Answer:
    first, last = found[0], found[-1]
    a, b = first[2].value, last[2].value
    change = b - a
    direction = "增加" if change >= 0 else "减少"
    pct = round_half_up(abs(change) / a * 100) if a else None
    span = f"{first[0].year}—{last[0].year}年"
    listed = "，".join(f"{info.year}年 {fmt(f.value, f.unit)} {f.unit}" for info, _, f in found)
    org, item = escape_markdown(unit.org), escape_markdown(label)
    t = last[1].doc.table(last[2].cells[0].table)
    line = (f"【{org}{span}{unit.scope}{unit.kind} · {escape_markdown(t.id)}《{escape_markdown(t.title)}》› "
            f"“{item}” · 逐年对比】")
    text = (f"{line}\n\n{org}{span}的{item}：{listed}。{last[0].year}年比{first[0].year}年{direction} "
            f"**{fmt(abs(change), UNIT)} {UNIT}**" + (f"（{'增长' if change >= 0 else '下降'} {pct}%）。" if pct is not None
                                                      else "。"))
    values = [Value(f"{info.year}年{f.label}", f.value, f.unit) for info, _, f in found]
    values.append(Value(f"{last[0].year}年比{first[0].year}年{direction}", abs(change), UNIT))
    if pct is not None:
        values.append(Value(f"{last[0].year}年比{first[0].year}年{'增长' if change >= 0 else '下降'}", pct, "%"))
    notes = []
    if want[0] == "last" and len(found) + len(missing) < want[1]:
        notes.append(f"只导入了{unit.org} {len(found) + len(missing)} 个年度的预算，按已有年度回答。")
    if missing:
        notes.append(f"{'、'.join(f'{y}年' for y in missing)}的文档中没有找到“{label}”这一项，未列入。")
    names = {info.org for info, _, _ in found}
    if len(names) > 1:
        notes.append(f"各年单位名称写法不同（{'、'.join(sorted(names))}），是同一单位。")
    verified = all((f.cells[0].row, f.cells[0].column) in cat.doc.table(f.cells[0].table).verified
                   for _, cat, f in found)
    reading = Reading(last[0].doc_id, unit.org, last[0].year, unit.kind, t.id, t.title,
                      (t.rows[last[2].cells[0].row].label,), t.columns[last[2].cells[0].column], "history")
    chart = {"kind": "bar", "labels": [f"{info.year}年" for info, _, _ in found],
             "values": [float(f.value) for _, _, f in found], "unit": UNIT}
    calc = f"{fmt(b, UNIT)} − {fmt(a, UNIT)} = {fmt(change, UNIT)} {UNIT}"
    return Answer(question, "answered", text, values, [cite_cell(cat, f.cells[0]) for _, cat, f in found], calc,
                  verified, notes, doc=last[0].doc_id, chart=chart, reading=reading)


__all__ = ["unit_history", "wanted_years"]
