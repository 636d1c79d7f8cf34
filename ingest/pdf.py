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
from dataclasses import replace
from pathlib import Path

from ingest.errors import ParseError
from ingest.grid import grids_of
from ingest.limits import current_limits
from ingest.model import RawTable, ReadingProblem
from ingest.narrative import Extracted, metadata_from_lines, sections_from_lines
from ingest.pdf_lines import (
    BAND,
    NOTE,
    NUMBER_LINE,
    PART,
    TITLE,
    UNIT,
    Line,
    OpenTable,
    in_grid,
    is_data,
    is_sentence,
    page_lines,
    undecodable,
    without_running_heads,
)
from ingest.pdf_rows import cells_of, raw_table
from ingest.pdf_titles import is_unit_line, number_of, same_title, table_starts

__all__ = ["extract_pdf", "Line"]


def extract_pdf(path: Path) -> Extracted:
    """Lines, ruled grids and tables of every page. A page pdfminer cannot read is a reading
    problem (its tables and text are missing, and the rest is read); a file it cannot open at all,
    or one over the page cap, is a ``ParseError`` naming the file."""
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    import pdfplumber
    try:
        pdf = pdfplumber.open(str(path))
        n_pages = len(pdf.pages)
    except Exception as e:      # noqa: BLE001 — pdfminer raises many kinds on damaged bytes
        raise ParseError(str(path), "whole file", f"not a readable PDF ({e.__class__.__name__}: {e})") from None
    cap = current_limits().max_pages
    if n_pages > cap:
        pdf.close()
        raise ParseError(str(path), "whole file", f"{n_pages} pages, more than the {cap} budgetqa "
                         "reads (BUDGETQA_MAX_PAGES); is this one budget disclosure?")
    problems: list[ReadingProblem] = []
    with pdf:
        lines: list[Line] = []
        grids: dict[int, list] = {}
        for k in range(1, n_pages + 1):
            try:
                page = pdf.pages[k - 1]
                if undecodable(page):
                    raise ValueError("its content stream could not be decoded")
                got = page_lines(page, k)
                if any(UNIT.search(ln.joined) for ln in got) or any(ln.amounts() for ln in got):
                    grids[k] = grids_of(page)
            except Exception as e:  # noqa: BLE001 — one damaged page must not lose the others
                problems.append(ReadingProblem("page", f"第{k}页", f"p. {k}",
                                               f"此页未能读取（{e.__class__.__name__}: {e}），页上的表格和文字均未采用"))
                continue
            lines += got
    if not lines and problems:
        raise ParseError(str(path), "whole file", f"no page could be read ({problems[0].message})")
    skipped = {int(p.where.removeprefix("p. ")) for p in problems}
    ex = _assemble(without_running_heads(lines), grids, str(path), skipped)
    return replace(ex, problems=tuple(problems) + ex.problems)


