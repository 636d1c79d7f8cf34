"""The audit on every published document of the shared corpus (skipped without ../shared/corpus).

For each document, every finding is listed with the reason it is real, checked by reading the PDF
(``pdftotext -layout`` and the page images); nothing else may be reported — in particular nothing we
failed to read. Then one error of each kind is made in a copy of the document's statements or cells
(tests/app/staff/injections.py) and must be found where it was made.

Two-file years (narrative and tables published apart) are read as one document: the tables file's
tables with the narrative file's paragraphs (conftest.corpus_doc), until ingest groups them.
"""
from __future__ import annotations

import pytest

from app.staff.audit import audit
from app.staff.reading import unreadable_tables

from .conftest import corpus_doc
from .injections import KINDS, found

# doc → [(rule, severity, a phrase of the message, the first place)]
EXPECTED = {
    "jiangsu-jianchayuan-2019": [
        # p. 25: 收支预算总计 24,169.74, "各增加2214.39万元，增长10.06%": 2214.39 ÷ (24169.74 − 2214.39 = 21955.35,
        # which is 2018's 总计 in jiangsu-jianchayuan-2018) = 10.09%, not 10.06%.
        ("change.percent", "error", "2214.39 ÷ 21955.35 = 10.09%，说明为 10.06%", "p. 25"),
        # p. 26: 项目支出 4335.3, "减少了1237.7万元，减少13.22%": 1237.7 ÷ 5573 = 22.21%; 13.22% is the 基本支出's
        # rate of the sentence before (1849.73 ÷ 13994.31), copied.
        ("change.percent", "error", "1237.7 ÷ 5573.00 = 22.21%，说明为 13.22%", "p. 26"),
        # p. 29: 住房公积金 1442.74, "增加368.97万元，增加34.38%": 368.97 ÷ 1073.77 (2018's 2210201 住房公积金 in
        # jiangsu-jianchayuan-2018 p. 18) = 34.36%.
        ("change.percent", "error", "368.97 ÷ 1073.77 = 34.36%，说明为 34.38%", "p. 29"),
    ],
    "putuo-wanli-2024": [
        # p. 9 item 31: "“住房保障支出（类）住房改革支出（款）住房公积金（项）”350.35万元 … 2023年当年预算执行数为
        # 348.52万元，2024年预算安排352.67万元，比2023年预算执行数增加0.53%" — 表3/表5 2210201 住房公积金 is 3,503,499 元
        # = 350.35 万元, and 0.53% = (350.35 − 348.52) ÷ 348.52, while 352.67 would give 1.19%.
        ("narrative.amount", "error", "为 352.67 万元，表3 2210201 住房公积金 / 合计 为 350.35 万元；所述增长 0.53% 按表中数计算相符",
         "p. 9"),
        # p. 31: the 三公 table prints 47.91 | 0 | 1.35 | 46.56 | 25 | 21.56 | 443.18 and, under it, "注:本部门2024年无
        # “三公”经费和机关运行经费预算，故本表为空表。" (p. 32 then states 三公 47.91 万元 and 机关运行经费 443.18 万元).
        ("completeness.not_empty", "error", "故本表为空表", "表9 (p. 31)"),
        # p. 6 item 4: 宣传事务 一般行政管理事务 110.60 vs 2023 执行 114.00 "减少2.98%。主要原因是：宣传事务一般行政管理
        # 事务经费增加" — the one cause given says the opposite of the change.
        ("change.reason_direction", "warning", "所述原因却是“宣传事务一般行政管理事务经费增加”", "p. 6"),
    ],
    "putuo-zhengfuban-2025": [],
    "jiangsu-fayuan-2017": [
        # p. 22: 提租补贴 1959.99, "增加865.57万元，增长79.05%": 865.57 ÷ 1094.42 = 79.09%.
        ("change.percent", "error", "865.57 ÷ 1094.42 = 79.09%，说明为 79.05%", "p. 22"),
    ],
    "jiangsu-fayuan-2018": [
        # p. 19: 一般行政事务管理 6049.97, "减少 392.92 万元，减少 5.95%": 392.92 ÷ 6442.89 = 6.10%. (2017's figure was
        # 6432.89 (jiangsu-fayuan-2017 表8): the change is 382.92, whose rate 5.95% is; the amount is the typo.)
        ("change.percent", "error", "392.92 ÷ 6442.89 = 6.10%，说明为 5.95%", "p. 19"),
    ],
    "jiangsu-jianchayuan-2017": [
        # p. 19 (printed p. 19, "此外，基本支出预算数为 12323.46 万元"), while 表3 基本支出 and p. 20 ("基本支出
        # 12323.48 万元，占 68.48%") say 12323.48; 12323.48 + 5533 + 140.2 = 17996.68, the 支出总计.
        ("narrative.amount", "error", "为 12323.46 万元，表3", "p. 19"),
        # p. 22: 机关运行经费 6032.55, "比 2016 年增加 3401.59 万元，增长 129.97 %": 3401.59 ÷ 2630.96 = 129.29%.
        ("change.percent", "error", "3401.59 ÷ 2630.96 = 129.29%，说明为 129.97%", "p. 22"),
        # p. 22: 三公 110 + 317.8 + 156.55 = 584.35 (表11 “三公”经费 小计 584.35); 317.8 ÷ 584.35 = 54.39% (said
        # 54.43%), 156.55 ÷ 584.35 = 26.79% (said 26.72%). (110 ÷ 584.35 = 18.82%, said 18.85%: within the
        # rounding of "110" as written, so not reported.)
        ("narrative.share", "error", "54.43%，按 317.8 ÷ 584.35 计算为 54.39%", "p. 22"),
        ("narrative.share", "error", "26.72%，按 156.55 ÷ 584.35 计算为 26.79%", "p. 22"),
    ],
    "jiangsu-jianchayuan-2018": [
        # p. 23: 收支总计 21,955.35, "各增加3,958.67万元，增长21.95%": 3958.67 ÷ 17996.68 (2017's 总计) = 22.00%.
        ("change.percent", "error", "3958.67 ÷ 17996.68 = 22.00%，说明为 21.95%", "p. 23"),
        # p. 26: 一般行政管理事务 3,666, "增加21.8万元，增长0.06%": 21.8 ÷ 3644.2 = 0.60%.
        ("change.percent", "error", "21.8 ÷ 3644.20 = 0.60%，说明为 0.06%", "p. 26"),
        # p. 26: 检察监督 1,895, "减少134万元，降幅0.66%": 134 ÷ 2029 = 6.60%.
        ("change.percent", "error", "134 ÷ 2029.00 = 6.60%，说明为 0.66%", "p. 26"),
        # p. 23 "一般公共预算收入预算21,940.96万元，与上年相比增加3,959.28万元" (2017: 17,981.68, so 3,959.28 is right)
        # but p. 28 "一般公共预算财政拨款支出预算21,940.96万元，与上年相比增加3,958.98万元" (also pp. 26-27 财政拨款).
        ("change.balance", "error", "“一般公共预算收入预算”增加 3959.28 万元，“一般公共预算财政拨款支出预算”增加 3958.98 万元", "p. 23"),
    ],
    "jiangsu-renda-2017": [
        # p. 28: "因公出国（境）费支出 222.5 万元，占“三公”经费的 8.75%；公务用车购置及运行费支出 183.6 万元，占…7.22%；
        # 公务接待费支出 427.5 万元，占…16.81%" — the 三公 total is 833.6 (表12), so 26.69%, 22.02%, 51.28%; the
        # printed shares are of the table's 合计 2542.60 (三公 + 会议费 1305.25 + 培训费 403.75).
        ("narrative.share", "error", "8.75%，按 222.5 ÷ 833.60 计算为 26.69%；所写百分比与以表", "p. 28"),
        ("narrative.share", "error", "7.22%，按 183.6 ÷ 833.60 计算为 22.02%", "p. 28"),
        ("narrative.share", "error", "16.81%，按 427.5 ÷ 833.60 计算为 51.28%", "p. 28"),
    ],
    "jiangsu-renda-2018": [
        # p. 21: 单位预留机动经费 1685.72, "增加1557.29万元，增长1312.56%": 1557.29 ÷ 128.43 = 1212.56%.
        ("change.percent", "error", "1557.29 ÷ 128.43 = 1212.56%，说明为 1312.56%", "p. 21"),
    ],
    "jiangsu-shengwei-2017": [
        # narrative p. 8: 行政运行 6106.99, "增加 101.48 万元，增长 1.66%": 101.48 ÷ 6005.51 = 1.69%.
        ("change.percent", "error", "101.48 ÷ 6005.51 = 1.69%，说明为 1.66%", "p. 8"),
    ],
    "jiangsu-shengwei-2018": [],
    "jiangsu-zhengxie-2017": [],
    "jiangsu-zhengxie-2018": [],      # (66.69% for 2233.13 ÷ 3348.98 = 66.68%: one unit of rounding, not reported)
    "jiangsu-renda-2019": [],
    # the tables files alone (as ingest reads them today): nothing to report from the tables
    "jiangsu-renda-bangongting-2019-tables": [],
    "jiangsu-shengwei-2017-tables": [],
    "jiangsu-shengwei-2018-tables": [],
    "jiangsu-zhengxie-2017-tables": [],
    "jiangsu-zhengxie-2018-tables": [],
}
# final accounts (issue 18): each finding is listed, with why it is real, in test_audit_juesuan.py; here only
# that none of them rests on something we failed to read
FINAL_ACCOUNTS = ["putuo-caizhengju-2024-juesuan", "putuo-shehuigongzuobu-2024-juesuan", "juesuan-template-2024"]


