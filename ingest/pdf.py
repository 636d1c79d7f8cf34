"""Read a budget disclosure PDF with pdfplumber: words with their x-positions, grouped into lines.

Tables are recognised by structure, not by a list of numbers: a title line (text ending in 表, or
表（…）) followed by a unit line (单位：元 / 万元), then header lines, then data lines until the next
table, a note (注：…) or narrative text. A table that runs over pages continues on the next page,
where a repeated header is skipped. Table ids: 表N from the document when the title says so, 公开NN表
(Jiangsu) mapped to 表N, otherwise generated 表1, 表2 … in order (Shanghai). Figures keep their
x-centres (``RawRow.xs``) and the column x-centres come from the ruled grid when pdfplumber finds one
(``RawTable.column_xs``), so ``ingest.tables`` orders placements by position and confirms them by
arithmetic. Source locations are pages ("p. 12"); everything outside tables becomes narrative.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest.errors import ParseError
from ingest.grid import Grid, grid_rows, grids_of, inside
from ingest.headers import layout_for, normalise, role_of
from ingest.model import RawRow, RawTable
from ingest.narrative import Extracted, metadata_from_lines, sections_from_lines
from ingest.text import FULL_WIDTH, Places, _rows, project_column_in

AMOUNT = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^-?\d+(?:\.\d+)?$")
CJK = re.compile(r"[\u4e00-\u9fff]")
GLUED = re.compile(r"(-?\d[\d,]*\.\d+|-?\d{1,3}(?:,\d{3})+)(?=[\u4e00-\u9fff])")
UNIT = re.compile(r"单\s*位\s*[:：]\s*(万元|元|亿元)")
TITLE = re.compile(r"表(?:[（(][^）)]{1,12}[）)])?$")
NUMBER_LINE = re.compile(r"^(?:公开\s*(\d+)\s*表|表\s*(\d+))$")
TITLE_NUMBER = re.compile(r"^表\s*(\d+)\s*")
NOTE = re.compile(r"^(?:注|说明)\s*[:：]|^此表为空|^：")
PART = re.compile(r"^第[一二三四五六七八九十]+部分")
MERGED_LABEL = re.compile(r"结转|结余|小计|合计|总计")   # labels of the 支出 side, not 功能科目
BAND = 10.0        # words whose tops differ by less than this belong to one printed row


@dataclass
class Line:
    page: int
    top: float
    words: list[tuple[str, float, float, float]]   # text, x0, x1, top

    @property
    def text(self) -> str:
        return " ".join(w[0] for w in self.words)

    @property
    def joined(self) -> str:
        return "".join(w[0] for w in self.words)

    def amounts(self) -> list[tuple[str, float, float, float]]:
        return [w for w in self.words if AMOUNT.match(w[0]) and not _is_code_word(w, self)]


@dataclass
class _Open:
    number: str
    title: str
    unit: str
    start_page: int
    header: list[Line] = field(default_factory=list)
    data: list[Line] = field(default_factory=list)
    note: list[str] = field(default_factory=list)
    grid_xs: tuple[float, ...] = ()
    last_page: int = 0


def _is_code_word(w, line: Line) -> bool:
    """科目编码 digits (3, 5 or 7 digits, or 2-digit 款/项 parts) left of the row's name."""
    text = w[0]
    if not re.fullmatch(r"\d{1,7}", text):
        return False
    names = [x for x in line.words if CJK.search(x[0])]
    return bool(names) and w[2] <= min(x[1] for x in names) + 1


def _words(page) -> list[tuple[str, float, float, float]]:
    out = []
    for w in page.extract_words(keep_blank_chars=False):
        text = w["text"].translate(FULL_WIDTH)
        m = GLUED.match(text)
        if m and m.end() < len(text):      # "91,016,775.35一、一般公共服务支出": split at the figure
            width = (w["x1"] - w["x0"]) / max(len(text), 1)
            cut = w["x0"] + width * m.end()
            out.append((m.group(1), w["x0"], cut, w["top"]))
            out.append((text[m.end():], cut, w["x1"], w["top"]))
        else:
            out.append((text, w["x0"], w["x1"], w["top"]))
    return out


def _lines(page, number: int) -> list[Line]:
    words = sorted(_words(page), key=lambda w: (w[3], w[1]))
    lines: list[Line] = []
    for w in words:
        if lines and abs(lines[-1].top - w[3]) <= 3:
            lines[-1].words.append(w)
        else:
            lines.append(Line(number, w[3], [w]))
    for ln in lines:
        ln.words.sort(key=lambda w: w[1])
    footer = page.height * 0.88
    return [ln for ln in lines if not (ln.top > footer and re.fullmatch(r"[-—\s\d第页/共]+", ln.text))]


