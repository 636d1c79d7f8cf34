"""PDF ingestion on the published PDFs in ../shared/corpus (skipped when the corpus is absent).

Cells were looked up by eye in each PDF; ids: Shanghai tables have no numbers (表1 … generated in
order), Jiangsu's 公开NN表 are mapped to 表N.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.document import read_document, unverified_amounts

from tests.conftest import SHARED

CORPUS = SHARED / "corpus"


def _doc(name: str):
    path = CORPUS / f"{name}.pdf"
    if not path.is_file():
        pytest.skip(f"corpus PDF {path} not present (the shared corpus lives beside the repository)")
    return read_document(path)


@pytest.fixture(scope="module")
def wanli():
    return _doc("putuo-wanli-2024")


@pytest.fixture(scope="module")
def zhengfuban():
    return _doc("putuo-zhengfuban-2025")


@pytest.fixture(scope="module")
def jiangsu():
    return _doc("jiangsu-jianchayuan-2019")


def cell(doc, table: str, row: str, column: str, code: str = "") -> Decimal | None:
    t = doc.table(table)
    c = next(i for i, name in enumerate(t.columns) if name == column or name.split("/")[-1] == column)
    for r in t.rows:
        if (r.name == row or not row) and (not code or r.code == code):
            return r.values[c]
    raise KeyError((table, row, code))


def failing(doc, tables=None):
    return [c.detail for t in doc.tables if tables is None or t.id in tables for c in t.checks if not c.ok] + \
        [c.detail for c in doc.checks if not c.ok]


SHANGHAI_TITLES = ["部门财务收支预算总表", "部门收入预算总表", "部门支出预算总表", "部门财政拨款收支预算总表",
                   "部门一般公共预算支出功能分类预算表", "部门政府性基金预算支出功能分类预算表",
                   "部门国有资本经营预算支出功能分类预算表", "部门一般公共预算基本支出部门预算经济分类预算表",
                   "部门“三公”经费和机关运行经费预算表"]


# ── Shanghai, 2024 (every cell printed, zeros included) ────────────────────────────────────────

def test_wanli_tables_titles_units(wanli):
    assert [t.id for t in wanli.tables] == [f"表{i}" for i in range(1, 10)]
    assert [t.title.removeprefix("2024年") for t in wanli.tables] == SHANGHAI_TITLES
    assert [t.unit for t in wanli.tables] == ["元"] * 8 + ["万元"]
    assert [t.role for t in wanli.tables] == ["overview", "income", "expenditure", "fiscal_overview",
                                             "gpb_expenditure", "gov_fund", "soe", "gpb_basic", "sangong"]


def test_wanli_metadata(wanli):
    assert (wanli.org, wanli.year, wanli.kind, wanli.scope, wanli.unit) == \
        ("上海市普陀区人民政府万里街道办事处", 2024, "预算", "部门", "元")


def test_wanli_cells(wanli):
    assert cell(wanli, "表9", "", "运行费") == Decimal("21.56")              # 公务用车运行费, 万元
    assert cell(wanli, "表9", "", "合计") == Decimal("47.91")
    assert cell(wanli, "表9", "", "机关运行经费预算数") == Decimal("443.18")
    assert cell(wanli, "表8", "公务用车运行维护费", "公用经费", "30231") == Decimal("215600")
    assert cell(wanli, "表8", "合计", "人员经费") == Decimal("88537451")
    assert cell(wanli, "表8", "津贴补贴", "合计", "30102") == Decimal("16623810")   # printed as "301 2"
    assert cell(wanli, "表3", "合计", "项目支出") == Decimal("56505103")
    assert cell(wanli, "表3", "行政运行", "基本支出", "2120101") == Decimal("16353248")
    assert cell(wanli, "表2", "合计", "事业收入") == Decimal("0")
    assert cell(wanli, "表1", "收入总计", "预算数") == Decimal("156211123")
    assert cell(wanli, "表4", "城乡社区支出", "一般公共预算") == Decimal("119385303")


def test_wanli_multi_page_tables_and_pages(wanli):
    t = wanli.table("表5")
    assert t.source == "pp. 22-26"                      # runs over five pages, header repeated on each
    assert len([r for r in t.rows if r.code]) == 66
    assert t.rows[-1].name == "合计" and t.rows[-1].source == "p. 26"
    assert wanli.table("表2").rows[-1].source == "p. 15"  # the 合计 row alone on its page


def test_wanli_empty_tables_keep_their_note(wanli):
    assert "空表" in wanli.table("表6").note
    assert all(v is None for r in wanli.table("表6").rows for v in r.values)


def test_wanli_all_identities_hold(wanli):
    assert failing(wanli) == []
    assert sum(c.ok for t in wanli.tables for c in t.checks) >= 350
    assert len(unverified_amounts(wanli)) == 1            # 机关运行经费: no identity covers it
    rules = [c.rule.split(" (")[0] for c in wanli.checks if c.ok]
    assert rules.count("表1 支出/表3 各类合计一致") == 9              # 支出 named by 类, not coded
    assert rules.count("表4 支出一般公共预算/表5 各类合计一致") == 9
    assert rules.count("表5 合计 ≤ 表3 合计") == 66


def test_wanli_narrative_by_page(wanli):
    texts = [s for s in wanli.sections if "政府采购预算1662.44万元" in s.text]
    assert texts and texts[0].source == "p. 32"


# ── Shanghai, 2025 (empty cells left blank; a figure glued to the next cell's text) ──────────────

def test_zhengfuban_tables(zhengfuban):
    assert [t.title.removeprefix("2025年") for t in zhengfuban.tables] == SHANGHAI_TITLES
    assert [t.unit for t in zhengfuban.tables] == ["元"] * 8 + ["万元"]
    assert (zhengfuban.org, zhengfuban.year, zhengfuban.kind) == ("上海市普陀区人民政府办公室", 2025, "预算")


def test_zhengfuban_sparse_cells_by_position(zhengfuban):
    assert cell(zhengfuban, "表9", "", "因公出国（境）费") == Decimal("839.00")
    assert cell(zhengfuban, "表9", "", "公务接待费") == Decimal("28.50")
    assert cell(zhengfuban, "表9", "", "运行费") is None                       # 公务用车运行费: 未安排
    assert cell(zhengfuban, "表9", "", "机关运行经费预算数") == Decimal("213.28")
    assert cell(zhengfuban, "表8", "商品和服务支出", "公用经费", "302") == Decimal("1932777.54")
    assert cell(zhengfuban, "表8", "商品和服务支出", "人员经费", "302") is None
    assert cell(zhengfuban, "表8", "办公设备购置", "公用经费", "31002") == Decimal("200000.00")
    assert cell(zhengfuban, "表3", "购房补贴", "项目支出", "2210203") is None
    assert cell(zhengfuban, "表3", "合计", "基本支出") == Decimal("24606775.35")
    assert cell(zhengfuban, "表4", "一般公共预算资金", "合计") == Decimal("91016775.35")
    assert cell(zhengfuban, "表4", "一般公共服务支出", "一般公共预算") == Decimal("82096797.42")


def test_zhengfuban_all_identities_hold(zhengfuban):
    assert failing(zhengfuban) == []
    assert len(unverified_amounts(zhengfuban)) == 1


# ── Jiangsu, 2019 (公开01表 … 公开12表, several tables a page, three-level 三公 header) ──────────

def test_jiangsu_tables(jiangsu):
    assert [t.id for t in jiangsu.tables] == [f"表{i}" for i in range(1, 13)]
    assert [t.title for t in jiangsu.tables][:4] == ["收支预算总表", "收入预算总表", "支出预算总表",
                                                     "财政拨款收支预算总表"]
    assert jiangsu.table("表9").title == "“三公”经费、会议费、培训费支出预算表"
    assert {t.unit for t in jiangsu.tables} == {"万元"}
    assert (jiangsu.org, jiangsu.year, jiangsu.kind, jiangsu.scope) == ("江苏省人民检察院", 2019, "预算", "部门")


def test_jiangsu_cells(jiangsu):
    assert cell(jiangsu, "表9", "", "公务用车运行维护费") == Decimal("237")
    assert cell(jiangsu, "表9", "", "公务用车购置费") is None          # placed by position
    assert cell(jiangsu, "表9", "", "公务接待费") == Decimal("101.26")
    assert cell(jiangsu, "表9", "", "培训费") == Decimal("700")
    assert cell(jiangsu, "表3", "", "单位预留机动经费") == Decimal("3990.4")
    assert cell(jiangsu, "表5", "行政运行", "金额", "2040401") == Decimal("12268.62")
    assert cell(jiangsu, "表8", "", "金额", "30108") == Decimal("1064.46")       # name wrapped around the figure
    assert cell(jiangsu, "表8", "合计", "金额") == Decimal("15844.04")
    assert cell(jiangsu, "表11", "公务用车运行维护费", "机关运行经费支出", "30231") == Decimal("237.00")
    assert jiangsu.table("表8").source == "pp. 18-19"


def test_jiangsu_all_identities_hold(jiangsu):
    assert failing(jiangsu) == []
    for i in range(1, 13):
        if i != 10:                                    # 表10 is empty by design
            assert jiangsu.table(f"表{i}").checks and all(c.ok for c in jiangsu.table(f"表{i}").checks)
    assert unverified_amounts(jiangsu) == []
    rules = {c.rule.split(" (")[0] for c in jiangsu.checks if c.ok}
    assert rules >= {"表1 收入总计 = 支出总计", "表4 收入总计 = 支出总计", "表2 总计 = 表3 合计",
                     "表1 功能分类各类 = 当年支出小计", "表1 支出 基本支出 = 表3 合计行",
                     "表5 合计 = 表4 支出合计", "表6 合计 = 表4 基本支出",
                     "表7 = 表5", "表8 = 表6", "表11 机关运行经费 ≤ 表8"}   # 表10 empty: 表7 = 表5, 表8 = 表6
    assert len([c for c in jiangsu.checks if c.rule.startswith("表8 = 表6")]) == 30


def test_jiangsu_procurement_table_by_grid_cells(jiangsu):
    """公开12表: 采购品目大类 | 专项名称 | 经济科目 | 采购物品名称 | 采购组织形式 | 总计, cells wrapped
    over up to five lines above and below their figure, over three pages."""
    t = jiangsu.table("表12")
    assert t.role == "procurement" and t.columns == ("总计",) and t.source == "pp. 22-24"
    by_level = lambda n: [(r.name, r.values[0]) for r in t.rows if r.level == n]
    assert by_level(0) == [("合计", Decimal("2744.84"))]
    assert by_level(1) == [("货物A", Decimal("303.40")), ("服务C", Decimal("2441.44"))]
    assert len(by_level(2)) == 14 and len(by_level(3)) == 24
    row = next(i for i, r in enumerate(t.rows) if r.name.startswith("网络、电子检务、实验室、机要通道、档案数字化系统运行维护费"))
    assert t.rows[row].name.endswith("（信息网络及软件购置更新）") and t.rows[row].values[0] == Decimal("100.00")
    assert [(r.name, r.values[0]) for r in t.rows if r.parent == row] == [
        ("路由器（部门集中采购）", Decimal("25.00")), ("交换设备（部门集中采购）", Decimal("25.00")),
        ("计算机软件（部门集中采购）", Decimal("50.00"))]
    assert cell(jiangsu, "表12", "台式计算机（20万以下）（政府集中采购）", "总计") == Decimal("15.00")
    assert cell(jiangsu, "表12", "交通运行费（公务用车运行维护费）", "总计") == Decimal("237.00")
    assert t.rows[-1].name == "专业技能培训服务（分散自行组织）" and t.rows[-1].source == "p. 24"
    assert len(t.checks) == 17 and all(c.ok for c in t.checks)
    assert "采购组织形式" in t.note


def test_jiangsu_side_by_side_parts(jiangsu):
    t = jiangsu.table("表1")
    assert {r.group for r in t.rows} == {"收入", "支出（功能分类）", "支出"}
    assert cell(jiangsu, "表1", "当年支出小计", "预算数") == Decimal("24169.74")   # label cell spans two parts
    assert cell(jiangsu, "表1", "单位预留机动经费", "预算数") == Decimal("3990.40")  # name wrapped in its cell
    carry = next(r for r in t.rows if r.name == "结转下年资金")      # label cell over two parts, no figure
    assert carry.group == "支出" and t.rows[carry.parent].name == "支出合计"
    assert [r.name for r in t.rows if r.group == "支出（功能分类）" and r.values[0]] == \
        ["公共安全支出", "社会保障和就业支出", "住房保障支出"]


def test_jiangsu_income_categories(jiangsu):
    """公开02表: a category cell merged over its block, each block opening with 小计."""
    t = jiangsu.table("表2")
    names = [r.name for r in t.rows]
    assert names[:3] == ["收入总计", "一般公共预算资金", "公共财政拨款（补助）资金"]
    assert t.rows[2].parent == 1 and "其他资金" in names and "事业收入" in names
    assert all(c.ok for c in t.checks)


def test_not_a_pdf(tmp_path):
    from ingest.errors import ParseError
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"this is not a pdf")
    with pytest.raises(ParseError):
        read_document(bad)
