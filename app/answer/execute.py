"""Execute a plan over the verified tables and the narrative, in Decimal, keeping every source.

Numbers come only from table cells, from figures stated in the narrative (cited as such), or from
arithmetic done here over those; each result figure carries the cells and sections it came from.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal

from app.answer.catalog import Catalog, CellRef, Change, Fact
from app.answer.contract import round_half_up
from app.answer.plan import Item, Plan

TO_YUAN = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
HEADCOUNT_UNITS = ("人", "名")


@dataclass(frozen=True)
class Figure:
    label: str
    value: Decimal
    unit: str
    cells: tuple[CellRef, ...] = ()
    sections: tuple[int, ...] = ()     # narrative paragraphs stated in


@dataclass
class Result:
    plan: Plan
    figures: list[Figure] = field(default_factory=list)   # the answer's figures, inputs first
    calculation: str | None = None
    notes: list[str] = field(default_factory=list)
    quote: str = ""                    # a narrative passage the answer rests on
    cited_cells: list[CellRef] = field(default_factory=list)
    cited_sections: list[int] = field(default_factory=list)
    status: str = "answered"
    reason: str = ""
    extra: dict = field(default_factory=dict)
    chart: dict | None = None


class NotAnswerable(Exception):
    """The documents do not say; the message says what is missing."""


# ── formatting and units ─────────────────────────────────────────────────────────────────────────

def fmt(v: Decimal, unit: str) -> str:
    if unit == "%":
        return f"{round_half_up(v):f}"
    if unit in ("万元", "亿元"):
        return f"{round_half_up(v, 2 if unit == '万元' else 4):f}"
    if unit == "元":
        return f"{round_half_up(v, 0):f}" if v == v.to_integral_value() else f"{round_half_up(v):f}"
    return f"{v.normalize():f}" if v == v.to_integral_value() else f"{v:f}"


def convert(v: Decimal, unit: str, target: str | None) -> tuple[Decimal, str]:
    if not target or target == unit or unit not in TO_YUAN or target not in TO_YUAN:
        return v, unit
    return v * TO_YUAN[unit] / TO_YUAN[target], target


def rounded(v: Decimal, unit: str) -> Decimal:
    if unit == "元" and v == v.to_integral_value():
        return v.quantize(Decimal(1))
    if unit in ("万元", "%", "元", "亿元"):
        return round_half_up(v, 4 if unit == "亿元" else 2)
    return v


# ── cells ────────────────────────────────────────────────────────────────────────────────────────

def row_label(cat: Catalog, ref: CellRef) -> str:
    t = cat.doc.table(ref.table)
    r = t.rows[ref.row]
    name = r.label
    if r.group and r.name in ("收入总计", "支出总计"):
        name = r.name
    column = t.columns[ref.column].split("/")[-1]
    if ref.column != 0 and column not in ("合计", "总计", "预算数") and column not in name:
        return f"{name}·{column}" if not _is_total_row(cat, ref) else column
    return name


def _is_total_row(cat: Catalog, ref: CellRef) -> bool:
    r = cat.doc.table(ref.table).rows[ref.row]
    return r.level == 0 and r.name in ("合计", "总计", "收入总计", "支出总计")


def cell_figure(cat: Catalog, ref: CellRef, label: str | None = None, unit: str | None = None) -> Figure:
    t = cat.doc.table(ref.table)
    v, u = convert(cat.value(ref), t.unit, unit)
    return Figure(label or row_label(cat, ref), rounded(v, u), u, (ref,))


def _alternatives(cat: Catalog, item: Item, primary: CellRef) -> tuple[list[str], list[CellRef]]:
    """Other tables giving a different figure under the same name: said in a note, and cited."""
    notes, cells = [], []
    base = cat.value(primary)
    seen = {base}
    for ref in item.refs[1:]:
        v = cat.value(ref)
        if v in seen:
            continue
        seen.add(v)
        t = cat.doc.table(ref.table)
        col = t.columns[ref.column]
        notes.append(f"“{item.label.split('·')[0]}”在{t.id}《{t.title}》中（{t.rows[ref.row].label} · {col}）"
                     f"为 {fmt(v, t.unit)} {t.unit}；本回答采用{cat.doc.table(primary.table).id}的口径。")
        cells.append(ref)
        if len(notes) == 2:
            break
    return notes, cells


# ── breakdowns (children of a row, rows of a table) ──────────────────────────────────────────────

BASIC_WORDS = ("基本支出", "一般公共预算基本支出", "人员经费", "公用经费")


def breakdown(cat: Catalog, item: Item | None, text: str = "") -> list[CellRef]:
    doc = cat.doc
    if ("经济分类" in text or "功能分类" in text) and item is None:
        role = "gpb_basic" if "经济分类" in text else "expenditure"
        tables = doc.tables_by_role(role) or doc.tables_by_role("gpb_expenditure")
        if tables:
            t = tables[0]
            level = 2 if re.search(r"款|明细", text) else 1
            return [CellRef(t.id, i, 0) for i, r in enumerate(t.rows) if r.level == level]
    if item is not None and (item.label.endswith("项目支出") or any(doc.table(r.table).role == "gpb_project"
                                                                  for r in item.refs)) and \
            ("项目" in text.replace("项目支出", "") or re.search(r"哪(?:几|些)个?项目", text)):
        projects = [(t, i) for t in doc.tables_by_role("gpb_project") for i, r in enumerate(t.rows) if r.project]
        if projects:
            return [CellRef(t.id, i, 0) for t, i in projects]
    if item is not None and item.label in BASIC_WORDS or (item is not None and item.label.endswith("基本支出")):
        basic = doc.tables_by_role("gpb_basic")
        if basic:
            t = basic[0]
            col = next((c for c, name in enumerate(t.columns) if name == item.label), 0)
            level = max(r.level for r in t.rows)
            return [CellRef(t.id, i, col) for i, r in enumerate(t.rows) if r.level == level]
    if item is not None:
        for ref in item.refs:
            t = doc.table(ref.table)
            kids = [i for i, r in enumerate(t.rows) if r.parent == ref.row]
            if kids and "科目" in text:       # "包括哪些科目": the finest rows under it
                leaves = _leaves(t, ref.row)
                return [CellRef(t.id, i, ref.column) for i in leaves]
            if kids:
                return [CellRef(t.id, i, ref.column) for i in kids]
    expenditure = doc.tables_by_role("expenditure") or doc.tables_by_role("gpb_expenditure")
    if expenditure:
        t = expenditure[0]
        return [CellRef(t.id, i, 0) for i, r in enumerate(t.rows) if r.level == 1]
    return []


def _leaves(t, row: int) -> list[int]:
    kids = [i for i, r in enumerate(t.rows) if r.parent == row]
    if not kids:
        return [row]
    return [leaf for k in kids for leaf in _leaves(t, k)]


# ── narrative ────────────────────────────────────────────────────────────────────────────────────

def _bigrams(text: str) -> set[str]:
    """Character bigrams within each stretch of words (none across a space or a punctuation mark:
    "占用 房屋价值" has no 用房)."""
    out: set[str] = set()
    for t in re.split(r"[\s，。、：:；;（）()“”]+", text):
        t = re.sub(r"[\d.%]", "", t)
        out |= {t[i:i + 2] for i in range(len(t) - 1)}
    return out


STOP_BIGRAMS = {"多少", "是多", "少钱", "有多", "多少人", "一下", "请问", "单位", "预算"}


STOP_CHARS = set("的是有多少几个吗呢请问一下单位预算")



def best_fact(cat: Catalog, words: str, context: list[str], units: tuple[str, ...] | None,
              min_cover: float = 0.5) -> Fact | None:
    """The narrative figure the words ask about: words matched in the clause before the figure
    count most (those right before it more), words after it less; rare words more than common."""
    facts = [f for f in cat.facts if (units is None or f.unit in units) and not f.in_reason]
    if not facts:
        return None
    df = Counter(b for f in cat.facts for b in _bigrams(f.before + f.unit + f.after) | set(f.before + f.after))
    n = len(cat.facts)
    q = _bigrams(words) - STOP_BIGRAMS
    chars = {c for c in re.sub(r"[\s\d.，。、：:；;（）()“”%?？]", "", words)} - STOP_CHARS

    def idf(token: str) -> float:
        return math.log(1 + n / (df[token] or 1))

    def score(f: Fact) -> float:
        near, far = f.before[-6:], f.before[:-6]
        s = 1.5 * sum(idf(b) for b in q & _bigrams(near + f.unit))
        s += sum(idf(b) for b in q & (_bigrams(far) - _bigrams(near)))
        s += 0.3 * sum(idf(b) for b in q & _bigrams(f.after))
        s += 0.8 * sum(idf(b) for b in q & (_bigrams(f.lead) - _bigrams(f.before)))
        s += 0.4 * sum(idf(c) for c in chars & set(f.before + f.unit + f.after + f.lead))
        if context:
            pos = f.sentence.find(f.before) if f.before else len(f.sentence)
            if any(c and c in f.sentence[: pos + len(f.before)] for c in context):
                s += 3
        return s

    content = {b for b in q if not (set(b) & STOP_CHARS)}

    def names_it(f: Fact) -> bool:
        """The figure's own label says what the question asks: with the unit asked for (几辆, 多少人,
        价值), one shared word is enough; otherwise the label must cover half the question's words."""
        if any(c and c in f.sentence for c in context):
            return True
        heading = cat.doc.sections[f.section].path[-1] if f.section < len(cat.doc.sections) and \
            cat.doc.sections[f.section].path else ""
        label = _bigrams(f.before + f.unit + f.after + f.lead) | _bigrams(heading)   # (三) 国有资产占用使用情况
        if units is not None and "万元" not in units and min_cover <= 0.5:   # a specific unit was asked
            return bool(q & label) or len(chars & set(f.before[-6:])) >= 2
        return bool(content) and len(content & label) >= min_cover * len(content)

    ranked = sorted((f for f in facts if names_it(f)), key=lambda f: (-score(f), f.section))
    if not ranked:
        return None
    top = ranked[0]
    return top if score(top) >= 2.5 else None


