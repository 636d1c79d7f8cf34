"""The reference document: every table against its golden file, independent cells, identities."""
import json
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.document import unverified_amounts
from tests.golden.regen import SOURCES, golden_view

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


@pytest.mark.parametrize("doc_id", sorted(SOURCES))
def test_golden_tables(doc_id):
    from ingest.document import read_document
    expected = json.loads((GOLDEN / f"{doc_id}.json").read_text())
    got = golden_view(read_document(SOURCES[doc_id]))
    assert [t["id"] for t in got["tables"]] == [t["id"] for t in expected["tables"]]
    for g, e in zip(got["tables"], expected["tables"]):
        assert g == e, f"{g['id']} differs from its golden file"
    assert got == expected


def test_metadata(sample_doc):
    d = sample_doc
    assert (d.doc_id, d.org, d.year, d.kind, d.scope, d.unit) == (
        "hejing-shebao-2025", "和静县社会保险中心", 2025, "预算", "单位", "万元")
    assert [t.id for t in d.tables] == [f"表{i}" for i in range(1, 12)]
    assert d.table("表6").title == "一般公共预算基本支出情况表"
    assert d.table("表2").columns[2] == "财政拨款（补助）/一般公共预算"


def cell(doc, table_id, row, column):
    t = doc.table(table_id)
    matches = [r for r in t.rows if row in (r.code, r.name, r.project)]
    assert matches, f"{table_id} has no row {row}"
    return matches[0].values[t.columns.index(column)]


D = Decimal
# Written by hand from the source text, independently of the parser.
CELLS = [
    ("表1", "本年收入", "预算数", D("361.61")), ("表1", "一般财力", "预算数", D("291.73")),
    ("表1", "上级一般公共预算安排转移支付", "预算数", D("69.88")), ("表1", "上年结转结余", "预算数", D("5.73")),
    ("表1", "收入总计", "预算数", D("367.34")), ("表1", "支出总计", "预算数", D("367.34")),
    ("表1", "208", "预算数", D("328.08")), ("表1", "210", "预算数", D("17.22")), ("表1", "221", "预算数", D("22.04")),
    ("表1", "基金预算拨款", "预算数", None), ("表1", "上级国有资本经营预算安排转移支付", "预算数", None),
    ("表2", "208", "总计", D("328.08")), ("表2", "208", "财政拨款（补助）/小计", D("322.35")),
    ("表2", "208", "财政拨款（补助）/一般公共预算", D("252.47")),
    ("表2", "208", "财政拨款（补助）/上级一般公共预算安排的转移支付", D("69.88")),
    ("表2", "208", "财政拨款结转", D("5.73")), ("表2", "208", "财政专户（教育收费）", None),
    ("表2", "2080505", "总计", D("27.09")), ("表2", "2080505", "财政拨款（补助）/一般公共预算", D("27.09")),
    ("表2", "2080601", "财政拨款（补助）/一般公共预算", D("15.26")),
    ("表2", "2080601", "财政拨款（补助）/上级一般公共预算安排的转移支付", D("29.88")),
    ("表2", "2080601", "财政拨款结转", D("0.11")),
    ("表2", "2080699", "总计", D("45.62")), ("表2", "2080699", "财政拨款（补助）/小计", D("40.00")),
    ("表2", "2080699", "财政拨款（补助）/一般公共预算", None),
    ("表2", "2080699", "财政拨款（补助）/上级一般公共预算安排的转移支付", D("40.00")),
    ("表2", "2080699", "财政拨款结转", D("5.62")), ("表2", "2210201", "总计", D("22.04")),
    ("表2", "合计", "总计", D("367.34")), ("表2", "合计", "财政拨款（补助）/一般公共预算", D("291.73")),
    ("表3", "2080601", "基本支出", D("15.26")), ("表3", "2080601", "项目支出", D("29.99")),
    ("表3", "2080699", "基本支出", None), ("表3", "2080699", "项目支出", D("45.62")),
    ("表3", "合计", "项目支出", D("75.61")), ("表3", "20801", "项目支出", None),
    ("表4", "一般公共预算", "合计", D("361.61")), ("表4", "208", "一般公共预算", D("322.35")),
    ("表4", "210", "合计", D("17.22")), ("表4", "支出总计", "一般公共预算", D("361.61")),
    ("表4", "收入总计", "合计", D("361.61")), ("表4", "208", "政府性基金预算", None),
    ("表5", "2080601", "项目支出", D("29.88")), ("表5", "2080699", "项目支出", D("40.00")),
    ("表5", "2080699", "基本支出", None), ("表5", "合计", "基本支出", D("291.73")),
    ("表5", "2101103", "合计", D("4.89")),
    ("表6", "30101", "人员经费", D("64.29")), ("表6", "30102", "合计", D("71.57")),
    ("表6", "30231", "公用经费", D("2.14")), ("表6", "30231", "人员经费", None),
    ("表6", "302", "公用经费", D("11.33")), ("表6", "303", "人员经费", D("27.79")),
    ("表6", "合计", "人员经费", D("280.40")), ("表6", "合计", "公用经费", D("11.33")),
    ("表6", "30309", "合计", D("8.48")),
    ("表7", "2080601", "合计", D("29.88")), ("表7", "2080699", "合计", D("40.00")),
    ("表7", "合计", "合计", D("69.88")),
    ("表8", "合计", "合计", None), ("表9", "合计", "合计", None),
    ("表10", "合计", "合计", D("2.14")), ("表10", "公务用车运行费", "合计", D("2.14")),
    ("表10", "公务用车运行费", "资金来源/一般公共预算", D("2.14")),
    ("表10", "公务接待费", "合计", None), ("表10", "公务用车购置费", "合计", None),
    ("表10", "因公出国（境）费", "合计", None),
    ("表11", "合计", "合计", D("5.73")), ("表11", "合计", "财政拨款/项目支出", D("5.73")),
    ("表11", "合计", "财政拨款/基本支出/人员经费", None),
]