def _assemble(lines: list[Line], grids: dict, file: str, skipped: set[int] = frozenset()) -> Extracted:
    """Tables and narrative from the lines of every page. ``skipped``: pages that could not be read;
    a table open before such a page ends there (its rows after the gap cannot be told from another
    table's)."""
    tables: list[OpenTable] = []
    in_table: set[int] = set()
    current: OpenTable | None = None
    pending_number = ""     # a 公开NN表 line at the foot of a page whose table starts on the next
    state = "none"
    header_words: set[str] = set()
    starts = table_starts(lines)
    title_lines = {k for u, st in starts.items() for k in range(st.first, u)}
    for i, ln in enumerate(lines):
        s = ln.joined
        if i in title_lines:
            in_table.add(i)
            current, state = None, "none"      # the next table's title ends the one before
            continue
        unit = is_unit_line(s)
        if unit:
            start = starts.get(i)
            if start is not None and tables and same_title(start.title, tables[-1].title) and \
                    ln.page == tables[-1].last_page + 1 and not start.number:
                current = tables[-1]                # the title and header repeated atop the next page
                current.last_page = ln.page
                in_table.add(i)
                state = "repeat"
                continue
            if start is not None:
                number, pending_number = start.number or pending_number, ""
                current = OpenTable(number, start.title, unit.group(1), ln.page, last_page=ln.page)
                tables.append(current)
                in_table.add(i)
                state, header_words = "header", set()
                continue
            if current is not None and state in ("data", "repeat") and ln.page != current.last_page:
                current.last_page = ln.page     # 编制单位 … 单位：万元 repeated atop a continued table
                in_table.add(i)
                state = "repeat"
                continue
        if NUMBER_LINE.match(s):
            pending_number = number_of(NUMBER_LINE.match(s))
            in_table.add(i)
            current, state = None, "none"
            continue
        if current is not None and any(p in skipped for p in range(current.last_page + 1, ln.page)):
            current, state = None, "none"
        if current is None:
            continue
        if PART.match(s) or (not ln.amounts() and len(s) > 30 and not NOTE.match(s) and state not in ("note", "header")):
            current, state = None, "none"
            continue
        if NOTE.match(s) or is_sentence(s) or (state == "note" and not ln.amounts() and ln.page == current.last_page):
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
            elif state == "data" and not is_data(ln) and not in_grid(ln, grids.get(ln.page, [])) \
                    and not _fragment_before_data(lines, i):
                current, state = None, "none"      # a new page that goes on with prose
                in_table.discard(i)
                continue
        if state in ("header", "repeat"):
            if is_data(ln):
                if state == "header":       # the first row's name wrapped above its figures line
                    row_top = min((b[1] for b in cells_of(ln, grids.get(ln.page, []))), default=None)
                    while current.header and current.header[-1].page == ln.page and \
                            not is_data(current.header[-1]) and \
                            (ln.top - current.header[-1].top < BAND or
                             (row_top is not None and current.header[-1].top > row_top)):
                        current.data.insert(0, current.header.pop())
                state = "data"
            else:
                if state == "header":
                    current.header.append(ln)
                    header_words.update(w[0] for w in ln.words)
                continue
        current.data.append(ln)
    return _finish(lines, tables, in_table, grids, skipped)


def _finish(lines: list[Line], tables: list[OpenTable], in_table: set[int], grids: dict,
            skipped: set[int] = frozenset()) -> Extracted:
    """Raw tables (ids generated in order where the document gives none), narrative, metadata."""
    raws = []
    problems: list[ReadingProblem] = []
    for k, t in enumerate(tables, 1):
        if not t.number:
            t.number = f"表{k}"
            lost = sorted(p for p in skipped if p < t.start_page)
            if lost and not any(p.kind == "numbering" for p in problems):
                problems.append(ReadingProblem(
                    "numbering", f"{t.number} 起的表号", f"p. {t.start_page}",
                    f"原文没有印出表号，按读到的顺序编号；第{'、'.join(map(str, lost))}页未能读取，其上的表未计入，"
                    f"{t.number} 起的表号可能比原文小"))
        try:
            raws.append(raw_table(t, grids))
        except Exception as e:   # noqa: BLE001 — one unreadable table is a reading problem, not a crash
            note = f"此表未能读取（{e.__class__.__name__}: {e}）"
            raws.append(RawTable(number=t.number, title=t.title, unit=t.unit, header="", rows=(),
                                 source=f"p. {t.start_page}", note=note, complete=True))
            problems.append(ReadingProblem("table", f"{t.number} {t.title}", f"p. {t.start_page}", note))
    narrative = _paragraph_lines([ln for i, ln in enumerate(lines) if i not in in_table])
    sections = tuple(replace(sec, page_start=sec.line_start, page_end=sec.line_end)
                     for sec in sections_from_lines(narrative))
    meta = metadata_from_lines([ln.text for ln in lines], raws)
    if len(meta["org"]) <= 2 or meta["org"] in ("部门", "单位"):
        meta["org"] = _org(lines) or meta["org"]
    return Extracted(tables=tuple(raws), sections=sections, problems=tuple(problems), **meta)


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


def _fragment_before_data(lines: list[Line], i: int) -> bool:
    """A short piece of a wrapped cell atop a continuation page ("置更新"), with rows of figures
    right below it: the table goes on."""
    s = lines[i].joined
    if len(s) > 12 or is_sentence(s) or PART.match(s) or TITLE.search(s):
        return False
    return any(lines[j].page == lines[i].page and is_data(lines[j]) for j in range(i + 1, min(i + 3, len(lines))))


def _is_repeated_header(ln: Line, header_words: set[str]) -> bool:
    return not ln.amounts() and bool(header_words) and all(w[0] in header_words for w in ln.words)


# ── rows ─────────────────────────────────────────────────────────────────────────────────────────
