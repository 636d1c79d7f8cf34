"""The audit on the sample: every finding it reports is listed here with the arithmetic that makes it
real, and nothing else is reported. Injected errors are found at the place they were made."""
from __future__ import annotations

import json
from decimal import Decimal as D

from app.staff.audit import audit, to_json, to_markdown, to_text

# (rule, severity, a phrase of the message, a location) — why each is real is in the comment.
EXPECTED = [
    # 三、支出预算 项目支出 减少 11.79 万元; reasons 4 + 9.79 = 13.79 ≠ 11.79 (the 一般公共预算 paragraph has
    # 4 + 8.01 = 12.01, and 12.01 − 0.22 (结转 增加) = 11.79, so the second reason should be 7.79).
    ("change.reasons", "error", "4 + 9.79 = 13.79", "lines 820-826"),
    # 十、三公: "公务用车运行费增加0万元 … 2024 与 2025 年均未安排公务用车运行费", but 表10 公务用车运行费 2.14
    # (and the same paragraph's first sentence says 公务用车运行费 2.14 万元).
    ("narrative.unfunded", "error", "表10“公务用车运行费”安排了 2.14 万元", "lines 1054-1066"),
    # 二、收入 财政拨款结转 reason: "2024 年 4 月-2025 年 5 月生活补助", while 表11 (line 754-756) and 十一
    # (line 1082) name the project's period "2024 年 4 月-2025 年 3 月".
    ("naming.period", "error", "2024年4月-2025年5月", "lines 802-806"),
    # 绩效目标表: "人员总数 16 名，其中：在职 16 名，退休 16 名，离休 0 名" — 16 + 16 + 0 = 32 ≠ 16.
    ("naming.people", "error", "在职 16 + 退休 16 + 离休 0 = 32", "lines 1171-1179"),
    # 第一部分 says 实有人数 32人 (在职 16 + 退休 16); the 绩效 table says 人员总数 16 and 实有人员 16.
    ("naming.people", "error", "实有人数 32（lines 31-37）", "lines 31-37"),
    # (四) 预算绩效: "涉及预算金额 3673292.35 万元" — 10,000 × the unit's whole budget of 367.34 万元; as 元 it is
    # 367.33 万元 (上级 756040.00 + 本级 2917252.35 in the 绩效 table are 元 too).
    ("units", "error", "3673292.35万元", "lines 1144-1148"),
    # 二、收入: "一般公共预算 291.73 万元，占 79.42%" — 表1 一般公共预算拨款 is 361.61 万元 (line 54); 291.73 is its
    # 一般财力 part (line 56), the other part 69.88 being the 上级转移支付 stated next.
    ("naming.label", "warning", "表1“一般公共预算拨款”为 361.61 万元", "lines 778-784"),
    # 七、项目(一): 207 人 × 120 元/月/人 × 12 个月 = 298,080 元 = 29.81 万元 vs 预算安排规模 29.88 万元.
    ("standard", "warning", "207 人 × 120 元/月/人 × 12 个月 = 29.81 万元", "line 996"),
    # 七、项目(二): 277 × 120 × 12 = 398,880 元 = 39.89 万元 vs 40.00 万元.
    ("standard", "warning", "277 人 × 120 元/月/人 × 12 个月 = 39.89 万元", "line 1016"),
    # 十、三公: "公务接待费减少 0.14 万元，下降-100%" — 下降 already gives the direction: 0.14 ÷ 0.14 = 下降 100%.
    ("change.sign", "note", "下降-100%", "lines 1054-1066"),
]


def _match(f, rule, severity, phrase, where):
    return f.rule == rule and f.severity == severity and phrase in f.message and any(where in w for w in f.where)


def test_sample_findings_are_exactly_the_known_ones(sample_doc):
    findings = audit(sample_doc)
    for exp in EXPECTED:
        assert any(_match(f, *exp) for f in findings), exp
    for f in findings:
        assert any(_match(f, *exp) for exp in EXPECTED), f"unexpected finding: {f}"
    assert len(findings) == len(EXPECTED)
    assert len({f.rule.split(".")[0] for f in findings}) >= 4


def test_findings_show_the_figures_compared(sample_doc):
    for f in audit(sample_doc):
        assert f.severity in ("error", "warning", "note")
        assert f.where and f.message
        assert f.expected and f.stated, f