def _match(f, rule, severity, phrase, where):
    return f.rule == rule and f.severity == severity and phrase in f.message and f.where[0].startswith(where)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_findings_are_exactly_the_known_ones(name):
    findings = audit(corpus_doc(name))
    for exp in EXPECTED[name]:
        assert any(_match(f, *exp) for f in findings), exp
    for f in findings:
        assert any(_match(f, *exp) for exp in EXPECTED[name]), f"unexpected finding in {name}: {f}"
        assert f.why and f.title and f.expected and f.stated


@pytest.mark.parametrize("name", sorted(EXPECTED) + FINAL_ACCOUNTS)
def test_no_finding_is_a_reading_failure(name):
    doc = corpus_doc(name)
    unread = unreadable_tables(doc)
    findings = audit(doc)
    if name in FINAL_ACCOUNTS:
        assert {f.rule for f in findings} <= {"identity.table", "narrative.amount", "final.rate"}, findings
    for f in findings:
        assert not f.rule.startswith("ingest"), f
        assert not any(w.split(" ")[0] in unread for w in f.where if w.startswith("表")), f
        assert not any(word in f.message for word in ("figures but", "placement", "could not", "columns are numbered"))


# what cannot be injected into which document, and why
NOT_APPLICABLE = {
    # the tables files alone have no narrative: no statements, no 说明 to name the unit or explain a table
    **{(n, k): "no narrative" for n in ("jiangsu-renda-bangongting-2019-tables", "jiangsu-shengwei-2017-tables",
                                         "jiangsu-shengwei-2018-tables", "jiangsu-zhengxie-2017-tables",
                                         "jiangsu-zhengxie-2018-tables")
       for k in ("amount", "rate", "base_year", "figure_year", "balance", "empty_note", "unit_name")},
    # no 收、支 pair stated with changes, and no "收、支…各增加" statement to split
    ("putuo-zhengfuban-2025", "rate"): "its narrative states no rates",
    ("jiangsu-fayuan-2018", "unit_name"): "the cover's unit name was not read (org '度'), so no name to compare",
    ("jiangsu-shengwei-2018", "unit_name"): "中共江苏省委办公厅: no 类 of unit before 办公厅 to vary",
    ("jiangsu-renda-2017", "code_name"): "no code printed in two readable tables",
}


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_injected_error_is_found_where_it_was_made(name, kind):
    if (name, kind) in NOT_APPLICABLE:
        pytest.skip(NOT_APPLICABLE[(name, kind)])
    made = KINDS[kind](corpus_doc(name))
    assert made is not None, f"nothing to inject {kind} into in {name}"
    doc, statements, expect = made
    if kind == "missing_table" and _may_have_lost_a_table(doc):
        # ingest could not read some table of this document: the one missing may be it, so nothing is said
        assert not [f for f in audit(doc) if f.rule == "completeness.missing"]
        return
    assert found(doc, statements, expect), (expect, [f for f in audit(doc, statements)])


