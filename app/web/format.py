"""Citizens' wording for the page: amounts with thousands separators (元 with its 万元 equivalent),
places as 表 › 行 › 列 and PDF pages, operations in Chinese, and no internal ids.

Pure functions over strings and Decimals; the page, the evidence panel and the staff tabs share them.
Every function that returns HTML escapes what it is given (``h``); text that goes into Markdown is
escaped with app.answer.text.escape_markdown (``escape_text``).
"""
from __future__ import annotations

import html
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.answer.text import escape_markdown, strip_control

OPS = {"lookup": "查数", "multi": "分别查数", "sum": "求和", "diff": "求差额", "compare": "比较",
       "share": "求占比", "per_person": "按人平均", "per_month": "按月平均", "rank": "排序",
       "count": "计数", "list": "列出明细", "yoy": "与上年比较", "prior": "推算上年数",
       "why": "查变动原因", "fact": "查情况说明"}
GENERIC_COLUMNS = ("合计", "小计", "总计", "预算数", "金额")


def h(text) -> str:
    """Document or question text → HTML that shows exactly that text."""
    return html.escape(strip_control(str(text)), quote=True)


def escape_text(text) -> str:
    """Document or question text → Markdown that shows exactly that text (app.answer.text)."""
    return escape_markdown(strip_control(str(text)))


def _dec(value) -> Decimal | None:
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number(value, places: int | None = 2) -> str:
    """1234567.5 → '1,234,567.50'; places=None keeps the value's own digits (whole numbers stay whole)."""
    d = _dec(value)
    if d is None:
        return str(value)
    if places is None:
        places = 0 if d == d.to_integral_value() else max(0, -d.normalize().as_tuple().exponent)
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{q:,.{places}f}"


def amount(value, unit: str) -> str:
    """A figure with its unit as a citizen reads it: '2.14 万元', '40,683,477 元（约 4,068.35 万元）', '96.12%'."""
    d = _dec(value)
    if d is None:
        return f"{value} {unit}".strip()
    if unit == "%":
        return f"{number(d)}%"
    if unit == "万元":
        return f"{number(d)} 万元"
    if unit == "亿元":
        return f"{number(d, 4)} 亿元"
    if unit == "元":
        whole = number(d, 0 if d == d.to_integral_value() else 2)
        return f"{whole} 元（约 {number(d / 10000)} 万元）" if abs(d) >= 10000 else f"{whole} 元"
    return f"{number(d, None)} {unit}".strip()


def cell(value, unit: str) -> str:
    """A table cell: separators, no unit (the table says it); 元 tables keep their decimals as printed."""
    if value is None:
        return ""
    d = _dec(value)
    if d is None:
        return str(value)
    return number(d, None if unit == "元" else 2)


_AMOUNT_IN_TEXT = re.compile(r"(?<![\d.,])(\d{4,}(?:\.\d+)?)(\s*)(万元|亿元|元)(?![/／])")


def yuan_in_text(text: str) -> str:
    """Amounts in an answer get thousands separators: '99706020 元' → '99,706,020 元', '9970.60 万元' →
    '9,970.60 万元'; other numbers (years, codes, 元/月 standards) are left alone."""
    def separated(m: re.Match) -> str:
        places = len(m.group(1).partition(".")[2])          # the digits as written: 9970.60 stays .60
        return f"{number(m.group(1), places)}{m.group(2)}{m.group(3)}"
    return _AMOUNT_IN_TEXT.sub(separated, text)


def place(source: str) -> str:
    """A source for citizens: PDF pages ('p. 12' → '第 12 页'); text-file lines are not shown ('')."""
    m = re.fullmatch(r"\s*pp?\.\s*(\d+)(?:\s*-\s*(\d+))?\s*", source or "")
    if not m:
        return ""
    return f"第 {m.group(1)} 页" if not m.group(2) else f"第 {m.group(1)}–{m.group(2)} 页"


def source_words(source: str) -> str:
    """A source in Chinese for the details: 'line 721' → '原文第 721 行', 'p. 3' → '第 3 页'."""
    s = source or ""
    s = re.sub(r"\blines?\s+(\d+)\s*-\s*(\d+)", r"原文第 \1–\2 行", s)
    s = re.sub(r"\blines?\s+(\d+)", r"原文第 \1 行", s)
    s = re.sub(r"\bpp\.\s*(\d+)\s*-\s*(\d+)", r"第 \1–\2 页", s)
    s = re.sub(r"\bp\.\s*(\d+)", r"第 \1 页", s)
    return re.sub(r"\s*\((原文第 [^()]*行|第 [^()]*页)\)", r"（\1）", s)


def column_words(column: str) -> str:
    """A header path '“三公”经费预算数/公务用车购置及运行费/运行费' → '“三公”经费预算数 · … · 运行费'."""
    parts = [p for p in (column or "").split("/") if p]
    return " · ".join(parts)


def short_column(column: str) -> str:
    """The last header level, with its parent when the last one is generic ('预算数 · 合计')."""
    parts = [p for p in (column or "").split("/") if p]
    if not parts:
        return ""
    if len(parts) > 1 and parts[-1] in GENERIC_COLUMNS:
        return f"{parts[-2]} · {parts[-1]}"
    return parts[-1]


def op_words(op: str) -> str:
    return OPS.get(op or "", "")


def without_ids(text: str, doc_ids) -> str:
    """Remove internal document ids from engine text: '和静县… · 2025年单位预算（hejing-shebao-2025）' → '…预算'."""
    for doc_id in sorted(doc_ids, key=len, reverse=True):
        if doc_id:
            text = re.sub(r"\s*[（(]\s*" + re.escape(doc_id) + r"\s*[)）]", "", text)
            text = text.replace(doc_id, "")
    return text


def has_latin_words(text: str) -> bool:
    """English words left in text meant for citizens (used by the tests and the notes filter)."""
    return bool(re.search(r"[A-Za-z]{3,}", text or ""))
