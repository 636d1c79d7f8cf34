"""Cross-table identities of a budget disclosure, and the column hints one table gives another.

The standard tables restate each other: 表1 收入总计 = 支出总计; 表2 and 表3 agree row by row; 表5 is
the 一般公共预算 part of 表2; 表6 合计 = 表5 基本支出; 表7 合计 = 表5 项目支出; 表11 = 上年结转 … Each
identity is a ``Check`` over the cells it compares. A failing one is a finding, never a correction.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterable

from ingest.verify_final import final_account_checks, is_final
from ingest.model import Check, Table
from ingest.tables import is_total

Cell = tuple[str, int, int]


def col(t: Table | None, label: str) -> int | None:
    if t is None:
        return None
    for i, c in enumerate(t.columns):
        if c == label or c.split("/")[-1] == label:
            return i
    return None


def total_row(t: Table | None, group: str = "") -> int | None:
    if t is None:
        return None
    for i, r in enumerate(t.rows):
        if r.level == 0 and is_total(r.name) and (not group or r.group == group):
            return i
    return None


def _sum_row(t: Table | None) -> int | None:
    """The 合计 row of a table of totals; a table of one unnamed row (Jiangsu's 支出预算总表: 合计 |
    基本支出 | 项目支出 … over one line of figures) is that row."""
    if t is not None and len(t.rows) == 1 and not t.rows[0].name and not t.rows[0].code:
        return 0
    return total_row(t)


def _exact_row(t: Table, name: str, group: str | None) -> int | None:
    """The row of exactly this name (brackets, 的 and spaces aside), in ``group`` (None: any)."""
    return next((i for i, r in enumerate(t.rows)
                 if (group is None or r.group == group) and _norm(r.name) == _norm(name)), None)


def _norm(name: str) -> str:
    return re.sub(r"[（(].*?[)）]|的|\s", "", name)


def find_row(t: Table | None, name: str, group: str = "") -> int | None:
    if t is None:
        return None
    exact = _exact_row(t, name, group or None)
    if exact is not None:
        return exact
    target = _norm(name)
    for i, r in enumerate(t.rows):
        if (not group or r.group == group) and r.level > 0 and (target in _norm(r.name)):
            return i
    return None


def value(t: Table, r: int | None, c: int | None) -> Decimal | None:
    if r is None or c is None:
        return None
    return t.rows[r].values[c] or Decimal(0)


class _Checker:
    def __init__(self, tol: Decimal):
        self.tol = tol
        self.checks: list[Check] = []

    def sum_of_rows(self, rule: str, t: Table, rows: list[int], total: int | None) -> None:
        """Σ of a column-0 block of rows = the total row (a table part without its own total row)."""
        filled = [i for i in rows if t.rows[i].values[0] is not None]
        if total is None or not filled or t.rows[total].values[0] is None:
            return
        a, b = sum(t.rows[i].values[0] for i in filled), t.rows[total].values[0]
        ok = abs(a - b) <= self.tol
        cells = tuple((t.id, i, 0) for i in (*filled, total)) if ok else ()
        self.checks.append(Check(rule, ok, f"{t.id} Σ {len(filled)} 行 {a} {'=' if ok else '≠'} "
                                           f"{t.rows[total].name} {b}", cells))

    def equal(self, rule: str, left: tuple[Table, int | None, Iterable[int | None]],
              right: tuple[Table, int | None, Iterable[int | None]], relation: str = "=") -> None:
        lt, lr, lcols = left
        rt, rr, rcols = right
        lcols, rcols = list(lcols), list(rcols)
        if lr is None or rr is None or None in lcols or None in rcols or not lcols or not rcols:
            return
        a = sum(value(lt, lr, c) for c in lcols)
        b = sum(value(rt, rr, c) for c in rcols)
        ok = abs(a - b) <= self.tol if relation == "=" else a <= b + self.tol
        cells = tuple((lt.id, lr, c) for c in lcols if lt.rows[lr].values[c] is not None) + \
            tuple((rt.id, rr, c) for c in rcols if rt.rows[rr].values[c] is not None)
        detail = (f"{lt.id} {lt.rows[lr].name} {a} {relation if ok else '≠'} "
                  f"{rt.id} {rt.rows[rr].name} {b}")
        self.checks.append(Check(rule, ok, detail, cells if ok and relation == "=" else ()))


def _fiscal(t: Table) -> bool:
    """A 财政拨款 restatement of a standard table (Jiangsu: 财政拨款支出预算表, 财政拨款基本支出预算表)."""
    return "财政拨款" in t.title and t.role in ("expenditure", "gpb_basic")


def cross_checks(tables: tuple[Table, ...], tol: Decimal = Decimal("0.01")) -> list[Check]:
    by_role: dict[str, Table] = {}
    fiscal: dict[str, Table] = {}
    for t in tables:
        (fiscal if _fiscal(t) else by_role).setdefault(t.role, t)
    ov, inc, exp = by_role.get("overview"), by_role.get("income"), by_role.get("expenditure")
    fo, gpb = by_role.get("fiscal_overview"), by_role.get("gpb_expenditure")
    basic, proj = by_role.get("gpb_basic"), by_role.get("gpb_project")
    sangong, carry = by_role.get("sangong"), by_role.get("carryover")
    ck = _Checker(tol)
    for t in (ov, fo):
        if t is not None:
            c0 = [0]
            ck.equal(f"{t.id} 收入总计 = 支出总计", (t, total_row(t, "收入"), c0), (t, total_row(t, "支出"), c0))
    final = is_final(tables)                   # a 决算: income and expenditure differ by what is left over
    if ov is not None and inc is not None and not final:
        ck.equal(f"{ov.id} 收入总计 = {inc.id} 总计", (ov, total_row(ov, "收入"), [0]),
                 (inc, total_row(inc), [0]))
    if inc is not None and exp is not None and not final:
        ck.equal(f"{inc.id} 总计 = {exp.id} 合计", (inc, total_row(inc), [0]), (exp, _sum_row(exp), [0]))
        _by_code(ck, f"{inc.id}/{exp.id} 各科目总计一致", inc, [0], exp, [0])
    if ov is not None and exp is not None:
        _by_code(ck, f"{ov.id} 支出/{exp.id} 各类合计一致", ov, [0], exp, [0], group="支出")
    if inc is not None and gpb is not None:
        gp = [col(inc, "一般公共预算"), col(inc, "上级一般公共预算安排的转移支付")]
        _by_code(ck, f"{gpb.id} 合计 = {inc.id} 一般公共预算（含上级转移支付）", gpb, [0], inc, gp)
    if fo is not None and gpb is not None:
        _by_code(ck, f"{fo.id} 支出一般公共预算 = {gpb.id} 合计", fo, [col(fo, "一般公共预算")], gpb, [0],
                 group="支出")
        ck.equal(f"{fo.id} 收入一般公共预算 = {gpb.id} 合计", (fo, find_row(fo, "一般公共预算", "收入"), [0]),
                 (gpb, total_row(gpb), [0]))
    if gpb is not None and basic is not None:
        ck.equal(f"{basic.id} 合计 = {gpb.id} 基本支出", (basic, total_row(basic), [0]),
                 (gpb, total_row(gpb), [col(gpb, "基本支出")]))
    if gpb is not None and proj is not None:
        ck.equal(f"{proj.id} 合计 = {gpb.id} 项目支出", (proj, total_row(proj), [0]),
                 (gpb, total_row(gpb), [col(gpb, "项目支出")]))
    for role in ("gov_fund", "soe"):
        t = by_role.get(role)
        label = "政府性基金预算" if role == "gov_fund" else "国有资本经营预算"
        if t is not None and fo is not None:
            ck.equal(f"{t.id} 合计 = {fo.id} {label}支出", (t, total_row(t), [0]),
                     (fo, total_row(fo, "支出"), [col(fo, label)]))
    if sangong is not None and basic is not None:
        ck.equal(f"{sangong.id} “三公”经费 ≤ {basic.id} 公用经费" + (f" + {proj.id} 项目支出" if proj else ""),
                 (sangong, total_row(sangong), [0]),
                 (basic, total_row(basic), [col(basic, "公用经费")]), relation="≤")
    if ov is not None:
        _overview_parts(ck, ov, exp)
    if ov is not None and exp is not None:        # 支出 by 功能分类 类, named instead of coded
        _by_name(ck, f"{ov.id} 支出/{exp.id} 各类合计一致", ov, [0], exp, [col(exp, "合计")], "支出")
    if fo is not None and gpb is not None:
        _by_name(ck, f"{fo.id} 支出一般公共预算/{gpb.id} 各类合计一致", fo, [col(fo, "一般公共预算")], gpb,
                 [col(gpb, "合计")], "支出")
    if exp is not None and gpb is not None:        # 一般公共预算 is a part of all the funds
        for label in ("合计", "基本支出", "项目支出"):
            _by_code(ck, f"{gpb.id} {label} ≤ {exp.id} {label}", gpb, [col(gpb, label)], exp, [col(exp, label)],
                     relation="≤")
    _fiscal_checks(ck, fiscal, fo, gpb, basic, by_role.get("gov_fund"), by_role.get("admin_cost"))
    if carry is not None and ov is not None:
        ck.equal(f"{carry.id} 合计 = {ov.id} 上年结转结余", (carry, total_row(carry), [0]),
                 (ov, find_row(ov, "上年结转结余", "收入"), [0]))
    if carry is not None and inc is not None:
        ck.equal(f"{carry.id} 财政拨款 = {inc.id} 财政拨款结转", (carry, total_row(carry), [col(carry, "财政拨款/小计")]),
                 (inc, total_row(inc), [col(inc, "财政拨款结转")]))
    if final:
        ck.checks += final_account_checks({**fiscal, **by_role}, tol)
    return ck.checks


def _overview_parts(ck: _Checker, ov: Table, exp: Table | None) -> None:
    """收支总表 with a 功能分类 part beside the 支出用途 part (Jiangsu): the function rows add up to
    the 当年支出小计 they share; the 支出用途 rows (基本支出 …) are 支出总表's column totals."""
    side = [i for i, r in enumerate(ov.rows) if r.group.startswith("支出") and r.group != "支出"]
    if side:
        subtotal = next((i for i, r in enumerate(ov.rows) if r.group == "支出" and "小计" in r.name), None)
        ck.sum_of_rows(f"{ov.id} 功能分类各类 = 当年支出小计", ov, side, subtotal)
    r_exp = _sum_row(exp)
    if exp is None or r_exp is None:
        return
    for c, label in enumerate(exp.columns):
        r = _exact_row(ov, label, "支出")
        if c and r is not None and not is_total(label):
            ck.equal(f"{ov.id} 支出 {label} = {exp.id} 合计行", (ov, r, [0]), (exp, r_exp, [c]))


