"""Final accounts (决算): what was spent beside what was budgeted.

A 部门决算 prints 决算数 in its tables; the 年初预算数 (or 全年预算数) of an item is stated in its narrative
("…行政运行（项）。…年初预算为 1560.05 万元，支出决算为 1511.89 万元。决算数小于预算数的主要原因：…"), and the
“三公” table prints 预算数 beside 决算数. Questions in a 决算 document that ask for a budget figure, an execution
rate (执行率 = 决算数 ÷ 预算数), the gap between them or its reason, or a “三公” figure, are answered here: the
决算数 from its table cell (the statement's figure when no cell matches), the 预算数 from the statement or
the “三公” table, each cited; the arithmetic is ours. Other questions go on to the general engine.

    executions(doc) -> list[Execution]          # the document's 决算数-vs-预算 statements
    answer_final(question, text, cat) -> Answer | None
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from app.answer.catalog import Catalog, CellRef
from app.answer.contract import Answer, Citation, Reading, Value, round_half_up
from app.answer.coverage import named_in, runs, without_filler
from app.answer.figures import fmt
from app.answer.scope import YEAR
from app.answer.text import escape_markdown
from app.answer.vocabulary import BUDGET_MEASURE, FINAL_WORDS, FUND_NAMES, RATE_ASKED, ROLE_WORDS
from ingest.model import BudgetDocument

_N = r"(\d[\d,]*(?:\.\d+)?)"
STATEMENT = re.compile(rf"(?:年初预算(?:数)?为\s*{_N}\s*万元[，,、]?\s*)?(?:全年预算(?:数)?为\s*{_N}\s*万元[，,、]?\s*)?"
                       rf"(?:支出)?决算(?:数)?为\s*{_N}\s*万元(?:[，,]\s*完成(年初|全年)?预算(?:数)?的\s*{_N}\s*%)?")
ITEM = re.compile(r"([^（）()，。、；：:\s\d]+?)[（(]项[)）]")
COMPARED = re.compile(r"决算数?(小于|大于|低于|高于|超过|与)(?:全年|年初)?预算数?(基本持平|持平)?")
REASON = re.compile(r"主要原因(?:是|为)?[：:]?\s*([^。]+)|(决算数?与(?:全年|年初)?预算数?(?:基本)?持平)")
WHY = re.compile(r"原因|为什么|为何|为啥|怎么回事|没有?花完")
DIFF = re.compile(r"相差|差额|差多少|差了多少|少了多少|多了多少|少花|多花|节约|节省|超支|超出|多出|少多少|多多少|之差")
OTHER_WORDS = ("小于", "大于", "低于", "高于", "超过", "没有花完", "没花完", "花完", "没有", "完成", "支出", "财政拨款",
               "比", "和", "与", "占", "主要", "实际花了", "花了")


@dataclass(frozen=True)
class Execution:
    """One statement of the narrative: an item's 预算 (年初 and/or 全年) and 决算, and the reason given."""
    item: str                   # 行政运行 | 一般公共预算财政拨款支出 | “三公”经费财政拨款支出
    initial: Decimal | None     # 年初预算数
    full: Decimal | None        # 全年预算数
    final: Decimal              # 决算数
    rate: Decimal | None        # the rate the statement gives (完成年初预算的 98.20%)
    rate_base: str              # 年初 | 全年 | "" : which budget the stated rate says it is of
    compared: str               # how the text compares them: 小于 | 大于 | 持平 | 基本持平 | ""
    reason: str
    sentence: str
    section: int


def _dec(s: str | None) -> Decimal | None:
    return Decimal(s.replace(",", "")) if s else None


def _blocks(doc: BudgetDocument) -> list[tuple[str, list[tuple[int, int]]]]:
    """Consecutive paragraphs under one heading, joined (a PDF breaks "…行政运行（项）" and "。主要用于：…" into
    two), with where each paragraph starts: (text, [(offset, section index)])."""
    out: list[tuple[str, list[tuple[int, int]]]] = []
    last = None
    for k, sec in enumerate(doc.sections):
        text = re.sub(r"\s", "", sec.text)
        if out and sec.path == last:
            joined, starts = out[-1]
            out[-1] = (joined + text, starts + [(len(joined), k)])
        else:
            out.append((text, [(0, k)]))
        last = sec.path
    return out


