"""Figures: a value with its unit and the cells or narrative paragraphs it came from, the result of
an operation, and the formatting, unit conversion and rounding every stage shares.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from app.answer.catalog import Catalog, CellRef
from app.answer.contract import round_half_up
from app.answer.linking import Item
from app.answer.plan import Plan

TO_YUAN = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}


@dataclass(frozen=True)
class Figure:
    label: str
    value: Decimal
    unit: str
    cells: tuple[CellRef, ...] = ()
    sections: tuple[int, ...] = ()     # narrative paragraphs stated in


@dataclass
class Result:
    plan: Plan
    figures: list[Figure] = field(default_factory=list)   # the answer's figures, inputs first
    calculation: str | None = None
    notes: list[str] = field(default_factory=list)
    quote: str = ""                    # a narrative passage the answer rests on
    cited_cells: list[CellRef] = field(default_factory=list)
    cited_sections: list[int] = field(default_factory=list)
    status: str = "answered"           # answered | refused | clarify
    reason: str = ""
    options: list[str] = field(default_factory=list)   # clarify: questions the user can send back
    extra: dict = field(default_factory=dict)
    chart: dict | None = None


class NotAnswerable(Exception):
    """The documents do not say; the message says what is missing."""


# ── formatting and units ─────────────────────────────────────────────────────────────────────────

def fmt(v: Decimal, unit: str) -> str:
    if unit == "%":
        return f"{round_half_up(v):f}"
    if unit in ("万元", "亿元"):
        return f"{round_half_up(v, 2 if unit == '万元' else 4):f}"
    if unit == "元":
        return f"{round_half_up(v, 0):f}" if v == v.to_integral_value() else f"{round_half_up(v):f}"
    return f"{v.normalize():f}" if v == v.to_integral_value() else f"{v:f}"


def convert(v: Decimal, unit: str, target: str | None) -> tuple[Decimal, str]:
    if not target or target == unit or unit not in TO_YUAN or target not in TO_YUAN:
        return v, unit
    return v * TO_YUAN[unit] / TO_YUAN[target], target


def rounded(v: Decimal, unit: str) -> Decimal:
    if unit == "元" and v == v.to_integral_value():
        return v.quantize(Decimal(1))
    if unit in ("万元", "%", "元", "亿元"):
        return round_half_up(v, 4 if unit == "亿元" else 2)
    return v


# ── cells ────────────────────────────────────────────────────────────────────────────────────────

def row_label(cat: Catalog, ref: CellRef) -> str:
    t = cat.doc.table(ref.table)
    r = t.rows[ref.row]
    name = r.label
    if r.group and r.name in ("收入总计", "支出总计"):
        name = r.name
    column = t.columns[ref.column].split("/")[-1]
    if ref.column != 0 and column not in ("合计", "总计", "预算数") and column not in name:
        return f"{name}·{column}" if not _is_total_row(cat, ref) else column
    return name


def _is_total_row(cat: Catalog, ref: CellRef) -> bool:
    r = cat.doc.table(ref.table).rows[ref.row]
    return r.level == 0 and r.name in ("合计", "总计", "收入总计", "支出总计")


def cell_figure(cat: Catalog, ref: CellRef, label: str | None = None, unit: str | None = None) -> Figure:
    t = cat.doc.table(ref.table)
    v, u = convert(cat.value(ref), t.unit, unit)
    return Figure(label or row_label(cat, ref), rounded(v, u), u, (ref,))


def item_label(cat: Catalog, item: Item, ref: CellRef) -> str:
    """How to name an item's figure: the question's concept for whole-table or column figures,
    the row's own name (with its 科目编码 when asked by code) otherwise."""
    if item.kind in ("table", "column", "title"):
        return item.label
    label = row_label(cat, ref)
    if item.kind == "code":
        return f"{cat.doc.table(ref.table).rows[ref.row].code} {label}"
    return label


def item_figure(cat: Catalog, item: Item, ref: CellRef | None = None, unit: str | None = None) -> Figure:
    ref = ref or item.refs[0]
    return cell_figure(cat, ref, label=item_label(cat, item, ref), unit=unit)
