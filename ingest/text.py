"""Read a budget disclosure from text extracted from its PDF (rows broken over lines, empty cells dropped).

Produces an ``Extracted``: raw tables (rows with their figures in reading order; the columns are
decided later by ``ingest.tables``), narrative paragraphs with their heading path, and metadata.
"""
from __future__ import annotations

import re
from decimal import Decimal
from dataclasses import replace
from pathlib import Path

from ingest.errors import ParseError
from ingest.model import RawRow, RawTable
from ingest.headers import is_side_by_side
from ingest.narrative import Extracted, metadata_from_lines, sections_from_lines

TABLE_START = re.compile(r"^表\s*(\d+)\s*$")
TABLE_START_TITLED = re.compile(r"^表\s*(\d+)\s+(\S.*表)$")
PUBLIC_TABLE = re.compile(r"^公开\s*(\d+)\s*表$")
TITLE_LINE = re.compile(r"^\S[^\s]{1,40}(?:表|表[（(][^）)]{1,8}[）)])$")
OWNER_LINE = re.compile(r"(?:编制单位|编制部门|部门名称|单位名称|部门|预算单位)[:：]")
NARRATIVE_HEADING = re.compile(r"^(?:其他相关情况说明|[^\d\s，。]{0,20}情况说明|项目经费情况说明)$")
PAGE_NUMBER = re.compile(r"^[-—\s]*\d{1,3}[-—\s]*$")
PART_HEADING = re.compile(r"^第[一二三四五六七八九十]+部分")
UNIT_LINE = re.compile(r"编制(?:单位|部门)[:：]\s*(\S+)?.*?单位[:：]\s*(万元|元|亿元)")
UNIT_ONLY = re.compile(r"(?:金额)?单位[:：]\s*(万元|元|亿元)")
COLUMN_NUMBERS = re.compile(r"^[※\s]*※[※\s]*(?:\d+\s*)+$")
NUMBER = re.compile(r"^-?\d[\d,]*(?:\.\d+)?$")
# 科目编码: 类 (3 digits) then 款 and 项 (2 digits each, spaced or joined); some documents drop a
# leading zero ("301 7 绩效工资"), which is accepted when the name follows.
CODE = re.compile(r"^(\d{3})(?:\s*(\d{2})|\s+(\d)(?=\s*[\u4e00-\u9fff]))?"
                  r"(?:\s*(\d{2})|\s+(\d)(?=\s*[\u4e00-\u9fff]))?(?=\s|$|[\u4e00-\u9fff])")


def code_of(m: re.Match) -> str:
    kuan = m.group(2) or (m.group(3) and m.group(3).zfill(2)) or ""
    xiang = m.group(4) or (m.group(5) and m.group(5).zfill(2)) or ""
    return m.group(1) + kuan + (xiang if kuan else "")
RIGHT_HALF = re.compile(r"(?:^|\s)(?=\d{3}\s*[\u4e00-\u9fff])|(?=(?:当年)?支\s*出\s*(?:[总合]\s*计|小\s*计))|"
                        r"(?<=\s)(?=[一二三四五六七八九十]+、[^\s\d]*支出)")
RIGHT_ENUMERATED = re.compile(r"^[一二三四五六七八九十]+、[^\s\d]*支出")
NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[.、．])")
FULL_WIDTH = str.maketrans("０１２３４５６７８９．－\u3000", "0123456789.- ")
WRAP_LENGTH = 15   # a text cell this long that has no figures was probably wrapped onto the next line


def decode(path: Path) -> str:
    """The file's text: UTF-8 (with or without BOM) or GBK/GB18030; a clear error for anything else."""
    data = path.read_bytes()
    if not data.strip():
        raise ParseError(str(path), "line 1", "the file is empty")
    nul = data.find(b"\x00", 0, 65536)
    if nul >= 0:
        raise ParseError(str(path), f"byte {nul}", "binary file, not text (a NUL byte); give a .txt or .pdf")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            line = data[: utf8_error.start].count(b"\n") + 1
            raise ParseError(str(path), f"line {line}", "not UTF-8 or GBK/GB18030 text") from None


class Places:
    """How to name a place in the source: "line 210" in a text file, "p. 12" in a PDF."""

    def __init__(self, pages: list[int] | None = None):
        self.pages = pages

    def __call__(self, first: int, last: int) -> str:
        """``first``/``last`` are 1-based line numbers of the extracted text."""
        if self.pages is None:
            return f"line {first}" if first == last else f"lines {first}-{last}"
        a, b = self.pages[first - 1], self.pages[last - 1]
        return f"p. {a}" if a == b else f"pp. {a}-{b}"


def extract_text(path: Path) -> Extracted:
    text = decode(path)
    return extract_lines(text.splitlines(), str(path), Places())


