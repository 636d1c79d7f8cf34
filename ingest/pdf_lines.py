"""A PDF page as printed lines: words with their x-ranges and tops, grouped into lines, running
heads and feet left out, pages whose content cannot be decoded told apart from blank ones. Also the
small predicates the table reader asks of a line (figures, a sentence, a data row).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.grid import Grid
from ingest.text import FULL_WIDTH


AMOUNT = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^-?\d+(?:\.\d+)?$")
CJK = re.compile(r"[\u4e00-\u9fff]")
GLUED = re.compile(r"(-?\d[\d,]*\.\d+|-?\d{1,3}(?:,\d{3})+)(?=[\u4e00-\u9fff])")
UNIT = re.compile(r"单\s*位\s*[:：]\s*(万元|元|亿元)")
TITLE = re.compile(r"表(?:[（(][^）)]{1,12}[）)])?$")
NUMBER_LINE = re.compile(r"^(?:公开\s*(\d+)\s*表|表\s*(\d+)|公开表\s*([一二三四五六七八九十]+))$")
NOTE = re.compile(r"^(?:注|说明)\s*[:：]|^此表为空|^：")
PART = re.compile(r"^第[一二三四五六七八九十]+部分")
BAND = 10.0        # words whose tops differ by less than this belong to one printed row


@dataclass
class Line:
    page: int
    top: float
    words: list[tuple[str, float, float, float]]   # text, x0, x1, top

    @property
    def text(self) -> str:
        return " ".join(w[0] for w in self.words)

    @property
    def joined(self) -> str:
        return "".join(w[0] for w in self.words)

    def amounts(self) -> list[tuple[str, float, float, float]]:
        return [w for w in self.words if AMOUNT.match(w[0]) and not _is_code_word(w, self)]


@dataclass
class OpenTable:
    number: str
    title: str
    unit: str
    start_page: int
    header: list[Line] = field(default_factory=list)
    data: list[Line] = field(default_factory=list)
    note: list[str] = field(default_factory=list)
    grid_xs: tuple[float, ...] = ()
    last_page: int = 0


def _is_code_word(w, line: Line) -> bool:
    """科目编码 digits (3, 5 or 7 digits, or 2-digit 款/项 parts) left of the row's name."""
    text = w[0]
    if not re.fullmatch(r"\d{1,7}", text):
        return False
    names = [x for x in line.words if CJK.search(x[0])]
    return bool(names) and w[2] <= min(x[1] for x in names) + 1


def _words(page) -> list[tuple[str, float, float, float]]:
    """The page's words as (text, x0, x1, top); text outside the page (an overflow printed beyond its
    edge, which no reader sees: a spreadsheet export repeats the next tables there) is left out."""
    out = []
    for w in page.extract_words(keep_blank_chars=False):
        if w["top"] >= page.height or w["bottom"] <= 0 or w["x0"] >= page.width or w["x1"] <= 0:
            continue
        text = w["text"].translate(FULL_WIDTH)
        m = GLUED.match(text)
        if m and m.end() < len(text):      # "91,016,775.35一、一般公共服务支出": split at the figure
            width = (w["x1"] - w["x0"]) / max(len(text), 1)
            cut = w["x0"] + width * m.end()
            out.append((m.group(1), w["x0"], cut, w["top"], w["bottom"]))
            out.append((text[m.end():], cut, w["x1"], w["top"], w["bottom"]))
        else:
            out.append((text, w["x0"], w["x1"], w["top"], w["bottom"]))
    return out


def page_lines(page, number: int) -> list[Line]:
    """Words grouped into printed lines: a word joins the line whose first word it overlaps
    vertically by more than half its height (a quotation mark set a little lower stays in its line)."""
    words = sorted(_words(page), key=lambda w: (w[3], w[1]))
    lines: list[Line] = []
    spans: list[tuple[float, float]] = []
    for w in words:
        if lines and (abs(lines[-1].top - w[3]) <= 3 or overlap(spans[-1], (w[3], w[4])) > 0.5):
            lines[-1].words.append(w)
        else:
            lines.append(Line(number, w[3], [w]))
            spans.append((w[3], w[4]))
    for ln in lines:
        ln.words.sort(key=lambda w: w[1])
    footer = page.height * 0.88
    return [ln for ln in lines if not (ln.top > footer and re.fullmatch(r"[-—─－\s\d第页/共]+", ln.text))]


def undecodable(page) -> bool:
    """A page whose content streams hold data but yield nothing at all (no character, rule or
    image): pdfminer drops a stream it cannot decompress without a word, so this is a damaged page,
    not a blank one (a blank page's stream is a few bytes)."""
    if any(page.objects.values()):
        return False
    from pdfminer.pdftypes import resolve1
    length = 0
    for stream in page.page_obj.contents or ():
        try:
            length += int(resolve1(stream.attrs.get("Length", 0)) or 0)
        except (TypeError, ValueError, AttributeError):
            continue
    return length >= 200


def overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Vertical overlap of two spans as a share of the shorter one."""
    shorter = min(a[1] - a[0], b[1] - b[0])
    return (min(a[1], b[1]) - max(a[0], b[0])) / shorter if shorter > 0 else 0.0


def without_running_heads(lines: list[Line]) -> list[Line]:
    """Drop a running head or foot ("上海市普陀区…2025年部门预算" atop every page): the first or last
    line of a page, the same text (numbers aside) at the same height on at least three pages and on
    most of the pages. Table numbers, titles and unit lines are never dropped."""
    pages: dict[int, list[Line]] = {}
    for ln in lines:
        pages.setdefault(ln.page, []).append(ln)
    if len(pages) < 4:
        return lines

    def key(ln: Line) -> tuple[str, int]:
        return re.sub(r"\d+", "#", ln.joined), round(ln.top / 4)
    edges = [ln for page in pages.values() for ln in (page[0], page[-1])]
    seen = Counter(key(ln) for ln in {id(ln): ln for ln in edges}.values())
    running = {k for k, n in seen.items() if n >= 3 and n >= len(pages) / 2}
    structural = (NUMBER_LINE, TITLE, UNIT, PART)
    drop = {id(ln) for ln in edges if key(ln) in running and not ln.amounts()
            and not any(p.search(ln.joined) for p in structural)}
    return [ln for ln in lines if id(ln) not in drop]


def is_sentence(s: str) -> bool:
    """A sentence under a table ("…2025年没有使用政府性基金预算拨款安排的支出，本表为空表。"): a
    row name has no comma and does not end with a full stop."""
    return len(CJK.findall(s)) >= 15 and ("，" in s or s.endswith("。"))


def is_data(ln: Line) -> bool:
    s = ln.joined
    return bool(ln.amounts()) or bool(re.fullmatch(r"\d{3}(?:\d{2}){0,2}", ln.words[0][0])) or s.replace(" ", "") in ("合计", "总计") \
        or s.startswith("此表为空")


def in_grid(ln: Line, grids: list[Grid]) -> bool:
    """Inside a ruled table (a name wrapped above its figures at the top of a continuation page)."""
    return any(g.bbox[0] <= w[1] and w[2] <= g.bbox[2] and g.bbox[1] <= w[3] <= g.bbox[3]
               for g in grids for w in ln.words)
