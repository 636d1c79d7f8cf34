"""Consistency audit (勾稽关系审核) of one budget disclosure: the document's own inconsistencies, each
with its places, the figures compared and why the two cannot both be right.

``audit(doc)`` runs, in order:
- identities (app.staff.identities): failing table and cross-table identities that are the document's
  and not our reading's;
- statements (app.staff.statements, app.staff.statement_checks): the 情况说明 read as statements
  (subject, period, measure, figure, comparison base, change, rate, share) in any template's wording,
  the subject linked to cells the way questions are; figure vs cell, change vs rate vs the two
  figures, the year named vs the document's, a share vs its base, 收入 vs 支出;
- narrative rules (app.staff.narrative_rules): reasons and parts of a change that do not add up,
  "未安排" said of a funded item, names, periods, head counts, 万元/元 mix-ups, stated standards;
- 决算 statements (app.staff.final_checks): 决算数 vs the table, 完成率 vs 决算数 ÷ 预算数, 小于/大于/持平 vs
  the figures, a difference without its reason;
- completeness (app.staff.completeness): the template's tables, empty tables and their notes,
  科目编码 vs 名称, the unit's name.
What we could not read (app.staff.reading) is never reported as the document's error, and a table we
could not read well is the basis of no finding. A statement the audit cannot tie to a cell or to
another statement is not reported.
"""
from __future__ import annotations

from app.staff.completeness import Completeness
from app.staff.final_checks import FinalAccountChecks
from app.staff.findings import SEVERITIES, AuditFinding, Findings
from app.staff.identities import Identities
from app.staff.narrative_rules import NarrativeRules
from app.staff.reading import unreadable_tables
from app.staff.report import LABELS, to_json, to_markdown, to_text
from app.staff.statement_checks import StatementChecks
from app.staff.statements import Reader, Statement
from app.staff.subjects import Subjects
from ingest.model import BudgetDocument


def statements(doc: BudgetDocument) -> list[Statement]:
    """The document's narrative read as statements (shared with the drafter and tests)."""
    subjects = Subjects(doc)
    return Reader(doc, subjects.subject_of).read()


class Auditor:
    """``statements``: the narrative as already read (a test may pass an edited copy)."""

    def __init__(self, doc: BudgetDocument, statements: list[Statement] | None = None):
        self.doc = doc
        self.unreadable = unreadable_tables(doc)
        self.subjects = Subjects(doc)
        self.reader = Reader(doc, self.subjects.subject_of)
        self.statements = statements if statements is not None else self.reader.read()
        self.findings = Findings()

    def run(self) -> list[AuditFinding]:
        if self.doc.kind.endswith("模板"):      # a template: only whether its tables are all there
            Completeness(self.doc, self.unreadable, self.findings).required()
            return self.findings.sorted()
        Identities(self.doc, self.unreadable, self.findings).run()
        checks = StatementChecks(self.doc, self.statements, self.subjects, self.findings, self.unreadable)
        checks.run()
        NarrativeRules(self.doc, self.reader.blocks, self.statements, self.subjects, checks.usable, self.findings).run()
        FinalAccountChecks(self.doc, self.findings).run()
        Completeness(self.doc, self.unreadable, self.findings).run()
        return self.findings.sorted()


def audit(doc: BudgetDocument, statements: list[Statement] | None = None) -> list[AuditFinding]:
    return Auditor(doc, statements).run()


__all__ = ["audit", "statements", "AuditFinding", "SEVERITIES", "LABELS", "to_json", "to_text", "to_markdown"]
