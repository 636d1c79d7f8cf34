"""Tools for budget staff: the consistency audit (勾稽关系审核: audit.py drives identities.py,
statements.py + subjects.py + statement_checks.py, narrative_rules.py and completeness.py; findings.py,
report.py and reading.py are their shared parts) and draft 情况说明 paragraphs whose figures come from
the tables (draft.py). May use app.answer (its catalog and linking read the narrative's subjects);
never app.web or app.cli (those are shells over this room).
"""
