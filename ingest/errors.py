"""Errors written for users. Only the edges (CLI, web, API) turn them into exit codes or messages."""
from __future__ import annotations


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


class IndexMismatch(BudgetQAError):
    """The index was built with another embedding model."""