def _may_have_lost_a_table(doc) -> bool:
    from app.staff.completeness import Completeness
    from app.staff.findings import Findings
    return Completeness(doc, unreadable_tables(doc), Findings())._may_have_lost_a_table()


@pytest.mark.parametrize("why", ["a table we could not read", "a table whose title we could not read"])
def test_missing_table_is_not_claimed_where_we_may_have_lost_it(why):
    from dataclasses import replace

    from ingest.model import Finding

    from .injections import inject_missing_table
    doc, _, _ = inject_missing_table(corpus_doc("putuo-wanli-2024"))
    assert [f for f in audit(doc) if f.rule == "completeness.missing"]
    if why == "a table we could not read":
        lost = replace(doc, findings=doc.findings + (Finding("placement", "表2 : 3 figures but only 1 columns", "p. 11"),))
    else:
        lost = replace(doc, tables=tuple(replace(t, title="表") if t.id == "表2" else t for t in doc.tables))
    assert not [f for f in audit(lost) if f.rule == "completeness.missing"]


# ── the kinds, written into the paragraphs themselves (the reader reads them as published) ──

def _edit(doc, contains: str, old: str, new: str):
    from dataclasses import replace
    k = next(i for i, s in enumerate(doc.sections) if contains in s.text)
    s = doc.sections[k]
    assert old in s.text, (old, s.text)
    sections = doc.sections[:k] + (replace(s, text=s.text.replace(old, new, 1)),) + doc.sections[k + 1:]
    return replace(doc, sections=sections), s.source


