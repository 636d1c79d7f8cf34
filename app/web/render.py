"""Chat messages as HTML, from the answer contract (app/answer/contract.py), answer first:

    the unit and year → the figure(s) with units → how the question was read, in one line →
    citations as numbered chips [1][2] (a click opens the evidence at that row) → details folded.

Breakdowns and rankings become a compact sorted table with a chip per row, and a bar chart sorted by
value (``chart_html``). Clarify answers become buttons that ask again. Every string from a document
or a question is escaped (format.h); the engine's Markdown is rendered with HTML and links off.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from app.answer.contract import Answer, Citation, Value
from app.web.format import amount, h, op_words, place, short_column, source_words, without_ids, yuan_in_text

MAX_READING_ROWS = 3


def _markdown():
    from markdown_it import MarkdownIt
    return MarkdownIt("commonmark", {"html": False}).disable(
        ["link", "image", "autolink", "html_inline", "html_block", "heading", "lheading", "code", "fence",
         "hr", "reference", "blockquote"])


_MD = None


def markdown_html(text: str) -> str:
    """The engine's Markdown (bold, lists) as HTML; raw HTML is shown as text, links are not made."""
    global _MD
    if _MD is None:
        _MD = _markdown()
    return _MD.render(text or "").strip()


# ── what an answer is about ─────────────────────────────────────────────────────────────────────

def doc_label(info) -> str:
    return f"{info.org} · {info.year}年{info.scope}{info.kind}"


def scope_line(a: Answer, docs: dict) -> str:
    """'和静县社会保险中心 · 2025年单位预算'; for answers across documents, the units compared."""
    r = a.reading
    if r is not None and r.org:
        info = docs.get(r.doc)
        return doc_label(info) if info is not None else f"{r.org} · {r.year or ''}年{r.kind}".replace(" · 年", "")
    if a.doc in docs:
        return doc_label(docs[a.doc])
    cited = list(dict.fromkeys(c.doc for c in a.citations if c.doc in docs))
    if len(cited) == 1:
        return doc_label(docs[cited[0]])
    if cited:
        years = sorted({docs[d].year for d in cited})
        span = f"{years[0]}年" if len(years) == 1 else f"{years[0]}–{years[-1]}年"
        return f"{len(cited)} 个单位比较 · {span}"
    return ""


def cite_label(c: Citation) -> str:
    """Short chip text: '表10 › 公务用车运行费 › 合计 · 第 3 页' or '情况说明 › 十、关于…'."""
    if not c.table:
        head = c.title.split(" / ")[-1] if c.title else "情况说明"
        head = head if len(head) <= 22 else head[:21] + "…"
        return f"情况说明 › {head}" + (f" · {place(c.source)}" if place(c.source) else "")
    parts = [c.table, c.row, short_column(c.column)]
    text = " › ".join(p for p in parts if p)
    return text + (f" · {place(c.source)}" if place(c.source) else "")


def cite_full(c: Citation) -> str:
    """The whole place, for the details: '表10《财政拨款…》 › 公务用车运行费 › 合计（原文第 721 行）'."""
    if not c.table:
        head = f"情况说明 › {c.title.replace(' / ', ' › ')}"
    else:
        head = " › ".join(p for p in (f"{c.table}《{c.title}》", c.row, c.column.replace('/', ' · ')) if p)
    return f"{head}（{source_words(c.source)}）" if c.source else head


def chip(n: int, c: Citation, shown: int, active: bool = False, org: str = "") -> str:
    """A citation chip: ``n`` indexes the conversation's citations, ``shown`` is its number in its answer;
    ``org`` names the unit when an answer cites several documents."""
    cls = "chip active" if active else "chip"
    label = f"{org} · {cite_label(c)}" if org else cite_label(c)
    return (f"<button type='button' class='{cls}' data-cite='{n}' title='查看依据：{h(cite_full(c))}'>"
            f"<span class='chip-n'>{shown}</span>{h(label)}</button>")


def org_of(c: Citation, citations, docs: dict) -> str:
    """The unit's name for a chip, when the citations come from more than one document."""
    if len({x.doc for x in citations}) < 2 or c.doc not in docs:
        return ""
    return docs[c.doc].org


