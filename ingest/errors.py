"""Errors written for users. Only the edges (CLI, web, API) turn them into exit codes or messages."""
from __future__ import annotations

import sqlite3


class BudgetQAError(Exception):
    """Base of every error budgetqa reports to a user."""


class ParseError(BudgetQAError):
    """A source file cannot be read as a budget disclosure."""

    def __init__(self, file: str, where: str, what: str):
        self.file, self.where, self.what = file, where, what
        super().__init__(f"{file}: {where}: {what}")


class IncompleteDocument(ParseError):
    """The document ends in the middle of a table; ``document`` holds what was parsed."""

    def __init__(self, file: str, where: str, what: str, document):
        super().__init__(file, where, what)
        self.document = document


class UnknownDocument(BudgetQAError):
    def __init__(self, doc_id: str, known: list[str]):
        self.doc_id = doc_id
        listed = "、".join(known) if known else "（尚未导入任何文档）"
        super().__init__(f"unknown document '{doc_id}'; ingested: {listed}")


class SettingsError(BudgetQAError):
    def __init__(self, setting: str, problem: str):
        self.setting = setting
        super().__init__(f"setting {setting}: {problem}")


class StoreError(BudgetQAError, sqlite3.DatabaseError):
    """The store (SQLite file) cannot be used: damaged, read-only, missing folder. Also an
    ``sqlite3.DatabaseError``, so code that guards the store against sqlite3 errors (the web
    service's 503) still sees it."""

    def __init__(self, path: str, what: str):
        self.path, self.what = path, what
        super().__init__(f"{path}: {what}")


class IndexUnavailable(BudgetQAError):
    """The search index is missing or cannot be opened; the message says what to run."""


class IndexMismatch(BudgetQAError):
    """The index was built with another embedding model."""
