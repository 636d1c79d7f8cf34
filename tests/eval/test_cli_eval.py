"""budgetqa eval: exit codes, --answers, --report, refusing bad input (the real engine on the sample)."""
import json

import pytest

from app.cli import main

RIGHT = {"id": "r1", "question": "公务用车运行费是多少？", "doc": "hejing-shebao-2025", "kind": "lookup",
         "expect": {"status": "answered", "values": [{"value": 2.14, "unit": "万元"}], "cites": ["表10", "表6"]}}
WRONG = {"id": "w1", "question": "公务用车运行费是多少？", "doc": "hejing-shebao-2025", "kind": "lookup",
         "expect": {"status": "answered", "values": [{"value": 9.99, "unit": "万元"}]}}


def write(path, *objs):
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs), encoding="utf-8")
    return str(path)


@pytest.fixture
def home(tmp_path):
    return str(tmp_path / "home")


def test_all_right_exits_0_and_writes_answers_and_report(tmp_path, home, capsys):
    qs = write(tmp_path / "q.jsonl", RIGHT)
    out, rep = tmp_path / "a.jsonl", tmp_path / "r.md"
    assert main(["--data-dir", home, "eval", qs, "--answers", str(out), "--report", str(rep), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "1/1 right" in printed and "wrong figures stated: 0" in printed
    line = json.loads(out.read_text(encoding="utf-8"))
    assert line["id"] == "r1" and line["status"] == "answered" and {"values", "citations", "chart"} <= set(line)
    assert "| r1 | lookup | ✓ |" in rep.read_text(encoding="utf-8")


def test_a_wrong_answer_exits_1_unless_report_only(tmp_path, home, capsys):
    qs = write(tmp_path / "q.jsonl", RIGHT, WRONG)
    assert main(["--data-dir", home, "eval", qs, "--quiet"]) == 1
    printed = capsys.readouterr().out
    assert "1/2 right" in printed and "wrong figures stated: 1" in printed and "w1 [wrong_figure]" in printed
    assert main(["--data-dir", home, "eval", qs, "--quiet", "--report-only"]) == 0


def test_the_summary_counts_clarify_and_refused_apart_from_wrong_figures(tmp_path, home, capsys):
    vague = {"id": "c1", "question": "和静县社会保险中心2025年的经费是多少？", "doc": "hejing-shebao-2025",
             "expect": {"status": "answered", "values": [{"value": 1, "unit": "万元"}]}}
    other = {"id": "o1", "question": "江苏省财政厅2025年的三公经费是多少？", "doc": "hejing-shebao-2025",
             "expect": {"status": "refused"}}
    qs = write(tmp_path / "q.jsonl", RIGHT, vague, other)
    main(["--data-dir", home, "eval", qs, "--quiet", "--report-only"])
    printed = capsys.readouterr().out
    assert "answers: answered 1, refused 1, clarify 1" in printed and "wrong figures stated: 0" in printed


def test_bad_input_is_an_error_naming_file_and_line(tmp_path, home, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(RIGHT) + "\n" + json.dumps({"id": "x", "question": "?"}) + "\n", encoding="utf-8")
    assert main(["--data-dir", home, "eval", str(bad)]) == 1
    assert f"{bad}:2: missing \"expect\"" in capsys.readouterr().err
    a, b = write(tmp_path / "a.jsonl", RIGHT), write(tmp_path / "b.jsonl", RIGHT)
    assert main(["--data-dir", home, "eval", a, b]) == 1
    assert "duplicate id 'r1'" in capsys.readouterr().err


def test_an_unknown_document_is_an_error(tmp_path, home, capsys):
    qs = write(tmp_path / "q.jsonl", {**RIGHT, "doc": "no-such-doc"})
    assert main(["--data-dir", home, "eval", qs]) == 1
    assert "document 'no-such-doc'" in capsys.readouterr().err


def test_library_returns_aggregate_and_every_score(tmp_path, home):
    from app.answer.engine import Engine
    from app.settings import Settings
    from eval.run import evaluate
    run = evaluate([write(tmp_path / "q.jsonl", RIGHT, WRONG)], Engine.from_settings(Settings.from_env(home)))
    assert (run.report.right, run.report.total) == (1, 2)
    assert [s.id for s in run.report.scores] == ["r1", "w1"] and set(run.answers) == {"r1", "w1"}