def reading_line(a: Answer) -> str:
    """How the question was read, in one line (from ``reading``; else from the first citation)."""
    r = a.reading
    if r is not None and (r.table or r.rows or r.title):
        rows = list(r.rows)
        shown = "、".join(rows[:MAX_READING_ROWS]) + (f" 等 {len(rows)} 行" if len(rows) > MAX_READING_ROWS else "")
        where = f"{r.table}《{r.title}》" if r.table else (r.title or "情况说明")
        path = " › ".join(x for x in (where, shown, short_column(r.column)) if x)
        op = op_words(r.op)
        return f"按 {path}" + (f" · {op}" if op else "")
    if a.citations:
        c = a.citations[0]
        where = f"{c.table}《{c.title}》" if c.table else "情况说明"
        path = " › ".join(x for x in (where, c.row, short_column(c.column)) if x)
        return f"依据 {path}" + (f" 等 {len(a.citations)} 处" if len(a.citations) > 1 else "")
    return ""


# ── figures: the headline, or a breakdown table ──────────────────────────────────────────────────

def _num(v) -> Decimal:
    return Decimal(str(v))


def _bold_numbers(text: str) -> list[Decimal]:
    out = []
    for b in re.findall(r"\*\*(.+?)\*\*", text or ""):
        out += [Decimal(x.replace(",", "")) for x in re.findall(r"-?\d[\d,]*(?:\.\d+)?", b)]
    return out


def _twin(v: Value, values: list[Value]) -> Value | None:
    """The engine gives 元 answers with their 万元 figure beside: '99706020 元（合 9970.60 万元）'."""
    if v.unit != "元":
        return None
    return next((w for w in values if w.label == v.label and w.unit == "万元"), None)


def figure_parts(v: Value, values: list[Value]) -> tuple[str, str]:
    """(the figure, its 万元 equivalent or "未安排") for the headline: ('99,706,020 元', '合 9,970.60 万元')."""
    twin = _twin(v, values)
    if twin is not None:
        return amount(v.value, "元").split("（")[0], f"合 {amount(twin.value, '万元')}"
    if v.unit == "元" and abs(_num(v.value)) >= 10000:
        main, _, alt = amount(v.value, "元").partition("（")
        return main, alt.rstrip("）")
    zero = "未安排" if _num(v.value) == 0 and v.unit in ("万元", "元", "亿元") else ""
    return amount(v.value, v.unit), zero


def figure_html(v: Value, values: list[Value]) -> str:
    main, alt = figure_parts(v, values)
    extra = f"<span class='fig-alt'>{h(alt)}</span>" if alt else ""
    return (f"<div class='fig'><span class='fig-label'>{h(v.label)}</span>"
            f"<span class='fig-value'>{h(main)}</span>{extra}</div>")


def headline(a: Answer) -> list[Value]:
    """The figures the answer states as its result: those set in bold in the text; else up to three.
    A 万元 figure given beside its 元 figure is shown with it, not on its own."""
    twins = {id(t) for v in a.values if (t := _twin(v, a.values)) is not None}
    values = [v for v in a.values if id(v) not in twins]
    bold = _bold_numbers(a.answer)
    picked = [v for v in values if any(abs(_num(v.value) - n) < Decimal("0.005") for n in bold)]
    return picked or values[:3]


@dataclass
class Line:
    label: str
    value: Value
    cite: int            # index into the answer's citations, -1 for none
    total: bool = False


def _cite_for(label: str, a: Answer, k: int, n: int) -> int:
    names = [re.sub(r"^\d+\s*", "", c.row) for c in a.citations]
    exact = [i for i, name in enumerate(names) if name and name == label]
    if exact:
        return exact[0]
    if len(a.citations) == n:
        return k
    inside = [i for i, name in enumerate(names) if name and (label.endswith(name) or name in label)]
    return inside[0] if inside else -1


def _is_total(values: list[Value]) -> bool:
    if len(values) < 3:
        return False
    *parts, last = values
    return abs(sum(_num(v.value) for v in parts) - _num(last.value)) <= Decimal("0.011") * len(parts)


