"""Checks over the narrative's statements (see app.staff.statements): each figure against the cell its
subject names, the change against the rate and the two figures, the period named against the
document's year and the comparison base, a share against its base, and 收入 against 支出 when the
budget balances. A statement the reader could not tie to a cell is checked only against itself.

Rounding: the text's figures are taken as written, with the precision they show. A figure matches a
cell when it is the cell rounded half-up — or cut off — at the text's decimals; a rate or a share
matches when some value within the rounding of the figures it is computed from, rounded or cut off at
the rate's decimals, gives it.
"""
from __future__ import annotations

import re
from decimal import Decimal

from app.answer.catalog import CellRef
from app.staff.audit_figures import half_up
from app.staff.findings import Findings
from app.staff.reading import trusted_year
from app.staff.rounding import HUNDRED, ONE, consistent, fmt, places_of, rate_range, ratio_range, span, unit_of
from app.staff.statements import Mention, Statement, subject_key, to_unit
from app.staff.subjects import Subjects, fund_of, side_of
from ingest.model import BudgetDocument

WHOLES = ("收入总计", "支出总计", "财政拨款收支总预算", "财政拨款支出", "一般公共预算支出", "一般公共预算基本支出", "“三公”经费")
HEADING_ROLES = ((("三公",), ("sangong",)), (("基本支出",), ("gpb_basic",)), (("项目支出",), ("gpb_project",)),
                 (("财政拨款",), ("fiscal_overview",)), (("一般公共预算",), ("gpb_expenditure", "gpb_basic")),
                 (("收入",), ("income", "overview")), (("支出",), ("expenditure",)))