def executions(doc: BudgetDocument) -> list[Execution]:
    out = []
    for text, starts in _blocks(doc):
        matches = [m for m in STATEMENT.finditer(text) if m.group(1) or m.group(2)]
        for n, m in enumerate(matches):
            before = text[matches[n - 1].end() if n else 0:m.start()]
            items = ITEM.findall(before)
            if items:
                item = items[-1]
            else:
                clause = re.split(r"[。；;：:]", before.rstrip("，,"))[-1]
                item = re.sub(r"^(?:\d+[、.．]|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)", "", clause)
            if not item:
                continue
            after = text[m.end():matches[n + 1].start() if n + 1 < len(matches) else len(text)]
            after = re.split(r"\d+[、.．](?=[^\d])", after)[0]         # up to the next numbered item
            r = REASON.search(after)
            reason = (r.group(1) or r.group(2)) if r else ""
            section = max(k for off, k in starts if off <= m.start())
            c = COMPARED.search(after)
            compared = (c.group(2) or "持平" if c.group(1) == "与" else c.group(1)) if c else ""
            out.append(Execution(item, _dec(m.group(1)), _dec(m.group(2)), _dec(m.group(3)), _dec(m.group(5)),
                                 m.group(4) or "", compared, reason, text[max(0, m.start() - len(item) - 40):m.end() + len(reason) + 12], section))
    return out


def final_year_words(text: str, doc: BudgetDocument) -> str:
    """A 决算 is published the year after: "去年实际花了多少" asks for the document's own year (no
    comparison asked)."""
    if doc.kind == "决算" and doc.year and re.search(r"去年|上年", text) and re.search(FINAL_WORDS + r"|花了", text) \
            and not re.search(r"比|较|相比|增|减|变化|变动|同比|持平", text):
        return re.sub(r"去年|上年", f"{doc.year}年", text)
    return text


def aliases(item: str) -> tuple[str, ...]:
    """Names a question may use for a statement's item."""
    names = [item]
    if "三公" in item:
        names += ["“三公”经费", "三公经费", "三公"]
    stem = re.sub(r"财政拨款支出$|支出$", "", item)
    if stem != item and len(stem) >= 4:
        names += [stem + "支出", stem]
    return tuple(dict.fromkeys(names))


# ── the “三公” table (预算数 | 决算数 per item) ─────────────────────────────────────────────────────

def _sangong_cells(cat: Catalog) -> dict[str, dict[str, CellRef | None]]:
    """item → {"预算数": cell, "决算数": cell} for a “三公” table with both measures (cells None when
    the table exists without figures: nothing was spent or budgeted)."""
    tables = cat.doc.tables_by_role("sangong")
    if not tables:
        return {}
    t = tables[0]
    rows = [i for i, r in enumerate(t.rows) if any(v is not None for v in r.values)]
    out: dict[str, dict[str, CellRef | None]] = {}
    for c, col in enumerate(t.columns):
        parts = col.split("/")
        if len(parts) < 2 or parts[0] not in ("预算数", "决算数"):
            continue
        leaf = parts[-1] if parts[-1] not in ("合计", "小计") else (parts[-2] if len(parts) > 2 else "“三公”经费")
        out.setdefault(leaf, {})[parts[0]] = CellRef(t.id, rows[0], c) if rows else None
    if not out and not rows:          # an empty “三公” table read with a generic header
        out["“三公”经费"] = {"预算数": None, "决算数": None}
    return out


def _sangong_names(leaf: str) -> tuple[str, ...]:
    if leaf == "“三公”经费":
        return ("“三公”经费", "三公经费", "三公")
    if leaf == "公务用车购置及运行费":
        return (leaf, "公务用车购置及运行维护费", "公务用车费用")
    if leaf == "公务用车运行费":
        return (leaf, "公务用车运行维护费")
    return (leaf, leaf.replace("（境）", ""))


# ── answering ─────────────────────────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class _Asked:
    op: str            # budget | final | rate | diff | why
    measure: str       # 年初 | 全年 | ""


def _asked(text: str) -> _Asked | None:
    plain = FUND_NAMES.sub(" ", text)
    budget = BUDGET_MEASURE.search(plain)
    measure = "全年" if "全年预算" in plain else "年初" if "年初预算" in plain else ""
    if WHY.search(text) and (budget or re.search(r"决算|实际|花完", text)):
        return _Asked("why", measure)
    if RATE_ASKED.search(text):
        return _Asked("rate", measure)
    if budget and DIFF.search(text):
        return _Asked("diff", measure)
    if budget:
        return _Asked("budget", measure)
    if re.search(FINAL_WORDS, text) or re.search(r"花了|花多少|支出", text):
        return _Asked("final", measure)
    return None


