"""A PDF table's rows: printed rows from the ruled cells (or line spacing), each row's code, name
and figures with their x-centres, side-by-side parts, income categories, procurement tables read
cell by cell; handed to the text parser's row reader, so both readers build the same rows.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ingest.grid import Grid, grid_rows, inside, single_row_boxes
from ingest.headers import is_side_by_side, layout_for, role_of
from ingest.model import RawRow, RawTable
from ingest.pdf_header import (
    grid_column_xs,
    header_columns,
    header_labels,
    header_xs,
    join_header,
    side_split,
    two_halves,
)
from ingest.pdf_lines import AMOUNT, BAND, CJK, Line, OpenTable, overlap
from ingest.text import Places, _rows, project_column_in


MERGED_LABEL = re.compile(r"结转|结余|小计|合计|总计")   # labels of the 支出 side, not 功能科目
def _bands(data: list[Line], grids: dict[int, list[Grid]]) -> list[list[Line]]:
    """Printed rows. Inside a ruled table, lines with words in one cell belong to one printed row,
    and so does every line between them (a name wrapped above and below the line of figures, in
    any column), and so do lines in cells of the same row: a label is never joined to the figures
    of another row. A cell that spans several
    rows (a category beside its block) joins nothing. Outside rules, lines closer than ``BAND`` on
    one page are one row."""
    cells = [cells_of(ln, grids.get(ln.page, [])) for ln in data]
    joined = [False] * len(data)               # joined[k]: line k continues the row of line k-1
    last_line: dict = {}
    for k, (ln, boxes) in enumerate(zip(data, cells)):
        for box in boxes:
            i = last_line.get(box)
            if i is not None and data[i].page == ln.page:
                for m in range(i + 1, k + 1):
                    joined[m] = True
            last_line[box] = k
    for k in range(1, len(data)):       # lines in cells of one row (a "0" set lower in its own cell)
        if data[k].page == data[k - 1].page and any(overlap((a[1], a[3]), (b[1], b[3])) > 0.5
                                                    for a in cells[k] for b in cells[k - 1]):
            joined[k] = True
    bands: list[list[Line]] = []
    for k, ln in enumerate(data):
        prev = data[k - 1] if k else None
        near = prev is not None and prev.page == ln.page and not cells[k] and not cells[k - 1] and \
            ln.top - prev.top < BAND
        if bands and (joined[k] or near):
            bands[-1].append(ln)
        else:
            bands.append([ln])
    return bands


def _rows_cut_by_pages(bands: list[list[Line]]) -> list[list[Line]]:
    """A row cut by a page break ("当 年 收 入 13,649.07" at a page foot, "小计" alone atop the next):
    the first row of a page that holds only a short fragment of text (no figures, no code, no item
    number, at most three characters) ends the label of the last row of the page before, when that
    row has figures."""
    out: list[list[Line]] = []
    for band in bands:
        text = "".join(ln.joined for ln in band)
        if out and band[0].page != out[-1][-1].page and any(ln.amounts() for ln in out[-1]) \
                and not any(ln.amounts() for ln in band) and len(text) <= 3 and CJK.search(text) \
                and not re.match(r"^(?:\d|[一二三四五六七八九十]+、|[（(])", text):
            out[-1] = out[-1] + band
        else:
            out.append(band)
    return out


def cells_of(ln: Line, grids: list[Grid]) -> set:
    """The ruled cells (boxes) one printed row high that hold the line's words."""
    out = set()
    for g in grids:
        for box in single_row_boxes(g):
            if any(inside(w, box) for w in ln.words):
                out.add(box)
    return out


def _band_text(band: list[Line], lo: float, hi: float) -> tuple[str, tuple[float, ...]]:
    """'code name figures' for the words of a band between x ``lo`` and ``hi``, and the figures' x-centres."""
    code, names, figures = _band_parts(band, lo, hi)
    text = " ".join(x for x in (code, "".join(names), " ".join(w[0] for w in figures)) if x)
    return text, tuple((w[1] + w[2]) / 2 for w in figures)


def _band_parts(band: list[Line], lo: float, hi: float, by_cell: bool = False) -> tuple[str, list[str], list]:
    """The band's 科目编码, its text (``by_cell``: one text per column left to right, each cell's
    wrapped lines joined top to bottom, words whose x-ranges overlap being one cell; otherwise all
    of it in reading order), and its figure words."""
    page_y = 10_000      # a row cut by a page break reads on in page order: tops counted per page
    words = [(w[0], w[1], w[2], w[3] + ln.page * page_y, w[4] + ln.page * page_y)
             for ln in band for w in ln.words if lo <= (w[1] + w[2]) / 2 < hi]
    band_x0 = min((w[1] for w in words if CJK.search(w[0])), default=None)
    line_x0 = {w[3]: min((x[1] for x in words if CJK.search(x[0]) and abs(x[3] - w[3]) <= 3), default=band_x0)
               for w in words}    # a name wrapped under its code starts left of the code: per line
    codes, names, figures = [], [], []
    for w in words:
        name_x0 = line_x0[w[3]]
        if re.fullmatch(r"\d{1,7}", w[0]) and name_x0 is not None and w[2] <= name_x0 + 1:
            codes.append(w)         # 科目编码 (or its 类/款/项 parts) left of the name
        elif AMOUNT.match(w[0]):
            figures.append(w)
        else:
            names.append(w)
    codes.sort(key=lambda w: w[1])
    code = ""
    for k, w in enumerate(codes):
        code += w[0].zfill(2) if k and len(w[0]) < 2 else w[0]
    if not by_cell:
        return code, ["".join(w[0] for w in sorted(names, key=lambda w: (w[3], w[1])))], \
            sorted(figures, key=lambda w: w[1])
    cells: list[list] = []
    for w in sorted(names, key=lambda w: w[1]):
        if cells and w[1] < max(x[2] for x in cells[-1]) - 1:
            cells[-1].append(w)
        else:
            cells.append([w])
    texts = ["".join(x[0] for x in sorted(c, key=lambda x: (x[3], x[1]))) for c in cells]
    return code, texts, sorted(figures, key=lambda w: w[1])


