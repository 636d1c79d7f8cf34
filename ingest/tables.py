"""Build a verified table from a raw one: row hierarchy, column placement, table identities.

Text from a PDF drops empty cells, so a row "45.62 40.00 40.00 5.62" under twelve columns does not
say which columns its figures belong to. The figures keep their order, so each row has a finite
set of placements; the table's identities decide among them:
  * row identities from the header tree (总计 = 小计 + …, 小计 = Σ its sibling columns);
  * hierarchy sums down each column (类 = Σ款, 款 = Σ项, 合计 = Σ top rows).
Row identities prune each row's candidates; the hierarchy is solved bottom-up over the row tree,
keeping for each feasible parent placement the children's placements that sum to it. Where the
identities leave a choice, the leftmost placement is taken and a note says so.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from decimal import Decimal

from ingest.headers import Layout, column_identities, layout_for, role_of
from ingest.model import Check, Finding, RawRow, RawTable, ReadingProblem, Row, Table

Vector = tuple[Decimal | None, ...]
MAX_COMBINATIONS = 50_000
TOTAL_NAME = re.compile(r"^(?:类款项)?(?:收入|支出|人员经费|公用经费)?(?:总计|合计)$")   # 类款项: a header cell run into it
NUMBERED_1 = re.compile(r"^[一二三四五六七八九十]+、")
NUMBERED_2 = re.compile(r"^\d+[.、．]")
QIZHONG = re.compile(r"^其中[:：]")
SUBTOTAL = re.compile(r"小计$|^本年(?:收入|支出)合计$")     # 当年收入小计; a 决算's 本年收入合计


@dataclass(frozen=True)
class Relation:
    parent: int
    children: tuple[int, ...]
    exact: bool          # False for "其中" lists, which may name only some parts


def clean_name(raw: str) -> str:
    name = re.sub(r"\s", "", raw)
    name = NUMBERED_1.sub("", name)
    name = NUMBERED_2.sub("", name)
    name = re.sub(r"^类款项(?=合计$|总计$)", "", name)
    return QIZHONG.sub("", name)


def is_total(name: str) -> bool:
    return bool(TOTAL_NAME.match(re.sub(r"\s", "", name)))


def quantum(rows: tuple[RawRow, ...]) -> Decimal:
    places = max((-n.as_tuple().exponent for r in rows for n in r.numbers), default=0)
    return Decimal(1).scaleb(-max(places, 0))


# ── row hierarchy ────────────────────────────────────────────────────────────────────────────────

def hierarchy(rows: tuple[RawRow, ...]) -> tuple[list[int], list[int], list[Relation]]:
    """Level and parent of each row (-1 = none), and the sum relations between rows."""
    levels, parents = [0] * len(rows), [-1] * len(rows)
    for group in dict.fromkeys(r.group for r in rows):
        idx = [i for i, r in enumerate(rows) if r.group == group]
        _levels_in_group(rows, idx, levels, parents)
    relations = []
    for p in range(len(rows)):
        kids = tuple(i for i in range(len(rows)) if parents[i] == p)
        if kids:
            exact = not any(QIZHONG.match(re.sub(r"\s", "", rows[k].name)) for k in kids)
            if not exact:   # a "其中" list that adds up (first figures) is a full breakdown
                first = [rows[k].numbers[0] if rows[k].numbers else Decimal(0) for k in kids]
                exact = bool(rows[p].numbers) and sum(first) == rows[p].numbers[0]
            relations.append(Relation(p, kids, exact))
    return levels, parents, relations


def _levels_in_group(rows, idx, levels, parents) -> None:
    total = next((i for i in idx if is_total(rows[i].name) and not rows[i].code), -1)
    stack: list[int] = []           # rows open as parents, by level
    numbered_level = 0
    qizhong_level = 0
    for i in idx:
        r = rows[i]
        name = re.sub(r"\s", "", r.name)
        if i == total:
            levels[i] = 0
            continue
        if r.code:
            level = {3: 1, 5: 2, 7: 3}.get(len(r.code), 1)
            parent = next((j for j in reversed(idx[: idx.index(i)])
                           if rows[j].code and len(rows[j].code) < len(r.code)
                           and r.code.startswith(rows[j].code)), total)
        elif SUBTOTAL.search(name) and total >= 0 and stack:
            # 当年收入小计: the sum of the items above it; the rows after it (上年结转) add to the total
            level, numbered_level, qizhong_level = 1, 0, 0
            start = max((j for j in idx[: idx.index(i)] if SUBTOTAL.search(re.sub(r"\s", "", rows[j].name))),
                        default=-1)
            for j in idx[: idx.index(i)]:
                if j > start and parents[j] == total and levels[j] == 1:
                    parents[j] = i
            parent = total
        else:
            prev = idx[idx.index(i) - 1] if idx.index(i) else -1
            if NUMBERED_1.match(name) and name.startswith("一、") and prev >= 0 and prev != total and \
                    not rows[prev].code and not re.match(r"^(?:[一二三四五六七八九十]+、|\d)", rows[prev].name.strip()) \
                    and not SUBTOTAL.search(re.sub(r"\s", "", rows[prev].name)):
                # a list numbered again under an unnumbered row (年初财政拨款结转和结余 / 一、一般公共预算…)
                level = levels[prev] + 1
                numbered_level, qizhong_level = level, 0
            elif NUMBERED_1.match(name):
                level, numbered_level, qizhong_level = 1, 1, 0
            elif NUMBERED_2.match(name):
                level, numbered_level, qizhong_level = 2, 2, 0
            elif QIZHONG.match(name):
                prev = stack[-1] if stack else -1
                level = (levels[prev] if prev >= 0 else 0) + 1
                qizhong_level = level
            elif qizhong_level:
                level = qizhong_level
            elif numbered_level:
                level = numbered_level + 1
            else:
                level = 1
            parent = next((j for j in reversed(stack) if levels[j] < level), total)
        levels[i] = level
        parents[i] = parent
        stack = [j for j in stack if levels[j] < level] + [i]


# ── placement ────────────────────────────────────────────────────────────────────────────────────

def _holds(total: Decimal | None, parts: list[Decimal | None], tol: Decimal) -> bool:
    return abs((total or 0) - sum((p or 0) for p in parts)) <= tol


def _candidates(raw: RawRow, allowed: tuple[int, ...], n: int, identities, tol) -> list[Vector]:
    k = len(raw.numbers)
    if k == 0:
        return [tuple([None] * n)]
    if k > len(allowed):
        return []
    out = []
    for cols in itertools.combinations(allowed, k):
        vec: list[Decimal | None] = [None] * n
        for c, v in zip(cols, raw.numbers):
            vec[c] = v
        if all(_holds(vec[t], [vec[p] for p in parts], tol)
               for t, parts in identities if t in allowed and all(p in allowed for p in parts)):
            out.append(tuple(vec))
    return out


def _distance(raw: RawRow, column_xs: tuple[float, ...], vec: Vector) -> float | None:
    """How far the row's figures would sit from their columns' x-centres under ``vec``."""
    if not raw.xs or not column_xs or len(raw.xs) != len(raw.numbers):
        return None
    cols = [i for i, v in enumerate(vec) if v is not None]
    return sum(abs(column_xs[c] - x) for c, x in zip(cols, raw.xs))


def _min_gap(column_xs: tuple[float, ...]) -> float:
    gaps = [b - a for a, b in zip(column_xs, column_xs[1:]) if b > a]
    return min(gaps) if gaps else 0.0


def _by_position(raw: RawRow, column_xs: tuple[float, ...], candidates: list[Vector]) -> list[Vector]:
    """PDF rows: order candidates by how far each figure would sit from its column's x-centre, and
    drop those that put a figure at least half a column further away than the best one does (the
    position decides; the identities confirm it, or decide when positions are that close)."""
    if _distance(raw, column_xs, candidates[0] if candidates else ()) is None or not candidates:
        return candidates
    ordered = sorted(candidates, key=lambda v: _distance(raw, column_xs, v))
    gap = _min_gap(column_xs)
    if not gap:
        return ordered
    best = _distance(raw, column_xs, ordered[0])
    return [v for v in ordered if _distance(raw, column_xs, v) < best + gap / 2]


def aligned_columns(raw: RawTable) -> tuple[float, ...]:
    """The columns' x-centres moved by how the figures are set in their cells: header labels are
    centred, figures usually flush right, so every figure sits about the same distance right of its
    label. That shift is the median distance from each figure to its nearest column (kept only when
    under half a column, so it can never move a figure into the next column)."""
    xs = raw.column_xs
    offsets = sorted(x - min(xs, key=lambda c: abs(c - x)) for r in raw.rows for x in r.xs) if xs else []
    if not offsets:
        return xs
    shift = offsets[len(offsets) // 2]
    return tuple(c + shift for c in xs) if abs(shift) < _min_gap(xs) / 2 else xs


def _position_decides(raw: RawRow, column_xs: tuple[float, ...], chosen: Vector, other: Vector) -> bool:
    """Is ``other`` clearly further from the printed positions than ``chosen`` (a quarter column or
    more)? Then the choice was made by position, not by column order, and is no ambiguity."""
    a, b = _distance(raw, column_xs, chosen), _distance(raw, column_xs, other)
    return a is not None and b is not None and b - a >= _min_gap(column_xs) / 4 > 0


def _sum_key(vectors, n: int, q: Decimal) -> tuple:
    return tuple(sum(((v[c] or 0) for v in vectors), Decimal(0)).quantize(q) for c in range(n))


def _ints(v: Vector, q: Decimal) -> tuple[int, ...]:
    """A vector in units of the table's last digit, so sums are plain integer additions."""
    return tuple(int((x or 0) / q) for x in v)