def _match(text: str, names_of: dict[str, tuple[str, ...]]) -> list[str]:
    """Keys whose longest name occurs in ``text`` (longest match first, names not overlapping)."""
    found: list[tuple[int, str, str]] = []
    for key, names in names_of.items():
        hit = max((n for n in names if n in text), key=len, default="")
        if hit:
            found.append((len(hit), key, hit))
    found.sort(reverse=True)
    out, taken = [], text
    for _, key, hit in found:
        if hit in taken:
            out.append(key)
            taken = taken.replace(hit, "\u0001")
    return out


def answer_final(question: str, text: str, cat: Catalog, budget: Catalog | None = None) -> Answer | None:
    """The answer to a 决算 question of this module's kind, or None (the general engine answers).
    ``budget``: the same unit's 预算 of the same year, when it is loaded (its cells are the 年初预算数 of
    items the 决算's narrative does not state)."""
    doc = cat.doc
    if doc.kind != "决算" or any(int(y) != doc.year for y in YEAR.findall(text)):
        return None
    asked = _asked(text)
    if asked is None:
        return None
    sangong = _sangong_cells(cat)
    sg_hit = _match(text, {k: _sangong_names(k) for k in sangong}) if "三公" in text or any(
        n in text for k in sangong for n in _sangong_names(k)) else []
    stmts = executions(doc)
    st_hit = _match(text, {str(i): aliases(s.item) for i, s in enumerate(stmts)})
    if sg_hit and asked.op in ("budget", "final", "rate", "diff") and (
            "三公" in text or not st_hit or asked.op in ("budget", "final")):
        return _covered(question, text, cat, _sangong_names(sg_hit[0]), asked,
                        lambda: _sangong_answer(question, cat, sg_hit[0], sangong[sg_hit[0]], asked))
    if asked.op == "final":
        return None
    if not st_hit and budget is not None and asked.op in ("budget", "rate", "diff"):
        row_hit = _match(text, {k: (k,) for k in _rows(cat)})
        if row_hit:
            return _covered(question, text, cat, (row_hit[0],), asked,
                            lambda: _across_answer(question, cat, budget, row_hit[0], asked))
    if not st_hit:
        return Answer(question, "refused", f"{doc.org}{doc.year}年决算的情况说明中没有找到这一项的预算数与决算数对比。",
                      doc=doc.doc_id, reading=Reading(doc.doc_id, doc.org, doc.year, doc.kind, op=asked.op))
    same = [i for i in st_hit if stmts[int(i)].item == stmts[int(st_hit[0])].item]
    st = stmts[int(same[0])]
    label, planned = _budget(st, asked.measure)
    return _covered(question, text, cat, aliases(st.item), asked, lambda: side_by_side(
        _statement_answer(question, cat, st, asked), st.item, label, planned or Decimal(0), st.final)
        if asked.op != "why" and planned is not None else _statement_answer(question, cat, st, asked))


def _covered(question: str, text: str, cat: Catalog, names, asked: _Asked, build) -> Answer:
    """Answer only when the item, the measures and the operation account for every content word."""
    op = {"rate": "share", "diff": "diff", "why": "why", "budget": "lookup", "final": "lookup"}[asked.op]
    vocab = list(names) + list(ROLE_WORDS.get("sangong", ())) + [cat.doc.org]
    extra = ("年初预算数", "全年预算数", "年初预算", "全年预算", "预算执行率", "执行率", "执行进度", "预算数", "预算",
             "决算数", "决算", "实际支出", "实际", "执行数", *OTHER_WORDS)
    left = runs(text, vocab, op, extra)
    unknown = [u for w in left for u in without_filler(w)]
    named = [lab for w in left for lab in named_in(cat, w)]
    if unknown or named:
        doc = cat.doc
        words = "、".join(dict.fromkeys(unknown + named))
        return Answer(question, "clarify", f"问题中的“{escape_markdown(words)}”没能对应到{doc.org}{doc.year}年决算中的"
                      f"预算数与决算数；请换个说法，例如“{names[0]}的执行率是多少”。", doc=doc.doc_id)
    return build()


def _cite_cell(cat: Catalog, ref: CellRef) -> Citation:
    t = cat.doc.table(ref.table)
    row = t.rows[ref.row].label if ref.row < len(t.rows) else ""
    return Citation(cat.doc.doc_id, t.id, t.title, row or t.columns[ref.column].split("/")[-1],
                    t.columns[ref.column], t.rows[ref.row].source if ref.row < len(t.rows) else t.source)


