"""What a statement's subject words name: the cells, linked the way questions are.

The subject words of a clause ("1.“一般公共服务支出（类）统计信息事务（款）专项普查活动（项）”",
"省检察院本年收入预算合计", "一般公共服务支出-政府办公厅（室）及相关机构事务-行政运行”科目") are cleaned of
what is not the subject — list markers, the unit's own name (read as the answer engine reads it in a
question), the period ("2024年"), the measure ("预算数为", "当年预算执行数") — and linked with the answer
engine's catalog and linking (``link_items`` and ``qualify``: names and codes, synonyms, 类/款/项
chains). A subject is linked only when the linked names account for every content word: "面向中小企业
预留政府采购项目预算金额" holds 政府采购 but is not the 政府采购 total, so it links to nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from app.answer.catalog import Catalog, CellRef, build_catalog, normalise_brackets
from app.answer.linking import Item, link_items, qualify, scope_items
from app.answer.normalize import apply_synonyms
from app.answer.scope import org_mention
from index.store import DocumentInfo
from ingest.model import BudgetDocument

LIST_MARK = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[、.．](?!\d)|"
                       r"\d+[.．](?=20\d\d年)|第[一二三四五六七八九十]+[项条])+")
PROJECTISH = re.compile(r"项目|[\[【〔［(（]20\d\d[\]】〕］)）]\d+号")
LEAD = re.compile(r"^(?:其中|包括|此外|另外|同时|合计|总计)[:：]?")
MEASURE = re.compile(r"(?:当年|全年|本年|今年)?(?P<m>预算执行数|执行数|决算数|决算|预算数|预算安排|预算|安排)")
YEAR = re.compile(r"(?<!\d)(20\d\d)年度?(?!\d{1,2}月)")
AFTER_YEAR = re.compile(r"$|当年|全年|部门|单位|收入|支出|收支|财政拨款|一般公共预算|预算|决算|执行数|安排|的")
# what alone never makes a subject: a period and a measure ("2023年当年预算执行数为", "2024年预算安排")
NOT_SUBJECT = re.compile(r"(?:收入|支出)决算数?|决算(?:收入|支出)|年初|当年|本年|全年|今年|年度|预算执行数|执行数|预算数|预算安排|安排|预算|决算数|决算|共计|共|达|为|是|"
                         r"的|拟|其中|包括|[“”\"'‘’、\s]")
# words that may be left over after linking without changing what the subject is
FILLER = re.compile(r"当年|本年|全年|今年|年度|预算执行数|执行数|预算数|预算安排|预算|安排|决算数|决算|合计|总计|总额|"
                    r"金额|规模|共计|拟|本部门|本单位|我部门|我单位|部门|单位|科目|支出|数|为|是|共|各|总|的|"
                    r"[（(][类款项目部门]+[)）]|[“”\"'‘’《》\-—－·、\s]")
SCOPE_PREFIX = re.compile(r"(?:本部门|本单位)?及?下属[^，。；]*?(?:单位|机关)(?=财政拨款|的|使用)|(?:使用)?财政拨款(?:安排)?的|"
                          r"[\u4e00-\u9fff]{2,12}?安排的")
PREVIOUS = re.compile(r"(?:上年|去年|上一年度?)(?!结转|结余|度?结转)")
UNIT_TYPES = "管理局|管理中心|中心|局|办公室|办公厅|办事处|委员会|检察院|法院|院|厅|所|站|队|处|部|委|社|馆"
UNIT_AT_START = re.compile(rf"^[\u4e00-\u9fff]{{2,20}}?(?:{UNIT_TYPES})(?:（部门）|部门|本级)?"
                           r"(?=20\d\d|本年|收入|支出|收、支|收支|财政拨款|一般公共预算|政府性基金|国有资本)")
CHAIN = re.compile(r"[（(](?:类|款|项)[)）]")
SIDE_WORDS = re.compile(r"收、支|收入、支出|收支|收入|支出")
FUNDS = ("一般公共预算", "政府性基金", "国有资本经营", "财政专户", "其他资金", "上年结转", "事业收入",
         "事业单位经营收入", "其他收入", "结转下年", "财政拨款")


@dataclass(frozen=True)
class Subject:
    text: str                      # cleaned words (measure words kept, for linking)
    year: int | None               # the period named ("2024年预算安排"), None when not named
    measure: str                   # 预算 | 执行 | 决算 | ""
    year_offset: int               # where the year is in the raw words (-1: none)


def info_of(doc: BudgetDocument) -> DocumentInfo:
    return DocumentInfo(doc.doc_id, doc.org, doc.year, doc.kind, doc.scope, doc.unit, doc.source_file,
                        doc.sha256, len(doc.tables))


class Subjects:
    def __init__(self, doc: BudgetDocument):
        self.doc = doc
        self.catalog: Catalog = build_catalog(doc)      # not the cache: a test may pass an edited copy
        self.info = info_of(doc)
        self._links: dict[str, tuple[CellRef, ...]] = {}

    # ── cleaning ────────────────────────────────────────────────────────────────────────────────
    def clean(self, raw: str) -> Subject:
        text = raw
        text = LIST_MARK.sub("", text)
        text = LEAD.sub("", text)
        text = LIST_MARK.sub("", text)
        offset = len(raw) - len(text)
        year, y_off = None, -1
        for _ in range(2 if not PROJECTISH.search(text) else 0):  # "2024年上海市…办事处收入预算"
            for m in YEAR.finditer(text):
                if year is None and (m.start() == 0 or AFTER_YEAR.match(text, m.end())):
                    year, y_off = int(m.group(1)), offset + m.start()
                    text = text[:m.start()] + text[m.end():]
                    break
            org = org_mention(text, self.info, [self.info]) if self.doc.org else ""
            if org and org != self.doc.org and not re.search(rf"(?:{UNIT_TYPES})$", org):
                org = ""                    # "党委办公厅（室）…": a short form that is really a 科目's words
            if org and text.startswith(org) and re.match(r"(?!（)|（部门）", text[len(org):]):
                offset += len(org)              # not "党委办公厅（室）及相关机构事务": a 科目's name
                text = re.sub(r"^(?:（部门）|部门|本级|本部)", "", text[len(org):])
            unit = UNIT_AT_START.match(text)      # a unit's name we were not told (the cover unread)
            if unit:
                offset += unit.end()
                text = text[unit.end():]
        while (scope := SCOPE_PREFIX.match(text)) and scope.end() < len(text):
            text = text[scope.end():]            # "下属…单位", "一般公共预算拨款安排的": whose money, not what
        if year is None and PREVIOUS.search(text):          # "（上年财政仅安排…预留机动140.2万元）"
            year = self.doc.year - 1 if self.doc.year else None
        measure = ""
        mm = [m.group("m") for m in MEASURE.finditer(text)]
        if mm:
            last = mm[-1]
            measure = "执行" if "执行" in last else "决算" if "决算" in last else "预算"
        text = re.sub(r"(?:为|是|共计|共|达)$", "", text)
        text = LEAD.sub("", text)
        return Subject(text, year, measure, y_off)

    def subject_of(self, raw: str) -> tuple[str, int | None, str, int]:
        """For the reader: (subject words or "" when only filler is left, year, measure, year offset)."""
        s = self.clean(raw)
        content = NOT_SUBJECT.sub("", s.text)
        return (s.text if content else ""), s.year, s.measure, s.year_offset

    # ── linking ─────────────────────────────────────────────────────────────────────────────────
    def link(self, subject: str) -> tuple[CellRef, ...]:
        """The cells the subject names (candidates, primary first), or () when it does not name
        exactly one item with every content word accounted for."""
        if subject not in self._links:
            self._links[subject] = self._link_subject(subject)
        return self._links[subject]

    def _link_subject(self, subject: str) -> tuple[CellRef, ...]:
        text = _normalise(subject)
        if not text:
            return ()
        refs = self._link(text)
        if refs:
            return refs
        side = side_of(text)
        bare = SIDE_WORDS.sub("", text)
        if side in ("收入", "支出") and bare != text:
            if not FILLER.sub("", bare):                 # "收入预算总计", "本年支出合计"
                entry = self.catalog.entries.get(f"{side}总计")
                return entry.refs if entry else ()
            refs = self._link(bare)
            return tuple(r for r in refs if self._side_of_cell(r) == side)
        return ()

    def link_project(self, name: str) -> tuple[CellRef, ...]:
        """A project named after "项目名称：" — the clause may run on into the next label
        ("…51号设立的政策依据"): the project's name must open it."""
        text = normalise_brackets(LIST_MARK.sub("", re.sub(r"[“”\"]", "", name)))
        items, _ = link_items(text, self.catalog)
        items = [i for i in items if i.kind == "project" and i.span[0] <= 1]
        return _primary_first(items[0]) if len(items) == 1 else ()

    def _link(self, text: str) -> tuple[CellRef, ...]:
        text = normalise_brackets(text)
        names = [n for n in CHAIN.split(text)[0::2] if FILLER.sub("", n)]
        if len(names) >= 2:
            return self._chain(names)
        return self._link_one(text)

    def _chain(self, names: list[str]) -> tuple[CellRef, ...]:
        """"A（类）B（款）C（项）": each name linked alone, each level kept under the one before by its
        科目编码 (one name may head several 款: 行政运行, 一般行政管理事务 …)."""
        refs: tuple[CellRef, ...] = ()
        for k, name in enumerate(names):
            found = self._link_one(name)
            if not found:
                return ()
            if k:
                above = {self._code(r) for r in refs} - {""}
                found = tuple(r for r in found if any(self._code(r).startswith(c) and self._code(r) != c
                                                      for c in above))
                if not found:
                    return ()
            refs = found
        return refs

    def _code(self, ref: CellRef) -> str:
        return self.doc.table(ref.table).rows[ref.row].code

    def _link_one(self, text: str) -> tuple[CellRef, ...]:
        text = apply_synonyms(text, self.catalog.labels())
        items, rest = link_items(text, self.catalog)
        if not items:
            return ()
        if FILLER.sub("", rest.replace(" ", "")):
            return ()
        items = qualify(items, self.catalog, text)
        items = scope_items(items, self.catalog)
        items = [i for i in items if i.refs]
        if len(items) != 1:
            return ()
        return _primary_first(items[0])

    def _side_of_cell(self, ref: CellRef) -> str:
        t = self.doc.table(ref.table)
        row = t.rows[ref.row]
        if row.group:
            return "收入" if row.group.startswith("收入") else "支出"
        return "收入" if t.role == "income" else "支出"