def _solve(node: int, kids: dict[int, list[int]], cands: list[list[Vector]], n: int, q: Decimal,
           tol: Decimal, memo: dict) -> dict[Vector, tuple[Vector, ...]]:
    """Feasible placements of ``node`` → the placements of its exact children that sum to it."""
    children = kids.get(node, [])
    child_options = [list(_solve(c, kids, cands, n, q, tol, memo)) for c in children]
    own = cands[node]
    if not children:
        result = {v: () for v in own}
    else:
        combos = 1
        for opts in child_options:
            combos *= max(len(opts), 1)
        result = {}
        if combos <= MAX_COMBINATIONS and all(child_options):
            int_options = [[(_ints(v, q), v) for v in opts] for opts in child_options]
            sums: dict[tuple, tuple[Vector, ...]] = {}
            for combo in itertools.product(*int_options):
                key = tuple(map(sum, zip(*(iv for iv, _ in combo))))
                if key not in sums:
                    sums[key] = tuple(v for _, v in combo)
            slack = int(tol / q)
            for v in own:
                key = _ints(v, q)
                match = sums.get(key)
                if match is None and slack:
                    match = next((c for k, c in sums.items()
                                  if all(abs(a - b) <= slack for a, b in zip(k, key))), None)
                if match is not None:
                    result[v] = match
        if not result:   # the sums do not hold (a finding): keep each child in its parent's columns
            def like(v: Vector, opts: list[Vector]) -> Vector:
                filled = {c for c, x in enumerate(v) if x is not None}
                return next((o for o in opts if {c for c, x in enumerate(o) if x is not None} <= filled), opts[0])
            result = {v: tuple(like(v, opts) for opts in child_options if opts) for v in own}
    memo[node] = result
    return result


