"""The document model: what ingest produces and every later stage reads.

All amounts are ``Decimal``; an empty cell is ``None`` (it reads as 0, 未安排). Every row, section
and finding carries its source location ("line 210", "lines 205-209", "p. 3").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Row:
    code: str                       # 科目编码 as digits ("2080505"), "" when the row has none
    name: str                       # 科目名称 or item name, whitespace removed
    values: tuple[Decimal | None, ...]  # one per table column, None = empty cell
    source: str                     # "line 210" or "lines 205-209"
    group: str = ""                 # side-by-side tables: "收入" or "支出"
    project: str = ""               # project tables: the project name beside the 科目
    level: int = 0                  # depth in the row hierarchy (0 = a total row, 1 = top items)
    parent: int = -1                # index of the row this one is part of, -1 for none

    @property
    def label(self) -> str:
        """How a person names the row: the project if there is one, else the 科目 name."""
        return self.project or self.name

    @property
    def code_parts(self) -> tuple[str, ...]:
        """类/款/项 split of the code: "2080505" → ("208", "05", "05")."""
        c = self.code
        return tuple(p for p in (c[:3], c[3:5], c[5:7]) if p)


@dataclass(frozen=True)
class Check:
    """One identity over cells; ``cells`` are (table, row index, column index) it covers."""
    rule: str
    ok: bool
    detail: str
    cells: tuple[tuple[str, int, int], ...] = ()


@dataclass(frozen=True)
class Table:
    id: str                          # "表2"
    title: str                       # "单位收入总体情况表"
    unit: str                        # "万元" or "元"
    role: str                        # what kind of standard table (see ingest.headers.ROLES)
    columns: tuple[str, ...]         # header paths, levels joined with "/"
    rows: tuple[Row, ...]
    source: str
    note: str = ""                   # e.g. the sentence saying the table is empty by design
    checks: tuple[Check, ...] = ()
    verified: frozenset[tuple[int, int]] = frozenset()  # (row, column) covered by a passing check

    def column_index(self, name: str) -> int:
        return self.columns.index(name)


@dataclass(frozen=True)
class Section:
    path: tuple[str, ...]            # heading path, e.g. ("第三部分 …", "二、…")
    text: str
    line_start: int
    line_end: int
    page_start: int = 0              # PDFs: the pages the paragraph is on
    page_end: int = 0
    file: str = ""                   # the file it is in, when the document is several files

    @property
    def source(self) -> str:
        where = self._where()
        return f"{self.file} {where}" if self.file else where

    def _where(self) -> str:
        if self.page_start:
            return f"p. {self.page_start}" if self.page_start == self.page_end else \
                f"pp. {self.page_start}-{self.page_end}"
        if self.line_start == self.line_end:
            return f"line {self.line_start}"
        return f"lines {self.line_start}-{self.line_end}"


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    where: str
    severity: str = "error"          # error | warning | note


@dataclass(frozen=True)
class ReadingProblem:
    """Something budgetqa could not read (our failure, not the document's): a table, a row, a figure,
    a page, a check that could not run. ``message`` is Chinese, for staff and citizens."""
    kind: str                        # table | header | placement | page | check | file
    what: str                        # what could not be read: "表3 支出预算总表", "表1 一、财政拨款", "第5页"
    where: str                       # source location: "p. 12", "line 40"
    message: str                     # why, in Chinese
    severity: str = "warning"        # warning (figures may be missing or unplaced) | note (placed by column order)


@dataclass(frozen=True)
class SourceFile:
    """One file a document was read from (a document may be two files: tables and narrative)."""
    name: str
    sha256: str
    tables: int = 0
    paragraphs: int = 0


@dataclass(frozen=True)
class BudgetDocument:
    doc_id: str
    org: str                         # 编制单位
    year: int
    kind: str                        # 预算 | 决算
    scope: str                       # 单位 | 部门
    unit: str                        # the amount unit most tables use
    source_file: str
    sha256: str
    tables: tuple[Table, ...] = ()
    sections: tuple[Section, ...] = ()
    findings: tuple[Finding, ...] = field(default=())   # the document's own inconsistencies (failing identities)
    checks: tuple[Check, ...] = ()   # cross-table identities
    reading_problems: tuple[ReadingProblem, ...] = ()   # what we could not read (never a finding)
    files: tuple[SourceFile, ...] = ()                  # the files read, in order (one, or tables + narrative)

    def table(self, table_id: str) -> Table:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    def tables_by_role(self, role: str) -> list[Table]:
        return [t for t in self.tables if t.role == role]


# ── What a reader (text or PDF) hands to table building ──────────────────────────────────────────

@dataclass(frozen=True)
class RawRow:
    """A table row as read, before its figures are placed in columns."""
    code: str
    name: str
    numbers: tuple[Decimal, ...]     # the figures in reading order (empty cells dropped)
    source: str
    group: str = ""
    project: str = ""
    xs: tuple[float, ...] = ()       # PDF only: x-centre of each figure, to place it by position


@dataclass(frozen=True)
class RawTable:
    number: str                      # "表2" (or a generated id when the document has none)
    title: str
    unit: str
    header: str                      # header text as read (levels and wrapped cells run together)
    rows: tuple[RawRow, ...]
    source: str
    n_columns: int | None = None     # from the column-number line (※ 1 2 3 …) when there is one
    columns: tuple[str, ...] = ()    # header paths, when the reader knows them (PDF positions)
    column_xs: tuple[float, ...] = ()  # PDF only: x-centre of each column
    note: str = ""
    complete: bool = True            # False when the document ends inside this table
