"""The reading of a question, stated and checked before any figure is given.

``judge`` puts each executed part through the coverage check (coverage.py): a reading that leaves a
content word unexplained, or an operation word unapplied, is not answered. Instead the cells whose
labels explain every word are looked for: one figure among them is answered (the reading that fits
the question better than any other); several are offered back as questions (clarify); none means
the documents do not have it (refused). The same happens when one name has different figures in
different tables and nothing in the question decides which is meant.

``reading_of`` states what was computed (unit, year, table, rows, column, operation) for the
contract and the answer's first line.
"""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from app.answer.catalog import TOTAL_WORDS, Catalog, CellRef, total_column
from app.answer.contract import Reading
from app.answer.coverage import (
    FILLER_SET,
    WHOLE_WORDS,
    Coverage,
    cell_vocabulary,
    check,
    named_in,
    runs,
    without_filler,
)
from app.answer.execute import execute
from app.answer.figures import TO_YUAN, Result
from app.answer.linking import Item
from app.answer.normalize import word_spans
from app.answer.scope import in_order
from app.answer.plan import Plan
from app.answer.text import escape_markdown
from app.answer.vocabulary import FILLER, FUND_SOURCES, SINGLE_FILLER

EXACT_KINDS = ("row", "column", "table", "title", "code", "project")   # linked by name, not guessed
OVERALL_ROLES = ("overview", "income", "expenditure")   # whole-budget tables: their figure is the plain reading
MAX_OPTIONS = 3
OP_NAMES = {"lookup": "查数", "multi": "分别查数", "sum": "求和", "diff": "求差", "exclude": "扣除后求差", "compare": "比较", "share": "求占比",
            "per_person": "人均", "per_month": "月均", "rank": "排序", "count": "计数", "list": "列明细",
            "yoy": "与上年比较", "prior": "推算上年数", "why": "说明原因", "fact": "情况说明所载"}


# ── the gate ─────────────────────────────────────────────────────────────────────────────────────

def judge(result: Result, cat: Catalog, mentions: tuple[str, ...] = ()) -> Result:
    """``result`` if its reading accounts for the question; otherwise a better-fitting lookup, a
    clarification offering the readings that do fit, or a refusal. Never a figure whose column the
    document's text leaves undecided."""
    judged = _judge(result, cat, mentions)
    guessed = next((r for r in judged.cited_cells if _placement_guessed(cat, r)), None) \
        if judged.status == "answered" else None
    if guessed is None:
        return judged
    t = cat.doc.table(guessed.table)
    return replace(judged, status="refused", figures=[],
                   reason=f"{t.id}《{t.title}》中这一行的数字在文本里没有分列，放在哪一列无法从文档确定，"
                          f"所以不能说“{t.columns[guessed.column].split('/')[-1]}”这一列是多少。")


