"""Issue 16, defect 10 (the CLI's part): a document's Rich markup and terminal escape sequences do not
act on the terminal, a missing table and a closed pipe are one line, not a traceback."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.answer.text import escape_markdown

from app.cli import main
from app.staff.audit import AuditFinding
from tests.app.web.hostile_doc import TERMINAL_ORG, write_terminal_copy

ROOT = Path(__file__).resolve().parents[3]
DOC = "hostile-terminal-2025"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> str:
    data = tmp_path_factory.mktemp("terminal-data")
    copy = write_terminal_copy(tmp_path_factory.mktemp("terminal-doc"))
    assert main(["--data-dir", str(data), "ingest", "--no-index", str(copy)]) == 0
    return str(data)


def test_tables_shows_rich_markup_in_a_row_name_as_text(data_dir, capsys):
    """A row name with [/] crashed Rich (MarkupError: closing tag '[/]' … has nothing to close)."""
    assert main(["--data-dir", data_dir, "tables", DOC, "表6"]) == 0
    out = capsys.readouterr().out
    assert "培训费[/]点" in out and "0.13" in out
    assert not CONTROL.search(out)


def test_tables_names_the_tables_a_document_has(data_dir, capsys):
    """`tables DOC 表99` was a KeyError traceback."""
    assert main(["--data-dir", data_dir, "tables", DOC, "表99"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"budgetqa: error: {DOC} has no table '表99'; its tables: 表1 表2")
    assert err.count("\n") == 1


def test_ask_prints_no_escape_sequences(data_dir, capsys):
    assert main(["--data-dir", data_dir, "ask", "有几个科室？"]) == 0
    out = capsys.readouterr().out
    assert "终端单位红[bold]" in out and "5 个" in out          # the escape sequence is gone, the rest shown
    assert not CONTROL.search(out.replace("\n", ""))


def test_ask_json_escapes_every_control_character(data_dir, capsys):
    assert main(["--data-dir", data_dir, "ask", "有几个科室？", "--json"]) == 0
    out = capsys.readouterr().out
    assert not CONTROL.search(out.rstrip("\n"))
    # the answer is Markdown: the unit's name in it without control sequences, escaped for Markdown
    assert escape_markdown(TERMINAL_ORG) in json.loads(out)["answer"]


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_audit_prints_no_escape_sequences(data_dir, capsys, monkeypatch, fmt):
    from app.staff import audit as audit_module
    finding = AuditFinding("naming.people", "error", "说明\x1b[2J中\x9b31m的“培训费\x1b]8;;http://e\x07点”", ("line 1\x1b[K",),
                           "1", "2\x07")
    monkeypatch.setattr(audit_module, "audit", lambda doc: [finding])
    assert main(["--data-dir", data_dir, "audit", DOC, "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert not CONTROL.search(out.replace("\n", ""))
    if fmt == "json":
        assert json.loads(out)["findings"][0]["message"] == finding.message


def test_draft_prints_no_escape_sequences(data_dir, capsys):
    assert main(["--data-dir", data_dir, "draft", DOC, "--part", "三公"]) == 0
    out = capsys.readouterr().out
    assert "2.14万元" in out and not CONTROL.search(out.replace("\n", ""))


@pytest.mark.parametrize("command", [["tables", DOC], ["export", DOC]])
def test_a_closed_pipe_ends_quietly(data_dir, command):
    """`budgetqa … | head` ended with a BrokenPipeError traceback."""
    import fcntl
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "--data-dir", data_dir, *command], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    fcntl.fcntl(proc.stdout.fileno(), 1031, 4096)     # F_SETPIPE_SZ: the output cannot all fit in the pipe
    proc.stdout.read(200)           # like head: read the start, then stop reading
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(120) == 1
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