def _change_score(ch: Change, labels: list[str]) -> int:
    best = 0
    for label in labels:
        if not label:
            continue
        if ch.item == label:
            best = max(best, 4)
        elif ch.item.endswith(label) or label.endswith(ch.item) and len(ch.item) >= 2:
            best = max(best, 3)
        elif label in ch.item:
            best = max(best, 2)
    return best


def find_change(cat: Catalog, item: Item | None, words: str) -> Change | None:
    if item is not None:
        labels = [item.label.split("·")[0]] + [cat.doc.table(r.table).rows[r.row].label for r in item.refs]
        primary = cat.value(item.refs[0]) if item.refs else None
        scored = [(_change_score(ch, labels), ch.current == primary, -k, ch) for k, ch in enumerate(cat.changes)]
        scored = [s for s in scored if s[0] > 0]
        if scored:
            return max(scored, key=lambda s: s[:3])[3]
        return None
    q = _bigrams(words) - STOP_BIGRAMS
    scored = [(len(q & _bigrams(ch.item)), -k, ch) for k, ch in enumerate(cat.changes)]
    scored = [s for s in scored if s[0] >= 2]
    return max(scored, key=lambda s: s[:2])[2] if scored else None


# ── operations ───────────────────────────────────────────────────────────────────────────────────