def _judge(result: Result, cat: Catalog, mentions: tuple[str, ...]) -> Result:
    plan = result.plan
    text = plan.text or plan.words
    extra = list(mentions) + [text[i.span[0]:i.span[1]] for i in plan.items if i.kind == "fuzzy" and i.span[0] >= 0]
    if result.status != "answered":
        if result.status == "refused" and not plan.items and plan.op in ("lookup", "fact") and \
                not COUNT_WORDS.search(text):            # 多少人, 几辆: the tables hold money
            fits = fitting_cells(text, cat, extra)     # no name linked, but one cell's labels say it all
            if fits:
                return _answer_or_offer(result, cat, fits, text)
        return result
    labels = list(dict.fromkeys(i.label.split("·")[0] for i in plan.items))
    rows = [{(r.table, r.row) for r in i.refs} for i in plan.items if i.kind not in ("table", "title")]
    tabled = [i for i in plan.items if i.kind in ("table", "title")]
    in_tables = {r.table for i in tabled for r in i.refs}
    apart = len(rows) >= 2 and not set.intersection(*rows) or \
        bool(tabled and len(result.figures) > 1 and         # 一般公共预算基本支出里公务接待费: one cell
             any(i.refs and i.refs[0].table not in in_tables for i in plan.items if i.kind not in ("table", "title")))
    if plan.op == "lookup" and len(labels) >= 2 and apart:   # 财政拨款基本支出中的公务接待费:
        # one cell, not three (a project named by its title and its document number is one row)
        fits = fitting_cells(text, cat, extra)
        if fits:
            return _answer_or_offer(result, cat, fits, text)
        return _not_read(result, f"问题中的{'、'.join(f'“{w}”' for w in labels)}是分别问，还是问其中一项的一部分？",
                         [f"{'和'.join(labels)}分别是多少？"])
    quoted = _quoted_figures(text)
    if quoted and not quoted & {_yuan(f.value, f.unit) for f in result.figures}:
        return _not_read(result, "问题中给出的数字与我读出的数不一致。", _as_options(result, cat))
    extra += [m.group(0) for m in QUOTED.finditer(text)] if quoted else []
    cov = check(text, result, cat, extra)
    if cov.ok and not _search_says_it(result, cat, text, extra):
        cov = replace(cov, unexplained=cov.unexplained + tuple(_left_for_search(result, cat, text, extra)))
    if cov.ok:
        side = _side_not_read(result, cat, text, extra)
        if side:        # "三公表里的会议费比基本支出里的会议费多多少": each side is its own figure
            return replace(_not_read(result, f"问题中“{side}”这一边没有读懂（它说的是哪个数？）。", []),
                           extra={**result.extra, "sides": tuple(SIDES.split(text))})
        return _one_figure_or_clarify(result, cat, text)
    if cov.missing_ops:
        return _not_read(result, f"问题要求的计算（{'、'.join(_op_words(text, cov.missing_ops))}）没有读懂。",
                         _examples(cov.missing_ops))
    if plan.op in ("lookup", "multi") or plan.op == "fact" or not plan.items:
        fits = fitting_cells(text, cat, extra)
        if fits:
            return _answer_or_offer(result, cat, fits, text)
    words = list(cov.named_elsewhere) or list(cov.unexplained)
    exact = bool(plan.items) and plan.confident and all(i.kind in EXACT_KINDS for i in plan.items)
    typo = any(i.kind == "fuzzy" for i in plan.items)  # a name matched despite a typo: nothing else may be left
    guessed = bool(plan.items) and not exact           # a search hit, a model's reading
    whole = any(w in u for u in words for w in WHOLE_WORDS)      # 养老保险基金: never a guess's paraphrase
    if not cov.named_elsewhere and not (guessed and not typo and not whole and max(map(len, words)) <= MAX_GUESSED_WORD):
        # words that name nothing in the document: no reading uses them, so none is offered as one
        hint = _as_options(result, cat) if plan.items and not typo and not guessed else []
        also = f"（文档中能读到的是：{hint[0]}）" if hint else ""
        return replace(result, status="refused", figures=[], reason=f"文档中没有找到“{'、'.join(words)}”{also}。")
    return _not_read(result, f"我不确定问题中的“{'、'.join(words)}”指的是什么。", _as_options(result, cat))


THAN = re.compile(r"(?<![相对])比(?![较例重率上去])")       # "A比B", not 比较, 比例, 相比, 比上年
# the two sides of a comparison or a subtraction: "A比B多多少", "A减去B", "A扣掉B以后还剩多少"
SIDES = re.compile(THAN.pattern + r"|扣除|扣掉|扣去|减去|减掉|除去|去掉|刨去|刨除")


def _left_for_search(result: Result, cat: Catalog, text: str, extra) -> list[str]:
    """The question's content words that only the search hits' labels explain."""
    plan = result.plan
    vocab = [cat.doc.org] + [v for i in plan.items if i.kind != "search" for r in i.refs[:1]
                             for v in cell_vocabulary(cat, r)]
    out = []
    for run in runs(text, vocab, plan.op, extra):
        for f in FILLER_LONGEST_FIRST:         # 下来, 啊, 的: asides, not names
            run = run.replace(f, " ")
        for w in run.split():
            w = w.strip("".join(SINGLE_FILLER))
            # one filler word left alone names nothing; two of them together (人员经费) name something
            if len(w) >= 2 and w not in FILLER_SET and (without_filler(w) or len(w) >= 4):
                out.append(w)
    return out


def _search_says_it(result: Result, cat: Catalog, text: str, extra) -> bool:
    """A search hit stands for words of the question only when one of its labels says each of them
    whole (专职人员活动费 does not say 人员经费, though it has 人员 and 费 of it)."""
    hits = [i for i in result.plan.items if i.kind == "search"]
    if not hits:
        return True
    said = [v for i in hits for r in i.refs[:1] for v in cell_vocabulary(cat, r)]
    return all(any(w in v or (len(v) <= 3 * len(w) and in_order(w, v)) for v in said)    # 上级转移支付
               for w in _left_for_search(result, cat, text, extra))



