"""Tables read cell by cell from their ruled grid, for tables whose rows the line-by-line reader
cannot separate: several text columns whose cells wrap over lines above and below the row's figure
(Jiangsu's 政府采购支出预算表: 采购品目大类 | 专项名称 | 经济科目 | 采购物品名称 | 采购组织形式 | 总计).

The grid comes from pdfplumber's table finder (``page.find_tables()``), each cell's text from the
words inside it. Which text columns belong together is read from the rows, not from a list of
labels: columns filled in the same row are one level (专项名称 + 经济科目, 物品名称 + 组织形式), and
the levels nest left to right (类 ⊃ 专项 ⊃ 物品). The rows are handed on numbered like the text
reader's ("一、" a level-1 row, "1." a level-2 row, unnumbered below), so the table's own arithmetic
(合计 = Σ 类, 类 = Σ 专项, 专项 = Σ 物品) is checked like any other table's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ingest.model import RawRow

AMOUNT = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^-?\d+(?:\.\d+)?$")
TOTAL = re.compile(r"^(?:总计|合计)$")
Box = tuple[float, float, float, float]
Word = tuple[str, float, float, float]          # text, x0, x1, top (as ingest.pdf reads them)


@dataclass(frozen=True)
class Grid:
    """One ruled table on a page: its bbox, the x-centres of its columns, its rows' cell boxes."""
    bbox: Box
    xs: tuple[float, ...]
    rows: tuple[tuple[Box | None, ...], ...] = ()
    edges: tuple[float, ...] = ()        # x of each vertical rule
    strips: tuple[tuple[float, float], ...] = ()   # (top, bottom) between consecutive horizontal rules


def grids_of(page) -> list[Grid]:
    try:
        found = page.find_tables()
    except Exception:            # a malformed drawing should not stop the reader
        return []
    out = []
    for t in found:
        frames = _frames(t.cells)
        cells = [c for c in t.cells if c not in frames]
        if not cells:
            continue
        edges = sorted({round(c[0], 1) for c in cells} | {round(c[2], 1) for c in cells})
        xs = tuple((a + b) / 2 for a, b in zip(edges, edges[1:]) if b - a > 15)
        rules = sorted({round(c[1], 1) for c in cells} | {round(c[3], 1) for c in cells})
        strips = tuple((a, b) for a, b in zip(rules, rules[1:]) if b - a > 2)
        rows = tuple(tuple(None if c in frames else c for c in r.cells) for r in t.rows)
        out.append(Grid(t.bbox, xs, rows, tuple(edges), strips))
    return out


def _frames(cells: list[Box]) -> set[Box]:
    """Boxes that enclose other cells (a border drawn around the whole page or table), not cells."""
    out = set()
    for c in cells:
        if any(o != c and c[0] - 1 <= o[0] and o[2] <= c[2] + 1 and c[1] - 1 <= o[1] and o[3] <= c[3] + 1
               for o in cells):
            out.add(c)
    return out


def inside(w: Word, box: Box) -> bool:
    cx, cy = (w[1] + w[2]) / 2, w[3] + 3
    return box[0] <= cx < box[2] and box[1] <= cy < box[3]


def _cells(box_row: tuple[Box | None, ...], words: list[Word], labels: list[tuple[str, float]],
           single: set) -> tuple[dict[int, str], set[int]]:
    """Text of each labelled column in one grid row: {label index: text}, wrapped lines joined; and
    the columns whose text is in a cell merged over several rows (not in ``single``)."""
    out: dict[int, str] = {}
    merged: set[int] = set()
    for box in box_row:
        if box is None:
            continue
        held = sorted((w for w in words if inside(w, box)), key=lambda w: (round(w[3]), w[1]))
        if not held:
            continue
        k = next((i for i, (_, x) in enumerate(labels) if box[0] <= x < box[2]), None)
        if k is not None:
            out[k] = out.get(k, "") + "".join(w[0] for w in held)
            if box not in single:
                merged.add(k)
    return out, merged


_SINGLE: dict[int, tuple] = {}


def single_row_boxes(g: Grid) -> tuple[Box, ...]:
    """The grid's cells one printed row high: no horizontal rule of another cell crosses them
    (5 pt from their edges). Cached per grid."""
    key = id(g)
    if key not in _SINGLE or _SINGLE[key][0] is not g:
        boxes = [b for row in g.rows for b in row if b is not None]
        rules = sorted({b[1] for b in boxes} | {b[3] for b in boxes})
        single = tuple(b for b in dict.fromkeys(boxes) if not any(b[1] + 5 < y < b[3] - 5 for y in rules))
        _SINGLE[key] = (g, single)
    return _SINGLE[key][1]


