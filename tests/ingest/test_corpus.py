"""Every PDF of ../shared/corpus and ../shared/corpus/jiangsu-years ingests (issue 14).

For each: its tables, by title, in the printed order (the titles were read from each PDF's table of
contents and pages; a table's title as printed ends with the suffix listed); every identity that
holds in the printed document verified (none fails: where one failed before, it was our reading);
at least 98% of the amounts covered by a passing identity; no reading problem. Then a few rows per
template whose label and figures were looked up on the page images: a label keeps the figures of
its own printed row (the 2017 收支预算总表 once gave 外交支出 13649.07 and 国防支出 128.43).

The juesuan/ folder (决算) is another issue and is not read here.
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import pytest

from ingest.document import read_document, unverified_amounts
from tests.conftest import SHARED

CORPUS = SHARED / "corpus"

JIANGSU_2019 = ["收支预算总表", "收入预算总表", "支出预算总表", "财政拨款收支预算总表", "财政拨款支出预算表（功能科目）",
                "财政拨款基本支出预算表（经济科目）", "一般公共预算支出预算表（功能科目）",
                "一般公共预算基本支出预算表（经济科目）", "“三公”经费、会议费、培训费支出预算表",
                "政府性基金预算财政拨款支出预算表", "一般公共预算机关运行经费支出预算表", "政府采购支出预算表"]
# 2017: 政府性基金 7th, 机关运行经费 before 三公 (一、… 十二、 in the table of contents)
JIANGSU_2017 = ["收支预算总表", "收入预算总表", "支出预算总表", "财政拨款收支预算总表", "财政拨款支出预算表",
                "财政拨款基本支出预算表", "政府性基金支出预算表", "一般公共预算支出预算表", "一般公共预算基本支出预算表",
                "一般公共预算机关运行经费支出预算表", "一般公共预算“三公”经费、会议费、培训费支出预算表", "政府采购预算表"]
# 2018: 三公 9th, 政府性基金 10th
JIANGSU_2018 = ["收支预算总表", "收入预算总表", "支出预算总表", "财政拨款收支预算总表", "财政拨款支出预算表",
                "财政拨款基本支出预算表", "一般公共预算支出预算表", "一般公共预算基本支出预算表",
                "“三公”经费、会议费、培训费支出预算表", "政府性基金支出预算表", "一般公共预算机关运行经费支出预算表",
                "政府采购支出预算表"]
SHANGHAI = ["部门财务收支预算总表", "部门收入预算总表", "部门支出预算总表", "部门财政拨款收支预算总表",
            "部门一般公共预算支出功能分类预算表", "部门政府性基金预算支出功能分类预算表",
            "部门国有资本经营预算支出功能分类预算表", "部门一般公共预算基本支出部门预算经济分类预算表",
            "部门“三公”经费和机关运行经费预算表"]

# file → the tables as printed (a title ends with its entry); Jiangsu variants noted where they differ
EXPECTED = {
    "jiangsu-jianchayuan-2019.pdf": JIANGSU_2019,
    "putuo-wanli-2024.pdf": SHANGHAI,
    "putuo-zhengfuban-2025.pdf": SHANGHAI,
    "jiangsu-years/jiangsu-fayuan-2017.pdf": JIANGSU_2017[:11] + ["部门政府采购预算表"],
    "jiangsu-years/jiangsu-fayuan-2018.pdf": [*JIANGSU_2018[:9], "政府性基金预算财政拨款支出预算表",
                                              JIANGSU_2018[10], "政府采购预算表"],
    "jiangsu-years/jiangsu-jianchayuan-2017.pdf": JIANGSU_2017[:11] + ["政府采购支出预算表"],
    "jiangsu-years/jiangsu-jianchayuan-2018.pdf": JIANGSU_2018[:8] + ["一般公共预算“三公”经费、会议费、培训费支出预算表",
                                                                      *JIANGSU_2018[9:]],
    # printed in another order than its table of contents: 财政拨款支出 before 财政拨款收支总表
    "jiangsu-years/jiangsu-renda-2017.pdf": ["收支预算总表", "收入预算总表", "支出预算总表", "财政拨款支出预算表",
                                             "财政拨款收支预算总表", "财政拨款基本支出预算表", "财政拨款政府性基金支出预算表",
                                             "一般公共预算支出预算表", "一般公共预算基本支出预算表",
                                             "一般公共预算机关运行经费支出预算表", "“三公”经费、会议费、培训费支出预算表",
                                             "2017年政府采购预算表"],
    "jiangsu-years/jiangsu-renda-2018.pdf": [*JIANGSU_2019[:9], "政府性基金预算财政拨款支出预算表", JIANGSU_2019[10],
                                             "政府采购支出预算表"],
    "jiangsu-years/jiangsu-renda-bangongting-2019-tables.pdf": [*JIANGSU_2019[:9], "财政拨款政府性基金支出预算表",
                                                                JIANGSU_2019[10], "2019年政府采购预算表"],
    "jiangsu-years/jiangsu-shengwei-2017-tables.pdf": [*JIANGSU_2017[:6], "财政拨款政府性基金支出预算表", *JIANGSU_2017[7:10],
                                                       "“三公”经费、会议费、培训费支出预算表", "2017年政府采购预算表"],
    "jiangsu-years/jiangsu-shengwei-2018-tables.pdf": [*JIANGSU_2018[:9], "财政拨款政府性基金支出预算表",
                                                       JIANGSU_2018[10], "2018年政府采购预算表"],
    "jiangsu-years/jiangsu-zhengxie-2017-tables.pdf": [*JIANGSU_2017[:6], "财政拨款政府性基金支出预算表",
                                                       *JIANGSU_2017[7:10],
                                                       "“三公”经费、会议费、培训费支出预算表（一般公共预算）",
                                                       "2017年政府采购预算表"],
    "jiangsu-years/jiangsu-zhengxie-2018-tables.pdf": [*JIANGSU_2018[:9], "财政拨款政府性基金支出预算表",
                                                       JIANGSU_2018[10], "2018年政府采购预算表"],
}
# narrative files: the cover's unit and year, no tables (their tables are in the -tables file)
NARRATIVE = {
    "jiangsu-years/jiangsu-renda-2019.pdf": ("江苏省人大常委会办公厅", 2019),
    "jiangsu-years/jiangsu-shengwei-2017.pdf": ("江苏省委办公厅", 2017),
    "jiangsu-years/jiangsu-shengwei-2018.pdf": ("江苏省委办公厅", 2018),
    "jiangsu-years/jiangsu-zhengxie-2017.pdf": ("江苏省政协办公厅", 2017),
    "jiangsu-years/jiangsu-zhengxie-2018.pdf": ("江苏省政协办公厅", 2018),
}


@lru_cache(maxsize=None)
def _doc(name: str):
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"corpus PDF {path} not present")
    return read_document(path)


def test_every_pdf_of_the_corpus_is_listed_here():
    if not CORPUS.is_dir():
        pytest.skip("corpus absent")
    found = {str(p.relative_to(CORPUS)) for p in [*CORPUS.glob("*.pdf"), *CORPUS.glob("jiangsu-years/*.pdf")]}
    assert found == set(EXPECTED) | set(NARRATIVE)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_all_tables_found_by_title(name):
    doc = _doc(name)
    titles = [t.title.replace(" ", "") for t in doc.tables]
    assert len(titles) == len(EXPECTED[name]), titles
    for title, expected in zip(titles, EXPECTED[name]):
        assert title.endswith(expected), (title, expected)
    assert [t.id for t in doc.tables] == [f"表{i}" for i in range(1, len(titles) + 1)]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_identities_hold_and_amounts_are_verified(name):
    doc = _doc(name)
    failing = [c.detail for t in doc.tables for c in t.checks if not c.ok] + [c.detail for c in doc.checks if not c.ok]
    assert failing == []
    assert doc.findings == ()
    amounts = sum(1 for t in doc.tables for r in t.rows for v in r.values if v is not None)
    assert amounts > 100 and len(unverified_amounts(doc)) <= 0.02 * amounts
    assert doc.reading_problems == ()


@pytest.mark.parametrize("name", sorted(NARRATIVE))
def test_narrative_files_read_as_documents_without_tables(name):
    doc = _doc(name)
    assert (doc.org, doc.year, doc.kind, doc.tables) == (*NARRATIVE[name], "预算", ())
    assert len(doc.sections) > 40 and any("万元" in s.text for s in doc.sections)


def test_units_read_where_no_编制单位_line_names_them():
    assert _doc("jiangsu-years/jiangsu-fayuan-2018.pdf").org == "江苏省高级人民法院"      # was: "度"
    assert _doc("jiangsu-years/jiangsu-shengwei-2017-tables.pdf").org == "中国共产党江苏省委员会办公厅"
    assert _doc("jiangsu-years/jiangsu-shengwei-2018-tables.pdf").org == "中共江苏省委办公厅"


# ── rows whose label and figures were checked on the page ───────────────────────────────────────

def _row(doc, table: str, label: str, group: str | None = None):
    rows = [r for r in doc.table(table).rows if r.label == label and (group is None or r.group.startswith(group))]
    assert len(rows) == 1, (table, label, [r.label for r in doc.table(table).rows])
    return rows[0].values


def _d(text: str) -> Decimal:
    return Decimal(text)


def test_2017_income_and_expenditure_table_keeps_labels_on_their_own_rows():
    """renda-2017 p. 7: cells wrapped above and below their figures (一、财政 / 13,649.07 / 拨款)."""
    doc = _doc("jiangsu-years/jiangsu-renda-2017.pdf")
    assert _row(doc, "表1", "财政拨款", "收入") == (_d("13649.07"),)
    assert _row(doc, "表1", "一般公共预算", "收入") == (_d("13649.07"),)
    assert _row(doc, "表1", "一般公共服务支出", "支出（功能") == (_d("10528.33"),)
    assert _row(doc, "表1", "外交支出", "支出（功能") == (None,)          # was: 13649.07
    assert _row(doc, "表1", "国防支出", "支出（功能") == (None,)          # was: 128.43
    assert _row(doc, "表1", "社会保障和就业支出", "支出（功能") == (_d("1608.51"),)
    assert _row(doc, "表1", "单位预留机动经费", "支出") == (_d("128.43"),)
    assert _row(doc, "表1", "当年收入小计", "收入") == (_d("13649.07"),)      # cut by the page break (p. 8 / p. 9)
    assert _row(doc, "表2", "公共财政拨款(补助)资金") == (_d("13649.07"),)
    assert _row(doc, "表2", "一般公共预算资金") == (_d("13649.07"),)


def test_a_zero_set_lower_in_its_cell_stays_in_its_row():
    """renda-2017 p. 20: the 三公 table's one row, its 公务用车购置费 "0" printed 7 pt below the others."""
    doc = _doc("jiangsu-years/jiangsu-renda-2017.pdf")
    [row] = doc.table("表11").rows
    assert row.values == tuple(_d(x) if x else None for x in
                               ("2542.60", "833.60", "222.50", "183.60", "0", "183.60", "427.50", "1305.25", "403.75"))