def raw_table(t: OpenTable, grids: dict[int, list[Grid]]) -> RawTable:
    header_text = join_header(t.header)
    if role_of(t.title) == "procurement":
        by_cell = _grid_table(t, grids, header_text)
        if by_cell is not None:
            return by_cell
    halves = not is_side_by_side(t.title) and two_halves(t)
    split = side_split(t, grids) if is_side_by_side(t.title) else side_split(t, grids, {"经济分类"}) if halves else None
    data, categories = _category_cells(t.data, grids) if split is None else (t.data, [])
    bands = _rows_cut_by_pages(_bands(data, grids))
    numbered: list[tuple[int, str]] = []
    xs_of: dict[int, tuple[float, ...]] = {}
    pages: dict[int, int] = {}
    if split is None:
        has_project = project_column_in(header_text)
        for k, band in enumerate(bands):
            code, texts, figures = _band_parts(band, -1e9, 1e9, by_cell=has_project)
            shown = " ".join(w[0] for w in figures)
            if has_project and len(texts) > 1:        # 科目名称 | 项目名称: as the text export has them
                numbered += [(k, f"{code} {texts[0]}".strip()), (k, "".join(texts[1:])), (k, shown)]
            else:
                numbered.append((k, " ".join(x for x in (code, "".join(texts), shown) if x)))
            xs_of[k], pages[k] = tuple((w[1] + w[2]) / 2 for w in figures), band[0].page
        if categories:
            numbered = _with_categories(numbered, bands, categories)
        rows, note = _rows(numbered, Places(), has_project=has_project)
    else:
        bounds = [-1e9, *split, 1e9]
        names = ["收入", "支出"] if len(split) == 1 else ["收入", *["支出（功能分类）"] * (len(split) - 1), "支出"]
        parts: list[list[tuple[int, str]]] = [[] for _ in names]
        for k, band in enumerate(bands):
            pages[k] = band[0].page
            cut = [_band_text(band, bounds[g], bounds[g + 1]) for g in range(len(names))]
            for g in range(len(names) - 1):      # a label cell merged across parts (当年支出小计)
                (text, xs), (nxt, nxs) = cut[g], cut[g + 1]
                if text and not xs and nxs and not CJK.search(nxt):
                    cut[g], cut[g + 1] = ("", ()), (f"{text} {nxt}", nxs)
                elif g and text and not xs and not nxt and MERGED_LABEL.search(text):
                    cut[g], cut[g + 1] = ("", ()), (text, ())    # 结转下年资金 with an empty cell
            for g, (text, xs) in enumerate(cut):
                if text:
                    parts[g].append((k, text))
                    xs_of[_key(g, k)] = xs
        rows, note = [], ""
        for g, name in enumerate(names):
            got, n = _rows(parts[g], Places(), group=name)
            if halves:                 # each half is named by its total row (人员经费合计 → 人员经费)
                total = next((r.name.strip()[:-2] for r in got if re.search(r"\S合计$", r.name.strip())), "")
                got = [replace(r, group=total or f"第{g + 1}栏") for r in got]
            rows += [replace(r, source=_shift(r.source, g)) for r in got]
            note = note or n
    rows = [_with_page(r, pages, xs_of) for r in rows]
    max_figures = max((len(r.numbers) for r in rows), default=0)
    columns: tuple[str, ...] = ()
    column_xs: tuple[float, ...] = ()
    page = t.header[0].page if t.header else t.start_page
    if halves:
        columns = ("决算数",) if "决算数" in header_text else ("预算数",) if "预算数" in header_text else ()
    elif split is None:
        layout = layout_for(header_text, None, False, max_figures)
        if layout.understood:
            columns = layout.columns
            column_xs = header_xs(t.header, columns, grids.get(page, [])) or grid_column_xs(t, grids, len(columns), rows)
        else:                     # no standard layout: the header's own labels, by position
            columns, column_xs = header_columns(t.header, grids.get(page, []), rows)
    else:
        side = max((len(r.numbers) for r in rows if r.group == "支出"), default=0)
        if side > 1 and len(layout_for(header_text, None, True, side).columns) < side:
            columns, column_xs = header_columns(t.header, grids.get(page, []), rows, split[-1], "支出")
    note_text = "".join(t.note) or note
    return RawTable(number=t.number, title=t.title, unit=t.unit, header=header_text, rows=tuple(rows),
                    source=_pages_source(t), columns=columns, column_xs=column_xs, note=note_text, complete=True)


