"""Render a parsed budget document back to a PDF laid out like a Xinjiang disclosure.

`python -m eval.render_pdf SOURCE.txt OUT.pdf` parses SOURCE (``ingest.document.read_document``),
writes it as HTML (cover line, 第一部分 sections, the tables under "第二部分 … 单位预算公开表", the
remaining sections) and prints it to PDF with headless Chromium through Playwright.

Layout of each table: it starts a new page with "表 N", the title centred, a row "编制单位：… /
单位：万元" and a bordered table whose multi-level column header is built from the "/"-joined column
paths. The 编制单位 row and the header rows are in ``<thead>``, so Chromium repeats them on every page
a long table runs over. 收支 tables (rows in groups 收入/支出) are printed side by side. Tables with
more than 6 amount columns go on landscape pages (a CSS named page, ``@page wide``); everything
else is A4 portrait. Page numbers ("第 N 页") are printed in the footer.

Used to test ``ingest.pdf`` on the Xinjiang template, of which we only have the extracted text.
"""
from __future__ import annotations

import html
import sys
from decimal import Decimal
from pathlib import Path

from ingest.model import BudgetDocument, Row, Table

CHROMIUM = "/usr/bin/chromium"
FONT = "WenQuanYi Micro Hei"
WIDE = 6            # tables with more amount columns than this are printed landscape
NUMERALS = "一二三四五六七八九十"

CSS = f"""
@page {{ size: A4 portrait; margin: 1.5cm 1.5cm 1.8cm 1.5cm; }}
@page wide {{ size: A4 landscape; margin: 1.5cm 1.5cm 1.8cm 1.5cm; }}
body {{ font-family: "{FONT}", sans-serif; font-size: 11pt; margin: 0; }}
.cover {{ text-align: center; font-size: 24pt; font-weight: bold; padding-top: 8cm; }}
.page {{ break-before: page; }}
.wide {{ page: wide; }}
h2 {{ font-size: 14pt; text-align: center; margin: 0 0 12pt 0; }}
.heading {{ font-weight: bold; margin: 10pt 0 4pt 0; }}
p {{ text-indent: 2em; margin: 0 0 4pt 0; line-height: 1.5; }}
.number {{ font-size: 10pt; margin: 0 0 4pt 0; }}
.title {{ text-align: center; font-size: 15pt; font-weight: bold; margin: 0 0 8pt 0; }}
table {{ width: 100%; border-collapse: collapse; font-size: 10pt; }}
.wide table {{ font-size: 9pt; width: 99%; }}
td, th {{ border: 1px solid #000; padding: 2pt 3pt; }}
th {{ font-weight: normal; text-align: center; vertical-align: middle; }}
td.amount {{ text-align: right; white-space: nowrap; }}
td.code {{ white-space: nowrap; }}
tr {{ break-inside: avoid; }}
thead tr.meta th {{ border: none; padding: 0 0 4pt 0; }}
.meta-line {{ display: flex; justify-content: space-between; font-size: 10pt; }}
.note {{ font-size: 10pt; margin-top: 6pt; }}
"""

FOOTER = ('<div style="width:100%;text-align:center;font-size:9pt;font-family:\'WenQuanYi Micro Hei\';">'
          '第 <span class="pageNumber"></span> 页</div>')


def esc(s: str) -> str:
    return html.escape(s, quote=True)


def amount(v: Decimal | None) -> str:
    return "" if v is None else f"{v:.2f}"


def code_text(code: str) -> str:
    """"2080505" → "208 05 05", as the source prints it."""
    return " ".join(p for p in (code[:3], code[3:5], code[5:7]) if p)


# ── row labels ───────────────────────────────────────────────────────────────────────────────────

def labels(rows: list[Row], all_rows: tuple[Row, ...], numbered: bool) -> list[str]:
    """Printed names: the model keeps names without their enumeration, which the text reader uses
    for the row levels, so put it back from each row's level and parent. ``numbered`` (收入 half of
    a 收支 table): level 1 "一、", level 2 "1.", deeper "其中：" on a parent's first child. Other
    rows without a code: "其中：" on the first child of a row of level ≥ 1."""
    out = []
    top = 0
    counters: dict[int, int] = {}
    seen_parent: set[int] = set()
    for r in rows:
        name = r.name
        if r.code or r.level == 0:
            out.append(name)
            continue
        first_child = r.parent not in seen_parent
        seen_parent.add(r.parent)
        parent_level = all_rows[r.parent].level if 0 <= r.parent < len(all_rows) else 0
        if numbered and r.level == 1:
            top += 1
            name = f"{NUMERALS[top - 1] if top <= len(NUMERALS) else top}、{name}"
        elif numbered and r.level == 2:
            counters[r.parent] = counters.get(r.parent, 0) + 1
            name = f"{counters[r.parent]}.{name}"
        elif first_child and parent_level >= 1 and r.level > parent_level:
            name = f"其中：{name}"
        out.append(name)
    return out


