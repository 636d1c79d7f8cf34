"""eval/load.py against a live server: 4 clients for 3 s, no errors, answers identical to single-client."""
import pytest

from app.web.page import EXAMPLES
from eval.load import DEFAULT_QUESTIONS, check_loopback, read_questions, run_load


def wait_for_index(url: str, seconds: float = 180) -> None:
    """Answers may use the search index once it is complete: compare answers after it is built."""
    import time

    import httpx
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        index = httpx.get(url + "/api/health", timeout=5).json().get("index") or {"state": "done"}
        if index["state"] in ("done", "failed"):
            return
        time.sleep(0.5)
    pytest.fail(f"the search index was not built within {seconds:.0f} s")


def test_load_has_no_errors_and_identical_answers(server_url):
    wait_for_index(server_url)
    questions = (read_questions(DEFAULT_QUESTIONS) if DEFAULT_QUESTIONS.exists()
                 else [{"question": q} for q in EXAMPLES] + [{"question": "2026年的预算总额是多少？"}])
    report = run_load(server_url, questions, clients=4, seconds=3)
    assert report.requests > 0
    assert report.errors == 0, report.error_examples
    assert report.identical, report.mismatch_examples


def test_load_refuses_other_hosts():
    with pytest.raises(ValueError, match="loopback"):
        check_loopback("http://example.com:7860")


def test_question_file_needs_questions(tmp_path):
    bad = tmp_path / "q.jsonl"
    bad.write_text('{"id": 1}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="question"):
        read_questions(bad)