def _carried(outside: list[Word], grids: list[Grid], labels: list[tuple[str, float]]) -> dict[int, str] | None:
    """Words above the grid atop a continuation page, whose top rule is missing: the end of the last
    row's wrapped cells cut by the page break ("置更新"), or a whole row when they hold a figure.
    {label index: text}, or None when they are not that."""
    if not grids:
        return None
    top = min(g.bbox[1] for g in grids)
    if any(w[3] + 3 >= top for w in outside):
        return None
    columns = [b for g in grids for row in g.rows[:3] for b in row if b is not None]
    out: dict[int, str] = {}
    for w in sorted(outside, key=lambda w: (round(w[3]), w[1])):
        cx = (w[1] + w[2]) / 2
        box = next((b for b in columns if b[0] <= cx < b[2]), None)
        k = next((i for i, (_, x) in enumerate(labels) if box is not None and box[0] <= x < box[2]), None)
        if k is None:
            return None
        out[k] = out.get(k, "") + w[0]
    return out


def _levels(rows: list[dict[int, str]], text_columns: list[int]) -> dict[int, int]:
    """Level (0, 1, 2 …) of each text column: columns filled in one row share a level."""
    group = {c: c for c in text_columns}

    def root(c: int) -> int:
        while group[c] != c:
            c = group[c]
        return c
    for r in rows:
        filled = [c for c in text_columns if r.get(c)]
        for c in filled[1:]:
            group[root(c)] = root(filled[0])
    roots = sorted({root(c) for c in text_columns})
    return {c: roots.index(root(c)) for c in text_columns}


def grid_rows(pages: list[tuple[int, list[Grid], list[Word]]], labels: list[tuple[str, float]]
              ) -> tuple[tuple[str, ...], list[RawRow]] | None:
    """Rows of a table from the grid cells on its pages. ``pages``: (page number, grids on the page,
    the words of the table's data lines there: the title, header and note rows of the drawing hold
    none); ``labels``: the header's column labels with their x-centres, left to right. None when no
    grid covers the data."""
    read: list[tuple[int, dict[int, str]]] = []
    last: dict[int, str] = {}            # the latest text of each column
    for page, grids, words in pages:
        boxes = [b for g in grids for row in g.rows for b in row if b is not None]
        outside = [w for w in words if not any(inside(w, b) for b in boxes)]
        carried = _carried(outside, grids, labels) if read and outside else None
        if outside and carried is None:
            return None           # words outside the grid: not a table this reader can vouch for
        if carried and any(AMOUNT.match(w[0]) for w in outside):
            read.append((page, carried))             # a whole row above the first rule of the page
        else:
            for k, text in (carried or {}).items():  # the rest of a row cut by the page break
                read[-1][1][k] = read[-1][1].get(k, "") + text
        for g in grids:
            single = set(single_row_boxes(g))
            for box_row in g.rows:
                cells, merged = _cells(box_row, words, labels, single)
                for k in merged & set(cells):
                    if len(cells) > len(merged) and last.get(k) == cells[k]:
                        del cells[k]     # a merged group label repeated atop a continuation page
                last.update(cells)
                if cells:
                    read.append((page, cells))
    if not read:
        return None
    amount_columns = [k for k in range(len(labels))
                      if any(k in c for _, c in read)
                      and all(AMOUNT.match(c[k].replace(" ", "")) for _, c in read if c.get(k))]
    text_columns = [k for k in range(len(labels)) if k not in amount_columns]
    if not amount_columns or not text_columns:
        return None
    level = _levels([c for _, c in read], text_columns)
    rows = []
    above: dict[int, str] = {}       # the first cell of the last row of each level
    for page, cells in read:
        texts = [(level[k], k, cells[k]) for k in text_columns if cells.get(k)]
        numbers = tuple(Decimal(cells[k].replace(",", "")) for k in amount_columns if cells.get(k))
        if not texts:
            continue
        first = min(lv for lv, _, _ in texts)
        group = [k for k in text_columns if level[k] == first]
        words = [t for lv, _, t in texts if lv == first]
        if not cells.get(group[0]) and above.get(first):
            words.insert(0, above[first])          # a blank 专项名称 is the one above (经济科目 beside it)
        above = {lv: t for lv, t in above.items() if lv < first}
        above[first] = words[0]
        name = words[0] + (f"（{'，'.join(w for w in words[1:] if w != words[0])}）"
                           if any(w != words[0] for w in words[1:]) else "")
        name = re.sub(r"\s", "", name)
        if not TOTAL.match(name):
            name = _numbered(name, first)
        rows.append(RawRow(code="", name=name, numbers=numbers, source=f"p. {page}"))
    return tuple(labels[k][0] for k in amount_columns), rows


def _numbered(name: str, level: int) -> str:
    """The numbering the text reader's hierarchy understands: 一、 (level 1), 1. (level 2)."""
    if level == 0:
        return name if re.match(r"^[一二三四五六七八九十]+、", name) else f"一、{name}"
    if level == 1:
        return name if re.match(r"^\d+[.、．]", name) else f"1.{name}"
    return name
