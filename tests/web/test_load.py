"""eval/load.py against a live server: 4 clients for 3 s, no errors, answers identical to single-client."""
import pytest

from eval.load import check_loopback, read_questions, run_load


def test_load_has_no_errors_and_identical_answers(server_url, shared_dir):
    questions = read_questions(shared_dir / "eval" / "dev-questions.jsonl")
    report = run_load(server_url, questions, clients=4, seconds=3)
    assert report.requests > 0
    assert report.errors == 0, report.error_examples
    assert report.identical, report.mismatch_examples


def test_load_refuses_other_hosts():
    with pytest.raises(ValueError, match="loopback"):
        check_loopback("http://example.com:7860")