def extract_lines(raw_lines: list[str], file: str, places: Places) -> Extracted:
    """Tables and narrative from lines of extracted text (a .txt file, or a PDF's pages)."""
    lines = [line.translate(FULL_WIDTH).rstrip() for line in raw_lines]
    blocks = _table_blocks(lines)
    in_table = set()
    tables = []
    for number, start, end in blocks:
        in_table.update(range(start, end))
        tables.append(_read_table(lines, number, start, end, file, places))
    narrative = [(i + 1, line) for i, line in enumerate(lines) if i not in in_table]
    sections = sections_from_lines(narrative)
    if places.pages is not None:
        sections = [replace(sec, page_start=places.pages[sec.line_start - 1],
                            page_end=places.pages[sec.line_end - 1]) for sec in sections]
    meta = metadata_from_lines(lines, tables)
    return Extracted(tables=tuple(tables), sections=tuple(sections), **meta)


def _next_texts(lines: list[str], i: int, n: int) -> list[str]:
    out = []
    for j in range(i + 1, len(lines)):
        if lines[j].strip():
            out.append(lines[j].strip())
            if len(out) == n:
                break
    return out


def _is_title(s: str, following: list[str]) -> bool:
    """A table title without a number: "2025年部门收入预算总表" followed by its 编制部门/单位 line."""
    if not TITLE_LINE.match(s) or re.search(r"[。，；：:]", s):
        return False
    return any(OWNER_LINE.search(f.replace(" ", "")) and "单位" in f.replace(" ", "") for f in following[:3])


def _table_blocks(lines: list[str]) -> list[tuple[str, int, int]]:
    """(表N, first line index, end index) of each table, found by its number (表1, 公开01表) or by a
    title followed by the 编制部门…单位 line; a table ends at the next one, a part heading or a
    narrative heading."""
    starts: list[tuple[str | None, int]] = []
    numbered_at = -10
    for i, line in enumerate(lines):
        s = line.strip()
        if not s:
            continue
        m = TABLE_START.match(s) or TABLE_START_TITLED.match(s)
        public = PUBLIC_TABLE.match(s)
        if m:
            starts.append((f"表{int(m.group(1))}", i))
            numbered_at = i
        elif public:
            starts.append((f"公开{public.group(1)}表", i))
            numbered_at = i
        elif _is_title(s, _next_texts(lines, i, 3)):
            previous = [j for j in range(max(numbered_at, 0), i) if lines[j].strip()]
            if numbered_at >= 0 and len(previous) == 1 and previous[0] == numbered_at:
                continue                  # the title under its own 表N line
            starts.append((None, i))
    blocks = []
    count = 0
    for k, (number, start) in enumerate(starts):
        count += 1
        end = starts[k + 1][1] if k + 1 < len(starts) else len(lines)
        for j in range(start + 1, end):
            if PART_HEADING.match(lines[j].strip()) or NARRATIVE_HEADING.match(lines[j].strip()):
                end = j
                break
        blocks.append((number or f"表{count}", start, end))
    return blocks


def _read_table(lines: list[str], number: str, start: int, end: int, file: str, places) -> RawTable:
    body = [(i + 1, lines[i].strip()) for i in range(start, end)
            if lines[i].strip() and not PAGE_NUMBER.match(lines[i].strip())]
    first = body[0][1]
    titled = TABLE_START_TITLED.match(first)
    if titled:
        title, rest = titled.group(2), body[1:]
    elif TABLE_START.match(first) or PUBLIC_TABLE.match(first):
        if len(body) < 2:
            raise ParseError(file, places(body[0][0], body[0][0]), f"{number} has no title")
        title, rest = body[1][1].replace(" ", ""), body[2:]
    else:
        title, rest = first.replace(" ", ""), body[1:]
    side_by_side = is_side_by_side(title)
    unit, header, n_columns, data = "", [], None, []
    state = "header"
    has_column_line = any(COLUMN_NUMBERS.match(s) for _, s in rest)
    for lineno, s in rest:
        compact = s.replace(" ", "")
        m = UNIT_LINE.search(compact) or UNIT_ONLY.search(compact)
        if m and (OWNER_LINE.search(compact) or compact.startswith(("单位", "金额"))):
            unit = unit or m.groups()[-1]
            if state == "data":          # a page break: the header is repeated
                state = "repeat"
            continue
        if COLUMN_NUMBERS.match(s):
            if state == "header":
                n_columns = sum(1 for tok in s.split() if tok.isdigit())
            state = "data"
            continue
        if state == "data" and s in header:   # a header repeated on a new page, without its title
            state = "repeat"
            continue
        if state != "data":
            if not has_column_line and _looks_like_data(s):
                state = "data"
            else:
                if state == "header":
                    header.append(s)
                continue
        data.append((lineno, s))
    if not data:      # no figures at all: an empty table ("合 计" / "此表为空")
        data = [(n, s) for n, s in rest if _is_total(s) or NOTE_START.match(s) or "为空" in s]
        header = [h for h in header if not (_is_total(h) or NOTE_START.match(h) or "为空" in h)]
    header_text = " ".join(header)
    if side_by_side:
        rows, note = _side_by_side_rows(data, places)
    else:
        rows, note = _rows(data, places, has_project=project_column_in(header_text))
    if len(rows) == 1 and not rows[0].name and not rows[0].code:
        rows = [replace(rows[0], name="合计")]    # a one-row table of totals (三公 tables)
    last_line = body[-1][0]
    complete = end < len(lines) or any(_is_total(r.name) for r in rows) or bool(note)
    return RawTable(number=number, title=title, unit=unit or "万元", header=header_text,
                    rows=tuple(rows), source=places(body[0][0], last_line),
                    n_columns=n_columns, note=note, complete=complete)