def _fiscal_checks(ck: _Checker, fiscal: dict[str, Table], fo: Table | None, gpb: Table | None,
                   basic: Table | None, gov_fund: Table | None, admin: Table | None) -> None:
    """A 财政拨款 table is its 一般公共预算 table plus the 政府性基金 one: row by row equal when the
    fund table is empty, never less. 机关运行经费 is part of the 一般公共预算 basic expenditure."""
    no_fund = gov_fund is None or all(v is None or v == 0 for r in gov_fund.rows for v in r.values)
    f_exp, f_basic = fiscal.get("expenditure"), fiscal.get("gpb_basic")
    if f_exp is not None and fo is not None:
        ck.equal(f"{f_exp.id} 合计 = {fo.id} 支出合计", (f_exp, total_row(f_exp), [0]),
                 (fo, total_row(fo, "支出"), [0]))
    if f_basic is not None and fo is not None:
        ck.equal(f"{f_basic.id} 合计 = {fo.id} 基本支出", (f_basic, total_row(f_basic), [0]),
                 (fo, _exact_row(fo, "基本支出", "支出"), [0]))
    for narrow, wide in ((gpb, f_exp), (basic, f_basic)):
        if narrow is not None and wide is not None:
            relation = "=" if no_fund else "≤"
            _by_code(ck, f"{narrow.id} {relation} {wide.id}", narrow, [0], wide, [0], relation=relation)
            ck.equal(f"{narrow.id} 合计 {relation} {wide.id} 合计", (narrow, total_row(narrow), [0]),
                     (wide, total_row(wide), [0]), relation=relation)
    if admin is not None and basic is not None and not _admin_includes_projects(admin, basic):
        _by_code(ck, f"{admin.id} 机关运行经费 ≤ {basic.id}", admin, [0], basic, [0], relation="≤")
    elif admin is not None and gpb is not None:
        ck.equal(f"{admin.id} 机关运行经费（含项目中的运行经费） ≤ {gpb.id} 合计", (admin, total_row(admin), [0]),
                 (gpb, total_row(gpb), [0]), relation="≤")


