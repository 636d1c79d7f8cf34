"""Which document a question is about — the one place where scope is decided.

A unit named in the question (in full, by its core name, or in short: 万里街道, 普陀区政府办, 省检察院,
江苏高院, 社保中心) always decides the unit; a unit-like name that matches no loaded document is refused
with the list of loaded units. Otherwise the picked document's unit, else the conversation's, else
every document. Then the year named, the kind (预算/决算) and scope (部门/单位) words narrow it to one
document, or the answer is a clarification listing the candidates.

Matching is by the core of a unit's name (its name without the places in front of it): a shared
prefix — 江苏省, 普陀区, 人民政府, 办公室 — never makes two units one.

    scope = resolve_scope(q, docs, picked=None, last=None)   # q: the normalised question
    scope.status, scope.doc_id, scope.mentions (the words that named the unit), scope.candidates
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from app.answer.normalize import tidy_spaces
from app.answer.text import escape_markdown
from app.answer.vocabulary import FINAL_WORDS, FUND_NAMES, RATE_ASKED
from index.store import DocumentInfo

YEAR = re.compile(r"(?<!\d)(20\d{2})\s*(?:年|年度)?(?!\d)")
OTHER_YEAR = re.compile(r"(?:比|较|与|和)\s*(20\d{2})\s*年(?:度)?(?:预算)?")
ACROSS_UNITS = re.compile(r"哪个单位|哪家单位|哪一个单位|各单位|各个单位|所有单位|每个单位|哪个部门|各部门|哪个街道|"
                          r"哪些单位|单位之间|几个单位")
PLACE = re.compile(r"^(?:中国共产党|中共)?(?:[\u4e00-\u9fff]{1,7}?(?:省|自治区|市|自治州|州|地区|盟|县|区|旗))+")
# The end of a unit's name: what a department, an office or a unit is called.
UNIT_END = re.compile(r"(?:人民政府办公室|政府办公室|办公厅|办公室|委员会|常委会|人民检察院|检察院|人民法院|法院|街道办事处|"
                      r"办事处|街道|中心|工作部|宣传部|组织部|统战部|(?<=[\u4e00-\u9fff]{2})(?<![全内外局本干细底头])部(?![门分署件位])|局|厅|委|办|院|研究所|事务所|管理所|管理站|大队|支队|"
                      r"纪念馆|图书馆|博物馆|宾馆|招待所|饭店|酒店|政府(?![采性集购投债补])|学校|医院|公司|集团|镇|乡|政协|人大(?!代表))")
PLACE_PART = re.compile(r"[\u4e00-\u9fff]{1,7}?(?:省|自治区|市|自治州|州|地区|盟|县|区|旗)")
UNIT_END_AT = re.compile(UNIT_END.pattern + "$")
UNIT_END_ANYWHERE = re.compile("(?=(" + UNIT_END.pattern + "))")
STOP = re.compile(r"[的是与及、，,。？?！!：:；;（）()“”\"\s了个几多少吗呢]|\d")
LEAD = re.compile(r"再说回|说回|再回到|换到|转到|切到|接着说|接着看|回过头来?看?|回头看|再问|再来看?|为啥|为什么|为何|怎么|咋|请问|问一下|问问|查询|查一下|查|看看|了解|告诉我|说说|关于|对于|回到|再看|那么|另外|还有|其中|以及|"
                  r"纳入|属于|包括|隶属|所属|除了|除|占|比|跟|和|及|同|在|看|那|年度|年|里|中|较|对|给|把|向|从|让|问|"
                  r"底|末|至|截至|截止|是|为")
LEVELS = "省市区县州旗镇乡"
WORD_AFTER = re.compile(r"人民|政府|中共|中国共产党|(?:省|自治区|市|自治州|州|地区|盟|县|区|旗)")
MAX_NAME = 22


@dataclass(frozen=True)
class Scope:
    """The document a question is about, or why there is none: status answered (doc_id set),
    refused (reason) or clarify (the candidate documents)."""
    doc_id: str | None
    status: str = "answered"
    reason: str = ""
    candidates: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()      # the words of the question that named the unit (to take out)


# ── names ────────────────────────────────────────────────────────────────────────────────────────

def core_name(org: str) -> str:
    """A unit's name without the places in front of it: 江苏省人民检察院 → 人民检察院,
    上海市普陀区人民政府万里街道办事处 → 人民政府万里街道办事处 (its own words)."""
    core = PLACE.sub("", org) or org
    if org.startswith(("中共", "中国共产党")) and core.startswith("委") and not core.startswith("委员会") and len(core) >= 5 and UNIT_END_AT.search(core):
        return core[1:]              # 中共上海市普陀区委社会工作部: the 区委's 社会工作部 (社工部)
    return core


def places_of(name: str) -> str:
    m = PLACE.match(name)
    return m.group(0) if m else ""


def in_order(short: str, full: str) -> bool:
    """Every character of ``short`` appears in ``full`` in the same order (普陀区政府办 in
    上海市普陀区人民政府办公室)."""
    pos = 0
    for ch in short:
        pos = full.find(ch, pos) + 1
        if not pos:
            return False
    return True


def skipped(short: str, full: str) -> int:
    """How many characters of ``full`` an abbreviation ``short`` leaves out between its first and
    last character, at best (政府办 in 人民政府办公室: 0; in 人民政府万里街道办事处: 4)."""
    best = len(full)
    for start, ch in enumerate(full):
        if ch != short[0]:
            continue
        pos = start + 1
        for c in short[1:]:
            pos = full.find(c, pos) + 1
            if not pos:
                break
        else:
            best = min(best, pos - start - len(short))
    return best


def names_unit(text: str, org: str) -> bool:
    """``text`` names the unit ``org``: its own words (the core, or a short form of the core in
    order, ending where a unit's name ends) and no place that is not the unit's."""
    if not org or len(text) < 2:
        return False
    if text[0] not in _word_starts(org):
        return False                      # 级人民法院 is the end of 中级人民法院, not a name of 高级人民法院
    if text == org or (text in org and UNIT_END.search(text[-4:]) and len(text) >= 3):
        return True
    core, places = core_name(org), places_of(org)
    head = places_of(text)
    rest = text[len(head):]
    if head and not _places_agree(head, places):
        return False
    if len(rest) < 2:
        return False
    # the question's core must be a short form of the unit's core: 高院 of 高级人民法院, 政府办 of
    # 人民政府办公室, 检察院 of 人民检察院; what comes before the core may be a place without its
    # 省/市 (江苏高院, 和静社保中心)
    if in_order(rest, core):
        return _same_kind(rest, core)
    for k in range(1, len(rest) - 1):          # 江苏 + 高院, 和静 + 社保中心
        lead, tail = rest[:k], rest[k:]
        if lead in places and in_order(tail, core) and _same_kind(tail, core):
            return True
    return False


def _word_starts(org: str) -> set[str]:
    """The characters a short form of ``org`` may begin with: the first of the name, of each place
    and of what follows a place, 人民, 政府 or 中共; and a place's level (省检察院, 区府办)."""
    starts = {org[0]}
    for m in WORD_AFTER.finditer(org):
        if m.end() < len(org):
            starts.add(org[m.end()])
        if m.group(0) in "省自治区市自治州州地区盟县区旗":
            starts.add(m.group(0))
    core = core_name(org)
    if core and org.endswith(core):
        starts.add(core[0])
    for m in PLACE_PART.finditer(org):
        starts.add(m.group(0)[0])
    return starts


def _places_agree(asked: str, own: str) -> bool:
    """The places named are the unit's own (省 alone stands for the province)."""
    parts = re.findall(r"[\u4e00-\u9fff]*?(?:省|自治区|市|自治州|州|地区|盟|县|区|旗)", asked)
    return all(p in own or p in ("省", "市", "区", "县") for p in parts)


def _same_kind(short: str, core: str) -> bool:
    """A short form ends like the unit's name does: 检察院 / 人民检察院, 政府办 / 政府办公室, 社保中心 /
    社会保险中心, 万里街道 / 万里街道办事处 (never 财政厅 for 人民法院)."""
    end = UNIT_END_AT.search(short)
    return bool(end) and (end.group(0) in core or end.group(0)[-1] in core[-4:])


def label_spans(q: str, labels: frozenset[str]) -> list[tuple[int, int]]:
    """Where the question names table rows or items (法院, 社会保险经办机构, 其他政府办公厅（室）…):
    a unit's name is never read inside one."""
    out = []
    for lab in labels:
        if len(lab) >= 2:
            start = q.find(lab)
            while start >= 0:
                out.append((start, start + len(lab)))
                start = q.find(lab, start + 1)
    return out


def unit_mentions(q: str, docs: list[DocumentInfo], labels: frozenset[str] = frozenset()
                  ) -> tuple[list[tuple[int, int, list[DocumentInfo]]], list[tuple[int, int]]]:
    """Spans of ``q`` that name loaded units (with the documents they name), and spans that read as a
    unit's name but name none of them. A name ends where a unit's name ends (院, 局, 办, 中心, 街道 …,
    never inside the name of a row or item of the documents: ``labels``) and begins where one of the
    unit's words begins; the longest names are taken first. A unit-like stretch that names no
    loaded unit (from the start of its words, or after a lead word such as 请问/占/比) is unknown."""
    orgs = sorted({d.org for d in docs if len(d.org) >= 4}, key=len, reverse=True)   # never 部门, 单位
    items = label_spans(q, labels)
    found: list[tuple[int, int, list[str]]] = []
    for org in orgs:                                   # the full name, wherever it is
        start = q.find(org)
        while start >= 0:
            found.append((start, start + len(org), [org]))
            start = q.find(org, start + 1)
    for org in orgs:                                   # 和静社保: its place and its own words in short
        for name in short_names(q, org):
            start = q.find(name)
            if not any(s < start + len(name) and start < e for s, e in items if e - s > len(name)):
                found.append((start, start + len(name), [org]))
    unknown: list[list[tuple[int, int]]] = []        # per end, the stretches that may be a name
    ends = sorted({m.start() + len(m.group(1)) for m in UNIT_END_ANYWHERE.finditer(q)})
    for end in ends:
        if any(s < end < e for s, e in items):
            continue                                   # 其他政府办公厅（室）及相关机构事务 is a 科目
        first = end
        while first > 0 and not STOP.match(q[first - 1]) and end - first < MAX_NAME:
            first -= 1
        starts = {first} | {first + m.end() for m in LEAD.finditer(q[first:end])}
        named = False
        for start in range(first, end - 1):
            text = q[start:end]
            if (len(text) == 2 and text[-1] not in "院局厅办委") or any(s <= start and end <= e for s, e in items):
                continue                               # 法院 (款) is a 科目 of the court's own budget
            if start not in starts:
                continue               # 南京铁路运输检察院 is another 检察院; 和硕县社会保险中心 another centre

            hits = [o for o in orgs if names_unit(text, o) and _own_place_before(q[first:start], o)]
            if hits:
                gaps = {o: skipped(text, o) for o in hits}
                found.append((start, end, [o for o in hits if gaps[o] == min(gaps.values())]))
                named = True
                break
        if not named:
            unknown.append([(s, end) for s in sorted(starts) if _unit_like(q[s:end], q[end:end + 1])
                            and not _lead_before(q[s:end], q[end:end + 1])])
    taken = [False] * len(q)
    named_spans: list[tuple[int, int, list[DocumentInfo]]] = []
    for start, end, hits in sorted(found, key=lambda f: f[0] - f[1]):       # longest first
        if not any(taken[start:end]):
            named_spans.append((start, end, [d for d in docs if d.org in hits]))
            for k in range(start, end):
                taken[k] = True
    free = [next(((s, e) for s, e in spans if not any(taken[s:e])), None) for spans in unknown]
    return sorted(named_spans), sorted((u for u in free if u), key=lambda u: u[0] - u[1])


def _lead_before(text: str, after: str) -> bool:
    """``text`` begins with a lead word that is not part of a name (那长征镇, 请问江苏省财政厅; not
    和静县教育局, whose 和 begins its place)."""
    m = LEAD.match(text)
    if not m or not _unit_like(text[m.end():], after):
        return False
    return not places_of(text) or (len(m.group(0)) >= 2 and bool(places_of(text[m.end():])))


def _own_place_before(prefix: str, org: str) -> bool:
    """A place written right before a name must be the unit's own (和硕县 before 社会保险中心 is
    another county's centre, not 和静县's)."""
    m = re.search(r"[\u4e00-\u9fff]{1,7}?[" + LEVELS + "]$", prefix)
    return m is None or m.group(0) in org or _places_agree(m.group(0), places_of(org))


LOCAL_END = re.compile(r"(?:镇|乡|街道|宾馆|招待所|饭店|酒店)$")
AFTER_NAME = "的呢吗和与及是有在今去明这那预部单下"


def _unit_like(text: str, after: str = "") -> bool:
    """``text`` reads as a unit's name: a place followed by a unit's words, a department's name
    (财政局, 教育局, 人民法院 …), or a town's, a street's or a guesthouse's (长征镇, 东郊国宾馆) that
    ends where a word ends (not 城乡 of 城乡社区)."""
    if len(text) < 3:
        return False
    if LOCAL_END.search(text) and (not after or not re.match(r"[\u4e00-\u9fff]", after) or after in AFTER_NAME):
        return True
    head = places_of(text)
    if head and len(text) > len(head) + 1:
        return True
    end = UNIT_END_AT.search(text)
    return bool(re.search(r"(?:局|厅)$", text)) or bool(end and len(end.group(0)) >= 2 and len(text) >= 4)


def romanised_names(q: str, docs: list[DocumentInfo]) -> str:
    """Place and unit names written in pinyin in an English question (Wanli, Putuo, Hejing, Jiangsu)
    → the characters of a loaded unit's name, so that they scope like Chinese names."""
    words = set(re.findall(r"[a-z]{4,}", q))
    if not words:
        return q
    table = _pinyin_table(tuple(sorted({d.org for d in docs if d.org})))
    for w in sorted(words & set(table), key=len, reverse=True):
        q = re.sub(rf"(?<![a-z]){w}(?![a-z])", table[w], q)      # also glued to 汉字 (hejing社保中心)
    return tidy_spaces(q)


_PINYIN: dict[tuple[str, ...], dict[str, str]] = {}


def _pinyin_table(orgs: tuple[str, ...]) -> dict[str, str]:
    """pinyin of every 2–4 character stretch of the units' names → the stretch ("wanli" → 万里);
    a spelling shared by two different stretches is left out."""
    if orgs not in _PINYIN:
        from pypinyin import lazy_pinyin
        found: dict[str, set[str]] = {}
        for org in orgs:
            syllables = lazy_pinyin(org)
            for i in range(len(org)):
                for n in (2, 3, 4):
                    if i + n <= len(org):
                        found.setdefault("".join(syllables[i:i + n]), set()).add(org[i:i + n])
        _PINYIN[orgs] = {k: next(iter(v)) for k, v in found.items() if len(v) == 1 and len(k) >= 4}
    return _PINYIN[orgs]


# ── the decision ─────────────────────────────────────────────────────────────────────────────────

def same_unit(a: DocumentInfo, b: DocumentInfo) -> bool:
    key_a, key_b = getattr(a, "unit_key", "") or a.org, getattr(b, "unit_key", "") or b.org
    return key_a == key_b


SAME_YEAR = re.compile(r"同一年|同年|那一年|那年|这一年|当年|同一年度|that year|same year")


def resolve_scope(q: str, docs: list[DocumentInfo], picked: str | None = None, last: str | None = None,
                  labels: frozenset[str] = frozenset(), recent: tuple[str, ...] = ()) -> Scope:
    """The document ``q`` (normalised) is about. ``picked``: the document chosen in the page or the
    request; ``last``: the conversation's document; ``recent``: the conversation's documents, latest
    last (a unit named again means the year it was last asked about); ``labels``: names of table
    rows and items in the loaded documents (a 科目 such as 法院 or 社会保险经办机构 is not a unit)."""
    if not docs:
        return Scope(None, "refused", "还没有导入任何预算文档。")
    by_id = {d.doc_id: d for d in docs}
    if picked and picked not in by_id:
        return Scope(None, "refused", f"没有编号为 {picked} 的文档（已导入：{'、'.join(sorted(by_id))}）。")
    if not (picked and by_id[picked].kind.endswith("模板")):     # a template (决算模板) is no unit's document
        docs = [d for d in docs if not d.kind.endswith("模板")] or docs
    named, unknown = unit_mentions(q, docs, labels)
    mentions = tuple(q[s:e] for s, e, _ in named)
    # a unit not loaded is refused, also beside a loaded one when it reads as a unit of its own
    # (省委办下面的东郊国宾馆, 万里街道和长征镇)
    unknown = [u for u in unknown if not named or LOCAL_END.search(q[u[0]:u[1]]) or places_of(q[u[0]:u[1]])]
    if unknown:
        name = escape_markdown(q[unknown[0][0]:unknown[0][1]])
        units = "、".join(dict.fromkeys(escape_markdown(d.org) for d in docs if d.org))
        return Scope(None, "refused", f"已导入的文档中没有“{name}”的预算；已导入的单位有：{units}。",
                     mentions=(q[unknown[0][0]:unknown[0][1]],))     # not the topic of a later "…呢？"
    preferred = by_id.get(picked or "") or by_id.get(last or "")
    if named:                                   # the unit, under every spelling of its name (中共/中国共产党 …)
        units = [d for _, _, ds in named for d in ds]
        pool = [d for d in docs if any(same_unit(d, u) for u in units)]
    elif preferred is not None:
        pool = [d for d in docs if same_unit(d, preferred)]
    else:
        pool = list(docs)
    pool = _by_kind(q, pool)
    years = {int(y) for y in YEAR.findall(OTHER_YEAR.sub("", q))}
    if not years and SAME_YEAR.search(q) and last in by_id:
        years = {by_id[last].year}                     # "省检察院同一年的呢？"
    if years:
        by_year = [d for d in pool if d.year in years]
        if by_year:
            pool = by_year
        elif picked and by_id[picked] in pool:
            pool = [by_id[picked]]      # the plan says that year is not in the picked document
        elif pool:                      # 江苏省政协办公厅2019年… with 2017 and 2018 loaded: no guess
            return _year_not_loaded(pool, years, bool(named or preferred is not None), mentions)
    if len(pool) == 1:
        return Scope(pool[0].doc_id, mentions=mentions)
    if preferred is not None and preferred in pool:
        return Scope(preferred.doc_id, mentions=mentions)
    earlier = [d for d in reversed(recent) if d in {p.doc_id for p in pool}]
    if named and not years and earlier:
        return Scope(earlier[0], mentions=mentions)    # "再看江苏高院，…": the year asked about before
    same_year = [d for d in pool if last in by_id and d.year == by_id[last].year]
    if named and not years and len(same_year) == 1:
        return Scope(same_year[0].doc_id, mentions=mentions)   # "那省检察院呢？": the conversation's year
    if named and not years and last in by_id and not same_year and not same_unit(by_id[last], pool[0]) \
            and len({d.unit_key for d in pool}) == 1:
        # the conversation's year, which this unit has no document of (2019 asked, 2017 and 2018 loaded)
        return _year_not_loaded(pool, {by_id[last].year}, True, mentions)
    return Scope(None, "clarify", "请问您问的是哪一份文档？", tuple(d.doc_id for d in pool), mentions)


def _year_not_loaded(pool: list[DocumentInfo], years: set[int], say_unit: bool, mentions) -> Scope:
    """Refused: the unit has documents, none of the year asked (its documents are the candidates, so
    that "那2018年呢？" goes on with this unit)."""
    units = "、".join(dict.fromkeys(escape_markdown(d.org or d.doc_id) for d in pool)) if say_unit else ""
    held = "、".join(f"{y}年" for y in sorted({d.year for d in pool if d.year}))
    asked = "、".join(f"{y}年" for y in sorted(years))
    return Scope(None, "refused", f"没有导入{units}{asked}的预算文档（已导入的是{held}的），文档中没有的内容，我不作推测。",
                 candidates=tuple(d.doc_id for d in pool), mentions=mentions)


def _by_kind(q: str, pool: list[DocumentInfo]) -> list[DocumentInfo]:
    """预算 / 决算 and 部门 / 单位 words pick among one unit's documents."""
    for words, attr in ((("决算",), "kind"), (("部门预算", "部门决算"), "scope"), (("单位预算", "单位决算"), "scope")):
        hit = [w for w in words if w in q]
        if not hit:
            continue
        want = "决算" if attr == "kind" else hit[0][:2]
        chosen = [d for d in pool if getattr(d, attr) == want]
        if chosen and len(chosen) < len(pool):
            pool = chosen
    plain = FUND_NAMES.sub(" ", q)            # 一般公共预算 names a fund, not the kind of document
    if (re.search(FINAL_WORDS, plain) or RATE_ASKED.search(q)) and "决算" not in q:
        final = [d for d in pool if d.kind == "决算"]      # 实际支出, 实际花了, 执行数: what a 决算 reports
        if final and len(final) < len(pool):
            pool = final
    if "决算" not in q and "预算" in plain and not re.search(FINAL_WORDS + r"|执行率|完成", plain):
        budget = [d for d in pool if d.kind == "预算"]
        if budget and len(budget) < len(pool):
            pool = budget
    return pool


def wants_across_units(q: str) -> bool:
    """"哪个单位的…最高": one item compared across every loaded unit."""
    return bool(ACROSS_UNITS.search(q))


def other_year_doc(q: str, doc: DocumentInfo, docs: list[DocumentInfo]) -> DocumentInfo | None:
    """The same unit's document of the year the question compares with, when it is ingested."""
    m = OTHER_YEAR.search(q)
    if not m:
        return None
    year = int(m.group(1))
    return next((d for d in docs if same_unit(d, doc) and d.year == year and d.doc_id != doc.doc_id
                 and d.kind == doc.kind), None)


def short_names(q: str, org: str) -> tuple[str, ...]:
    """The unit's name written as its place and a short form of its own words without a unit's
    ending (和静社保 for 和静县社会保险中心): words that name the unit, not an item."""
    core, out = core_name(org), []
    for place in PLACE_PART.findall(places_of(org)):
        for p in {place, place[:-1]} if len(place) > 2 else {place}:
            for m in re.finditer(re.escape(p), q):
                rest = q[m.end():m.end() + len(core)]
                after = q[m.end():]
                fits = [k for k in range(2, len(rest) + 1) if rest[0] == core[0] and in_order(rest[:k], core)
                        and (k == len(after) or not re.match(r"[\u4e00-\u9fff]", after[k]) or after[k] in AFTER_NAME)]
                if fits:
                    out.append(q[m.start():m.end() + max(fits)])
    return tuple(dict.fromkeys(sorted(out, key=len, reverse=True)))


def org_mention(q: str, doc: DocumentInfo, docs: list[DocumentInfo]) -> str:
    """The words of ``q`` that name ``doc``'s unit ("" when none do): for readers of other text
    (the audit's narrative statements) that take a unit's name out before linking."""
    named, _ = unit_mentions(q, docs)
    return next((q[s:e] for s, e, ds in named if doc in ds), "")