def _same_item_parts(plan: Plan, cat: Catalog) -> Plan:
    """One item bought in several ways (政府采购表: 台式计算机 under two 专项 or by two 采购组织形式):
    its rows are parts of one figure, so the answer is their sum, shown with its parts."""
    if plan.op != "lookup" or len(plan.items) != 1 or len(plan.items[0].refs) < 2:
        return plan
    refs = plan.items[0].refs
    t = cat.doc.table(refs[0].table)
    if t.role != "procurement" or any(r.table != t.id or r.column != refs[0].column for r in refs):
        return plan
    rows = {r.row for r in refs}
    if any(t.rows[r].parent in rows for r in rows):
        return plan                                     # a row and its own parts: not separate parts
    return replace(plan, op="sum", items=tuple(Item(row_label(cat, r), (r,), "row") for r in refs))


def execute(plan: Plan, cat: Catalog) -> Result:
    plan = _same_item_parts(plan, cat)
    res = Result(plan, notes=list(plan.notes))
    try:
        OPERATIONS[plan.op](plan, cat, res)
        _check_units_asked(plan.text or plan.words, res)
    except NotAnswerable as e:
        res.status, res.reason = "refused", str(e)
    return res


COUNT_UNITS = ("人", "名", "辆", "个", "项", "家", "平方米", "户", "次", "台", "套", "台（套）")
MONEY_ASKED = re.compile(r"工资|薪|费|经费|金额|钱|万元|支出|收入|拨款|资金|多少元")


