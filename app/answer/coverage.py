"""The coverage check: does the reading account for every content word of the question?

A reading (the cells an answer computed from, its operation, the narrative sentence it quotes)
explains the words of the question that its labels contain — the row's name and its parents', the
table's title and concept words, the column's header path, the aliases of those cells in the
catalog. Operation words are explained by the operation applied, and filler by the shared
vocabulary (vocabulary.py). What is left was not read: a word that names something else in the
document means the answer dropped a qualifier (clarify); a word the document does not know means
the question asks about something the documents do not have (refuse, or clarify when unsure).

    cov = check(plan_text, result, catalog)
    cov.ok, cov.unexplained, cov.named_elsewhere, cov.missing_ops
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from app.answer.catalog import Catalog, CellRef
from app.answer.figures import Result
from app.answer.normalize import word_spans
from app.answer.vocabulary import (
    AMOUNT_UNITS,
    APPROX_AMOUNT,
    COUNTING,
    FILLER,
    FILLER_IN_NAMES,
    FUND_SOURCES,
    NOISE,
    ROLE_WORDS,
    SINGLE_FILLER,
    YEAR_WORD,
    ops_named,
    words_of,
)

FILLER_SET = frozenset(FILLER + FILLER_IN_NAMES)
MIN_WORD = 2                       # leftover runs shorter than this are not words of their own
CJK = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True)
class Coverage:
    unexplained: tuple[str, ...] = ()      # content words the reading does not account for
    named_elsewhere: tuple[str, ...] = ()  # of those, the ones that name something in the document
    missing_ops: tuple[str, ...] = ()      # operations the question asks for that were not applied

    @property
    def ok(self) -> bool:
        return not self.unexplained and not self.named_elsewhere and not self.missing_ops


# ── what a reading can explain ───────────────────────────────────────────────────────────────────

def _table_words(cat: Catalog, table_id: str, group: str = "") -> list[str]:
    """A table's title, kind and concept labels (only those of the cell's own side of a two-sided
    table: 财政拨款收入 does not name a cell among the 支出)."""
    t = cat.doc.table(table_id)
    title = re.sub(r"^[一二三四五六七八九十\d]+[、.．]\s*|^\d{4}年度?", "", t.title)
    out = [t.title, title, t.id, *ROLE_WORDS.get(t.role, ())]
    out += [f"{w}拨款" for w in FUND_SOURCES if w in t.title]       # 一般公共预算拨款 spent: 一般公共预算支出表
    out += [label for label, e in _labels_by_table(cat).get(table_id, ())
            if not group or any(r.table == table_id and t.rows[r.row].group in ("", group) for r in e.refs)]
    return out


_CACHE: dict[tuple[str, str, str], tuple[Catalog, object]] = {}


def _cached(name: str, cat: Catalog, build):
    """Per-catalog derived data (catalog_for builds one catalog per document)."""
    key = (name, cat.doc.doc_id, cat.doc.sha256)
    hit = _CACHE.get(key)
    if hit is None or hit[0] is not cat:
        hit = _CACHE[key] = (cat, build(cat))
    return hit[1]


def _labels_by_table(cat: Catalog) -> dict[str, tuple[tuple[str, object], ...]]:
    return _cached("by_table", cat, _build_labels_by_table)


def _build_labels_by_table(cat: Catalog) -> dict[str, tuple[tuple[str, object], ...]]:
    """Whole-table concept labels (kind table/title) of each table: "一般公共预算基本支出" → 表6."""
    out: dict[str, list] = {}
    for label, e in cat.entries.items():
        if e.kind in ("table", "title"):
            for ref in e.refs:
                out.setdefault(ref.table, []).append((label, e))
    return {k: tuple(v) for k, v in out.items()}


def _labels_by_cell(cat: Catalog) -> dict[tuple[str, int, int], tuple[str, ...]]:
    return _cached("by_cell", cat, _build_labels_by_cell)


def _build_labels_by_cell(cat: Catalog) -> dict[tuple[str, int, int], tuple[str, ...]]:
    """Every catalog label that points at a cell (or at its row)."""
    out: dict[tuple[str, int, int], list[str]] = {}
    for label, e in cat.entries.items():
        for ref in e.refs:
            out.setdefault((ref.table, ref.row, ref.column), []).append(label)
    return {k: tuple(v) for k, v in out.items()}


def cell_vocabulary(cat: Catalog, ref: CellRef) -> list[str]:
    """The words that name a cell: its row (and the rows it is part of), its column's header path,
    its table, and the catalog's aliases for it."""
    t = cat.doc.table(ref.table)
    row = t.rows[ref.row]
    words = [row.name, row.project, row.code, row.label, row.group]
    parent = row.parent
    while 0 <= parent < len(t.rows):
        words += [t.rows[parent].name, t.rows[parent].code]
        parent = t.rows[parent].parent
    if 0 <= ref.column < len(t.columns):
        words += [p for p in t.columns[ref.column].split("/") if p]
        if "转移支付" not in t.columns[ref.column] and any("转移支付" in c for c in t.columns):
            words.append("本级")        # the unit's own level's fund, beside the 上级…转移支付 column
    by_cell = _labels_by_cell(cat)
    words += by_cell.get((ref.table, ref.row, ref.column), ())
    words += by_cell.get((ref.table, ref.row, 0), ())
    words += _table_words(cat, ref.table, row.group)
    return [w for w in words if w]