TEXT_EDITS = [
    # Shanghai: a 2024 budget compared "比2024年预算" (its own year)
    ("putuo-wanli-2024", "其中：财政拨款收入15621.11万元", "比2023年预算减少876.75万元", "比2024年预算减少876.75万元",
     "period.base", "2024年"),
    # Shanghai: the figure of the document's year named with the next year
    ("putuo-wanli-2024", "专项普查活动（项）", "2024年预算安排25.77万元", "2025年预算安排25.77万元", "period.year", "2025年"),
    # Shanghai: the base year of "当年预算执行数" not the year compared with
    ("putuo-wanli-2024", "专项普查活动（项）", "2023年当年预算执行数为60.13万元", "2022年当年预算执行数为60.13万元",
     "period.base", "2022年"),
    # Shanghai: 财政拨款收入 and 财政拨款支出 equal (15621.11) but their decreases made unequal
    ("putuo-wanli-2024", "其中：财政拨款支出预算15621.11万元", "比2023年预算减少876.75万元", "比2023年预算减少886.75万元",
     "change.balance", "886.75"),
    # Shanghai: a 科目's amount differing from its 功能分类 row (the rate still fits the table's figure)
    ("putuo-wanli-2024", "购房补贴（项）", "2024年预算安排320.17万元", "2024年预算安排322.17万元", "narrative.amount", "322.17"),
    # Jiangsu: a 项's amount against 表5/表7
    ("jiangsu-jianchayuan-2019", "住房公积金（项）支出1442.74", "支出1442.74万元", "支出1452.74万元", "narrative.amount", "1452.74"),
    # Jiangsu: "与上年相比" named as the document's own year
    ("jiangsu-jianchayuan-2019", "住房公积金（项）支出1442.74", "与上年相比增加368.97万元", "与2019年相比增加368.97万元",
     "period.base", "2019年"),
    # Jiangsu: the rate of a change made wrong
    ("jiangsu-jianchayuan-2019", "财政拨款预算支出24,169.74", "增长10.15%", "增长11.15%", "change.percent", "11.15%"),
    # Jiangsu: 一般公共预算 收入 and 支出 equal, their increases made unequal
    ("jiangsu-jianchayuan-2019", "2019年一般公共预算财政拨款支出预算", "增加2228.78万元", "增加2238.78万元",
     "change.balance", "2238.78"),
]


@pytest.mark.parametrize("name,contains,old,new,rule,stated", TEXT_EDITS)
def test_error_written_into_the_paragraph_is_found(name, contains, old, new, rule, stated):
    doc, source = _edit(corpus_doc(name), contains, old, new)
    before = {(f.rule, f.where) for f in audit(corpus_doc(name))}
    hits = [f for f in audit(doc) if f.rule == rule and (f.rule, f.where) not in before]
    assert hits, [f for f in audit(doc)]
    assert any(f.stated == stated and any(w.startswith(source) for w in f.where) for f in hits), hits


def test_a_table_titled_with_another_year_is_found():
    from dataclasses import replace
    doc = corpus_doc("putuo-wanli-2024")
    tables = tuple(replace(t, title=t.title.replace("2024年", "2023年")) if t.id == "表2" else t for t in doc.tables)
    found = [f for f in audit(replace(doc, tables=tables)) if f.rule == "period.year"]
    assert [(f.where, f.stated) for f in found] == [(("表2 (pp. 11-15)",), "2023年")]