def test_changed_table_cell_breaks_identities(edited_doc):
    # 表3 行政单位医疗 12.33 → 12.43: 表3 no longer adds up, and disagrees with 表2.
    doc = edited_doc({348: ("12.33 12.33", "12.43 12.43")})
    found = [f for f in audit(doc) if f.rule.startswith(("identity", "ingest"))]
    cross = [f for f in found if f.rule == "identity.cross"]
    assert any("表3 2101101 行政单位医疗 (line 348)" in f.where and "表2 2101101 行政单位医疗 (line 221)" in f.where
               and (f.expected, f.stated) == ("12.33", "12.43") for f in cross)
    inside = [f for f in found if f.rule == "identity.table"]
    assert any(f.where[0].startswith("表3 21011 行政事业单位医疗 (line 346)") for f in inside)
    assert not [f for f in found if f.rule.startswith("ingest")]     # not reported twice


def test_amount_in_the_wrong_unit_is_found(edited_doc):
    doc = edited_doc({1102: ("6.62", "66200.00")})
    found = [f for f in audit(doc) if f.rule == "units" and f.where[0] == "lines 1102-1106"]
    assert len(found) == 1 and found[0].expected == "6.62 万元"


def test_changed_narrative_amount_is_found_at_its_line(edited_doc):
    doc = edited_doc({846: ("17.22", "17.52")})
    found = [f for f in audit(doc) if f.rule == "narrative.amount"]
    assert len(found) == 1
    assert found[0].where[0].startswith("line 846") and found[0].stated == "17.52"
    assert found[0].expected == "17.22" and "表4" in found[0].where[1]


def test_wrong_share_is_found(edited_doc):
    doc = edited_doc({876: ("89.14%", "88.14%")})
    found = [f for f in audit(doc) if f.rule == "narrative.share"]
    assert len(found) == 1 and found[0].where[0].startswith("line 876")
    assert found[0].expected == "89.14%" and found[0].stated == "88.14%"


def test_wrong_change_percentage_is_found(edited_doc):
    # 行政单位医疗 12.33, 增加 0.04: 0.04 ÷ 12.29 = 0.33%, not 0.53%.
    doc = edited_doc({928: ("增长0.33%", "增长0.53%")})
    found = [f for f in audit(doc) if f.rule == "change.percent"]
    assert len(found) == 1 and found[0].where[0].startswith("lines 926-928")
    assert found[0].expected == "0.33%" and found[0].stated == "0.53%"


def test_wrong_project_amount_is_found(edited_doc):
    doc = edited_doc({996: ("29.88", "29.98")})
    found = [f for f in audit(doc) if f.rule == "narrative.amount"]
    assert len(found) == 1 and found[0].expected == "29.88" and "表7" in found[0].where[1]


def test_parts_of_a_change_that_do_not_add_up_are_found(edited_doc):
    # 三公 减少 0.14 = 出国 0 + 购置 0 + 运行 0 − 接待 0.14; make 接待 减少 0.24.
    doc = edited_doc({1064: ("减少 0.14", "减少 0.24")})
    found = [f for f in audit(doc) if f.rule == "change.parts"]
    assert len(found) == 1 and found[0].where[0].startswith("lines 1054-1066")
    assert found[0].expected == "-0.14" and found[0].stated == "-0.24"


def test_reasons_that_add_up_are_not_reported(edited_doc):
    doc = edited_doc({824: ("9.79", "7.79")})
    assert not [f for f in audit(doc) if f.rule == "change.reasons"]


def test_output_formats(sample_doc):
    findings = audit(sample_doc)
    data = json.loads(to_json(sample_doc, findings))
    assert data["count"] == len(findings)
    assert set(data["findings"][0]) == {"rule", "severity", "message", "where", "expected", "stated"}
    assert "change.reasons" in to_text(sample_doc, findings)
    assert to_markdown(sample_doc, findings).count("\n| ") == len(findings) + 1


def test_rounding_of_the_text_is_respected(sample_doc):
    # 22.04 ÷ 361.61 = 6.0949…% → 6.09% (the text) although the three shares add up to 99.99%.
    assert round(D("22.04") / D("361.61") * 100, 2) == D("6.09")
    assert not [f for f in audit(sample_doc) if f.rule == "narrative.share"]