def reading_vocabulary(cat: Catalog, result: Result) -> list[str]:
    words: list[str] = []
    cells = list(result.cited_cells) + [c for f in result.figures for c in f.cells]
    for ref in dict.fromkeys(cells):
        words += cell_vocabulary(cat, ref)
    used = set(cells)
    for item in result.plan.items:              # the concept a whole-table figure was asked by
        if item.kind in ("table", "title", "column") and used & set(item.refs):
            words.append(item.label.split("·")[0].split("（")[0])
    for k in dict.fromkeys(list(result.cited_sections) + [s for f in result.figures for s in f.sections]):
        if 0 <= k < len(cat.doc.sections):
            s = cat.doc.sections[k]
            words += [s.text, *s.path]
    if result.quote:
        words.append(result.quote)
    words += [f.label for f in result.figures]
    words.append(cat.doc.org)                   # 普陀 and 街道 of the unit's own name
    return words


# ── marking the question ─────────────────────────────────────────────────────────────────────────

def _mark_found(text: str, mask: list[bool], vocab: list[str], min_len: int = MIN_WORD) -> None:
    """Mark every stretch of ``text`` (at least ``min_len`` characters) that occurs in a vocabulary
    string; longest stretches first from each position."""
    joined = "\u0001".join(vocab)
    n = len(text)
    i = 0
    while i < n:
        best = 0
        for j in range(n, i + min_len - 1, -1):
            piece = text[i:j]
            if not CJK.search(piece) and not piece.isdigit():
                continue
            if piece in joined:
                best = j - i
                break
        if best:
            for k in range(i, i + best):
                mask[k] = True
            i += 1
        else:
            i += 1


def _mark_words(text: str, mask: list[bool], words) -> None:
    for w in sorted(set(words), key=len, reverse=True):
        if not w:
            continue
        start = text.find(w)
        while start >= 0:
            if not all(mask[start:start + len(w)]):
                for k in range(start, start + len(w)):
                    mask[k] = True
            start = text.find(w, start + len(w))


def _mark_pattern(text: str, mask: list[bool], pattern: re.Pattern) -> None:
    for m in pattern.finditer(text):
        for k in range(m.start(), m.end()):
            mask[k] = True


def runs(text: str, vocab: list[str], op: str, extra_words=()) -> list[str]:
    """The stretches of ``text`` (CJK, at least MIN_WORD long) that neither the vocabulary, the
    operation's words, years, units, counting words nor punctuation account for (filler kept)."""
    mask = [False] * len(text)
    _mark_found(text, mask, [re.sub(r"\s", "", v) for v in vocab])
    _mark_words(text, mask, words_of(op))
    _mark_words(text, mask, extra_words)
    _mark_pattern(text, mask, YEAR_WORD)
    _mark_pattern(text, mask, NOISE)
    _mark_pattern(text, mask, COUNTING)
    _mark_pattern(text, mask, APPROX_AMOUNT)
    _mark_words(text, mask, AMOUNT_UNITS)
    _mark_restated(text, mask)
    for w in WHOLE_WORDS:        # 本级 is not explained by 上级一般… and 级一般 of another label
        if w in text and not any(w in v for v in vocab):
            for m in re.finditer(w, text):
                mask[m.start():m.end()] = [False] * len(w)
    rest = "".join(" " if m else ch for ch, m in zip(text, mask))
    return [w for w in CJK.findall(rest) if len(w) >= MIN_WORD]