def _admin_includes_projects(admin: Table, basic: Table) -> bool:
    """Is this document's 机关运行经费 more than its basic expenditure's 商品和服务支出? From 2017
    several Jiangsu departments count the running costs inside projects too ("将专项中包含的运行经费
    统计在这张表中"): then 机关运行经费 ≤ 基本支出 is no identity of the document (a 302 figure
    over its basic one by more than 10%); a small excess is still checked, and found."""
    a = next((r.values[0] for r in admin.rows if r.code == "302" and r.values[0] is not None), None)
    b = next((r.values[0] for r in basic.rows if r.code == "302" and r.values[0] is not None), None)
    return a is not None and b is not None and a > b * Decimal("1.1")


def _by_code(ck: _Checker, rule: str, a: Table, a_cols, b: Table, b_cols, group: str = "",
             relation: str = "=") -> None:
    b_codes = {r.code: i for i, r in enumerate(b.rows) if r.code}
    for i, r in enumerate(a.rows):
        if r.code and r.code in b_codes and (not group or r.group == group):
            if all(v is None for v in r.values) and all(v is None for v in b.rows[b_codes[r.code]].values):
                continue
            ck.equal(f"{rule} ({r.code} {r.name})", (a, i, a_cols), (b, b_codes[r.code], b_cols), relation)


