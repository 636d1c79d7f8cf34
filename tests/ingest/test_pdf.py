"""Real published PDFs of three templates (read from ../shared/corpus; skipped when it is absent)."""
from decimal import Decimal

import pytest

from ingest.document import read_document, unverified_amounts

D = Decimal


@pytest.fixture(scope="module")
def pdfs(shared_dir):
    corpus = shared_dir / "corpus"
    docs = {}
    for name in ("putuo-zhengfuban-2025", "putuo-wanli-2024", "jiangsu-jianchayuan-2019"):
        path = corpus / f"{name}.pdf"
        if not path.exists():
            pytest.skip(f"{path} is absent")
        docs[name] = read_document(path)
    return docs


def cell(doc, table_id, row, column):
    t = doc.table(table_id)
    r = next(r for r in t.rows if row in (r.code, r.name))
    c = next(i for i, name in enumerate(t.columns) if name == column or name.split("/")[-1] == column)
    return r.values[c]


SHANGHAI_TITLES = ["部门财务收支预算总表", "部门收入预算总表", "部门支出预算总表", "部门财政拨款收支预算总表",
                   "部门一般公共预算支出功能分类预算表", "部门政府性基金预算支出功能分类预算表",
                   "部门国有资本经营预算支出功能分类预算表", "部门一般公共预算基本支出部门预算经济分类预算表",
                   "部门“三公”经费和机关运行经费预算表"]


@pytest.mark.parametrize("name,org,year", [("putuo-zhengfuban-2025", "上海市普陀区人民政府办公室", 2025),
                                           ("putuo-wanli-2024", "上海市普陀区人民政府万里街道办事处", 2024)])
def test_shanghai_template(pdfs, name, org, year):
    d = pdfs[name]
    assert (d.org, d.year, d.kind, d.scope) == (org, year, "预算", "部门")
    assert [t.id for t in d.tables] == [f"表{i}" for i in range(1, 10)]
    assert [t.title.removeprefix(f"{year}年") for t in d.tables] == SHANGHAI_TITLES
    assert [t.unit for t in d.tables] == ["元"] * 8 + ["万元"]
    assert [c for t in d.tables for c in t.checks if not c.ok] == [] and [c for c in d.checks if not c.ok] == []
    assert [f for f in d.findings if f.severity == "error"] == []
    # the 机关运行经费 figure stands alone in its table: no identity covers it
    assert [u.split(" / ")[1] for u in unverified_amounts(d)] == ["机关运行经费预算数 = " + u.split(" = ")[1]
                                                                  for u in unverified_amounts(d)]
    assert all(r.source.startswith("p.") for t in d.tables for r in t.rows)


def test_zhengfuban_cells(pdfs):
    d = pdfs["putuo-zhengfuban-2025"]
    assert cell(d, "表1", "收入总计", "预算数") == D("91016775.35")
    assert cell(d, "表2", "合计", "财政拨款收入") == D("91016775.35")
    assert cell(d, "表3", "2010301", "基本支出") == D("11919501.84")
    assert cell(d, "表3", "2010302", "基本支出") is None                   # a sparse row
    assert cell(d, "表3", "2010302", "项目支出") == D("46140000.00")
    assert cell(d, "表5", "2210203", "合计") == D("1867680.00")          # continued on the next page
    assert cell(d, "表8", "30217", "公用经费") == D("185000.00")
    assert cell(d, "表8", "合计", "人员经费") == D("22473997.81")
    assert cell(d, "表9", "合计", "“三公”经费预算数/合计") == D("867.50")
    assert cell(d, "表9", "合计", "因公出国(境)费") == D("839.00")
    assert cell(d, "表9", "合计", "公务接待费") == D("28.50")
    assert cell(d, "表9", "合计", "机关运行经费预算数") == D("213.28")


def test_wanli_cells(pdfs):
    d = pdfs["putuo-wanli-2024"]
    assert cell(d, "表1", "支出总计", "预算数") == D("156211123")
    assert cell(d, "表3", "212", "基本支出") == D("76609000")
    assert cell(d, "表8", "30107", "合计") == D("11447100")            # printed "301 7 绩效工资"
    assert cell(d, "表8", "30231", "公用经费") == D("215600")
    assert cell(d, "表9", "合计", "运行费") == D("21.56")
    assert cell(d, "表9", "合计", "购置费") == D("25")
    assert cell(d, "表9", "合计", "公务接待费") == D("1.35")
    assert "为空表" in d.table("表7").note


def test_jiangsu_template(pdfs):
    d = pdfs["jiangsu-jianchayuan-2019"]
    assert (d.org, d.year) == ("江苏省人民检察院", 2019)
    assert [t.id for t in d.tables] == [f"公开{i:02d}表" for i in range(1, 13)]
    assert all(t.unit == "万元" for t in d.tables)
    assert cell(d, "公开05表", "2040410", "金额") == D("1185.60")
    assert cell(d, "公开08表", "30108", "金额") == D("1064.46")        # name wrapped around its figure
    assert cell(d, "公开09表", "合计", "公务用车运行维护费") == D("237")   # placed by 公开06表's 30231
    assert cell(d, "公开09表", "合计", "公务用车购置费") is None
    assert cell(d, "公开09表", "合计", "培训费") == D("700")
    assert cell(d, "公开03表", "合计", "单位预留机动经费") == D("3990.4")
    assert "此表为空" in d.table("公开10表").note
    ok = {t.id for t in d.tables if t.checks and all(c.ok for c in t.checks)}
    assert {"公开05表", "公开06表", "公开07表", "公开08表", "公开09表"} <= ok
    # Known gaps: the three-way 收支总表 (公开01表/04表) and the vertical 收入预算总表 (公开02表) are
    # read with their groups mixed up; their failing identities are reported as findings.
    assert {f.where for f in d.findings if f.severity == "error"} <= {"公开01表", "公开02表", "公开04表", "公开12表"}
