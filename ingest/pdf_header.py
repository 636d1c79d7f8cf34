"""A PDF table's header: labels with their x-positions (words stacked in a cell joined, a ruled
cell's words joined), each column's x-centre, the parts of a side-by-side 收支 table and the
columns of its 支出 side when no standard layout fits.
"""
from __future__ import annotations

import re

from ingest.grid import Grid, inside
from ingest.headers import normalise
from ingest.model import RawRow
from ingest.pdf_lines import Line, OpenTable


def _stacks(header: list[Line], dy: float = 20) -> list[list[tuple[str, float, float, float]]]:
    """Header words grouped into stacks sharing an x-centre, each at most ``dy`` below the one
    above (a cell wrapped over lines: "事业单位" over "经营收入"), top to bottom."""
    stacks: list[list[tuple[str, float, float, float]]] = []
    for w in sorted((w for ln in header for w in ln.words), key=lambda w: (w[3], w[1])):
        c = (w[1] + w[2]) / 2
        for st in stacks:
            if abs((st[-1][1] + st[-1][2]) / 2 - c) <= 6 and 0 < w[3] - st[-1][3] <= dy:
                st.append(w)
                break
        else:
            stacks.append([w])
    return stacks


def _stack_cell(st: list[tuple[str, float, float, float]]) -> tuple[str, float]:
    return "".join(w[0] for w in st), sum((w[1] + w[2]) / 2 for w in st) / len(st)


def join_header(header: list[Line]) -> str:
    """Header lines as read, then each stack of words wrapped in one cell joined top to bottom."""
    text = " ".join(ln.joined for ln in header)
    joined = [_stack_cell(st)[0] for st in _stacks(header) if len(st) > 1]
    return text + (" " + " ".join(joined) if joined else "")


def _header_cells(header: list[Line], grids: list[Grid] = ()) -> list[tuple[str, float]]:
    """(text, x-centre) of each header word, of each stack of words wrapped in one cell, and of the
    words of each ruled header cell joined (单位预留机动经 / 费)."""
    cells = [(w[0], (w[1] + w[2]) / 2) for ln in header for w in ln.words]
    cells += [_stack_cell(st) for st in _stacks(header) if len(st) > 1]
    cells += [(w[0], (w[1] + w[2]) / 2) for w in wrapped_header_cells(header, list(grids))]
    return [(normalise(t), x) for t, x in cells]


def header_xs(header: list[Line], columns: tuple[str, ...], grids: list[Grid] = ()) -> tuple[float, ...]:
    """x-centre of each column's own label in the header, left to right; () when one is missing."""
    cells = _header_cells(header, grids)
    xs: list[float] = []
    for column in columns:
        label = normalise(column.split("/")[-1])
        options = sorted(x for t, x in cells if t == label or (len(label) > 3 and t.endswith(label)))
        nxt = next((x for x in options if not xs or x > xs[-1] + 5), None)
        if nxt is None:
            return ()
        xs.append(nxt)
    return tuple(xs)


def two_halves(t: OpenTable) -> bool:
    """A table printed in two halves side by side with the same header (the 决算 template's 基本支出
    table: 经济分类 | 科目名称 | 决算数, twice)."""
    return sum(1 for ln in t.header for w in ln.words if w[0] == "经济分类") == 2


def side_split(t: OpenTable, grids: dict[int, list[Grid]], names: set[str] | None = None) -> list[float] | None:
    """x where each further half of a 收支 table starts: at each 项目/项目名称/功能科目名称 header cell
    after the first (Jiangsu's 收支预算总表 has three parts: 收入, 功能分类, 支出用途; the sample's
    支出 half is headed 功能分类). The boundary is the ruled line left of that cell when there is a
    grid (codes sit just right of it), else halfway from the words to its left."""
    page = t.header[0].page if t.header else t.start_page
    words = [w for ln in t.header for w in ln.words] + wrapped_header_cells(t.header, grids.get(page, []))
    names = names or {"项目", "项目名称", "功能科目名称"} | \
        ({"功能分类"} if not any(w[0] == "功能科目名称" for w in words) else set())
    heads = sorted((w for w in words if w[0] in names), key=lambda w: w[1])
    edges = sorted({e for g in grids.get(page, []) for e in g.edges})
    bounds = []
    for head in heads[1:]:
        left = [w[2] for w in words if w[2] < head[1] and abs(w[3] - head[3]) <= 12]
        middle = (max(left) + head[1]) / 2 if left else head[1] - 5
        ruled = [e for e in edges if (max(left) if left else -1e9) < e < head[1] - 1]
        bounds.append(max(ruled) if ruled else middle)
    return bounds or None


def wrapped_header_cells(header: list[Line], grids: list[Grid]) -> list[tuple]:
    """Header labels wrapped inside one ruled cell ("项目名" over "称"), as one word each: the
    cell's words joined top to bottom, with their x-range and top."""
    out = []
    words = [w for ln in header for w in ln.words]
    for g in grids:
        for box in dict.fromkeys(b for row in g.rows for b in row if b is not None):
            held = sorted((w for w in words if inside(w, box)), key=lambda w: (round(w[3]), w[1]))
            if len(held) > 1:
                out.append(("".join(w[0] for w in held), min(w[1] for w in held), max(w[2] for w in held),
                            min(w[3] for w in held), max(w[4] for w in held)))
    return out