def extract_pdf(path: Path) -> Extracted:
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    import pdfplumber
    try:
        pdf = pdfplumber.open(str(path))
    except Exception as e:
        raise ParseError(str(path), "whole file", f"not a readable PDF ({e.__class__.__name__})") from None
    with pdf:
        lines: list[Line] = []
        grids: dict[int, list] = {}
        for k, page in enumerate(pdf.pages, 1):
            page_lines = _lines(page, k)
            lines += page_lines
            if any(UNIT.search(ln.joined) for ln in page_lines) or any(ln.amounts() for ln in page_lines):
                grids[k] = grids_of(page)
    return _assemble(_without_running_heads(lines), grids, str(path))


def _without_running_heads(lines: list[Line]) -> list[Line]:
    """Drop a running head or foot ("上海市普陀区…2025年部门预算" atop every page): the first or last
    line of a page, the same text (numbers aside) at the same height on at least three pages and on
    most of the pages. Table numbers, titles and unit lines are never dropped."""
    pages: dict[int, list[Line]] = {}
    for ln in lines:
        pages.setdefault(ln.page, []).append(ln)
    if len(pages) < 4:
        return lines

    def key(ln: Line) -> tuple[str, int]:
        return re.sub(r"\d+", "#", ln.joined), round(ln.top / 4)
    edges = [ln for page in pages.values() for ln in (page[0], page[-1])]
    seen = Counter(key(ln) for ln in {id(ln): ln for ln in edges}.values())
    running = {k for k, n in seen.items() if n >= 3 and n >= len(pages) / 2}
    structural = (NUMBER_LINE, TITLE, UNIT, PART)
    drop = {id(ln) for ln in edges if key(ln) in running and not ln.amounts()
            and not any(p.search(ln.joined) for p in structural)}
    return [ln for ln in lines if id(ln) not in drop]


def _title_before(lines: list[Line], i: int) -> tuple[str, str, int]:
    """Title and number of the table whose unit line is ``lines[i]``; index of the first line used."""
    title, number, first = "", "", i
    for j in range(i - 1, max(i - 5, -1), -1):
        ln = lines[j]
        if ln.page != lines[i].page:
            break
        s = ln.joined
        m = NUMBER_LINE.match(s)
        if m:
            number, first = f"表{int(m.group(1) or m.group(2))}", j
            break
        if not title and TITLE.search(s) and not NOTE.match(s) and len(s) <= 60:
            title, first = s, j
            t = TITLE_NUMBER.match(title)
            if t and len(title) > t.end():
                number, title = f"表{int(t.group(1))}", title[t.end():]
            continue
        if title:
            break
    title = re.sub(r"^\d{1,2}[.、．](?!\d)", "", title)
    return title, number, first


def _assemble(lines: list[Line], grids: dict, file: str) -> Extracted:
    tables: list[_Open] = []
    in_table: set[int] = set()
    current: _Open | None = None
    pending_number = ""     # a 公开NN表 line at the foot of a page whose table starts on the next
    state = "none"
    header_words: set[str] = set()
    for i, ln in enumerate(lines):
        s = ln.joined
        unit = UNIT.search(s)
        if unit and (re.search(r"编制|部门|单位名称|预算单位", s) or s.startswith(("单位", "金额"))):
            title, number, first = _title_before(lines, i)
            if title:
                number, pending_number = number or pending_number, ""
                current = _Open(number, title, unit.group(1), ln.page, last_page=ln.page)
                tables.append(current)
                in_table.update(range(first, i + 1))
                state, header_words = "header", set()
                continue
            if current is not None and state in ("data", "repeat") and ln.page != current.last_page:
                current.last_page = ln.page     # 编制单位 … 单位：万元 repeated atop a continued table
                in_table.add(i)
                state = "repeat"
                continue
        if NUMBER_LINE.match(s):
            m = NUMBER_LINE.match(s)
            pending_number = f"表{int(m.group(1) or m.group(2))}"
            in_table.add(i)
            current, state = None, "none"
            continue
        if current is None:
            continue
        if _starts_title(lines, i):
            continue       # the next table's title: left for its unit line
        if PART.match(s) or (not ln.amounts() and len(s) > 30 and not NOTE.match(s) and state not in ("note", "header")):
            current, state = None, "none"
            continue
        if NOTE.match(s) or _is_sentence(s) or (state == "note" and not ln.amounts() and ln.page == current.last_page):
            current.note.append(s)
            state = "note"
            in_table.add(i)
            continue
        if state == "note":
            current, state = None, "none"
            continue
        in_table.add(i)
        if ln.page != current.last_page:
            current.last_page = ln.page
            if state == "data" and not ln.amounts() and all(w[0] in header_words for w in ln.words):
                continue   # a header repeated on the new page
            if state == "data" and _is_repeated_header(ln, header_words):
                state = "repeat"
            elif state == "data" and not _is_data(ln) and not _in_grid(ln, grids.get(ln.page, [])):
                current, state = None, "none"      # a new page that goes on with prose
                in_table.discard(i)
                continue
        if state in ("header", "repeat"):
            if _is_data(ln):
                if state == "header":       # the first row's name wrapped above its figures line
                    while current.header and current.header[-1].page == ln.page and \
                            ln.top - current.header[-1].top < BAND and not _is_data(current.header[-1]):
                        current.data.append(current.header.pop())
                state = "data"
            else:
                if state == "header":
                    current.header.append(ln)
                    header_words.update(w[0] for w in ln.words)
                continue
        current.data.append(ln)
    return _finish(lines, tables, in_table, grids)


