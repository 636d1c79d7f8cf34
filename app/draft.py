"""Drafting 情况说明 paragraphs from the tables, in the standard phrasing of these documents.

Every figure and share is computed here from table cells (Decimal, half-up to 2 places); what needs
last year's data, which no ingested document holds, is a visible placeholder 【上年数】, never a guess.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from decimal import Decimal

from app.catalog import catalog_for
from app.contract import round_half_up
from app.execute import convert
from ingest.model import BudgetDocument, Table
from ingest.verify import col, total_row

PARTS = ("收入", "支出", "财政拨款", "一般公共预算", "基本支出", "三公")
PRIOR = "比上年预算增加（减少）【上年数】万元"


@dataclass(frozen=True)
class Paragraph:
    part: str
    text: str
    source: str = ""          # the source narrative paragraph it corresponds to, if any
    diff: str = ""            # differences from that paragraph


def _wan(t: Table, v: Decimal | None) -> Decimal:
    return round_half_up(convert(v or Decimal(0), t.unit, "万元")[0])


def _share(part: Decimal, whole: Decimal) -> str:
    return f"{round_half_up(part / whole * 100)}%" if whole else "—"


def _first(doc: BudgetDocument, role: str) -> Table | None:
    tables = doc.tables_by_role(role)
    return tables[0] if tables else None


def _total(t: Table | None, label: str = "", group: str = "") -> Decimal | None:
    if t is None:
        return None
    r = total_row(t, group)
    c = col(t, label) if label else 0
    if r is None or c is None:
        return None
    return _wan(t, t.rows[r].values[c])


def _income(doc: BudgetDocument, head: str) -> str | None:
    t = _first(doc, "income")
    total = _total(t)
    if t is None or not total:
        return None
    r = t.rows[total_row(t)]
    parts = []
    for c, name in enumerate(t.columns):
        leaf = name.split("/")[-1]
        if leaf in ("总计", "合计", "小计") or r.values[c] in (None, 0):
            continue
        v = _wan(t, r.values[c])
        parts.append(f"{leaf}{v}万元，占{_share(v, total)}，{PRIOR}")
    return f"{head}收入预算{total}万元，其中：" + "；".join(parts) + "。"


def _spending(doc: BudgetDocument, head: str) -> str | None:
    t = _first(doc, "expenditure")
    total = _total(t)
    if t is None or not total:
        return None
    parts = []
    for label in ("基本支出", "项目支出"):
        v = _total(t, label)
        if v is not None:
            parts.append(f"{label}{v}万元，占{_share(v, total)}，{PRIOR}")
    return f"{head}支出预算{total}万元，其中：" + "；".join(parts) + "。"


def _class_rows(t: Table) -> list[tuple[str, Decimal]]:
    return [(r.name, _wan(t, r.values[0])) for r in t.rows if r.level == 1 and r.code and r.values[0]]


def _fiscal(doc: BudgetDocument, head: str) -> str | None:
    t = _first(doc, "fiscal_overview")
    gpb = _first(doc, "gpb_expenditure")
    total = _total(t, group="支出")
    if t is None or total is None:
        return None
    spend = "；".join(f"{name}{v}万元" for name, v in _class_rows(gpb)) if gpb else ""
    return (f"{head}财政拨款收支总预算{total}万元。" + (f"一般公共预算支出包括：{spend}。" if spend else ""))


def _general(doc: BudgetDocument, head: str) -> str | None:
    t = _first(doc, "gpb_expenditure")
    total = _total(t)
    if t is None or not total:
        return None
    basic, project = _total(t, "基本支出"), _total(t, "项目支出")
    lines = [f"{head}一般公共预算拨款合计{total}万元，其中：基本支出{basic}万元，{PRIOR}；"
             f"项目支出{project}万元，{PRIOR}。"]
    for k, (name, v) in enumerate(_class_rows(t), start=1):
        lines.append(f"{k}、{name}（类）{v}万元，占{_share(v, total)}。")
    return "\n".join(lines)


def _basic(doc: BudgetDocument, head: str) -> str | None:
    t = _first(doc, "gpb_basic")
    total = _total(t)
    if t is None or not total:
        return None
    pieces = []
    for label in ("人员经费", "公用经费"):
        c = col(t, label)
        if c is None:
            continue
        v = _total(t, label)
        names = [r.name for r in t.rows if r.level == max(x.level for x in t.rows) and r.values[c]]
        pieces.append(f"{label}{v}万元，主要包括：{'、'.join(names)}")
    return f"{head}一般公共预算基本支出{total}万元，其中：\n" + "。\n".join(pieces) + "。"


def _sangong(doc: BudgetDocument, head: str) -> str | None:
    t = _first(doc, "sangong")
    if t is None:
        return None
    cat = catalog_for(doc)

    def figure(*labels: str) -> Decimal:
        for label in labels:
            e = cat.entries.get(label)
            if e is not None:
                ref = next((r for r in e.refs if r.table == t.id), None)
                if ref is not None:
                    return _wan(t, t.rows[ref.row].values[ref.column])
        return Decimal("0.00")

    total = figure("“三公”经费")
    items = [("因公出国（境）费", figure("因公出国（境）费")),
             ("公务用车购置费", figure("公务用车购置费")),
             ("公务用车运行费", figure("公务用车运行费", "公务用车运行维护费")),
             ("公务接待费", figure("公务接待费"))]
    listed = "，".join(f"{name}{v}万元" for name, v in items)
    return f"{head}财政拨款“三公”经费预算数为{total}万元，其中：{listed}。\n{head}财政拨款“三公”经费{PRIOR}。"


BUILDERS = {"收入": _income, "支出": _spending, "财政拨款": _fiscal, "一般公共预算": _general,
            "基本支出": _basic, "三公": _sangong}


def _bigrams(text: str) -> set[str]:
    t = re.sub(r"[\s\d.，。、：:；;（）()%]", "", text)
    return {t[i:i + 2] for i in range(len(t) - 1)}


def _source_for(doc: BudgetDocument, text: str) -> str:
    want = _bigrams(text)
    best, score = "", 0.0
    for s in doc.sections:
        have = _bigrams(s.text)
        if have and want:
            sim = len(want & have) / len(want | have)
            if sim > score:
                best, score = s.text, sim
    return best if score >= 0.2 else ""


def draft(doc: BudgetDocument, part: str = "全部") -> list[Paragraph]:
    if part != "全部" and part not in BUILDERS:
        raise ValueError(f"unknown part '{part}' (one of {'、'.join(PARTS)} or 全部)")
    head = f"{doc.org}{doc.year}年"
    out = []
    for name in (PARTS if part == "全部" else (part,)):
        text = BUILDERS[name](doc, head)
        if text is None:
            continue
        source = _source_for(doc, text)
        diff = "\n".join(difflib.unified_diff(source.splitlines(), text.splitlines(), "原文", "草稿", lineterm="")) \
            if source else ""
        out.append(Paragraph(name, text, source, diff))
    return out


def render(paragraphs: list[Paragraph], show_diff: bool = True) -> str:
    lines = []
    for p in paragraphs:
        lines += [f"【{p.part}】", p.text]
        if show_diff and p.source:
            lines += ["", "与原文的差异：", p.diff or "（无）"]
        lines.append("")
    return "\n".join(lines)