# ── column header ────────────────────────────────────────────────────────────────────────────────

def header_rows(left: list[str], columns: tuple[str, ...]) -> list[list[tuple[str, int, int]]]:
    """Header rows of (label, colspan, rowspan): ``left`` columns span all rows; each column path
    "A/B/C" puts A over B over C, a run of adjacent columns sharing a prefix is one spanning cell,
    and a path shorter than the deepest spans down to the bottom."""
    paths = [c.split("/") for c in columns]
    depth = max([len(p) for p in paths] + [1])
    rows: list[list[tuple[str, int, int]]] = [[] for _ in range(depth)]
    rows[0] += [(label, 1, depth) for label in left]
    for level in range(depth):
        k = 0
        while k < len(paths):
            p = paths[k]
            if len(p) <= level or (level and len(p) == level):
                k += 1
                continue
            prefix = p[: level + 1]
            span = 1
            if len(p) > level + 1:      # a group: as many adjacent columns as share the prefix
                while k + span < len(paths) and paths[k + span][: level + 1] == prefix \
                        and len(paths[k + span]) > level + 1:
                    span += 1
                rows[level].append((p[level], span, 1))
            else:
                rows[level].append((p[level], 1, depth - level))
            k += span
    return rows


def thead(org: str, unit: str, width: int, rows: list[list[tuple[str, int, int]]]) -> str:
    meta = (f'<tr class="meta"><th colspan="{width}"><div class="meta-line"><span>编制单位：{esc(org)}</span>'
            f'<span>单位：{esc(unit)}</span></div></th></tr>')
    body = "".join("<tr>" + "".join(
        f'<th{f" colspan={c}" if c > 1 else ""}{f" rowspan={r}" if r > 1 else ""}>{esc(label)}</th>'
        for label, c, r in row) + "</tr>" for row in rows if row)
    return f"<thead>{meta}{body}</thead>"


# ── tables ───────────────────────────────────────────────────────────────────────────────────────

def is_side_by_side(t: Table) -> bool:
    return any(r.group in ("收入", "支出") for r in t.rows)


def plain_table(t: Table, org: str) -> str:
    has_code = any(r.code for r in t.rows)
    has_project = any(r.project for r in t.rows)
    left = (["科目编码", "科目名称"] if has_code else ["项目"]) + (["项目名称"] if has_project else [])
    rows = header_rows(left, t.columns)
    names = labels(list(t.rows), t.rows, numbered=False)
    body = []
    for r, name in zip(t.rows, names):
        cells = []
        if has_code:
            cells.append(f'<td class="code">{esc(code_text(r.code))}</td>')
        cells.append(f"<td>{esc(name)}</td>")
        if has_project:
            cells.append(f"<td>{esc(r.project)}</td>")
        cells += [f'<td class="amount">{amount(v)}</td>' for v in r.values]
        body.append("<tr>" + "".join(cells) + "</tr>")
    width = len(left) + len(t.columns)
    return f"<table>{thead(org, t.unit, width, rows)}<tbody>{''.join(body)}</tbody></table>"


def side_table(t: Table, org: str) -> str:
    """收入 rows left (项目 | first column), 支出 rows right (功能分类 | all columns), row k of each
    half on one printed line; the two totals (level 0) share the last line, as the source prints them."""
    income = [r for r in t.rows if r.group == "收入"]
    spending = [r for r in t.rows if r.group == "支出"]
    fiscal = "财政拨款" in t.title
    in_head, out_head = ("财政拨款收入", "财政拨款支出") if fiscal else ("收入", "支出")
    right_label = "功能分类" if any(r.code for r in spending) else "项目"
    n = len(t.columns)
    columns = t.columns
    depth = max([len(c.split("/")) for c in columns] + [1])
    right = header_rows([right_label], columns)
    head_rows: list[list[tuple[str, int, int]]] = [[(in_head, 2, 1), (out_head, 1 + n, 1)]]
    for k, row in enumerate(right):
        cells = [("项目", 1, depth), (columns[0].split("/")[-1], 1, depth)] if k == 0 else []
        head_rows.append(cells + row)
    in_names = labels(income, t.rows, numbered=True)
    out_names = labels(spending, t.rows, numbered=False)
    in_items = [(r, s) for r, s in zip(income, in_names) if r.level != 0]
    out_items = [(r, s) for r, s in zip(spending, out_names) if r.level != 0]
    in_totals = [(r, s) for r, s in zip(income, in_names) if r.level == 0]
    out_totals = [(r, s) for r, s in zip(spending, out_names) if r.level == 0]
    lines = max(len(in_items), len(out_items))
    pairs = [(in_items[k] if k < len(in_items) else None, out_items[k] if k < len(out_items) else None)
             for k in range(lines)]
    for k in range(max(len(in_totals), len(out_totals))):
        pairs.append((in_totals[k] if k < len(in_totals) else None, out_totals[k] if k < len(out_totals) else None))
    body = []
    for left, right_row in pairs:
        cells = []
        if left is None:
            cells += ["<td></td>", '<td class="amount"></td>']
        else:
            r, name = left
            cells += [f"<td>{esc(name)}</td>", f'<td class="amount">{amount(r.values[0] if r.values else None)}</td>']
        if right_row is None:
            cells += ["<td></td>"] + ['<td class="amount"></td>'] * n
        else:
            r, name = right_row
            label = f"{code_text(r.code)} {name}" if r.code else name
            cells += [f"<td>{esc(label)}</td>"] + [f'<td class="amount">{amount(v)}</td>' for v in r.values]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table>{thead(org, t.unit, 3 + n, head_rows)}<tbody>{''.join(body)}</tbody></table>"