def place(raw: RawTable, layout: Layout, relations: list[Relation], roots: list[int],
          hints: list[tuple[tuple[int, ...], Decimal]] = ()) -> tuple[list[Vector], list[ReadingProblem]]:
    """The columns of each row's figures; what the arithmetic cannot decide is a reading problem."""
    if raw.column_xs and len(raw.column_xs) == len(layout.columns):
        raw = replace(raw, column_xs=aligned_columns(raw))
    rows, n = raw.rows, len(layout.columns)
    q = quantum(rows)
    tol = q
    identities = column_identities(layout.columns)
    findings: list[ReadingProblem] = []
    cands = []
    for r in rows:
        allowed = layout.groups.get(r.group, tuple(range(n))) if layout.groups else tuple(range(n))
        c = _by_position(r, raw.column_xs, _candidates(r, allowed, n, identities, tol))
        if not c:
            c = _by_position(r, raw.column_xs, _candidates(r, allowed, n, [], tol))
            if c:
                findings.append(ReadingProblem(
                    "placement", _what(raw, r.name), r.source,
                    f"数字 {_fmt(r.numbers)} 放入任何栏目都不满足表头的栏目关系，已按位置放置，请核对原表"))
        if not c:
            findings.append(ReadingProblem(
                "placement", _what(raw, r.name), r.source,
                f"这一行读到 {len(r.numbers)} 个数字，但表头只有 {n} 栏：多出的数字未能归入栏目，本行数字未采用"))
            vec = tuple((list(r.numbers) + [None] * n)[:n])
            c = [vec]
        cands.append(c)
    kids: dict[int, list[int]] = {}
    for rel in relations:
        if rel.exact:
            kids[rel.parent] = list(rel.children)
    chosen: list[Vector | None] = [None] * len(rows)
    memo: dict = {}

    def assign(node: int, vec: Vector) -> None:
        chosen[node] = vec
        for child, child_vec in zip(kids.get(node, []), memo[node].get(vec, ())):
            assign(child, child_vec)

    def hint_score(vec: Vector) -> int:
        return sum(1 for cols, expected in hints
                   if abs(sum((vec[c] or 0) for c in cols) - expected) <= tol)

    for root in roots:
        options = list(_solve(root, kids, cands, n, q, tol, memo))
        if not options:
            assign(root, cands[root][0])
            continue
        best = 0
        if hints and is_total(rows[root].name):   # other tables fix some column totals
            best = max(range(len(options)), key=lambda k: (hint_score(options[k]), -k))
        assign(root, options[best])
        tied = [o for o in options if o != options[best]
                and (not hints or hint_score(o) == hint_score(options[best]))
                and not _position_decides(rows[root], raw.column_xs, options[best], o)]
        if tied:
            others = {layout.columns[c] for o in tied for c, v in enumerate(o)
                      if v is not None and options[best][c] is None}
            placed = "、".join(layout.columns[c] for c, v in enumerate(options[best]) if v is not None)
            findings.append(ReadingProblem(
                "ambiguous-placement", _what(raw, rows[root].name), rows[root].source,
                f"表内等式也允许放在{'、'.join(sorted(others))}；已按栏目顺序放在{placed}", "note"))
    for i, vec in enumerate(chosen):
        if vec is None:
            chosen[i] = cands[i][0]
    findings += _ambiguities(raw, layout, cands, chosen, kids, q)
    return chosen, findings