def test_2019_income_and_expenditure_table():
    """jianchayuan-2019 p. 14: 三、单位预留机动经费 3,990.40 beside 三、国防支出 (empty)."""
    doc = _doc("jiangsu-jianchayuan-2019.pdf")
    assert _row(doc, "表1", "单位预留机动经费", "支出") == (_d("3990.40"),)
    assert _row(doc, "表1", "国防支出", "支出（功能") == (None,)
    assert _row(doc, "表1", "公共安全支出", "支出（功能") == (_d("16593.12"),)


def test_income_table_with_category_cells_and_left_set_items():
    """shengwei-2017-tables p. 2: 财政专户管理资金 | 小计 147.20 | 其他非税收入 147.20."""
    doc = _doc("jiangsu-years/jiangsu-shengwei-2017-tables.pdf")
    assert _row(doc, "表2", "财政专户管理资金") == (_d("147.20"),)
    assert _row(doc, "表2", "其他非税收入") == (_d("147.20"),)
    assert _row(doc, "表2", "政府性基金") == (None,)
    assert _row(doc, "表2", "公共财政拨款(补助)资金") == (_d("20702.25"),)


def test_expenditure_total_table_places_the_reserve_by_position():
    """shengwei-2017-tables p. 3: 196.72 under 单位预留机动经费, 结转下年资金 empty."""
    doc = _doc("jiangsu-years/jiangsu-shengwei-2017-tables.pdf")
    t = doc.table("表3")
    values = dict(zip(t.columns, t.rows[0].values))
    assert values["单位预留机动经费"] == _d("196.72") and values["结转下年资金"] is None