def _finish(lines: list[Line], tables: list[_Open], in_table: set[int], grids: dict) -> Extracted:
    """Raw tables (ids generated in order where the document gives none), narrative, metadata."""
    raws = []
    for k, t in enumerate(tables, 1):
        if not t.number:
            t.number = f"表{k}"
        try:
            raws.append(_raw_table(t, grids))
        except Exception as e:   # one unreadable table is a finding (header warning + note), not a crash
            raws.append(RawTable(number=t.number, title=t.title, unit=t.unit, header="", rows=(),
                                 source=f"p. {t.start_page}",
                                 note=f"此表未能读取（{e.__class__.__name__}: {e}）", complete=True))
    narrative = _paragraph_lines([ln for i, ln in enumerate(lines) if i not in in_table])
    sections = tuple(replace(sec, page_start=sec.line_start, page_end=sec.line_end)
                     for sec in sections_from_lines(narrative))
    meta = metadata_from_lines([ln.text for ln in lines], raws)
    if len(meta["org"]) <= 2 or meta["org"] in ("部门", "单位"):
        meta["org"] = _org(lines) or meta["org"]
    return Extracted(tables=tuple(raws), sections=sections, **meta)


def _paragraph_lines(prose: list[Line]) -> list[tuple[int, str]]:
    """(page, text) of narrative lines; a line that runs to the right margin continues on the next
    line (also over a page break), so a wrapped paragraph is not mistaken for a short heading.
    Table-of-contents dot leaders are dropped."""
    toc_pages = {ln.page for ln in prose if ln.joined.replace(" ", "") in ("目录", "目次")}
    prose = [ln for ln in prose if ln.page not in toc_pages]      # the table of contents is no text
    right: dict[int, float] = {}
    long_lines = Counter(ln.page for ln in prose if len(ln.joined) >= 10)
    for ln in prose:
        if len(ln.joined) >= 10 and long_lines[ln.page] >= 4:     # a page of running text, not a cover
            right[ln.page] = max(right.get(ln.page, 0), ln.words[-1][2])
    out: list[tuple[int, str]] = []
    joined_to_prev = False
    for ln in prose:
        text = re.sub(r"[…·.．]{3,}\s*\d*$", "", ln.joined).strip()
        leader = text != ln.joined.strip()
        if not text:
            joined_to_prev = False
            continue
        if joined_to_prev and out:
            out[-1] = (out[-1][0], out[-1][1] + text)
        else:
            out.append((ln.page, text))
        full = len(ln.joined) >= 10 and ln.words[-1][2] >= right.get(ln.page, 1e9) - 15
        joined_to_prev = full and not leader and not text.endswith(("。", "：", ":"))
    return out


def _org(lines: list[Line]) -> str:
    """The organisation named most often on 编制部门/部门名称/部门 lines (table captions)."""
    found = Counter()
    for ln in lines:
        m = re.search(r"(?:预算主管部门|编制部门|编制单位|部门名称|部门)[:：]\s*(\S+?)(?:单\s*位\s*[:：].*)?$", ln.joined)
        if m and len(m.group(1)) > 2:
            found[m.group(1)] += 1
    return found.most_common(1)[0][0] if found else ""


