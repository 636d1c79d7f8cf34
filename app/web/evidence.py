"""The evidence panel: the cited table with its cited rows highlighted, or the cited paragraph.

    evidence_html(doc, citation, number=1, also=[...])   # a table (or paragraph) as HTML
    table_html(table, hits, cell_column)                 # the table itself; the name column is sticky

Tables scroll inside their own box (both ways) so they never widen the page; one-row tables (the 三公
table of many PDFs) are shown turned on their side, one line per column, so the cited column is a
highlighted line like any cited row. Every string from a document is escaped (format.h).
"""
from __future__ import annotations

import re

from app.answer.contract import Citation
from app.web.format import cell, column_words, h, place, short_column, source_words
from ingest.model import BudgetDocument, Section, Table


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s or "")


def cited_rows(table: Table, citation: Citation) -> list[int]:
    """Indexes of the rows a citation names: exact name (with or without its code), then containment;
    the table's only row when it has one; among several equal names, the one at the cited source."""
    if len(table.rows) == 1:
        return [0]
    want = _norm(citation.row)
    if not want:
        return []
    exact = [i for i, r in enumerate(table.rows)
             if want in (_norm(r.label), _norm(r.name), _norm(f"{r.group}{r.label}"), _norm(r.code),
                         _norm(f"{r.code}{r.label}"), _norm(f"{r.code}{r.name}"))]
    if not exact:
        exact = [i for i, r in enumerate(table.rows) if _norm(r.label) and
                 (want in _norm(r.label) or _norm(r.label) in want)]
    at_source = [i for i in exact if citation.source and table.rows[i].source == citation.source]
    return at_source or exact


def column_of(table: Table, column: str) -> int:
    if not column:
        return -1
    if column in table.columns:
        return table.columns.index(column)
    tail = [i for i, c in enumerate(table.columns) if c.split("/")[-1] == column.split("/")[-1]]
    return tail[0] if len(tail) == 1 else -1


def _header(column: str) -> str:
    return "<br>".join(h(p) for p in column.split("/") if p) or "&nbsp;"


def _name_cell(r, codes: bool) -> str:
    pad = max(r.level - 1, 0) * 0.9
    code = f"<span class='code'>{h(r.code)}</span> " if codes and r.code else ""
    group = f"{h(r.group)} · " if r.group else ""
    return (f"<th scope='row' class='name' style='padding-left:{0.5 + pad:.1f}em'>"
            f"{code}{group}{h(r.label)}</th>")


