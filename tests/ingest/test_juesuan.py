"""部门决算 (final accounts) PDFs of ../shared/corpus/juesuan (issue 18): the national template's nine tables,
read by their titles and column headers; every identity that holds in the printed document verified; the
template itself recognised as a template (every table printed, none filled, the unit written 上海市 XX 局).

The PDFs stay in ../shared (never copied here); the tests skip, naming the folder, when it is absent.
Golden files of the parsed tables: tests/golden/<doc>.json (python -m tests.golden.regen).
"""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.document import read_document, unverified_amounts
from tests.golden.regen import SHARED_SOURCES, golden_view
from tests.conftest import juesuan_doc

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
D = Decimal

# the national 部门决算 template's tables, as printed (Shanghai 2024)
TITLES = ["收入支出决算总表", "收入决算表", "支出决算表", "财政拨款收入支出决算总表", "一般公共预算财政拨款支出决算表",
          "一般公共预算财政拨款基本支出决算表", "财政拨款“三公”经费支出决算表", "政府性基金预算财政拨款收入支出决算表",
          "国有资本经营预算财政拨款收入支出决算表"]
ROLES = ["overview", "income", "expenditure", "fiscal_overview", "gpb_expenditure", "gpb_basic", "sangong", "gov_fund", "soe"]


doc = juesuan_doc


def value(d, table: str, row: str, column: str, group: str = "") -> Decimal | None:
    t = d.table(table)
    rows = [r for r in t.rows if row in (r.code, r.name) and (not group or r.group == group)]
    assert len(rows) == 1, f"{table} {row}: {len(rows)} rows"
    return rows[0].values[t.columns.index(column)]


@pytest.mark.parametrize("name", ["putuo-caizhengju-2024-juesuan", "putuo-shehuigongzuobu-2024-juesuan",
                                  "juesuan-template-2024"])
def test_tables_by_title(name):
    d = doc(name)
    assert [t.title for t in d.tables] == TITLES
    assert [t.role for t in d.tables] == ROLES
    assert d.kind.startswith("决算") and d.year == 2024 and d.scope == "部门"


def test_units():
    assert doc("putuo-caizhengju-2024-juesuan").org == "上海市普陀区财政局"
    assert doc("putuo-shehuigongzuobu-2024-juesuan").org == "中共上海市普陀区委社会工作部"


def test_template_recognised():
    """Every table printed and none filled, the unit a placeholder: a template, not a unit's 决算."""
    d = doc("juesuan-template-2024")
    assert (d.kind, d.org) == ("决算模板", "上海市XX局")
    assert sum(v is not None for t in d.tables for r in t.rows for v in r.values) == 0
    assert not d.findings and not d.reading_problems


@pytest.mark.parametrize("name", sorted(SHARED_SOURCES))
def test_golden_tables(name):
    expected = json.loads((GOLDEN / f"{name}.json").read_text())
    got = json.loads(json.dumps(golden_view(doc(name)), ensure_ascii=False))
    for g, e in zip(got["tables"], expected["tables"]):
        assert g == e, f"{g['id']} differs from its golden file"
    assert got == expected


def test_caizhengju_figures():
    d = doc("putuo-caizhengju-2024-juesuan")
    # 收入支出决算总表: both sides, 收入 = 本年收入合计 + 年初结转和结余, 支出 = 本年支出合计 + 年末结转和结余
    assert value(d, "表1", "本年收入合计", "决算数", "收入") == D("2946.25")
    assert value(d, "表1", "年初结转和结余", "决算数", "收入") == D("49.14")
    assert value(d, "表1", "本年支出合计", "决算数", "支出") == D("2940.05")
    assert value(d, "表1", "年末结转和结余", "决算数", "支出") == D("55.34")
    # 支出决算表: a row with only 项目支出 keeps it in its column (the hierarchy and x-positions agree)
    assert value(d, "表3", "2010607", "项目支出") == D("135.25")
    assert value(d, "表3", "2010607", "基本支出") is None
    assert value(d, "表3", "2010601", "项目支出") == D("8.37")
    # 基本支出决算表 in two halves: 人员经费 (301, 303) | 公用经费 (302, 310)
    assert value(d, "表6", "人员经费合计", "决算数") == D("2152.26")
    assert value(d, "表6", "公用经费合计", "决算数") == D("184.65")
    assert value(d, "表6", "30201", "决算数", "公用经费") == D("21.21")
    assert value(d, "表6", "30102", "决算数", "人员经费") == D("1238.58")
    # “三公” 预算数 | 决算数 per item
    t = d.table("表7")
    assert t.rows[0].values[t.columns.index("预算数/合计")] == D("0.95")
    assert t.rows[0].values[t.columns.index("预算数/公务接待费")] == D("0.95")
    assert t.rows[0].values[t.columns.index("决算数/合计")] is None


def test_caizhengju_identities():
    """Every identity holds but one the document itself breaks: 表6 302 商品和服务支出 is printed 171.07,
    its items as printed add up to 171.09 (21.21 + 7.61 + 0.09 + 4.88 + 1.20 + 2.83 + 4.05 + 2.01 + 24.42 +
    42.77 + 48.49 + 11.53)."""
    d = doc("putuo-caizhengju-2024-juesuan")
    failing = [f"{t.id} {c.rule}" for t in d.tables for c in t.checks if not c.ok] + \
        [c.rule for c in d.checks if not c.ok]
    assert failing == ["表6 层级求和: 302 商品和服务支出 = Σ 下级"]
    rules = {c.rule for c in d.checks if c.ok}
    assert {"表1 本年收入合计 = 表2 合计", "表1 本年支出合计 = 表3 合计", "表4 本年收入合计 = 表2 财政拨款收入",
            "表6 人员经费合计 + 公用经费合计 = 表5 基本支出", "表1 收入总计 = 支出总计", "表4 收入总计 = 支出总计"} <= rules
    # the 表1 收入 side: 总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余 (its hierarchy)
    assert all(c.ok for c in d.table("表1").checks) and len(d.table("表1").checks) >= 2
    # only the items of the failing 302 are unverified
    assert len(unverified_amounts(d)) == 12


def test_shehuigongzuobu_all_verified():
    d = doc("putuo-shehuigongzuobu-2024-juesuan")
    assert all(c.ok for t in d.tables for c in t.checks) and all(c.ok for c in d.checks)
    assert unverified_amounts(d) == []
    assert value(d, "表6", "津贴补贴", "决算数") == D("39.72")
    assert value(d, "表3", "2013999", "项目支出") == D("202.24")
    # the “三公” table is printed without figures (说明: 本年度没有财政拨款“三公”经费支出)
    assert d.table("表7").rows == () and "没有财政拨款“三公”经费支出" in d.table("表7").note


def test_income_and_expenditure_differ_by_subject_in_a_final_account():
    """A 决算's 收入决算表 and 支出决算表 differ where income was left over (一般行政管理事务: 16.19 received,
    10.00 spent; 其他收入 6.19 went to 年末结转和结余): the 预算 identity 收入 = 支出 by 科目 is not checked."""
    d = doc("putuo-caizhengju-2024-juesuan")
    assert value(d, "表2", "2010602", "合计") == D("16.19") and value(d, "表3", "2010602", "合计") == D("10.00")
    assert not [c for c in d.checks if "各科目总计一致" in c.rule]