def _side_not_read(result: Result, cat: Catalog, text: str, extra) -> str:
    """A comparison "A比B…": the side whose words its own figure does not explain ("" when both are)."""
    sides = SIDES.split(text)
    if result.plan.op not in ("diff", "compare") or len(result.figures) < 2 or len(sides) != 2:
        return ""
    for side, fig in zip(sides, result.figures[:2]):
        if not fig.cells:
            return ""
        vocab = cell_vocabulary(cat, fig.cells[0]) + [cat.doc.org, fig.label]
        left = runs(side, vocab, result.plan.op, extra)
        if any(named_in(cat, w) for w in left):
            return side.strip("，,。？? ")
    return ""


# a search hit may be what a short unexplained word means (外出公干 → 差旅费): offered back; a longer
# unexplained name (智慧社保信息系统建设) is something the documents lack
MAX_GUESSED_WORD = 4
FILLER_LONGEST_FIRST = sorted(FILLER, key=len, reverse=True)
COUNT_WORDS = re.compile(r"多少人|几个人|几人|人数|多少名|几名|几辆|多少辆|几家|多少家|几个|多少个|面积|平方米")


def _as_options(result: Result, cat: Catalog) -> list[str]:
    """The reading the rules made, as a question the user can confirm by sending it back."""
    if result.plan.op in ("lookup", "multi") and result.cited_cells:
        return [_option(cat, ref) for ref in _distinct(cat, list(dict.fromkeys(result.cited_cells)))]
    return []


QUOTED = re.compile(r"[（(][^（）()]*?(\d[\d,]*(?:\.\d+)?)\s*(亿元|万元|元)[^（）()]*[)）]")


def _quoted_figures(text: str) -> set[Decimal]:
    """Amounts the question quotes in brackets ("项目支出（含上年结转，75.61万元）"), in 元."""
    return {_yuan(Decimal(m.group(1).replace(",", "")), m.group(2)) for m in QUOTED.finditer(text)}


def _yuan(value: Decimal, unit: str) -> Decimal:
    return (value * TO_YUAN[unit]).normalize() if unit in TO_YUAN else value.normalize()


def _placement_guessed(cat: Catalog, ref: CellRef) -> bool:
    """A part column of a table whose figures the text did not place (ingest placed them by order,
    and said so): its total is known, its parts are not."""
    t = cat.doc.table(ref.table)
    if ref.column == 0:
        return False
    problems = list(cat.doc.findings) + list(getattr(cat.doc, "reading_problems", ()))
    return any(getattr(p, "rule", getattr(p, "kind", "")) == "ambiguous-placement" and
               (getattr(p, "where", "") == t.source or str(getattr(p, "message", "")).startswith(f"{t.id} "))
               for p in problems)


def _op_words(text: str, ops) -> list[str]:
    from app.answer.vocabulary import STRONG_OP_WORDS
    return [w for op in ops for w in STRONG_OP_WORDS.get(op, ()) if w in text][:3]


def _examples(ops) -> list[str]:
    return []


def _not_read(result: Result, reason: str, options: list[str]) -> Result:
    return replace(result, status="clarify", figures=[], reason=reason, options=list(options))


# ── cells that explain the question ──────────────────────────────────────────────────────────────

def fitting_cells(text: str, cat: Catalog, extra=()) -> list[CellRef]:
    """The cells whose labels account for every content word of ``text`` read as a look-up, most
    specific first (a cell named by more of the question's words before one named by fewer)."""
    out = []
    words = set(_content_bigrams(text))
    words_said = _content_words(text, cat, extra)
    for t in cat.doc.tables:
        for r, row in enumerate(t.rows):
            if not any(b in _row_text(t, row) for b in words):
                continue
            for c in range(len(t.columns)):
                if row.values[c] is None and not _empty_counts(t, r):
                    continue
                ref = CellRef(t.id, r, c)
                vocab = cell_vocabulary(cat, ref) + [cat.doc.org]
                left = runs(text, vocab, "lookup", extra)
                if any(named_in(cat, w) for w in left) or any(without_filler(w) for w in left):
                    continue
                if not all(any(w in v for v in vocab) for w in words_said):
                    continue          # 职工福利费 is not 职工(基本医疗保险缴费) under 工资福利(支出)
                out.append((-_explained(text, vocab), c, ref))
    out.sort(key=lambda x: (x[0], x[1]))
    return [ref for *_, ref in out]