# Words a reading accounts for only by saying them whole: 本级 and 上级 (not 级 of another label), and
# the social insurance funds (社会保险基金 is a budget of its own, not 政府性基金 beside 养老保险缴费)
WHOLE_WORDS = ("本级", "上级", "保险基金", "社保基金", "医保基金")


RESTATED = re.compile(r"([\u4e00-\u9fff]{2,12})(?:这一项|这项|这个科目)?[（(]((?:[^（）()]|[（(][^（）()]{1,6}[)）]){2,30})[)）]")


def _mark_restated(text: str, mask: list[bool]) -> None:
    """"社保经办机构这一项（社会保险经办机构）": a name restated in brackets is explained when
    the brackets are."""
    for m in RESTATED.finditer(text):
        inner = range(m.start(2), m.end(2))
        if all(mask[k] or not CJK.match(text[k]) for k in inner):
            for k in range(m.start(1), m.end(1)):
                mask[k] = True


def without_filler(word: str) -> list[str]:
    """What is left of ``word`` once filler is taken out (runs of at least MIN_WORD): filler words,
    and the joining characters that stand as words of their own (还是 → 还是; 在编 stays)."""
    mask = [False] * len(word)
    _mark_words(word, mask, FILLER_SET)
    for _, start, end in word_spans(word):
        if all(ch in SINGLE_FILLER for ch in word[start:end]):      # 是, 还, 列是: joining words
            for k in range(start, end):
                mask[k] = True
    rest = "".join(" " if m else ch for ch, m in zip(word, mask))
    return [w for w in CJK.findall(rest) if len(w) >= MIN_WORD]


def _document_labels(cat: Catalog) -> tuple[str, ...]:
    return _cached("labels", cat, _build_document_labels)


def _build_document_labels(cat: Catalog) -> tuple[str, ...]:
    """The names a question can use for something in the document: catalog labels and header
    parts, longest first, filler words excluded (预算, 经费 … name nothing on their own)."""
    labels = {lab for lab, e in cat.entries.items() if not lab.isdigit()}
    for t in cat.doc.tables:
        labels |= {p for c in t.columns for p in c.split("/")}
    labels = {lab for lab in labels if len(lab) >= MIN_WORD and lab not in FILLER_SET}
    return tuple(sorted(labels, key=len, reverse=True))


def named_in(cat: Catalog, word: str) -> list[str]:
    """The document's names that ``word`` contains (longest first, not overlapping)."""
    out, rest = [], word
    for lab in _document_labels(cat):
        if lab in rest:
            out.append(lab)
            rest = rest.replace(lab, "\u0001")
    return out


def check(text: str, result: Result, cat: Catalog, extra_words=()) -> Coverage:
    """How far the reading behind ``result`` accounts for ``text`` (a normalised question part)."""
    op = result.extra.get("as", result.plan.op) if result.extra else result.plan.op
    vocab = reading_vocabulary(cat, result)
    left = runs(text, vocab, op, extra_words)
    named = tuple(lab for w in left for lab in named_in(cat, w))
    if not (result.quote or result.cited_sections):       # a narrative sentence words things its own way
        named += tuple(lab for lab in _pieced(text, cat, vocab, op, extra_words) if lab not in named)
    unknown = tuple(u for w in left for u in without_filler(w))
    missing = tuple(sorted(o for o in ops_named(text) if o != op and op not in _answers(o)))
    return Coverage(unknown, named, missing)


def _pieced(text: str, cat: Catalog, vocab: list[str], op: str, extra_words=()) -> list[str]:
    """The document's names in ``text`` that the reading explains only piece by piece: 基本工资
    read as 工资福利支出 of the 基本支出 table (基本 from one label, 工资 from another) is another
    row's name, not explained. A name is explained when one vocabulary string contains it whole."""
    said = [re.sub(r"\s", "", v) for v in vocab] + [w for w in extra_words if w] + list(words_of(op))
    return [lab for lab in named_in(cat, text) if not any(lab in v for v in said)]


def _answers(op: str) -> tuple[str, ...]:
    """The operations that answer a question naming ``op``'s strong words."""
    return {"diff": ("diff", "compare", "yoy", "prior"), "per_month": ("per_month", "per_person", "fact"),
            "rank": ("rank", "list"), "why": ("why", "yoy"), "sum": ("sum", "list"), "share": ("share", "yoy"),
            "per_person": ("per_person", "fact")}.get(op, (op,))
