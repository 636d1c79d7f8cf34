"""Figures as written and the rounding they carry: a figure "24,169.74" stands for any value that
rounds (half-up) or cuts off to it; a rate or share computed from such figures ranges over an interval.
"""
from __future__ import annotations

from decimal import Decimal

from app.staff.audit_figures import half_up

HUNDRED = Decimal(100)
# a computed percentage one unit off in its last digit is a rounding convention (shares forced to add
# up to 100%, a rate computed from unrounded amounts), not an inconsistency a reader would report
ONE = Decimal(1)


def unit_of(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def places_of(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def consistent(stated: str, lo: Decimal, hi: Decimal, slack: Decimal = Decimal(0)) -> bool:
    """Is some true value in [lo, hi] written as ``stated`` (rounded half-up, or cut off), give or
    take ``slack`` units of its last digit?"""
    v, u = abs(Decimal(stated)), unit_of(places_of(stated))
    if lo <= 0 <= hi:
        lo, hi = Decimal(0), max(-lo, hi)
    else:
        lo, hi = min(abs(lo), abs(hi)), max(abs(lo), abs(hi))
    lo, hi = lo - slack * u, hi + slack * u
    return not (hi < v - u / 2 or lo >= v + u)


def span(text: str) -> Decimal:
    """Half a unit of the last digit shown: the rounding a written figure carries."""
    return unit_of(places_of(text)) / 2


def rate_range(current: Decimal, c_err: Decimal, change: Decimal, d_err: Decimal) -> tuple[Decimal, Decimal] | None:
    """The rate change ÷ (current − change) over the rounding of both figures, or None when the
    earlier figure may be zero or negative."""
    values = []
    for c in (current - c_err, current + c_err):
        for d in (change - d_err, change + d_err):
            before = c - d
            if before <= 0:
                return None
            values.append(d / before * HUNDRED)
    return min(values), max(values)


def ratio_range(part: Decimal, p_err: Decimal, whole: Decimal, w_err: Decimal) -> tuple[Decimal, Decimal] | None:
    values = []
    for p in (part - p_err, part + p_err):
        for w in (whole - w_err, whole + w_err):
            if w <= 0:
                return None
            values.append(p / w * HUNDRED)
    return min(values), max(values)


def fmt(x: Decimal, places: int = 2) -> str:
    return f"{half_up(x, places):.{places}f}"