def _ambiguities(raw, layout, cands, chosen, kids, q) -> list[ReadingProblem]:
    parent_of = {c: p for p, cs in kids.items() for c in cs}
    out = []
    for i, options in enumerate(cands):
        if len(options) < 2:
            continue
        alternatives = []
        for alt in options:
            if alt == chosen[i] or _position_decides(raw.rows[i], raw.column_xs, chosen[i], alt):
                continue
            trial = list(chosen)
            trial[i] = alt
            ok_children = i not in kids or _sum_key([trial[c] for c in kids[i]], len(alt), q) == \
                _sum_key([alt], len(alt), q)
            p = parent_of.get(i)
            ok_parent = p is None or _sum_key([trial[c] for c in kids[p]], len(alt), q) == \
                _sum_key([trial[p]], len(alt), q)
            if ok_children and ok_parent:
                alternatives.append(alt)
        if alternatives:
            placed = "、".join(layout.columns[c] for c, v in enumerate(chosen[i]) if v is not None)
            others = {layout.columns[c] for alt in alternatives for c, v in enumerate(alt)
                      if v is not None and chosen[i][c] is None}
            out.append(ReadingProblem(
                "ambiguous-placement", _what(raw, raw.rows[i].name), raw.rows[i].source,
                f"表内等式也允许放在{'、'.join(sorted(others))}；已按栏目顺序放在{placed}", "note"))
    return out


def _what(raw: RawTable, row_name: str) -> str:
    return " ".join(x for x in (raw.number, raw.title, row_name.strip() or "（无名称的行）") if x)


def _fmt(values) -> str:
    return " ".join(str(v) for v in values)


# ── checks ───────────────────────────────────────────────────────────────────────────────────────

def table_checks(table_id: str, rows: list[Row], layout: Layout, relations: list[Relation],
                 tol: Decimal) -> list[Check]:
    checks = []
    cols = layout.columns
    for total, parts in column_identities(cols):
        for i, r in enumerate(rows):
            allowed = layout.groups.get(r.group, tuple(range(len(cols)))) if layout.groups else None
            if allowed is not None and not (total in allowed and all(p in allowed for p in parts)):
                continue
            if all(r.values[c] is None for c in (total, *parts)):
                continue
            ok = _holds(r.values[total], [r.values[p] for p in parts], tol)
            shown = " + ".join(_show(r.values[p]) for p in parts if r.values[p] is not None) or "0"
            checks.append(Check(
                rule=f"行内: {cols[total]} = " + " + ".join(cols[p] for p in parts), ok=ok,
                detail=f"{_row_label(r)}: {_show(r.values[total])} {'=' if ok else '≠'} {shown}",
                cells=tuple((table_id, i, c) for c in (total, *parts) if r.values[c] is not None)))
    for rel in relations:
        parent = rows[rel.parent]
        kids = [rows[k] for k in rel.children]
        bad = []
        used = []
        for c in range(len(cols)):
            if parent.values[c] is None and all(k.values[c] is None for k in kids):
                continue
            used.append(c)
            s = sum((k.values[c] or 0) for k in kids)
            p = parent.values[c] or 0
            if (rel.exact and abs(p - s) > tol) or (not rel.exact and s - p > tol):
                bad.append(f"{cols[c]}: {_show(parent.values[c])} ≠ Σ {s}")
        if not used:
            continue
        exact_sum = all(abs((parent.values[c] or 0) - sum((k.values[c] or 0) for k in kids)) <= tol
                        for c in used)
        kind = "层级求和" if rel.exact else "其中项不超过上级"
        rule = f"{kind}: {_row_label(parent)} = Σ 下级" if rel.exact else f"{kind}: Σ 其中 ≤ {_row_label(parent)}"
        members = (rel.parent, *rel.children)
        checks.append(Check(
            rule=rule, ok=not bad,
            detail=("; ".join(bad) if bad else f"{len(kids)} 行, {len(used)} 列相符"),
            cells=tuple((table_id, i, c) for i in members for c in used
                        if rows[i].values[c] is not None) if exact_sum else ()))
    return checks