def _content_words(text: str, cat: Catalog, extra=()) -> list[str]:
    """The question's words (jieba's) that name something: each must be said whole by one label of
    the cell that answers it."""
    out = []
    for run in runs(text, [cat.doc.org], "lookup", extra):
        for w, _, _ in word_spans(run):
            if len(w) >= 2 and w not in FILLER_SET and without_filler(w) and not w.isdigit():
                out.append(w)
    return out


def _content_bigrams(text: str) -> list[str]:
    t = re.sub(r"[^\u4e00-\u9fff]", " ", text)
    return [t[i:i + 2] for i in range(len(t) - 1) if " " not in t[i:i + 2]]


def _row_text(t, row) -> str:
    return f"{row.name}{row.project}{t.title}{''.join(t.columns)}"


def _empty_counts(t, r: int) -> bool:
    """An empty cell of a row that has figures is 0 (未安排); a row without figures is a heading."""
    return any(v is not None for v in t.rows[r].values)


def _explained(text: str, vocab: list[str]) -> int:
    joined = "\u0001".join(vocab)
    return sum(1 for b in _content_bigrams(text) if b in joined)


def _answer_or_offer(result: Result, cat: Catalog, fits: list[CellRef], text: str) -> Result:
    """One figure among the best-fitting cells: answer it as a look-up. Several: offer them."""
    best = max(_fit(text, cat, f) for f in fits)
    top = [f for f in fits if _fit(text, cat, f) == best]
    values = {amount(cat, f) for f in top}
    near = _near_rows(text, cat, top[0]) if len(values) == 1 else []
    if near:                         # "1995年前退休人员生活补贴": part of two projects' names
        return _not_read(result, "这个问题可以对应到几个不同的数：", [_option(cat, f) for f in _distinct(cat, top[:1] + near)])
    if len(values) == 1:
        ref = top[0]
        row = cat.doc.table(ref.table).rows[ref.row]
        plan = replace(result.plan, op="lookup", items=(Item(row.label, tuple(top), "row"),), notes=())
        res = execute(plan, cat)
        res.cited_cells = list(dict.fromkeys(res.cited_cells + top))
        return res
    return _not_read(result, "这个问题可以对应到几个不同的数：", [_option(cat, f) for f in _distinct(cat, top)])


def amount(cat: Catalog, ref: CellRef) -> Decimal:
    """A cell's amount in 元, so that 1.35 万元 and 13500 元 are one figure."""
    return cat.value(ref) * TO_YUAN.get(cat.doc.table(ref.table).unit, Decimal(1))


def _near_rows(text: str, cat: Catalog, ref: CellRef) -> list[CellRef]:
    """Rows named almost as the question names the answer's row (most of the words it shares with
    that row's name, in other rows' names) that hold another amount: the question does not decide."""
    t = cat.doc.table(ref.table)
    name = t.rows[ref.row].label
    shared = {b for b in _content_bigrams(text) if b in name}
    if len(shared) < 4 or name in text:
        return []                      # the row named whole, or too few words to confuse
    out = []
    for other in cat.doc.tables:
        for r, row in enumerate(other.rows):
            if (other.id, r) == (ref.table, ref.row) or not row.label or not any(v is not None for v in row.values):
                continue
            hit = {b for b in shared if b in row.label}
            cell = CellRef(other.id, r, 0)
            if len(hit) >= NEAR * len(shared) and amount(cat, cell) != amount(cat, ref):
                out.append(cell)
    return out


NEAR = 0.75


def _distinct(cat: Catalog, refs: list[CellRef]) -> list[CellRef]:
    seen, out = set(), []
    for ref in refs:
        v = amount(cat, ref)
        if v not in seen:
            seen.add(v)
            out.append(ref)
    return out[:MAX_OPTIONS]


def _option(cat: Catalog, ref: CellRef) -> str:
    """A question the user can send back as it is, naming the unit, year, table, row and column."""
    t = cat.doc.table(ref.table)
    row = t.rows[ref.row]
    title = re.sub(r"^[一二三四五六七八九十\d]+[、.．]\s*|^\d{4}年度?", "", t.title)
    if not row.label:                          # a one-row table: its columns are the items
        return f"{cat.doc.org}{cat.doc.year}年{title}中的“{_column_name(t, ref)}”是多少？"
    column = t.columns[ref.column].split("/")[-1] if ref.column < len(t.columns) else ""
    col = f"“{column}”" if column and column not in ("合计", "总计", "预算数", "金额") else ""
    return f"{cat.doc.org}{cat.doc.year}年{title}中“{row.label}”{col}是多少？"


