"""Draft 情况说明 paragraphs from the tables, in the standard phrasing of these documents.

Every amount is a table cell and every share is computed from cells (Decimal, half-up to 2 places);
each is recorded as a ``DraftFigure`` with its source. A change against last year needs last year's
document: when ``previous`` is given (same unit, year − 1) the change is computed from it; otherwise,
where the document's own narrative states the change of that item (and, when it states one, the same
current amount), the change is taken from there and recorded with its place ("据原文说明"); otherwise the
text carries the visible placeholder 【上年数】 — never a guess. ``compare`` shows how the document's own
narrative differs from the draft, sentence by sentence.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from app.staff.audit_figures import Figure, Resolver, context_of, half_up
from ingest.model import BudgetDocument
from ingest.verify import total_row

PLACEHOLDER = "【上年数】"
PARTS = ("收入", "支出", "财政拨款", "一般公共预算", "基本支出", "三公")
CONTEXTS = {"收入": ("income",), "支出": ("expenditure",), "财政拨款": ("fiscal",), "一般公共预算": ("gpb",),
            "基本支出": ("basic",), "三公": ("sangong",)}


@dataclass(frozen=True)
class DraftFigure:
    label: str
    value: Decimal
    unit: str                 # 万元 | %
    source: str               # a table cell, or the formula over cells


@dataclass
class DraftPart:
    part: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    figures: list[DraftFigure] = field(default_factory=list)
    placeholders: int = 0
    stated: int = 0           # changes taken from the document's own narrative


def fmt(x: Decimal) -> str:
    return f"{half_up(x):.2f}"


def _item_key(label: str) -> str:
    """'社会保障和就业支出（类）…社会保险经办机构（项）' → '社会保险经办机构'; quotes, 本级 and spaces dropped."""
    t = re.sub(r"\s+", "", label)
    t = re.split(r"[（(]款[)）]", t)[-1]
    t = re.sub(r"[（(](?:类|款|项|本级)[)）]", "", t)
    return re.sub(r"[“”\"'‘’]", "", t).removeprefix("财政拨款")


def stated_reason(change) -> str:
    """The reason the narrative gives for this very change: right after its rate, or in the next
    sentence; '' when another item's change stands between ("…下降6.14%，其中：A增加0万元…主要原因是…")."""
    s = re.sub(r"\s+", "", change.sentence)
    start = s.find(re.sub(r"\s+", "", change.item))
    m = re.compile(r"(?:增长|下降|增加|减少)-?\d+(?:\.\d+)?%").search(s, max(start, 0))
    if m is None:
        return ""
    rest = s[m.end():]
    here = re.match(r"[，,]?主要原因(?:是|为)?[:：]?([^。；;]+)", rest)
    if here:
        return here.group(1)
    return "" if "主要原因" in rest else change.reason.strip().rstrip("。")


