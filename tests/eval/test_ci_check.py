"""The CI guard: a question in eval/baseline.json that is no longer right fails the build."""
import json

from eval import ci_check
from eval.ci_check import BASELINE, compare, read_baseline


def test_compare_finds_regressions_unknown_and_newly_right():
    c = compare({"a", "b", "gone"}, {"a": True, "b": False, "c": True, "d": False})
    assert c.regressions == ["b"] and c.unknown == ["gone"] and c.newly_right == ["c"] and not c.ok
    assert compare({"a"}, {"a": True, "b": False}).ok


def test_baseline_is_read_per_question_file(tmp_path):
    f = tmp_path / "b.json"
    f.write_text(json.dumps({"right": {"x.jsonl": ["x1"], "y.jsonl": ["y1"]}}), encoding="utf-8")
    assert read_baseline(f, ["/some/where/x.jsonl"]) == {"x1"}
    assert read_baseline(tmp_path / "none.json", ["x.jsonl"]) == set()


def test_update_refuses_to_lower_the_baseline(tmp_path, capsys):
    q = tmp_path / "q.jsonl"
    q.write_text(json.dumps({"id": "t1", "question": "公务用车运行费是多少？", "doc": "hejing-shebao-2025",
                             "expect": {"status": "answered", "values": [{"value": 9.99, "unit": "万元"}]}},
                            ensure_ascii=False) + "\n", encoding="utf-8")
    b = tmp_path / "baseline.json"
    b.write_text(json.dumps({"right": {"q.jsonl": ["t1"]}}), encoding="utf-8")
    assert ci_check.main([str(q), "--baseline", str(b)]) == 1
    assert "REGRESSION t1" in capsys.readouterr().out
    assert ci_check.main([str(q), "--baseline", str(b), "--update-baseline"]) == 1
    assert ci_check.main([str(q), "--baseline", str(b), "--update-baseline", "--allow-lower"]) == 0
    assert json.loads(b.read_text(encoding="utf-8"))["right"] == {"q.jsonl": []}


def test_no_question_of_the_baseline_went_wrong(capsys):
    """The guard itself: dev set (when ../shared is present) and the project's gold sets."""
    assert BASELINE.is_file()
    code = ci_check.main(["--baseline", str(BASELINE)])
    assert code == 0, capsys.readouterr().out
