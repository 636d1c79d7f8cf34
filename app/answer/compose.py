"""Results → the answer contract: a short Chinese text, values, citations, calculation, notes.

Every figure in the text is one of the answer's values (or stated in a cited cell or passage).
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from app.answer.catalog import Catalog, CellRef
from app.answer.contract import Answer, Citation, Value
from app.answer.figures import Figure, Result, fmt
from app.answer.reading import reading_line, reading_of
from app.answer.text import escape_markdown


def cite_cell(cat: Catalog, ref: CellRef) -> Citation:
    t = cat.doc.table(ref.table)
    r = t.rows[ref.row]
    row = r.label if not r.code else f"{r.code} {r.label}"
    return Citation(cat.doc.doc_id, t.id, t.title, row, t.columns[ref.column], r.source)


def cite_section(cat: Catalog, k: int, label: str = "") -> Citation:
    s = cat.doc.sections[k]
    return Citation(cat.doc.doc_id, "", " / ".join(s.path) or "情况说明", label, "", s.source)


def _amount(f: Figure) -> str:
    return f"{fmt(f.value, f.unit)} {f.unit}" if f.unit not in ("%",) else f"{fmt(f.value, '%')}%"


def _escaped(value):
    """Document text (row names, titles, quotes) as Markdown that shows it, never renders it."""
    if isinstance(value, str):
        return escape_markdown(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [escape_markdown(v) for v in value]
    return value


def _kind(cat: Catalog) -> str:
    """What last year's figure was: a 预算's, or a 决算's (final accounts compare what was spent)."""
    return "决算" if cat.doc.kind.startswith("决算") else "预算"


