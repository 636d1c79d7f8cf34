"""Tools for budget staff: the consistency audit (勾稽关系: audit.py, audit_figures.py) and draft
情况说明 paragraphs whose figures come from the tables (draft.py). May use app.answer; never
app.web or app.cli (those are shells over this room).
"""