def _by_name(ck: _Checker, rule: str, a: Table, a_cols, b: Table, b_cols, group: str) -> None:
    """Rows of ``a`` without a code (收支总表: 一般公共服务支出 …) against ``b``'s 类 rows (3-digit
    codes) of the same name."""
    classes = {_norm(r.name): i for i, r in enumerate(b.rows) if len(r.code) == 3}
    for i, r in enumerate(a.rows):
        j = classes.get(_norm(r.name))
        if r.group == group and not r.code and j is not None and r.values[0] is not None:
            ck.equal(f"{rule} ({b.rows[j].code} {r.name})", (a, i, a_cols), (b, j, b_cols))


# What a project is for, when the arithmetic cannot tell its 经济分类 column (every column of a
# project table adds up the same way): the words of its name, most specific first.
ECONOMIC_WORDS = (
    (("生活补贴", "生活补助", "救助", "抚恤", "补贴", "奖励金", "退休", "离休"), "对个人和家庭的补助"),
    (("工资", "津贴", "奖金", "绩效"), "工资福利支出"),
    (("办公", "会议", "培训", "差旅", "印刷", "维修", "物业", "委托", "租赁", "服务", "运行", "经费"), "商品和服务支出"),
    (("购置", "设备", "建设", "工程", "改造"), "资本性支出"),
    (("企业",), "对企业补助"),
)


