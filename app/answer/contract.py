"""The answer contract (``budgetqa ask --json``, ``POST /api/ask``): one shape for every answer."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

STATUSES = ("answered", "refused", "clarify")
CONTRACT_KEYS = ("question", "status", "answer", "values", "citations", "reading", "calculation", "verified", "notes")


def round_half_up(v: Decimal, places: int = 2) -> Decimal:
    return v.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def json_number(v: Decimal) -> int | float:
    return int(v) if v == v.to_integral_value() else float(v)


@dataclass(frozen=True)
class Value:
    label: str
    value: Decimal
    unit: str            # 万元 | 元 | 亿元 | % | 人 | 个 | 平方米 | 元/月/人 …

    def to_dict(self) -> dict:
        return {"label": self.label, "value": json_number(self.value), "unit": self.unit}


@dataclass(frozen=True)
class Citation:
    doc: str
    table: str           # "表10", or "" for a narrative section
    title: str           # table title, or the section's heading path
    row: str
    column: str
    source: str          # "line 721", "lines 205-209", "p. 3"

    def to_dict(self) -> dict:
        return {"doc": self.doc, "table": self.table, "title": self.title, "row": self.row,
                "column": self.column, "source": self.source}

    @property
    def display(self) -> str:
        """表10 财政拨款“三公”经费支出情况表 › 公务用车运行费 › 合计"""
        head = f"{self.table} {self.title}".strip()
        return " › ".join(x for x in (head, self.row, self.column) if x)


@dataclass(frozen=True)
class Reading:
    """How a question was read: the document (unit, year, kind), the table, row(s), column and
    operation that were computed. The answer text's first line says it; the contract carries it."""
    doc: str
    org: str = ""
    year: int | None = None
    kind: str = ""                        # 预算 | 决算
    table: str = ""                       # the primary table ("" when read from the narrative)
    title: str = ""                       # its title
    rows: tuple[str, ...] = ()            # row labels as the table prints them
    column: str = ""                      # column header path's last part ("合计", "上级补助收入" …)
    op: str = "lookup"                    # lookup | sum | diff | share | … (app.answer.plan.OPS)

    def to_dict(self) -> dict:
        return {"doc": self.doc, "org": self.org, "year": self.year, "kind": self.kind, "table": self.table,
                "title": self.title, "rows": list(self.rows), "column": self.column, "op": self.op}


@dataclass
class Answer:
    question: str
    status: str
    answer: str
    values: list[Value] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    calculation: str | None = None
    verified: bool = False
    notes: list[str] = field(default_factory=list)
    doc: str = ""                         # the document answered from ("" when none)
    chart: dict | None = None             # {"kind": "bar"|"pie", "labels": [...], "values": [...], "unit": ...}
    reading: Reading | None = None        # how the question was read (every answered answer has one)
    options: list[str] = field(default_factory=list)   # clarify: questions the user can send back as they are

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {self.status!r}")

    def to_dict(self) -> dict:
        return {"question": self.question, "status": self.status, "answer": self.answer,
                "values": [v.to_dict() for v in self.values],
                "citations": [c.to_dict() for c in self.citations],
                "reading": self.reading.to_dict() if self.reading else None,
                "calculation": self.calculation, "verified": self.verified, "notes": list(self.notes),
                "doc": self.doc, "chart": self.chart, "options": list(self.options)}
