"""One error of each kind, made in a copy of a document's extracted statements or cells, for the
audit to find at the place it was made. Each ``inject_*`` returns (the edited document, the edited
statements, what must be found) or None when the document has nothing of that kind to edit."""
from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass, replace
from decimal import Decimal

from app.staff.audit import Auditor, audit
from app.staff.completeness import kinds_of, template_of
from app.staff.rounding import consistent
from app.staff.statement_checks import _total_words
from app.staff.statements import Statement, to_unit
from app.staff.subjects import fund_of, side_of
from ingest.verify import cross_checks


@dataclass(frozen=True)
class Expect:
    rule: str
    place: str            # a finding's first place starts with this
    stated: str = ""      # and states this (when given)


_BASELINES: dict[int, tuple] = {}


def _baseline(doc):
    """The audit of the unedited document (once per document object)."""
    if id(doc) not in _BASELINES:
        a = Auditor(doc)
        before = a.run()
        _BASELINES[id(doc)] = (doc, a, {w for f in before for w in f.where})
    _, a, places = _BASELINES[id(doc)]
    return a, places


def _clean(a: Auditor, places: set[str], st: Statement) -> bool:
    """A statement the audit has nothing to say about (so what it finds after the edit is the edit)."""
    return not any(w.startswith(st.source) or (st.change_source and w.startswith(st.change_source)) for w in places)


def _matches_cell(a: Auditor, st: Statement) -> bool:
    refs = a.subjects.link(st.subject) if st.subject else ()
    if not refs or not st.figures or any(r.table in a.unreadable for r in refs):
        return False
    m = st.figures[0]
    t = a.doc.table(refs[0].table)
    return any(consistent(m.text, *(to_unit(a.doc.table(r.table).rows[r.row].values[r.column] or Decimal(0),
                                            a.doc.table(r.table).unit, m.unit),) * 2) for r in refs) and t is not None


def inject_amount(doc):
    a, places = _baseline(doc)
    sts = deepcopy(a.statements)
    for st in sts:
        if _clean(a, places, st) and _matches_cell(a, st) and st.figures[0].value > 0:
            m = st.figures[0]
            new = m.value + Decimal(100)
            st.figures[0] = replace(m, value=new, text=f"{new:.{m.places}f}")
            return doc, sts, Expect("narrative.amount", st.source, st.figures[0].text)
    return None


def inject_rate(doc):
    a, places = _baseline(doc)
    sts = deepcopy(a.statements)
    for st in sts:
        if _clean(a, places, st) and st.figures and st.rate and not st.ambiguous and (st.change or st.bases):
            new = abs(st.rate) + 5
            st.rate = new if st.rate > 0 else -new
            st.rate_text = f"{new:.{len(st.rate_text.split('.')[1]) if '.' in st.rate_text else 0}f}"
            return doc, sts, Expect("change.percent", st.change_source or st.source, f"{st.rate_text}%")
    return None


def inject_base_year(doc):
    """"比2026年预算增加…" in a 2026 budget: the comparison named with the document's own year."""
    a, places = _baseline(doc)
    sts = deepcopy(a.statements)
    for st in sts:
        if _clean(a, places, st) and st.base_named:
            st.base_year = doc.year
            return doc, sts, Expect("period.base", st.change_source or st.source, f"{doc.year}年")
    return None


def inject_figure_year(doc):
    a, places = _baseline(doc)
    sts = deepcopy(a.statements)
    for st in sts:
        if _clean(a, places, st) and st.figures and st.subject:
            st.figures[0] = replace(st.figures[0], year=doc.year + 1)
            return doc, sts, Expect("period.year", st.source, f"{doc.year + 1}年")
    return None


def inject_balance(doc):
    """收入 and 支出 totals equal, their changes made unequal; where the document states the change
    once for both ("收、支预算总计各增加…"), that statement is split in two first."""
    a, _ = _baseline(doc)
    sts = deepcopy(a.statements)
    totals = [s for s in sts if s.change and s.figures and _total_words(s.subject) and not s.ambiguous]
    for i, x in enumerate(totals):
        for y in totals[i + 1:]:
            if x.figures[0].value == y.figures[0].value and fund_of(x.subject) == fund_of(y.subject) \
                    and {side_of(x.subject), side_of(y.subject)} == {"收入", "支出"}:
                _bump_change(y)
                return doc, sts, Expect("change.balance", x.source, y.change_text)
    both = next((s for s in totals if s.both_sides), None)
    if both is None:
        return None
    income, spending = deepcopy(both), deepcopy(both)
    income.subject, income.raw_subject, income.both_sides = "收入预算总计", "收入预算总计", False
    spending.subject, spending.raw_subject, spending.both_sides = "支出预算总计", "支出预算总计", False
    _bump_change(spending)
    k = sts.index(both)
    sts[k:k + 1] = [income, spending]
    return doc, sts, Expect("change.balance", income.source, spending.change_text)


def _bump_change(st: Statement) -> None:
    places = len(st.change_text.split(".")[1]) if "." in st.change_text else 0
    new = abs(st.change) + 1
    st.change = new if st.change > 0 else -new
    st.change_text = f"{new:.{places}f}"


