"""Which document a question is about: a unit named in it (in full, by its core name or in short),
its year and kind (部门预算/单位预算), the conversation's document, or a clarification or refusal.
The one place where scope is decided; across.py reads several documents once scope is known.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.store import DocumentInfo

ORG_MENTION = re.compile(r"([\u4e00-\u9fff]{2,10}?(?:省|市|州|县|区|旗|镇|乡|街道))?"
                         r"([\u4e00-\u9fff]{0,12}?(?:人民政府办公室|政府办公室|教育局|财政局|公安局|卫健委|人社局|"
                         r"局|委员会|委|办公室|中心|检察院|法院|医院|学校|街道办事处|办事处|基金|政府(?![采性集购投债补])))")
# (政府采购, 政府性基金, 政府集中采购, 政府购买服务 … are spending words, not a unit's name)
YEAR = re.compile(r"(?<!\d)(20\d{2})\s*(?:年|年度)?(?!\d)")
ACROSS_UNITS = re.compile(r"哪个单位|哪家单位|哪一个单位|各单位|各个单位|所有单位|每个单位|哪个部门|各部门|哪个街道|"
                          r"哪些单位|单位之间|几个单位")
OTHER_YEAR = re.compile(r"(?:比|较|与|和)\s*(20\d{2})\s*年(?:度)?(?:预算)?")


@dataclass(frozen=True)
class Scope:
    """The document a question is about, or why there is none: status answered (doc_id set),
    refused (reason) or clarify (the candidate documents)."""
    doc_id: str | None
    status: str = "answered"
    reason: str = ""
    candidates: tuple[str, ...] = ()


def _org_core(org: str) -> str:
    return re.sub(r"^.*?(?:省|市|州|县|区|旗)", "", org)


OWNER = re.compile(r"^(?:请问)?([\u4e00-\u9fff]{3,24}?)(?:的|单位预算|部门预算|预算中|今年|20\d{2})")
FILLER = re.compile(r"请问|问一下|纳入|包括|属于|关于|对于|[占比与跟问年中里及、，的]")   # words before a unit's name in a match


def _in_order(short: str, org: str) -> bool:
    pos = 0
    for ch in short:
        pos = org.find(ch, pos) + 1
        if not pos:
            return False
    return True


def _tails(text: str) -> list[str]:
    """The match and what follows each filler word in it: "请问万里街道办事处" → 万里街道办事处,
    "一般公共服务支出占区政府办公室" → 区政府办公室."""
    return [text] + [text[m.end():] for m in FILLER.finditer(text) if len(text) - m.end() >= 3]


def _names(text: str, d: DocumentInfo, place: str = "") -> bool:
    """``text`` names ``d``'s org: contains it, or is its characters in order (江苏省检察院), or holds
    its core name with no other place (社会保险中心, not 和硕县社会保险中心)."""
    return bool(d.org) and (text in d.org or d.org in text or _in_order(text, d.org) or
                            (_org_core(d.org) in text and (not place or place in d.org)))


def org_mention(q: str, d: DocumentInfo, docs: list[DocumentInfo]) -> str:
    """The words of ``q`` that name ``d``'s org and no other document's: the full or core name, a
    short form in a unit-like phrase ("请问万里街道办事处…", "…占省检察院…"), or a short form opening
    the question ("万里街道的…"). "" when the question does not name it."""
    if not d.org:
        return ""
    if d.org in q:
        return d.org
    core = _org_core(d.org)
    places = [m.group(1) for m in ORG_MENTION.finditer(q) if m.group(1) and core in m.group(0)]
    if core and core in q and all(p in d.org for p in places):
        return core                   # 社会保险中心, but not 乌鲁木齐市社会保险中心
    others = [o for o in docs if o.org and o.org != d.org]
    for m in ORG_MENTION.finditer(q):
        for tail in _tails(m.group(0)):
            if len(tail) >= 3 and _names(tail, d, m.group(1) or "") and not any(_names(tail, o) for o in others):
                return tail
    m = OWNER.match(q)
    if m and _in_order(m.group(1), d.org) and not any(_in_order(m.group(1), o.org) for o in others):
        return m.group(1)
    head = re.sub(r"^请问", "", q)     # "社保中心占用的房屋…": the longest opening that is a short form
    for n in range(min(len(head), 16), 2, -1):
        short = head[:n]
        if re.search(r"(?:中心|局|院|室|处|委|所|站|办|队)$", short) and _in_order(short, d.org) and \
                not any(_in_order(short, o.org) for o in others):
            return short
    return ""


def _unknown_unit(q: str, docs: list[DocumentInfo]) -> str:
    """A unit the question names that no document is about ("和静县教育局的…"), or ""."""
    for m in ORG_MENTION.finditer(q):
        tails = _tails(m.group(0))
        if any(len(t) >= 3 and _names(t, d, m.group(1) or "") for t in tails for d in docs):
            continue
        text = tails[-1]
        if len(text) < 3 or text.startswith("其他") or text in ("单位", "部门") or \
                (text.endswith("基金") and not m.group(1)) or \
                any(w in text for w in ("经办机构", "社保中心")):
            continue            # 其他政府办公厅（室）及相关机构事务 is a 科目, not a unit
        if m.group(1) or re.search(r"局|委|院|学校|医院|办公室|办事处|政府", text):
            return text
    return ""


def resolve_scope(q: str, docs: list[DocumentInfo], requested: str | None, last_doc: str | None) -> Scope:
    """The document a question is about (``requested``: the picked one; ``last_doc``: the
    conversation's), or a refusal/clarification."""
    if requested:
        if requested not in {d.doc_id for d in docs}:
            return Scope(None, "refused", f"没有编号为 {requested} 的文档（已导入：{'、'.join(d.doc_id for d in docs) or '无'}）。")
        pool = [d for d in docs if d.doc_id == requested]
    else:
        pool = docs
    if not docs:
        return Scope(None, "refused", "还没有导入任何预算文档。")
    mentioned = [d for d in pool if org_mention(q, d, docs)]
    unknown = _unknown_unit(q, docs) if not mentioned else ""
    if unknown:
        return Scope(None, "refused", f"已导入的文档中没有“{unknown}”的预算；已有：{'、'.join(d.label for d in docs)}。")
    years = {int(y) for y in YEAR.findall(q)}
    if mentioned:
        pool = mentioned
    elif not requested:
        if last_doc and last_doc in {d.doc_id for d in docs}:
            pool = [d for d in docs if d.doc_id == last_doc]
    scoped = [d for d in pool if f"{d.scope}预算" in q or f"{d.scope}决算" in q]
    if scoped and len(scoped) < len(pool):
        pool = scoped               # "…的部门预算" / "单位预算中…": one org may publish both
    if years and len(pool) > 1:
        by_year = [d for d in pool if d.year in years]
        if by_year:
            pool = by_year
    if len(pool) == 1:
        return Scope(pool[0].doc_id)
    return Scope(None, "clarify", "请问您问的是哪一份文档？", tuple(d.doc_id for d in pool))



def wants_across_units(q: str) -> bool:
    """"哪个单位的…最高": one item compared across every loaded unit."""
    return bool(ACROSS_UNITS.search(q))


def other_year_doc(q: str, doc: DocumentInfo, docs: list[DocumentInfo]) -> DocumentInfo | None:
    """The same unit's document of the year the question compares with, when it is ingested."""
    m = OTHER_YEAR.search(q)
    if not m:
        return None
    year = int(m.group(1))
    return next((d for d in docs if d.org == doc.org and d.year == year and d.doc_id != doc.doc_id), None)
