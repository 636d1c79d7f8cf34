"""Bad input: a clear error naming the file and the place, a non-zero exit, the store as it was."""
from pathlib import Path

import pytest

from app.cli import main
from app.library import ingest_paths
from index.store import Store
from ingest.document import read_document
from ingest.errors import IncompleteDocument, ParseError


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "home" / "budgetqa.sqlite")


def test_gbk_copy_parses_like_the_utf8_original(tmp_path, sample_path, sample_doc):
    gbk = tmp_path / "hejing-shebao-2025.txt"
    gbk.write_bytes(sample_path.read_text(encoding="utf-8").encode("gb18030"))
    doc = read_document(gbk)
    assert doc.tables == sample_doc.tables
    assert doc.sections == sample_doc.sections
    bom = tmp_path / "bom" / "hejing-shebao-2025.txt"
    bom.parent.mkdir()
    bom.write_bytes(b"\xef\xbb\xbf" + sample_path.read_bytes())
    assert read_document(bom).tables == sample_doc.tables


@pytest.mark.parametrize("name,content,where,what", [
    ("empty.txt", b"", "line 1", "empty"),
    ("blank.txt", b"\n\n  \n", "line 1", "empty"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "byte 8", "binary"),
    ("latin.txt", "第一部分\n".encode() + b"\xff\xfe\xfa abc\n", "line 2", "not UTF-8 or GBK"),
    ("recipe.txt", "红烧肉的做法\n\n五花肉 500 克，冰糖 30 克。\n".encode(), "whole file", "no budget tables"),
    ("notes.docx", b"PK\x03\x04", "file name", "unsupported file type"),
])
def test_unreadable_files_are_refused_with_file_and_place(tmp_path, name, content, where, what):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ParseError) as err:
        read_document(path)
    assert err.value.file == str(path)
    assert err.value.where == where
    assert what in err.value.what
    assert str(err.value).startswith(f"{path}: {where}: ")


def cut_copy(tmp_path: Path, sample_path: Path, last_line: int) -> Path:
    lines = sample_path.read_text(encoding="utf-8").splitlines()[:last_line]
    path = tmp_path / "hejing-shebao-2025.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_document_cut_off_inside_a_table(tmp_path, sample_path):
    path = cut_copy(tmp_path, sample_path, 540)       # ends inside 表6, before its 合计 row
    with pytest.raises(IncompleteDocument) as err:
        read_document(path)
    assert "表6" in str(err.value) and "ends inside" in str(err.value)
    partial = err.value.document
    assert [t.id for t in partial.tables] == [f"表{i}" for i in range(1, 7)]
    # our failure to read a whole table is a reading problem, not a finding of the document (issue 14)
    [cut] = [p for p in partial.reading_problems if p.kind == "incomplete-table"]
    assert cut.what.startswith("表6") and "中途结束" in cut.message
    assert not [f for f in partial.findings if f.rule == "incomplete-table"]


def test_failed_ingest_leaves_the_store_as_it_was(tmp_path, sample_path, store):
    [first] = ingest_paths([str(sample_path)], store)
    assert first.status == "added"
    before = store.cells()
    bad = cut_copy(tmp_path, sample_path, 540)       # same doc id, broken content
    [result] = ingest_paths([str(bad)], store)
    assert result.status == "failed"
    assert store.cells().equals(before)
    assert store.load("hejing-shebao-2025").sha256 == first.document.sha256


def test_reingest_is_idempotent(sample_path, store):
    assert [r.status for r in ingest_paths([str(sample_path)], store)] == ["added"]
    n = len(store.cells())
    assert [r.status for r in ingest_paths([str(sample_path)], store)] == ["unchanged"]
    assert len(store.cells()) == n == 227
    assert len(store.documents()) == 1


def test_changed_file_replaces_the_document(tmp_path, sample_path, store):
    ingest_paths([str(sample_path)], store)
    changed = tmp_path / "hejing-shebao-2025.txt"
    # 3.14, not 2.15: a change within the table's rounding (0.01) is no inconsistency, and the old
    # assertion was met by a placement note, which is a reading problem now (issue 14)
    changed.write_text(sample_path.read_text(encoding="utf-8").replace("公务用车运行费 2.14 2.14",
                                                                       "公务用车运行费 3.14 3.14"), encoding="utf-8")
    [r] = ingest_paths([str(changed)], store)
    assert r.status == "replaced"
    doc = store.load("hejing-shebao-2025")
    assert doc.table("表10").rows[5].values[0] == __import__("decimal").Decimal("3.14")
    [finding] = doc.findings                           # the 其中 rows exceed their 小计: the document's own
    assert finding.rule == "identity" and "表10" in finding.message and "3.14" in finding.message
    assert len(store.documents()) == 1


def test_cli_exit_codes_and_one_line_errors(tmp_path, capsys, sample_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    home = str(tmp_path / "home")
    assert main(["--data-dir", home, "ingest", "--no-index", str(empty)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"budgetqa: error: {empty}: line 1: the file is empty"]
    assert main(["--data-dir", home, "ingest", "--no-index", str(sample_path)]) == 0
    out = capsys.readouterr().out
    assert "hejing-shebao-2025: added" in out and "11 tables" in out and "227 amounts (227 verified)" in out
    assert main(["--data-dir", home, "export", "nope"]) == 1
    assert "unknown document 'nope'" in capsys.readouterr().err


def test_a_table_the_builder_cannot_read_is_a_reading_problem_and_the_rest_ingests(sample_path, monkeypatch):
    import ingest.document as document
    real = document.build_table

    def broken_for_table_7(raw, hints=()):
        if raw.number == "表7":
            raise ValueError("an unexpected layout")
        return real(raw, hints)
    monkeypatch.setattr(document, "build_table", broken_for_table_7)
    doc = document.read_document(sample_path)
    assert len(doc.tables) == 11 and doc.table("表7").rows == ()
    assert "此表未能读取（ValueError: an unexpected layout）" == doc.table("表7").note
    # was a finding ("unreadable-table"); our failure to read is a reading problem now (issue 14)
    assert [(p.kind, p.where) for p in doc.reading_problems] == [("table", doc.table("表7").source)]
    assert doc.reading_problems[0].message == "此表未能读取（ValueError: an unexpected layout）"
    assert doc.findings == ()
    assert doc.table("表6").rows[0].values[0] is not None and doc.table("表10").rows
