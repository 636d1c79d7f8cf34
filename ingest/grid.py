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


def grids_of(page) -> list[Grid]:
    try:
        found = page.find_tables()
    except Exception:            # a malformed drawing should not stop the reader
        return []
    out = []
    for t in found:
        edges = sorted({round(c[0], 1) for c in t.cells} | {round(c[2], 1) for c in t.cells})
        xs = tuple((a + b) / 2 for a, b in zip(edges, edges[1:]) if b - a > 15)
        out.append(Grid(t.bbox, xs, tuple(tuple(r.cells) for r in t.rows), tuple(edges)))
    return out


def inside(w: Word, box: Box) -> bool:
    cx, cy = (w[1] + w[2]) / 2, w[3] + 3
    return box[0] <= cx < box[2] and box[1] <= cy < box[3]


def _cells(box_row: tuple[Box | None, ...], words: list[Word], labels: list[tuple[str, float]]
           ) -> dict[int, str]:
    """Text of each labelled column in one grid row: {label index: text}, wrapped lines joined."""
    out: dict[int, str] = {}
    for box in box_row:
        if box is None:
            continue
        held = sorted((w for w in words if inside(w, box)), key=lambda w: (round(w[3]), w[1]))
        if not held:
            continue
        k = next((i for i, (_, x) in enumerate(labels) if box[0] <= x < box[2]), None)
        if k is not None:
            out[k] = out.get(k, "") + "".join(w[0] for w in held)
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
    for page, grids, words in pages:
        placed = 0
        for g in grids:
            for box_row in g.rows:
                cells = _cells(box_row, words, labels)
                if cells:
                    read.append((page, cells))
                    placed += sum(1 for w in words for b in box_row if b is not None and inside(w, b))
        if placed < len(words):
            return None           # words outside the grid: not a table this reader can vouch for
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