def _starts_title(lines: list[Line], i: int) -> bool:
    """Is lines[i] the number or title of a table whose unit line follows shortly?"""
    s = lines[i].joined
    if not (NUMBER_LINE.match(s) or (TITLE.search(s) and len(s) <= 60)):
        return False
    for j in range(i + 1, min(i + 4, len(lines))):
        if lines[j].page != lines[i].page:
            return False
        if UNIT.search(lines[j].joined):
            return True
    return False


def _in_grid(ln: Line, grids: list[Grid]) -> bool:
    """Inside a ruled table (a name wrapped above its figures at the top of a continuation page)."""
    return any(g.bbox[0] <= w[1] and w[2] <= g.bbox[2] and g.bbox[1] <= w[3] <= g.bbox[3]
               for g in grids for w in ln.words)


def _is_sentence(s: str) -> bool:
    """A sentence under a table ("…2025年没有使用政府性基金预算拨款安排的支出，本表为空表。"): a
    row name has no comma and does not end with a full stop."""
    return len(CJK.findall(s)) >= 15 and ("，" in s or s.endswith("。"))


def _is_data(ln: Line) -> bool:
    s = ln.joined
    return bool(ln.amounts()) or bool(re.fullmatch(r"\d{3}(?:\d{2}){0,2}", ln.words[0][0])) or s.replace(" ", "") in ("合计", "总计") \
        or s.startswith("此表为空")


def _is_repeated_header(ln: Line, header_words: set[str]) -> bool:
    return not ln.amounts() and bool(header_words) and all(w[0] in header_words for w in ln.words)


# ── rows ─────────────────────────────────────────────────────────────────────────────────────────

def _bands(data: list[Line], grids: dict[int, list[Grid]]) -> list[list[Line]]:
    """Printed rows: a name wrapped in its cell shows as lines a few points above and below the
    line with the code and figures; lines closer than ``BAND`` on one page are one row, and so are
    lines with words in one ruled cell (a wrapped name in a larger print)."""
    bands: list[list[Line]] = []
    prev_cells: set = set()
    for ln in data:
        cells = _cells_of(ln, grids.get(ln.page, []))
        if bands and bands[-1][-1].page == ln.page and (ln.top - bands[-1][-1].top < BAND or cells & prev_cells):
            bands[-1].append(ln)
        else:
            bands.append([ln])
        prev_cells = cells
    return bands


def _cells_of(ln: Line, grids: list[Grid]) -> set:
    """The ruled cells (boxes) that hold the line's words."""
    out = set()
    for g in grids:
        for row in g.rows:
            for box in row:
                if box is not None and any(inside(w, box) for w in ln.words):
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
    words = [w for ln in band for w in ln.words if lo <= (w[1] + w[2]) / 2 < hi]
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


def _raw_table(t: _Open, grids: dict[int, list[Grid]]) -> RawTable:
    header_text = _header_text(t.header)
    if role_of(t.title) == "procurement":
        by_cell = _grid_table(t, grids, header_text)
        if by_cell is not None:
            return by_cell
    split = _side_split(t, grids) if "收支" in t.title else None
    data, categories = _category_cells(t.data) if split is None else (t.data, [])
    bands = _bands(data, grids)
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
            rows += [replace(r, source=_shift(r.source, g)) for r in got]
            note = note or n
    rows = [_with_page(r, pages, xs_of) for r in rows]
    max_figures = max((len(r.numbers) for r in rows), default=0)
    columns: tuple[str, ...] = ()
    column_xs: tuple[float, ...] = ()
    if split is None:
        layout = layout_for(header_text, None, False, max_figures)
        if layout.understood:
            columns = layout.columns
            column_xs = _header_xs(t.header, columns) or _column_xs(t, grids, len(columns), rows)
    note_text = "".join(t.note) or note
    return RawTable(number=t.number, title=t.title, unit=t.unit, header=header_text, rows=tuple(rows),
                    source=_pages_source(t), columns=columns, column_xs=column_xs, note=note_text, complete=True)


def _grid_table(t: _Open, grids: dict[int, list[Grid]], header_text: str) -> RawTable | None:
    """The table read cell by cell from its ruled grid (see ``ingest.grid``); None without one."""
    pages = sorted({ln.page for ln in t.data})
    words = [(p, [w for ln in t.data if ln.page == p for w in ln.words]) for p in pages]
    read = grid_rows([(p, grids.get(p, []), ws) for p, ws in words], _labels(t.header))
    if read is None:
        return None
    columns, rows = read
    return RawTable(number=t.number, title=t.title, unit=t.unit, header=header_text, rows=tuple(rows),
                    source=_pages_source(t), columns=columns, note="".join(t.note), complete=True)


