"""Failing identities (勾稽关系) that are the document's, not our reading's.

Ingest checks every table's arithmetic and the identities between tables. A failing check is either
the document's inconsistency (a 合计 1 元 off its parts) or a sign that we read the table wrongly (a
title line read as a row, a row lost where a name wraps, a rule whose premise a template does not
share). Only the first kind is reported:

- a table with a reading problem (app.staff.reading) is never the basis of a finding;
- a failing sum whose rows carry 科目编码 is recomputed from the codes alone (类 = Σ款 = Σ项,
  合计 = Σ类): a row without a code that we took for a part (a page's title line) cannot break it, and
  when the codes add up the failure was ours;
- any other failing sum must look like one wrong cell: alone in its table (or two failures that
  share a row and miss by the same amount), a miss that is small against the total (a lost or
  misattached row misses by a large part of it), never a whole side read as 0 or twice;
- a cross-table rule that fails for several rows at once, or already at its top level, is a rule
  whose premise this template does not share (Jiangsu 2017 counted project spending as 机关运行经费),
  not several independent errors.
"""
from __future__ import annotations

import re
from decimal import Decimal

from app.staff.findings import Findings
from ingest.model import BudgetDocument, Check, Table
from ingest.tables import is_total

NUM = r"-?\d+(?:\.\d+)?"
SMALL = Decimal("0.05")          # a typo moves a total by a little; a lost row by a large part of it
WHY_TABLE = "表中各项之和应等于其合计（上级科目等于下级科目之和）；按表中印出的数相加不等，至少有一个数印错。"
WHY_CROSS = "同一笔钱在不同的表中应是同一个数（或满足表间的包含关系）；两表所列不一致，至少有一处写错。"


def quantum(t: Table) -> Decimal:
    """How far a sum may miss: 元 tables have no rounding excuse; a 万元 table's parts are each rounded
    to its last digit, so their sum may miss the rounded total by one unit of it."""
    if t.unit == "元":
        return Decimal(0)
    places = max((max(-v.as_tuple().exponent, 0) for r in t.rows for v in r.values if v is not None), default=0)
    return Decimal(1).scaleb(-places)


def _compared(detail: str) -> tuple[str, str]:
    """'表2 行政单位医疗 12.33 ≠ 表3 行政单位医疗 12.43' → ('12.33', '12.43'); 'A ≠ Σ B' → ('B', 'A')."""
    m = re.search(rf"({NUM})\s*≠\s*Σ\s*({NUM})", detail)
    if m:
        return m.group(2), m.group(1)
    m = re.search(rf"({NUM})\s*≠.*?({NUM})\s*$", detail)
    return (m.group(1), m.group(2)) if m else ("", detail)


def _misses(detail: str) -> list[tuple[Decimal, Decimal]]:
    """(stated, computed) pairs of a failing check's detail: '合计: 13979.92 ≠ Σ 13988.92; …'."""
    out = [(Decimal(a), Decimal(b)) for a, b in re.findall(rf"({NUM})\s*≠\s*Σ\s*({NUM})", detail)]
    if not out:
        m = re.search(rf"({NUM})\s*≠\s*({NUM})(?:\s*\+\s*({NUM}))*", detail)
        if m:
            parts = re.findall(NUM, detail[m.start():])
            out = [(Decimal(parts[0]), sum(Decimal(p) for p in parts[1:]))]
    return out


def _looks_like_one_wrong_cell(misses: list[tuple[Decimal, Decimal]]) -> bool:
    for stated, computed in misses:
        if stated == 0 or computed == 0 or stated == 2 * computed or computed == 2 * stated:
            return False
        if abs(stated - computed) > SMALL * max(abs(stated), abs(computed)):
            return False
    return bool(misses)


