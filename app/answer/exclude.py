"""Exclusions: "三公经费（不含会议费培训费）", "会议费（不算三公）", "上级转移支付那部分不算".

The excluded words are taken out of the question before it is read (they name what the answer
must not contain, not what it is), and checked against the reading afterwards:
- the figure read does not contain what is excluded (会议费 is no part of the “三公”经费 小计): the
  figure is the answer, and the reading says so;
- it contains it as a part (the 合计 column beside the excluded column, a row above the excluded
  row): the answer is the figure less the part, computed and cited;
- it is the excluded thing itself, or the document does not show the excluded thing apart from a
  total that would contain it: not answered (the question cannot be read from the tables).

    text, excluded = split_exclusions("三公经费（不含会议费培训费）是多少")
    result = honour(result, excluded, catalog)

A figure the question says it does not mean ("基本支出表里的公务接待费，不是三公表里那个数", "（不是部门总的
项目支出）") is taken out the same way and checked afterwards: the reading must not be the table or
the row that the negated words name and the rest of the question does not.

    text, negated = split_negations(text)
    result = avoid(result, negated, text, catalog)
"""
from __future__ import annotations

import re
from dataclasses import replace

from app.answer.catalog import TOTAL_WORDS, Catalog, CellRef, contains, total_column
from app.answer.coverage import named_in
from app.answer.execute import execute
from app.answer.figures import Result
from app.answer.linking import Item
from app.answer.normalize import apply_synonyms
from app.answer.scope import in_order

NAME = r"(?![多少高低大小贵])[\u4e00-\u9fff“”、]{2,24}?"
END = r"(?:以外|之外|在内|外|(?:那部分|这部分|部分|那块|这块|的话)?(?=$|[，。？！；,.?!;）)]|的))"
BEFORE = re.compile(rf"(?:(?<!包)不包含|(?<!包)不包括|(?<!含)不含|(?<!算)不算上?|(?<!计)不计入?|(?<!要)不要|(?<![扣剔刨减去])除了?)"
                    rf"(?P<x>{NAME}){END}")
AFTER = re.compile(rf"(?:^|(?<=[，。？！；,.?!;（(]))(?P<x>{NAME})的?(?:那部分|这部分|部分|那块|这块)?"
                   rf"(?:不算|不含|不计|除外|不要|不包括在内)(?=$|[，。？！；,.?!;）)])")

REST = re.compile(r"[\s，,]*(?:其余|其他|剩下|剩余)的?(?:各|几|那几|这几|那些|所有)?(?:类|项|部分|个|块)?(?:科目|支出)?的?"
                  r"(?:加起来|加在一起|加一块|合起来|一共|总共|合计|总计)")