def breakdown(a: Answer, docs: dict | None = None) -> list[Line] | None:
    """Lines of a breakdown or ranking (≥ 3 figures in one unit), sorted; None for other answers."""
    vals = list(a.values)
    op = a.reading.op if a.reading is not None else ""
    if len(vals) < 3 or len({v.unit for v in vals}) != 1:
        return None
    if not (a.chart or op in ("list", "rank", "multi") or len(vals) >= 5):
        return None
    if op in ("sum", "diff", "compare", "share", "yoy", "prior", "per_person", "per_month"):
        return None
    total = _is_total(vals) and op != "rank"
    lines = [Line(v.label, v, _cite_for(v.label, a, k, len(vals))) for k, v in enumerate(vals)]
    if docs:
        for line in lines:
            c = a.citations[line.cite] if 0 <= line.cite < len(a.citations) else None
            if c is not None and not a.doc and c.doc in docs:
                line.label = f"{line.label}（{docs[c.doc].year}年）"
    body, tail = (lines[:-1], [lines[-1]]) if total else (lines, [])
    for t in tail:
        t.total = True
    nums = [_num(x.value.value) for x in body]
    ranked = op == "rank" or nums == sorted(nums, reverse=True) or nums == sorted(nums)
    if not ranked:
        body.sort(key=lambda x: _num(x.value.value), reverse=True)
    return body + tail


def cite_order(a: Answer, docs: dict) -> list[int]:
    """The answer's citations in the order the message shows them (a breakdown's rows first, sorted);
    the evidence panel opens at the first and steps through them in this order."""
    rows = [line.cite for line in breakdown(a, docs) or () if line.cite >= 0]
    rows = list(dict.fromkeys(rows))
    return rows + [i for i in range(len(a.citations)) if i not in rows]