# ── one name, different figures ──────────────────────────────────────────────────────────────────

def _one_figure_or_clarify(result: Result, cat: Catalog, text: str) -> Result:
    """A look-up whose name has other figures in other tables or rows: the cell that fits the
    question best is answered (its words, then the fewest qualifying rows above it the question
    does not name); a tie between different figures is answered only when a whole-budget table
    stands against narrower ones, and offered back otherwise."""
    if result.plan.op != "lookup" or len(result.plan.items) != 1 or not result.cited_cells:
        return result
    item = result.plan.items[0]
    primary = result.cited_cells[0]
    cands = [primary] + [r for r in item.refs if r != primary]
    if item.kind in ("table", "title") or len({amount(cat, r) for r in cands}) == 1:
        return result
    explained = {r: _explained(text, cell_vocabulary(cat, r)) for r in cands}
    top = [r for r in cands if explained[r] == max(explained.values())]
    if len({r.table for r in top}) == 1:         # rows of one table: the one the question qualifies least
        fit = {r: _fit(text, cat, r) for r in top}
        top = [r for r in top if fit[r] == max(fit.values())]
    # a table named for a source of funds (财政拨款收支预算总表) narrows what the question did not
    # a table named for a source of funds (财政拨款收支预算总表) narrows the whole-budget table's figure,
    # which the question did not (but 一般公共预算 itself, or 三公 beside 基本支出, stay asked back)
    funds = any(w in item.label for w in FUND_SOURCES)
    plain = unqualified(cat, top, text)
    if not funds and plain and len(plain) < len(top) and len({amount(cat, r) for r in plain}) == 1:
        top = plain
    named = [r for r in top if _own_name(cat, r) == item.label.split("·")[0]]
    if named and len(named) < len(top) and len({amount(cat, r) for r in top}) > 1:
        top = named                      # 培训费 itself, not the project “检察教育培训经费（培训费）”
    if not funds and len({amount(cat, r) for r in top}) > 1:
        # 会议费 of the “三公”经费、会议费、培训费 table, not the 基本支出 table's part of it
        least = min(_narrowing(cat, r, text) for r in top)
        fewest = [r for r in top if _narrowing(cat, r, text) == least]
        if len(fewest) < len(top) and len({amount(cat, r) for r in fewest}) == 1:
            top = fewest
    if len({amount(cat, r) for r in top}) == 1:
        if amount(cat, top[0]) == amount(cat, primary):
            return result
        chosen = top[0]
        res = execute(replace(result.plan, items=(Item(item.label, (chosen, *[r for r in cands if r != chosen]),
                                                       item.kind, item.span),)), cat)
        return res
    role = cat.doc.table(primary.table).role
    rivals = [r for r in top if amount(cat, r) != amount(cat, primary)]
    if primary in top and role in OVERALL_ROLES and not funds and \
            all(cat.doc.table(r.table).role not in OVERALL_ROLES for r in rivals):
        return result                    # 项目支出: the whole budget's figure, the narrower ones in notes
    return _not_read(result, f"“{item.label.split('·')[0]}”在不同的表或行中有不同的数：",
                     [_option(cat, r) for r in _distinct(cat, top)])


def _own_name(cat: Catalog, ref: CellRef) -> str:
    """What a cell is called on its own: its row's name, or (a one-row table's cell, a row's part
    column) its column's."""
    t = cat.doc.table(ref.table)
    row = t.rows[ref.row]
    column = next((p for p in reversed(t.columns[ref.column].split("/")) if p not in TOTAL_WORDS), "") \
        if ref.column < len(t.columns) else ""
    return row.label if row.label and (ref.column == 0 or len(t.columns) == 1) else column or row.label


# What a table of each kind holds only part of: its figure for a name is narrower than the figure
# of a table that is not so qualified, unless the question says these words.
PART_OF_BUDGET = {"gpb_basic": ("基本支出", "人员经费", "公用经费", "经济分类", "经济科目"), "gpb_project": ("项目支出",),
                  "admin_cost": ("机关运行",)}