def _cite_section(cat: Catalog, k: int) -> Citation:
    sec = cat.doc.sections[k]
    return Citation(cat.doc.doc_id, "", " › ".join(sec.path), "", "", sec.source)


def _head(cat: Catalog) -> str:
    doc = cat.doc
    return f"{escape_markdown(doc.org)}{doc.year}年{doc.scope}{doc.kind}"


def _sangong_answer(question: str, cat: Catalog, leaf: str, cells: dict, asked: _Asked) -> Answer:
    doc = cat.doc
    t = doc.tables_by_role("sangong")[0]
    measure = "预算数" if asked.op == "budget" else "决算数"
    figures = {m: (cat.value(ref) if ref is not None else Decimal(0)) for m, ref in
               (("预算数", cells.get("预算数")), ("决算数", cells.get("决算数")))}
    cites = [_cite_cell(cat, ref) for ref in (cells.get("预算数"), cells.get("决算数")) if ref is not None] or \
        [Citation(doc.doc_id, t.id, t.title, "", "", t.source)]
    reading = Reading(doc.doc_id, doc.org, doc.year, doc.kind, t.id, t.title, (leaf,), measure,
                      "share" if asked.op == "rate" else asked.op if asked.op == "diff" else "lookup")
    empty = all(ref is None for ref in cells.values())
    note = f"（{t.note.strip()}）" if empty and t.note.strip() else ("（表中无数，即未发生）" if empty else "")
    head = f"【{_head(cat)} · {t.id}《{escape_markdown(t.title)}》› {escape_markdown(leaf)}】"
    if asked.op == "rate":
        if not figures["预算数"]:
            return Answer(question, "refused", f"{head}\n{leaf}的预算数为 0，没有执行率。", doc=doc.doc_id, reading=reading)
        rate = round_half_up(figures["决算数"] / figures["预算数"] * 100)
        calc = f"{fmt(figures['决算数'], t.unit)} ÷ {fmt(figures['预算数'], t.unit)} = {rate}%"
        return Answer(question, "answered", f"{head}\n{leaf}决算数占预算数的 **{rate}%**（{calc}）。",
                      [Value(f"{leaf}执行率", rate, "%")], cites, calc, True, doc=doc.doc_id, reading=reading)
    if asked.op == "diff":
        gap = figures["预算数"] - figures["决算数"]
        calc = f"{fmt(figures['预算数'], t.unit)} − {fmt(figures['决算数'], t.unit)} = {fmt(gap, t.unit)}"
        return Answer(question, "answered", f"{head}\n{leaf}决算数比预算数{'少' if gap >= 0 else '多'} "
                      f"**{fmt(abs(gap), t.unit)} {t.unit}**（{calc}）。", [Value(leaf, abs(gap), t.unit)], cites, calc,
                      True, doc=doc.doc_id, reading=reading)
    v = figures[measure]
    said = "未发生（无" + leaf + "支出）" if not v and measure == "决算数" else "未安排" if not v else ""
    text = f"{head}\n{doc.year}年{escape_markdown(leaf)}{measure}为 **{fmt(v, t.unit)} {t.unit}**" + \
        (f"，{said}" if said else "") + f"{note}。"
    return Answer(question, "answered", text, [Value(f"{leaf}{measure}", v, t.unit)], cites, None,
                  bool(empty or any(ref is not None and (ref.row, ref.column) in t.verified for ref in cells.values())),
                  doc=doc.doc_id, reading=reading)


def final_cell(cat: Catalog, st: Execution) -> CellRef | None:
    """The table cell that prints the statement's 决算数: the item's row (its 合计 column) in the
    一般公共预算 or 支出 决算表, or the table the item names (一般公共预算财政拨款支出 → its total)."""
    doc = cat.doc
    for role in ("gpb_expenditure", "expenditure", "sangong"):
        for t in doc.tables_by_role(role):
            for i, r in enumerate(t.rows):
                v = r.values[0] if r.values else None
                if v is None or v != st.final:
                    continue
                named = r.name == st.item or (r.name in ("合计", "总计") and role != "sangong" and
                                              re.sub(r"支出$", "", st.item) in re.sub(r"决算表$|表$", "", t.title))
                if named:
                    return CellRef(t.id, i, 0)
    return None


