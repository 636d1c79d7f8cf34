"""The audit on the sample: every finding it reports is listed here with the arithmetic that makes it
real, and nothing else is reported. Injected errors are found at the place they were made."""
from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal as D

from app.staff.audit import audit, to_json, to_markdown, to_text

# (rule, severity, a phrase of the message, a location) — why each is real is in the comment.
EXPECTED = [
    # 三、支出预算 项目支出 减少 11.79 万元; reasons 4 + 9.79 = 13.79 ≠ 11.79 (the 一般公共预算 paragraph has
    # 4 + 8.01 = 12.01, and 12.01 − 0.22 (结转 增加) = 11.79, so the second reason should be 7.79).
    ("change.reasons", "error", "4 + 9.79 = 13.79", "lines 820-826"),
    # 十、三公: "公务用车运行费增加0万元 … 2024 与 2025 年均未安排公务用车运行费", but 表10 公务用车运行费 2.14
    # (and the same paragraph's first sentence says 公务用车运行费 2.14 万元).
    ("narrative.unfunded", "error", "表10“公务用车运行费”安排了 2.14", "lines 1054-1066"),
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
    # 第一部分 一、主要职能 (line 5): "和静县社会保险管理局是综合管理全县…" — the unit is 和静县社会保险中心 on the
    # cover, in every table's 编制单位 and in 52 other places; 管理局 is another unit's name (or an old one).
    ("naming.unit", "warning", "“和静县社会保险管理局”", "lines 5-9"),
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


def test_findings_show_the_figures_compared_and_why(sample_doc):
    for f in audit(sample_doc):
        assert f.severity in ("error", "warning", "note")
        assert f.where and f.message and f.why and f.title and f.title != f.rule
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


def test_a_cell_two_cents_off_is_found_one_cent_is_rounding(edited_doc):
    # parts rounded to 0.01 万元 may miss their rounded total by 0.01; 0.02 is an error: 12.33 → 12.35 in 表3.
    doc = edited_doc({348: ("12.33 12.33", "12.35 12.35")})
    inside = [f for f in audit(doc) if f.rule == "identity.table"]
    assert [f.where[0].split(" /")[0] for f in inside] == ["表3 21011 行政事业单位医疗 (line 346)"]
    assert (inside[0].expected, inside[0].stated) == ("17.24", "17.22")
    doc = edited_doc({348: ("12.33 12.33", "12.34 12.34")})
    assert not [f for f in audit(doc) if f.rule == "identity.table"]


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


def test_wrong_year_of_the_figure_is_found(edited_doc):
    # a 2025 budget stating its own figure as "2026 年预算数".
    doc = edited_doc({886: ("2025 年预算数为 198.17", "2026 年预算数为 198.17")})
    found = [f for f in audit(doc) if f.rule == "period.year"]
    assert len(found) == 1 and found[0].where[0].startswith("lines 884-890")
    assert (found[0].expected, found[0].stated) == ("2025年", "2026年")


def test_comparison_with_the_wrong_year_is_found(edited_doc):
    # "比2025年预算减少" in a 2025 budget: the base must be 2024.
    doc = edited_doc({886: ("比上年预算", "比2025年预算")})
    found = [f for f in audit(doc) if f.rule == "period.base"]
    assert len(found) == 1 and found[0].where[0].startswith("lines 884-890")
    assert (found[0].expected, found[0].stated) == ("2024年", "2025年") and "写成了本年" in found[0].message


def test_income_and_expenditure_changing_differently_is_found(edited_doc):
    doc = edited_doc({768: ("收支总预算 367.34 万元。", "收支总预算 367.34 万元。收入预算 367.34 万元，比上年预算增加 10.00 万元；"
                                                     "支出预算 367.34 万元，比上年预算增加 12.00 万元。")})
    found = [f for f in audit(doc) if f.rule == "change.balance"]
    assert len(found) == 1 and (found[0].expected, found[0].stated) == ("10.00", "12.00")
    assert found[0].where == ("lines 766-768 “收入预算”", "lines 766-768 “支出预算”")


def test_a_missing_required_table_is_found(sample_doc):
    # the 三公 table taken out (and the later tables renumbered, as a document without it would be).
    kept = [t for t in sample_doc.tables if t.role != "sangong"]
    tables = tuple(replace(t, id=f"表{i}") for i, t in enumerate(kept, 1))
    found = [f for f in audit(replace(sample_doc, tables=tables, checks=())) if f.rule == "completeness.missing"]
    assert [f.expected for f in found] == ["“三公”经费表"]


def test_an_empty_table_without_its_note_is_found(sample_doc):
    tables = tuple(replace(t, note="") if t.id == "表8" else t for t in sample_doc.tables)
    sections = tuple(s for s in sample_doc.sections if "政府性基金" not in s.text + "".join(s.path))
    found = [f for f in audit(replace(sample_doc, tables=tables, sections=sections)) if f.rule.startswith("completeness")]
    assert [(f.rule, f.where) for f in found] == [("completeness.empty_note", ("表8 (lines 642-664)",))]


def test_a_table_said_empty_that_has_figures_is_found(sample_doc):
    tables = tuple(replace(t, note="本表为空表。") if t.id == "表10" else t for t in sample_doc.tables)
    found = [f for f in audit(replace(sample_doc, tables=tables)) if f.rule.startswith("completeness")]
    assert [(f.rule, f.where[0]) for f in found] == [("completeness.not_empty", "表10 (lines 694-721)")]


def test_one_code_with_two_names_is_found(edited_doc):
    doc = edited_doc({348: ("行政单位医疗", "事业单位医疗")})
    found = [f for f in audit(doc) if f.rule == "completeness.code_name"]
    assert len(found) == 1 and "2101101" in found[0].message
    assert (found[0].expected, found[0].stated) == ("行政单位医疗", "事业单位医疗")
    assert found[0].where[1] == "表3 2101101 事业单位医疗 (line 348)"


def test_another_name_for_the_unit_is_found(edited_doc):
    doc = edited_doc({1126: ("3.办公家具价值", "3.和静县社会保险服务中心办公家具价值")})
    found = [f for f in audit(doc) if f.rule == "naming.unit"]
    assert {f.stated for f in found} == {"和静县社会保险管理局", "和静县社会保险服务中心"}
    assert any(f.where == ("line 1126",) for f in found)


def test_output_formats(sample_doc):
    findings = audit(sample_doc)
    data = json.loads(to_json(sample_doc, findings))
    assert data["count"] == len(findings)
    assert set(data["findings"][0]) == {"rule", "severity", "message", "where", "expected", "stated", "why", "title"}
    problem = data["reading_problems"][0]          # ingest's Finding today, its ReadingProblem later
    assert problem.get("rule", problem.get("kind")) == "ambiguous-placement" and problem["message"]
    text = to_text(sample_doc, findings)
    assert "change.reasons" in text and "原因所列金额合计与增减额不符" in text
    assert to_markdown(sample_doc, findings).count("\n| ") == len(findings) + 1


def test_markdown_escapes_document_text(sample_doc):
    doc = replace(sample_doc, org="[点我](http://x.example)")
    md = to_markdown(doc, audit(sample_doc))
    assert "[点我](http://x.example)" not in md and "\\[点我\\]" in md


def test_rounding_of_the_text_is_respected(sample_doc):
    # 22.04 ÷ 361.61 = 6.0949…% → 6.09% (the text) although the three shares add up to 99.99%.
    assert round(D("22.04") / D("361.61") * 100, 2) == D("6.09")
    assert not [f for f in audit(sample_doc) if f.rule == "narrative.share"]


def test_a_heading_with_another_year_is_found(edited_doc):
    doc = edited_doc({762: ("2025 年单位预算情况说明", "2024 年单位预算情况说明")})
    found = [f for f in audit(doc) if f.rule == "period.year"]
    assert len(found) == 1 and "2024年单位预算情况说明" in found[0].message
    assert found[0].where == ("标题“第三部分2024年单位预算情况说明”（lines 766-768 之上）",)
    assert (found[0].expected, found[0].stated) == ("2025年", "2024年")


def test_income_and_expenditure_rates_that_differ_are_found(edited_doc):
    doc = edited_doc({768: ("收支总预算 367.34 万元。", "收支总预算 367.34 万元。收入预算 367.34 万元，比上年预算增长 2.00%；"
                                                     "支出预算 367.34 万元，比上年预算增长 3.00%。")})
    found = [f for f in audit(doc) if f.rule == "change.balance"]
    assert len(found) == 1 and (found[0].expected, found[0].stated) == ("2.00%", "3.00%")


def test_a_code_printed_with_another_codes_name_everywhere_is_found(sample_doc):
    # 2101101 is 行政单位医疗 in the 政府收支分类科目 (app/staff/subject_codes.tsv); 事业单位医疗 is 2101102.
    tables = tuple(replace(t, rows=tuple(replace(r, name="事业单位医疗") if r.code == "2101101" else r for r in t.rows))
                   for t in sample_doc.tables)
    found = [f for f in audit(replace(sample_doc, tables=tables)) if f.rule == "completeness.code_name"]
    assert found and all("“事业单位医疗”的编码是 2101102" in f.message for f in found)
    assert found[0].stated == "2101101 事业单位医疗" and found[0].expected == "2101102 事业单位医疗"
