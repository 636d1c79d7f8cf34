"""Consistency audit (勾稽关系审核) of one budget disclosure: tables against themselves and the narrative.

``audit(doc)`` returns ``AuditFinding``s, each with its rule, severity (error | warning | note), a
Chinese message, the places it concerns and the figures compared (expected vs stated). Nothing is
reported for a statement the audit cannot tie to a table cell or to another statement.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from decimal import Decimal

from app.answer.text import escape_markdown
from app.staff.audit_figures import (
    Figure,
    Resolver,
    clean_name,
    context_of,
    half_up,
    places_of,
)
from ingest.model import BudgetDocument, Section

SEVERITIES = ("error", "warning", "note")
NUM = r"-?\d+(?:\.\d+)?"


@dataclass(frozen=True)
class AuditFinding:
    rule: str
    severity: str
    message: str
    where: tuple[str, ...]
    expected: str = ""
    stated: str = ""


@dataclass(frozen=True)
class Block:
    """The paragraphs under one heading, whitespace removed, with a map back to their lines."""
    path: tuple[str, ...]
    text: str
    spans: tuple[tuple[int, Section], ...]     # (offset where the section starts, section)

    def source(self, offset: int) -> str:
        src = self.spans[0][1]
        for start, sec in self.spans:
            if start <= offset:
                src = sec
        return src.source


def blocks(doc: BudgetDocument) -> list[Block]:
    out: list[Block] = []
    for sec in doc.sections:
        text = re.sub(r"\s+", "", sec.text)
        if out and out[-1].path == sec.path:
            last = out[-1]
            out[-1] = Block(last.path, last.text + text, last.spans + ((len(last.text), sec),))
        else:
            out.append(Block(sec.path, text, ((0, sec),)))
    return out


def _compared(detail: str) -> tuple[str, str]:
    """'表2 行政单位医疗 12.33 ≠ 表3 行政单位医疗 12.43' → ('12.33', '12.43'); 'A ≠ Σ B' → ('B', 'A')."""
    m = re.search(rf"({NUM})\s*≠\s*Σ\s*({NUM})", detail)
    if m:
        return m.group(2), m.group(1)
    m = re.search(rf"({NUM})\s*≠.*?({NUM})\s*$", detail)
    return (m.group(1), m.group(2)) if m else ("", detail)


def _d(s: str) -> Decimal:
    return Decimal(s)


def _close(stated: str, actual: Decimal) -> bool:
    """Does the text's figure, at its own rounding, equal the actual figure?"""
    return half_up(actual, places_of(stated)) == half_up(_d(stated), places_of(stated))


AMOUNT = re.compile(rf"(?P<name>[^，。；：:,;、]*?)(?P<amt>{NUM})万元")
SHARE = re.compile(rf"^[，,]?占(?P<share>{NUM})%")
CHANGE = re.compile(rf"^[，,]?比上年(?:预算)?(?P<dir>增加|减少)(?P<chg>{NUM})万元[，,]?(?P<word>下降|增长)(?P<pct>{NUM})%")
ITEM_CHANGE = re.compile(rf"(?P<name>[^，。；：:,;、]+?)(?P<dir>增加|减少)(?P<chg>{NUM})万元[，,](?P<word>增长|下降)(?P<pct>{NUM})%")
REASON = re.compile(r"^[。；;，,]?主要原因(?:是|为)?[:：]?(?P<text>[^。；;]*)")