class StatementChecks:
    def __init__(self, doc: BudgetDocument, statements: list[Statement], subjects: Subjects, out: Findings,
                 unreadable: frozenset[str] = frozenset()):
        self.doc, self.statements, self.subjects, self.out = doc, statements, subjects, out
        self.unreadable = unreadable            # tables with reading problems: never the basis of a finding
        self.refs: dict[int, tuple[CellRef, ...]] = {}
        self.explained: set[int] = set()        # statements whose rate an amount finding already explains

    def run(self) -> None:
        for st in self.statements:
            self.refs[id(st)] = self._link(st)
        for st in self.statements:
            self.amount(st)
            self.restated(st)
            self.change(st)
            self.period(st)
            self.share(st)
        self.balance()

    # ── links and cells ─────────────────────────────────────────────────────────────────────────
    def _link(self, st: Statement) -> tuple[CellRef, ...]:
        if st.project:
            return self.usable(self.subjects.link_project(st.subject))
        return self.usable(self.subjects.link(st.subject)) if st.subject else ()

    def usable(self, refs: tuple[CellRef, ...]) -> tuple[CellRef, ...]:
        """Candidate cells, without those of tables we could not read well: if any candidate is in
        such a table, the subject is not checked at all (its right cell may be the unread one)."""
        if any(r.table in self.unreadable for r in refs):
            return ()
        return refs

    def cell(self, ref: CellRef, unit: str) -> Decimal:
        t = self.doc.table(ref.table)
        v = t.rows[ref.row].values[ref.column] or Decimal(0)
        return to_unit(v, t.unit, unit)

    def cell_where(self, ref: CellRef) -> str:
        t = self.doc.table(ref.table)
        r = t.rows[ref.row]
        name = " ".join(x for x in (r.code, r.label) if x) or t.title
        return f"{t.id} {name} / {t.columns[ref.column]} ({r.source})"

    def place(self, st: Statement, change: bool = False) -> str:
        source = (st.change_source or st.source) if change else st.source
        shown = _shown(st.raw_subject or st.subject)
        return f"{source} “{shown}”" if shown else source

    def name(self, st: Statement) -> str:
        return _shown(st.subject) or "该项"

    # ── figure vs cell ──────────────────────────────────────────────────────────────────────────
    def amount(self, st: Statement) -> None:
        refs = self.refs[id(st)]
        if not refs:
            return
        refs = self._by_heading(st, refs)
        for m in st.figures:
            values = [(ref, self.cell(ref, m.unit)) for ref in refs]
            if any(consistent(m.text, v, v) for _, v in values):
                continue
            ref, v = values[0]
            shown = fmt(v, m.places)
            message = f"说明中“{self.name(st)}”为 {m.text} {m.unit}，{self.cell_where(ref).split(' (')[0]} 为 {shown} {m.unit}"
            fits = self._rate_fits(st, v, m)
            if fits:
                message += fits
                self.explained.add(id(st))
            self.out.add("narrative.amount", "error", message, [self.place(st), self.cell_where(ref)],
                         expected=shown, stated=m.text,
                         why="情况说明中的金额应与表中同一科目的数一致；按说明所写的小数位取整后两者仍不相等，"
                             "至少有一处写错。")

    def _by_heading(self, st: Statement, refs: tuple[CellRef, ...]) -> tuple[CellRef, ...]:
        """Candidates in the order the heading suggests: under "财政拨款收支…" the 财政拨款 table first."""
        heading = "".join(st.path[1:] or st.path)
        prefer = [roles for words, roles in HEADING_ROLES if any(w in heading for w in words)]
        order = [r for roles in prefer for r in roles]
        rank = {role: i for i, role in enumerate(order)}
        return tuple(sorted(refs, key=lambda r: rank.get(self.doc.table(r.table).role, len(rank))))

    def _rate_fits(self, st: Statement, table_value: Decimal, m: Mention) -> str:
        """"…增长0.53%只与表中的350.35相符": the stated rate fits the table's figure, not the text's."""
        if st.rate is None or not st.bases:
            return ""
        b = st.bases[0]
        base = to_unit(b.value, b.unit, m.unit)
        mine = ratio_range(m.value - base, span(m.text) + span(b.text), base, span(b.text))
        table = ratio_range(table_value - base, span(b.text), base, span(b.text))
        if table and consistent(st.rate_text, *table) and not (mine and consistent(st.rate_text, *mine)) and base > 0:
            by_table = abs(table_value - base) / base * HUNDRED
            by_text = abs(m.value - base) / base * HUNDRED
            return (f"；所述{_rate_word(st)} {st.rate_text}% 按表中数计算相符（({fmt(table_value)} − {b.text}) ÷ {b.text}"
                    f" = {fmt(by_table)}%），按说明的 {m.text} 计算则为 {fmt(by_text)}%")
        return ""

    def restated(self, st: Statement) -> None:
        """One statement giving its subject two different figures for the same year."""
        if len(st.figures) < 2 or any(f.rule == "narrative.amount" and f.where[0] == self.place(st)
                                      for f in self.out.items):
            return
        first = st.figures[0]
        for m in st.figures[1:]:
            a, b = to_unit(first.value, first.unit, m.unit), m.value
            places = min(first.places, m.places)
            if half_up(a, places) != half_up(b, places):
                self.out.add("narrative.restated", "error",
                             f"说明对“{self.name(st)}”先写 {first.text} {first.unit}，后写 {m.text} {m.unit}",
                             [self.place(st)], expected=first.text, stated=m.text,
                             why="同一项目同一年度的预算数在同一段说明中只能有一个。")

    # ── change vs rate vs the two figures ───────────────────────────────────────────────────────
    def change(self, st: Statement) -> None:
        if st.ambiguous and not st.change and not st.rate:
            return
        self._direction(st)
        if st.rate_negative_sign and st.rate is not None:
            word = _rate_word(st)
            self.out.add("change.sign", "note",
                         f"“{self.name(st)}”写作“{word}-{st.rate_text}%”：“{word}”已表明方向，百分数不应再带负号",
                         [self.place(st, change=True)], expected=f"{word}{st.rate_text}%", stated=f"{word}-{st.rate_text}%",
                         why="“增长/下降”已说明方向，再加负号会被读成相反的方向。")
        current = self._current(st)
        if current is None:
            return
        c_value, c_text, c_unit = current
        c_err = span(c_text) if c_text else Decimal(0)
        base = st.bases[0] if st.bases else None
        if base is not None:
            b_value = to_unit(base.value, base.unit, c_unit)
            b_err = to_unit(span(base.text), base.unit, c_unit)
            self._with_base(st, c_value, c_err, c_text, c_unit, b_value, b_err, base)
        elif st.change is not None:
            self._with_change(st, c_value, c_err, c_text, c_unit)

    def _current(self, st: Statement) -> tuple[Decimal, str, str] | None:
        if st.figures:
            f = st.figures[0]
            return f.value, f.text, f.unit
        refs = self.refs[id(st)]
        if refs and st.change is not None:
            unit = st.change_unit or "万元"
            return self.cell(refs[0], unit), "", unit
        return None

    def _with_change(self, st: Statement, c: Decimal, c_err: Decimal, c_text: str, unit: str) -> None:
        d = to_unit(st.change, st.change_unit or unit, unit)
        d_err = to_unit(span(st.change_text), st.change_unit or unit, unit)
        if st.rate is None or id(st) in self.explained:
            return
        rng = rate_range(c, c_err, d, d_err)
        if rng is None or consistent(st.rate_text, *rng, slack=ONE):
            return
        before = c - d
        word = "增加" if d > 0 else "减少"
        self.out.add("change.percent", "error",
                     f"“{self.name(st)}”{c_text or fmt(c)} {unit}，{word} {abs(d)} {unit}，上年为 {fmt(before)} {unit}，"
                     f"{_rate_word(st)}率应为 {abs(d)} ÷ {fmt(before)} = {fmt(abs(d) / before * HUNDRED)}%，说明为 {st.rate_text}%",
                     [self.place(st, change=True)], expected=f"{fmt(abs(d) / before * HUNDRED)}%", stated=f"{st.rate_text}%",
                     why="增减率 = 增减额 ÷ 上年数，上年数 = 本年数 − 增减额；按说明自己的数字计算，"
                         "所写的百分比对不上（已按说明的小数位留出四舍五入的余地）。")

    def _with_base(self, st, c, c_err, c_text, unit, b, b_err, base: Mention) -> None:
        diff = c - b
        if st.flat and abs(diff) > c_err + b_err:
            self.out.add("change.flat", "error",
                         f"“{self.name(st)}”本年 {c_text or fmt(c)} {unit}，上年 {base.text} {base.unit}，说明却称持平",
                         [self.place(st, change=True)], expected=f"{fmt(diff)} {unit}", stated="持平",
                         why="两年的数不同，就不是持平。")
        if st.change is not None:
            d = to_unit(st.change, st.change_unit or unit, unit)
            d_err = to_unit(span(st.change_text), st.change_unit or unit, unit)
            if abs(d - diff) > c_err + b_err + d_err:
                self.out.add("change.amount", "error",
                             f"“{self.name(st)}”本年 {c_text or fmt(c)} {unit}，上年 {base.text} {base.unit}，相差 {fmt(diff)} {unit}，"
                             f"说明称变动 {st.change_text} {st.change_unit or unit}",
                             [self.place(st, change=True)], expected=fmt(diff), stated=str(d),
                             why="增减额应等于本年数减上年数。")
        if st.rate is None or id(st) in self.explained or b <= 0:
            return
        rng = ratio_range(diff, c_err + b_err, b, b_err)
        if rng is None or consistent(st.rate_text, *rng, slack=ONE):
            return
        self.out.add("change.percent", "error",
                     f"“{self.name(st)}”本年 {c_text or fmt(c)} {unit}，上年 {base.text} {base.unit}，"
                     f"{_rate_word(st)}率应为 ({c_text or fmt(c)} − {base.text}) ÷ {base.text} = {fmt(abs(diff) / b * HUNDRED)}%，"
                     f"说明为 {st.rate_text}%",
                     [self.place(st, change=True)], expected=f"{fmt(abs(diff) / b * HUNDRED)}%", stated=f"{st.rate_text}%",
                     why="增减率 = (本年数 − 上年数) ÷ 上年数；按说明所写的两年数计算，百分比对不上。")

    def _direction(self, st: Statement) -> None:
        if st.ambiguous:
            return
        up = [w for w in st.change_words if w in ("增加", "增长", "上升", "提高", "增幅", "大于", "高于")]
        down = [w for w in st.change_words if w in ("减少", "下降", "降低", "压减", "降幅", "减幅", "小于", "低于")]
        zero = (st.change == 0) or (st.rate == 0)
        if up and down and not zero:
            self.out.add("change.direction", "error",
                         f"“{self.name(st)}”既说“{up[0]}”又说“{down[0]}”", [self.place(st, change=True)],
                         stated=f"{up[0]}/{down[0]}", expected="同一方向",
                         why="同一项目同一比较只能是增加或减少之一。")
        if st.bases and st.figures and (up or down) and not zero:
            c, b = st.figures[0], st.bases[0]
            diff = c.value - to_unit(b.value, b.unit, c.unit)
            if diff and (diff > 0) != bool(up):
                word = (up or down)[0]
                self.out.add("change.direction", "error",
                             f"“{self.name(st)}”本年 {c.text} {c.unit}，上年 {b.text} {b.unit}，说明却称“{word}”",
                             [self.place(st, change=True)], expected="增加" if diff > 0 else "减少", stated=word,
                             why="本年数大于上年数是增加，小于上年数是减少。")
        self._reason_direction(st, up, down)

    def _reason_direction(self, st: Statement, up, down) -> None:
        """"比2023年预算执行数减少2.98%。主要原因是：…经费增加": the one cause given says the opposite."""
        m = re.fullmatch(r"[:：]?[^，,；;、]{0,40}?(?:经费|支出|费用|资金)(增加|减少)[。]?", st.reason)
        if not m or not (up or down) or (up and down):
            return
        said_up = m.group(1) == "增加"
        if said_up != bool(up):
            self.out.add("change.reason_direction", "warning",
                         f"“{self.name(st)}”{(up or down)[0]}，所述原因却是“{st.reason.lstrip('：:')}”",
                         [self.place(st, change=True)], expected=("增加" if up else "减少"), stated=m.group(1),
                         why="变动原因所说的方向与变动本身相反，原因或方向至少一处写错。")

    # ── period named vs the document's year ─────────────────────────────────────────────────────
    def period(self, st: Statement) -> None:
        year = trusted_year(self.doc)
        if not year:
            return
        for m in st.figures:
            if m.year is not None and m.year != year:
                self.out.add("period.year", "error",
                             f"说明写“{m.year}年{'预算' if m.measure == '预算' else ''}”{m.text} {m.unit}，本文件是 {year} 年{self.doc.kind}",
                             [self.place(st)], expected=f"{year}年", stated=f"{m.year}年",
                             why=f"本年的数应标为 {year} 年；写成 {m.year} 年，读者会以为是另一年度的数。")
        if self.doc.kind == "决算":
            return
        if st.base_year is not None and st.base_year != year - 1:
            same = st.base_year == year
            self.out.add("period.base", "error",
                         f"“{self.name(st)}”与“{st.base_year}年”比较，{year} 年预算应与 {year - 1} 年比较"
                         + ("（比较基期写成了本年）" if same else ""),
                         [self.place(st, change=True)], expected=f"{year - 1}年", stated=f"{st.base_year}年",
                         why=f"{year} 年预算的增减是相对上一年（{year - 1} 年）而言的；"
                             + ("与本年自己比较不可能有增减。" if same else "所写年份不是上一年。"))
        for b in st.bases:
            named = st.base_year if st.base_year is not None else year - 1
            if b.year is not None and b.year != named and st.base_named:
                self.out.add("period.base", "error",
                             f"“{self.name(st)}”的上年数写作“{b.year}年”，比较却是与“{named}年”",
                             [self.place(st, change=True)], expected=f"{named}年", stated=f"{b.year}年",
                             why="同一比较的上年数与比较基期应是同一年。")

    # ── shares ──────────────────────────────────────────────────────────────────────────────────
    def share(self, st: Statement) -> None:
        if st.share is None or not st.figures:
            return
        f = st.figures[0]
        wholes = self._share_wholes(st, f.unit)
        if not wholes:
            return
        for value, text, where in wholes:
            rng = ratio_range(f.value, span(f.text), value, span(text) if text else Decimal(0))
            if rng is None or consistent(st.share_text, *rng, slack=ONE) or self._plugged(st, rng):
                return
        value, text, where = wholes[0]
        actual = f.value / value * HUNDRED
        self.out.add("narrative.share", "error",
                     f"“{self.name(st)}”占比说明为 {st.share_text}%，按 {f.text} ÷ {text or fmt(value)} 计算为 {fmt(actual)}%"
                     + self._other_base(st, f),
                     [self.place(st), where], expected=f"{fmt(actual)}%", stated=f"{st.share_text}%",
                     why="占比 = 该项金额 ÷ 总额；按说明与表中的数计算，所写百分比对不上。")

    def _other_base(self, st: Statement, f: Mention) -> str:
        """"占“三公”经费的8.75%" that is 222.5 ÷ 2542.60, the table's 合计 with 会议费 and 培训费: say so."""
        refs = self._base_refs(re.sub(r"的$", "", st.share_base)) if st.share_base else ()
        for ref in refs[:1]:
            t = self.doc.table(ref.table)
            for c, label in enumerate(t.columns):
                v = self.cell(CellRef(ref.table, ref.row, c), f.unit)
                rng = ratio_range(f.value, span(f.text), v, Decimal(0)) if v > 0 else None
                if c != ref.column and rng and consistent(st.share_text, *rng):
                    return f"；所写百分比与以{t.id}“{label}” {fmt(v)} {f.unit} 为基数计算的相符，说明所称的基数与实际所用的基数不同"
        return ""

    def _share_wholes(self, st: Statement, unit: str) -> list[tuple[Decimal, str, str]]:
        """What the share is of: the cells its named base links to ("占“三公”经费的…"), or the whole
        the sentence before announced ("支出预算合计…，其中：基本支出…，占…")."""
        base = re.sub(r"的$", "", st.share_base)
        if base:
            return [(self.cell(r, unit), "", self.cell_where(r)) for r in self._base_refs(base)]
        head = self._head_of(st)
        out = []
        if head is not None and head.figures:
            h = head.figures[0]
            out.append((to_unit(h.value, h.unit, unit), h.text, self.place(head)))
        if not out:
            return []
        for label in WHOLES:              # a share of some whole the document states is not our finding
            entry = self.subjects.catalog.entries.get(label)
            for r in self.usable(entry.refs[:1] if entry else ()):
                out.append((self.cell(r, unit), "", self.cell_where(r)))
        return out

    def _base_refs(self, base: str) -> tuple[CellRef, ...]:
        """The cells a share's named base means: the column that names it, not the table's 合计."""
        refs = self.usable(self.subjects.link(base))
        words = re.sub(r"[“”\"]", "", base)
        named = tuple(r for r in refs if words in re.sub(r"[“”\"]", "", self.doc.table(r.table).columns[r.column]))
        return named or refs or self._column_named(words)

    def _column_named(self, words: str) -> tuple[CellRef, ...]:
        """A whole named by a column group ("“三公”经费/小计"): its subtotal cell, first row with a figure."""
        out = []
        for t in self.doc.tables:
            if t.id in self.unreadable:
                continue
            for c, label in enumerate(t.columns):
                parts = [re.sub(r"[“”\"]", "", p) for p in label.split("/")]
                if words in parts and parts[parts.index(words) + 1:] in ([], ["小计"], ["合计"]):
                    row = next((i for i, r in enumerate(t.rows) if r.values[c] is not None), None)
                    if row is not None:
                        out.append(CellRef(t.id, row, c))
        return tuple(out)

    def _head_of(self, st: Statement) -> Statement | None:
        k = self.statements.index(st)
        return next((s for s in reversed(self.statements[:k]) if s.head and s.figures), None)

    def _plugged(self, st: Statement, rng) -> bool:
        """Shares rounded so that they add up to 100%: one of them may be a unit off. The group is
        the run of shares around this one with the same base."""
        k = self.statements.index(st)
        group = [st]
        for step in (-1, 1):
            j = k + step
            while 0 <= j < len(self.statements):
                s = self.statements[j]
                if s.share is None:
                    if s.head or s.figures:
                        break
                elif s.share_base == st.share_base:
                    group.append(s)
                else:
                    break
                j += step
        total = sum(s.share for s in group)
        u = unit_of(places_of(st.share_text))
        near = min(abs(st.share - rng[0]), abs(st.share - rng[1]))
        return len(group) > 1 and total == HUNDRED and near <= u * Decimal("1.5")

    # ── 收入 vs 支出, and one subject's change stated twice ─────────────────────────────────────
    def balance(self) -> None:
        stated = [s for s in self.statements if (s.change is not None or s.rate is not None) and s.figures
                  and not s.ambiguous]
        for i, a in enumerate(stated):
            for b in stated[i + 1:]:
                self._pair(a, b)

    def _pair(self, a: Statement, b: Statement) -> None:
        if (a.base_year, a.base_measure) != (b.base_year, b.base_measure) and a.base_year and b.base_year:
            return
        fa, fb = a.figures[0], b.figures[0]
        if to_unit(fa.value, fa.unit, "元") != to_unit(fb.value, fb.unit, "元"):
            return
        said = _differ(a, b)
        if said is None:
            return
        expected, stated = said
        sa, sb = side_of(a.subject) or ("收支" if a.both_sides else ""), side_of(b.subject) or ("收支" if b.both_sides else "")
        same_fund = fund_of(a.subject) == fund_of(b.subject)
        opposite = {sa, sb} == {"收入", "支出"} or ("收支" in (sa, sb) and {sa, sb} & {"收入", "支出"})
        if same_fund and opposite and _total_words(a.subject) and _total_words(b.subject):
            self.out.add("change.balance", "error",
                         f"收入与支出同为 {fa.text} {fa.unit}，说明称“{self.name(a)}”{_signed(a)}，“{self.name(b)}”{_signed(b)}",
                         [self.place(a), self.place(b)], expected=expected, stated=stated,
                         why="收支平衡的预算中收入总额等于支出总额，上年也相等，因此两者比上年的增减（额与率）必然相同。")
            return
        ra, rb = self.refs[id(a)], self.refs[id(b)]
        if ra and rb and ra[0] == rb[0] and subject_key(a.subject) == subject_key(b.subject):
            self.out.add("change.restated", "error",
                         f"“{self.name(a)}”的增减在两处写法不同：{_signed(a)}（{a.source}）与 {_signed(b)}（{b.source}）",
                         [self.place(a), self.place(b)], expected=expected, stated=stated,
                         why="同一项目与同一年度比较的增减只有一个。")


