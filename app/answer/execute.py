"""Execute a plan over the verified tables and the narrative, in Decimal, keeping every source.

Numbers come only from table cells, from figures stated in the narrative (cited as such), or from
arithmetic done here over those; each result figure carries the cells and sections it came from.
"""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from app.answer.catalog import Catalog, CellRef
from app.answer.contract import round_half_up
from app.answer.figures import (
    TO_YUAN,
    Figure,
    NotAnswerable,
    Result,
    cell_figure,
    convert,
    fmt,
    item_figure,
    rounded,
    row_label,
)
from app.answer.linking import Item
from app.answer.narrative import (
    COUNT_ASKED,
    _fact,
    _prior,
    _why,
    _yoy,
    best_fact,
    fact_label,
    headcount,
)
from app.answer.plan import Plan


def _alternatives(cat: Catalog, item: Item, primary: CellRef) -> tuple[list[str], list[CellRef]]:
    """Other tables giving a different figure under the same name: said in a note, and cited."""
    notes, cells = [], []
    in_yuan = lambda ref: cat.value(ref) * TO_YUAN.get(cat.doc.table(ref.table).unit, Decimal(1))  # noqa: E731
    seen = {in_yuan(primary)}
    for ref in item.refs[1:]:
        v = cat.value(ref)
        if in_yuan(ref) in seen:
            continue
        seen.add(in_yuan(ref))
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


def _exclude(plan: Plan, cat: Catalog, res: Result) -> None:
    """The first item less the others (its parts the question excludes: "三公经费（不含公务接待费）")."""
    whole, *parts = [item_figure(cat, i, unit=plan.unit) for i in _need_items(plan, 2)]
    rest = whole.value - sum(p.value for p in parts)
    names = "、".join(p.label for p in parts)
    res.figures = [whole, *parts, Figure(f"{whole.label}（不含{names}）", rest, whole.unit,
                                         whole.cells + tuple(c for p in parts for c in p.cells))]
    res.cited_cells = [whole.cells[0], *(p.cells[0] for p in parts)]
    res.calculation = " − ".join(fmt(f.value, whole.unit) for f in [whole, *parts]) + f" = {fmt(rest, whole.unit)} {whole.unit}"


def _compare(plan: Plan, cat: Catalog, res: Result) -> None:
    _diff(plan, cat, res)


WHOLE_NAMED = re.compile(r"占(?!了?(?:百分之|多少|几|比例|比重|份额))(?:了)?[\u4e00-\u9fff]{2,}")   # 占基本支出的…
ROW_TOTALS = ("合计", "总计", "小计", "金额合计", "预算数合计")


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
        elif parent < 0 and num_ref.column > 0 and t.columns[0].split("/")[-1] in ROW_TOTALS \
                and not WHOLE_NAMED.search(q):
            den_ref = CellRef(t.id, num_ref.row, 0)     # "基本支出占百分之几": of its row's 合计
        elif parent < 0:
            raise NotAnswerable("没有说明占哪一项的比例。")
        else:
            den_ref = CellRef(t.id, parent, num_ref.column)
        num, den = item_figure(cat, items[0], num_ref), cell_figure(cat, den_ref)
    if den.value == 0:
        raise NotAnswerable(f"{den.label}为 0，无法计算比例。")
    if plan.times:                     # "基本工资是奖金的几倍"
        times = round_half_up(cat.value(num_ref) / cat.value(den_ref))
        if times < 1:                  # "A是B的几倍" with A smaller: which way was meant is not clear
            res.status, res.reason = "clarify", "两项谁是谁的几倍不清楚（前一项比后一项小）："
            res.options = [f"{num.label}是{den.label}的几倍？", f"{den.label}是{num.label}的几倍？"]
            return
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


def _per_person(plan: Plan, cat: Catalog, res: Result) -> None:
    q = plan.text or plan.words
    if plan.items:
        item = _need_items(plan)[0]
        base, amount, cells, sections = item_figure(cat, item), cat.value(item.refs[0]), None, []
    else:                            # "人均人员经费" where 人员经费 is stated only in the narrative
        stated = best_fact(cat, HEADCOUNT_WORDS.sub(" ", q), [], ("万元", "元"))
        if stated is None:
            raise NotAnswerable("文档中没有找到这方面的说明。")
        base = Figure(fact_label(stated, cat.doc.org), stated.value, stated.unit, sections=(stated.section,))
        amount, cells, sections = stated.value, (), [stated.section]
        res.quote = stated.sentence
    quoted = QUOTED_COUNT.findall(q)
    people = _quoted_headcount(cat, q) or (None if quoted else _named_headcount(cat, q))
    if quoted and people is None:        # never another head count than the one the question gives
        raise NotAnswerable(f"问题给出的 {quoted[0]} 人，文档中没有写明这个人数，无法按它计算人均。")
    counted = fact_label(people, cat.doc.org) if people is not None else f"{plan.headcount}人数"
    people = people or headcount(cat, plan.headcount)
    if people is None or people.value == 0:
        raise NotAnswerable(f"文档中没有{plan.headcount}人数，无法计算人均。")
    per = amount / people.value / (12 if plan.monthly else 1)
    v, unit = convert(per, base.unit, plan.unit)
    res.figures = [base, Figure(counted, people.value, people.unit, sections=(people.section,)),
                   Figure(f"人均{'每月' if plan.monthly else ''}{base.label}", rounded(v, unit), unit, base.cells,
                          (people.section,))]
    res.cited_cells = list(base.cells)
    res.cited_sections = sections + [people.section]
    months = " ÷ 12 个月" if plan.monthly else ""
    res.calculation = (f"{fmt(base.value, base.unit)} {base.unit} ÷ {fmt(people.value, people.unit)} {people.unit}"
                       f"{months} = {fmt(v, unit)} {unit}/人" + ("/月" if plan.monthly else ""))


QUOTED_COUNT = re.compile(r"(\d+)\s*(?:个|位)?\s*(?:人|名|编制)")
HEADCOUNT_WORDS = re.compile(r"\d+\s*(?:个|位)?\s*[人名]|按(?:照)?.{0,10}?(?:算|计算)|人均|平均每个?|每个|每人|编制|摊到的?|"
                             r"大概|大约|是多少|多少|万元|元")


def _quoted_headcount(cat: Catalog, q: str):
    """"编制496人，按编制算人均…": the head count the question quotes, when the document states it
    (the figure comes from the document, cited; a number only the question gives is not used)."""
    for n in QUOTED_COUNT.findall(q):
        fact = next((f for f in cat.facts if f.unit in ("人", "名") and f.value == Decimal(n)), None)
        if fact is not None:
            return fact
    return None


def _named_headcount(cat: Catalog, q: str):
    """"按实际在编在职人数算": the head count the question names, in the document's words."""
    m = re.search(r"按(?:照)?([\u4e00-\u9fff]{2,10}?)(?:人数|人员数|编制数|人头)?(?:算|计算|来算|平均)", q)
    return best_fact(cat, m.group(1) + "人数", [], ("人", "名")) if m else None


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


def _chart(figs: list[Figure], kind: str) -> dict | None:
    if len(figs) < 2:
        return None
    return {"kind": kind, "labels": [f.label for f in figs], "values": [float(f.value) for f in figs],
            "unit": figs[0].unit}


OPERATIONS = {"lookup": _lookup, "multi": _lookup, "sum": _sum, "diff": _diff, "exclude": _exclude, "compare": _compare,
              "share": _share, "per_person": _per_person, "per_month": _per_month, "rank": _rank,
              "list": _list, "count": _count, "yoy": _yoy, "prior": _prior, "why": _why, "fact": _fact}
