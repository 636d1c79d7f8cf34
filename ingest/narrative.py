"""Narrative text: paragraphs under their heading path, and the document's metadata.

Shared by the text and PDF readers: both hand over (line or page number, text) pairs.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.model import RawTable, ReadingProblem, Section

HEADINGS = (
    re.compile(r"^第[一二三四五六七八九十]+部分"),
    re.compile(r"^[一二三四五六七八九十]+、"),
    re.compile(r"^[（(]\s*[一二三四五六七八九十]+\s*[)）]"),
)
PARAGRAPH_START = re.compile(
    r"^(?:[（(]\d+[)）]|\d+[.、．](?!\d)|目标\s*\d+[:：]|[一二三四五六七八九十]+、|[\u4e00-\u9fff]{2,8}[:：])")
SENTENCE_END = ("。", "；", ";")


@dataclass(frozen=True)
class Extracted:
    """What a reader found in one file, before table building and verification."""
    tables: tuple[RawTable, ...]
    sections: tuple[Section, ...]
    org: str
    year: int | None
    kind: str
    scope: str
    problems: tuple[ReadingProblem, ...] = ()     # pages or tables the reader could not read


def heading_level(text: str) -> int | None:
    """0, 1, 2 for 第N部分 / 一、 / （一）; None for body text (definitions such as "一、财政拨款:指…")."""
    for level, pattern in enumerate(HEADINGS):
        if pattern.match(text):
            if level > 0 and (re.search(r"[:：。]", text) or len(text) > 40):
                return None
            return level
    return None


def _heading_continues(heading: str, nxt: str) -> bool:
    """'四、 关于…收支预算情况' + '的总体说明': a heading wrapped onto the next line."""
    return ("关于" in heading and not heading.endswith("说明") and len(nxt) <= 12 and nxt.endswith("说明")
            and not re.search(r"[，。：:\d]", nxt) and heading_level(nxt) is None)


def sections_from_lines(numbered: list[tuple[int, str]]) -> list[Section]:
    """Paragraphs with their heading path, from (line number, text) pairs of narrative lines."""
    items = [(n, t.strip()) for n, t in numbered if t.strip()]
    path: list[str] = []
    sections: list[Section] = []
    buf: list[str] = []
    first = last = 0

    def flush():
        nonlocal buf
        text = "".join(buf).strip()
        if text:
            sections.append(Section(path=tuple(path), text=re.sub(r"\s{2,}", " ", text),
                                    line_start=first, line_end=last))
        buf = []

    i = 0
    while i < len(items):
        n, text = items[i]
        level = heading_level(text)
        if level is not None:
            flush()
            while i + 1 < len(items) and _heading_continues(text, items[i + 1][1]):
                i += 1
                text += items[i][1]
            del path[level:]
            path.extend([""] * (level - len(path)))
            path.append(re.sub(r"\s+", " ", text))
            path[:] = [p for p in path if p]
            i += 1
            continue
        if buf and PARAGRAPH_START.match(text):
            flush()
        if not buf:
            first = n
        buf.append(text)
        last = n
        if text.endswith(SENTENCE_END):
            flush()
        i += 1
    flush()
    return sections


def metadata_from_lines(lines: list[str], tables: list[RawTable] | tuple[RawTable, ...]) -> dict:
    """编制单位, 年度, 预算/决算, 单位/部门, read from the document itself: the 编制单位/部门 lines
    of the tables, else the unit named in the tables' titles, else the cover."""
    joined = "\n".join(lines[:400])
    orgs = Counter(m.group(1) for m in re.finditer(
        r"(?:编制单位|编制部门|部门名称|预算主管部门|单位名称|预算单位|部门)[:：]\s*([^\s:：]+?)(?=\s|单\s*位\s*[:：]|$)",
        "\n".join(lines)))
    orgs.pop("", None)
    org = orgs.most_common(1)[0][0] if orgs else ""
    heading = re.search(r"(20\d\d)\s*年\s*度?\s*(\S+?)(?:单位|部门)?(?:概况|预算|决算)", joined)
    if not _plausible_org(org):
        org = org_from_titles([t.title for t in tables]) or org_from_cover(lines) or \
            (heading.group(2) if heading and _plausible_org(heading.group(2)) else org)
    years = Counter(int(y) for y in re.findall(r"(20\d\d)\s*年度?\s*(?:单位|部门)?(?:预算|决算|收支|和静|\S{0,20}概况)",
                                               joined))
    year = int(heading.group(1)) if heading else (years.most_common(1)[0][0] if years else None)
    head = "\n".join(lines[:60]) + " ".join(t.title for t in tables)
    kind = "决算" if "决算" in head and "预算" not in head.replace("决算", "") else "预算"
    if "决算" in "\n".join(lines[:10]):
        kind = "决算"
    cover = re.sub(r"\s", "", "".join(lines[:6]))
    scope = "部门" if re.search(r"部门(?:预算|决算)", cover) and not re.search(r"单位(?:预算|决算)", cover) else \
        "单位" if re.search(r"单位(?:预算|决算|收支总体|收入总体|支出总体|概况)", joined) else "部门"
    return {"org": org, "year": year, "kind": kind, "scope": scope}


def _plausible_org(org: str) -> bool:
    return len(org) > 2 and org not in ("部门", "单位") and not org.startswith(("度", "年"))


TITLE_TAIL = re.compile(r"(?:部门|单位)?(?:一般公共预算|财政拨款|政府性基金|收支|收入|支出|“三公”|三公|政府采购|机关运行).*表")


# what a unit's name ends with (法院, 办公厅, 局, 中心 …): a title's head that does not (财政拨款) is no unit
UNIT_NAME_END = re.compile(r"(?:院|厅|局|委|办|室|中心|处|部|会|馆|所|站|队|校|府|社|团|司|署|台|园)$")


def org_from_titles(titles: list[str]) -> str:
    """The unit most tables' titles name: '2018年度江苏省高级人民法院收支预算总表' → 江苏省高级人民法院."""
    found = Counter()
    for title in titles:
        t = re.sub(r"\s", "", title)
        m = re.match(r"^(?:20\d\d年度?)?(?P<org>[\u4e00-\u9fff（）()]{4,30}?)" + TITLE_TAIL.pattern, t)
        if m and _plausible_org(m.group("org")) and UNIT_NAME_END.search(m.group("org")):
            found[m.group("org")] += 1
    org, n = found.most_common(1)[0] if found else ("", 0)
    return org if n >= 2 else ""


def org_from_cover(lines: list[str]) -> str:
    """The unit on the cover: '江苏省委办公厅 2017 年度部门预算', '2018 年度江苏省高级 / 人民法院预算公开'."""
    cover = ""
    for line in lines[:8]:
        text = re.sub(r"\s", "", line)
        if text in ("目录", "目次") or text.startswith("第一部分"):
            break
        cover += text
    for pattern in (r"^(?P<org>[\u4e00-\u9fff（）()]{4,40}?)20\d\d年度?(?:部门|单位)?(?:预算|决算)",
                    r"^20\d\d年度?(?P<org>[\u4e00-\u9fff（）()]{4,40}?)(?:部门|单位)?(?:预算|决算)"):
        m = re.match(pattern, cover)
        if m and _plausible_org(m.group("org")):
            return m.group("org")
    return ""
