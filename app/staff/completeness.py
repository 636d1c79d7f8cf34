"""Completeness and form: the template's tables all there, empty tables explained (and explained
tables empty), 科目编码 and 科目名称 that agree, one name for the unit.

Templates are recognised by a title only they use; each lists the kinds of table it requires. A
table is of a kind by its title or, when the title was not read, by its columns ("“三公”经费/小计").
A required kind that is absent is reported only when nothing suggests we lost it: no table whose
title we could not read, and no gap in the document's own numbering (公开05表 missing between 04 and
06 is a table we did not find, not one the document left out).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from app.staff.findings import Findings
from ingest.model import BudgetDocument, Table

EMPTY_NOTE = re.compile(r"空表|此表为空|本表为空|无数据|无相关|无此项|无该项|没有|未安排|无[^，。]{0,16}(?:收支|支出|收入|预算|安排|项目)")
NIL = r"(?:空表|无|没有|未安排|未使用|不涉及|(?<![\d.])0(?:\.0+)?万元|为0)"
# what may rightly be empty, and the word a narrative uses for it
MAY_BE_EMPTY = {"政府性基金表": "政府性基金", "国有资本经营表": "国有资本经营", "三公表": "三公", "机关运行经费表": "机关运行经费",
                "政府采购表": "政府采购", "一般公共预算项目支出表": "项目支出", "结转结余表": "结转"}
SAID_EMPTY = re.compile(r"为空表|此表为空|本表为空|本表无数据|故本表无数据")


UNIT_TYPES = "管理局|管理中心|服务中心|中心|局|办公室|办公厅|办事处|委员会|检察院|法院|院|厅|所|站|队|处|部|委|社|馆"


@dataclass(frozen=True)
class Kind:
    name: str                      # how staff name the table
    title: str                     # a regex over the table's title
    columns: str = ""              # a regex over its column labels, when the title was not read


KINDS = {
    "收支总表": Kind("收支总表", r"(?<!拨款)收支(?:预算)?总(?:表|体)|财务收支|收入支出决算总表"),
    "收入表": Kind("收入总表", r"^(?:.*[、：:])?(?:\d{4}年度?)?(?:.*?)(?:部门|单位)?收入(?:预算|决算)?(?:总表|总体情况表|表)$"),
    "支出表": Kind("支出总表", r"^(?:.*[、：:])?(?:\d{4}年度?)?(?:.*?)(?:部门|单位)?支出(?:预算|决算)?(?:总表|总体情况表)$|^支出决算表$"),
    "财政拨款收支表": Kind("财政拨款收支总表", r"财政拨款收(?:入)?支(?:出)?"),
    "财政拨款支出表": Kind("财政拨款支出预算表", r"^(?!.*(?:政府性基金|国有资本)).*财政拨款支出预算表"),
    "财政拨款基本支出表": Kind("财政拨款基本支出预算表", r"财政拨款基本支出"),
    "一般公共预算支出表": Kind("一般公共预算支出表", r"一般公共预算(?:财政拨款)?支出(?:功能分类)?(?:预算|决算|情况)?表"),
    "一般公共预算基本支出表": Kind("一般公共预算基本支出表", r"一般公共预算(?:财政拨款)?基本支出"),
    "一般公共预算项目支出表": Kind("一般公共预算项目支出表", r"项目支出"),
    "政府性基金表": Kind("政府性基金预算支出表", r"政府性基金"),
    "国有资本经营表": Kind("国有资本经营预算支出表", r"国有资本经营"),
    "三公表": Kind("“三公”经费表", r"三公", r"三公"),
    "机关运行经费表": Kind("机关运行经费表", r"机关运行经费(?:支出)?(?:预算)?表", r"^机关运行经费"),
    "政府采购表": Kind("政府采购预算表", r"政府采购", r""),
    "结转结余表": Kind("上年结转结余表", r"结转结余"),
}


@dataclass(frozen=True)
class Template:
    name: str
    marker: str                    # a regex some table title matches only in this template
    required: tuple[str, ...]
    titles: tuple[str, ...] = ()   # the template's own title of each required table, when it has fixed ones

    def title_of(self, kind: str) -> str:
        return self.titles[self.required.index(kind)] if self.titles else KINDS[kind].name


TEMPLATES = (
    Template("上海市部门（单位）预算", r"财务收支预算总表",
             ("收支总表", "收入表", "支出表", "财政拨款收支表", "一般公共预算支出表", "政府性基金表", "国有资本经营表",
              "一般公共预算基本支出表", "三公表")),
    Template("江苏省部门预算（公开01–12表）", r"会议费、培训费|公开\d{2}表|（功能科目）|（经济科目）|机关运行经费支出预算表|财政拨款基本支出预算表",
             ("收支总表", "收入表", "支出表", "财政拨款收支表", "财政拨款支出表", "财政拨款基本支出表", "一般公共预算支出表",
              "一般公共预算基本支出表", "三公表", "政府性基金表", "机关运行经费表", "政府采购表")),
    Template("单位（部门）预算（收支总体情况表 …）", r"收支总体情况表",
             ("收支总表", "收入表", "支出表", "财政拨款收支表", "一般公共预算支出表", "一般公共预算基本支出表",
              "一般公共预算项目支出表", "政府性基金表", "国有资本经营表", "三公表")),
    Template("部门决算", r"收入支出决算总表",
             ("收支总表", "收入表", "支出表", "财政拨款收支表", "一般公共预算支出表", "一般公共预算基本支出表", "三公表",
              "政府性基金表", "国有资本经营表"),
             ("收入支出决算总表", "收入决算表", "支出决算表", "财政拨款收入支出决算总表", "一般公共预算财政拨款支出决算表",
              "一般公共预算财政拨款基本支出决算表", "财政拨款“三公”经费支出决算表", "政府性基金预算财政拨款收入支出决算表",
              "国有资本经营预算财政拨款收入支出决算表")),
)


def template_of(doc: BudgetDocument) -> Template | None:
    for tpl in TEMPLATES:
        if any(re.search(tpl.marker, t.title) for t in doc.tables):
            return tpl
    return None


def kinds_of(t: Table) -> set[str]:
    title = re.sub(r"\s", "", t.title)
    out = {k for k, kind in KINDS.items() if re.search(kind.title, title)}
    if not out or len(title) < 6:
        out |= {k for k, kind in KINDS.items() if kind.columns and any(re.search(kind.columns, c) for c in t.columns)}
    return out


def _number(t: Table) -> int | None:
    m = re.fullmatch(r"表(\d+)", t.id)
    return int(m.group(1)) if m else None


class Completeness:
    def __init__(self, doc: BudgetDocument, unreadable: frozenset[str], out: Findings):
        self.doc, self.unreadable, self.out = doc, unreadable, out

    def run(self) -> None:
        self.required()
        self.empty_tables()
        self.codes()
        self.unit_name()

    # ── the template's tables ───────────────────────────────────────────────────────────────────
    def required(self) -> None:
        tpl = template_of(self.doc)
        if tpl is None:
            return
        present = set().union(*(kinds_of(t) for t in self.doc.tables))
        missing = [k for k in tpl.required if k not in present]
        if not missing or self._may_have_lost_a_table():
            return
        for k in missing:
            self.out.add("completeness.missing", "error",
                         f"按{tpl.name}的格式应公开“{tpl.title_of(k)}”，文件中没有这张表",
                         ["全文"], expected=tpl.title_of(k), stated="缺失",
                         why=f"{tpl.name}要求公开的表共 {len(tpl.required)} 张；缺少的表即使无数据也应保留表格并注明为空表。")

    def _may_have_lost_a_table(self) -> bool:
        """A table whose title we did not read, an unreadable one, or a gap in the numbering."""
        if self.unreadable or any(_garbled(t) for t in self.doc.tables):
            return True
        numbers = sorted(n for n in (_number(t) for t in self.doc.tables) if n is not None)
        return bool(numbers) and numbers != list(range(1, len(numbers) + 1))

    # ── empty tables and their notes ────────────────────────────────────────────────────────────
    def empty_tables(self) -> None:
        for t in self.doc.tables:
            if t.id in self.unreadable or not t.columns:
                continue
            amounts = [v for r in t.rows for v in r.values if v is not None and v != 0]
            note = re.sub(r"\s", "", t.note)
            if amounts and SAID_EMPTY.search(note):
                total = next((r.values[0] for r in t.rows if r.values and r.values[0]), amounts[0])
                self.out.add("completeness.not_empty", "error",
                             f"{t.id}《{t.title}》注明“{note[:60]}”，但表中列有数字（如 {total} {t.unit}）",
                             [f"{t.id} ({t.source})"], expected="空表或删去空表说明", stated=note[:60],
                             why="表下注明本表为空表，表中却有数字；要么表中的数不应出现，要么说明写错。")
            elif not amounts and t.rows and not _garbled(t) and not EMPTY_NOTE.search(note) and self._may_be_empty(t) \
                    and self.doc.sections and not self._explained(t):   # tables alone: the 说明 is elsewhere
                self.out.add("completeness.empty_note", "warning",
                             f"{t.id}《{t.title}》没有数字，表下和说明中都没有写明为空表及原因",
                             [f"{t.id} ({t.source})"], expected="空表说明", stated="无",
                             why="公开的空表应注明“本表为空表”及其原因（如本单位无此项收支），以免读者误以为漏填。")

    def _may_be_empty(self, t: Table) -> bool:
        """Only tables a unit may rightly leave empty: an empty 收支总表 is a table we did not read."""
        return bool(kinds_of(t) & set(MAY_BE_EMPTY)) and not (kinds_of(t) - set(MAY_BE_EMPTY))

    def _explained(self, t: Table) -> bool:
        """The narrative says there is none: a sentence (or a section under a heading) that names
        the table's kind and says 无/没有/0万元."""
        words = [MAY_BE_EMPTY[k] for k in kinds_of(t) if k in MAY_BE_EMPTY]
        for s in self.doc.sections:
            text = re.sub(r"\s", "", "".join(s.path[-1:]) + "：" + s.text)
            for sentence in re.split(r"[。；;]", text):
                if any(w in sentence for w in words) and re.search(NIL, sentence):
                    return True
        return False

    # ── 科目编码 vs 科目名称 ─────────────────────────────────────────────────────────────────────
    def codes(self) -> None:
        from app.staff.codes import known_codes, same_name
        seen: dict[str, tuple[str, Table, int]] = {}
        known, unique = known_codes()
        for t in self.doc.tables:
            if t.id in self.unreadable:
                continue
            for i, r in enumerate(t.rows):
                if not r.code or not r.name:
                    continue
                first = seen.setdefault(r.code, (r.name, t, i))
                if not same_name(first[0], r.name) and not (first[0].startswith(r.name) or r.name.startswith(first[0])):
                    self.out.add("completeness.code_name", "error",
                                 f"科目编码 {r.code} 在{first[1].id}名为“{first[0]}”，在{t.id}名为“{r.name}”：同一编码两种名称",
                                 [f"{first[1].id} {r.code} {first[0]} ({first[1].rows[first[2]].source})",
                                  f"{t.id} {r.code} {r.name} ({r.source})"], expected=first[0], stated=r.name,
                                 why="政府收支分类科目的编码与名称一一对应，同一编码在各表中的名称应相同。")
                    continue
                other = unique.get(_key(r.name))
                names = known.get(r.code, set())
                if other and other != r.code and len(other) == len(r.code) and names \
                        and not any(same_name(n, r.name) for n in names):
                    self.out.add("completeness.code_name", "error",
                                 f"{t.id}“{r.code} {r.name}”：{r.code} 是“{'、'.join(sorted(names))}”的编码，"
                                 f"“{r.name}”的编码是 {other}",
                                 [f"{t.id} {r.code} {r.name} ({r.source})"], expected=f"{other} {r.name}",
                                 stated=f"{r.code} {r.name}",
                                 why="按政府收支分类科目，该名称对应另一个编码，表中编码与名称不符。")

    # ── the unit's name ─────────────────────────────────────────────────────────────────────────
    def unit_name(self) -> None:
        org = self.doc.org
        m = re.fullmatch(rf"(.*?(?:省|自治区|市|州|盟|县|区|旗))(.+?)({UNIT_TYPES})", org or "")
        if not m or len(org) < 5 or len(m.group(2)) < 2:
            return
        place, core, tail = m.groups()
        variant = re.compile(rf"{re.escape(place)}{re.escape(core)}({UNIT_TYPES})")
        for s in self.doc.sections:
            text = re.sub(r"\s", "", s.text)
            for v in variant.finditer(text):
                name = v.group(0)
                if v.group(1) == tail or name == org or org.startswith(name):
                    continue        # the same type of unit with more words is another unit (外事办公室)
                self.out.add("naming.unit", "warning",
                             f"单位名称写作“{name}”，文件其他各处（封面、各表编制单位）为“{org}”",
                             [s.source], expected=org, stated=name,
                             why="同一份公开文件中单位名称应前后一致；名称不同会让人以为是另一个单位。")


def _garbled(t: Table) -> bool:
    if any(re.sub(r"\s", "", t.title) in tpl.titles for tpl in TEMPLATES):
        return False                  # a template's own short title (收入决算表, 支出决算表)
    return len(re.sub(r"\s|^[一二三四五六七八九十]+、|^公开\d+表[:：]?", "", t.title)) < 6


def _key(name: str) -> str:
    return re.sub(r"[\s（）()]", "", name)


__all__ = ["Completeness", "template_of", "kinds_of", "TEMPLATES"]
