"""Ingest of many files at once (issue 16: defects 5, 6, 8; issue 14: documents in two files).

Each test reproduces what broke and asserts the fixed behaviour.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.cli import main
from app.library import ingest_paths
from index.store import Store
from ingest.document import read_document

from tests.conftest import SHARED

YEARS = SHARED / "corpus" / "jiangsu-years"


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "home" / "budgetqa.sqlite")


def _damaged_pdf(path: Path) -> Path:
    """A PDF whose bytes are damaged: a header, then garbage where the objects should be."""
    path.write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + bytes(range(256)) * 40
                     + b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
    return path


# ── defect 5: one corrupt PDF aborted a folder ──────────────────────────────────────────────────

def test_a_corrupt_pdf_in_a_folder_fails_alone_with_its_name_and_the_rest_are_stored(tmp_path, sample_path, store):
    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(sample_path, folder / "a-hejing-shebao-2025.txt")
    _damaged_pdf(folder / "b-broken.pdf")
    shutil.copy(sample_path, folder / "c-hejing-copy.txt")
    results = ingest_paths([str(folder)], store)
    by_file = {Path(r.path).name: r for r in results}
    assert by_file["b-broken.pdf"].status == "failed"
    assert by_file["b-broken.pdf"].error.startswith(f"{folder / 'b-broken.pdf'}: whole file: ")  # name, why
    assert by_file["a-hejing-shebao-2025.txt"].status == "added"
    assert by_file["c-hejing-copy.txt"].status == "added"                     # the files after it go on
    assert {d.doc_id for d in store.documents()} == {"a-hejing-shebao-2025", "c-hejing-copy"}


def test_the_cli_names_the_failed_file_and_exits_1_after_storing_the_others(tmp_path, sample_path, capsys):
    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(sample_path, folder / "hejing-shebao-2025.txt")
    _damaged_pdf(folder / "broken.pdf")
    assert main(["--data-dir", str(tmp_path / "home"), "ingest", "--no-index", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert "hejing-shebao-2025: added" in out
    assert f"budgetqa: error: {folder / 'broken.pdf'}: " in err and "Traceback" not in err
    assert "1 of 2 failed" in err


def test_an_unexpected_error_inside_one_file_is_that_files_failure(tmp_path, sample_path, store, monkeypatch):
    import app.library as library
    real = library.read_document

    def explode_on_b(path):
        if Path(path).name.startswith("b"):
            raise RecursionError("maximum recursion depth exceeded")     # what a hostile PDF can do
        return real(path)
    monkeypatch.setattr(library, "read_document", explode_on_b)
    for name in ("a.txt", "b.txt", "c.txt"):
        shutil.copy(sample_path, tmp_path / name)
    results = ingest_paths([str(tmp_path / n) for n in ("a.txt", "b.txt", "c.txt")], store)
    assert [(Path(r.path).name, r.status) for r in results] == [("b.txt", "failed"), ("a.txt", "added"),
                                                               ("c.txt", "added")]
    assert "b.txt: could not be read (RecursionError" in results[0].error


def _with_page_9_damaged(tmp_path: Path) -> Path:
    """The 2025 Putuo PDF with the compressed content of its page 9 (表9 三公 table) scrambled."""
    import re
    src = (SHARED / "corpus" / "putuo-zhengfuban-2025.pdf").read_bytes()
    start = [m.end() for m in re.finditer(rb"stream\r?\n", src)][8]
    data = bytearray(src)
    for i in range(start + 10, start + 200):
        data[i] = (data[i] * 7 + 13) % 256
    path = tmp_path / "putuo-zhengfuban-2025.pdf"
    path.write_bytes(bytes(data))
    return path


def test_a_page_whose_content_cannot_be_decoded_is_a_reading_problem(tmp_path):
    if not (SHARED / "corpus" / "putuo-zhengfuban-2025.pdf").is_file():
        pytest.skip("corpus absent")
    doc = read_document(_with_page_9_damaged(tmp_path))       # was: page 9 dropped silently
    [page, numbering] = doc.reading_problems
    assert (page.kind, page.where) == ("page", "p. 9") and "未能读取" in page.message
    assert numbering.kind == "numbering" and "表号可能比原文小" in numbering.message   # was: renumbered silently
    assert [t.title[5:] for t in doc.tables][:2] == ["部门财务收支预算总表", "部门支出预算总表"]
    assert len(doc.tables) == 8                                 # the other pages' tables are read
    assert not [r for r in doc.table("表1").rows if r.source == "p. 10"]    # no rows across the gap


def test_a_damaged_page_is_a_reading_problem_not_a_silent_drop(monkeypatch):
    import ingest.pdf as pdf
    real = pdf.page_lines

    def page_3_is_damaged(page, number):
        if number == 3:
            raise ValueError("Invalid dictionary construct")          # what pdfminer raises
        return real(page, number)
    monkeypatch.setattr(pdf, "page_lines", page_3_is_damaged)
    path = SHARED / "corpus" / "putuo-zhengfuban-2025.pdf"
    if not path.is_file():
        pytest.skip("corpus absent")
    doc = read_document(path)
    [problem] = [p for p in doc.reading_problems if p.kind == "page"]
    assert (problem.kind, problem.where, problem.what) == ("page", "p. 3", "第3页")
    assert "未能读取" in problem.message and "ValueError" in problem.message
    assert doc.tables                                         # the other pages are read


# ── defect 6: same file name, different documents ───────────────────────────────────────────────

def _unit_copy(sample_path: Path, folder: Path, unit: str) -> Path:
    folder.mkdir(parents=True)
    path = folder / "2025年部门预算.txt"
    path.write_text(sample_path.read_text(encoding="utf-8").replace("和静县社会保险中心", unit), encoding="utf-8")
    return path


def test_same_file_name_of_two_units_keeps_both_documents(tmp_path, sample_path, store):
    a = _unit_copy(sample_path, tmp_path / "单位A", "和静县甲单位")
    b = _unit_copy(sample_path, tmp_path / "单位B", "和静县乙单位")
    results = ingest_paths([str(a), str(b)], store)
    assert [r.status for r in results] == ["added", "added"]               # was: added, then replaced
    assert [r.doc_id for r in results] == ["2025年部门预算", "单位b-2025年部门预算"]
    assert "--as" in results[1].warnings[0] and "已是另一文档" in results[1].warnings[0]
    assert {d.org for d in store.documents()} == {"和静县甲单位", "和静县乙单位"}
    again = ingest_paths([str(a), str(b)], store)                          # a second run changes nothing
    assert [(r.doc_id, r.status) for r in again] == [("2025年部门预算", "unchanged"),
                                                      ("单位b-2025年部门预算", "unchanged")]


def test_same_file_name_in_a_later_run_is_not_replaced_either(tmp_path, sample_path, store):
    a = _unit_copy(sample_path, tmp_path / "单位A", "和静县甲单位")
    b = _unit_copy(sample_path, tmp_path / "单位B", "和静县乙单位")
    ingest_paths([str(a)], store)
    [r] = ingest_paths([str(b)], store)
    assert (r.status, r.doc_id) == ("added", "单位b-2025年部门预算")
    assert store.load("2025年部门预算").org == "和静县甲单位"


def test_a_file_named_twice_is_one_document(tmp_path, sample_path, store):
    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(sample_path, folder / "hejing-shebao-2025.txt")
    results = ingest_paths([str(folder), str(folder / "hejing-shebao-2025.txt")], store)
    assert [(r.doc_id, r.status) for r in results] == [("hejing-shebao-2025", "added")]


def test_one_file_copied_into_two_folders_is_one_document(tmp_path, sample_path, store):
    """data/samples and ../shared/corpus both hold the sample: two copies were two documents of one
    unit and year, and every question about it was asked back (which one?)."""
    for folder in ("samples", "corpus"):
        (tmp_path / folder).mkdir()
        shutil.copy(sample_path, tmp_path / folder / "hejing-shebao-2025.txt")
    results = ingest_paths([str(tmp_path / "samples"), str(tmp_path / "corpus")], store)
    assert [(r.doc_id, r.status) for r in results] == [("hejing-shebao-2025", "added"),
                                                       ("hejing-shebao-2025", "unchanged")]
    assert "内容相同" in results[1].warnings[0]
    assert [d.doc_id for d in store.documents()] == ["hejing-shebao-2025"]


def test_a_new_version_of_the_same_file_replaces_it(tmp_path, sample_path, store):
    a = _unit_copy(sample_path, tmp_path / "单位A", "和静县甲单位")
    ingest_paths([str(a)], store)
    a.write_text(a.read_text(encoding="utf-8").replace("公务用车运行费 2.14 2.14", "公务用车运行费 3.14 3.14"),
                 encoding="utf-8")
    [r] = ingest_paths([str(a)], store)
    assert (r.status, r.doc_id) == ("replaced", "2025年部门预算")


def test_as_names_the_document_and_replaces_on_purpose(tmp_path, sample_path, store, capsys):
    a = _unit_copy(sample_path, tmp_path / "单位A", "和静县甲单位")
    b = _unit_copy(sample_path, tmp_path / "单位B", "和静县乙单位")
    ingest_paths([str(a)], store)
    [r] = ingest_paths([str(b)], store, as_id="2025年部门预算")
    assert (r.status, r.doc_id) == ("replaced", "2025年部门预算")
    assert store.load("2025年部门预算").org == "和静县乙单位"
    home = str(store.path.parent)
    assert main(["--data-dir", home, "ingest", "--no-index", "--as", "bad id!", str(b)]) == 1
    assert "--as" in capsys.readouterr().err


# ── defect 8: no size cap ───────────────────────────────────────────────────────────────────────

def test_an_oversized_text_file_is_refused_at_once_with_the_setting_to_raise(tmp_path, store, monkeypatch):
    monkeypatch.setenv("BUDGETQA_MAX_TEXT_BYTES", "100000")
    big = tmp_path / "big.txt"
    big.write_text("表1 收入支出总表\n" + "一般公共服务支出 1.00\n" * 20_000, encoding="utf-8")
    [r] = ingest_paths([str(big)], store)
    assert r.status == "failed" and "MB, more than the 0.1 MB" in r.error and "BUDGETQA_MAX_TEXT_BYTES" in r.error
    assert r.seconds < 5                      # refused before reading, not after minutes of parsing


def test_a_document_with_too_many_chunks_is_not_stored(sample_path, store, monkeypatch):
    monkeypatch.setenv("BUDGETQA_MAX_CHUNKS", "50")
    [r] = ingest_paths([str(sample_path)], store)
    assert r.status == "failed" and "BUDGETQA_MAX_CHUNKS" in r.error and "nothing was stored" in r.error
    assert store.documents() == []


def test_a_pdf_over_the_page_cap_is_refused(monkeypatch):
    path = SHARED / "corpus" / "putuo-zhengfuban-2025.pdf"
    if not path.is_file():
        pytest.skip("corpus absent")
    monkeypatch.setenv("BUDGETQA_MAX_PAGES", "5")
    from ingest.errors import ParseError
    with pytest.raises(ParseError, match="pages, more than the 5 budgetqa reads .BUDGETQA_MAX_PAGES."):
        read_document(path)


# ── issue 14: a document in two files ───────────────────────────────────────────────────────────

def _years(*names: str) -> list[str]:
    paths = [YEARS / n for n in names]
    if not all(p.is_file() for p in paths):
        pytest.skip("jiangsu-years corpus absent")
    return [str(p) for p in paths]


def test_tables_file_and_narrative_file_become_one_document(store):
    [r] = ingest_paths(_years("jiangsu-shengwei-2017-tables.pdf", "jiangsu-shengwei-2017.pdf"), store)
    assert (r.status, r.doc_id) == ("added", "jiangsu-shengwei-2017")
    doc = store.load("jiangsu-shengwei-2017")
    assert [f.name for f in doc.files] == ["jiangsu-shengwei-2017.pdf", "jiangsu-shengwei-2017-tables.pdf"]
    assert len(doc.tables) == 12 and len(doc.sections) > 50
    assert doc.table("表1").rows[0].source.startswith("jiangsu-shengwei-2017-tables.pdf p. ")
    narrative = [s for s in doc.sections if s.file == "jiangsu-shengwei-2017.pdf"]
    assert narrative and narrative[0].source.startswith("jiangsu-shengwei-2017.pdf p. ")
    assert [d.doc_id for d in store.documents()] == ["jiangsu-shengwei-2017"]


def test_the_pair_forms_whichever_file_comes_first(store):
    tables, narrative = _years("jiangsu-zhengxie-2018-tables.pdf", "jiangsu-zhengxie-2018.pdf")
    [first] = ingest_paths([tables], store)
    assert first.doc_id == "jiangsu-zhengxie-2018-tables" and not first.warnings
    [second] = ingest_paths([narrative], store)
    assert (second.status, second.doc_id) == ("added", "jiangsu-zhengxie-2018")
    assert any("并入" in w for w in second.warnings)
    assert [d.doc_id for d in store.documents()] == ["jiangsu-zhengxie-2018"]    # the tables-only one merged
    assert store.load("jiangsu-zhengxie-2018").tables


def test_a_narrative_file_that_pairs_with_nothing_ingests_with_a_warning(store):
    [r] = ingest_paths(_years("jiangsu-renda-2019.pdf"), store)
    assert r.status == "added" and r.document.tables == () and r.document.sections
    assert "只有文字说明" in r.warnings[0] and "--as" in r.warnings[0]
    assert (r.document.org, r.document.year) == ("江苏省人大常委会办公厅", 2019)


def test_the_2019_renda_narrative_pairs_with_the_bangongting_tables_file(store):
    [r] = ingest_paths(_years("jiangsu-renda-2019.pdf", "jiangsu-renda-bangongting-2019-tables.pdf"), store)
    assert r.doc_id == "jiangsu-renda-2019" and len(r.document.files) == 2 and len(r.document.tables) == 12


def test_as_forces_a_grouping(store):
    [r] = ingest_paths(_years("jiangsu-shengwei-2018.pdf", "jiangsu-shengwei-2018-tables.pdf"), store,
                       as_id="shengwei-2018")
    assert (r.doc_id, len(r.document.files)) == ("shengwei-2018", 2)