def _differ(a: Statement, b: Statement) -> tuple[str, str] | None:
    """The two changes as written when they disagree: amounts if both state one, else rates (one unit
    of the last digit apart is rounding)."""
    if a.change is not None and b.change is not None:
        if to_unit(a.change, a.change_unit, "元") != to_unit(b.change, b.change_unit, "元"):
            return a.change_text, b.change_text
        return None
    if a.rate is not None and b.rate is not None:
        u = max(unit_of(places_of(a.rate_text)), unit_of(places_of(b.rate_text)))
        if abs(a.rate - b.rate) > u:
            return f"{a.rate_text}%", f"{b.rate_text}%"
    return None


def _shown(subject: str) -> str:
    """A subject as a reader recognises it: no list number, no heading run into it, no quotes."""
    t = re.sub(r"^.*?情况说明(?=.)", "", subject)
    t = re.sub(r"^(?:其中)?[:：]?(?:[（(]?[一二三四五六七八九十\d]+[)）.、．])+", "", t)
    t = re.sub(r"[“”]|(?:为|是)$", "", t)
    return t[:40]


def _total_words(subject: str) -> bool:
    """A whole side of the budget (收入预算, 支出总计, 财政拨款收入, 一般公共预算支出 …), not one item."""
    bare = re.sub(r"收、支|收入、支出|收支|收入|支出|预算|总计|合计|总额|本年|当年|总|各|数|拨款|财政|一般公共|的|安排|[“”]", "",
                  subject)
    return not bare


def _signed(st: Statement) -> str:
    if st.change is None and st.rate is not None:
        return f"{'增长' if st.rate > 0 else '下降'} {st.rate_text}%"
    word = "增加" if st.change > 0 else "减少" if st.change < 0 else "持平"
    return f"{word} {st.change_text} {st.change_unit}" if st.change else word


def _rate_word(st: Statement) -> str:
    return "增长" if (st.rate or 0) > 0 else "下降"