def inject_cell(doc):
    """One 项's amount 1 元 (or 1 万元) off its 款's sum, in a copy of the cells."""
    a, places = _baseline(doc)
    for t in doc.tables:
        if t.id in a.unreadable or t.role not in ("gpb_expenditure", "expenditure", "gpb_basic"):
            continue
        for i, r in enumerate(t.rows):
            if len(r.code) not in (5, 7) or not r.values or not r.values[0]:
                continue
            parent = next((p for p in t.rows if p.code == r.code[:-2]), None)
            if parent is None or any(w.startswith(f"{t.id} {parent.code}") for w in places):
                continue
            values = (r.values[0] + 1,) + r.values[1:]
            rows = t.rows[:i] + (replace(r, values=values),) + t.rows[i + 1:]
            tables = tuple(replace(x, rows=rows) if x.id == t.id else x for x in doc.tables)
            edited = replace(doc, tables=tables, checks=tuple(cross_checks(tables)))
            return edited, None, Expect("identity.table", f"{t.id} {parent.code} {parent.name}")
    return None


def inject_missing_table(doc):
    """The 三公 table taken out (later tables renumbered, as a document without it would be)."""
    if template_of(doc) is None:
        return None
    kept = [t for t in doc.tables if "三公" not in t.title and not any("三公" in c for c in t.columns)]
    if len(kept) == len(doc.tables):
        return None
    numbered = all(re.fullmatch(r"表\d+", t.id) for t in doc.tables)
    tables = tuple(replace(t, id=f"表{i}") for i, t in enumerate(kept, 1)) if numbered else tuple(kept)
    return replace(doc, tables=tables, checks=()), None, Expect("completeness.missing", "全文", "缺失")


def inject_empty_note(doc):
    """An empty table's 空表说明 removed, from under the table and from the 说明."""
    a, _ = _baseline(doc)
    for t in doc.tables:
        empty = not any(v for r in t.rows for v in r.values)
        if t.id not in a.unreadable and t.rows and empty and t.role in ("gov_fund", "soe") and doc.sections:
            word = "政府性基金" if t.role == "gov_fund" else "国有资本经营"
            tables = tuple(replace(x, note="") if x.id == t.id else x for x in doc.tables)
            sections = tuple(s for s in doc.sections if word not in s.text + "".join(s.path))
            return replace(doc, tables=tables, sections=sections), None, Expect("completeness.empty_note", f"{t.id} (")
    return None


def inject_said_empty(doc):
    a, _ = _baseline(doc)
    for t in doc.tables:
        if t.id not in a.unreadable and "三公表" in kinds_of(t) and any(v for r in t.rows for v in r.values):
            tables = tuple(replace(x, note="注：本表为空表。") if x.id == t.id else x for x in doc.tables)
            return replace(doc, tables=tables), None, Expect("completeness.not_empty", f"{t.id} (")
    return None


def inject_code_name(doc):
    """A code printed in two tables, printed in the second with a sibling's name (the row below's)."""
    a, _ = _baseline(doc)
    first: dict[str, str] = {}
    for t in doc.tables:
        if t.id in a.unreadable:
            continue
        for i, r in enumerate(t.rows):
            if not r.code or not r.name:
                continue
            sibling = next((x for x in t.rows[i + 1:] if len(x.code) == len(r.code) and x.name != r.name
                            and not x.name.startswith(r.name) and not r.name.startswith(x.name)), None)
            if r.code in first and first[r.code] != t.id and sibling is not None:
                rows = t.rows[:i] + (replace(r, name=sibling.name),) + t.rows[i + 1:]
                tables = tuple(replace(x, rows=rows) if x.id == t.id else x for x in doc.tables)
                return replace(doc, tables=tables), None, Expect("completeness.code_name", f"{first[r.code]} {r.code}")
            first.setdefault(r.code, t.id)
    return None


def inject_unit_name(doc):
    """The unit named once with another unit type (…中心 written …管理局)."""
    m = re.fullmatch(r"(.*?(?:省|自治区|市|州|盟|县|区|旗))(.{2,}?)(管理局|管理中心|中心|局|办公室|办公厅|办事处|委员会|"
                     r"检察院|法院|院|厅|所|站|队|处|部|委|社|馆)", doc.org or "")
    if not m or not doc.sections:
        return None
    variant = m.group(1) + m.group(2) + ("管理局" if m.group(3) != "管理局" else "办公室")
    s = doc.sections[-1]
    sections = doc.sections[:-1] + (replace(s, text=s.text + f"{variant}负责本预算的执行。"),)
    return replace(doc, sections=sections), None, Expect("naming.unit", s.source, variant)


KINDS = {
    "amount": inject_amount, "rate": inject_rate, "base_year": inject_base_year, "figure_year": inject_figure_year,
    "balance": inject_balance, "cell": inject_cell, "missing_table": inject_missing_table,
    "empty_note": inject_empty_note, "said_empty": inject_said_empty, "code_name": inject_code_name,
    "unit_name": inject_unit_name,
}


def found(doc, statements, expect: Expect) -> list:
    return [f for f in audit(doc, statements) if f.rule == expect.rule and f.where[0].startswith(expect.place)
            and (not expect.stated or f.stated == expect.stated)]