def _labels(header: list[Line]) -> list[tuple[str, float]]:
    """Header labels left to right with their x-centres; a label wrapped over lines ("采购品目大"
    over "类") is one label."""
    return sorted((_stack_cell(st) for st in _stacks(header, dy=30)), key=lambda lx: lx[1])


def _pages_source(t: _Open) -> str:
    pages_used = sorted({ln.page for ln in t.data} | {t.start_page})
    return f"p. {pages_used[0]}" if len(pages_used) == 1 else f"pp. {pages_used[0]}-{pages_used[-1]}"


def _category_cells(data: list[Line]) -> tuple[list[Line], list[tuple[int, float, str]]]:
    """Income tables with two name columns (Jiangsu 收入预算总表): a category cell (一般公共预算资金)
    merged over its block of rows, each block opening with a 小计 row. Returns the lines without the
    category words, and the categories as (page, top, text)."""
    texts = [w for ln in data for w in ln.words if CJK.search(w[0])]
    subtotals = [w for w in texts if w[0] == "小计"]
    if not subtotals:
        return data, []
    edge = min(w[1] for w in subtotals) - 5
    if sum(1 for w in texts if w[2] < edge) < 2:
        return data, []
    categories = [(ln.page, ln.top, w[0]) for ln in data for w in ln.words if CJK.search(w[0]) and w[2] < edge]
    kept = [Line(ln.page, ln.top, [w for w in ln.words if not (CJK.search(w[0]) and w[2] < edge)]) for ln in data]
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


def _header_text(header: list[Line]) -> str:
    """Header lines as read, then each stack of words wrapped in one cell joined top to bottom."""
    text = " ".join(ln.joined for ln in header)
    joined = [_stack_cell(st)[0] for st in _stacks(header) if len(st) > 1]
    return text + (" " + " ".join(joined) if joined else "")


def _header_cells(header: list[Line]) -> list[tuple[str, float]]:
    """(text, x-centre) of each header word, and of each stack of words wrapped in one cell."""
    cells = [(w[0], (w[1] + w[2]) / 2) for ln in header for w in ln.words]
    cells += [_stack_cell(st) for st in _stacks(header) if len(st) > 1]
    return [(normalise(t), x) for t, x in cells]


def _header_xs(header: list[Line], columns: tuple[str, ...]) -> tuple[float, ...]:
    """x-centre of each column's own label in the header, left to right; () when one is missing."""
    cells = _header_cells(header)
    xs: list[float] = []
    for column in columns:
        label = normalise(column.split("/")[-1])
        options = sorted(x for t, x in cells if t == label or (len(label) > 3 and t.endswith(label)))
        nxt = next((x for x in options if not xs or x > xs[-1] + 5), None)
        if nxt is None:
            return ()
        xs.append(nxt)
    return tuple(xs)


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


def _side_split(t: _Open, grids: dict[int, list[Grid]]) -> list[float] | None:
    """x where each further half of a 收支 table starts: at each 项目/项目名称/功能科目名称 header cell
    after the first (Jiangsu's 收支预算总表 has three parts: 收入, 功能分类, 支出用途; the sample's
    支出 half is headed 功能分类). The boundary is the ruled line left of that cell when there is a
    grid (codes sit just right of it), else halfway from the words to its left."""
    words = [w for ln in t.header for w in ln.words]
    names = {"项目", "项目名称", "功能科目名称"} | ({"功能分类"} if not any(w[0] == "功能科目名称" for w in words) else set())
    heads = sorted((w for w in words if w[0] in names), key=lambda w: w[1])
    page = t.header[0].page if t.header else t.start_page
    edges = sorted({e for g in grids.get(page, []) for e in g.edges})
    bounds = []
    for head in heads[1:]:
        left = [w[2] for w in words if w[2] < head[1] and abs(w[3] - head[3]) <= 12]
        middle = (max(left) + head[1]) / 2 if left else head[1] - 5
        ruled = [e for e in edges if (max(left) if left else -1e9) < e < head[1] - 1]
        bounds.append(max(ruled) if ruled else middle)
    return bounds or None


def _column_xs(t: _Open, grids: dict, n: int, rows: list[RawRow]) -> tuple[float, ...]:
    """x-centres of the n amount columns: the rightmost n grid columns of the ruled table on the
    table's first data page; without a grid, none (placement falls back to arithmetic alone)."""
    page = t.data[0].page if t.data else t.start_page
    for g in grids.get(page, []):
        top = t.data[0].top if t.data else 0
        if g.bbox[1] - 2 <= top <= g.bbox[3] + 2 and len(g.xs) >= n:
            return g.xs[-n:]
    return ()