@pytest.mark.parametrize("table_id,row,column,expected", CELLS)
def test_independent_cells(sample_doc, table_id, row, column, expected):
    assert cell(sample_doc, table_id, row, column) == expected


def test_broken_rows_are_joined(sample_doc):
    t = sample_doc.table("表2")
    r = next(r for r in t.rows if r.code == "2080505")
    assert r.name == "机关事业单位基本养老保险缴费支出" and r.source == "lines 205-209"
    p = sample_doc.table("表7").rows[2]
    assert (p.code, p.name) == ("2080601", "企业关闭破产补助")
    assert p.project == "2025年州直关闭破产企业1995年前退休人员生活补贴巴财社[2024]51号"
    left = [r.name for r in sample_doc.table("表1").rows if r.group == "收入"]
    assert "上级国有资本经营预算安排转移支付" in left and "财政专户核拨" in left


def test_table_continued_over_a_page(sample_doc):
    t = sample_doc.table("表2")
    assert [r.code for r in t.rows][-2:] == ["2210201", ""]
    assert t.rows[-1].name == "合计" and t.rows[-2].source == "line 305"


def test_empty_tables_keep_their_sentence(sample_doc):
    for table_id in ("表8", "表9"):
        t = sample_doc.table(table_id)
        assert "为空表" in t.note
        assert all(v is None for r in t.rows for v in r.values)


def test_every_identity_holds_and_covers_every_amount(sample_doc):
    failed = [c for t in sample_doc.tables for c in t.checks if not c.ok] + \
        [c for c in sample_doc.checks if not c.ok]
    assert failed == []
    assert unverified_amounts(sample_doc) == []
    rules = " ".join(c.rule for c in sample_doc.checks)
    for expected in ("表1 收入总计 = 支出总计", "表6 合计 = 表5 基本支出", "表7 合计 = 表5 项目支出",
                     "表2 总计 = 表3 合计", "表11 合计 = 表1 上年结转结余"):
        assert expected in rules
    assert [f.rule for f in sample_doc.findings if f.severity == "error"] == []


def test_ambiguous_placement_is_reported_not_hidden(sample_doc):
    # a placement the arithmetic cannot decide is our reading problem (a note), no longer a finding (issue 14)
    notes = [p for p in sample_doc.reading_problems if p.kind == "ambiguous-placement"]
    assert [n.what for n in notes] == ["表7 一般公共预算项目支出情况表 合计"]
    assert notes[0].severity == "note" and "按项目名称" in notes[0].message
    assert sample_doc.findings == ()


def test_narrative_sections_have_heading_paths(sample_doc):
    s = next(s for s in sample_doc.sections if "公务用车运行费 2.14" in s.text)
    assert s.path[0].startswith("第三部分")
    assert s.path[1].startswith("十、")
    assert s.source.startswith("lines 10")
    heading = next(s for s in sample_doc.sections if s.path and s.path[-1].startswith("四、"))
    assert heading.path[-1].endswith("的总体说明")