def _check_units_asked(text: str, res: Result) -> None:
    """An answer in other units than the question asks for answers another question ("几个人" with
    "3 项", "平均工资" with "16 人"): said so, instead of a figure."""
    units = {f.unit for f in res.figures}
    if not units or res.plan.op == "per_person":
        return
    if re.search(r"什么(?:品牌|牌子|型号|颜色|名字|地方)|哪个品牌|哪种型号|谁", text):
        raise NotAnswerable("文档中没有找到这方面的说明。")     # a name is asked, not a figure
    for asked, wanted in COUNT_ASKED:
        if re.search(asked, text) and not units & set(wanted):
            raise NotAnswerable("文档中没有找到这方面的说明。")
    if MONEY_ASKED.search(text) and units <= set(COUNT_UNITS) and not any(re.search(a, text) for a, _ in COUNT_ASKED) \
            and not re.search(r"几个|多少个|几项|多少项|几辆|多少辆|几类|多少类", text):
        raise NotAnswerable("文档中没有找到这方面的说明。")


def _need_items(plan: Plan, n: int = 1) -> list[Item]:
    items = [i for i in plan.items if i.refs]
    if len(items) < n:
        raise NotAnswerable("文档中没有找到问题所说的项目。" if not items else "需要两个可以比较的项目。")
    return items


def item_label(cat: Catalog, item: Item, ref: CellRef) -> str:
    """How to name an item's figure: the question's concept for whole-table or column figures,
    the row's own name (with its 科目编码 when asked by code) otherwise."""
    if item.kind in ("table", "column", "title"):
        return item.label
    label = row_label(cat, ref)
    if item.kind == "code":
        return f"{cat.doc.table(ref.table).rows[ref.row].code} {label}"
    return label


def item_figure(cat: Catalog, item: Item, ref: CellRef | None = None, unit: str | None = None) -> Figure:
    ref = ref or item.refs[0]
    return cell_figure(cat, ref, label=item_label(cat, item, ref), unit=unit)


def _lookup(plan: Plan, cat: Catalog, res: Result) -> None:
    searched = plan.items and all(i.kind == "search" for i in plan.items)
    if searched and best_fact(cat, plan.words, [], ("万元", "元"), min_cover=0.75) is not None:
        plan = replace(plan, items=())    # the narrative names it exactly; the search only resembles it
        res.notes.clear()
    if not any(i.refs for i in plan.items) and plan.words:
        _fact(plan, cat, res)             # nothing in the tables: perhaps the narrative states it
        res.extra["as"] = "fact"
        return
    for item in _need_items(plan):
        ref = item.refs[0]
        fig = item_figure(cat, item, ref, unit=plan.unit)
        res.figures.append(fig)
        if fig.unit == "元" and plan.unit is None and plan.op == "lookup":   # 元 tables: say it in 万元 too
            v, u = convert(cat.value(ref), cat.doc.table(ref.table).unit, "万元")
            res.figures.append(Figure(fig.label, rounded(v, u), u, fig.cells))
            res.extra["in_wan"] = True
        res.cited_cells.append(ref)
        notes, cells = _alternatives(cat, item, ref)
        res.notes += notes
        res.cited_cells += cells
        if cat.doc.table(ref.table).rows[ref.row].values[ref.column] is None:
            res.notes.append(f"{fig.label}在{ref.table}中为空，即未安排（0）。")


