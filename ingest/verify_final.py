"""Cross-table identities of a 部门决算 (final accounts, the national template's nine tables).

A 决算 differs from a 预算 where money was left over: income need not equal expenditure by 功能分类
(other income unspent goes to 年末结转和结余), so those 预算 identities do not apply. What holds instead:
收支总表 本年收入合计 = 收入决算表 合计, 本年支出合计 = 支出决算表 合计, 收入总计 = 本年收入合计 + 使用非财政拨款结余
+ 年初结转和结余 and 支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余 (the table's own hierarchy), 财政拨款
收支总表 本年收入合计 = 收入决算表 财政拨款收入, 基本支出决算表 人员经费合计 + 公用经费合计 = 一般公共预算
支出决算表 基本支出, “三公”经费决算数 ≤ 公用经费 + 项目支出.
"""
from __future__ import annotations

from decimal import Decimal

from ingest.model import Check, Table


def is_final(tables) -> bool:
    """The document's tables are 决算 tables (their titles say so)."""
    titled = [t for t in tables if t.title]
    return bool(titled) and sum("决算" in t.title for t in titled) * 2 > len(titled)


def _row(t: Table | None, name: str, group: str = "") -> int | None:
    if t is None:
        return None
    return next((i for i, r in enumerate(t.rows) if r.name.replace(" ", "") == name
                 and (not group or r.group == group)), None)


def _col(t: Table | None, label: str) -> int | None:
    if t is None:
        return None
    return next((i for i, c in enumerate(t.columns) if c.split("/")[-1] == label), None)


def _cell(t: Table, r: int | None, c: int | None) -> tuple[Decimal, tuple] | None:
    if r is None or c is None:
        return None
    v = t.rows[r].values[c]
    return (v or Decimal(0)), ((t.id, r, c),) if v is not None else ()


def _compare(checks: list[Check], rule: str, left: list, right: list, tol: Decimal, relation: str = "=") -> None:
    """left/right: lists of (table, row, column); a side with a missing cell is no check."""
    cells_l = [_cell(t, r, c) for t, r, c in left]
    cells_r = [_cell(t, r, c) for t, r, c in right]
    if any(x is None for x in cells_l + cells_r):
        return
    a, b = sum(x[0] for x in cells_l), sum(x[0] for x in cells_r)
    if all(not x[1] for x in cells_l + cells_r):
        return                                        # every cell empty: nothing is checked
    ok = abs(a - b) <= tol if relation == "=" else a <= b + tol
    names = lambda side: " + ".join(f"{t.id} {t.rows[r].name}" for t, r, _ in side)   # noqa: E731
    cells = tuple(c for x in cells_l + cells_r for c in x[1]) if ok and relation == "=" else ()
    checks.append(Check(rule, ok, f"{names(left)} {a} {relation if ok else '≠'} {names(right)} {b}", cells))


def final_account_checks(by_role: dict[str, Table], tol: Decimal) -> list[Check]:
    ov, inc, exp = by_role.get("overview"), by_role.get("income"), by_role.get("expenditure")
    fo, gpb, basic = by_role.get("fiscal_overview"), by_role.get("gpb_expenditure"), by_role.get("gpb_basic")
    sangong = by_role.get("sangong")
    out: list[Check] = []
    if ov is not None and inc is not None:
        _compare(out, f"{ov.id} 本年收入合计 = {inc.id} 合计", [(ov, _row(ov, "本年收入合计", "收入"), 0)],
                 [(inc, _total(inc), 0)], tol)
        _compare(out, f"{ov.id} 其他收入 = {inc.id} 其他收入", [(ov, _row(ov, "其他收入", "收入"), 0)],
                 [(inc, _total(inc), _col(inc, "其他收入"))], tol)
    if ov is not None and exp is not None:
        _compare(out, f"{ov.id} 本年支出合计 = {exp.id} 合计", [(ov, _row(ov, "本年支出合计", "支出"), 0)],
                 [(exp, _total(exp), 0)], tol)
    if fo is not None and inc is not None:
        _compare(out, f"{fo.id} 本年收入合计 = {inc.id} 财政拨款收入", [(fo, _row(fo, "本年收入合计", "收入"), 0)],
                 [(inc, _total(inc), _col(inc, "财政拨款收入"))], tol)
    if fo is not None and ov is not None:
        _compare(out, f"{fo.id} 一般公共预算财政拨款 = {ov.id} 一般公共预算财政拨款收入",
                 [(fo, _row(fo, "一般公共预算财政拨款", "收入"), 0)],
                 [(ov, _row(ov, "一般公共预算财政拨款收入", "收入"), 0)], tol)
    if gpb is not None and basic is not None:
        people, public = _row(basic, "人员经费合计"), _row(basic, "公用经费合计")
        _compare(out, f"{basic.id} 人员经费合计 + 公用经费合计 = {gpb.id} 基本支出",
                 [(basic, people, 0), (basic, public, 0)], [(gpb, _total(gpb), _col(gpb, "基本支出"))], tol)
    if sangong is not None and basic is not None and sangong.columns:
        spent = _col(sangong, "决算数") if "决算数" in sangong.columns else None
        rows = [i for i, r in enumerate(sangong.rows) if any(v is not None for v in r.values)]
        if spent is not None and rows:
            _compare(out, f"{sangong.id} “三公”经费决算数 ≤ {basic.id} 公用经费合计 + {gpb.id if gpb else ''} 项目支出",
                     [(sangong, rows[0], spent)],
                     [(basic, _row(basic, "公用经费合计"), 0)] +
                     ([(gpb, _total(gpb), _col(gpb, "项目支出"))] if gpb is not None else []), tol, "≤")
    return out


def _total(t: Table) -> int | None:
    from ingest.verify import _sum_row
    return _sum_row(t)
