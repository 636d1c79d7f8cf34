"""Docs are tested artifacts: every CLI command has help text and appears in the README."""
import argparse
from pathlib import Path

from app.cli import build_parser

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def commands() -> dict[str, str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {c.dest: c.help for c in sub._choices_actions}


def test_every_command_has_help_and_is_in_the_readme():
    found = commands()
    assert {"ingest", "documents", "tables", "export", "ask"} <= set(found)
    for name, text in found.items():
        assert text and len(text) > 10, f"budgetqa {name} has no help text"
        assert f"`budgetqa {name}" in README, f"budgetqa {name} is not in the README"


def test_readme_opens_with_the_two_commands():
    head = README.split("\n## ")[0]
    assert "make run" in head and "make test" in head