class Auditor:
    def __init__(self, doc: BudgetDocument):
        self.doc = doc
        self.res = Resolver(doc)
        self.findings: list[AuditFinding] = []
        self.blocks = blocks(doc)

    def add(self, rule, severity, message, where, expected="", stated=""):
        f = AuditFinding(rule, severity, message, tuple(where), str(expected), str(stated))
        if f not in self.findings:
            self.findings.append(f)

    # ── identities computed at ingest ────────────────────────────────────────────────────────────
    def identities(self) -> None:
        for t in self.doc.tables:
            for c in t.checks:
                if not c.ok:
                    expected, stated = _compared(c.detail)
                    self.add("identity.table", "error", f"{t.id} 表内勾稽关系不成立：{c.rule}（{c.detail}）",
                             self._check_where(c.rule, c.detail, t.id), expected=expected, stated=stated)
        for c in self.doc.checks:
            if not c.ok:
                expected, stated = _compared(c.detail)
                self.add("identity.cross", "error", f"表间勾稽关系不成立：{c.rule}（{c.detail}）",
                         self._check_where(c.rule, c.detail), expected=expected, stated=stated)
        for f in self.doc.findings:   # identities are reported above from the checks themselves
            if f.severity == "error" and f.rule not in ("identity", "cross-table"):
                self.add(f"ingest.{f.rule}", "error", f.message, [f.where])

    def _check_where(self, rule: str, detail: str, table_id: str = "") -> list[str]:
        """The rows (and columns) an identity compares: '表2 2101101 行政单位医疗 (line 221) / 合计'."""
        ids = [table_id] if table_id else list(dict.fromkeys(re.findall(r"表\d+", rule + " " + detail)))
        code = re.search(r"(?:^|[\s(（])(\d{3,7})\s", rule)
        columns = re.findall(r"(?:^|;\s*)([^:;]+?):", detail) if table_id else []
        out = []
        for tid in ids:
            try:
                t = self.doc.table(tid)
            except KeyError:
                continue
            rows = [r for r in t.rows if code and r.code == code.group(1)]
            if not rows:
                rows = [r for r in t.rows if r.name and f"{tid} {r.name}" in detail]
            if not rows and table_id:          # '层级求和: 其他资金 = Σ 下级': the row named before '='
                named = re.search(r":\s*(?:\d{3,7}\s+)?(\S+?)\s*=", rule)
                rows = [r for r in t.rows if named and r.name == named.group(1)]
            for r in rows[:2]:
                out.append(f"{tid} {(r.code + ' ') if r.code else ''}{r.name} ({r.source})" + (f" / {'、'.join(columns)}" if columns else ""))
            if not rows:
                out.append(f"{tid} ({t.source})")
        return out or [rule]

    # ── narrative amounts, shares, changes and reasons ──────────────────────────────────────────
    def narrative(self) -> None:
        for b in self.blocks:
            ctx = context_of(b.path)
            base = self._share_base(ctx)
            for m in AMOUNT.finditer(b.text):
                raw = m.group("name")
                if raw.endswith(("增加", "减少", "下降", "增长", "价值", "金额")) or "比上年" in raw:
                    continue
                name = clean_name(raw, self.doc.org)
                fig = self.res.resolve(name, ctx)
                if ctx == "project" and b.text[:m.start()].endswith(("预算安排规模：", "预算安排规模:")):
                    named = re.findall(r"项目名称[:：](.+?)(?:设立的|预算安排规模)", b.text[:m.start()])
                    name = named[-1] if named else name
                    fig = self.res.project(name) if named else None
                where = f"{b.source(m.start())} “{name}”"
                tail = b.text[m.end():]
                if fig is not None:
                    self._amount(name, m.group("amt"), fig, where)
                    self._label(name, m.group("amt"), ctx, where)
                sm = SHARE.match(tail)
                if sm and base is not None and fig is not None:
                    self._share(name, sm.group("share"), fig, base, where)
                    tail = tail[sm.end():]
                cm = CHANGE.match(tail)
                if cm:
                    current = fig.value if fig is not None else _d(m.group("amt"))
                    self._change(name, current, cm, where)
                    rm = REASON.match(tail[cm.end():])
                    if rm:
                        self._reasons(name, cm, rm.group("text"), where)
            for m in ITEM_CHANGE.finditer(b.text):
                raw = re.sub(r"^.*(?:其中[:：]?|；|;)", "", m.group("name"))
                name = clean_name(re.sub(r"比上年(?:预算)?$", "", raw), self.doc.org)
                fig = self.res.resolve(name, ctx) if name else None
                if fig is not None:
                    self._change(name, fig.value, m, f"{b.source(m.start())} “{name}”")
                    self._parts(b, name, m)
            self._unfunded(b, ctx)

    def _parts(self, b: Block, name: str, m: re.Match) -> None:
        """'…比上年减少 0.14 万元，…，其中：A 增加 0 万元…；B 减少 0.14 万元…。' — the parts add up to the whole."""
        tail = b.text[m.end():]
        if not re.match(r"^[，,]其中[:：]", tail):
            return
        sentence = tail[:tail.find("。") if "。" in tail else len(tail)]
        parts = list(ITEM_CHANGE.finditer(sentence))
        if len(parts) < 2:
            return
        sign = {"增加": 1, "减少": -1}
        whole = sign[m.group("dir")] * _d(m.group("chg"))
        total = sum(sign[p.group("dir")] * _d(p.group("chg")) for p in parts)
        if total != whole:
            listed = " + ".join(f"({'+' if p.group('dir') == '增加' else '−'}{p.group('chg')})" for p in parts)
            self.add("change.parts", "error",
                     f"“{name}”{m.group('dir')} {m.group('chg')} 万元，其中所列各项变动 {listed} = {total} 万元，与总变动不符",
                     [f"{b.source(m.start())} “{name}”"], expected=whole, stated=total)

    def _share_base(self, ctx: str) -> Figure | None:
        if ctx in ("income", "expenditure"):
            return self.res.total("overview", group="收入")
        if ctx == "gpb":
            return self.res.total("gpb_expenditure")
        return None

    def _amount(self, name: str, stated: str, fig: Figure, where: str) -> None:
        if not _close(stated, fig.value):
            self.add("narrative.amount", "error",
                     f"说明中“{name}”为 {stated} 万元，表中为 {half_up(fig.value)} 万元", [where, fig.where],
                     expected=half_up(fig.value), stated=stated)

    def _label(self, name: str, stated: str, ctx: str, where: str) -> None:
        """'一般公共预算 291.73' in the income paragraph, where 表1 一般公共预算拨款 is 361.61."""
        ov = self.res.t("overview")
        if ctx != "income" or name != "一般公共预算" or ov is None:
            return
        from ingest.verify import find_row
        r = find_row(ov, "一般公共预算拨款", "收入")
        if r is None:
            return
        whole = ov.rows[r].values[0] or Decimal(0)
        if _close(stated, whole):
            return
        parts = [row for row in ov.rows if row.parent == r and row.values[0] is not None]
        part = next((p for p in parts if _close(stated, p.values[0])), None)
        detail = f"，{stated} 万元是其中的“{part.name}”（{part.source}）" if part else ""
        self.add("naming.label", "warning",
                 f"说明把 {stated} 万元称为“一般公共预算”，而{ov.id}“一般公共预算拨款”为 {whole} 万元"
                 f"（{ov.rows[r].source}）{detail}{self._same_label_in_income(stated)}；同一名称指不同的数", [where, f"{ov.id} ({ov.rows[r].source})"],
                 expected=whole, stated=stated)

    def _same_label_in_income(self, stated: str) -> str:
        fig = self.res.total("income", "一般公共预算")
        if fig is not None and _close(stated, fig.value):
            return f"（{fig.table}“一般公共预算”列亦为 {half_up(fig.value)} 万元，不含上级转移支付）"
        return ""

    def _share(self, name: str, stated: str, fig: Figure, base: Figure, where: str) -> None:
        if not base.value:
            return
        actual = fig.value / base.value * 100
        if not _close(stated, actual):
            self.add("narrative.share", "error",
                     f"“{name}”占比说明为 {stated}%，按表计算 {fig.value} ÷ {base.value} = {half_up(actual)}%",
                     [where, fig.where, base.where], expected=f"{half_up(actual)}%", stated=f"{stated}%")

    def _change(self, name: str, current: Decimal, m: re.Match, where: str) -> None:
        chg, pct_s, word, dirn = _d(m.group("chg")), m.group("pct"), m.group("word"), m.group("dir")
        if (dirn == "增加") != (word == "增长") and chg != 0:
            self.add("change.direction", "error", f"“{name}”说“{dirn}”却称“{word}”", [where], stated=m.group(0))
        if pct_s.startswith("-"):
            self.add("change.sign", "note",
                     f"“{name}”写作“{word}{pct_s}%”：“{word}”已表明方向，百分数不应再带负号（应为“{word}{pct_s[1:]}%”）",
                     [where], expected=f"{word}{pct_s[1:]}%", stated=f"{word}{pct_s}%")
        previous = current - chg if dirn == "增加" else current + chg
        if previous <= 0:
            return
        actual = chg / previous * 100
        if not _close(pct_s.lstrip("-"), actual):
            self.add("change.percent", "error",
                     f"“{name}”{dirn} {chg} 万元，上年为 {current} {'−' if dirn == '增加' else '+'} {chg} = {previous} 万元，"
                     f"变动率应为 {chg} ÷ {previous} = {half_up(actual)}%，说明为 {pct_s}%",
                     [where], expected=f"{half_up(actual)}%", stated=f"{pct_s}%")

    def _reasons(self, name: str, cm: re.Match, text: str, where: str) -> None:
        parts = re.findall(rf"({NUM})万元", text)
        if len(parts) < 2:
            return
        total = sum(map(_d, parts))
        chg = _d(cm.group("chg"))
        if total != chg:
            self.add("change.reasons", "error",
                     f"“{name}”{cm.group('dir')} {chg} 万元，所列原因 {' + '.join(parts)} = {total} 万元，与变动额不符",
                     [where], expected=chg, stated=total)

    def _unfunded(self, b: Block, ctx: str) -> None:
        stated = [(m, m.group(1)) for m in re.finditer(r"未安排([^，。；;,（(]+)", b.text)]
        stated += [(m, m.group(1)) for m in re.finditer(r"([^，。；;,：:]+?)未安排[。；;，,]", b.text)]
        for m, raw in stated:
            name = clean_name(raw, self.doc.org)
            name = re.sub(r"^(?:20\d\d(?:年)?(?:与|和)?)+(?:年)?均?", "", name)
            if not name or ctx not in ("sangong", "income", "fiscal", ""):
                continue
            fig = self.res.resolve(name, "sangong" if ctx == "sangong" else ctx)
            if fig is not None and fig.value > 0:
                self.add("narrative.unfunded", "error",
                         f"说明称“{m.group(0)}”，但{fig.table}“{fig.row}”安排了 {fig.value} 万元",
                         [f"{b.source(m.start())}", fig.where], expected=fig.value, stated="未安排")
        for m in re.finditer(r"(?P<name>[^，。；;,：:\d.]+?)(?<![\d.])(?P<amt>0(?:\.0+)?)万元", b.text):
            name = clean_name(m.group("name"), self.doc.org)
            fig = self.res.resolve(name, ctx) if ctx == "sangong" else None
            if fig is not None and fig.value > 0:
                self.add("narrative.unfunded", "error",
                         f"说明称“{name}”为 0 万元，但{fig.table}“{fig.row}”安排了 {fig.value} 万元",
                         [b.source(m.start()), fig.where], expected=fig.value, stated="0")

    # ── the same item or period named differently ────────────────────────────────────────────────
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
                    self.add("naming.period", "error",
                             f"说明写作“{stated}”，{tid}项目“{r.label}”为“{expected}”：同一期间前后写法不一",
                             [b.source(m.start()), f"{tid} {r.label} ({r.source})"], expected=expected, stated=stated)
            for m in docno.finditer(b.text):
                d = m.groups()
                same = [(td, tid, r) for td, tid, r in table_docs if td[:2] == d[:2]]
                if same and not any(td == d for td, _, _ in same):
                    td, tid, r = same[0]
                    self.add("naming.docno", "warning",
                             f"说明中的文号“{m.group(0)}”与{tid}“{r.label}”的文号“{td[0]}[{td[1]}]{td[2]}号”不一致",
                             [b.source(m.start()), f"{tid} ({r.source})"], expected=f"{td[0]}[{td[1]}]{td[2]}号",
                             stated=m.group(0))

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
                        self.add("naming.people", "error",
                                 f"“{m.group('label')}{m.group('n')}”与其后所列在职 {pm.group(1)} + 退休 {pm.group(2)}"
                                 f" + 离休 {pm.group(3) or 0} = {s} 不符", [where], expected=s, stated=m.group("n"))
        if len({n for _, n, _ in totals}) > 1:
            self.add("naming.people", "error",
                     "同一单位的人数前后不一：" + "；".join(f"{lab} {n}（{w}）" for lab, n, w in totals),
                     [w for _, _, w in totals], expected=totals[0][1], stated=",".join(str(n) for _, n, _ in totals))

    # ── units ────────────────────────────────────────────────────────────────────────────────────
    def units(self) -> None:
        total = self.res.total("overview", group="收入")
        if total is None or not total.value:
            return
        known = {f.value: f for f in (self.res.total("overview", group="收入"), self.res.total("gpb_expenditure"),
                                      self.res.total("gpb_expenditure", "基本支出"),
                                      self.res.total("expenditure", "项目支出")) if f is not None}
        for b in self.blocks:
            for m in re.finditer(rf"({NUM})万元", b.text):
                amt = _d(m.group(1))
                if amt <= total.value * 100:
                    continue
                as_wan = half_up(amt / 10000)
                match = next((f for v, f in known.items() if abs(v - as_wan) <= Decimal("0.02")), None)
                hint = (f"；按元计为 {as_wan} 万元，与{match.table}“{match.row}/{match.column}” {match.value} 万元相符"
                        if match else f"；按元计为 {as_wan} 万元")
                self.add("units", "error",
                         f"“{m.group(0)}”超过单位收支总计 {total.value} 万元的百倍，只能是以元计的金额误标为万元{hint}",
                         [b.source(m.start()), total.where], expected=f"{as_wan} 万元", stated=m.group(0))

    # ── stated standards: people × standard × months ─────────────────────────────────────────────
    def standards(self) -> None:
        for b in self.blocks:
            for m in re.finditer(r"(\d+)人[，,]?补助发放标准(\d+(?:\.\d+)?)元/月/人", b.text):
                before = b.text[:m.start()]
                amounts = list(re.finditer(rf"预算安排规模[:：]({NUM})万元", before))
                if not amounts:
                    continue
                amount = _d(amounts[-1].group(1))
                after = b.text[m.end():m.end() + 80]
                months = 12
                tm = re.search(r"(20\d\d)年(\d{1,2})月\d{1,2}日[-—–至](20\d\d)年(\d{1,2})月\d{1,2}日", after)
                if tm:
                    y1, m1, y2, m2 = map(int, tm.groups())
                    months = (y2 - y1) * 12 + m2 - m1 + 1
                n, std = int(m.group(1)), _d(m.group(2))
                expected = n * std * months / 10000
                tol = Decimal("0.005")
                if abs(expected - amount) > tol:
                    diff = amount - expected
                    self.add("standard", "warning",
                             f"{n} 人 × {std} 元/月/人 × {months} 个月 = {half_up(expected)} 万元，预算安排 {amount} 万元，"
                             f"相差 {half_up(diff)} 万元（约 {half_up(diff * 10000 / std, 1)} 人月），超出容差 ±{tol} 万元",
                             [b.source(amounts[-1].start()), b.source(m.start())],
                             expected=f"{half_up(expected)} 万元", stated=f"{amount} 万元")

    def run(self) -> list[AuditFinding]:
        self.identities()
        self.narrative()
        self.naming()
        self.people()
        self.units()
        self.standards()
        order = {s: i for i, s in enumerate(SEVERITIES)}
        return sorted(self.findings, key=lambda f: order.get(f.severity, 9))