def _looks_like_data(s: str) -> bool:
    return bool(re.search(r"\d+\.\d+", s) or NUMBERED.match(s) or CODE.match(s))


def _is_total(name: str) -> bool:
    n = re.sub(r"\s", "", name)
    return n in ("合计", "总计") or n.endswith(("总计", "合计"))


def split_numbers(s: str) -> tuple[str, tuple[Decimal, ...]]:
    """'公务用车运行费 2.14 2.14' → ('公务用车运行费', (2.14, 2.14)): the trailing figures and the text."""
    tokens = s.split()
    nums = []
    while tokens and NUMBER.match(tokens[-1]):
        nums.append(Decimal(tokens.pop().replace(",", "")))
    return "".join(tokens), tuple(reversed(nums))


NOTE_START = re.compile(r"^(?:注[:：]|[：:]“|此表为空|本表为空|备注[:：])")


def _is_note(text: str) -> bool:
    return (len(text) > 25 and ("。" in text or "空表" in text or "，" in text)) or "此表为空" in text


class _Pending:
    """A row being assembled from several lines."""

    def __init__(self, lineno: int, code: str = "", name: str = "", group: str = "",
                 has_project: bool = False):
        self.first = self.last = lineno
        self.has_project = has_project
        self.code, self.name, self.group = code, name, group
        self.code_line_named = bool(name)
        self.project = ""
        self.last_fragment = len(name)
        self.numbers: tuple[Decimal, ...] = ()

    def add_text(self, text: str, lineno: int) -> None:
        self.last = lineno
        self.last_fragment = len(text)
        if self.code and self.code_line_named and self.has_project:
            self.project += text
        else:
            self.name += text

    def wrapped(self, nxt: str) -> bool:
        """Does ``nxt`` continue this row's text (a name or project wrapped in its cell)?"""
        if self.numbers or _is_total(nxt):
            return False
        if self.code and (not self.code_line_named or self.has_project):
            return True
        if NUMBERED.match(nxt) or nxt.startswith("其中"):
            return False
        return self.last_fragment >= WRAP_LENGTH or len(nxt) <= 2

    def row(self, places) -> RawRow:
        return RawRow(code=self.code, name=self.name, numbers=self.numbers,
                      source=places(self.first, self.last), group=self.group, project=self.project)


def _rows(data: list[tuple[int, str]], places, group: str = "", has_project: bool | None = None):
    rows: list[RawRow] = []
    note_parts: list[str] = []
    pending: _Pending | None = None

    def flush():
        nonlocal pending
        if pending is not None and (pending.name or pending.numbers or pending.code):
            rows.append(pending.row(places))
        pending = None

    for lineno, s in data:
        if note_parts or (_is_note(s) and not re.search(r"\d+\.\d{2}(\s|$)", s)) or NOTE_START.match(s):
            note_parts.append(s)
            continue
        m = CODE.match(s)
        code = code_of(m) if m else ""
        text, nums = split_numbers(s[m.end():] if m else s)
        if code:
            flush()
            pending = _Pending(lineno, code, text, group, bool(has_project))
            if nums:
                pending.numbers = nums
                flush()
        elif text and nums:
            if pending is not None and pending.wrapped(text):
                pending.add_text(text, lineno)
                pending.numbers = nums
            else:
                flush()
                pending = _Pending(lineno, "", text, group)
                pending.numbers = nums
            flush()
        elif nums:
            if pending is None:
                pending = _Pending(lineno, "", "", group)
            pending.last = lineno
            pending.numbers = nums
            flush()
        elif text:
            if pending is not None and pending.wrapped(text):
                pending.add_text(text, lineno)
            else:
                flush()
                pending = _Pending(lineno, "", text, group)
    flush()
    return rows, "".join(note_parts)


def _side_by_side_rows(data: list[tuple[int, str]], places):
    """收支总表 style: income items on the left, expenditure on the right (by 功能分类 code, or
    enumerated "二、社会保障和就业支出"), on the same lines."""
    left, right = [], []
    for lineno, s in data:
        s = re.sub(r"(\d)(?=[一二三四五六七八九十]+、)", r"\1 ", s)
        m = RIGHT_HALF.search(s) if not CODE.match(s) else None
        if CODE.match(s) or RIGHT_ENUMERATED.match(s):
            left_part, right_part = "", s
        elif m:
            left_part, right_part = s[: m.start()].strip(), s[m.start():].strip()
        else:
            left_part, right_part = s, ""
        if left_part:
            left.append((lineno, left_part))
        if right_part:
            right.append((lineno, right_part))
    left_rows, note = _rows(left, places, group="收入")
    right_rows, note2 = _rows(right, places, group="支出")
    return left_rows + right_rows, note or note2


def project_column_in(header: str) -> bool:
    return "项目名称" in header.replace(" ", "")