def breakdown_html(lines: list[Line], base: int) -> str:
    unit = lines[0].value.unit
    rows = []
    for k, line in enumerate(lines, 1):
        n = base + line.cite if line.cite >= 0 else -1
        label = h(line.label)
        if n >= 0:
            label = f"<button type='button' class='row-link' data-cite='{n}' title='查看依据'>{label}</button>"
        rank = "" if line.total else str(k)
        cls = " class='total'" if line.total else ""
        rows.append(f"<tr{cls}><td class='rank'>{rank}</td><td class='item'>{label}</td>"
                    f"<td class='num'>{h(amount(line.value.value, unit))}</td></tr>")
    return (f"<div class='bd-scroll'><table class='breakdown'><thead><tr><th></th><th>项目</th>"
            f"<th class='num'>金额</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def _lead(text: str) -> str:
    """The first clause of a long listing sentence ('基本支出包括：', '…最高的是X，101.26 万元。')."""
    m = re.search(r"[：:。]", text)
    return text[: m.end()] if m else text


# ── messages ─────────────────────────────────────────────────────────────────────────────────────

def user_html(question: str, note: str = "") -> str:
    extra = f"<span class='msg-note'>{h(note)}</span>" if note else ""
    return f"<div class='msg user'><div class='bubble'>{h(question)}{extra}</div></div>"


def notice_html(text: str, kind: str = "notice") -> str:
    return f"<div class='msg bot {kind}'><div class='bubble'><p>{h(text)}</p></div></div>"


def pending_html(model_seconds: float | None = None, asking: bool = False) -> str:
    """The bubble while an answer is pending. With a language model configured (``model_seconds``, the
    most it may take) it says from the start that the model may be asked, and, once it is (``asking``),
    that it is being asked now."""
    if model_seconds is None:
        text = "<p>正在查找…</p>"
    elif asking:
        text = (f"<p>正在查找…</p><p class='model-status asking' role='status'><span class='dot'></span>"
                f"正在请教语言模型（最长 {model_seconds:g} 秒）：它只帮助理解问题，数字仍取自表格</p>")
    else:
        text = (f"<p>正在查找…</p><p class='model-status' role='status'>按规则查表；规则查不到时，"
                f"将请教语言模型（最长 {model_seconds:g} 秒）</p>")
    return f"<div class='msg bot pending'><div class='bubble'>{text}</div></div>"


MODEL_MARKS = {     # app.answer.llm.model_part → the mark on the answer (display only: no figure comes from it)
    "used": "语言模型协助理解了问题；数字均取自表格",
    "offered": "以下问法由语言模型提出，尚未回答",
    "declined": "已请教语言模型，但未采用它的解读；仅按规则回答",
    "slow": "语言模型未在时限内回答；仅按规则回答",
    "unavailable": "语言模型不可用；仅按规则回答",
}


def model_mark_html(a: Answer) -> str:
    """A small mark when the answer's notes say the model was asked, unavailable or too slow."""
    from app.answer.llm import model_part
    part = model_part(a.notes)
    if part == "used" and a.status != "answered":
        part = "declined"
    if not part:
        return ""
    return f"<p class='model-mark {part}'>{h(MODEL_MARKS[part])}</p>"


def _notes(a: Answer, docs: dict) -> list[str]:
    return [without_ids(n, docs) for n in a.notes if not re.match(r"^[A-Za-z_ ]+:", n)]


def details_html(a: Answer, base: int, docs: dict, full_text: str = "") -> str:
    items = []
    if full_text:
        items.append(f"<div class='d-text'>{full_text}</div>")
    if a.calculation:
        items.append(f"<p><strong>计算：</strong>{h(a.calculation)}</p>")
    if a.status == "answered":
        items.append("<p><strong>核验：</strong>" + ("数值已由表内或表间勾稽关系核验 ✓" if a.verified
                                                  else "数值未被勾稽关系覆盖，请对照原表") + "</p>")
    if a.citations:
        cites = "".join(f"<li><button type='button' class='link' data-cite='{base + i}'>[{i + 1}]</button> "
                        f"{h(cite_full(c))}</li>" for i, c in enumerate(a.citations))
        items.append(f"<p><strong>出处：</strong></p><ol class='d-cites'>{cites}</ol>")
    notes = _notes(a, docs)
    if notes:
        items.append("<p><strong>说明：</strong></p><ul>" + "".join(f"<li>{h(n)}</li>" for n in notes) + "</ul>")
    if not items:
        return ""
    return f"<details class='more'><summary>详情：计算、核验与原文位置</summary>{''.join(items)}</details>"


def clarify_options(a: Answer, docs: dict) -> list[tuple[str, str, str]]:
    """(button text, question, doc id) for a clarify answer: the engine's options, else its candidates."""
    if a.options:
        return [(q, q, "") for q in a.options]
    out = []
    for n in a.notes:
        m = re.match(r"^candidates:\s*(.+)$", n)
        if m:
            out += [(doc_label(docs[d]), a.question, d) for d in re.split(r"[,，\s]+", m.group(1)) if d in docs]
    return out


def answer_html(a: Answer, base: int, docs: dict, unread: dict | None = None) -> str:
    """One answer as a chat message; its citations are numbered from ``base`` in the conversation.
    ``unread``: doc id → ``app.web.unread.Unread``, for a caveat on answers about a document with parts
    not read."""
    from app.web.unread import caveat_html
    marks = model_mark_html(a) + (caveat_html(a, unread) if unread else "")
    text = markdown_html(yuan_in_text(without_ids(a.answer, docs)))
    if a.status == "clarify":
        options = clarify_options(a, docs)
        if options and not a.options:       # the engine's own list of documents becomes the buttons
            text = markdown_html(without_ids(a.answer.split("\n")[0], docs))
        buttons = "".join(f"<button type='button' class='ask' data-ask='{h(q)}' data-doc='{h(d)}'>{h(label)}</button>"
                          for label, q, d in options)
        return (f"<div class='msg bot clarify'><div class='bubble'>{marks}<div class='text'>{text}</div>"
                f"<div class='options'>{buttons}</div></div></div>")
    if a.status != "answered":
        return f"<div class='msg bot refused'><div class='bubble'><div class='text'>{text}</div>" \
               f"{marks}{details_html(a, base, docs)}</div></div>"
    scope = scope_line(a, docs)
    head = f"<p class='scope'>{h(scope)}</p>" if scope else ""
    lines = breakdown(a, docs)
    chipped: set[int] = set()
    if lines is not None:
        figures = breakdown_html(lines, base)
        chipped = {line.cite for line in lines if line.cite >= 0}
        shown, folded = markdown_html(yuan_in_text(without_ids(_lead(a.answer), docs))), text
    else:
        top = headline(a)
        figures = "".join(figure_html(v, a.values) for v in top)
        plain = len(top) == 1 and len(a.citations) <= 1 and not a.calculation and \
            (a.reading is None or a.reading.op == "lookup")
        shown, folded = ("", text) if plain else (text, "")
    reading = reading_line(a)
    read = f"<p class='reading'>{h(reading)}</p>" if reading else ""
    rest = [chip(base + i, c, i + 1, org=org_of(c, a.citations, docs)) for i, c in enumerate(a.citations)
            if i not in chipped]
    chips = f"<div class='chips'><span class='chips-label'>出处</span>{''.join(rest)}</div>" if rest else ""
    body = f"<div class='text'>{shown}</div>" if shown else ""
    if lines is not None:           # a listing: its first clause leads into the table
        return (f"<div class='msg bot answer'><div class='bubble'>{head}{body}<div class='figs'>{figures}</div>"
                f"{read}{marks}{chips}{details_html(a, base, docs, folded)}</div></div>")
    return (f"<div class='msg bot answer'><div class='bubble'>{head}<div class='figs'>{figures}</div>{read}"
            f"{marks}{body}{chips}{details_html(a, base, docs, folded)}</div></div>")


def log_html(messages: list[str]) -> str:
    if not messages:
        return ("<div class='log empty' role='region' aria-label='对话'><p class='hint'>请输入关于预算公开的问题，"
                "例如“公务用车运行费是多少？”。回答中的每个数字都注明出处，点击出处可查看原表。</p></div>")
    # a region, not a live log: the whole conversation is drawn anew after each answer, and a live
    # region would have a screen reader read all of it again
    return f"<div class='log' role='region' aria-label='对话'>{''.join(messages)}</div>"


# ── chart ─────────────────────────────────────────────────────────────────────────────────────────

def chart_html(a: Answer, docs: dict) -> str:
    """A horizontal bar chart of ``answer.chart``, sorted by value, each bar labelled with its item,
    year and value with unit; no total bar. Empty string when the answer has no chart."""
    chart = a.chart or {}
    labels, values, unit = list(chart.get("labels") or []), list(chart.get("values") or []), chart.get("unit", "")
    if len(labels) < 2 or len(labels) != len(values):
        return ""
    nums = [_num(v) for v in values]
    pairs = list(zip(labels, nums))
    if len(pairs) >= 3 and abs(sum(pairs[i][1] for i in range(len(pairs) - 1)) - pairs[-1][1]) \
            <= Decimal("0.011") * (len(pairs) - 1):
        pairs = pairs[:-1]                  # the total of a breakdown is no bar of its own
    years = _years(a, labels, docs)
    ascending = a.reading is not None and a.reading.op == "rank" and \
        [_num(v.value) for v in a.values] == sorted(_num(v.value) for v in a.values) and len(a.values) > 1
    pairs.sort(key=lambda p: p[1], reverse=not ascending)
    top = max((abs(v) for _, v in pairs), default=Decimal(1)) or Decimal(1)
    shown_unit = "万元" if unit == "元" and top >= 10000 else unit      # 119,385,303 元 → 11,938.53 万元
    bars = []
    for label, v in pairs:
        year = years.get(label, "")
        name = f"{label} · {year}" if year else label
        share = float(abs(v) / top)
        bars.append(f"<div class='bar-row' data-value='{v}'><div class='bar-label'>{h(name)}</div>"
                    f"<div class='bar-line'><span class='bar' style='width:calc((100% - 6.5rem) * {share:.3f})'></span>"
                    f"<span class='bar-value'>{h(amount(v / 10000 if shown_unit != unit else v, shown_unit))}"
                    f"</span></div></div>")
    order = "从小到大" if ascending else "从大到小"
    return (f"<figure class='chart' aria-label='图表'><figcaption>按金额{order} · 单位：{h(shown_unit)}</figcaption>"
            f"{''.join(bars)}</figure>")


def _years(a: Answer, labels: list[str], docs: dict) -> dict[str, str]:
    """The year of each bar: its own document's for answers across units, else the answer's."""
    if a.doc in docs:
        return {label: f"{docs[a.doc].year}年" for label in labels}
    out = {}
    for label in labels:
        info = next((docs[c.doc] for c in a.citations if c.doc in docs and docs[c.doc].org == label), None)
        if info is None and len(a.citations) == len(labels):
            c = a.citations[labels.index(label)]
            info = docs.get(c.doc)
        if info is not None:
            out[label] = f"{info.year}年"
    return out


def examples_html(examples: list[tuple[str, str]]) -> str:
    if not examples:
        return ""
    buttons = "".join(f"<button type='button' class='ask example' data-ask='{h(q)}' data-doc='{h(d or '')}'>"
                      f"{h(q)}</button>" for q, d in examples)
    return f"<div class='examples' aria-label='示例问题'><span class='examples-label'>试试问：</span>{buttons}</div>"
