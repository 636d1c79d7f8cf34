"""What a question can refer to in one document: labelled cells, narrative facts, year-on-year
statements. Built once per document (cached by its sha256) from the verified tables and the narrative.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from ingest.model import BudgetDocument, Section
from ingest.tables import is_total
from ingest.verify import total_row

# Which table gives the primary figure for a name found in several tables.
ROLE_ORDER = ("expenditure", "income", "gpb_expenditure", "fiscal_overview", "overview", "gpb_basic",
              "sangong", "gpb_project", "carryover", "gov_fund", "soe", "admin_cost", "procurement", "other")
COLUMN_LABEL_ROLES = ("expenditure", "income", "gpb_expenditure", "gpb_basic", "fiscal_overview")
GENERIC = {"合计", "总计", "小计", "预算数", "项目", "其他", "支出", "收入"}

# Labels for whole tables (their total row), by role: (labels, row group, column label or None = first).
TABLE_CONCEPTS: dict[str, tuple[tuple[tuple[str, ...], str, str | None], ...]] = {
    "overview": ((("收支总预算", "收支预算总额", "收入总计", "收入预算", "预算收入", "全年预算", "预算总规模"), "收入", None),
                 (("支出总计", "支出预算", "预算支出"), "支出", None)),
    "fiscal_overview": ((("财政拨款支出", "财政拨款收支总预算", "财政拨款总额", "财政拨款预算", "财政拨款收支"), "支出", None),
                        (("财政拨款收入",), "收入", None)),
    "gpb_expenditure": ((("一般公共预算支出", "一般公共预算拨款支出", "一般公共预算当年拨款"), "", None),),
    "gpb_basic": ((("一般公共预算基本支出",), "", None),),
    "gpb_project": ((("一般公共预算项目支出",), "", None),),
    "gov_fund": ((("政府性基金预算支出", "政府性基金支出", "政府性基金预算拨款"), "", None),),
    "soe": ((("国有资本经营预算支出", "国有资本经营预算拨款", "国有资本经营支出"), "", None),),
    "sangong": ((("“三公”经费",), "", None),),
    "admin_cost": ((("机关运行经费", "机关运行经费支出", "一般公共预算机关运行经费"), "", None),),
    "procurement": ((("政府采购预算", "政府采购支出预算", "政府采购支出", "政府采购总额", "政府采购金额",
                      "政府采购", "采购"), "", None),),
    "carryover": ((("上年结转结余", "上年结转", "结转项目", "结转结余项目"), "", None),),
}

# A 决算's totals: what was actually spent is the 支出决算表's 合计 (the 收支总表's 总计 adds 年末结转和结余).
FINAL_CONCEPTS: dict[str, tuple[tuple[tuple[str, ...], str, str | None], ...]] = {
    "expenditure": ((("本年支出合计", "支出合计", "总支出", "实际支出", "决算支出", "全部支出"), "", None),),
    "income": ((("本年收入合计", "收入合计", "总收入", "决算收入", "全部收入"), "", None),),
    "overview": ((("收支总计", "收入支出总计", "收入总计"), "收入", None), (("支出总计",), "支出", None)),
    "fiscal_overview": ((("财政拨款收支总计", "财政拨款收入支出总计"), "收入", None),),
    "gpb_expenditure": ((("一般公共预算财政拨款支出", "一般公共预算支出", "一般公共预算拨款支出"), "", None),
                        (("一般公共预算财政拨款基本支出", "一般公共预算基本支出"), "", "基本支出"),
                        (("一般公共预算财政拨款项目支出", "一般公共预算项目支出"), "", "项目支出")),
}

FACT_UNITS = ("元/月/人", "元/人/月", "万元", "亿元", "平方米", "台（套）", "元", "人", "名", "个", "辆", "%",
              "项", "台", "套", "户", "家", "次", "月")
FACT = re.compile(r"(?<![\d.,])(\d[\d,]*(?:\.\d+)?)\s*(" + "|".join(re.escape(u) for u in FACT_UNITS) + r")")
_AMOUNT = r"(?P<chg>\d[\d,]*(?:\.\d+)?)\s*万元"
_PERCENT = r"(?P<pdir>增长|下降|增加|减少)\s*-?\s*(?P<pct>\d+(?:\.\d+)?)\s*%"
# "比上年预算减少 16.71 万元，下降 5.42%", "比2024年预算减少2,389.52万元", "与上年相比增加 2025.97 万元，
# 增长 55.35 %", "公务接待费减少 0.14 万元，下降-100%" (the last only with its percentage), "与2024年预算持平",
# "比2023年预算执行数增加28.89%" (a percentage without an amount)
YOY = re.compile(r"(?:(?:比|较)(?:上年|上一年度?|去年|20\d{2}\s*年)?(?:度)?(?:预算执行数|预算数|预算|执行数)?|"
                 r"与(?:上年|20\d{2}\s*年)(?:预算)?相比)\s*(?P<dir>增加|减少)了?\s*" + _AMOUNT +
                 r"(?:[，,]?\s*" + _PERCENT + r")?|(?P<bdir>增加|减少)\s*(?P<bchg>\d[\d,]*(?:\.\d+)?)\s*万元[，,]?\s*"
                 r"(?P<bpdir>增长|下降)\s*-?\s*(?P<bpct>\d+(?:\.\d+)?)\s*%|(?P<flat>(?:与|和)(?:上年|20\d{2}\s*年)(?:预算数?)?(?:持平|相等|相同|一致|不变))"
                 r"|(?:比|较)(?:上年|上一年度?|去年|20\d{2}\s*年)(?:度)?(?:预算执行数|预算数|预算|执行数)?\s*"
                 r"(?P<cdir>增加|减少|增长|下降)了?\s*(?P<cpct>\d+(?:\.\d+)?)\s*%")


def _dec(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))
CLAUSE_BREAK = re.compile(r"[，。；：:,;！？]")
LIST_BREAK = re.compile(r"[、，。；：:,;！？]|和|及|以及")
COUNTED = ("个", "辆", "家", "名", "项", "台", "套", "户")      # measure words: the noun after them is counted


@dataclass(frozen=True)
class CellRef:
    table: str
    row: int
    column: int


@dataclass(frozen=True)
class Entry:
    label: str
    refs: tuple[CellRef, ...]     # candidate cells, the primary first
    kind: str                     # table | column | row | project | code


@dataclass(frozen=True)
class Fact:
    """A figure stated in the narrative: "下设 5 个科室", "补助发放标准 120 元/月/人"."""
    value: Decimal
    unit: str
    before: str                   # the clause's words before the figure
    after: str                    # the words after the unit, to the end of the clause
    sentence: str
    section: int                  # index into BudgetDocument.sections
    lead: str = ""                # the end of the previous clause ("车辆 1 辆，价值 17.45 万元")
    in_reason: bool = False       # stated inside a "主要原因…" explanation, not a budget item


@dataclass(frozen=True)
class Change:
    """A year-on-year statement: "…291.73 万元，比上年预算减少 16.71 万元，下降 5.42%，主要原因是…"."""
    item: str
    current: Decimal | None
    change: Decimal | None        # signed: negative for 减少; None when only a percentage is stated
    percent: Decimal | None       # signed; None when the narrative states no percentage
    reason: str
    sentence: str
    section: int


@dataclass(frozen=True)
class Catalog:
    doc: BudgetDocument
    entries: dict[str, Entry]
    facts: tuple[Fact, ...]
    changes: tuple[Change, ...]

    def value(self, ref: CellRef) -> Decimal:
        v = self.doc.table(ref.table).rows[ref.row].values[ref.column]
        return v if v is not None else Decimal(0)

    def labels(self) -> frozenset[str]:
        return frozenset(self.entries)


def _role_rank(role: str) -> int:
    return ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER)


def project_aliases(project: str) -> list[str]:
    """A project's name without its document number (巴财企[2024]58号: the issuer's abbreviation is
    2-4 characters, so each cut is offered), and without a leading year."""
    out = [project]
    number = re.search(r"[\[【〔(（]\d{4}[\]】〕)）]\s*\d+\s*号[)）]?$", project)
    if number:
        head = project[: number.start()]
        out.append(head[-3:] + project[number.start():])         # the document number alone: 巴财企[2024]58号
        for cut in (2, 3, 4):
            base = head[:-cut].strip()
            if len(base) >= 4:
                out.append(base)
                no_year = re.sub(r"^\d{4}\s*年", "", base)
                if no_year != base and len(no_year) >= 6:
                    out.append(no_year)
    return list(dict.fromkeys(out))


def procurement_aliases(name: str, level: int) -> list[str]:
    """政府采购表 rows: "台式计算机（20万以下）（政府集中采购）" is also asked as 台式计算机（20万以下）,
    台式计算机 and, with the other rows bought that way, 政府集中采购; "专项（经济科目）" as either
    part; a 采购品目大类 "货物A" as 货物类, 采购货物, 货物采购 (never the bare word: 服务 alone would
    catch 会议服务). Rows sharing an alias are summed when asked (see app.answer.execute)."""
    out = []
    rest = name
    while (m := re.search(r"[（(](?:[^（）()]|[（(][^（）()]*[)）])*[)）]$", rest)) and m.start() > 1:
        if rest == name and level >= 2:
            out.append(m.group(0)[1:-1])
        rest = rest[: m.start()]
        out.append(rest)
    if level == 1:
        base = re.sub(r"[A-Za-z]$|类$", "", name)
        out += [f"{base}类", f"采购{base}", f"{base}采购", f"购买{base}", f"{base}类采购"]
    return out


def normalise_brackets(text: str) -> str:
    """Document numbers are written with [] 【】 〔〕 ［］ alike: one form for matching."""
    return text.translate(str.maketrans("【】〔〕［］", "[][][]"))


def column_labels(path: str) -> list[str]:
    """Names for a column of a one-row table: "…/公务用车购置及运行费/运行费" → 公务用车运行费; a group's
    小计/合计 is named after the group ("“三公”经费预算数/合计" → “三公”经费)."""
    parts = [p for p in path.split("/") if p]
    if len(parts) > 1 and parts[0] in ("预算数", "决算数"):     # a 决算's “三公” table: 预算数/合计 … 决算数/公务接待费
        parts = (["“三公”经费"] if parts[1] == "合计" else []) + parts[1:]
    leaf = parts[-1]
    parent = parts[-2] if len(parts) > 1 else ""
    out = []
    if leaf in ("合计", "小计", "总计"):
        if parent:
            out.append(re.sub(r"预算数$", "", parent))
    else:
        out.append(re.sub(r"预算数$|\(境\)|（境）", lambda m: "（境）" if "境" in m.group(0) else "", leaf))
        if parent.startswith("公务用车") and not leaf.startswith("公务用车"):
            out.append("公务用车" + leaf)
    return [o for o in out if len(o) >= 3]


def build_catalog(doc: BudgetDocument) -> Catalog:
    found: dict[str, list[tuple[int, CellRef, str]]] = {}

    def add(label: str, ref: CellRef, kind: str, rank: int) -> None:
        label = normalise_brackets(re.sub(r"\s", "", label))
        if len(label) < 2 or label in GENERIC:
            return
        found.setdefault(label, []).append((rank, ref, kind))
        if label != label.lower():          # questions are lower-cased with their English words (服务C)
            found.setdefault(label.lower(), []).append((rank, ref, kind))

    tables = sorted(doc.tables, key=lambda t: _role_rank(t.role))
    shorts: list[tuple[str, CellRef, int]] = []
    concepts = {**TABLE_CONCEPTS, **FINAL_CONCEPTS} if doc.kind.startswith("决算") else TABLE_CONCEPTS
    for t in tables:
        base = _role_rank(t.role)
        halves = len({row.group for row in t.rows} - {""}) > 1
        for labels, group, column in concepts.get(t.role, ()):
            r = total_row(t, group)
            if halves and not group:
                continue              # two halves (人员经费 | 公用经费): no one row is the table's total
            c = next((k for k, name in enumerate(t.columns) if column and name.split("/")[-1] == column), 0)
            if r is not None and (column is None or c):
                for label in labels:
                    add(label, CellRef(t.id, r, c), "table", base)
        r = total_row(t, "支出" if any(row.group for row in t.rows) else "")
        if r is not None:                                  # "上年结转结余情况明细表的合计"
            title = re.sub(r"^\d{4}年", "", t.title)
            add(title, CellRef(t.id, r, 0), "title", base)
            short = re.sub(r"(?:预算)?(?:情况)?(?:明细)?表(?:[（(][^）)]*[）)])?$", "", title)
            if len(short) >= 6 and short != title:      # 政府性基金预算财政拨款支出(预算表)
                shorts.append((short, CellRef(t.id, r, 0), base))
        if t.role in COLUMN_LABEL_ROLES:
            for group in dict.fromkeys(row.group for row in t.rows):
                r = total_row(t, group)
                if r is None:
                    continue
                for c, col in enumerate(t.columns[1:], start=1):
                    if t.rows[r].group and t.rows[r].group == "收入" and c > 0:
                        continue
                    add(col.split("/")[-1], CellRef(t.id, r, c), "column", 100 + base)
        data_rows = [i for i, r in enumerate(t.rows) if any(v is not None for v in r.values)]
        if len(data_rows) == 1 and len(t.columns) > 1:     # a one-row table: its columns are the items
            r = data_rows[0]
            for c, col in enumerate(t.columns):
                later = col.startswith("预算数/") and doc.kind.startswith("决算")   # a 决算 is read for its 决算数
                for label in column_labels(col):
                    add(label, CellRef(t.id, r, c), "column", 50 + base + later)
        for i, row in enumerate(t.rows):
            if not row.name or (is_total(row.name) and row.name in ("合计", "总计")):
                continue
            ref = CellRef(t.id, i, 0)
            add(row.name, ref, "row", 200 + base)
            bare = re.sub(r"[（(]小计[)）]$", "", row.name)
            if bare != row.name:
                add(bare, ref, "row", 200 + base)
            if row.group and row.name == f"{row.group}合计":        # 人员经费合计: the 人员经费 half's total
                add(row.group, ref, "row", 200 + base)
            if row.code:
                add(row.code, ref, "code", 200 + base)
            if row.project:
                for alias in project_aliases(row.project):
                    add(alias, ref, "project", 150 + base)
            elif not row.code and t.role in ("carryover",):
                for alias in project_aliases(row.name)[1:]:
                    add(alias, ref, "project", 150 + base)
            elif t.role == "procurement":
                for alias in procurement_aliases(row.name, row.level):
                    add(alias, ref, "row", 200 + base)
    for short, ref, base in shorts:           # a title in short, when nothing else is called so
        if normalise_brackets(short) not in found:
            add(short, ref, "title", base)
    entries = {}
    for label, items in found.items():
        items.sort(key=lambda x: x[0])
        refs = tuple(dict.fromkeys(ref for _, ref, _ in items))
        entries[label] = Entry(label, refs, items[0][2])
    return Catalog(doc, entries, tuple(_facts(doc.sections)), tuple(_changes(doc.sections, doc.org)))


_CACHE: dict[tuple[str, str], tuple[BudgetDocument, Catalog]] = {}


def catalog_for(doc: BudgetDocument) -> Catalog:
    """The document's catalog, built once per document (the same file read the same way). A
    document edited in memory keeps its id and sha256 but is another document: compared whole."""
    key = (doc.doc_id, doc.sha256)
    hit = _CACHE.get(key)
    if hit is None or (hit[0] is not doc and hit[0] != doc):
        hit = _CACHE[key] = (doc, build_catalog(doc))
    return hit[1]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。；;])", text) if s.strip()]


COUNT_LABEL = re.compile(r"([\u4e00-\u9fff]{1,6}数)\s*(\d+)(?=\s*[，。；,;])")


def _facts(sections: tuple[Section, ...]) -> list[Fact]:
    out = []
    for k, s in enumerate(sections):
        for sentence in _sentences(s.text):
            for m in COUNT_LABEL.finditer(sentence):      # "编制数 19，" states a count without a unit
                unit = "人" if re.search(r"编制|人", m.group(1)) else ""
                out.append(Fact(Decimal(m.group(2)), unit, m.group(1), "", sentence.strip(), k))
            for m in FACT.finditer(sentence):
                start = max((b.end() for b in CLAUSE_BREAK.finditer(sentence, 0, m.start())), default=0)
                end_match = CLAUSE_BREAK.search(sentence, m.end())
                end = end_match.start() if end_match else len(sentence)
                if m.group(2) in COUNTED and re.match(r"[\u4e00-\u9fff]", sentence[m.end():m.end() + 1]):
                    # "27个内设机构、1个下属事业单位和1个派出机构": each count names what follows it
                    start = max([start] + [b.end() for b in LIST_BREAK.finditer(sentence, start, m.start())])
                    nxt = LIST_BREAK.search(sentence, m.end(), end)
                    end = nxt.start() if nxt else end
                before = sentence[start:m.start()].strip()[-20:]
                if (re.search(r"\d\s*$", before) or re.search(r"^\s*[年日]", sentence[m.end(2):])
                        or (m.group(2) == "月" and before.endswith("年"))):
                    continue
                lead = re.sub(r"[\d.\s]+", "", sentence[max(start - 12, 0):max(start - 1, 0)])
                out.append(Fact(_dec(m.group(1)), m.group(2), before, sentence[m.end():end].strip()[:10],
                                sentence.strip(), k, lead[-8:], "原因" in sentence[:m.start()]))
    return out


def _changes(sections: tuple[Section, ...], org: str) -> list[Change]:
    out = []
    for k, s in enumerate(sections):
        previous = ""
        sentences = _sentences(s.text)
        for n, sentence in enumerate(sentences):
            before_yoy = sentence
            for m in YOY.finditer(sentence):
                direction = m.group("dir") or m.group("bdir") or m.group("cdir")
                amount = m.group("chg") or m.group("bchg") or (None if m.group("cpct") else "0")
                pdir = m.group("pdir") or m.group("bpdir") or m.group("cdir")
                pct = m.group("pct") or m.group("bpct") or m.group("cpct") or ("0" if m.group("flat") else None)
                sign = -1 if direction in ("减少", "下降") else 1
                psign = -1 if pdir in ("下降", "减少") else 1
                head = sentence[: m.start()]
                head_clause = re.split(r"其中[:：]|[；;]", head)[-1]
                current = None
                amounts = list(re.finditer(r"(\d[\d,]*(?:\.\d+)?)\s*万元", head_clause))
                if amounts:
                    current = _dec(amounts[-1].group(1))
                    item_text = head_clause[: amounts[-1].start()]
                else:
                    item_text = head_clause
                item = _item_name(item_text, org)
                if GENERIC_ITEM.fullmatch(item):    # "2024年预算安排460.85万元，比2023年…": named earlier
                    item = ""
                    named = [_item_name(x[: x.find("万元")], org) for x in sentences[:n] if "万元" in x]
                    item = next((x for x in reversed(named) if x and not GENERIC_ITEM.fullmatch(x)), "")
                if not item and previous:     # "住房保障支出 5686.35万元。…与上年相比增加 2025.97 万元"
                    earlier = list(re.finditer(r"(\d[\d,]*(?:\.\d+)?)\s*万元", previous))
                    if earlier:
                        current = current if current is not None else _dec(earlier[0].group(1))
                        item = _item_name(previous[: earlier[0].start()], org)
                reason = ""
                rm = re.search(r"主要原因(?:是)?[:：]?\s*(.+?)(?:[。；;]|$)", sentence[m.end():])
                after = s.text[s.text.find(sentence) + len(sentence):] if sentence in s.text else ""
                rn = re.match(r"\s*主要原因(?:是)?[:：]?\s*(.+?)(?:[。；;]|$)", after)
                if rm:
                    reason = rm.group(1).strip()
                elif rn:
                    reason = rn.group(1).strip()
                elif k + 1 < len(sections) and sections[k + 1].text.startswith("主要原因"):
                    reason = re.sub(r"^主要原因(?:是)?[:：]?", "", sections[k + 1].text).strip().rstrip("。")
                out.append(Change(item, current, None if amount is None else sign * _dec(amount),
                                  None if pct is None else psign * Decimal(pct), reason, sentence.strip(), k))
            if "万元" in before_yoy and not YOY.search(before_yoy):
                previous = before_yoy      # the last sentence that states an amount
    return _reasons_said_apart(sections, out)


REASON_APART = re.compile(r"(?:^|[。；;])\s*(?P<x>[\u4e00-\u9fff]{2,20}?)(?:增加|减少|增长|下降|增减|变化|变动)的?主要原因"
                          r"(?:是|为)?[:：]?\s*(?P<r>[^。；;]+)")
REASON_REACH = 3          # a reason said apart explains the changes of the few paragraphs before it


def _reasons_said_apart(sections: tuple[Section, ...], changes: list[Change]) -> list[Change]:
    """"财政拨款收入支出减少的主要原因是项目调整。": a reason in a sentence of its own, given to the
    changes just before it whose items it names (收入支出 names both 收入 and 支出)."""
    out = list(changes)
    for k, sec in enumerate(sections):
        for m in REASON_APART.finditer(re.sub(r"\s", "", sec.text)):
            x = m.group("x")
            both = re.fullmatch(r"(.*?)收入支出", x)
            named = {both.group(1) + "收入", both.group(1) + "支出"} if both else {x}
            for n, ch in enumerate(out):
                item = re.sub(r"预算$", "", ch.item)
                if not ch.reason and item in named and k - REASON_REACH <= ch.section <= k:
                    out[n] = replace(ch, reason=m.group("r").strip())
    return out


GENERIC_ITEM = re.compile(r"(?:当年|本年|今年)?(?:预算安排|预算数|预算|预算执行数|执行数|安排)?(?:为)?")


def _item_name(text: str, org: str) -> str:
    """'3.社会保障和就业支出（类）…机关事业单位基本养老保险缴费支出（项）2025 年预算数为' → the 项 name."""
    t = re.sub(r"\s", "", text).replace(org, "")
    t = re.sub(r"^\d+[.、]", "", t)
    parts = re.findall(r"([^（）()]+)[（(](?:类|款|项)[)）]", t)
    if parts:
        return parts[-1]
    t = re.split(r"[，,]", t)[-1]
    t = re.sub(r"(?:\d{4}年)?(?:预算数为|预算为|为)$", "", t)
    t = re.sub(r"^.*?\d{4}年", "", t) or t
    t = re.sub(r"(?:比上年(?:预算)?)$", "", t)
    t = re.sub(r"^的", "", t)
    return t.strip("，,：: ")


# ── how cells make up one another ────────────────────────────────────────────────────────────────

TOTAL_WORDS = ("合计", "总计", "小计", "金额", "预算数", "总额")


def total_column(t, c: int) -> bool:
    """A column that totals its siblings (合计, 小计, 预算数 …)."""
    return c < len(t.columns) and t.columns[c].split("/")[-1] in TOTAL_WORDS


def contains(cat: Catalog, whole: CellRef, part: CellRef) -> bool:
    """Whether ``part`` is part of ``whole``'s figure: a column under the total column's heading in
    the same row, or a row below it (or a top row under the table's total row) in the same column."""
    if part.table != whole.table or part == whole:
        return False
    t = cat.doc.table(whole.table)
    if part.row == whole.row:
        if not total_column(t, whole.column):
            return False
        head = t.columns[whole.column].split("/")[:-1]
        return t.columns[part.column].split("/")[:len(head)] == head
    if part.column != whole.column:
        return False
    parent = t.rows[part.row].parent
    while parent >= 0:
        if parent == whole.row:
            return True
        parent = t.rows[parent].parent
    row = t.rows[whole.row]
    return any(w in row.label for w in TOTAL_WORDS[:3]) and t.rows[part.row].parent < 0 and \
        not any(w in t.rows[part.row].label for w in TOTAL_WORDS[:3]) and t.rows[part.row].group == row.group
