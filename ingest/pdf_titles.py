"""Where tables begin in a PDF: a unit line (单位：万元, with 部门/编制单位) under a title ending in 表.

A title is found a few lines above its unit line, or at the foot of the page before; a title
wrapped over two or three lines is joined (…支出预 / 算表, 公开09表：… / 支出预算表); table numbers are
read from 公开NN表, 表N, 表一, 公开表二 and 一、 and left out of the title.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.pdf_lines import NOTE, NUMBER_LINE, PART, TITLE, UNIT, Line, is_sentence


@dataclass(frozen=True)
class TitleStart:
    """Where a table begins: its title (and number) above its unit line."""
    title: str
    number: str
    first: int                       # index of the first line of the title block


def same_title(a: str, b: str) -> bool:
    return re.sub(r"[\s（）()]", "", a) == re.sub(r"[\s（）()]", "", b)


def is_unit_line(s: str) -> re.Match | None:
    unit = UNIT.search(s)
    if unit and (re.search(r"编制|部门|单位名称|预算单位", s) or s.startswith(("单位", "金额"))):
        return unit
    return None


def table_starts(lines: list[Line]) -> dict[int, TitleStart]:
    """Each unit line that has a table title above it → the table's title, number, first line."""
    starts = {}
    for u, ln in enumerate(lines):
        if is_unit_line(ln.joined):
            found = _title_before(lines, u)
            if found is not None:
                starts[u] = found
    return starts


def _title_before(lines: list[Line], u: int) -> TitleStart | None:
    """The title of the table whose unit line is ``lines[u]``: the nearest line above ending in 表
    (or 表（…）), a few lines up at most, on the same page or at the foot of the previous one (a title
    printed on the page before its table); a title wrapped over two or three lines is joined."""
    page, crossed, number = lines[u].page, False, ""
    j = u - 1
    while j >= 0 and u - j <= 5:
        ln, s = lines[j], lines[j].joined
        if ln.page != page:
            if crossed:
                return None
            crossed, page = True, ln.page        # the title at the foot of the page before
        m = NUMBER_LINE.match(s)
        if m:
            if number:
                return None
            number = number_of(m)               # 公开表一 between the title and the unit line
            j -= 1
            continue
        if _title_line(ln):
            break
        if _figures(ln) or is_sentence(s) or len(s) > 60 or PART.match(s):
            return None
        j -= 1
    else:
        return None
    parts, first = [lines[j].joined], j
    k = j - 1
    while k >= 0 and len(parts) < 3 and lines[k].page == lines[j].page:
        s = lines[k].joined
        m = NUMBER_LINE.match(s)
        if m:
            number, first = number_of(m), k
            break
        if not _title_head(lines[k], "".join(parts)):
            break
        parts.insert(0, s)
        first = k
        k -= 1
    title, own_number = _split_number("".join(parts))
    return TitleStart(title, own_number or number, first) if title else None


def _title_line(ln: Line) -> bool:
    s = ln.joined
    return bool(TITLE.search(s)) and not NOTE.match(s) and len(s) <= 60 and not _figures(ln) \
        and not PART.match(s) and not is_sentence(s)


def _figures(ln: Line) -> bool:
    """Does the line carry figures? A table number (公开 01 表, 表 3) or a year (2017 年) is none."""
    words = ln.words
    for k, w in enumerate(words):
        if w in ln.amounts():
            before = words[k - 1][0] if k else ""
            after = words[k + 1][0] if k + 1 < len(words) else ""
            if not (before in ("公开", "表") or after.startswith(("年", "表"))):
                return True
    return False


TITLE_HEAD = re.compile(r"^(?:公开\s*\d+\s*表|表\s*\d+|[一二三四五六七八九十]+、|\d{1,2}[.、．](?!\d))")


def _title_head(ln: Line, below: str) -> bool:
    """Is ``ln`` the head of a title wrapped onto the line below it? It does not end a title itself,
    carries no figures, and either opens with a table number (公开09表：…, 十一、…) or the line below
    is too short to be a title alone (…支出预算 / 表, …支出预 / 算表)."""
    s = ln.joined
    if TITLE.search(s) or PART.match(s) or NOTE.match(s) or _figures(ln) or is_sentence(s) \
            or len(s) > 40 or is_unit_line(s):
        return False
    return bool(TITLE_HEAD.match(s)) or len(below) <= 3


def _split_number(title: str) -> tuple[str, str]:
    """'公开09表：…' / '表3 …' / '十一、…' / '3.…' → (title, '表N'); a title without one → (title, '')."""
    title = title.strip()
    m = re.match(r"^(?:公开\s*(\d+)\s*表|表\s*(\d+))\s*[:：]?\s*", title)
    if m and len(title) > m.end():
        return title[m.end():], f"表{int(m.group(1) or m.group(2))}"
    m = re.match(r"^(?:表\s*)?([一二三四五六七八九十]+)(?:、|\s*(?=[^、]))", title) if re.match(
        r"^(?:表\s*[一二三四五六七八九十]+|[一二三四五六七八九十]+、)", title) else None
    if m and len(title) > m.end():
        return title[m.end():].lstrip("：:、 "), f"表{_chinese_number(m.group(1))}"
    return re.sub(r"^\d{1,2}[.、．](?!\d)", "", title), ""


def number_of(m: re.Match) -> str:
    """'表N' from a NUMBER_LINE match (公开01表, 表 3, 公开表二)."""
    if m.group(3):
        return f"表{_chinese_number(m.group(3))}"
    return f"表{int(m.group(1) or m.group(2))}"


def _chinese_number(text: str) -> int:
    digits = "一二三四五六七八九"
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + digits.index(text[1]) + 1
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (digits.index(tens) + 1) * 10 + (digits.index(ones) + 1 if ones else 0)
    return digits.index(text) + 1