def _sum(plan: Plan, cat: Catalog, res: Result) -> None:
    items = _need_items(plan, 2)
    figs = [item_figure(cat, i, unit=plan.unit) for i in items]
    total = sum(cat.value(i.refs[0]) for i in items)
    unit = cat.doc.table(items[0].refs[0].table).unit
    total, unit = convert(total, unit, plan.unit)
    res.figures = figs + [Figure("合计", rounded(total, unit), unit, tuple(f.cells[0] for f in figs))]
    res.cited_cells = [f.cells[0] for f in figs]
    res.calculation = " + ".join(fmt(f.value, f.unit) for f in figs) + f" = {fmt(total, unit)} {unit}"


def _two(plan: Plan, cat: Catalog) -> tuple[Figure, Figure]:
    items = _need_items(plan, 2)
    if len(items) > 2:     # "A和B加在一起，比C少多少": not two figures to compare; never two of them
        raise NotAnswerable("问题里有两个以上的项目，请分开问要比较的两项（例如“A比B多多少”）。")
    a, b = items
    return item_figure(cat, a, unit=plan.unit), item_figure(cat, b, unit=plan.unit)


def _diff(plan: Plan, cat: Catalog, res: Result) -> None:
    a, b = _two(plan, cat)
    d = abs(a.value - b.value)
    big, small = (a, b) if a.value >= b.value else (b, a)
    res.figures = [a, b, Figure(f"{big.label}比{small.label}多", d, a.unit, a.cells + b.cells)]
    res.cited_cells = [a.cells[0], b.cells[0]]
    res.calculation = f"{fmt(big.value, a.unit)} − {fmt(small.value, a.unit)} = {fmt(d, a.unit)} {a.unit}"
    res.extra = {"big": big.label, "small": small.label, "equal": a.value == b.value}


def _compare(plan: Plan, cat: Catalog, res: Result) -> None:
    _diff(plan, cat, res)


def _share(plan: Plan, cat: Catalog, res: Result) -> None:
    items = _need_items(plan)
    q = plan.text or plan.words
    if len(items) >= 2:
        num_item, den_item = items[0], items[1]
        if re.search(re.escape(items[0].label.split("·")[0]) + r"\s*(中|里|当中|之中)", q):
            num_item, den_item = items[1], items[0]
        spending = cat.entries.get(den_item.label + "支出")   # "占一般公共预算" → of its 支出 total
        if den_item.kind == "column" and spending is not None and num_item.kind in ("row", "code", "fuzzy"):
            den_item = Item(spending.label, spending.refs, spending.kind)
        den_ref = den_item.refs[0]
        num_ref = next((r for r in num_item.refs if r.table == den_ref.table), num_item.refs[0])
        num, den = item_figure(cat, num_item, num_ref), item_figure(cat, den_item, den_ref)
    else:
        num_ref = items[0].refs[0]
        t = cat.doc.table(num_ref.table)
        parent = t.rows[num_ref.row].parent
        whole = re.search(r"占(?:全部|总|本年)?(收入|支出)(?:总额|总计|合计)?(?:的|比|百分|多少|$)", q)
        total = cat.entries.get(f"{whole.group(1)}总计") if whole else None
        if total is not None:              # "占收入的百分之几": of the 收支总表's 收入总计
            den_ref = total.refs[0]
            num_ref = next((r for r in items[0].refs if r.table == den_ref.table), num_ref)
        elif parent < 0:
            raise NotAnswerable("没有说明占哪一项的比例。")
        else:
            den_ref = CellRef(t.id, parent, num_ref.column)
        num, den = item_figure(cat, items[0], num_ref), cell_figure(cat, den_ref)
    if den.value == 0:
        raise NotAnswerable(f"{den.label}为 0，无法计算比例。")
    if plan.times:                     # "基本工资是奖金的几倍"
        times = round_half_up(cat.value(num_ref) / cat.value(den_ref))
        res.figures = [num, den, Figure(f"{num.label}是{den.label}的倍数", times, "倍", (num_ref, den_ref))]
        res.cited_cells = [num_ref, den_ref]
        res.calculation = f"{fmt(num.value, num.unit)} ÷ {fmt(den.value, den.unit)} = {fmt(times, '%')} 倍"
        return
    if cat.value(num_ref) > cat.value(den_ref) > 0:    # a part larger than its whole: the order was read
        num, den, num_ref, den_ref = den, num, den_ref, num_ref     # the other way ("share of X goes to Y")
    share = round_half_up(cat.value(num_ref) / cat.value(den_ref) * 100)
    res.figures = [num, den, Figure(f"{num.label}占{den.label}的比例", share, "%", (num_ref, den_ref))]
    res.cited_cells = [num_ref, den_ref]
    res.calculation = f"{fmt(num.value, num.unit)} ÷ {fmt(den.value, den.unit)} = {fmt(share, '%')}%"


