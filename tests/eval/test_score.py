"""The scorer on hand-made answers: deterministic, no engine."""
import json
from decimal import Decimal

import pytest

from eval.score import (
    INCOMPLETE,
    MISSED,
    NOT_REFUSED,
    RIGHT,
    WRONG_FIGURE,
    WRONG_STATUS,
    EvalReport,
    ExpectedValue,
    GoldFileError,
    load_questions,
    normalised,
    parse_question,
    score_answer,
    score_answers,
)


def q(expect, kind="lookup", qid="q1"):
    return parse_question(json.loads(json.dumps({"id": qid, "question": "?", "doc": "d", "kind": kind,
                                                 "expect": expect}), parse_float=Decimal), "t.jsonl", 1)


def q_text(line: str):
    return parse_question(json.loads(line, parse_float=Decimal), "t.jsonl", 1)


def answer(status="answered", values=(), tables=(), text=""):
    return {"question": "?", "status": status, "answer": text,
            "values": [{"label": "x", "value": v, "unit": u} for v, u in values],
            "citations": [{"doc": "d", "table": t, "title": "", "row": "", "column": "", "source": ""}
                          for t in tables],
            "calculation": None, "verified": True, "notes": [], "doc": "d", "chart": None}


@pytest.mark.parametrize("written, tol", [("4.02", "0.005"), ("21400", "0.5"), ("5", "0.5"), ("40.00", "0.005"),
                                          ("0.0367", "0.00005")])
def test_tolerance_is_half_the_last_shown_digit(written, tol):
    assert ExpectedValue(Decimal(written), "万元").tolerance == Decimal(tol)


def test_trailing_zeros_in_the_gold_file_tighten_the_tolerance():
    loose = q_text('{"id": "a", "question": "?", "expect": {"status": "answered", "values": [{"value": 40, "unit": "万元"}]}}')
    tight = q_text('{"id": "a", "question": "?", "expect": {"status": "answered", "values": [{"value": 40.00, "unit": "万元"}]}}')
    a = answer(values=[(40.3, "万元")])
    assert score_answer(loose, a).right and not score_answer(tight, a).right


def test_money_units_convert():
    assert normalised(Decimal("2.14"), "万元") == (Decimal("21400.00"), "元")
    assert normalised(Decimal("0.0367"), "亿元") == (Decimal("3670000.0000"), "元")
    exp = q({"status": "answered", "values": [{"value": 21400, "unit": "元"}]})
    assert score_answer(exp, answer(values=[(2.14, "万元")])).right
    assert score_answer(exp, answer(values=[(0.000214, "亿元")])).right
    assert not score_answer(exp, answer(values=[(2.15, "万元")])).right


def test_within_tolerance_in_the_expected_unit():
    exp = q({"status": "answered", "values": [{"value": 4.02, "unit": "万元"}]})
    assert score_answer(exp, answer(values=[(4.024, "万元")])).right
    assert score_answer(exp, answer(values=[(40150, "元")])).right          # 4.015 万元: the edge
    assert not score_answer(exp, answer(values=[(4.026, "万元")])).right
    assert score_answer(exp, answer(values=[(40300, "元")])).outcome == WRONG_FIGURE


def test_other_units_compare_as_themselves():
    exp = q({"status": "answered", "values": [{"value": 96.12, "unit": "%"}, {"value": 16, "unit": "人"},
                                              {"value": 120, "unit": "元/月/人"}]})
    assert score_answer(exp, answer(values=[(96.12, "%"), (16, "人"), (120, "元/月/人")])).right
    assert score_answer(exp, answer(values=[(96.12, "％"), (16, "名"), (120, "元/人/月")])).right   # aliases
    s = score_answer(exp, answer(values=[(96.12, "万元"), (16, "个"), (120, "元")]))
    assert s.outcome == WRONG_FIGURE and len(s.missing_values) == 3


def test_every_expected_value_must_appear():
    exp = q({"status": "answered", "values": [{"value": 280.4, "unit": "万元"}, {"value": 11.33, "unit": "万元"}]})
    assert score_answer(exp, answer(values=[(11.33, "万元"), (280.40, "万元"), (291.73, "万元")])).right
    s = score_answer(exp, answer(values=[(280.4, "万元")]))
    assert s.outcome == WRONG_FIGURE and [v.text for v in s.missing_values] == ["11.33"]


def test_cites_need_one_listed_table():
    exp = q({"status": "answered", "values": [{"value": 2.14, "unit": "万元"}], "cites": ["表10", "表6"]})
    assert score_answer(exp, answer(values=[(2.14, "万元")], tables=["表6"])).right
    assert score_answer(exp, answer(values=[(2.14, "万元")], tables=["表 10"])).right
    s = score_answer(exp, answer(values=[(2.14, "万元")], tables=["表1", ""]))
    assert s.outcome == INCOMPLETE and not s.cites_ok and not s.wrong_figure