def audit(doc: BudgetDocument) -> list[AuditFinding]:
    return Auditor(doc).run()


# ── output ───────────────────────────────────────────────────────────────────────────────────────

LABELS = {"error": "错误", "warning": "警告", "note": "提示"}


def to_json(doc: BudgetDocument, findings: list[AuditFinding]) -> str:
    return json.dumps({"doc": doc.doc_id, "count": len(findings), "findings": [asdict(f) for f in findings]},
                      ensure_ascii=False, indent=2)


def to_text(doc: BudgetDocument, findings: list[AuditFinding]) -> str:
    lines = [f"{doc.doc_id}: {len(findings)} 项审核发现"]
    for i, f in enumerate(findings, 1):
        lines.append(f"{i}. [{LABELS.get(f.severity, f.severity)}] {f.rule}: {f.message}")
        lines += [f"   位置: {w}" for w in f.where]
        if f.expected or f.stated:
            lines.append(f"   应为: {f.expected or '—'}  说明/表中: {f.stated or '—'}")
    return "\n".join(lines)


def to_markdown(doc: BudgetDocument, findings: list[AuditFinding]) -> str:
    """A Markdown table; every string from the document is escaped (shown, never rendered)."""
    esc = escape_markdown
    lines = [f"# {esc(doc.org)} {doc.year}年{esc(doc.scope)}{esc(doc.kind)} 审核结果", "",
             "| # | 级别 | 规则 | 说明 | 位置 | 应为 | 所述 |", "|---|---|---|---|---|---|---|"]
    for i, f in enumerate(findings, 1):
        cells = [str(i), esc(LABELS.get(f.severity, f.severity)), esc(f.rule), esc(f.message),
                 "<br>".join(esc(w) for w in f.where), esc(f.expected), esc(f.stated)]
        lines.append("| " + " | ".join(c.replace("\n", "<br>") for c in cells) + " |")
    return "\n".join(lines)