def _primary_first(item: Item) -> tuple[CellRef, ...]:
    return tuple(dict.fromkeys(item.refs))


def _normalise(subject: str) -> str:
    """Subject words in the form linking reads: "A-B-C" is a 类-款-项 chain, "公共安全（类）支出" is
    公共安全支出（类）, quotes and the word 科目 go."""
    t = re.sub(r"[“”\"'‘’]", "", subject)
    t = re.sub(r"科目$", "", t)
    parts = [p for p in re.split(r"[-—－]", t) if p]
    if len(parts) in (2, 3) and all(len(p) >= 2 for p in parts):
        t = "".join(p + m for p, m in zip(parts, ("（类）", "（款）", "（项）")[-len(parts):] if len(parts) == 3
                                              else ("（款）", "（项）")))
    t = re.sub(r"([\u4e00-\u9fff]+)（类）支出", r"\1支出（类）", t)
    return t


def side_of(text: str) -> str:
    """收入, 支出, 收支 (both: "收入、支出预算总计", "收、支总预算") or ""."""
    if re.search(r"收、支|收入、支出|收支", text):
        return "收支"
    has_in, has_out = "收入" in text, "支出" in text
    if has_in and not has_out:
        return "收入"
    if has_out and not has_in:
        return "支出"
    return ""


def fund_of(text: str) -> str:
    """Which money a total speaks of: 财政拨款, 一般公共预算, … or 全部 for the whole budget."""
    for f in FUNDS:
        if f in text:
            return f
    return "全部"