def _statement_answer(question: str, cat: Catalog, st: Execution, asked: _Asked) -> Answer:
    doc = cat.doc
    item = escape_markdown(st.item)
    cell = final_cell(cat, st)
    cites = ([_cite_cell(cat, cell)] if cell is not None else []) + [_cite_section(cat, st.section)]
    t = doc.table(cell.table) if cell is not None else None
    reading = Reading(doc.doc_id, doc.org, doc.year, doc.kind, t.id if t else "", t.title if t else "",
                      (st.item,), "合计" if t else "", {"rate": "share", "budget": "lookup"}.get(asked.op, asked.op))
    where = f"{t.id}《{escape_markdown(t.title)}》› {item}" if t else f"情况说明 › {item}"
    head = f"【{_head(cat)} · {where}；预算数见情况说明】"
    verified = cell is not None and (cell.row, cell.column) in t.verified
    if asked.op == "why":
        if not st.reason:
            return Answer(question, "refused", f"{head}\n情况说明没有给出{item}决算数与预算数差异的原因。",
                          citations=cites, doc=doc.doc_id, reading=reading)
        return Answer(question, "answered", f"{head}\n{item}：{_budget_words(st)}，支出决算为 {fmt(st.final, '万元')} 万元。"
                      f"情况说明给出的原因：{escape_markdown(st.reason)}。", [], cites, None, verified,
                      doc=doc.doc_id, reading=reading)
    label, budget = _budget(st, asked.measure)
    if budget is None:
        return Answer(question, "refused", f"{head}\n情况说明没有给出{item}的{asked.measure or '年初'}预算数。",
                      citations=cites, doc=doc.doc_id, reading=reading)
    notes = []
    if not asked.measure and st.initial is not None and st.full is not None and label == "全年预算数":
        notes.append(f"年初预算数为 {fmt(st.initial, '万元')} 万元，故按全年预算数计算。")
    if asked.op == "budget":
        return Answer(question, "answered", f"{head}\n{item}{label}为 **{fmt(budget, '万元')} 万元**（情况说明）。",
                      [Value(f"{st.item}{label}", budget, "万元")], cites, None, False, notes, doc=doc.doc_id,
                      reading=reading)
    if asked.op == "diff":
        gap = budget - st.final
        calc = f"{fmt(budget, '万元')} − {fmt(st.final, '万元')} = {fmt(gap, '万元')}"
        word = "少" if gap >= 0 else "多"
        return Answer(question, "answered", f"{head}\n{item}决算数比{label}{word} **{fmt(abs(gap), '万元')} 万元**"
                      f"（{calc}）。", [Value(f"{st.item}决算数与{label}之差", abs(gap), "万元")], cites, calc,
                      verified, notes, doc=doc.doc_id, reading=reading)
    if not budget:
        return Answer(question, "refused", f"{head}\n{item}的{label}为 0，没有执行率。", citations=cites,
                      doc=doc.doc_id, reading=reading)
    rate = round_half_up(st.final / budget * 100)
    calc = f"{fmt(st.final, '万元')} ÷ {fmt(budget, '万元')} = {rate}%"
    return Answer(question, "answered", f"{head}\n{item}决算数占{label}的 **{rate}%**（{calc}）。",
                  [Value(f"{st.item}执行率", rate, "%")], cites, calc, verified, notes, doc=doc.doc_id,
                  reading=reading)


def side_by_side(answer: Answer, item: str, budget_label: str, budget: Decimal, final: Decimal) -> Answer:
    """The item's 预算数 beside its 决算数, as a bar chart (the page draws it beside the answer)."""
    if answer.status == "answered":
        answer.chart = {"kind": "bar", "labels": [f"{item} {budget_label}", f"{item} 决算数"],
                        "values": [float(budget), float(final)], "unit": "万元"}
    return answer


def _budget(st: Execution, measure: str) -> tuple[str, Decimal | None]:
    if measure == "全年":
        return "全年预算数", st.full
    if measure == "年初":
        return "年初预算数", st.initial
    if st.initial:                    # not said which: the 年初 one, unless it is 0 or missing
        return "年初预算数", st.initial
    return ("全年预算数", st.full) if st.full is not None else ("年初预算数", st.initial)


def _budget_words(st: Execution) -> str:
    parts = []
    if st.initial is not None:
        parts.append(f"年初预算为 {fmt(st.initial, '万元')} 万元")
    if st.full is not None:
        parts.append(f"全年预算为 {fmt(st.full, '万元')} 万元")
    return "，".join(parts)


# ── across a unit's 预算 and 决算 of one year ────────────────────────────────────────────────────────