def _text(res: Result, cat: Catalog) -> str:
    p = res.plan
    figs = [replace(f, label=escape_markdown(f.label)) for f in res.figures]
    x = {k: _escaped(v) for k, v in res.extra.items()}
    if x.get("change") is not None and getattr(x["change"], "reason", ""):
        x["change"] = replace(x["change"], reason=escape_markdown(x["change"].reason))
    res = replace(res, quote=escape_markdown(res.quote))
    op = x.get("as", p.op)
    year = f"{cat.doc.year}年" if cat.doc.year else ""
    if op in ("lookup", "multi"):
        if x.get("in_wan") and len(figs) == 2:
            f, wan = figs
            t = cat.doc.table(f.cells[0].table)
            return f"{year}{f.label}为 **{_amount(f)}**（合 {_amount(wan)}）（{t.id}《{escape_markdown(t.title)}》）。"
        if len(figs) == 1:
            f = figs[0]
            t = cat.doc.table(f.cells[0].table)
            zero = "（未安排）" if f.value == 0 else ""
            kind = "" if cat.doc.kind in f.label else cat.doc.kind
            when = "" if f.label[:4].isdigit() else year
            return f"{when}{f.label}{kind}为 **{_amount(f)}**{zero}（{t.id}《{escape_markdown(t.title)}》）。"
        return "；".join(f"{f.label} **{_amount(f)}**" + ("（未安排）" if f.value == 0 else "") for f in figs) + "。"
    if p.op == "sum":
        parts = "、".join(f.label for f in figs[:-1])
        return f"{parts}合计 **{_amount(figs[-1])}**（{'，'.join(f'{f.label} {_amount(f)}' for f in figs[:-1])}）。"
    if p.op in ("diff", "compare"):
        a, b, d = figs
        if x.get("equal"):
            return f"{a.label}与{b.label}相同，均为 **{_amount(a)}**。"
        big, small = (a, b) if a.label == x["big"] else (b, a)
        lead = f"{big.label}更多。" if p.op == "compare" else ""
        return f"{lead}{big.label} {_amount(big)}，{small.label} {_amount(small)}，{big.label}比{small.label}多 **{_amount(d)}**。"
    if p.op == "exclude":
        whole, *parts, rest = figs
        listed = "、".join(f"{f.label} {_amount(f)}" for f in parts)
        return f"{whole.label} {_amount(whole)}，扣除{listed}后为 **{_amount(rest)}**。"
    if p.op == "share" and p.times:
        num, den, s = figs
        return f"{num.label} {_amount(num)}，是{den.label} {_amount(den)} 的 **{_amount(s)}**。"
    if p.op == "share":
        num, den, s = figs
        return f"{num.label} {_amount(num)}，占{den.label} {_amount(den)} 的 **{_amount(s)}**。"
    if p.op == "per_person":
        base, people, per = figs
        return f"按{people.label} {_amount(people)}计算，{per.label} **{_amount(per)}**（{base.label}共 {_amount(base)}）。"
    if p.op == "per_month":
        base, month = figs
        return f"{base.label}全年 {_amount(base)}，平均每月 **{_amount(month)}**。"
    if p.op == "rank":
        word = "最少" if p.ascending else "最多"
        if len(figs) == 1:
            return f"{x['of']}中{word}的是**{figs[0].label}**，{_amount(figs[0])}。"
        listed = "、".join(f"{f.label} {_amount(f)}" for f in figs)
        return f"{x['of']}中{word}的{len(figs)}项依次是：{listed}。"
    if p.op == "list":
        listed = "；".join(f"{f.label} {_amount(f)}" for f in figs)
        empty = f" 未安排：{'、'.join(x['empty'])}。" if x.get("empty") else ""
        return f"{x['of']}包括：{listed}。{empty}"
    if p.op == "count":
        return f"{figs[0].label}为 **{fmt(figs[0].value, '项')} 项**：{'、'.join(x['names'])}。"
    if p.op == "yoy":
        ch, change, pct, current = x["change"], x["change_fig"], x["pct_fig"], x["current"]
        head = f"{year}{x['label']}为 {_amount(current)}，" if current is not None else f"{x['label']}"
        reason = f"主要原因：{ch.reason}。" if ch.reason else ""
        if change is None:          # the narrative states the percentage only
            return f"{head}比上年{'增长' if (ch.percent or 0) >= 0 else '下降'} **{_amount(pct)}**（据情况说明）。{reason}"
        if ch.change == 0:
            return f"{head}与上年{_kind(cat)}持平（增减 **{_amount(change)}**，据情况说明）。{reason}"
        direction = "增加" if ch.change >= 0 else "减少"
        rate = ""
        if pct is not None:
            rate = f"，{'增长' if ch.change >= 0 or (ch.percent or 0) > 0 else '下降'} **{_amount(pct)}**"
        return f"{head}比上年{_kind(cat)}{direction} **{_amount(change)}**{rate}（据情况说明）。{reason}"
    if p.op == "prior":
        current, change, prior = figs
        return (f"文档未直接列出上年数；据情况说明，本年{current.label.removeprefix('本年')} {_amount(current)}，"
                f"{change.label} {_amount(change)}，推算上年为 **{_amount(prior)}**。")
    if p.op == "why":
        ch = x.get("change")
        what = f"{x['label']}比上年{'增加' if (ch.change if ch.change is not None else ch.percent) >= 0 else '减少'}" \
            if ch else x["label"]
        amount = f" **{_amount(figs[0])}**" if figs else ""
        if x.get("parts"):
            return f"据情况说明，{x['label']}各组成部分的变化及原因：{res.quote.rstrip('。')}。"
        return f"据情况说明，{what}{amount}的主要原因是：{res.quote.rstrip('。')}。"
    if op == "fact" and not figs:            # a passage: what the unit does
        return f"据情况说明：{res.quote.strip()}"
    if op == "fact":
        f = figs[0]
        return f"据情况说明：{res.quote.strip()}（{f.label}：**{_amount(f)}**）"
    return ""