def test_text_any_needs_one_string():
    exp = q({"status": "answered", "text_any": ["访惠聚", "工作队"]})
    assert score_answer(exp, answer(text="主要原因是减少访惠聚工作队经费")).right
    s = score_answer(exp, answer(text="主要原因是政策调整"))
    assert s.outcome == INCOMPLETE and not s.text_ok


def test_refusal_scoring():
    exp = q({"status": "refused"}, kind="refuse")
    assert score_answer(exp, answer(status="refused", text="文档中没有")).right
    s = score_answer(exp, answer(values=[(367.34, "万元")]))
    assert s.outcome == NOT_REFUSED and s.wrong_figure
    s = score_answer(exp, answer(text="没有数字的回答"))
    assert s.outcome == NOT_REFUSED and not s.wrong_figure
    assert score_answer(exp, answer(status="clarify")).outcome == WRONG_STATUS


def test_misses_are_not_wrong_figures():
    exp = q({"status": "answered", "values": [{"value": 2.14, "unit": "万元"}]})
    for a in (answer(status="refused"), answer(status="clarify"), answer(text="不知道")):
        s = score_answer(exp, a)
        assert s.outcome == MISSED and not s.wrong_figure


def test_aggregate_counts_and_by_kind():
    qs = [q({"status": "answered", "values": [{"value": 1, "unit": "万元"}]}, "lookup", "a"),
          q({"status": "answered", "values": [{"value": 2, "unit": "万元"}]}, "lookup", "b"),
          q({"status": "answered", "values": [{"value": 3, "unit": "万元"}]}, "sum", "c"),
          q({"status": "refused"}, "refuse", "d"),
          q({"status": "refused"}, "refuse", "e")]
    report = score_answers(qs, {"a": answer(values=[(1, "万元")]), "b": answer(values=[(5, "万元")]),
                                "c": answer(status="refused"), "d": answer(status="refused"),
                                "e": answer(values=[(9, "万元")])})
    assert isinstance(report, EvalReport)
    assert (report.right, report.total) == (2, 5)
    assert report.wrong_figures == 2 and report.wrong_figures_on_refusals == 1
    assert report.refusals() == (1, 2)
    assert report.by_kind() == {"lookup": (1, 2), "refuse": (1, 2), "sum": (0, 1)}
    assert report.outcomes()[RIGHT] == 2 and report.outcomes()[MISSED] == 1
    d = report.to_dict()
    assert [s["id"] for s in d["scores"]] == ["a", "b", "c", "d", "e"] and d["wrong_figures"] == 2


def test_a_question_without_an_answer_is_missed():
    report = score_answers([q({"status": "answered"}, qid="x")], {})
    assert report.scores[0].outcome == MISSED


@pytest.mark.parametrize("line, what", [
    ('{"question": "?", "expect": {"status": "answered"}}', 'missing "id"'),
    ('{"id": "a", "expect": {"status": "answered"}}', 'missing "question"'),
    ('{"id": "a", "question": "?"}', 'missing "expect"'),
    ('{"id": "a", "question": "?", "expect": {"status": "maybe"}}', "expect.status"),
    ('{"id": "a", "question": "?", "expect": {"status": "answered", "values": [{"value": "x", "unit": "万元"}]}}',
     "number"),
    ('{"id": "a", "question": "?", "expect": {"status": "answered", "values": [{"value": 1}]}}', "unit"),
    ('{"id": "a", "question": "?", "expect": {"status": "answered", "cites": "表1"}}', "cites"),
    ('{"id": "a", "question": "?", "expect": {"status": "answered", "value": []}}', "unknown expect keys"),
    ('not json', "not JSON"),
])
def test_bad_lines_are_refused_naming_file_and_line(tmp_path, line, what):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"id": "ok", "question": "?", "expect": {"status": "refused"}}\n\n' + line + "\n", encoding="utf-8")
    with pytest.raises(GoldFileError) as e:
        load_questions([f])
    assert f"{f}:3:" in str(e.value) and what in str(e.value)


def test_duplicate_ids_across_files_are_refused(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text('{"id": "x", "question": "?", "expect": {"status": "refused"}}\n', encoding="utf-8")
    b.write_text('{"id": "y", "question": "?", "expect": {"status": "refused"}}\n'
                 '{"id": "x", "question": "?", "expect": {"status": "refused"}}\n', encoding="utf-8")
    with pytest.raises(GoldFileError) as e:
        load_questions([a, b])
    assert f"{b}:2:" in str(e.value) and "duplicate id 'x'" in str(e.value) and f"{a}:1" in str(e.value)


def test_missing_and_empty_files_are_refused(tmp_path):
    with pytest.raises(GoldFileError, match="no such file"):
        load_questions([tmp_path / "nope.jsonl"])
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(GoldFileError, match="no questions"):
        load_questions([tmp_path / "empty.jsonl"])