class Drafter:
    def __init__(self, doc: BudgetDocument, previous: BudgetDocument | None = None, stated: bool = True):
        self.doc, self.res = doc, Resolver(doc)
        self.prev = Resolver(previous) if previous is not None else None
        self._changes = None if stated else ()

    def changes(self):
        if self._changes is None:
            from app.answer.catalog import catalog_for
            self._changes = catalog_for(self.doc).changes
        return self._changes

    def stated_change(self, label: str, fig: Figure):
        """The narrative's own statement of this item's change (same item, same current amount)."""
        want = _item_key(label)
        for ch in self.changes():
            have = _item_key(ch.item)
            if ch.change is None or ch.percent is None or len(have) < 2 or len(want) < 2:
                continue
            if not (have == want or have.endswith(want) or want.endswith(have)):
                continue
            if ch.current is not None and half_up(ch.current) != half_up(fig.value):
                continue
            return ch
        return None

    def from_text(self, part: DraftPart, label: str, ch, fig: Figure) -> str:
        where = f"据原文说明（{self.doc.sections[ch.section].source}）"
        down = ch.change < 0 or (ch.change == 0 and ch.percent < 0)
        word, rate = ("减少", "下降") if down else ("增加", "增长")
        part.stated += 1
        part.figures.append(DraftFigure(f"{label}变动", half_up(abs(ch.change)), "万元", where))
        part.figures.append(DraftFigure(f"{label}变动率", half_up(abs(ch.percent)), "%", where))
        reason = stated_reason(ch)
        if reason and "未安排" in reason and fig.value:      # "…均未安排X" cannot explain a funded X
            reason = ""
        return (f"，比上年预算{word}{fmt(abs(ch.change))}万元，{rate}{fmt(abs(ch.percent))}%"
                f"，主要原因是{reason or '【变动原因】'}")

    def amount(self, part: DraftPart, label: str, fig: Figure) -> str:
        part.figures.append(DraftFigure(label, half_up(fig.value), "万元", fig.where))
        return fmt(fig.value)

    def share(self, part: DraftPart, label: str, fig: Figure, base: Figure) -> str:
        if not base.value:
            return ""
        p = half_up(fig.value / base.value * 100)
        part.figures.append(DraftFigure(f"{label}占比", p, "%", f"{fig.value} ÷ {base.value}（{fig.where}；{base.where}）"))
        return f"，占{fmt(p)}%"

    def change(self, part: DraftPart, label: str, fig: Figure, get: Callable[[Resolver], Figure | None]) -> str:
        before = get(self.prev) if self.prev is not None else None
        stated = self.stated_change(label, fig) if before is None else None
        if stated is not None:
            return self.from_text(part, label, stated, fig)
        if before is None:
            part.placeholders += 1
            return f"，比上年预算增加（减少）{PLACEHOLDER}万元，增长（下降）{PLACEHOLDER}%"
        diff = fig.value - before.value
        word, rate = ("增加", "增长") if diff >= 0 else ("减少", "下降")
        part.figures.append(DraftFigure(f"{label}变动", half_up(abs(diff)), "万元", f"{fig.value} − {before.value}"))
        text = f"，比上年预算{word}{fmt(abs(diff))}万元"
        if before.value:
            p = half_up(abs(diff) / before.value * 100)
            part.figures.append(DraftFigure(f"{label}变动率", p, "%", f"{abs(diff)} ÷ {before.value}"))
            text += f"，{rate}{fmt(p)}%"
        return text + "，主要原因是【变动原因】"

    def item(self, part: DraftPart, label: str, get: Callable[[Resolver], Figure | None],
             base: Figure | None = None, with_change: bool = True) -> str:
        fig = get(self.res)
        if fig is None or not fig.value:
            return f"{label}未安排。"
        text = f"{label}{self.amount(part, label, fig)}万元"
        if base is not None:
            text += self.share(part, label, fig, base)
        if with_change:
            text += self.change(part, label, fig, get)
        return text + "。"

    # ── the parts ────────────────────────────────────────────────────────────────────────────────
    def head(self, n: str, what: str) -> str:
        return f"{n}、关于{self.doc.org}{self.doc.year}年{what}"

    def income(self) -> DraftPart:
        part = DraftPart("收入", self.head("二", "收入预算情况说明"))
        total = self.res.total("overview", group="收入")
        inc = self.res.t("income")
        part.paragraphs.append(f"{self.doc.org}单位收入预算{self.amount(part, '收入预算', total)}万元，其中：")
        for c, label in enumerate(inc.columns if inc else ()):
            leaf = label.split("/")[-1]
            if leaf in ("总计", "合计", "小计"):
                continue
            name = leaf if leaf != "一般公共预算" else "一般公共预算（本级）"

            def get(r: Resolver, c=c, label=label):
                t = r.t("income")
                from ingest.verify import col
                return r.cell(t, total_row(t), col(t, label)) if t is not None else None
            part.paragraphs.append(self.item(part, name, get, total))
        return part

    def expenditure(self) -> DraftPart:
        part = DraftPart("支出", self.head("三", "支出预算情况说明"))
        total = self.res.total("expenditure")
        part.paragraphs.append(f"{self.doc.org}{self.doc.year}年支出预算{self.amount(part, '支出预算', total)}万元，其中：")
        for label in ("基本支出", "项目支出"):
            part.paragraphs.append(self.item(part, label, lambda r, label=label: r.total("expenditure", label), total))
        return part

    def fiscal(self) -> DraftPart:
        part = DraftPart("财政拨款", self.head("四", "财政拨款收支预算情况的总体说明"))
        fo = self.res.t("fiscal_overview")
        total = self.res.cell(fo, total_row(fo, "收入"), 0)
        part.paragraphs.append(f"{self.doc.year}年财政拨款收支总预算{self.amount(part, '财政拨款收支总预算', total)}万元。")
        funded = [(c, label) for c, label in enumerate(fo.columns[1:], 1) if self.res.cell(fo, total_row(fo, "支出"), c).value]
        names = "、".join(f"{label}拨款{self.amount(part, label, self.res.cell(fo, total_row(fo, '支出'), c))}万元"
                         for c, label in funded)
        part.paragraphs.append(f"收入预算包括：{names}。")
        part.paragraphs.append("一般公共预算支出包括：")
        for i, r in enumerate(fo.rows):
            if r.group == "支出" and r.level > 0 and r.values[0]:
                fig = self.res.cell(fo, i, 0)
                part.paragraphs.append(f"{r.name}{self.amount(part, r.name, fig)}万元，主要用于【用途】。")
        return part

    def gpb(self) -> DraftPart:
        part = DraftPart("一般公共预算", self.head("五", "一般公共预算当年拨款情况说明"))
        t = self.res.t("gpb_expenditure")
        total = self.res.total("gpb_expenditure")
        part.paragraphs.append("（一）一般公共预算当年拨款规模变化情况")
        part.paragraphs.append(f"{self.doc.org}{self.doc.year}年一般公共预算拨款合计"
                               f"{self.amount(part, '一般公共预算拨款合计', total)}万元，其中：")
        for label in ("基本支出", "项目支出"):
            part.paragraphs.append(self.item(part, label, lambda r, label=label: r.total("gpb_expenditure", label)))
        part.paragraphs.append("（二）一般公共预算当年拨款结构情况")
        n = 0
        for i, r in enumerate(t.rows):
            if r.level == 1 and r.values[0]:
                n += 1
                fig = self.res.cell(t, i, 0)
                part.paragraphs.append(f"{n}、{r.name}（类）{self.amount(part, r.name, fig)}万元"
                                       f"{self.share(part, r.name, fig, total)}。")
        part.paragraphs.append("（三）一般公共预算当年拨款具体使用情况")
        n = 0
        for i, r in enumerate(t.rows):
            if len(r.code) == 7:
                n += 1
                kuan, lei = t.rows[r.parent], t.rows[t.rows[r.parent].parent]
                label = f"{lei.name}（类）{kuan.name}（款）{r.name}（项）"
                code = r.code

                def get(res: Resolver, code=code):
                    tt = res.t("gpb_expenditure")
                    idx = next((j for j, row in enumerate(tt.rows) if row.code == code), None) if tt else None
                    return res.cell(tt, idx, 0)
                text = self.item(part, label, get).replace(label, f"{label}{self.doc.year}年预算数为", 1)
                part.paragraphs.append(f"{n}.{text}")
        return part

    def basic(self) -> DraftPart:
        part = DraftPart("基本支出", self.head("六", "一般公共预算基本支出情况说明"))
        t = self.res.t("gpb_basic")
        total = self.res.total("gpb_basic")
        part.paragraphs.append(f"{self.doc.org}{self.doc.year}年一般公共预算基本支出"
                               f"{self.amount(part, '一般公共预算基本支出', total)}万元，其中：")
        for label in ("人员经费", "公用经费"):
            fig = self.res.total("gpb_basic", label)
            c = t.columns.index(label)
            items = "、".join(r.name for r in t.rows if r.level > 1 and r.values[c])
            part.paragraphs.append(f"{label}{self.amount(part, label, fig)}万元，主要包括：{items}。")
        return part

    def sangong(self) -> DraftPart:
        part = DraftPart("三公", self.head("十", "财政拨款“三公”经费预算情况说明"))
        t = self.res.t("sangong")
        total = self.res.total("sangong")
        names = ("因公出国（境）费", "公务用车购置费", "公务用车运行费", "公务接待费")
        from ingest.verify import find_row
        figs = {n: self.res.cell(t, find_row(t, n), 0) for n in names}
        listed = "，".join(f"{n}{self.amount(part, n, f)}万元" for n, f in figs.items() if f is not None)
        part.paragraphs.append(f"{self.doc.org}{self.doc.year}年财政拨款“三公”经费数为"
                               f"{self.amount(part, '“三公”经费', total)}万元，其中：{listed}。")
        part.paragraphs.append(f"{self.doc.year}年财政拨款“三公”经费" +
                               self.change(part, "“三公”经费", total, lambda r: r.total("sangong")).lstrip("，") + "。")
        for n, f in figs.items():
            if f is None:
                continue
            if not f.value:
                part.paragraphs.append(f"{self.doc.year}年未安排{n}。")
            else:
                part.paragraphs.append(f"{n}{self.amount(part, n, f)}万元"
                                       + self.change(part, n, f, lambda r, n=n: r.cell(r.t("sangong"), find_row(r.t("sangong"), n), 0)) + "。")
        return part