TOTALS = {"一般公共预算财政拨款支出": "gpb_expenditure", "一般公共预算支出": "gpb_expenditure", "本年支出合计": "expenditure"}


def _rows(cat: Catalog) -> dict[str, CellRef]:
    """Items of the 一般公共预算 and 支出 tables by name (their 合计 column), and the tables' totals."""
    out: dict[str, CellRef] = {}
    for role in ("gpb_expenditure", "expenditure"):
        for t in cat.doc.tables_by_role(role):
            for i, r in enumerate(t.rows):
                if r.level > 0 and r.name and r.values and r.values[0] is not None:
                    out.setdefault(r.name, CellRef(t.id, i, 0))
            total = next((i for i, r in enumerate(t.rows) if r.level == 0 and r.name in ("合计", "总计")), None)
            for name, of in TOTALS.items():
                if of == role and total is not None:
                    out.setdefault(name, CellRef(t.id, total, 0))
    return out


def _same_row(budget: Catalog, final: Catalog, ref: CellRef) -> CellRef | None:
    """The 预算's cell of the 决算's row: the same 科目编码 (else name) in the table of the same role."""
    row = final.doc.table(ref.table).rows[ref.row]
    role = final.doc.table(ref.table).role
    for t in budget.doc.tables_by_role(role) or budget.doc.tables_by_role("expenditure"):
        for i, r in enumerate(t.rows):
            if (row.code and r.code == row.code) or (not row.code and r.name == row.name) or \
                    (row.level == 0 and r.level == 0 and r.name in ("合计", "总计")):
                return CellRef(t.id, i, 0)
    return None


def _across_answer(question: str, cat: Catalog, budget: Catalog, name: str, asked: _Asked) -> Answer:
    doc = cat.doc
    ref = _rows(cat)[name]
    bref = _same_row(budget, cat, ref)
    if bref is None:
        return Answer(question, "refused", f"{budget.doc.org}{budget.doc.year}年预算中没有“{name}”这一项。",
                      doc=doc.doc_id)
    t, bt = doc.table(ref.table), budget.doc.table(bref.table)
    to_wan = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10000)}
    spent = cat.value(ref) * to_wan.get(t.unit, Decimal(1))
    planned = budget.value(bref) * to_wan.get(bt.unit, Decimal(1))
    cites = [_cite_cell(cat, ref), _cite_cell(budget, bref)]
    reading = Reading(doc.doc_id, doc.org, doc.year, doc.kind, t.id, t.title, (name,), t.columns[0],
                      {"rate": "share", "budget": "lookup"}.get(asked.op, asked.op))
    head = (f"【{_head(cat)} · {t.id}《{escape_markdown(t.title)}》› {escape_markdown(name)}；年初预算数见"
            f"{budget.doc.year}年预算 {bt.id}《{escape_markdown(bt.title)}》】")
    verified = (ref.row, ref.column) in t.verified and (bref.row, bref.column) in bt.verified
    if asked.op == "budget":
        return Answer(question, "answered", f"{head}\n{escape_markdown(name)}年初预算数为 **{fmt(planned, '万元')} 万元**。",
                      [Value(f"{name}年初预算数", round_half_up(planned), "万元")], cites, None, verified,
                      doc=doc.doc_id, reading=reading)
    if asked.op == "diff":
        gap = planned - spent
        calc = f"{fmt(planned, '万元')} − {fmt(spent, '万元')} = {fmt(gap, '万元')}"
        return Answer(question, "answered", f"{head}\n{escape_markdown(name)}决算数比年初预算数{'少' if gap >= 0 else '多'} "
                      f"**{fmt(abs(gap), '万元')} 万元**（{calc}）。", [Value(name, round_half_up(abs(gap)), "万元")],
                      cites, calc, verified, doc=doc.doc_id, reading=reading)
    if not planned:
        return Answer(question, "refused", f"{head}\n{escape_markdown(name)}的年初预算数为 0，没有执行率。",
                      citations=cites, doc=doc.doc_id, reading=reading)
    rate = round_half_up(spent / planned * 100)
    calc = f"{fmt(spent, '万元')} ÷ {fmt(planned, '万元')} = {rate}%"
    return side_by_side(Answer(question, "answered", f"{head}\n{escape_markdown(name)}决算数占年初预算数的 **{rate}%**"
                               f"（{calc}）。", [Value(f"{name}执行率", rate, "%")], cites, calc, verified,
                               doc=doc.doc_id, reading=reading), name, "年初预算数", planned, spent)
