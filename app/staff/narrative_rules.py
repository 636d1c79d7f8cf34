"""Narrative checks beyond a statement's own figures: reasons whose amounts do not add up to the
change, parts of a change that do not add up to the whole, "未安排" said of a funded item, one name
used for two figures, one period or document number written two ways, head counts, amounts in 元
labelled 万元, and a stated standard (people × amount × months) against the amount budgeted.
"""
from __future__ import annotations

import re
from decimal import Decimal

from app.staff.audit_figures import Figure, Resolver, clean_name, context_of, half_up
from app.staff.findings import Findings
from app.staff.reading import TITLE_YEAR, trusted_year
from app.staff.statements import Block, Statement
from app.staff.subjects import Subjects
from ingest.model import BudgetDocument

NUM = r"-?\d+(?:\.\d+)?"
ITEM_CHANGE = re.compile(rf"(?P<name>[^，。；：:,;、]+?)(?P<dir>增加|减少)(?P<chg>{NUM})万元[，,](?P<word>增长|下降)(?P<pct>{NUM})%")


def _close(stated: str, actual: Decimal) -> bool:
    places = len(stated.split(".")[1]) if "." in stated else 0
    return half_up(actual, places) == half_up(Decimal(stated), places)


class NarrativeRules:
    def __init__(self, doc: BudgetDocument, blocks: list[Block], statements: list[Statement],
                 subjects: Subjects, usable, out: Findings):
        self.doc, self.blocks, self.statements, self.subjects = doc, blocks, statements, subjects
        self.usable = usable                     # refs → refs without unreadable tables
        self.res = Resolver(doc)
        self.out = out

    def run(self) -> None:
        for st in self.statements:
            self.reasons(st)
        for b in self.blocks:
            self.parts(b)
            self.unfunded(b)
            self.label(b)
        self.titles()
        self.naming()
        self.people()
        self.units()
        self.standards()

    # ── reasons and parts of a change ───────────────────────────────────────────────────────────
    def reasons(self, st: Statement) -> None:
        """"减少 11.79 万元，主要原因是…减少…4万元、减少…9.79万元": the listed amounts add up to the
        change. Only when every amount carries its own direction and nothing else (a percentage,
        "增减相抵") enters the sum."""
        if st.change is None or not st.reason or re.search(r"%|％|相抵|抵|约|其中|以及|等因素", st.reason):
            return
        items = [i for i in re.split(r"[、，,；;]", st.reason) if re.search(rf"{NUM}万元", i)]
        amounts = []
        for item in items:
            found = re.findall(rf"(增加|减少|压减|调减|调增|新增)[^、，,；;]*?({NUM})万元", item)
            if len(found) != 1 or len(re.findall(rf"{NUM}万元", item)) != 1:
                return
            sign = -1 if found[0][0] in ("减少", "压减", "调减") else 1
            amounts.append(sign * Decimal(found[0][1]))
        if len(amounts) < 2 or st.change_unit != "万元":
            return
        total = sum(amounts)
        if total != st.change and abs(total) != abs(st.change):
            shown = " + ".join(str(abs(a)) for a in amounts)
            word = "增加" if st.change > 0 else "减少"
            self.out.add("change.reasons", "error",
                         f"“{st.subject[:30]}”{word} {abs(st.change)} 万元，所列原因 {shown} = {abs(total)} 万元，与变动额不符",
                         [f"{st.source} “{st.subject[:30]}”"], expected=abs(st.change), stated=abs(total),
                         why="说明把变动额分解为几项原因，各项金额之和应等于变动额。")

    def parts(self, b: Block) -> None:
        """"…比上年减少 0.14 万元，…，其中：A 增加 0 万元…；B 减少 0.14 万元…。" — the parts add up."""
        whole_pat = re.compile(rf"(?P<dir>增加|减少)(?P<chg>{NUM})万元[，,](?:增长|下降)-?{NUM}%[，,]其中[:：]")
        for m in whole_pat.finditer(b.text):
            tail = b.text[m.end():]
            sentence = tail[:tail.find("。") if "。" in tail else len(tail)]
            parts = list(ITEM_CHANGE.finditer(sentence))
            if len(parts) < 2:
                continue
            sign = {"增加": 1, "减少": -1}
            whole = sign[m.group("dir")] * Decimal(m.group("chg"))
            total = sum(sign[p.group("dir")] * Decimal(p.group("chg")) for p in parts)
            if total != whole:
                head = re.split(r"[。；;]", b.text[:m.start()])[-1]
                name = re.sub(r"(?:比|较)上年.*$", "", head)
                name = clean_name(re.sub(r"^\d{4}年", "", name), self.doc.org) or "该项"
                listed = " + ".join(f"({'+' if p.group('dir') == '增加' else '−'}{p.group('chg')})" for p in parts)
                self.out.add("change.parts", "error",
                             f"“{name}”{m.group('dir')} {m.group('chg')} 万元，其中所列各项变动 {listed} = {total} 万元，与总变动不符",
                             [f"{b.source(m.start())} “{name}”"], expected=whole, stated=total,
                             why="“其中”所列各项的增减之和应等于总的增减。")

    # ── "未安排" said of a funded item ──────────────────────────────────────────────────────────
    def unfunded(self, b: Block) -> None:
        said = [(m, m.group(1)) for m in re.finditer(r"未安排([^，。；;,（(]+)", b.text)]
        said += [(m, m.group(1)) for m in re.finditer(r"([^，。；;,：:]+?)未安排[。；;，,]", b.text)]
        for m, raw in said:
            name = clean_name(raw, self.doc.org)
            name = re.sub(r"^(?:20\d\d(?:年)?(?:与|和)?)+(?:年)?均?", "", name)
            name = re.sub(r"(?:经费|资金)$", "", name) if not self.subjects.link(name) else name
            refs = self.usable(self.subjects.link(name)) if name else ()
            if not refs:
                continue
            cells = [(r, self.doc.table(r.table).rows[r.row].values[r.column] or Decimal(0)) for r in refs]
            if all(v > 0 for _, v in cells):
                r, v = cells[0]
                t = self.doc.table(r.table)
                row = t.rows[r.row]
                self.out.add("narrative.unfunded", "error",
                             f"说明称“{m.group(0).rstrip('。；;，,')}”，但{t.id}“{row.label or t.columns[r.column]}”安排了 {v} {t.unit}",
                             [b.source(m.start()), f"{t.id} {row.label} / {t.columns[r.column]} ({row.source})"],
                             expected=v, stated="未安排",
                             why="表中该项有预算数，说明却说没有安排，两者矛盾。")

    # ── one name for two figures ────────────────────────────────────────────────────────────────
    def label(self, b: Block) -> None:
        """'一般公共预算 291.73' in the income paragraph, where 表1 一般公共预算拨款 is 361.61."""
        if context_of(b.path) != "income":
            return
        for m in re.finditer(rf"(?:^|[，。；：:])一般公共预算(?P<amt>{NUM})万元", b.text):
            self._label(m.group("amt"), f"{b.source(m.start())} “一般公共预算”")

    def _label(self, stated: str, where: str) -> None:
        from ingest.verify import find_row
        ov = self.res.t("overview")
        r = find_row(ov, "一般公共预算拨款", "收入") if ov is not None else None
        if r is None:
            return
        whole = ov.rows[r].values[0] or Decimal(0)
        if ov.unit == "元":
            whole = whole / 10000
        if _close(stated, whole):
            return
        parts = [row for row in ov.rows if row.parent == r and row.values[0] is not None]
        part = next((p for p in parts if _close(stated, p.values[0] / (10000 if ov.unit == "元" else 1))), None)
        if part is None:
            return
        fig = self.res.total("income", "一般公共预算")
        also = (f"（{fig.table}“一般公共预算”列亦为 {half_up(fig.value)} 万元，不含上级转移支付）"
                if fig is not None and _close(stated, fig.value) else "")
        self.out.add("naming.label", "warning",
                     f"说明把 {stated} 万元称为“一般公共预算”，而{ov.id}“一般公共预算拨款”为 {whole} 万元"
                     f"（{ov.rows[r].source}），{stated} 万元是其中的“{part.name}”（{part.source}）{also}；同一名称指不同的数",
                     [where, f"{ov.id} ({ov.rows[r].source})"], expected=whole, stated=stated,
                     why="同一份文件里“一般公共预算”应指同一个数；说明所用的数只是表中该项的一部分，读者会把两者混为一谈。")

    # ── the year in titles and headings ─────────────────────────────────────────────────────────
    def titles(self) -> None:
        """"2023年部门预算编制说明" in a 2024 budget, a table titled with another year."""
        year = trusted_year(self.doc)
        if not year:
            return
        pat = TITLE_YEAR
        places = [(t.title, f"{t.id} ({t.source})", f"{t.id}表题") for t in self.doc.tables]
        seen = set()
        for sec in self.doc.sections:
            for head in (re.sub(r"\s", "", h) for h in sec.path):
                if head not in seen:
                    seen.add(head)
                    places.append((head, f"标题“{head[:30]}”（{sec.source} 之上）", "标题"))
            first = re.sub(r"\s", "", sec.text)[:40]
            if first not in seen:
                seen.add(first)
                places.append((first, sec.source, "标题"))
        for text, where, what in places:
            m = pat.search(re.sub(r"\s", "", text))
            if m and int(m.group(1)) != year and len(set(pat.findall(text))) == 1:
                self.out.add("period.year", "error", f"{what}“{m.group(0)}”写的是 {m.group(1)} 年，本文件是 {year} 年{self.doc.kind}",
                             [where], expected=f"{year}年", stated=f"{m.group(1)}年",
                             why=f"本文件是 {year} 年的{self.doc.kind}，标题中的年度应为 {year} 年。")

    # ── the same period or document number written two ways ────────────────────────────────────
    def naming(self) -> None:
        period = re.compile(r"(20\d\d)年(\d{1,2})月[-—–~至](20\d\d)年(\d{1,2})月")
        docno = re.compile(r"([\u4e00-\u9fa5]{2,6})[\[【〔(（](20\d\d)[\]】〕)）](\d+)号")
        table_periods, table_docs = [], []
        for t in self.doc.tables:
            for r in t.rows:
                label = re.sub(r"\s+", "", r.label)
                table_periods += [(p, t.id, r) for p in period.findall(label)]
                table_docs += [(d, t.id, r) for d in docno.findall(label)]
        for b in self.blocks:
            for m in period.finditer(b.text):
                p = m.groups()
                same_start = [(tp, tid, r) for tp, tid, r in table_periods if tp[:2] == p[:2]]
                if same_start and not any(tp == p for tp, _, _ in same_start):
                    tp, tid, r = same_start[0]
                    stated, expected = f"{p[0]}年{p[1]}月-{p[2]}年{p[3]}月", f"{tp[0]}年{tp[1]}月-{tp[2]}年{tp[3]}月"
                    self.out.add("naming.period", "error",
                                 f"说明写作“{stated}”，{tid}项目“{r.label}”为“{expected}”：同一期间前后写法不一",
                                 [b.source(m.start()), f"{tid} {r.label} ({r.source})"], expected=expected, stated=stated,
                                 why="同一项目的期间在表与说明中应一致。")
            for m in docno.finditer(b.text):
                d = m.groups()
                same = [(td, tid, r) for td, tid, r in table_docs if td[:2] == d[:2]]
                if same and not any(td == d for td, _, _ in same):
                    td, tid, r = same[0]
                    self.out.add("naming.docno", "warning",
                                 f"说明中的文号“{m.group(0)}”与{tid}“{r.label}”的文号“{td[0]}[{td[1]}]{td[2]}号”不一致",
                                 [b.source(m.start()), f"{tid} ({r.source})"], expected=f"{td[0]}[{td[1]}]{td[2]}号",
                                 stated=m.group(0), why="同一文件的文号在表与说明中应一致。")

    def people(self) -> None:
        """实有人数 = 在职 + 退休 + 离休, and the same head count stated alike everywhere."""
        totals = []
        pat = re.compile(r"(?P<label>实有人数|实有人员|人员总数)(?P<n>\d+)[人名]")
        parts = re.compile(r"在职(\d+)[人名].{0,12}?退休(\d+)[人名](?:.{0,12}?离休(\d+)[人名])?")
        for b in self.blocks:
            for m in pat.finditer(b.text):
                where = b.source(m.start())
                totals.append((m.group("label"), int(m.group("n")), where))
                pm = parts.search(b.text[m.end():m.end() + 60])
                if pm:
                    s = sum(int(x or 0) for x in pm.groups())
                    if s != int(m.group("n")):
                        self.out.add("naming.people", "error",
                                     f"“{m.group('label')}{m.group('n')}”与其后所列在职 {pm.group(1)} + 退休 {pm.group(2)}"
                                     f" + 离休 {pm.group(3) or 0} = {s} 不符", [where], expected=s, stated=m.group("n"),
                                     why="总人数应等于在职、退休、离休人数之和。")
        if len({n for _, n, _ in totals}) > 1:
            self.out.add("naming.people", "error",
                         "同一单位的人数前后不一：" + "；".join(f"{lab} {n}（{w}）" for lab, n, w in totals),
                         [w for _, _, w in totals], expected=totals[0][1], stated=",".join(str(n) for _, n, _ in totals),
                         why="同一单位同一时点的人数只有一个。")

    # ── units ────────────────────────────────────────────────────────────────────────────────────
    def units(self) -> None:
        total = self.res.total("overview", group="收入")
        if total is None or not total.value:
            return
        known = {f.value: f for f in (total, self.res.total("gpb_expenditure"),
                                      self.res.total("gpb_expenditure", "基本支出"),
                                      self.res.total("expenditure", "项目支出")) if f is not None}
        for b in self.blocks:
            for m in re.finditer(rf"(?<![\d.])({NUM})万元", b.text):
                amt = Decimal(m.group(1))
                if amt <= total.value * 100:
                    continue
                as_wan = half_up(amt / 10000)
                match = next((f for v, f in known.items() if abs(v - as_wan) <= Decimal("0.02")), None)
                hint = (f"；按元计为 {as_wan} 万元，与{match.table}“{match.row}/{match.column}” {match.value} 万元相符"
                        if match else f"；按元计为 {as_wan} 万元")
                self.out.add("units", "error",
                             f"“{m.group(0)}”超过单位收支总计 {total.value} 万元的百倍，只能是以元计的金额误标为万元{hint}",
                             [b.source(m.start()), total.where], expected=f"{as_wan} 万元", stated=m.group(0),
                             why="一个单位的某项金额不可能超过其全部预算的一百倍；数值与以元计的金额相符，是单位写错。")

    # ── stated standards: people × standard × months ─────────────────────────────────────────────
    def standards(self) -> None:
        for b in self.blocks:
            for m in re.finditer(r"(\d+)人[，,]?补助发放标准(\d+(?:\.\d+)?)元/月/人", b.text):
                amounts = list(re.finditer(rf"预算安排规模[:：]({NUM})万元", b.text[:m.start()]))
                if not amounts:
                    continue
                amount = Decimal(amounts[-1].group(1))
                months = 12
                tm = re.search(r"(20\d\d)年(\d{1,2})月\d{1,2}日[-—–至](20\d\d)年(\d{1,2})月\d{1,2}日",
                               b.text[m.end():m.end() + 80])
                if tm:
                    y1, m1, y2, m2 = map(int, tm.groups())
                    months = (y2 - y1) * 12 + m2 - m1 + 1
                n, std = int(m.group(1)), Decimal(m.group(2))
                expected = n * std * months / 10000
                tol = Decimal("0.005")
                if abs(expected - amount) > tol:
                    diff = amount - expected
                    self.out.add("standard", "warning",
                                 f"{n} 人 × {std} 元/月/人 × {months} 个月 = {half_up(expected)} 万元，预算安排 {amount} 万元，"
                                 f"相差 {half_up(diff)} 万元（约 {half_up(diff * 10000 / std, 1)} 人月），超出容差 ±{tol} 万元",
                                 [b.source(amounts[-1].start()), b.source(m.start())],
                                 expected=f"{half_up(expected)} 万元", stated=f"{amount} 万元",
                                 why="按说明给出的人数、标准和月数测算的金额与预算安排规模不符。")


__all__ = ["NarrativeRules", "Figure"]
