"""The audit on the sample: every finding listed with the reason it is real, and injected errors found."""
import re
from decimal import Decimal

import pytest

from app.audit import audit_document, render
from app.draft import PRIOR, draft
from ingest.document import read_document

# Every finding the audit reports on the sample, and why it is real.
EXPECTED = {
    ("unfunded-contradiction", "公务用车运行费"):
        "十、says 2024 and 2025 均未安排公务用车运行费, while 表10 (and 表6 30231) fund 2.14 万元",
    ("change-rate", "下降-100%"):
        "十、公务接待费 '减少 0.14 万元，下降-100%': a decrease written with a minus sign as well",
    ("reason-parts", "项目支出"):
        "三、项目支出 fell 11.79 万元 but the reasons listed add up to 4 + 9.79 = 13.79 万元 "
        "(二、gives the same cut as 4 + 8.01 = 12.01)",
    ("naming", "2025年5月"):
        "二、dates the 生活补助 period 2024年4月-2025年5月; 表11, 十一、and the 绩效目标表 say 2024年4月-2025年3月",
    ("unit", "3673292.35"):
        "(四) 预算绩效: '涉及预算金额 3673292.35 万元' is 367.33 万元 in 元 — the unit's whole budget",
    ("head-count", "人员总数 16"):
        "单位整体绩效目标: 人员总数 16 名 while 其中 在职 16 + 退休 16 = 32 (概况 says 实有人数 32)",
    ("standard", "207 人"):
        "207 人 × 120 元 × 12 月 = 29.81 万元 against the project's 29.88 万元 (a warning, tolerance shown)",
    ("standard", "277 人"):
        "277 人 × 120 元 × 12 月 = 39.89 万元 against the project's 40.00 万元 (a warning, tolerance shown)",
}


def key_of(f) -> tuple[str, str] | None:
    for rule, needle in EXPECTED:
        if f.rule == rule and needle in f.message:
            return rule, needle
    return None


def test_sample_findings_are_exactly_the_real_ones(sample_doc):
    findings = audit_document(sample_doc).findings
    keys = [key_of(f) for f in findings]
    assert None not in keys, [f.message for f, k in zip(findings, keys) if k is None]
    assert sorted(keys) == sorted(EXPECTED)
    assert len({f.rule for f in findings}) >= 4
    for f in findings:
        assert f.severity in ("error", "warning", "note") and f.locations


def test_findings_name_their_places(sample_doc):
    by_rule = {f.rule: f for f in audit_document(sample_doc).findings}
    unfunded = by_rule["unfunded-contradiction"]
    assert any("表10 › 公务用车运行费 › 合计（line 721）" in p for p in unfunded.locations)
    assert any("lines 1054-1066" in p for p in unfunded.locations)
    assert unfunded.expected == "2.14 万元" and unfunded.stated == "未安排（0）"
    assert "lines 820-826" in by_rule["reason-parts"].locations[0]


def inject(tmp_path, sample_path, old, new):
    text = sample_path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path = tmp_path / "hejing-shebao-2025.txt"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return read_document(path)


def new_findings(sample_doc, doc):
    before = {f.message for f in audit_document(sample_doc).findings}
    return [f for f in audit_document(doc).findings if f.message not in before]


def test_injected_cell_change_is_found(tmp_path, sample_path, sample_doc):
    doc = inject(tmp_path, sample_path, "302 01 办公费 6.36 6.36", "302 01 办公费 6.46 6.46")
    found = new_findings(sample_doc, doc)
    assert found and all(f.rule in ("table-identity", "cross-table") for f in found)
    [f] = found
    assert "表6" in f.message and "302 商品和服务支出" in f.message and "11.43" in f.stated


def test_injected_narrative_figure_is_found(tmp_path, sample_path, sample_doc):
    doc = inject(tmp_path, sample_path, "3、住房保障支出(类)22.04 万元", "3、住房保障支出(类)22.40 万元")
    [f] = new_findings(sample_doc, doc)
    assert f.rule == "narrative-vs-table" and f.stated == "22.40 万元" and f.expected == "22.04 万元"
    assert any("line 880" in p for p in f.locations)


def test_injected_wrong_percentage_is_found(tmp_path, sample_path, sample_doc):
    doc = inject(tmp_path, sample_path, "比上年预算增加 0.18 万元，增长 0.82%", "比上年预算增加 0.18 万元，增长 0.28%")
    [f] = new_findings(sample_doc, doc)
    assert f.rule == "change-rate" and f.stated == "0.28%" and f.expected == "0.82%"


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_render_formats(sample_doc, fmt):
    out = render(audit_document(sample_doc), fmt)
    assert "公务用车运行费" in out


def test_draft_figures_come_from_the_tables(sample_doc):
    paragraphs = draft(sample_doc, "全部")
    assert [p.part for p in paragraphs] == ["收入", "支出", "财政拨款", "一般公共预算", "基本支出", "三公"]
    cells = {v for t in sample_doc.tables for r in t.rows for v in r.values if v is not None} | {Decimal("0.00")}
    text = "\n".join(p.text for p in paragraphs)
    for amount in re.findall(r"(\d+\.\d{2})万元", text):
        assert Decimal(amount) in cells, amount
    assert "其中：一般公共预算291.73万元，占79.42%" in text          # 291.73 / 367.34
    assert "卫生健康支出（类）17.22万元，占4.76%" in text              # 17.22 / 361.61
    assert text.count(PRIOR) >= 5 and "【上年数】" in text           # last year's figures are not guessed
    sangong = next(p for p in paragraphs if p.part == "三公")
    assert sangong.source.startswith("和静县社会保险中心 2025 年财政拨款“三公”经费数为 2.14 万元")
    assert sangong.diff