def compose(question: str, results: list[Result], cat: Catalog | None) -> Answer:
    """The answer: every part answered, or — when any part was refused or not read — that, with the
    parts that can be asked on their own offered back (a part answered alone would be taken for
    the whole answer)."""
    answered = [r for r in results if r.status == "answered"]
    doc_id = cat.doc.doc_id if cat else ""
    if cat is None or len(answered) < len(results):
        return _not_answered(question, results, answered, doc_id)
    texts, values, citations, calcs, notes = [], [], [], [], []
    verified = True
    chart = None
    shown: list[tuple] = []
    for r in results:
        key = tuple((f.label, f.value, f.unit) for f in r.figures)
        if key not in shown:           # "哪个多？多多少？" — both parts give the same figures
            texts.append(_text(r, cat))
            shown.append(key)
        for f in r.figures:
            v = Value(f.label, f.value, f.unit)
            if v not in values:
                values.append(v)
            if f.sections or not f.cells:
                verified = False
            for ref in f.cells:
                if (ref.row, ref.column) not in cat.doc.table(ref.table).verified:
                    verified = False
        for ref in r.cited_cells:
            c = cite_cell(cat, ref)
            if c not in citations:
                citations.append(c)
        for k in r.cited_sections:
            c = cite_section(cat, k)
            if c not in citations:
                citations.append(c)
        for f in r.figures:
            same = same_amount_in_tables(cat, f) if f.sections and not f.cells else []
            citations += [c for c in map(lambda ref: cite_cell(cat, ref), same) if c not in citations]
            if same:
                where = "、".join(f"{ref.table}“{cat.doc.table(ref.table).rows[ref.row].label}”" for ref in same)
                notes.append(f"{where}也列有 {fmt(f.value, f.unit)} {f.unit}（同一数额）。")
        if r.calculation:
            calcs.append(r.calculation)
        notes += [n for n in r.notes if n not in notes]
        chart = chart or r.chart
    reading = reading_of(results[0], cat)
    line = reading_line(reading, cat.doc.scope)
    return Answer(question, "answered", "\n\n".join([line] + [t for t in texts if t]), values, citations,
                  "；".join(calcs) or None, verified, notes, doc=doc_id, chart=chart, reading=reading)


MIN_DIGITS_MATCHED = 5      # 1585.96 found in a table is that figure; 80.00 may be another one


def same_amount_in_tables(cat: Catalog, f) -> list[CellRef]:
    """Table cells holding a narrative figure's exact amount (at most one per table, three in all),
    when the amount has enough digits not to be a coincidence."""
    digits = str(abs(f.value)).replace(".", "").strip("0")
    if f.unit not in ("万元", "元") or len(digits) < MIN_DIGITS_MATCHED:
        return []
    out = []
    for t in cat.doc.tables:
        factor = {("万元", "元"): 10000, ("元", "万元"): Decimal("0.0001")}.get((f.unit, t.unit), 1)
        want = f.value * factor
        hit = next((CellRef(t.id, r, c) for r, row in enumerate(t.rows) for c, v in enumerate(row.values)
                    if v is not None and v == want), None)
        if hit is not None:
            out.append(hit)
    return out[:3]


def _not_answered(question: str, results: list[Result], answered: list[Result], doc_id: str) -> Answer:
    failed = [r for r in results if r.status != "answered"]
    if not failed:
        return Answer(question, "refused", "文档中没有找到相关信息。文档中没有的内容，我不作推测。", doc=doc_id)
    first = failed[0]
    options = list(dict.fromkeys(o for r in failed for o in r.options))
    if len(results) > 1 and answered:
        options += [_as_question(r.plan.text) for r in answered]
    if first.status == "clarify" or (answered and options):
        reason = first.reason or "这个问题我没有完全读懂。"
        listed = "".join(f"\n- {escape_markdown(o)}" for o in options)
        ask = "您可以这样问：" if options else "请换一种说法，说清楚是哪一张表、哪一项、哪一列。"
        return Answer(question, "clarify", f"{reason}{ask}{listed}", doc=doc_id, options=options,
                      notes=[r.reason for r in failed[1:] if r.reason])
    reason = first.reason or "文档中没有找到相关信息。"
    text = reason if "推测" in reason else f"{reason}文档中没有的内容，我不作推测。"
    return Answer(question, "refused", text, doc=doc_id)


def _as_question(text: str) -> str:
    text = (text or "").strip(" ，,")
    return text if text.endswith(("？", "?")) else f"{text}？"