def headcount(cat: Catalog, which: str) -> Fact | None:
    return best_fact(cat, which + "人数", [], HEADCOUNT_UNITS)


def _per_person(plan: Plan, cat: Catalog, res: Result) -> None:
    item = _need_items(plan)[0]
    base = item_figure(cat, item)
    people = headcount(cat, plan.headcount)
    if people is None or people.value == 0:
        raise NotAnswerable(f"文档中没有{plan.headcount}人数，无法计算人均。")
    per = cat.value(item.refs[0]) / people.value / (12 if plan.monthly else 1)
    v, unit = convert(per, base.unit, plan.unit)
    res.figures = [base, Figure(f"{plan.headcount}人数", people.value, people.unit, sections=(people.section,)),
                   Figure(f"人均{'每月' if plan.monthly else ''}{base.label}", rounded(v, unit), unit, base.cells,
                          (people.section,))]
    res.cited_cells = list(base.cells)
    res.cited_sections = [people.section]
    months = " ÷ 12 个月" if plan.monthly else ""
    res.calculation = (f"{fmt(base.value, base.unit)} {base.unit} ÷ {fmt(people.value, people.unit)} {people.unit}"
                       f"{months} = {fmt(v, unit)} {unit}/人" + ("/月" if plan.monthly else ""))


def _per_month(plan: Plan, cat: Catalog, res: Result) -> None:
    item = _need_items(plan)[0]
    base = item_figure(cat, item)
    v, unit = convert(cat.value(item.refs[0]) / 12, base.unit, plan.unit)
    res.figures = [base, Figure(f"{base.label}（每月）", rounded(v, unit), unit, base.cells)]
    res.cited_cells = list(base.cells)
    res.calculation = f"{fmt(base.value, base.unit)} {base.unit} ÷ 12 个月 = {fmt(v, unit)} {unit}/月"


def _rows(plan: Plan, cat: Catalog) -> tuple[Item | None, list[Figure]]:
    item = next((i for i in plan.items if i.refs), None)
    refs = breakdown(cat, item, plan.text)
    if not refs:
        raise NotAnswerable("文档中没有可以列出的明细。")
    figs = [cell_figure(cat, r, label=cat.doc.table(r.table).rows[r.row].label, unit=plan.unit) for r in refs]
    return item, figs


def _rank(plan: Plan, cat: Catalog, res: Result) -> None:
    item, figs = _rows(plan, cat)
    ordered = sorted(figs, key=lambda f: f.value, reverse=not plan.ascending)
    res.figures = ordered[: max(plan.top, 1)]
    res.cited_cells = [f.cells[0] for f in res.figures]
    res.extra = {"of": item.label if item else "支出", "count": len(figs)}
    res.chart = _chart(figs, "bar")


def _unfunded(cat: Catalog, ref: CellRef) -> bool:
    return not any(cat.doc.table(ref.table).rows[ref.row].values)