def _narrowing(cat: Catalog, ref: CellRef, text: str) -> int:
    """How many qualifiers the question does not say narrow the cell's table: sources of funds in
    its title, the part of the budget its kind holds (基本支出, 项目支出, 机关运行经费)."""
    t = cat.doc.table(ref.table)
    part = PART_OF_BUDGET.get(t.role, ())
    return len(_unasked_funds(t, text)) + int(bool(part) and not any(w in text for w in part))


def _unasked_funds(t, text: str) -> list[str]:
    """The sources of funds a table's title names and the question does not."""
    return [w for w in FUND_SOURCES if w in t.title and w not in text]


def unqualified(cat: Catalog, refs, text: str) -> list[CellRef]:
    """The cells of whole-budget tables whose titles name no source of funds the question does not:
    收入合计 of the 收支预算总表, not of the 财政拨款收支预算总表, when the question names no fund."""
    return [r for r in refs if cat.doc.table(r.table).role in OVERALL_ROLES and
            not _unasked_funds(cat.doc.table(r.table), text)]


def _fit(text: str, cat: Catalog, ref: CellRef) -> tuple[int, ...]:
    """How well a cell fits the question: the question's words its labels explain, then (negated)
    the rows above it that qualify it but that the question does not name, then whether it is the
    row's total (a part's column is read only when named)."""
    t = cat.doc.table(ref.table)
    unnamed, parent = 0, t.rows[ref.row].parent
    while 0 <= parent < len(t.rows):
        row = t.rows[parent]
        if row.level > 0 and row.name and row.name not in text:
            unnamed += 1
        parent = row.parent
    total = ref.column == 0 or total_column(t, ref.column)
    row = t.rows[ref.row]
    named = bool(row.name) and row.name in text                  # the row itself is named (合计中…小计)
    # a total of "A及B" when the question says only A fits less ("购置": the 购置费 column, not the 小计
    # of 公务用车购置及运行费); then the more of a cell's own name the question says, the better
    own = _own_name(cat, ref)
    said = sum(1 for b in _content_bigrams(own) if b in text)
    parts = re.split(r"及|和|与|、", own)
    unsaid_part = int(total and len(parts) > 1 and any(not any(b in text for b in _content_bigrams(p)) for p in parts))
    in_named_table = int(bool(re.search(rf"{ref.table}(?!\d)", text)))      # "表7里…": that table's cells
    return in_named_table, _explained(text, cell_vocabulary(cat, ref)), int(named), -unsaid_part, said, -unnamed, int(total)


# ── what was read ────────────────────────────────────────────────────────────────────────────────

def reading_of(result: Result, cat: Catalog) -> Reading:
    doc = cat.doc
    op = result.extra.get("as", result.plan.op) if result.extra else result.plan.op
    cells = list(dict.fromkeys(result.cited_cells))
    if not cells:
        return Reading(doc.doc_id, doc.org, doc.year, doc.kind, op=op)
    t = doc.table(cells[0].table)
    same = [c for c in cells if c.table == t.id]
    rows = tuple(dict.fromkeys(t.rows[c.row].label or _column_name(t, c) for c in same))
    columns = [t.columns[c.column].split("/")[-1] for c in same if c.column < len(t.columns)]
    return Reading(doc.doc_id, doc.org, doc.year, doc.kind, t.id, t.title, rows,
                   columns[0] if len(set(columns)) == 1 else "、".join(dict.fromkeys(columns)), op)


def _column_name(t, ref: CellRef) -> str:
    """A one-row table's cells are named by their column (“三公”经费表: 公务接待费)."""
    parts = [p for p in t.columns[ref.column].split("/") if p not in ("合计", "小计")]
    return parts[-1] if parts else t.title


def reading_line(reading: Reading, scope: str = "") -> str:
    """The answer's first line: which unit, year, table, row(s), column and operation."""
    e = escape_markdown                        # names from the document are shown, never rendered
    head = f"{e(reading.org)}{reading.year}年{scope}{reading.kind}" if reading.org else f"{reading.year}年{reading.kind}"
    how = OP_NAMES.get(reading.op, reading.op)
    if not reading.table:
        return f"【{head} · 情况说明 · {how}】"
    rows = "、".join(f"“{e(r)}”" for r in reading.rows[:4]) + ("等" if len(reading.rows) > 4 else "")
    column = f" › {e(reading.column)}" if reading.column else ""
    return f"【{head} · {reading.table}《{e(reading.title)}》› {rows}{column} · {how}】"


__all__ = ["judge", "fitting_cells", "reading_of", "reading_line", "Coverage", "Decimal", "Plan"]