def _grid_table(t: OpenTable, grids: dict[int, list[Grid]], header_text: str) -> RawTable | None:
    """The table read cell by cell from its ruled grid (see ``ingest.grid``); None without one."""
    pages = sorted({ln.page for ln in t.data})
    words = [(p, [w for ln in t.data if ln.page == p for w in ln.words]) for p in pages]
    read = grid_rows([(p, grids.get(p, []), ws) for p, ws in words], header_labels(t.header))
    if read is None:
        return None
    columns, rows = read
    return RawTable(number=t.number, title=t.title, unit=t.unit, header=header_text, rows=tuple(rows),
                    source=_pages_source(t), columns=columns, note="".join(t.note), complete=True)


def _pages_source(t: OpenTable) -> str:
    pages_used = sorted({ln.page for ln in t.data} | {t.start_page})
    return f"p. {pages_used[0]}" if len(pages_used) == 1 else f"pp. {pages_used[0]}-{pages_used[-1]}"


def _category_cells(data: list[Line], grids: dict[int, list[Grid]]
                    ) -> tuple[list[Line], list[tuple[int, float, str]]]:
    """Income tables with two name columns (Jiangsu 收入预算总表): a category cell (一般公共预算资金)
    merged over its block of rows, each block opening with a 小计 row. The category column ends
    where the 小计 cells begin: at their ruled cell's left edge when there is a grid (an item name
    set flush left in its cell may start left of a centred 小计), else a little left of the word.
    Returns the lines without the category words, and the categories as (page, top, text)."""
    texts = [(ln, w) for ln in data for w in ln.words if CJK.search(w[0])]
    subtotals = [(ln, w) for ln, w in texts if w[0] == "小计"]
    if not subtotals:
        return data, []

    def box_of(ln: Line, w) -> tuple | None:
        return next((b for g in grids.get(ln.page, []) for row in g.rows for b in row
                     if b is not None and inside(w, b)), None)
    edges = [box_of(ln, w) for ln, w in subtotals]
    ruled = all(b is not None for b in edges)
    edge = min(b[0] for b in edges) + 1 if ruled else min(w[1] for _, w in subtotals) - 5

    def is_category(ln: Line, w) -> bool:
        if not CJK.search(w[0]):
            return False
        box = box_of(ln, w) if ruled else None
        return box[2] <= edge if box is not None else w[2] < edge
    if sum(1 for ln, w in texts if is_category(ln, w)) < 2:
        return data, []
    categories = [(ln.page, ln.top, w[0]) for ln in data for w in ln.words if is_category(ln, w)]
    kept = [Line(ln.page, ln.top, [w for w in ln.words if not is_category(ln, w)]) for ln in data]
    return [ln for ln in kept if ln.words], categories


def _with_categories(numbered: list[tuple[int, str]], bands: list[list[Line]],
                     categories: list[tuple[int, float, str]]) -> list[tuple[int, str]]:
    """Each 小计 row becomes its block's category (一、…), the block's other rows its items (1. …)."""
    starts = [k for k, (_, text) in enumerate(numbered) if text.startswith("小计")]
    out = list(numbered)
    for n, k in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(numbered)
        page, top = bands[k][0].page, bands[k][0].top - 5
        bottom = bands[end][0].top - 5 if end < len(numbered) and bands[end][0].page == page else 1e9
        name = "".join(c for p, y, c in categories if p == page and top <= y < bottom)
        if not name:
            continue
        out[k] = (numbered[k][0], f"一、{name}" + numbered[k][1][2:])
        for j in range(k + 1, end):
            text = numbered[j][1]
            if not text.startswith("其中"):
                out[j] = (numbered[j][0], f"1.{text}")
    return out


SIDE = 100_000     # band keys of the g-th part of a side-by-side table: g * SIDE + band


def _key(part: int, band: int) -> int:
    return part * SIDE + band


def _shift(source: str, part: int) -> str:
    return re.sub(r"\d+", lambda m: str(_key(part, int(m.group()))), source)


def _with_page(r: RawRow, pages: dict[int, int], xs_of: dict[int, tuple[float, ...]]) -> RawRow:
    """Replace the band index the text parser saw as a 'line number' by the page, and attach the
    figures' x-centres (from the band that carried the figures)."""
    keys = [int(x) for x in re.findall(r"\d+", r.source)]
    ps = sorted({pages[k % SIDE] for k in keys if k % SIDE in pages})
    source = f"p. {ps[0]}" if len(ps) == 1 else f"pp. {ps[0]}-{ps[-1]}" if ps else r.source
    xs: tuple[float, ...] = ()
    for k in reversed(range(min(keys), max(keys) + 1)) if keys else ():
        cand = xs_of.get(k, ())
        if cand and len(cand) == len(r.numbers):
            xs = cand
            break
    return replace(r, source=source, xs=xs)