def _list(plan: Plan, cat: Catalog, res: Result) -> None:
    item, figs = _rows(plan, cat)
    res.figures = [f for f in figs if f.value != 0]
    if item is not None and re.search(r"合计|总计|一共|总共|共计", plan.text):   # "…各多少，合计多少"
        res.figures.append(item_figure(cat, item, unit=plan.unit))
    res.cited_cells = [f.cells[0] for f in res.figures]
    res.extra = {"of": item.label if item else "支出",
                 "empty": [f.label for f in figs if f.value == 0 and _unfunded(cat, f.cells[0])]}
    res.chart = _chart(res.figures, "pie")


def _count(plan: Plan, cat: Catalog, res: Result) -> None:
    item, figs = _rows(plan, cat)
    funded = [f for f in figs if f.value != 0]
    res.figures = [Figure(f"{item.label if item else '支出'}的明细项数", Decimal(len(funded)), "项",
                          tuple(f.cells[0] for f in funded))]
    res.cited_cells = [f.cells[0] for f in funded]
    res.extra = {"names": [f.label for f in funded]}


def _stated_change(plan: Plan, cat: Catalog, missing: str) -> tuple[Item | None, Change, str]:
    """The item, the narrative's year-on-year statement about it, and how to name it."""
    item = next((i for i in plan.items if i.refs), None)
    ch = find_change(cat, item, plan.words)
    if ch is None:
        raise NotAnswerable(missing.format(item.label if item else "该项"))
    return item, ch, item.label.split("·")[0] if item else ch.item


def _yoy(plan: Plan, cat: Catalog, res: Result) -> None:
    item, ch, label = _stated_change(plan, cat, "文档没有说明{}与上年相比的变化。")
    sec = (ch.section,)
    current = None
    if item is not None:
        current = item_figure(cat, item)
        res.figures.append(current)
        res.cited_cells.append(item.refs[0])
    change = None
    if ch.change is not None:
        change = Figure(f"{label}比上年{'增加' if ch.change >= 0 else '减少'}", abs(ch.change), "万元", sections=sec)
        res.figures.append(change)
    pct = None
    if ch.percent is not None:
        pct = Figure(f"{label}比上年{'增长' if ch.percent >= 0 else '下降'}", abs(ch.percent), "%", sections=sec)
    else:       # the narrative gives the amount only: the rate is our arithmetic over it
        now = ch.current if ch.current is not None else (
            convert(cat.value(item.refs[0]), cat.doc.table(item.refs[0].table).unit, "万元")[0] if item else None)
        if now is not None and now - ch.change != 0:
            rate = round_half_up(abs(ch.change) / (now - ch.change) * 100)
            pct = Figure(f"{label}比上年{'增长' if ch.change >= 0 else '下降'}", rate, "%", change.cells, sec)
            res.calculation = f"{fmt(abs(ch.change), '万元')} ÷ ({fmt(now, '万元')} {'−' if ch.change >= 0 else '+'} " \
                              f"{fmt(abs(ch.change), '万元')}) = {fmt(rate, '%')}%"
    if pct is not None:
        res.figures.append(pct)
    res.cited_sections.append(ch.section)
    res.quote = ch.sentence
    res.extra = {"change": ch, "label": label, "change_fig": change, "pct_fig": pct, "current": current}


def _prior(plan: Plan, cat: Catalog, res: Result) -> None:
    item, ch, label = _stated_change(plan, cat, "文档没有上年的{}，也没有可以推算的增减额。")
    if ch.change is None:       # a rounded percentage only: no exact prior figure to derive
        raise NotAnswerable(f"文档没有上年的{label}，只说明了增减的百分比。")
    if ch.current is not None:
        current = Figure(f"本年{label}", ch.current, "万元", sections=(ch.section,))
    else:
        current = cell_figure(cat, item.refs[0], label=f"本年{label}")
        res.cited_cells.append(item.refs[0])
    prior = current.value - ch.change
    sign = "+" if ch.change < 0 else "−"
    res.figures = [current, Figure("比上年" + ("减少" if ch.change < 0 else "增加"), abs(ch.change), "万元",
                                   sections=(ch.section,)),
                   Figure(f"上年{label}", rounded(prior, "万元"), "万元", current.cells, (ch.section,))]
    res.cited_sections.append(ch.section)
    res.quote = ch.sentence
    res.calculation = f"{fmt(current.value, '万元')} {sign} {fmt(abs(ch.change), '万元')} = {fmt(prior, '万元')} 万元"


