"""The 情况说明 read as statements, whatever the template's wording.

A statement is what one sentence (or a run of clauses) says about one subject: its figure for the
document's year, a figure of the comparison year, the comparison base named ("比2023年预算执行数",
"与上年相比", "本年数小于上年预算数"), the change and the rate, a share ("占…的 19.1%"). The same facts
are written many ways —

    新疆: "一般公共预算 291.73 万元，占 79.42%，比上年预算减少 16.71 万元，下降 5.42%"
    上海: "“…住房公积金（项）”350.35万元…。2023年当年预算执行数为348.52万元，2024年预算安排352.67万元，
           比2023年预算执行数增加0.53%"
    江苏: "收入、支出预算总计24,169.74万元，与上年相比收、支预算总计各增加2214.39万元，增长10.06%"

— so the reader works on clauses and tokens (amounts, percentages, years, comparison markers,
direction words), never on one template's sentence. A clause that names a subject opens a statement;
clauses without one ("比上年减少…", "2024年预算安排…") add to the open statement. Reasons and uses
("主要原因是…", "主要用于…") are kept as text and never read as figures. Linking the subject to cells
is ``app.staff.subjects``'s job; checking is ``app.staff.statement_checks` (rounding in app.staff.rounding)`'s.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ingest.model import BudgetDocument, Section

NUM = r"\d+(?:\.\d+)?"
AMOUNT = re.compile(rf"(?<![\d.])({NUM})(亿元|万元|元)(?![/／])")
PERCENT = re.compile(rf"(?<![\d.])(-?)({NUM})[%％]")
YEAR = re.compile(r"(?<!\d)(20\d\d)年度?(?!\d{1,2}月)")
# the comparison base: "比上年预算", "与上年相比", "比2023年预算执行数", "较上年度", "与2024年预算"
COMPARE = re.compile(r"(?:比|较|与|同|和|对比)(?:(?P<prev>上一?年度?|去年|前一年)|(?P<year>20\d\d)年度?)"
                     r"(?P<measure>当年预算执行数|预算执行数|执行数|预算数|预算|决算数|决算|同期数?|数)?"
                     r"(?:相比|比较|对比)?")
# "本年数小于上年预算数 29.65 万元", "本年数与上年数持平"
RELATIVE = re.compile(r"本年(?:数|预算数?)?(?P<rel>小于|大于|等于|低于|高于|少于|多于|与)上年(?:预算)?数")
UP, DOWN = ("增加", "增长", "上升", "提高", "增幅", "增", "大于", "高于", "多于"), \
    ("减少", "下降", "降低", "压减", "节约", "降幅", "减幅", "减", "小于", "低于", "少于")
DIRECTION = "增加|减少|增长|下降|上升|降低|提高|压减|节约|增幅|降幅|减幅|增|减"
PLACEHOLDER = re.compile(r"(?:增加|增长|增)[（(](?:减少|下降|降低|减)[)）]")
ALT = r"(?:[（(](?:减少|下降|降低|减|增加|增长|增)[)）])?"          # "增加（减少）0万元": a template's placeholder
CHANGE_AMOUNT = re.compile(rf"(?P<dir>{DIRECTION}){ALT}(?:了|为)?(?P<num>{NUM})(?P<unit>亿元|万元|元)(?![/／])")
CHANGE_RATE = re.compile(rf"(?P<dir>{DIRECTION}){ALT}(?:了|为|率为?)?(?P<neg>-)?(?P<num>{NUM})[%％]")
FLAT = re.compile(r"持平|一致|相等|相同|不变|未发生变化|未变化|零增长|没有变化|无变化|等于")
SHARE = re.compile(rf"占(?P<base>[^，。；%％\d]{{0,24}}?)(?P<num>{NUM})[%％]")
REASON = re.compile(r"(?:的)?主要原因(?:是|为|系)?[:：]?|原因(?:是|为)[:：]?|主要是|主要系|主要由于|是因为|"
                    r"(?P<use>主要用于|主要包括|用于)")
LIST_START = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+[、.．](?!\d))")
TOKENS = re.compile(rf"{NUM}(?:亿元|万元|元|%|％)|持平|增加|减少|增长|下降")
ENUMERATED_REASON = re.compile(r"^[二三四五六七八九十]是|^其[二三四五六七八九十]")
HEAD = re.compile(r"(?:其中|包括)[:：]?$")
SENTENCE = re.compile(r"[^。；;！？!?]+[。；;！？!?]?")
UNIT_FACTOR = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}


@dataclass(frozen=True)
class Mention:
    """One figure as written: "2024年预算安排352.67万元" → 352.67 万元, year 2024, measure 预算."""
    value: Decimal
    unit: str
    text: str
    year: int | None              # the year the text names for it (None: not named)
    measure: str                  # 预算 | 执行 | 决算 | ""
    offset: int                   # in the block text

    @property
    def places(self) -> int:
        return len(self.text.split(".")[1]) if "." in self.text else 0


@dataclass
class Statement:
    subject: str                  # the words naming the subject, cleaned ("" when not named)
    raw_subject: str              # as written, for messages
    block: int
    offset: int                   # where the statement starts in its block's text
    source: str                   # "p. 6", "lines 820-826"
    sentence: str
    figures: list[Mention] = field(default_factory=list)      # the document year's figures
    bases: list[Mention] = field(default_factory=list)        # figures of the comparison year
    base_year: int | None = None  # named in the comparison marker; None with "上年" or none
    base_named: bool = False      # a comparison marker was read
    base_measure: str = ""
    change: Decimal | None = None         # signed
    change_text: str = ""
    change_unit: str = ""
    change_words: tuple[str, ...] = ()    # the direction words used, in order
    rate: Decimal | None = None           # signed
    rate_text: str = ""
    rate_negative_sign: bool = False      # "下降-100%"
    flat: bool = False
    ambiguous: bool = False               # "增加（减少）…" template placeholders
    share: Decimal | None = None
    share_text: str = ""
    share_base: str = ""                  # "“三公”经费的", "" when implicit
    head: bool = False                    # followed by 其中/包括: a whole that others are parts of
    reason: str = ""
    both_sides: bool = False              # "收、支预算总计各增加…"
    year: int | None = None               # the year named for the subject's figure
    year_offset: int = -1
    compare_offset: int = -1
    project: bool = False                 # the subject is a project's name ("项目名称：…")
    change_source: str = ""               # where the change or rate is written, when not at the start
    path: tuple[str, ...] = ()            # the headings it stands under

    @property
    def figure(self) -> Mention | None:
        return self.figures[0] if self.figures else None


@dataclass(frozen=True)
class Block:
    """The paragraphs under one heading, whitespace removed, with a map back to their lines or pages."""
    path: tuple[str, ...]
    text: str
    spans: tuple[tuple[int, Section], ...]     # (offset where the section starts, section)

    def source(self, offset: int) -> str:
        src = self.spans[0][1]
        for start, sec in self.spans:
            if start <= offset:
                src = sec
        return src.source


def _clean_text(text: str) -> str:
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)          # 24,169.74 → 24169.74
    return text.translate(str.maketrans("０１２３４５６７８９．％，：；（）", "0123456789.%,:;()")) \
        .replace("(", "（").replace(")", "）")


def blocks(doc: BudgetDocument) -> list[Block]:
    out: list[Block] = []
    for sec in doc.sections:
        text = _clean_text(sec.text)
        if out and out[-1].path == sec.path:
            last = out[-1]
            out[-1] = Block(last.path, last.text + text, last.spans + ((len(last.text), sec),))
        else:
            out.append(Block(sec.path, text, ((0, sec),)))
    return out


def _direction(word: str) -> int:
    if word in UP:
        return 1
    if word in DOWN:
        return -1
    return 0


@dataclass(frozen=True)
class Clause:
    text: str
    start: int                    # offset in the block


def _clauses(sentence: str, start: int) -> list[Clause]:
    """Split at ，：; split at 、 only after a part that holds a figure ("货物预算93.98万元、工程…"),
    so "收入、支出预算总计" stays one subject; split before a list number that follows a figure
    ("…（类）2097.51万元（1）基本工资（款）支出737.94万元", lines run together)."""
    out: list[Clause] = []
    pos = 0
    for m in re.finditer(r"[,，:：、]|(?<=元|%|％)(?=[（(]\d{1,2}[)）]|\d{1,2}[、．](?!\d))", sentence):
        part = sentence[pos:m.start()]
        if m.group(0) == "、" and not (AMOUNT.search(part) or PERCENT.search(part)):
            continue
        out.append(Clause(part, start + pos))
        pos = m.end()
    out.append(Clause(sentence[pos:], start + pos))
    return [c for c in out if c.text]


class Reader:
    """Reads one document's blocks into statements; ``subject_of`` cleans a clause's subject words
    (see app.staff.subjects) and returns (subject, year, measure, year offset)."""

    def __init__(self, doc: BudgetDocument, subject_of):
        self.doc = doc
        self.subject_of = subject_of
        self.blocks = blocks(doc)
        self.statements: list[Statement] = []

    def read(self) -> list[Statement]:
        for k, b in enumerate(self.blocks):
            self._block(k, b)
        return self.statements

    def _block(self, k: int, b: Block) -> None:
        current: Statement | None = None
        for m in SENTENCE.finditer(b.text):
            sentence = m.group(0)
            body, reason = sentence, ""
            r = REASON.search(sentence)
            if r:
                body, reason = sentence[:r.start()], sentence[r.end():]
            if ENUMERATED_REASON.match(sentence):        # "…主要原因一是…；二是…700万元…"
                body, reason = "", sentence
            current = self._sentence(k, b, sentence, body, m.start(), current)
            if current is not None and reason and not current.reason and not (r and r.group("use")):
                current.reason = reason.rstrip("。；;")
            if HEAD.search(body.rstrip("。；;")) and current is not None:
                current.head = True

    def _sentence(self, k: int, b: Block, sentence: str, body: str, start: int,
                  current: Statement | None) -> Statement | None:
        lead_year = None
        label = ""                                   # "检察（款）：2018年预算支出合计…" — the 款 is the subject
        project = False                              # "项目名称：X" — X is the subject that follows
        for clause in _clauses(body, start):
            after = b.text[clause.start + len(clause.text):clause.start + len(clause.text) + 1]
            if project:
                current = self._new(k, b, clause, clause.text, clause.text, sentence)
                current.project, project = True, False
            elif clause.text.endswith("项目名称"):
                project = True
            elif re.fullmatch(r"(?:此外|另外|同时|其中|包括|具体如下|如下)", clause.text):
                if HEAD.search(clause.text) and current is not None:
                    current.head = True
            elif y := re.fullmatch(r"(20\d\d)年度?", clause.text):     # "2024年，…收入预算…"
                lead_year = int(y.group(1))
            elif after in ":：" and not TOKENS.search(clause.text):
                label = clause.text
            elif not TOKENS.search(clause.text) and LIST_START.match(clause.text):
                subject = self.subject_of(clause.text)[0]     # "1、…行政运行（项）。" then its figures
                if subject:
                    current = self._new(k, b, clause, subject, clause.text, sentence)
            else:
                before = len(self.statements)
                current = self._clause(k, b, clause, current, sentence, lead_year)
                if label and len(self.statements) > before and subject_key(current.subject) in ("", "支", "收"):
                    current.subject = current.raw_subject = label
                label = ""
        return current

    def _new(self, k, b, clause, subject, raw, sentence) -> Statement:
        st = Statement(subject, raw, k, clause.start, b.source(clause.start), sentence, path=b.path)
        self.statements.append(st)
        return st

    def _clause(self, k: int, b: Block, clause: Clause, current: Statement | None, sentence: str,
                lead_year: int | None) -> Statement | None:
        text = clause.text
        compare = COMPARE.search(text)
        if compare and not re.search(rf"{DIRECTION}|持平|一致|相等|相同|不变|变化", text[compare.end():]):
            compare = None                      # "2024 与 2025 年均…": a conjunction, not a comparison
        relative = RELATIVE.search(text)
        first_amount = AMOUNT.search(text)
        change_amounts = [c for c in CHANGE_AMOUNT.finditer(text)]
        rates = [c for c in CHANGE_RATE.finditer(text)]
        share = SHARE.search(text)
        flat = FLAT.search(text)
        marks = [x.start() for x in (compare, relative, share, flat) if x is not None]
        marks += [c.start() for c in change_amounts + rates]
        if first_amount is not None:
            marks.append(first_amount.start())
        if not marks:
            return current
        cut = min(marks)
        head_text = text[:cut]
        if compare is not None and not head_text and change_amounts:
            between = text[compare.end():change_amounts[0].start()]
            if between and not re.fullmatch(r"各?", between):
                head_text = between             # "与上年相比收、支预算总计各增加…"
        subject, year, measure, y_off = self.subject_of(head_text)
        both = bool(re.search(r"收[入]?、支|收支", head_text))
        if subject or (current is None):
            earlier = self._earlier(k, subject) if subject and not _has_figure(text, change_amounts) else None
            if earlier is not None:
                current = earlier              # "…“三公”经费数为2.14万元…。“三公”经费比上年减少0.14万元"
            else:
                current = self._new(k, b, clause, subject, head_text, sentence)
                current.both_sides = both
        if year is None and lead_year is not None and subject:
            year = lead_year
        if year is not None and current.year is None and (subject or not current.figures):
            current.year, current.year_offset = year, clause.start + max(y_off, 0)
        self._figures(current, clause, text, year, measure, change_amounts)
        if compare is not None or relative is not None:
            self._base(current, clause, compare, relative)
        if PLACEHOLDER.search(text):
            current.ambiguous = True
        if (change_amounts or rates or flat or compare or relative) and not current.change_source:
            current.change_source = b.source(clause.start)
        self._changes(current, change_amounts, rates, flat, relative)
        if share is not None:
            current.share = Decimal(share.group("num"))
            current.share_text = share.group("num")
            current.share_base = share.group("base")
        return current

    def _earlier(self, k: int, subject: str) -> Statement | None:
        """The latest statement of this block about the same subject that has a figure and no
        change yet: a change stated in a later sentence belongs to it."""
        key = subject_key(subject)
        for st in reversed(self.statements):
            if st.block != k:
                return None
            if st.subject and subject_key(st.subject) == key and st.figures and st.change is None \
                    and st.rate is None and not st.flat:
                return st
        return None

    def _figures(self, st: Statement, clause: Clause, text: str, year, measure, change_amounts) -> None:
        taken = {c.start("num") for c in change_amounts}
        for a in AMOUNT.finditer(text):
            if a.start() in taken:
                continue
            before = text[:a.start()]
            if re.search(rf"(?:{DIRECTION})(?:了|为)?$", before) or re.search(r"(?:上年(?:预算)?数|小于|大于)$", before):
                continue                         # a change, read by _changes
            own_year, own_measure = year, measure
            opened = before.rfind("（")
            if opened > before.rfind("）"):          # "（上年财政仅安排…140.2万元）": its own period
                _, y, mm, _ = self.subject_of(before[opened + 1:])
                own_year, own_measure = y if y is not None else year, mm or measure
            mention = Mention(Decimal(a.group(1)), a.group(2), a.group(1), own_year, own_measure, clause.start + a.start())
            if self._is_base(mention):
                st.bases.append(mention)
            else:
                st.figures.append(mention)

    def _is_base(self, m: Mention) -> bool:
        """A figure of the comparison year: an earlier year named, or a 执行数 in a budget."""
        if self.doc.kind == "决算":           # a final account compares with its own year's budget
            return m.measure == "预算" or (m.year is not None and m.year < self.doc.year)
        if m.year is not None and m.year < self.doc.year:
            return True
        return m.measure == "执行"

    def _base(self, st: Statement, clause: Clause, compare, relative) -> None:
        st.base_named = True
        st.compare_offset = clause.start + (compare or relative).start()
        if compare is not None:
            st.base_year = int(compare.group("year")) if compare.group("year") else None
            measure = compare.group("measure") or ""
            st.base_measure = "执行" if "执行" in measure else "决算" if "决算" in measure else \
                "预算" if "预算" in measure else ""
        else:
            st.base_measure = "预算"

    def _changes(self, st: Statement, change_amounts, rates, flat, relative) -> None:
        if relative is not None and relative.group("rel") != "与":
            word = relative.group("rel")
            st.change_words += (word,)
            if word == "等于":
                st.flat = True
        for c in change_amounts:
            sign = _direction(c.group("dir"))
            if relative is not None and not sign:
                sign = _direction(relative.group("rel"))
            if st.change is None and sign:
                st.change = sign * Decimal(c.group("num"))
                st.change_text, st.change_unit = c.group("num"), c.group("unit")
            st.change_words += (c.group("dir"),)
        for c in rates:
            sign = _direction(c.group("dir"))
            if st.rate is None and sign:
                st.rate = sign * Decimal(c.group("num"))
                st.rate_text = c.group("num")
                st.rate_negative_sign = bool(c.group("neg"))
            st.change_words += (c.group("dir"),)
        if flat is not None and not change_amounts and not rates:
            st.flat = True


def _has_figure(text: str, change_amounts) -> bool:
    taken = {c.start("num") for c in change_amounts}
    return any(a.start() not in taken for a in AMOUNT.finditer(text))


def subject_key(subject: str) -> str:
    """Two wordings of one subject compare equal: "收入、支出预算总计" ~ "收、支预算总计各",
    "财政拨款“三公”经费数" ~ "财政拨款“三公”经费"."""
    t = re.sub(r"收入", "收", re.sub(r"支出", "支", subject))
    return re.sub(r"当年|本年|年度|预算执行数|执行数|预算数|预算|安排|合计|总计|总额|总|各|数|为|的|[“”\"、\s]", "", t)


def to_unit(value: Decimal, unit: str, target: str) -> Decimal:
    """``value`` in ``unit`` expressed in ``target`` (元, 万元, 亿元)."""
    return value * UNIT_FACTOR[unit] / UNIT_FACTOR[target]