class Identities:
    def __init__(self, doc: BudgetDocument, unreadable: frozenset[str], out: Findings):
        self.doc, self.unreadable, self.out = doc, unreadable, out

    def run(self) -> None:
        for t in self.doc.tables:
            if t.id not in self.unreadable:
                self._table(t)
        self._cross()

    # ── one table ───────────────────────────────────────────────────────────────────────────────
    def _table(self, t: Table) -> None:
        for parent in self._coded_parents(t):      # every sum the 科目编码 define, whatever ingest checked
            self._by_codes(t, parent)
        other = [(c, None) for c in t.checks if not c.ok and self._coded_parent(t, c) is None]
        other += [(c, None) for c in self._exactly(t)]
        if len(other) > 2:
            return                                  # many sums off at once: our reading, not typos
        if len(other) == 2 and not self._one_chain(t, [c for c, _ in other]):
            return
        for c, _ in other:
            if _looks_like_one_wrong_cell(_misses(c.detail)):
                expected, stated = _compared(c.detail)
                self.out.add("identity.table", "error", f"{t.id} 表内勾稽关系不成立：{c.rule}（{c.detail}）",
                             self._where(t, c), expected=expected, stated=stated, why=WHY_TABLE)

    def _exactly(self, t: Table) -> list[Check]:
        """A 元 table's passing checks again without ingest's tolerance of one unit: a 合计 1 元 off
        its parts is an error, not rounding. (Sums the codes define are recomputed anyway.)"""
        if t.unit != "元":
            return []
        out = []
        for c in {c.rule: c for c in t.checks if c.ok}.values():    # one rule covers many rows
            m = re.match(r"行内:\s*(.+?)\s*=\s*(.+)$", c.rule)
            if m:
                out += self._row_identity(t, m.group(1), [x.strip() for x in m.group(2).split("+")])
            m = re.match(r"层级求和:\s*(?:(\d{3,7})\s+)?(.+?)\s*=\s*Σ", c.rule)
            if m and not m.group(1):
                out += self._parent_sum(t, m.group(2))
        return out

    def _row_identity(self, t: Table, total: str, parts: list[str]) -> list[Check]:
        cols = {name: i for i, name in enumerate(t.columns)}
        if total not in cols or any(p not in cols for p in parts):
            return []
        out = []
        for r in t.rows:
            vals = [r.values[cols[p]] for p in parts]
            if r.values[cols[total]] is None and all(v is None for v in vals):
                continue
            whole, s = r.values[cols[total]] or Decimal(0), sum((v or Decimal(0)) for v in vals)
            if whole != s:
                label = " ".join(x for x in (r.code, r.name) if x)
                out.append(Check(f"行内: {total} = {' + '.join(parts)}", False,
                                 f"{label}: {whole} ≠ {' + '.join(str(v or 0) for v in vals)}", ()))
        return out

    def _parent_sum(self, t: Table, name: str) -> list[Check]:
        out = []
        for i, p in enumerate(t.rows):
            if p.name != name or p.code:
                continue
            kids = [r for r in t.rows if r.parent == i]
            bad = []
            for c in range(len(t.columns)):
                if p.values[c] is None and all(k.values[c] is None for k in kids):
                    continue
                s = sum((k.values[c] or Decimal(0)) for k in kids)
                if (p.values[c] or Decimal(0)) != s:
                    bad.append(f"{t.columns[c]}: {p.values[c] or 0} ≠ Σ {s}")
            if kids and bad:
                out.append(Check(f"层级求和: {name} = Σ 下级", False, "; ".join(bad), ()))
        return out

    def _coded_parents(self, t: Table) -> list[int]:
        """Rows whose parts the codes name: a 类 or 款 with codes below it, and the 合计 of a table
        of 类 codes."""
        codes = {(r.group, r.code) for r in t.rows if r.code}
        out = [i for i, r in enumerate(t.rows)
               if r.code and any(g == r.group and c.startswith(r.code) and len(c) == len(r.code) + 2 for g, c in codes)]
        for i, r in enumerate(t.rows):
            if not r.code and r.level == 0 and is_total(r.name) and any(g == r.group and len(c) == 3 for g, c in codes):
                out.append(i)
        return out

    def _coded_parent(self, t: Table, c: Check) -> int | None:
        """The row a failing sum is about, when it and its parts can be read by 科目编码."""
        if not c.rule.startswith("层级求和"):
            return None
        m = re.match(r"层级求和:\s*(?:(\d{3,7})\s+)?(.+?)\s*=\s*Σ", c.rule)
        if not m:
            return None
        code, name = m.group(1), m.group(2)
        for i, r in enumerate(t.rows):
            if code and r.code == code:
                return i
            if not code and not r.code and r.name == name and r.level == 0 and is_total(r.name) \
                    and any(len(x.code) == 3 for x in t.rows):
                return i
        return None

    def _by_codes(self, t: Table, parent: int) -> None:
        p = t.rows[parent]
        if p.code:
            kids = [r for r in t.rows if r.code.startswith(p.code) and len(r.code) == len(p.code) + 2
                    and r.group == p.group]
        else:
            kids = [r for r in t.rows if len(r.code) == 3 and r.group == p.group]
        if not kids:
            return
        tol = quantum(t)
        bad = []
        for c in range(len(t.columns)):
            total = p.values[c] or Decimal(0)
            parts = sum((k.values[c] or Decimal(0)) for k in kids)
            if abs(total - parts) > tol and not (p.values[c] is None and all(k.values[c] is None for k in kids)):
                bad.append((t.columns[c], total, parts))
        if not bad:
            return                                  # the codes add up: the failure was our hierarchy
        if len(bad) >= 2 and sum(total - parts for _, total, parts in bad) == 0 and t.columns[0] not in {b[0] for b in bad}:
            return                                  # one amount read in the wrong column: the row total holds
        label = " ".join(x for x in (p.code, p.name) if x)
        detail = "; ".join(f"{col}: {total} ≠ Σ {parts}" for col, total, parts in bad)
        self.out.add("identity.table", "error",
                     f"{t.id} 表内勾稽关系不成立：{label} = Σ 下级科目（{detail}）",
                     [f"{t.id} {label} ({p.source}) / {'、'.join(col for col, _, _ in bad)}"],
                     expected=str(bad[0][2]), stated=str(bad[0][1]), why=WHY_TABLE)

    def _one_chain(self, t: Table, checks: list[Check]) -> bool:
        """Two failures from one wrong cell: they share a row and miss by the same amount."""
        rows = [{i for (_, i, _) in c.cells} or set(self._rows_named(t, c)) for c in checks]
        misses = [_misses(c.detail) for c in checks]
        if not all(misses):
            return False
        gaps = [abs(m[0][0] - m[0][1]) for m in misses]
        return bool(rows[0] & rows[1]) and gaps[0] == gaps[1]

    def _rows_named(self, t: Table, c: Check) -> list[int]:
        return [i for i, r in enumerate(t.rows) if r.name and r.name in c.rule + c.detail]

    def _where(self, t: Table, c: Check) -> list[str]:
        columns = re.findall(r"(?:^|;\s*)([^:;]+?):", c.detail)
        named = re.search(r":\s*(?:(\d{3,7})\s+)?(\S+?)\s*=", c.rule)
        rows = []
        if named:
            rows = [r for r in t.rows if (named.group(1) and r.code == named.group(1)) or r.name == named.group(2)]
        out = [f"{t.id} {(r.code + ' ') if r.code else ''}{r.name} ({r.source})" + (f" / {'、'.join(columns)}" if columns else "")
               for r in rows[:2]]
        return out or [f"{t.id} ({t.source})"]

    # ── across tables ───────────────────────────────────────────────────────────────────────────
    def _cross(self) -> None:
        families: dict[str, list[Check]] = {}
        for c in self.doc.checks:
            families.setdefault(re.sub(r"\s*\(.*\)\s*$", "", c.rule), []).append(c)
        for family, checks in families.items():
            failing = [c for c in checks if not c.ok]
            if not failing:
                continue
            tables = set(re.findall(r"表\d+", family + " ".join(c.detail for c in failing)))
            if tables & self.unreadable:
                continue
            top = any(re.search(r"\((\d{3})\s", c.rule + " ") or not re.search(r"\(\d", c.rule) for c in failing)
            if len(failing) >= 2 and (top or 2 * len(failing) >= len(checks) or "≤" in family):
                continue                            # the rule's premise, not several errors
            for c in failing:
                expected, stated = _compared(c.detail)
                self.out.add("identity.cross", "error", f"表间勾稽关系不成立：{c.rule}（{c.detail}）",
                             self._cross_where(c), expected=expected, stated=stated, why=WHY_CROSS)

    def _cross_where(self, c: Check) -> list[str]:
        ids = list(dict.fromkeys(re.findall(r"表\d+", c.rule + " " + c.detail)))
        code = re.search(r"(?:^|[\s(（])(\d{3,7})\s", c.rule)
        out = []
        for tid in ids:
            try:
                t = self.doc.table(tid)
            except KeyError:
                continue
            rows = [r for r in t.rows if code and r.code == code.group(1)]
            if not rows:
                rows = [r for r in t.rows if r.name and f"{tid} {r.name}" in c.detail]
            for r in rows[:1]:
                out.append(f"{tid} {(r.code + ' ') if r.code else ''}{r.name} ({r.source})")
            if not rows:
                out.append(f"{tid} ({t.source})")
        return out or [c.rule]