BUILDERS = {"收入": Drafter.income, "支出": Drafter.expenditure, "财政拨款": Drafter.fiscal,
            "一般公共预算": Drafter.gpb, "基本支出": Drafter.basic, "三公": Drafter.sangong}


NEEDS = {"收入": ("overview", "income"), "支出": ("expenditure",), "财政拨款": ("fiscal_overview",),
         "一般公共预算": ("gpb_expenditure",), "基本支出": ("gpb_basic",), "三公": ("sangong",)}


def draft(doc: BudgetDocument, part: str = "全部", previous: BudgetDocument | None = None,
          stated: bool = True) -> list[DraftPart]:
    """The part(s) drafted; ``stated``: take a change the narrative states when last year's document
    is missing (False: always the 【上年数】 placeholder)."""
    d = Drafter(doc, previous, stated)
    out = []
    for p in (PARTS if part == "全部" else (part,)):
        missing = [role for role in NEEDS[p] if d.res.t(role) is None or total_row(d.res.t(role)) is None
                   and role != "overview"]
        if missing:
            out.append(DraftPart(p, f"（{p}）", [f"文档中没有可用于起草“{p}”部分的表格（{'、'.join(missing)}），未起草。"]))
            continue
        out.append(BUILDERS[p](d))
    return out


def previous_of(doc: BudgetDocument, candidates) -> str | None:
    """The id of last year's document of the same unit among (doc_id, org, year, kind, scope) tuples."""
    for doc_id, org, year, kind, scope in candidates:
        if org == doc.org and year == doc.year - 1 and kind == doc.kind and scope == doc.scope:
            return doc_id
    return None