def test_procurement_table_over_pages():
    """fayuan-2017 pp. 17-18 (a cell cut at the page foot: 信息网络及软件购 / 置更新), fayuan-2018
    p. 16 (a row above the page's first rule), zhengxie-2017 pp. 12-13 (title and header repeated)."""
    doc = _doc("jiangsu-years/jiangsu-fayuan-2017.pdf")
    assert _row(doc, "表12", "应用软件购建费（信息网络及软件购置更新）") == (_d("606.00"),)
    assert _row(doc, "表12", "软件开发服务（部门集中采购）") == (_d("606.00"),)
    assert _row(doc, "表12", "物业管理服务（分散自行组织）") == (_d("40.00"),)
    assert _row(doc, "表12", "服务C") == (_d("2717.00"),)
    doc = _doc("jiangsu-years/jiangsu-fayuan-2018.pdf")
    t = doc.table("表12")
    first_on_16 = next(r for r in t.rows if r.source == "p. 16")
    assert (first_on_16.label, first_on_16.values) == ("计算机设备维修和保养服务（分散自行组织）", (_d("2.00"),))
    doc = _doc("jiangsu-years/jiangsu-zhengxie-2017-tables.pdf")
    t = doc.table("表12")
    [row] = [r for r in t.rows if r.label == "省政协常委会（会议费）" and r.source == "p. 13"]
    assert row.values == (_d("160.50"),) and t.rows[row.parent].label == "服务C"


