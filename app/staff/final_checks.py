"""决算-specific statements (部门决算 情况说明 "…年初预算为 A 万元，支出决算为 B 万元，完成年初预算的 P%。决算数小于
预算数的主要原因：…"), checked against the tables and themselves:
- the stated 决算数 against the item's cell (一般公共预算财政拨款支出决算表, or the “三公” table's 决算数/预算数);
- the stated rate against 决算数 ÷ the budget it names (年初 or 全年);
- the comparison word (小于/大于/持平) against the two figures;
- a difference with no reason given.
The statements are read by ``app.answer.final.executions`` (the same reading that answers questions).
"""
from __future__ import annotations

import re
from decimal import Decimal

from app.answer.contract import round_half_up
from app.answer.final import Execution, executions
from app.staff.findings import Findings
from ingest.model import BudgetDocument, Table

TOL = Decimal("0.01")


def _cell(doc: BudgetDocument, item: str) -> tuple[Table, int, int] | None:
    """The item's 合计 cell: its row in the 一般公共预算 (else 支出) 决算表, or the table the item names."""
    for role in ("gpb_expenditure", "expenditure"):
        for t in doc.tables_by_role(role):
            named = [i for i, r in enumerate(t.rows) if r.name == item]
            if len(named) == 1:
                return t, named[0], 0
            stem = re.sub(r"支出$", "", item)
            totals = [i for i, r in enumerate(t.rows) if r.level == 0 and r.name in ("合计", "总计")]
            if totals and len(stem) >= 6 and stem in re.sub(r"决算表$|表$", "", t.title):
                return t, totals[0], 0
    return None


def _sangong(doc: BudgetDocument, measure: str) -> tuple[Table, int, int] | None:
    for t in doc.tables_by_role("sangong"):
        col = next((c for c, name in enumerate(t.columns) if name == f"{measure}/合计"), None)
        rows = [i for i, r in enumerate(t.rows) if any(v is not None for v in r.values)]
        if col is not None and rows:
            return t, rows[0], col
    return None


class FinalAccountChecks:
    def __init__(self, doc: BudgetDocument, out: Findings):
        self.doc, self.out = doc, out

    def run(self) -> None:
        if self.doc.kind != "决算":
            return
        for st in executions(self.doc):
            self.against_table(st)
            self.rate(st)
            self.comparison(st)

    def place(self, st: Execution) -> str:
        return f"{self.doc.sections[st.section].source} “{st.item}”"

    def against_table(self, st: Execution) -> None:
        pairs = [("决算数", st.final, _sangong(self.doc, "决算数") if "三公" in st.item else _cell(self.doc, st.item))]
        if "三公" in st.item and st.initial is not None:
            pairs.append(("预算数", st.initial, _sangong(self.doc, "预算数")))
        for measure, stated, found in pairs:
            if found is None:
                continue
            t, r, c = found
            v = t.rows[r].values[c] or Decimal(0)
            if abs(v - stated) > TOL:
                self.out.add("final.amount", "error",
                             f"说明中“{st.item}”{measure}为 {stated} 万元，{t.id} {t.rows[r].label or t.columns[c]} 为 {v} 万元",
                             [self.place(st), f"{t.id} {t.rows[r].label or t.columns[c]} ({t.rows[r].source})"],
                             expected=str(v), stated=str(stated),
                             why=f"情况说明中的{measure}应与{t.id}《{t.title}》中同一项的数一致。")

    def rate(self, st: Execution) -> None:
        if st.rate is None:
            return
        base = st.full if st.rate_base == "全年" else st.initial if st.rate_base == "年初" else (st.initial or st.full)
        named = f"{st.rate_base}预算" if st.rate_base else "预算"
        if base is None:
            return
        if base == 0:
            other = st.full if st.rate_base == "年初" else None
            hint = f"；按全年预算 {other} 万元计算为 {round_half_up(st.final / other * 100)}%" if other else ""
            self.out.add("final.rate", "error",
                         f"说明称“{st.item}”完成{named}的 {st.rate}%，但{named}为 0 万元{hint}",
                         [self.place(st)], expected="无法计算（预算为 0）", stated=f"{st.rate}%",
                         why=f"完成率 = 决算数 ÷ {named}数；{named}为 0 时没有完成率，说明所写的百分比对应的是另一个预算数。")
            return
        computed = round_half_up(st.final / base * 100)
        if abs(computed - st.rate) > TOL:
            self.out.add("final.rate", "error",
                         f"说明称“{st.item}”完成{named}的 {st.rate}%，按 {st.final} ÷ {base} 计算为 {computed}%",
                         [self.place(st)], expected=f"{computed}%", stated=f"{st.rate}%",
                         why=f"完成率 = 决算数 ÷ {named}数，两位小数四舍五入后应与说明一致。")

    def comparison(self, st: Execution) -> None:
        budget = st.full if st.full is not None and not st.initial else st.initial
        if budget is None:
            return
        diff = st.final - budget
        said = st.compared
        wrong = (said in ("小于", "低于") and diff >= 0) or (said in ("大于", "高于", "超过") and diff <= 0) or \
            (said == "持平" and abs(diff) > TOL)
        if wrong:
            self.out.add("final.compare", "error",
                         f"说明称“{st.item}”决算数{said}预算数，但决算 {st.final} 万元、预算 {budget} 万元",
                         [self.place(st)], expected="小于" if diff < 0 else "大于" if diff > 0 else "持平", stated=said,
                         why="说明中决算数与预算数的比较应与所列的两个数相符。")
        elif abs(diff) > TOL and not st.reason:
            self.out.add("final.reason", "warning",
                         f"“{st.item}”决算 {st.final} 万元与预算 {budget} 万元不同，说明没有给出原因",
                         [self.place(st)], expected="差异原因", stated="未说明",
                         why="部门决算情况说明应说明决算数与预算数差异的原因。")
