"""What budgetqa could not read of a loaded document, said on the page (ingest records it in
``doc.reading_problems``; ``app.staff.reading`` also counts the older findings of reading rules).

    problems = unread_of(doc)                      # once per document content (cached by the page)
    doc_status_html([(label, problems), ...])      # under the document picker: "表7 … 未能读取"
    caveat_html(answer, {doc_id: problems})        # on an answer about a document with such parts

A warning is a part not read (a table, a page, figures not placed): questions about it cannot be
answered fully, and the page says so on every answer about that document. A note is a placement the
text did not decide (placed by column order or by name, the table's arithmetic holding, and the
engine refusing questions about the parts so placed): listed, folded, as 未能完全确认, under a
document's warnings; a document with notes only gets no block (nothing in it went unread).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from app.answer.contract import Answer
from app.web.format import h, source_words

MAX_SHOWN = 4                 # warnings listed per document; the rest folded


@dataclass(frozen=True)
class Part:
    what: str                 # "表7 一般公共预算项目支出情况表", or "" when the problem names nothing
    why: str                  # the reason, in Chinese, without the program's own words
    where: str                # "lines 556-638", "p. 12"


@dataclass(frozen=True)
class Unread:
    """A document's parts not read (``warnings``) and placements not decided (``notes``)."""
    warnings: tuple[Part, ...] = ()
    notes: tuple[Part, ...] = ()
    tables: frozenset[str] = frozenset()     # ids of the tables not (fully) read

    def __bool__(self) -> bool:
        return bool(self.warnings or self.notes)


def _why(message: str) -> str:
    """'此表未能读取（ValueError: an unexpected layout）' → '此表未能读取': a citizen gets no traceback words."""
    text = re.sub(r"[（(][^）)]*[A-Za-z]{3,}[^）)]*[）)]", "", str(message or ""))
    return text.strip().rstrip("。；;，,") or "原因未记录"


def unread_of(doc) -> Unread:
    from app.staff.reading import reading_problems, unreadable_tables
    warnings, notes = [], []
    for p in reading_problems(doc):
        what = str(getattr(p, "what", "") or "")
        part = Part(what, _why(getattr(p, "message", "")), str(getattr(p, "where", "") or ""))
        (notes if getattr(p, "severity", "warning") == "note" else warnings).append(part)
    tables = unreadable_tables(doc) if warnings else frozenset()
    return Unread(tuple(warnings), tuple(notes), frozenset(tables))


def _part_html(p: Part, verb: str) -> str:
    where = source_words(p.where) if p.where else ""
    place = f"<span class='where'>（{h(where)}）</span>" if where else ""
    what = f"<strong>{h(p.what)}</strong> " if p.what else ""
    why = "" if verb in p.why and len(p.why) <= 8 else f"：{h(p.why)}"     # "此表未能读取" says no more
    return f"<li>{what}{verb}{why}{place}</li>"


def doc_status_html(docs: list[tuple[str, Unread]], named: bool = True) -> str:
    """Per document with something not read: the parts 未能读取 listed, placements 未能完全确认 folded.
    ``named``: say which document (when several are loaded). Empty string when every part was read."""
    blocks = []
    for label, u in docs:
        if not u.warnings:        # placements alone: the arithmetic holds, and the engine refuses the parts
            continue
        name = f"<p class='doc-name'>{h(label)}</p>" if named else ""
        body = ""
        if u.warnings:
            shown = "".join(_part_html(p, "未能读取") for p in u.warnings[:MAX_SHOWN])
            more = "".join(_part_html(p, "未能读取") for p in u.warnings[MAX_SHOWN:])
            fold = (f"<details class='unread-more'><summary>另有 {len(u.warnings) - MAX_SHOWN} 处未能读取</summary>"
                    f"<ul>{more}</ul></details>") if more else ""
            body += (f"<p class='unread-lead'>⚠ 这份文档有 {len(u.warnings)} 处未能读取，涉及这些部分的问题无法完整回答：</p>"
                     f"<ul class='unread-list'>{shown}</ul>{fold}")
        if u.notes:
            items = "".join(_part_html(p, "未能完全确认") for p in u.notes)
            body += (f"<details class='unread-notes'><summary>读取说明：{len(u.notes)} 处栏目未能由表内等式确认"
                     f"（合计已核对）</summary><ul>{items}</ul></details>")
        blocks.append(f"<div class='doc-unread warn'>{name}{body}</div>")
    if not blocks:
        return ""
    return f"<section class='doc-status' aria-label='文档读取情况'>{''.join(blocks)}</section>"


def _docs_of(a: Answer) -> list[str]:
    out = [a.doc] if a.doc else []
    if a.reading is not None and a.reading.doc:
        out.append(a.reading.doc)
    out += [c.doc for c in a.citations if c.doc]
    return list(dict.fromkeys(out))


# answers over many items, which an unread table may hold more of
GATHERING = ("list", "rank", "count")


def caveat_html(a: Answer, unread: dict) -> str:
    """A line on an answer that may lack what a document's unread parts hold: a refusal (what was asked
    may be there), a listing, ranking or total over items, or an answer citing such a table. A look-up
    of one cell in a table that was read, and a clarify question, get none. Empty string otherwise."""
    if a.status == "clarify":
        return ""
    op = a.reading.op if a.reading is not None else ""
    lines = []
    for doc in _docs_of(a):
        u = unread.get(doc)
        if not u or not u.warnings:
            continue
        names = [p.what for p in u.warnings if p.what][:3]
        listed = "、".join(names) or f"{len(u.warnings)} 处"
        cited = sorted({c.table for c in a.citations if c.doc == doc and c.table in u.tables})
        if cited:
            lines.append(f"所引的{'、'.join(cited)}未能完整读取，这里的数字可能不完整，请对照原文。")
        elif a.status == "answered" and (op in GATHERING or a.chart):
            lines.append(f"注意：这份文档的{listed}未能读取；如果您问的内容在其中，本回答并不完整。")
        elif a.status != "answered":
            lines.append(f"这份文档的{listed}未能读取；您问的内容可能正在其中。")
    if not lines:
        return ""
    return "".join(f"<p class='caveat' role='note'>⚠ {h(t)}</p>" for t in dict.fromkeys(lines))