def test_procurement_group_label_repeated_on_the_next_page_is_no_row():
    """shengwei-2017-tables p. 13: 机要及电子政务业务费 | 办公设备购置 printed again beside its items."""
    doc = _doc("jiangsu-years/jiangsu-shengwei-2017-tables.pdf")
    t = doc.table("表12")
    parent = next(i for i, r in enumerate(t.rows) if r.label == "机要及电子政务业务费")
    items = [r.label for r in t.rows if r.parent == parent]
    assert items[:3] == ["台式计算机（20万以下）（政府集中采购）", "便携式计算机（20万以下）（政府集中采购）",
                         "路由器（政府集中采购）"]
    assert t.rows[parent].values == (_d("30.00"),)


def test_2017_admin_cost_counts_project_running_costs_and_is_checked_against_the_total():
    """Jiangsu 2017: "将专项中包含的运行经费统计在这张表中" (renda-2017 p. 28): 机关运行经费 ≤ 基本支出 is no
    identity of these documents; it is checked against the 一般公共预算 total instead."""
    doc = _doc("jiangsu-years/jiangsu-renda-2017.pdf")
    rules = [c.rule for c in doc.checks]
    assert "表10 机关运行经费（含项目中的运行经费） ≤ 表8 合计" in rules
    assert not [r for r in rules if r.startswith("表10 机关运行经费 ≤")]
    doc = _doc("jiangsu-jianchayuan-2019.pdf")                    # 2019: part of 基本支出, by code
    assert any(c.rule.startswith("表11 机关运行经费 ≤ 表8 (") for c in doc.checks)
