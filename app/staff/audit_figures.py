"""What the narrative speaks of, in the tables: resolve an item name to its table cell.

The 情况说明 names items the way these documents do ("一般公共预算基本支出", "社会保障和就业支出（类）…
社会保险经办机构（项）", "公务用车运行费", a project name). ``Resolver.resolve`` turns such a name, in
the context of the heading it stands under, into a ``Figure``: the value and where it is in the tables.
A name it cannot place resolves to ``None`` — the audit then says nothing rather than guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ingest.model import BudgetDocument, Table
from ingest.verify import col, find_row, total_row, value

TWO = Decimal("0.01")


def half_up(x: Decimal, places: int = 2) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def places_of(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


@dataclass(frozen=True)
class Figure:
    value: Decimal
    table: str
    row: str
    column: str
    source: str

    @property
    def where(self) -> str:
        return f"{self.table} {self.row} / {self.column} ({self.source})"


def context_of(path: tuple[str, ...]) -> str:
    """The kind of paragraph a heading path announces: income, expenditure, fiscal, gpb, basic, …"""
    head = "".join(path[1:]) if len(path) > 1 else "".join(path)
    for key, ctx in (("三公", "sangong"), ("上年结转", "carryover"), ("运行经费", "running"),
                     ("项目支出", "project"), ("基本支出", "basic"), ("一般公共预算当年拨款", "gpb"),
                     ("财政拨款收支", "fiscal"), ("收入预算", "income"), ("支出预算", "expenditure"),
                     ("收支预算", "overall"), ("机构设置", "people"), ("绩效", "performance")):
        if key in head:
            return ctx
    return ""


def clean_name(name: str, org: str) -> str:
    name = re.sub(r"^\s*(?:\d+[.、．]|[（(][一二三四五六七八九十\d]+[)）])", "", name)
    name = re.sub(r"[“”\"]", "", name.replace(org, ""))
    name = re.sub(r"(?:20\d\d年?)?(?:的)?(?:预算数为|数为|预算为|为)?$", "", name)
    name = re.sub(r"^(?:其中[:：]?|包括[:：]?|单位)", "", name)
    name = re.sub(r"^的?总体说明", "", name)
    name = re.sub(r"^20\d\d年?", "", name)
    return name.strip()


def _norm(s: str) -> str:
    return re.sub(r"[\s（）()\[\]【】〔〕“”\"'·、,，:：\-—–]|的", "", s)


def _loose(s: str) -> str:
    """Project names as people retype them: no brackets, no 资金/项目/底/直接 variations."""
    return re.sub(r"资金|项目|底|接", "", _norm(s))


class Resolver:
    def __init__(self, doc: BudgetDocument):
        self.doc = doc
        self.by_role: dict[str, Table] = {}
        for t in doc.tables:
            self.by_role.setdefault(t.role, t)

    def t(self, role: str) -> Table | None:
        return self.by_role.get(role)

    def cell(self, t: Table | None, r: int | None, c: int | None) -> Figure | None:
        if t is None or r is None or c is None:
            return None
        row = t.rows[r]
        amount = value(t, r, c)
        if t.unit == "元":                      # the narrative speaks in 万元
            amount = amount / 10000
        return Figure(amount, t.id, (f"{row.group}·" if row.group else "") + row.label,
                      t.columns[c], row.source)

    def total(self, role: str, column: str = "合计", group: str = "") -> Figure | None:
        t = self.t(role)
        c = 0 if column == "合计" else col(t, column)
        return self.cell(t, total_row(t, group), c)

    def resolve(self, name: str, ctx: str) -> Figure | None:
        n = _norm(name)
        if not n:
            return None
        ov, fo = self.t("overview"), self.t("fiscal_overview")
        if n in ("收支总预算", "收入预算", "支出预算", "收入总预算", "支出总预算"):
            return self.cell(ov, total_row(ov, "收入" if "收" in n[:2] and "支" not in n else "收入"), 0)
        if n in ("财政拨款收支总预算",):
            return self.cell(fo, total_row(fo, "收入"), 0)
        if n in ("一般公共预算拨款合计", "一般公共预算拨款", "一般公共预算当年拨款"):
            return self.total("gpb_expenditure")
        if n.endswith("基本支出") or n.endswith("项目支出"):
            column = n[-4:]
            if "一般公共预算" in n or ctx in ("gpb", "basic", "project"):
                return self.total("gpb_expenditure", column)
            return self.total("expenditure", column)
        if n in ("人员经费", "公用经费"):
            return self.total("gpb_basic", n)
        if "运行经费" in n and self.doc.scope == "单位" and "下属" not in n:
            return self.total("gpb_basic", "公用经费")
        if "三公" in n:
            return self.total("sangong")
        if ctx == "carryover" or "结转结余" in n:
            return self._carryover(n)
        if ctx == "sangong" or n in ("因公出国境费", "公务接待费", "公务用车购置费", "公务用车运行费"):
            t = self.t("sangong")
            return self.cell(t, find_row(t, name), 0) if t else None
        if ctx == "income":
            t = self.t("income")
            for c, label in enumerate(t.columns if t else ()):
                if _norm(label.split("/")[-1]) == n:
                    return self.cell(t, total_row(t), c)
            return None
        if "（项）" in name or "(项)" in name or "（类）" in name or "(类)" in name:
            return self._subject(name, ctx)
        if ctx == "fiscal":
            return self.cell(fo, find_row(fo, n, "支出"), 0)
        return None

    def _subject(self, name: str, ctx: str) -> Figure | None:
        parts = [p for p in re.split(r"[（(][类款项][)）]", name) if p.strip()]
        if not parts:
            return None
        t = self.t("gpb_expenditure") if ctx in ("gpb", "basic", "project", "") else self.t("expenditure")
        if t is None:
            return None
        names = [_norm(p) for p in parts]
        candidates = []
        for i, r in enumerate(t.rows):
            if _norm(r.name) != names[-1]:
                continue
            chain, j = [], r.parent        # the row's 款 and 类, read up its parents
            while j >= 0 and len(chain) < len(names) - 1:
                chain.insert(0, _norm(t.rows[j].name))
                j = t.rows[j].parent
            if chain == names[:-1] or (not chain and len(names) == 1):
                return self.cell(t, i, 0)
            if not chain:
                candidates.append(i)
        if len(candidates) == 1:           # no hierarchy read: only an unambiguous name will do
            return self.cell(t, candidates[0], 0)
        return None

    def project(self, name: str) -> Figure | None:
        """A project of the 项目支出 table, by its name as the narrative retypes it."""
        t = self.t("gpb_project")
        if t is None:
            return None
        ln = _loose(name)
        for i, r in enumerate(t.rows):
            rn = _loose(r.label)
            if r.project and (rn == ln or rn in ln or ln in rn):
                return self.cell(t, i, 0)
        return None

    def _carryover(self, n: str) -> Figure | None:
        t = self.t("carryover")
        if t is None:
            return None
        if n in ("上年结转结余", "结转结余"):
            return self.cell(t, total_row(t), 0)
        if n == "财政拨款":
            return self.cell(t, total_row(t), col(t, "财政拨款/小计"))
        if n == "非财政拨款":
            return self.cell(t, total_row(t), col(t, "非财政拨款/小计"))
        for i, r in enumerate(t.rows):
            rn, ln = _loose(r.label), _loose(n)
            if r.level > 0 and len(rn) > 8 and (rn in ln or ln in rn or rn[:16] == ln[:16]):
                return self.cell(t, i, 0)
        return None