def _why(plan: Plan, cat: Catalog, res: Result) -> None:
    item = next((i for i in plan.items if i.refs), None)
    ch = find_change(cat, item, plan.words)
    if ch is not None and ch.reason:
        res.quote = ch.reason
        res.cited_sections.append(ch.section)
        res.extra = {"label": item.label.split("·")[0] if item else ch.item, "change": ch}
        return
    labels = [item.label] if item else []
    for k, s in enumerate(cat.doc.sections):
        if "原因" in s.text and any(lab in s.text for lab in labels):
            res.quote = s.text
            res.cited_sections.append(k)
            res.extra = {"label": labels[0], "change": None}
            return
    raise NotAnswerable("文档没有说明这一项的原因。")


FACT_UNITS_FOR = (                 # explicit measure words first, then the subject's usual unit
    (r"几家|多少家", ("家",)),
    (r"几辆|多少辆|辆车", ("辆",)),
    (r"平方米|面积", ("平方米",)),
    (r"多少人|几人|几个人|多少个人|人数|几名|多少名|多少位|几位|人有多少|人员有多少", ("人", "名")),
    (r"几个|多少个", ("个",)),
    (r"标准", ("元/月/人", "元/人/月", "元")),
    (r"价值|多少钱|金额|资金|经费|费用|万元|钱", ("万元", "元")),
    (r"在职|退休|离休|编制", ("人", "名")),
    (r"科室|机构", ("个",)),
    (r"车辆", ("辆",)),
    (r"房屋", ("平方米",)),
)
COUNT_ASKED = FACT_UNITS_FOR[:4]   # what a question asks to count: an answer needs one of its units


def _fact(plan: Plan, cat: Catalog, res: Result) -> None:
    units = None
    q = plan.words
    for pattern, us in FACT_UNITS_FOR:
        if re.search(pattern, plan.text or q):
            units = us
            break
    context = []
    for item in plan.items:
        context.append(item.label)
    fact = best_fact(cat, q + " " + " ".join(context), context, units)
    if fact is None and units is None:
        fact = best_fact(cat, q, context, ("万元", "元"))
    if fact is None:
        raise NotAnswerable("文档中没有找到这方面的说明。")
    res.figures = [Figure(fact_label(fact, cat.doc.org), fact.value, fact.unit, sections=(fact.section,))]
    res.cited_sections = [fact.section]
    res.quote = fact.sentence


def fact_label(fact: Fact, org: str) -> str:
    """'3.办公家具价值' → '办公家具价值'; '下设' + '科室' → '下设科室'."""
    before = fact.before.split("其中")[-1]
    for k in range(len(org), 3, -1):          # the clause may start inside the unit's name
        if before.startswith(org[-k:]):
            before = before[k:]
            break
    before = re.sub(r"^[\d.、]+|^[（(][一二三四五六七八九十\d]+[)）]", "", before).strip("：: =≥≤<>")
    label = before + (fact.after if len(fact.after) <= 6 else "")
    return label or fact.after or "数值"


def _chart(figs: list[Figure], kind: str) -> dict | None:
    if len(figs) < 2:
        return None
    return {"kind": kind, "labels": [f.label for f in figs], "values": [float(f.value) for f in figs],
            "unit": figs[0].unit}


OPERATIONS = {"lookup": _lookup, "multi": _lookup, "sum": _sum, "diff": _diff, "compare": _compare,
              "share": _share, "per_person": _per_person, "per_month": _per_month, "rank": _rank,
              "list": _list, "count": _count, "yoy": _yoy, "prior": _prior, "why": _why, "fact": _fact}
