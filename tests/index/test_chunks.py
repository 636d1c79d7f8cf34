from dataclasses import replace
from decimal import Decimal

from index.chunks import chunk_document, column_labels, split_sentences


def test_row_chunk_is_rendered_with_table_title_and_column_labels(sample_doc):
    rows = [c for c in chunk_document(sample_doc) if c.kind == "row" and c.row_name == "公务用车运行费"]
    [chunk] = rows
    assert chunk.text.startswith("表10 财政拨款“三公”经费支出情况表 · 公务用车运行费 · 合计 2.14 万元 · 一般公共预算 2.14 万元")
    assert (chunk.doc, chunk.table, chunk.org, chunk.year) == ("hejing-shebao-2025", "表10", "和静县社会保险中心", 2025)
    assert chunk.columns == "合计|一般公共预算" and chunk.source.startswith("line ")
    table = sample_doc.table("表10")
    assert table.rows[chunk.row_index].name == "公务用车运行费"


def test_row_with_code_and_empty_row(sample_doc):
    chunks = chunk_document(sample_doc)
    [pension] = [c for c in chunks if c.table == "表3" and c.row_code == "2080505"]
    assert "2080505 机关事业单位基本养老保险缴费支出" in pension.text
    [reception] = [c for c in chunks if c.table == "表10" and c.row_name == "公务接待费"]
    assert reception.text.endswith("公务接待费 · 未安排")


def test_one_caption_per_table_and_every_row_and_paragraph(sample_doc):
    chunks = chunk_document(sample_doc)
    assert sum(c.kind == "caption" for c in chunks) == len(sample_doc.tables)
    assert sum(c.kind == "row" for c in chunks) == sum(len(t.rows) for t in sample_doc.tables)
    assert sum(c.kind == "paragraph" for c in chunks) >= len(sample_doc.sections)
    assert len({c.id for c in chunks}) == len(chunks)
    paragraph = next(c for c in chunks if c.kind == "paragraph")
    assert paragraph.section and paragraph.source.startswith("line")


def test_chunk_ids_depend_on_content_and_metadata(sample_doc):
    first = chunk_document(sample_doc)
    assert [c.id for c in chunk_document(sample_doc)] == [c.id for c in first]
    t10 = sample_doc.table("表10")
    changed_row = replace(t10.rows[0], values=(Decimal("3.00"),) + t10.rows[0].values[1:])
    changed = replace(sample_doc, tables=tuple(replace(t, rows=(changed_row,) + t.rows[1:]) if t.id == "表10" else t
                                               for t in sample_doc.tables))
    old, new = {c.id for c in first}, {c.id for c in chunk_document(changed)}
    assert len(old - new) == 1 == len(new - old)     # only the changed row gets a new id


def test_column_labels_keep_the_shortest_distinguishing_tail():
    assert column_labels(("合计", "资金来源/一般公共预算")) == ["合计", "一般公共预算"]
    assert column_labels(("财政拨款/基本支出/人员经费", "非财政拨款/基本支出/人员经费", "财政拨款/项目支出")) == [
        "财政拨款/基本支出/人员经费", "非财政拨款/基本支出/人员经费", "项目支出"]


def test_long_paragraphs_split_at_sentence_ends():
    text = "。".join(["这是一个很长的句子" * 8] * 6) + "。"
    pieces = split_sentences(text, limit=160)
    assert len(pieces) > 1 and "".join(pieces) == text
    assert all(p.endswith("。") for p in pieces)
    assert split_sentences("短句。") == ["短句。"]