def _show(v: Decimal | None) -> str:
    return "0" if v is None else str(v)


def _row_label(r: Row) -> str:
    return " ".join(x for x in (r.code, r.name) if x)


# Items of the 决算 收支总表 printed one under the other; a label-only line is joined to the next as a
# wrapped name, so two of them can arrive run together ("使用非财政拨款结余（含专用结余）年初结转和结余 49.14").
TEMPLATE_ITEMS = ("使用非财政拨款结余（含专用结余）", "使用非财政拨款结余", "年初结转和结余", "结余分配", "年末结转和结余",
                  "年初财政拨款结转和结余", "年末财政拨款结转和结余")


def _split_run_together(rows: tuple[RawRow, ...]) -> list[RawRow]:
    out = []
    for r in rows:
        name = re.sub(r"\s", "", r.name)
        pair = next(((a, b) for a in TEMPLATE_ITEMS for b in TEMPLATE_ITEMS if name == a + b), None)
        if pair and not r.code:
            out += [replace(r, name=pair[0], numbers=(), xs=()), replace(r, name=pair[1])]
        else:
            out.append(r)
    return out


# ── entry point ──────────────────────────────────────────────────────────────────────────────────

def build_table(raw: RawTable, hints: list[tuple[tuple[int, ...], Decimal]] = ()
                ) -> tuple[Table, list[Finding], list[ReadingProblem]]:
    """The table with its figures placed and its own identities checked; ``hints`` are column
    totals that other tables of the document fix (see ``ingest.verify.column_hints``). Returns the
    table, its findings (failing identities: the document's own) and its reading problems (ours)."""
    raw = replace(raw, rows=tuple(_split_run_together(raw.rows)))
    side_by_side = len({r.group for r in raw.rows} - {""}) > 1
    max_figures = max((len(r.numbers) for r in raw.rows), default=0)
    if raw.columns and side_by_side and len(raw.columns) == 1:     # two halves with one column each
        layout = Layout(raw.columns, {}, True)
    elif raw.columns and side_by_side:        # the 支出 side's columns read from the header by position
        layout = Layout(raw.columns, {"收入": (0,), "支出": tuple(range(len(raw.columns)))}, True)
    elif raw.columns:
        layout = Layout(raw.columns, {}, True)
    else:
        layout = layout_for(raw.header, raw.n_columns, side_by_side, max_figures)
    levels, parents, relations = hierarchy(raw.rows)
    roots = [i for i in range(len(raw.rows)) if parents[i] == -1]
    vectors, problems = place(raw, layout, relations, roots, hints)
    rows = [Row(code=r.code, name=clean_name(r.name), values=vectors[i], source=r.source,
                group=r.group, project=r.project, level=levels[i], parent=parents[i])
            for i, r in enumerate(raw.rows)]
    tol = quantum(raw.rows)
    checks = table_checks(raw.number, rows, layout, relations, tol)
    if not layout.understood and raw.rows:
        problems.append(ReadingProblem("header", f"{raw.number} {raw.title}", raw.source,
                                       "表头未能识别，栏目按顺序编号为 列1、列2 …"))
    if not raw.complete:
        problems.append(ReadingProblem("incomplete-table", f"{raw.number} {raw.title}", raw.source,
                                       "文档在此表中途结束（没有合计行）"))
    findings: list[Finding] = []
    for c in checks:
        if not c.ok:
            findings.append(Finding("identity", f"{raw.number} {c.rule}: {c.detail}", raw.number))
    verified = frozenset((i, col) for c in checks if c.ok for (_, i, col) in c.cells)
    table = Table(id=raw.number, title=raw.title, unit=raw.unit, role=role_of(raw.title),
                  columns=layout.columns, rows=tuple(rows), source=raw.source, note=raw.note,
                  checks=tuple(checks), verified=verified)
    return table, findings, list(dict.fromkeys(problems))    # one note per row, however found
