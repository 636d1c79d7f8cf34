"""Table roles and column headers of the standard budget-disclosure templates.

Text extracted from a PDF runs multi-level headers together and wraps cells ("一般公共预\\n算"), so
the header cannot be split into columns from the text alone. The national templates are few; we
know their column layouts and pick the one whose labels all occur in the header text and whose
width matches the column-number line (※ 1 2 3 …). The arithmetic then proves the placement.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# role → words in the title that identify it (checked in this order)
ROLE_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sangong", ("三公",)),
    ("procurement", ("政府采购",)),
    ("admin_cost", ("机关运行经费",)),
    ("carryover", ("结转结余",)),
    ("gov_fund", ("政府性基金预算财政拨款收支",)),       # a 决算's 政府性基金预算财政拨款收入支出决算表
    ("soe", ("国有资本经营预算财政拨款收支",)),
    ("fiscal_overview", ("财政拨款收支",)),
    ("overview", ("收支总体", "收支总表", "收支预算总表", "收支预算总体")),
    ("income", ("收入总体", "收入预算", "收入总表")),
    ("gov_fund", ("政府性基金",)),
    ("soe", ("国有资本经营",)),
    ("gpb_basic", ("基本支出",)),
    ("gpb_project", ("项目支出",)),
    ("gpb_expenditure", ("一般公共预算",)),
    ("expenditure", ("支出总体", "支出预算", "支出总表")),
)

ROLE_NAMES = {
    "overview": "收支总体情况", "income": "收入总体情况", "expenditure": "支出总体情况",
    "fiscal_overview": "财政拨款收支总体情况", "gpb_expenditure": "一般公共预算支出情况",
    "gpb_basic": "一般公共预算基本支出情况", "gpb_project": "一般公共预算项目支出情况",
    "gov_fund": "政府性基金预算支出情况", "soe": "国有资本经营预算支出情况",
    "sangong": "“三公”经费支出情况", "carryover": "上年结转结余情况", "procurement": "政府采购预算",
    "admin_cost": "机关运行经费", "other": "其他表",
}

_GRANT = "财政拨款（补助）"
LAYOUTS: tuple[tuple[str, ...], ...] = (
    ("总计", f"{_GRANT}/小计", f"{_GRANT}/一般公共预算", f"{_GRANT}/上级一般公共预算安排的转移支付",
     f"{_GRANT}/政府性基金预算", f"{_GRANT}/上级政府性基金安排的转移支付", f"{_GRANT}/国有资本经营预算",
     f"{_GRANT}/上级国有资本经营预算安排的转移支付", "财政专户（教育收费）", "单位资金", "财政拨款结转",
     "非财政拨款结转结余"),
    ("合计", "基本支出", "项目支出"),
    ("合计", "人员经费", "公用经费"),
    ("合计", "工资福利支出", "商品和服务支出", "对个人和家庭的补助", "债务利息及费用支出",
     "资本性支出（基本建设）", "资本性支出", "对企业补助（基本建设）", "对企业补助", "对社会保障基金补助",
     "其他支出"),
    ("合计", "基本支出/人员经费", "基本支出/公用经费", "项目支出"),
    ("合计", "资金来源/一般公共预算", "资金来源/政府性基金", "资金来源/国有资本经营预算"),
    ("合计", "财政拨款/小计", "财政拨款/基本支出/人员经费", "财政拨款/基本支出/公用经费", "财政拨款/项目支出",
     "非财政拨款/小计", "非财政拨款/基本支出/人员经费", "非财政拨款/基本支出/公用经费", "非财政拨款/项目支出"),
    ("合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"),
    ("预算数",),
    ("合计",),
    # Shanghai (上海市区级部门预算, amounts in 元)
    ("合计", "财政拨款收入", "事业收入", "事业单位经营收入", "其他收入"),
    ("“三公”经费预算数/合计", "“三公”经费预算数/因公出国（境）费", "“三公”经费预算数/公务接待费",
     "“三公”经费预算数/公务用车购置及运行费/小计", "“三公”经费预算数/公务用车购置及运行费/购置费",
     "“三公”经费预算数/公务用车购置及运行费/运行费", "机关运行经费预算数"),
    # the national 部门决算 template (三公 预算数 and 决算数 side by side, 支出决算表, 收入决算表)
    tuple(f"{m}/{item}" for item in ("合计", "因公出国（境）费", "公务用车购置及运行费/小计",
                                      "公务用车购置及运行费/公务用车购置费", "公务用车购置及运行费/公务用车运行费",
                                      "公务接待费") for m in ("预算数", "决算数")),
    ("合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"),
    ("年初结转和结余", "本年收入", "本年支出/小计", "本年支出/基本支出", "本年支出/项目支出", "年末结转和结余"),
    ("年初结转和结余", "本年收入", "本年支出/合计", "本年支出/基本支出", "本年支出/项目支出", "年末结转和结余"),
    ("合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"),
    # Jiangsu (公开01表 …)
    ("金额",),
    ("机关运行经费支出",),
    ("合计", "基本支出", "项目支出", "单位预留机动经费", "结转下年资金"),
    ("合计", "“三公”经费/小计", "“三公”经费/因公出国（境）费", "“三公”经费/公务用车购置及运行维护费/小计",
     "“三公”经费/公务用车购置及运行维护费/公务用车购置费", "“三公”经费/公务用车购置及运行维护费/公务用车运行维护费",
     "“三公”经费/公务接待费", "会议费", "培训费"),
)

TOTAL_LABELS = ("合计", "总计", "小计")


@dataclass(frozen=True)
class Layout:
    columns: tuple[str, ...]
    groups: dict[str, tuple[int, ...]]   # row group → columns its rows may use ({} = all)
    understood: bool                     # False when the columns are generic 列1 … 列N


def title_key(title: str) -> str:
    """A title as the role rules read it: a 决算 (final accounts) table is named like its 预算 twin
    (收入支出决算总表 ~ 收支预算总表, 支出决算表 ~ 支出预算表)."""
    return re.sub(r"\s", "", title).replace("收入支出", "收支").replace("决算", "预算")


def is_side_by_side(title: str) -> bool:
    """收支 tables print income on the left and expenditure on the right."""
    return "收支" in title_key(title)


def role_of(title: str) -> str:
    t = title_key(title)
    for role, words in ROLE_RULES:
        if any(w in t for w in words):
            return role
    return "other"


def normalise(text: str) -> str:
    return re.sub(r"\s", "", text).replace("(", "（").replace(")", "）")


def _in_order(label: str, header: str) -> bool:
    """The label's characters occur in order in the header (a cell wrapped and interleaved with
    its neighbours: "因公出 … 国（境） … 费")."""
    pos = 0
    for ch in label:
        pos = header.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def _fits(columns: tuple[str, ...], header: str) -> tuple[int, int] | None:
    """How well a layout explains the header: (labels found only scattered in order, characters of
    labels found whole); None when a label is missing. Fewer scattered labels win, then more text."""
    scattered = exact = 0
    for label in {normalise(part) for c in columns for part in c.split("/")}:
        if label in header:
            exact += len(label)
        elif _in_order(label, header):
            scattered += 1
        else:
            return None
    return scattered, exact


def layout_for(header: str, n_columns: int | None, side_by_side: bool, max_figures: int) -> Layout:
    h = normalise(header)
    if side_by_side:
        fit = _fits(LAYOUTS[7][1:], h)
        expenditure_cols = LAYOUTS[7] if fit is not None and fit[0] == 0 else ("预算数",)
        if expenditure_cols == ("预算数",) and "预算数" not in h and "决算数" in h:
            expenditure_cols = ("决算数",)          # a final account's 收入支出决算总表
        elif expenditure_cols == ("预算数",) and "预算数" not in h and "合计" in h:
            expenditure_cols = ("合计",)
        return Layout(expenditure_cols, {"收入": (0,), "支出": tuple(range(len(expenditure_cols)))}, True)
    best, best_key = None, None
    for columns in LAYOUTS:
        if n_columns is not None and len(columns) != n_columns:
            continue
        if n_columns is None and len(columns) < max_figures:
            continue
        fit = _fits(columns, h)
        if fit is None or fit[1] == 0:
            continue
        key = (-fit[0], fit[1])
        if best_key is None or key > best_key:
            best, best_key = columns, key
    if best is not None:
        return Layout(best, {}, True)
    n = n_columns or max_figures or 1
    return Layout(tuple(f"列{i + 1}" for i in range(n)), {}, False)


def column_identities(columns: tuple[str, ...]) -> list[tuple[int, tuple[int, ...]]]:
    """(total column, part columns) implied by the header tree: 合计 = Σ groups, 小计 = Σ its siblings."""
    paths = [tuple(c.split("/")) for c in columns]

    def children(prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
        seen: list[tuple[str, ...]] = []
        for p in paths:
            if len(p) > len(prefix) and p[: len(prefix)] == prefix and p[: len(prefix) + 1] not in seen:
                seen.append(p[: len(prefix) + 1])
        return seen

    def total_of(prefix: tuple[str, ...]) -> int | None:
        for child in children(prefix):
            if child in paths and child[-1] in TOTAL_LABELS:
                return paths.index(child)
        return None

    def value_columns(node: tuple[str, ...]) -> tuple[int, ...]:
        if node in paths:
            return (paths.index(node),)
        total = total_of(node)
        if total is not None:
            return (total,)
        return tuple(i for child in children(node) for i in value_columns(child))

    identities = []

    def walk(prefix: tuple[str, ...]) -> None:
        total = total_of(prefix)
        kids = children(prefix)
        if total is not None:
            parts = tuple(i for k in kids if not (k in paths and paths.index(k) == total)
                          for i in value_columns(k))
            if parts:
                identities.append((total, parts))
        for k in kids:
            if k not in paths:
                walk(k)

    walk(())
    return identities