def source_text(doc: BudgetDocument, part: str) -> str:
    """The document's own paragraphs for a part (empty when it has none)."""
    ctxs = CONTEXTS[part]
    return "".join(re.sub(r"\s+", "", s.text) for s in doc.sections if context_of(s.path) in ctxs)


def _sentences(paragraphs: list[str]) -> list[str]:
    """Sentences, with the bracket and comma variants people type made alike so they do not count as changes."""
    text = re.sub(r"\s+", "", "".join(paragraphs)).replace("(", "（").replace(")", "）").replace(",", "，")
    text = text.replace("；", "。").replace(";", "。")
    return [s for s in re.split(r"(?<=。)", text) if s]


MASK = re.compile(r"比上年(?:预算)?(?:增加|减少)-?[\d.]+万元[，,](?:增长|下降)-?[\d.]+%(?:[，,]主要原因[^。；;]*)?")
MASKED = f"比上年预算增加（减少）{PLACEHOLDER}万元，增长（下降）{PLACEHOLDER}%"


def _canon(sentence: str) -> str:
    """What a comparison ignores: '主要原因是：' vs '主要原因是', '0%' vs '0.00%'."""
    s = re.sub(r"(主要原因(?:是|为)?)[:：]", r"\1", sentence)
    return re.sub(r"(\d+)\.(\d*?)0+(?=[万%元])", lambda m: m.group(1) + ("." + m.group(2) if m.group(2) else ""), s)


def compare(doc: BudgetDocument, p: DraftPart) -> list[str]:
    """Sentence diff: '- ' lines from the source narrative, '+ ' lines from the draft, each changed
    source run followed by the draft sentences that replace it."""
    source = source_text(doc, p.part)
    if not source:
        return []
    ours = _sentences([x for x in p.paragraphs if not re.match(r"^[（(][一二三四五六七八九十]+[)）]", x)])
    theirs = _sentences([source])
    if p.placeholders:   # last year's figures and the reasons are the author's to give: compare the rest
        theirs = [MASK.sub(MASKED, s) for s in theirs if not s.startswith("主要原因")]
    matcher = difflib.SequenceMatcher(None, [_canon(s) for s in theirs], [_canon(s) for s in ours], autojunk=False)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            out += [f"- {s}" for s in theirs[i1:i2]] + [f"+ {s}" for s in ours[j1:j2]]
    return out


def render(doc: BudgetDocument, parts: list[DraftPart], diff: bool = True) -> str:
    out: list[str] = []
    for p in parts:
        out.append(p.heading)
        out += p.paragraphs
        if p.stated:
            out.append(f"（{p.stated} 处与上年的比较据本文档的说明填写）")
        if p.placeholders:
            out.append(f"（{p.placeholders} 处需上年数据，文档库中没有上年预算，以{PLACEHOLDER}标出）")
        if diff:
            lines = compare(doc, p)
            if lines:
                out.append("—— 与原文的差异（- 原文，+ 草稿" + ("；上年数与原因不比" if p.placeholders else "") + "）——")
                out += lines
        out.append("")
    return "\n".join(out).rstrip()
