"""The answer engine: a question → the answer contract, every figure from a table cell or our own
arithmetic over cells, every one cited.

    normalize.py   the question's canonical form (once, at the entrance: engine.py)
    scope.py       which document: a named unit, year, kind, the conversation's document
    catalog.py     what a document's questions can refer to: labelled cells, narrative facts, changes
    linking.py     question words → cells (names, codes, synonyms, qualifiers)
    plan.py        the operation and the plan per question part
    figures.py     figures with their sources, formatting, units
    execute.py     operations over cells (Decimal);  narrative.py  operations over the 情况说明
    across.py      one item across units or years;  compose.py  the answer text and contract
    history.py     one unit over its loaded years (近三年, 历年, 2017-2019年), unit names matched across spellings
    contract.py    the answer shape;  engine.py  the whole pass;  llm.py  the optional language model
    llm_reading.py what the model is shown (candidate cells) and which of its readings are accepted

Imports nothing from app.staff, app.web or app.cli.
"""