def grid_column_xs(t: OpenTable, grids: dict, n: int, rows: list[RawRow]) -> tuple[float, ...]:
    """x-centres of the n amount columns: the rightmost n grid columns of the ruled table on the
    table's first data page; without a grid, none (placement falls back to arithmetic alone)."""
    page = t.data[0].page if t.data else t.start_page
    for g in grids.get(page, []):
        top = t.data[0].top if t.data else 0
        if g.bbox[1] - 2 <= top <= g.bbox[3] + 2 and len(g.xs) >= n:
            return g.xs[-n:]
    return ()
TEXT_LABEL = re.compile(r"编码|代码|名称|^项目$|^科目$|^款$|^项$|^类$")


def header_columns(header: list[Line], grids: list[Grid], rows: list[RawRow], left: float = -1e9,
                   group: str | None = None) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Columns read from the header by position, for a table no standard layout fits: each figure
    goes to the nearest lowest header label (a leaf) right of ``left``, and the labels that receive
    figures are the columns, left to right, named "parent/label" under a label above that spans
    them (its ruled cell does, or it is centred over them). ``group``: only these rows' figures (the
    支出 side of a 收支 table). () when the header does not tell: a row with two figures under one
    label, too few labels, or a 小计 whose parent cannot be told (its sums would be wrong)."""
    used_rows = [r for r in rows if (group is None or r.group == group) and r.xs and len(r.xs) == len(r.numbers)]
    if not used_rows:
        return (), ()
    cells = _label_cells(header, grids)
    leaves = [c for c in cells if (c[1] + c[2]) / 2 > left and not any(
        o is not c and o[3] > c[3] + 3 and o[1] < c[2] - 1 and c[1] + 1 < o[2] for o in cells)]
    if not leaves:
        return (), ()

    def nearest(x: float):
        return min(leaves, key=lambda c: 0 if c[1] <= x <= c[2] else min(abs(c[1] - x), abs(c[2] - x)))
    used: set = set()
    for r in used_rows:
        mine = [nearest(x) for x in r.xs]
        if len(set(map(id, mine))) < len(mine):
            return (), ()                       # two figures under one label: not this header's columns
        used.update(map(id, mine))
    columns = sorted((c for c in leaves if id(c) in used), key=lambda c: c[1])
    if len(columns) < max(len(r.numbers) for r in used_rows) or len({c[0] for c in columns}) < len(columns):
        return (), ()
    if any(TEXT_LABEL.search(normalise(c[0])) for c in columns):
        return (), ()                # figures under a 科目编码 / 名称 label: the rows are not read as printed
    parents = [o for o in cells if o not in leaves and (o[1] + o[2]) / 2 > left]
    names = [[normalise(c[0])] for c in columns]
    for o in sorted(parents, key=lambda o: -o[3]):          # the lowest parent first
        run = _spanned(o, columns, [c for c in leaves if id(c) not in used])
        for k in run:
            names[k].insert(0, normalise(o[0]))
    if any(n[-1] in ("小计", "合计", "总计") and len(n) == 1 and k for k, n in enumerate(names)):
        return (), ()
    return tuple("/".join(n) for n in names), tuple((c[1] + c[2]) / 2 for c in columns)


def _spanned(parent: tuple, columns: list[tuple], unused: list[tuple]) -> list[int]:
    """The columns a header label above spans: those whose centres its ruled cell (or its text)
    covers, when at least two and no label without figures; else the run of two or more columns it
    is centred over (within 10 pt)."""
    centres = [(c[1] + c[2]) / 2 for c in columns]
    covered = [k for k, x in enumerate(centres) if parent[1] <= x <= parent[2]]
    if len(covered) >= 2 and not any(parent[1] <= (u[1] + u[2]) / 2 <= parent[2] for u in unused):
        return covered
    mid = (parent[1] + parent[2]) / 2
    runs = [(abs((centres[a] + centres[b]) / 2 - mid), a, b)
            for a in range(len(centres)) for b in range(a + 1, len(centres))]
    best = min(runs, default=None)
    return list(range(best[1], best[2] + 1)) if best and best[0] <= 10 else []


def _label_cells(header: list[Line], grids: list[Grid]) -> list[tuple]:
    """Header labels as (text, x0, x1, top, bottom): a ruled cell's words joined, with the cell's
    x-range; every other word on its own."""
    words = [w for ln in header for w in ln.words]
    boxes = [b for g in grids for row in g.rows for b in row if b is not None]
    cells = []
    for box in dict.fromkeys(boxes):
        held = sorted((w for w in words if inside(w, box)), key=lambda w: (round(w[3]), w[1]))
        if held:
            cells.append(("".join(w[0] for w in held), box[0], box[2], min(w[3] for w in held),
                          max(w[4] for w in held)))
    placed = {id(w) for box in boxes for w in words if inside(w, box)}
    # outside rules each word is a label: a word centred above others is their parent, not a wrap
    return cells + [(w[0], w[1], w[2], w[3], w[4]) for w in words if id(w) not in placed]


def header_labels(header: list[Line]) -> list[tuple[str, float]]:
    """Header labels left to right with their x-centres; a label wrapped over lines ("采购品目大"
    over "类") is one label."""
    return sorted((_stack_cell(st) for st in _stacks(header, dy=30)), key=lambda lx: lx[1])