def split_exclusions(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` without its exclusion phrases, and the excluded names."""
    excluded: list[str] = []

    def take(m: re.Match) -> str:
        excluded.append(m.group("x").strip("“”、"))
        return " "

    out = BEFORE.sub(take, text)
    out = AFTER.sub(take, out)
    out = re.sub(r"[（(]\s*[)）]", " ", out)
    if excluded:                 # "除了X以外，其余各类加起来": the total, less X
        out = REST.sub("总计", out)
    return out, tuple(x for x in excluded if x)


NEGATED = re.compile(r"(?:我?(?:说|问|指|要)的)?(?:(?<![是还])不是|并非|而非)(?P<x>[^，。？！；,.?!;（）()]{2,30})"
                     r"(?=$|[，。？！；,.?!;（）()])")
GENERIC = ("预算", "支出", "经费", "表里", "那张", "那个", "这个", "金额", "单位", "部门")


def split_negations(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` without what it says it does not mean, and those words."""
    negated: list[str] = []

    def take(m: re.Match) -> str:
        negated.append(m.group("x"))
        return " "

    out = NEGATED.sub(take, text)
    out = re.sub(r"[（(]\s*[)）]", " ", out)
    return (out, tuple(negated)) if out.strip(" ，。？！,.?!") else (text, ())


def avoid(result: Result, negated: tuple[str, ...], text: str, cat: Catalog) -> Result:
    """``result`` unless it reads what the question says it does not mean: a table whose title has
    words of the negated phrase that the rest of the question does not use, or a row or column
    the negated phrase names and the rest does not."""
    if not negated or result.status != "answered" or not result.cited_cells:
        return result
    asked = set(named_in(cat, text))
    read = list(dict.fromkeys(f.cells[0] for f in result.figures if f.cells)) or result.cited_cells[:1]
    for phrase in negated:
        names = [n for n in named_in(cat, phrase) if n not in asked and n not in text]
        for ref in read:
            t = cat.doc.table(ref.table)
            labels = {t.rows[ref.row].label, *t.columns[ref.column].split("/")}
            title_words = [w for w in _shared(phrase, t.title) if w not in text]
            if title_words or any(n in labels for n in names):
                said = "、".join(title_words or names)
                return replace(result, status="clarify", figures=[],
                               reason=f"问题说不是“{phrase}”，而能读到的数正是{t.id}《{t.title}》里的（{said}）。")
    result.notes.append(f"所给的数不是“{negated[0]}”。")
    return result


def _shared(phrase: str, title: str) -> list[str]:
    """Words of two or more characters that ``phrase`` shares with a table's title (generic words
    such as 预算, 支出 left out)."""
    clean = re.sub(r"[“”\"]", "", phrase)
    out = []
    for n in (4, 3, 2):
        for i in range(len(clean) - n + 1):
            w = clean[i:i + n]
            if w in title and w not in GENERIC and not any(w in o for o in out):
                out.append(w)
    return out


def honour(result: Result, excluded: tuple[str, ...], cat: Catalog) -> Result:
    """``result`` checked against what the question excludes (see the module's docstring)."""
    if not excluded or result.status != "answered":
        return result
    if not result.cited_cells:           # a narrative figure: what it contains cannot be checked
        return _refused(result, f"问题要求不含{'、'.join(f'“{w}”' for w in excluded)}，"
                                f"而这个数只见于情况说明，看不出是否包含它，无法扣除。")
    lookup = result.plan.op in ("lookup", "multi") and len(result.plan.items) <= 1
    first = result.cited_cells[0]
    read = [first] if lookup else list(dict.fromkeys(f.cells[0] for f in result.figures if f.cells))
    whole, parts = None, []
    for word in excluded:
        names = named_in(cat, word) or abbreviated(cat, word)
        if not names:
            result.notes.append(f"文档中没有单独列出“{word}”；所给的数不含它。")
            continue
        for name in names:
            for cited in read:
                how, at, part = _placed(cat, cited, name)
                if how == "is":
                    return _refused(result, f"问题要求不含“{name}”，而所读的数就是“{name}”。")
                if how == "unknown" and _is_total(cat, cited):
                    t = cat.doc.table(cited.table)
                    return _refused(result, f"{t.id}《{t.title}》没有单独列出“{name}”，"
                                            f"看不出所读的数是否包含它，无法扣除。")
                if how != "inside":
                    continue
                if not lookup or whole not in (None, at):   # one figure is taken apart
                    return _refused(result, f"问题要求不含“{name}”，这个计算里的数包含它，无法扣除后再算。")
                whole = at
                parts.append((name, part))
    if whole is None:
        result.notes.append(f"所给的数不含{'、'.join(f'“{w}”' for w in excluded)}。")
        return result
    label = result.figures[0].label if result.figures else cat.doc.table(whole.table).rows[whole.row].label
    items = (Item(label, (whole,), "column"),) + tuple(Item(n, (c,), "column") for n, c in dict.fromkeys(parts))
    return execute(replace(result.plan, op="exclude", items=items), cat)


INCLUDED = re.compile(rf"(?:连同|连)(?P<x>{NAME})(?:一起|一块|都)(?:算|计算|算上|算进去)?|"
                      rf"(?:含|包括|包含)(?P<y>{NAME})在内|(?P<z>{NAME})也(?:算上|算进去|算在内|要算)")


def split_inclusions(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` without "连上年结转一起算", "含X在内", "X也算上", and the names it says are included."""
    included: list[str] = []

    def take(m: re.Match) -> str:
        included.append((m.group("x") or m.group("y") or m.group("z")).strip("“”、"))
        return " "

    return INCLUDED.sub(take, text), tuple(x for x in included if x)


def include(result: Result, included: tuple[str, ...], cat: Catalog) -> Result:
    """``result`` when its figure contains what the question says to include (a total column beside
    the part's column, a row above the part's row); asked back when it does not or cannot be seen."""
    if not included or result.status != "answered" or not result.cited_cells:
        return result
    names = {w: named_in(cat, apply_synonyms(w, cat.labels())) or abbreviated(cat, w) for w in included}

    def holds(ref: CellRef) -> bool:
        t = cat.doc.table(ref.table)
        total = ref.column == 0 or total_column(t, ref.column)
        return all(any(_placed(cat, ref, n)[0] == "inside" for n in ns)
                   # a row's total beside columns of that kind (上年结转: 财政拨款结转, 非财政拨款结转结余)
                   or (total and any(w[-2:] in col for col in t.columns[1:]))
                   for w, ns in names.items())
    lookup = result.plan.op == "lookup" and len(result.plan.items) == 1
    if not holds(result.cited_cells[0]):
        other = next((r for r in result.plan.items[0].refs if holds(r)), None) if lookup else None
        if other is None:
            return replace(result, status="clarify", figures=[],
                           reason=f"看不出所读的数是否包含{'、'.join(f'“{w}”' for w in included)}。")
        item = result.plan.items[0]       # the same item in a table whose total holds the part (表2 总计)
        t = cat.doc.table(other.table)
        whole = CellRef(other.table, other.row, next((c for c, col in enumerate(t.columns) if col in TOTAL_WORDS), 0))
        result = execute(replace(result.plan, items=(Item(item.label, (whole,), "row"),)), cat)
    result.notes.append(f"所给的数包含{'、'.join(f'“{w}”' for w in included)}。")
    return result


SUBTRACT = re.compile(r"扣除|扣掉|扣去|减去|减掉|除去|去掉|刨去|刨除")


def subtract_part(result: Result, text: str, cat: Catalog) -> Result:
    """"城乡社区支出扣掉基本支出以后还剩多少": what is taken away is the part of the first figure's own
    row under the column named (城乡社区支出's 基本支出), not that column's figure in another row (the
    table's total 基本支出)."""
    if result.status != "answered" or result.plan.op != "diff" or not SUBTRACT.search(text) \
            or len(result.figures) < 2 or not (result.figures[0].cells and result.figures[1].cells):
        return result
    whole, taken = result.figures[0].cells[0], result.figures[1].cells[0]
    if taken.table != whole.table or taken.row == whole.row:
        return result
    t = cat.doc.table(taken.table)
    name = next((p for p in reversed(t.columns[taken.column].split("/")) if p not in TOTAL_WORDS), "")
    own = [c for c in _columns_named(cat, whole, name) if c != whole] if name else []
    if len(own) != 1:
        return result
    items = (result.plan.items[0], Item(name, (own[0],), "column"))
    return execute(replace(result.plan, items=items), cat)


def abbreviated(cat: Catalog, word: str) -> list[str]:
    """Column names ``word`` shortens, its characters in order ("上级转移支付" of
    “上级一般公共预算安排的转移支付”), when only one name fits."""
    heads = {p for t in cat.doc.tables for c in t.columns for p in c.split("/")}
    fits = [h for h in heads if len(h) <= 3 * len(word) and in_order(word, h)]
    return fits if len(fits) == 1 else []



def _placed(cat: Catalog, cited: CellRef, name: str) -> tuple[str, CellRef | None, CellRef | None]:
    """Where ``name`` stands to the figure of ``cited``: "is" it, "inside" it (with the cell holding
    the same figure in a table that shows the part, and the part's cell), "apart" from it, or
    "unknown" (no table shows both)."""
    for at in [cited] + _mirrors(cat, cited, name):
        cells = _cells_named(cat, at, name)
        if not cells:
            continue
        if at in cells:
            return "is", at, None
        inside = next((c for c in cells if contains(cat, at, c)), None)
        return ("inside", at, inside) if inside is not None else ("apart", at, None)
    return "unknown", None, None


def _mirrors(cat: Catalog, cited: CellRef, name: str) -> list[CellRef]:
    """Cells with ``cited``'s figure in the other tables that name ``name`` (基本支出 291.73 of the
    支出总表 is the 合计 of the 基本支出 table, whose columns show 人员经费)."""
    value = cat.value(cited)
    tables = {r.table for r in cat.entries[name].refs} if name in cat.entries else set()
    tables |= {t.id for t in cat.doc.tables if any(name in c for c in t.columns)}
    out = []
    for t in cat.doc.tables:
        if t.id in tables and t.id != cited.table and t.unit == cat.doc.table(cited.table).unit:
            out += [CellRef(t.id, r, c) for r, row in enumerate(t.rows) for c, v in enumerate(row.values)
                    if v is not None and v == value]
    return out


def _cells_named(cat: Catalog, at: CellRef, name: str) -> list[CellRef]:
    """The cells ``name`` names in ``at``'s table: its catalog entry's, rows whose label contains
    it (in ``at``'s column), and those of ``at``'s row under a column whose header names it."""
    t = cat.doc.table(at.table)
    cells = [r for r in cat.entries[name].refs if r.table == at.table] if name in cat.entries else []
    cells += [CellRef(t.id, r, at.column) for r, row in enumerate(t.rows) if row.label and name in row.label]
    return list(dict.fromkeys(cells + _columns_named(cat, at, name)))


def _refused(result: Result, reason: str) -> Result:
    return replace(result, status="refused", figures=[], reason=reason)


def _columns_named(cat: Catalog, at: CellRef, name: str) -> list[CellRef]:
    """The cells of ``at``'s row under a column whose header names ``name``."""
    t = cat.doc.table(at.table)
    return [CellRef(t.id, at.row, c) for c, col in enumerate(t.columns) if name in col.split("/")[-1]
            or name in col.split("/")[:-1] and col.split("/")[-1] in TOTAL_WORDS]


def _is_total(cat: Catalog, ref: CellRef) -> bool:
    t = cat.doc.table(ref.table)
    row = t.rows[ref.row]
    if any(w in row.label for w in TOTAL_WORDS) or any(r.parent == ref.row for r in t.rows):
        return True
    return total_column(t, ref.column) and len(t.columns) > 1
