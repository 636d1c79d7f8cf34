"""`audit` on the 部门决算 PDFs of ../shared/corpus/juesuan (issue 18): every finding listed, with why it is
real; none for a table that is there (the shehuigongzuobu 决算 has all nine under the template's titles);
a copy with one table removed gets a "missing table" finding naming it."""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace

import pytest

from app.staff.audit import audit
from ingest.document import read_document
from tests.conftest import SHARED, juesuan_doc

JUESUAN = SHARED / "corpus" / "juesuan"


doc = juesuan_doc


def test_caizhengju_findings():
    found = audit(doc("putuo-caizhengju-2024-juesuan"))
    assert [(f.rule, f.expected, f.stated) for f in found] == [
        # real: 表6 prints 302 商品和服务支出 171.07 while its printed items add up to 171.09
        ("identity.table", "171.09", "171.07"),
        # real: 情况说明 四 says "财政拨款收入支出总计0.3万元", 表4 总计 is 2961.68 (its own section 五 gives
        # 2940.05 spent and 21.63 carried over, which add up to 2961.68)
        ("narrative.amount", "2961.7", "0.3"),
    ]
    assert "302 商品和服务支出" in found[0].message and found[0].why
    assert "财政拨款收入支出总计" in found[1].message and found[1].why


def test_shehuigongzuobu_findings():
    found = audit(doc("putuo-shehuigongzuobu-2024-juesuan"))
    # real: "一般公共预算财政拨款支出年初预算为 0 万元，全年预算为 321.02 万元，支出决算为 307.82 万元，完成年初预算的
    # 95.89%" — 95.89% is 307.82 ÷ 321.02, the 全年 budget; of a 年初 budget of 0 there is no rate
    assert [(f.rule, f.stated) for f in found] == [("final.rate", "95.89%")]
    assert "321.02" in found[0].message and "95.89%" in found[0].message and found[0].why
    # all nine tables are there under the template's titles: no missing table
    assert not [f for f in found if f.rule == "completeness.missing"]


def test_template_has_all_its_tables():
    assert audit(doc("juesuan-template-2024")) == []


@pytest.mark.parametrize("title", ["财政拨款“三公”经费支出决算表", "政府性基金预算财政拨款收入支出决算表"])
def test_missing_table_named(title):
    """The document without one table (later tables renumbered, as a document printed without it)."""
    d = doc("putuo-shehuigongzuobu-2024-juesuan")
    kept = [t for t in d.tables if t.title != title]
    tables = tuple(replace(t, id=f"表{i}") for i, t in enumerate(kept, 1))
    found = [f for f in audit(replace(d, tables=tables, checks=())) if f.rule == "completeness.missing"]
    assert [(f.expected, f.stated) for f in found] == [(title, "缺失")]
    assert title in found[0].message


@pytest.mark.skipif(not (shutil.which("pdfseparate") and shutil.which("pdfunite")),
                    reason="poppler's pdfseparate/pdfunite are not installed (needed to print a copy without a page)")
def test_pdf_copy_without_a_table_page(tmp_path):
    """A copy of the 财政局 决算 PDF printed without its 政府性基金 table's page (p. 19)."""
    src = JUESUAN / "putuo-caizhengju-2024-juesuan.pdf"
    if not src.is_file():
        pytest.skip(f"{src} is absent: the 决算 PDFs of ../shared/corpus/juesuan are not available")
    subprocess.run(["pdfseparate", str(src), str(tmp_path / "p-%d.pdf")], check=True, capture_output=True)
    pages = sorted(tmp_path.glob("p-*.pdf"), key=lambda p: int(p.stem[2:]))
    copy = tmp_path / "putuo-caizhengju-2024-juesuan.pdf"
    subprocess.run(["pdfunite", *[str(p) for p in pages if p.stem != "p-19"], str(copy)], check=True,
                   capture_output=True)
    d = read_document(copy)
    assert "政府性基金预算财政拨款收入支出决算表" not in [t.title for t in d.tables]
    found = [f for f in audit(d) if f.rule == "completeness.missing"]
    assert [f.expected for f in found] == ["政府性基金预算财政拨款收入支出决算表"]