def table_html(t: Table, org: str) -> str:
    number = t.id.replace("表", "表 ", 1) if t.id.startswith("表") else t.id
    side = is_side_by_side(t)
    amounts = 1 + len(t.columns) if side else len(t.columns)
    cls = "page wide" if amounts > WIDE else "page"
    grid = side_table(t, org) if side else plain_table(t, org)
    note = f'<p class="note">{esc(t.note)}</p>' if t.note else ""
    return (f'<section class="{cls}"><div class="number">{esc(number)}</div>'
            f'<div class="title">{esc(t.title)}</div>{grid}{note}</section>')


# ── document ─────────────────────────────────────────────────────────────────────────────────────

def sections_html(sections) -> str:
    """Each heading of a section's path printed (bold) where it differs from the previous section's,
    then the text as a paragraph; paragraphs under one heading follow each other."""
    out = []
    prev: tuple[str, ...] = ()
    for sec in sections:
        path = tuple(sec.path)
        for k, heading in enumerate(path):
            if k < len(prev) and prev[: k + 1] == path[: k + 1]:
                continue
            out.append(f'<div class="heading">{esc(heading)}</div>')
        prev = path
        if sec.text:
            out.append(f"<p>{esc(sec.text)}</p>")
    return "".join(out)


def document_html(doc: BudgetDocument) -> str:
    first = [s for s in doc.sections if s.path and s.path[0].startswith("第一部分")]
    rest = [s for s in doc.sections if s not in first]
    parts = [f'<div class="cover">{esc(doc.org)}{doc.year}年单位预算</div>']
    if first:
        parts.append(f'<section class="page">{sections_html(first)}</section>')
    parts.append(f'<section class="page"><div class="heading">第二部分 {doc.year} 年单位预算公开表</div></section>')
    parts += [table_html(t, doc.org) for t in doc.tables]
    if rest:
        parts.append(f'<section class="page">{sections_html(rest)}</section>')
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>{CSS}</style></head>'
            f'<body>{"".join(parts)}</body></html>')


def render(doc: BudgetDocument, out: Path, extra_css: str = "", running_head: str = "") -> Path:
    """Print ``doc`` to the PDF ``out`` with headless Chromium; returns ``out``. ``extra_css`` is
    appended to the style sheet, e.g. "td, th { padding: 6pt 3pt; } table { font-size: 11pt; }"
    makes 表1, 表2 and 表4 run over two pages (their 编制单位 line and header repeated);
    ``running_head`` is printed atop every page."""
    from playwright.sync_api import sync_playwright
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    page_html = document_html(doc)
    if extra_css:
        page_html = page_html.replace("</style>", extra_css + "</style>", 1)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        try:
            page = browser.new_page()
            page.set_content(page_html, wait_until="load")
            page.pdf(path=str(out), format="A4", print_background=True, prefer_css_page_size=True,
                     display_header_footer=True, header_template=_head(running_head), footer_template=FOOTER,
                     margin={"top": "1.5cm", "bottom": "1.8cm", "left": "1.5cm", "right": "1.5cm"})
        finally:
            browser.close()
    return out


def _head(text: str) -> str:
    if not text:
        return "<span></span>"
    return ('<div style="width:100%;text-align:right;font-size:8pt;margin-right:1.5cm;'
            f'font-family:\'WenQuanYi Micro Hei\';">{esc(text)}</div>')


def main(argv: list[str]) -> int:
    css = ""
    if len(argv) == 4 and argv[2] == "--css":
        argv, css = argv[:2], argv[3]
    if len(argv) != 2:
        print("usage: python -m eval.render_pdf SOURCE.txt OUT.pdf [--css EXTRA_CSS]", file=sys.stderr)
        return 2
    from ingest.document import read_document
    out = render(read_document(Path(argv[0])), Path(argv[1]), css)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