def table_html(table: Table, hits: list[int] = (), column: int = -1, cited: list[int] = (),
               only: list[int] | None = None) -> str:
    """The table: a sticky name column, the columns that hold figures (and the cited one), cited rows
    marked ``cited``, the current one ``hit`` with its cell ``hit-cell``. ``only``: show just these rows."""
    if len(table.rows) == 1:
        return _one_row_html(table, column)
    used = [c for c in range(len(table.columns)) if any(r.values[c] is not None for r in table.rows)]
    if column >= 0 and column not in used:
        used = sorted(used + [column])
    used = used or list(range(len(table.columns)))
    codes = any(r.code for r in table.rows)
    head = "".join(f"<th scope='col'{' class=hit-col' if c == column else ''}>{_header(table.columns[c])}</th>"
                   for c in used)
    body = []
    for i, r in enumerate(table.rows):
        if only is not None and i not in only:
            continue
        cls = "hit" if i in hits else ("cited" if i in cited else "")
        cells = "".join(f"<td class='num{' hit-cell' if (i in hits and c == column) else ''}'>"
                        f"{h(cell(r.values[c], table.unit))}</td>" for c in used)
        body.append(f"<tr class='{cls}' data-row='{i}'>{_name_cell(r, codes)}{cells}</tr>")
    return (f"<div class='ev-scroll' tabindex='0' role='region' aria-label='{h(table.id)} {h(table.title)}'>"
            f"<table class='ev-table'><thead><tr><th scope='col' class='name'>项目</th>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _one_row_html(table: Table, column: int) -> str:
    """A one-row table on its side: one line per column, the cited column highlighted."""
    r = table.rows[0]
    body = []
    for c, label in enumerate(table.columns):
        if r.values[c] is None and c != column:
            continue
        cls = "hit" if c == column else ""
        body.append(f"<tr class='{cls}' data-row='{c}'><th scope='row' class='name'>{h(column_words(label))}</th>"
                    f"<td class='num{' hit-cell' if c == column else ''}'>{h(cell(r.values[c], table.unit))}</td></tr>")
    name = f"{h(r.label)} · " if r.label else ""
    return (f"<div class='ev-scroll' tabindex='0' role='region' aria-label='{h(table.id)} {h(table.title)}'>"
            f"<table class='ev-table one-row'><thead><tr><th scope='col' class='name'>{name}项目</th>"
            f"<th scope='col'>金额（{h(table.unit)}）</th></tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def cited_sections(doc: BudgetDocument, citation: Citation) -> list[Section]:
    """The paragraphs a citation without a table points at (by source, else by heading path)."""
    by_source = [sec for sec in doc.sections if citation.source and sec.source == citation.source]
    if by_source:
        return by_source
    found = sections_at(doc, citation.source)
    if found:
        return found
    title = _norm(citation.title).replace("/", "")
    return [sec for sec in doc.sections if title and title in _norm("".join(sec.path))][:3]


def sections_at(doc: BudgetDocument, source: str) -> list[Section]:
    """Paragraphs overlapping 'line 12', 'lines 3-9', 'p. 4' or 'pp. 4-5'."""
    m = re.search(r"(lines?|pp?\.)\s*(\d+)(?:\s*-\s*(\d+))?", source or "")
    if not m:
        return []
    first, last = int(m.group(2)), int(m.group(3) or m.group(2))
    if m.group(1).startswith("p"):
        return [s for s in doc.sections if s.page_start and s.page_start <= last and s.page_end >= first]
    return [s for s in doc.sections if s.line_start <= last and s.line_end >= first]


def paragraphs_html(sections: list[Section], mark: str = "") -> str:
    out = []
    for sec in sections:
        head = " › ".join(sec.path)
        text = h(re.sub(r"\s*\n\s*", "", sec.text))
        if mark and h(mark) in text:
            text = text.replace(h(mark), f"<mark>{h(mark)}</mark>")
        where = place(sec.source)
        out.append(f"<blockquote class='ev-para'><p class='ev-path'>{h(head)}"
                   f"{f' · {where}' if where else ''}</p><p>{text}</p></blockquote>")
    return "".join(out)


def doc_heading(doc: BudgetDocument) -> str:
    return f"{doc.org} · {doc.year}年{doc.scope}{doc.kind}"


def evidence_html(doc: BudgetDocument, citation: Citation, also: list[Citation] = ()) -> str:
    """The panel body for one citation: heading, where, and the table or paragraph. ``also``: the
    answer's other citations, whose rows in the same table are marked as cited too."""
    if not citation.table:
        sections = cited_sections(doc, citation)
        body = paragraphs_html(sections, citation.row) if sections else \
            f"<p class='ev-missing'>没有在文档中找到这段说明（{h(source_words(citation.source))}）。</p>"
        return (f"<h3 class='ev-title'>情况说明</h3><p class='ev-meta'>{h(doc_heading(doc))}</p>"
                f"<p class='ev-where'>{h(citation.title.replace(' / ', ' › '))}</p>{body}")
    try:
        table = doc.table(citation.table)
    except KeyError:
        return f"<p class='ev-missing'>文档中没有{h(citation.table)}。</p>"
    hits = cited_rows(table, citation)
    column = column_of(table, citation.column)
    others = [i for c in also if c.table == table.id and c.doc == doc.doc_id and c != citation
              for i in cited_rows(table, c)]
    where = place(citation.source) or place(table.source)
    meta = " · ".join(x for x in (doc_heading(doc), f"单位：{table.unit}", where) if x)
    one_row = len(table.rows) == 1
    row = citation.row or (table.rows[0].label if one_row else "")
    column_text = column_words(citation.column) if one_row else short_column(citation.column)
    cited = " › ".join(x for x in (row, column_text) if x)
    missing = "" if hits else f"<p class='ev-missing'>表中没有找到“{h(citation.row)}”这一行。</p>"
    return (f"<h3 class='ev-title'>{h(table.id)} {h(table.title)}</h3><p class='ev-meta'>{h(meta)}</p>"
            f"<p class='ev-where'>所引：<strong>{h(cited)}</strong></p>{missing}"
            f"{table_html(table, hits, column, others)}")