def _economic_class_hints(t: Table) -> list[tuple[tuple[int, ...], Decimal]]:
    """When all of a project table's figures sit in one 经济分类 column that the arithmetic cannot
    name, the column the projects' names point to most often (ties: the more specific words)."""
    votes: dict[int, tuple[int, int]] = {}
    total = Decimal(0)
    for i, r in enumerate(t.rows):
        if r.level == 0 or any(other.parent == i for other in t.rows) or r.values[0] is None:
            continue
        total += r.values[0]
        text = r.project or r.name
        for rank, (words, column) in enumerate(ECONOMIC_WORDS):
            c = col(t, column)
            if c is not None and any(w in text for w in words):
                count, best = votes.get(c, (0, rank))
                votes[c] = (count + 1, min(best, rank))
                break
    if not votes:
        return []
    column = max(votes, key=lambda c: (votes[c][0], -votes[c][1]))
    return [((column,), total)]


def column_hints(t: Table, tables: tuple[Table, ...]) -> list[tuple[tuple[int, ...], Decimal]]:
    """Totals that other tables fix for this table's columns: (columns, their expected sum)."""
    by_role = {}
    for other in tables:
        if other.id != t.id:
            by_role.setdefault(other.role, other)
    ov, inc, exp, gpb = (by_role.get(r) for r in ("overview", "income", "expenditure", "gpb_expenditure"))
    hints: list[tuple[tuple[int, ...], Decimal]] = []

    def hint(columns: list[int | None], source: tuple[Table | None, int | None, list[int | None]]) -> None:
        st, sr, scols = source
        if st is None or sr is None or None in columns or None in scols:
            return
        hints.append((tuple(columns), sum(value(st, sr, c) for c in scols)))

    def table_total(role: str, label: str = "合计"):
        other = by_role.get(role)
        return (other, total_row(other), [col(other, label)])

    if t.role == "income" and ov is not None:
        for i, label in enumerate(t.columns):
            leaf = label.split("/")[-1]
            if leaf in ("总计", "合计", "小计"):
                continue
            names = {"政府性基金预算": "政府性基金收入", "国有资本经营预算": "国有资本经营收入"}
            hint([i], (ov, find_row(ov, names.get(leaf, leaf), "收入"), [0]))
    if t.role == "carryover":
        hint([col(t, "财政拨款/小计")], (inc, total_row(inc), [col(inc, "财政拨款结转")]))
        hint([col(t, "非财政拨款/小计")], (inc, total_row(inc), [col(inc, "非财政拨款结转结余")]))
        if exp is not None and gpb is not None:
            proj_cols = [i for i, c in enumerate(t.columns) if c.endswith("项目支出")]
            expected = (value(exp, total_row(exp), col(exp, "项目支出")) or 0) - \
                (value(gpb, total_row(gpb), col(gpb, "项目支出")) or 0)
            if proj_cols:
                hints.append((tuple(proj_cols), expected))
    if t.role == "gpb_project":
        hints += _economic_class_hints(t)
    if t.role == "sangong":
        hint([col(t, "政府性基金")], table_total("gov_fund"))
        hint([col(t, "国有资本经营预算")], table_total("soe"))
        basic = by_role.get("gpb_basic")      # the vehicle running cost is also an 经济分类 row
        running = next((c for c, name in enumerate(t.columns) if "运行" in name.split("/")[-1]), None)
        r = find_row(basic, "公务用车运行维护费") if basic is not None else None
        if running is not None and r is not None:
            scale = {"元": Decimal(1), "万元": Decimal(10000)}
            v = value(basic, r, 0) * scale.get(basic.unit, 1) / scale.get(t.unit, 1)
            hints.append(((running,), v))
    if t.role == "fiscal_overview":
        hint([col(t, "政府性基金预算")], table_total("gov_fund"))
        hint([col(t, "国有资本经营预算")], table_total("soe"))
    return hints
