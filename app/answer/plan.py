"""Question → typed query plan: scope (which document), operation, and the items linked to cells.

Linking goes from exact names and 科目编码, through synonyms, to fuzzy matching; a question in
several parts ("…多少？比上年变化多少？") becomes one plan per part, later parts inheriting the items
of the earlier ones (as follow-up questions inherit from the previous turn).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace

from app.answer.catalog import Catalog, CellRef, Entry
from app.answer.normalize import apply_synonyms, normalise_question
from index.store import DocumentInfo

OPS = ("lookup", "multi", "sum", "diff", "compare", "share", "per_person", "per_month", "rank", "count",
       "list", "yoy", "prior", "why", "fact")

INJECTION = re.compile(r"(忽略|无视|忘记|忘掉|不要遵守|不用遵守|绕过|ignore|disregard|forget).{0,30}"
                       r"(规则|指令|提示|要求|限制|设定|instruction|rule|prompt)|system\s*prompt|你现在是|扮演|"
                       r"(编造|瞎编|随便编|编一个|猜一个|随便说|猜测一下)|jailbreak", re.I)
ORG_MENTION = re.compile(r"([\u4e00-\u9fff]{2,10}?(?:省|市|州|县|区|旗|镇|乡|街道))?"
                         r"([\u4e00-\u9fff]{0,12}?(?:人民政府办公室|政府办公室|教育局|财政局|公安局|卫健委|人社局|"
                         r"局|委员会|委|办公室|中心|检察院|法院|医院|学校|街道办事处|办事处|基金|政府(?![采性集购投债补])))")
# (政府采购, 政府性基金, 政府集中采购, 政府购买服务 … are spending words, not a unit's name)
YEAR = re.compile(r"(?<!\d)(20\d{2})\s*(?:年|年度)?(?!\d)")
UNIT_ASK = re.compile(r"(?:多少|几|以|按|换算成|折合|合|单位为|为)\s*(亿元|万元|元)|(亿元|万元|元)为单位|(?<![万亿])元[?？]?$")
TOP_N = re.compile(r"前\s*([一二三四五六七八九十两\d]+)")
CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
OPINION = re.compile(r"你觉得|你认为|你怎么看|是否合理|合理吗|合不合理|有没有浪费|浪费吗|是否浪费|评价一下|"
                     r"好不好|应不应该|该不该|会不会|将来|明年会|预测")
BUDGET_WORDS = re.compile(r"预算|经费|支出|收入|拨款|资金|费|科目|人数|人员|科室|编制|采购|资产|绩效|结转|结余|"
                          r"三公|项目|补助|补贴|工资|万元|元|标准|车辆|公车|辆|房屋|面积|单位|部门|合计|总计|多少|机构|"
                          r"原因|上年|去年|增加|减少|增长|下降|比例|占比|人均|金额|数额|钱|花|开支|开销|在职|退休|职工|budget|\d")


@dataclass(frozen=True)
class Item:
    label: str                     # the catalog label linked to
    refs: tuple[CellRef, ...]      # candidate cells, primary first
    kind: str = "row"              # table | column | row | project | code | fuzzy | search
    span: tuple[int, int] = (-1, -1)  # where the question names it (for qualifiers)


@dataclass(frozen=True)
class Plan:
    op: str
    doc_id: str | None
    items: tuple[Item, ...] = ()
    unit: str | None = None        # requested unit: 元 | 万元 | 亿元
    top: int = 1
    ascending: bool = False
    headcount: str = "在职"        # per person: which head count
    monthly: bool = False          # per person and per month
    times: bool = False            # share asked as a multiple ("是…的几倍")
    words: str = ""                # the question words, for narrative facts and reasons
    status: str = "answered"       # answered | refused | clarify
    reason: str = ""
    candidates: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    confident: bool = True
    inherited: bool = False        # the operation comes from the previous turn
    text: str = ""                 # the normalised question (part)


@dataclass
class Context:
    """What a follow-up question may inherit."""
    doc_id: str | None = None
    items: tuple[Item, ...] = ()
    op: str | None = None
    history: list[Plan] = field(default_factory=list)


ASKING = re.compile(r"多少|几|是否|哪|什么|吗|呢")


def split_parts(question: str) -> list[str]:
    """Parts asked one by one: at ？ and ；, and at a comma when every side asks something
    ("有多少个项目编报了绩效目标，涉及多少资金")."""
    parts = []
    for part in re.split(r"[？?；;]+", question):
        pieces = [x.strip() for x in re.split(r"[，,]", part)]
        listing = any(re.fullmatch(r"(?:各|分别|各自)(?:是|为)?多少(?:钱|万元|元)?", x) for x in pieces)
        parts += pieces if len(pieces) > 1 and not listing and all(ASKING.search(x) for x in pieces) else [part.strip()]
    parts = [p for p in parts if p]
    return parts or [question.strip()]


# ── scope ────────────────────────────────────────────────────────────────────────────────────────

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


def resolve_scope(q: str, docs: list[DocumentInfo], requested: str | None, ctx: Context) -> tuple[str | None, Plan | None]:
    """The document a question is about, or a refusal/clarification plan."""
    if requested:
        if requested not in {d.doc_id for d in docs}:
            return None, Plan("lookup", None, status="refused",
                              reason=f"没有编号为 {requested} 的文档（已导入：{'、'.join(d.doc_id for d in docs) or '无'}）。")
        pool = [d for d in docs if d.doc_id == requested]
    else:
        pool = docs
    if not docs:
        return None, Plan("lookup", None, status="refused", reason="还没有导入任何预算文档。")
    mentioned = [d for d in pool if org_mention(q, d, docs)]
    unknown = _unknown_unit(q, docs) if not mentioned else ""
    if unknown:
        return None, Plan("lookup", None, status="refused",
                          reason=f"已导入的文档中没有“{unknown}”的预算；已有：{'、'.join(d.label for d in docs)}。")
    years = {int(y) for y in YEAR.findall(q)}
    if mentioned:
        pool = mentioned
    elif not requested:
        if ctx.doc_id and ctx.doc_id in {d.doc_id for d in docs}:
            pool = [d for d in docs if d.doc_id == ctx.doc_id]
    scoped = [d for d in pool if f"{d.scope}预算" in q or f"{d.scope}决算" in q]
    if scoped and len(scoped) < len(pool):
        pool = scoped               # "…的部门预算" / "单位预算中…": one org may publish both
    if years and len(pool) > 1:
        by_year = [d for d in pool if d.year in years]
        if by_year:
            pool = by_year
    if len(pool) == 1:
        return pool[0].doc_id, None
    return None, Plan("lookup", None, status="clarify", candidates=tuple(d.doc_id for d in pool),
                      reason="请问您问的是哪一份文档？")


# ── linking ──────────────────────────────────────────────────────────────────────────────────────

def link_items(q: str, catalog: Catalog) -> tuple[list[Item], str]:
    """Items named in ``q`` (longest names first, no overlaps), and ``q`` with them blanked out."""
    text = apply_synonyms(q, catalog.labels())
    taken = [False] * len(text)
    found: list[tuple[int, Item]] = []
    for label in sorted(catalog.entries, key=len, reverse=True):
        if label.isdigit() and len(label) != 7 and len(label) != 5 and len(label) != 3:
            continue
        start = text.find(label)
        while start >= 0:
            end = start + len(label)
            if label.isdigit() and ((start > 0 and text[start - 1].isdigit()) or
                                    (end < len(text) and text[end].isdigit())):
                start = text.find(label, end)
                continue
            if not any(taken[start:end]):
                for i in range(start, end):
                    taken[i] = True
                e = catalog.entries[label]
                found.append((start, Item(label, e.refs, e.kind, (start, end))))
                break
            start = text.find(label, end)
    found.sort(key=lambda x: x[0])
    rest = "".join("　" if t else ch for ch, t in zip(text, taken))
    return [item for _, item in found], rest.replace("　", " ")


def fuzzy_items(q: str, catalog: Catalog, cutoff: float = 0.8) -> list[Item]:
    """Names close to a stretch of the question (typos, a missing or extra character)."""
    text = re.sub(r"[\s，。？?！!、：:]", "", q)
    best: tuple[float, str] | None = None
    for label, e in catalog.entries.items():
        if len(label) < 4 or label.isdigit():
            continue
        n = len(label)
        for size in (n - 1, n, n + 1):
            if size > len(text) + 1:
                size = len(text)
            for i in range(0, max(len(text) - size + 1, 1)):
                window = text[i:i + size]
                if not window:
                    continue
                r = difflib.SequenceMatcher(None, window, label).ratio()
                if r >= cutoff and (best is None or r > best[0] or (r == best[0] and n > len(best[1]))):
                    best = (r, label)
    if best is None:
        return []
    e = catalog.entries[best[1]]
    return [Item(best[1], e.refs, "fuzzy")]


def search_items(q: str, catalog: Catalog, search) -> list[Item]:
    """The hybrid search's top table row, when the lexical and the dense side both rank it near the
    top (either alone confuses near-identical names, so one signal is not enough)."""
    try:
        hits = search(q, k=5, filters={"doc": catalog.doc.doc_id, "kind": "row"})
    except Exception:            # no index yet, or the Chroma server is down: rules only
        return []
    for h in hits[:1]:
        if h.dense_rank is None or h.lexical_rank is None or h.dense_rank > 2 or h.lexical_rank > 2:
            return []
        row = catalog.doc.table(h.table).rows[h.row_index]
        if row.name in ("合计", "总计"):
            return []
        entry = catalog.entries.get(row.project or row.name)
        refs = entry.refs if entry else (CellRef(h.table, h.row_index, 0),)
        return [Item(row.label, refs, "search")]
    return []


SCOPED_OPS = ("lookup", "multi", "sum", "yoy", "prior", "why", "per_person", "per_month", "list", "rank", "count")
SCOPE_KINDS = ("table", "column", "title")


def scope(items: list[Item], catalog: Catalog) -> list[Item]:
    """'一般公共预算中企业关闭破产补助', '企业改革补助的一般公共预算支出', '财政拨款支出中社会保障和就业支出':
    a whole-table or column word beside one row's name says which table (and column) the row is read
    from, instead of being a second item."""
    rows = [i for i in items if i.kind not in SCOPE_KINDS]
    scopes = [i for i in items if i.kind in SCOPE_KINDS]
    if not rows or not scopes or (len(rows) > 1 and not any(s.kind == "title" for s in scopes)):
        return items
    if len(rows) > 1:
        scopes = [s for s in scopes if s.kind == "title"]     # "表中A比B多多少": both read from that table
    narrowed_rows, used = [], []
    for row in rows:
        refs = list(row.refs)
        for sc in scopes:
            narrowed = _narrow(refs, sc, catalog)
            if narrowed:
                refs = narrowed
                if sc.label not in used:
                    used.append(sc.label)
        narrowed_rows.append((row, tuple(refs)))
    if not used:
        return items
    if len(rows) == 1:
        row, refs = narrowed_rows[0]
        out = [Item(f"{row.label}（{'·'.join(used)}）", refs, row.kind, row.span)]
    else:
        out = [Item(row.label, refs, row.kind, row.span) for row, refs in narrowed_rows]
    return out + [s for s in scopes if s.label not in used]


def _narrow(refs: list[CellRef], sc: Item, catalog: Catalog) -> list[CellRef]:
    doc = catalog.doc
    candidates = [sc]
    spending = catalog.entries.get(sc.label + "支出")
    if sc.kind == "column" and spending is not None and spending.kind == "table":
        candidates.insert(0, Item(spending.label, spending.refs, "table"))
    for cand in candidates:
        target = cand.refs[0]
        t = doc.table(target.table)
        if cand.kind in ("table", "title"):
            same = [CellRef(r.table, r.row, target.column if target.column else r.column)
                    for r in refs if r.table == target.table]
            if same:
                return same
        else:
            leaf = t.columns[target.column].split("/")[-1]
            out = []
            for r in refs:
                cols = [c for c, name in enumerate(doc.table(r.table).columns) if name.split("/")[-1] == leaf]
                if cols:
                    out.append(CellRef(r.table, r.row, cols[0]))
            if out:
                return out
    return []


def qualify(items: list[Item], catalog: Catalog, text: str = "") -> list[Item]:
    """'卫生健康支出的基本支出' → the 基本支出 cell of the 卫生健康支出 row (the column word right
    after the row's name, joined by nothing or 的/中的/里的)."""
    items = _under_parent(_merge_name_and_code(items, text), catalog, text)
    rows = [i for i in items if i.kind in ("row", "code", "project", "fuzzy")]
    cols = [i for i in items if i.kind == "column" and any(_adjacent(r, i, text) for r in rows)]
    if not rows or not cols:
        return items
    out = []
    used_cols = set()
    for item in items:
        if item in cols:
            continue
        if item in rows:
            for col in (c for c in cols if _adjacent(item, c, text)):
                refs = []
                for ref in item.refs:
                    t = catalog.doc.table(ref.table)
                    for c, name in enumerate(t.columns):
                        if name.split("/")[-1] == col.label:
                            refs.append(CellRef(ref.table, ref.row, c))
                            break
                if refs:
                    item = Item(f"{item.label}·{col.label}", tuple(refs), item.kind)
                    used_cols.add(col)
                    break
        out.append(item)
    out += [c for c in cols if c not in used_cols]
    return out


QUOTES_CLOSE, QUOTES_OPEN = "”\"」』’）)", "“\"「『‘"


def _adjacent(row: Item, col: Item, text: str) -> bool:
    """The column word right after the row's name: joined by nothing or 的/中的/里的, quotes and a
    科目编码 in brackets aside ("“行政运行”（2120101）的基本支出")."""
    if row.span[1] < 0 or col.span[0] < 0:
        return True
    between = text[row.span[1]:col.span[0]] if col.span[0] >= row.span[1] else None
    joint = rf"\s*[{QUOTES_CLOSE}]?\s*(?:[（(]\d{{3,7}}[)）])?\s*(的|中的|里的|之|中|里)?\s*[{QUOTES_OPEN}]?\s*"
    return between is not None and bool(re.fullmatch(joint, between))


def _joined_concepts(items: list[Item], catalog: Catalog, text: str) -> list[Item]:
    """"一般公共预算安排了哪几个项目支出": two words a few characters apart that together name a table
    (一般公共预算项目支出) mean that table."""
    out: list[Item] = []
    for item in items:
        prev = out[-1] if out else None
        joined = catalog.entries.get(prev.label + item.label) if prev is not None else None
        gap = text[prev.span[1]:item.span[0]] if prev is not None and 0 <= prev.span[1] <= item.span[0] else None
        if joined is not None and joined.kind == "table" and gap is not None and len(gap) <= 8 \
                and not re.search(r"[和与及、比跟]|加", gap):
            out[-1] = Item(joined.label, joined.refs, joined.kind, (prev.span[0], item.span[1]))
            continue
        out.append(item)
    return out


def _one_row_two_tables(items: list[Item], catalog: Catalog) -> list[Item]:
    """"X在单位支出总体情况表和一般公共预算支出情况表里相差多少": one row read in each named table."""
    rows = [i for i in items if i.kind not in ("table", "title")]
    tables = [i for i in items if i.kind == "title"]
    if len(rows) != 1 or len(tables) != 2:
        return items
    out = []
    for t in tables:
        refs = _narrow(list(rows[0].refs), t, catalog)
        if not refs:
            return items
        out.append(Item(f"{rows[0].label}（{t.refs[0].table}）", tuple(refs), "column", rows[0].span))
    return out


def _container(items: list[Item], catalog: Catalog, text: str, need: int = 2) -> list[Item]:
    """"支出预算里基本支出比项目支出多多少", "整个支出预算里的项目支出比上年少了多少", "…add up to in
    the basic expenditure budget": a whole-table or column word followed by 里/中 (or after "in the")
    says where the other ``need`` or more items are read, and is not an item itself."""
    out = list(items)
    for sc in items:
        after = [i for i in items if i.span[0] > sc.span[1] >= 0 and i.kind not in ("table", "title")]
        before = [i for i in items if 0 <= i.span[1] < sc.span[0] and i.kind not in ("table", "title")]
        chinese = re.match(r"\s*(?:[\u4e00-\u9fff]{0,12}?(?:表|预算))?\s*(?:里的|中的|里|中|内|之中|当中)",
                           text[sc.span[1]:]) and len(after) >= need       # "…经济分类预算表中，"
        english = re.search(r"\bin (?:the )?(?:20\d\d\s*)?$", text[:max(sc.span[0], 0)]) and len(before + after) >= need
        before = before or after
        if sc.kind not in ("table", "title", "column") or not (chinese or english):
            continue
        after = after if chinese else before
        if sc.kind == "column":          # "基本支出中人员经费比公用经费多多少": both are parts of it
            out = [i for i in out if i is not sc]
            continue
        out = [i if i not in after else Item(i.label, tuple(_narrow(list(i.refs), sc, catalog)) or i.refs,
                                             i.kind, i.span) for i in out if i is not sc]
    return out


def _under_parent(items: list[Item], catalog: Catalog, text: str) -> list[Item]:
    """"城乡社区管理事务下“行政运行”", "检察（款）行政运行": a 类/款 name right before a row name says
    which of the rows so named is meant; it is no item of its own. So does a name sharing rows with
    the next one ("部门集中采购的物业管理服务": the row that is both)."""
    out: list[Item] = []
    for item in items:
        prev = out[-1] if out else None
        if prev is not None and prev.kind in ("row", "code") and item.kind in ("row", "code") \
                and prev.span[1] >= 0 and item.span[0] >= prev.span[1] \
                and re.fullmatch(rf"\s*(?:[（(][类款项][)）])?\s*(?:下的|下|中的|中|里的|里|的)?\s*[{QUOTES_OPEN}]?\s*",
                                 text[prev.span[1]:item.span[0]]):
            codes = {catalog.doc.table(r.table).rows[r.row].code for r in prev.refs} - {""}
            inside = tuple(r for r in item.refs if any(catalog.doc.table(r.table).rows[r.row].code.startswith(c)
                                                       and catalog.doc.table(r.table).rows[r.row].code != c
                                                       for c in codes))
            common = tuple(r for r in item.refs if r in set(prev.refs))    # 部门集中采购的物业管理服务
            if inside or common:
                label = item.label if inside else f"{prev.label}·{item.label}"
                out[-1] = Item(label, inside or common, item.kind, (prev.span[0], item.span[1]))
                continue
        out.append(item)
    return out


def _merge_name_and_code(items: list[Item], text: str) -> list[Item]:
    """"企业关闭破产补助（2080601）" or "2080601企业关闭破产补助": one row named twice, not two items."""
    out: list[Item] = []
    for item in items:
        prev = out[-1] if out else None
        if prev is not None and {prev.kind, item.kind} in ({"row", "code"}, {"project", "code"}) \
                and prev.span[1] >= 0 and item.span[0] >= prev.span[1] \
                and re.fullmatch(rf"\s*[（({QUOTES_CLOSE}]*\s*", text[prev.span[1]:item.span[0]]):
            code, name = (prev, item) if prev.kind == "code" else (item, prev)
            both = tuple(r for r in code.refs if (r.table, r.row) in {(n.table, n.row) for n in name.refs})
            if both:
                end = item.span[1] + (1 if text[item.span[1]:item.span[1] + 1] in "）)" else 0)
                out[-1] = Item(name.label, both, "code", (prev.span[0], end))
                continue
        out.append(item)
    return out


# ── operations ───────────────────────────────────────────────────────────────────────────────────

def detect_op(q: str, n_items: int) -> tuple[str, dict]:
    extra: dict = {}
    m = TOP_N.search(q) or re.search(r"(?:最多|最大|最高|最少|最低|最小)的?\s*([一二三四五六七八九十两\d]+)\s*[项个类笔]", q)
    if m:
        tok = m.group(1)
        extra["top"] = int(tok) if tok.isdigit() else CN_NUM.get(tok, 3)
    if re.search(r"最少|最低|最小|倒数", q):
        extra["ascending"] = True
    if re.search(r"原因|为什么|为何|怎么回事|缘由", q):
        return "why", extra
    change = re.search(r"比上年|较上年|同比|变化|增减|变动|增长|下降|增加了|减少了|增加多少|减少多少|增幅|降幅|涨|降了|"
                       r"(?:比|较)(?:去年|上一年).{0,6}(?:多了|少了|多还是少|差多少)", q)
    share = re.search(r"占(?![用有据])(.{0,20})(比例|比重|百分比|多少|几成|%)|占比|比例|比重|百分之", q)
    if re.search(r"上年(?!结转|结余)|去年|上一年|前一年|上个年度", q) and not change and not share:
        return "prior", extra
    if change:
        return "yoy", extra
    if re.search(r"占(?![用有据])(.{0,20})(比例|比重|百分比|多少|几成|%)|占比|比例|比重|百分之", q):
        return "share", extra
    if re.search(r"几倍|多少倍|倍数", q):
        extra["times"] = True
        return "share", extra
    if re.search(r"人均|每人|每个人|每名|每位|平均每个(?!月)|每个在职|每个退休|按.{0,6}人数", q):
        if re.search(r"每月|月均|每个月", q):
            extra["monthly"] = True
        if "退休" in q:
            extra["headcount"] = "退休"
        elif re.search(r"实有|编制", q):
            extra["headcount"] = "实有"
        return "per_person", extra
    if re.search(r"每月|月均|每个月|平均每月", q):
        return "per_month", extra
    if re.search(r"多多少|少多少|相差|差额|差多少|高多少|低多少|差距|大多少|小多少|多出|高出|少了多少|差几|多几|少几", q):
        return "diff", extra
    if re.search(r"哪个多|哪个少|哪个大|哪个高|哪个低|哪个更|谁多|谁高|谁少|哪一个多|哪个比较", q):
        return "compare", extra
    if re.search(r"最多|最大|最高|最少|最低|最小|排名|排序|前\s*[一二三四五六七八九十两\d]+|哪一项|哪项|哪个项目|哪一类", q):
        return "rank", extra
    if re.search(r"(?<!哪)(?:几个|几项(?!目)|几类)|多少个|多少项(?!目)|多少类|几名|几辆|多少辆", q):
        return "count", extra
    if re.search(r"哪些|哪几|哪两|哪三|包括什么|包含什么|有什么|列出|明细|构成|组成|结构|分布|各多少|各是多少|各有多少", q):
        return "list", extra
    if n_items >= 2 and re.search(r"一共|总共|合计|加起来|之和|共计|总和|合起来|加在一起|总额", q) and \
            re.search(r"[和与及加跟同、]|以及", q):    # "基本支出中的公用经费合计": one cell, not a sum
        return "sum", extra
    if n_items >= 2:
        return "multi", extra
    return "lookup", extra


PEOPLE = r"多少人|几人|人数|人有多少|人员有多少|几名|多少名"
FACT_HINT = re.compile(PEOPLE + r"|几个|多少个|科室|机构|车辆|几辆|多少辆|辆车|几家|多少家|房屋|面积|平方米|标准|发放|政府采购|采购|"
                       r"家具|资产|价值|设备|绩效|指标|目标|编制|在职|退休|离休|联系人|负责人|月/人|元/月")


def plan_part(question: str, q: str, catalog: Catalog, ctx: Context, first: bool, search=None) -> Plan:
    doc = catalog.doc
    items, rest = link_items(q, catalog)
    op, extra = detect_op(rest, len(items))
    years = [int(y) for y in YEAR.findall(rest)]
    other_years = [y for y in years if y != doc.year]
    fact_like = bool(FACT_HINT.search(rest))
    if doc.kind == "预算" and re.search(r"决算|实际支出|实际花了|实际执行|执行结果", q) and \
            not re.search(r"比.{0,8}执行数", q):
        return Plan(op, doc.doc_id, status="refused",
                    reason=f"文档是{doc.org}{doc.year}年{doc.kind}，没有决算（实际支出）数。")
    whole = catalog.entries.get("收支总预算")
    if not items and whole is not None and \
            re.fullmatch(r"[\s的]*(?:20\d\d\s*年度?)?\s*(?:一共|总共|全部|总|全年)?有?多少(?:钱的)?预算[\s？?。]*", rest):
        items = [Item(whole.label, whole.refs, whole.kind)]     # "（某单位）2025年一共有多少预算"
    if other_years:
        y = other_years[0]
        if y == doc.year - 1 and fact_like and re.search(r"截[至止]|年底|年末|月底|月末", rest):
            pass                       # "截至2023年8月底共有几辆车": the narrative's stated date
        elif y == doc.year - 1 and op in ("lookup", "prior"):
            op = "prior"
        elif not (y == doc.year - 1 and op in ("yoy", "why")):
            return Plan(op, doc.doc_id, status="refused",
                        reason=f"文档是{doc.org}{doc.year}年{doc.kind}，没有{y}年的数据。")
    notes: tuple[str, ...] = ()
    if not items and op not in ("list", "rank", "count"):
        items = fuzzy_items(_core(rest), catalog)
    money = bool(re.search(r"钱|费|经费|金额|开支|开销|花了|多少元|万元", rest))
    counting = bool(re.search(PEOPLE + r"|几个|多少个|几辆|多少辆|面积|平方米|标准", rest))
    if (not items and (not fact_like or (money and not counting)) and search is not None and _core(rest)
            and not (ctx.items and _is_follow_up(q)) and not re.search(r"截[至止]", rest)):
        items = search_items(q, catalog, search)
        if items:
            notes = (f"问题中的说法按检索理解为“{items[0].label}”。",)
    text = apply_synonyms(q, catalog.labels())      # the wording the item spans refer to
    items = _joined_concepts(items, catalog, text)
    n_linked = len(items)
    items = qualify(items, catalog, text)
    if op in ("diff", "compare", "share", "sum", "multi"):
        items = _container(items, catalog, text)
    elif op in ("yoy", "prior", "why"):
        items = _container(items, catalog, text, need=1)
    if op in ("diff", "compare"):
        items = _one_row_two_tables(items, catalog)
    if op == "multi" and len(items) == 1 < n_linked:
        op = "lookup"                  # a name and its code, or a row and its column: one cell
    if op in SCOPED_OPS or (op in ("diff", "compare", "share") and any(i.kind == "title" for i in items)):
        scoped = scope(items, catalog)
        if len(scoped) < len(items) and op in ("multi", "sum"):
            op = "lookup" if len(scoped) == 1 else op
        items = scoped
    if re.search(r"标准", rest) and op in ("per_person", "per_month", "lookup"):
        op = "fact"                    # "每人每月的补助标准": a stated standard, not a division
    if op in ("list", "count") and not items and fact_like:
        op = "fact"                    # "下设哪些科室": the narrative lists them
    if op in ("lookup", "multi") and len([i for i in items if i.refs]) == 1 and re.search(r"分别|各项|各个|每项|每一项|明细|各多少|各是多少|哪几|哪两", rest):
        op = "list"
    if not items and ctx.items and not first or (not items and ctx.items and _is_follow_up(q)):
        items = list(ctx.items)
    inherited = False
    if ctx.op and _is_follow_up(q) and op == "lookup" and ctx.op in ("share", "yoy", "prior", "why", "per_person"):
        op, inherited = ctx.op, True
    unit = None
    um = UNIT_ASK.search(q)
    if um:
        unit = next(g for g in um.groups() if g) if any(um.groups()) else "元"
    words = re.sub(r"是多少|多少|是什么|有没有|请问|吗|呢|的|[？?。，,！!]", " ", rest).strip()
    if op in ("lookup", "count", "multi") and fact_like and not _table_unit_question(rest, items) \
            and not (items and items[0].kind == "search") and not (op == "count" and items):
        op = "fact"
    if op in ("per_person", "per_month") and not items:
        op = "fact"                    # "补助标准是每人每月多少钱": a stated standard, not a division
    return Plan(op, doc.doc_id, tuple(items), unit=unit, words=words, inherited=inherited,
                text=text, notes=notes, **extra)


def _core(text: str) -> str:
    """The question without its question words, for fuzzy matching."""
    return re.sub(r"是多少|有多少|多少钱|多少|是什么|预算数?|安排了|安排|的|是|有|为|吗|呢|[？?。，,！!\s]", "", text)


def _table_unit_question(q: str, items: list[Item]) -> bool:
    """A fact-like word, but the question is about an amount of a linked table item."""
    if not items:
        return False
    if re.search(PEOPLE + r"|几个|多少个|面积|平方米|几辆|标准|月/人|编制", q):
        return False
    return True


FOLLOW_UP = re.compile(r"^(那|那么|还有|另外|再问|and\b|what about)|呢[？?]?$|^(比上年|较上年|上年|去年|同比|占比|"
                       r"原因|为什么|人均|每月|多少元|换算|以元|以万元)")


def _is_follow_up(q: str) -> bool:
    return bool(FOLLOW_UP.search(q.strip()))


def make_plans(question: str, catalog: Catalog, ctx: Context, search=None) -> list[Plan]:
    q_all = normalise_question(question)
    plans: list[Plan] = []
    local = Context(ctx.doc_id, ctx.items, ctx.op)
    for k, part in enumerate(split_parts(q_all)):
        p = plan_part(question, part, catalog, local, first=(k == 0), search=search)
        if k > 0 and not p.items and plans:
            p = replace(p, items=plans[-1].items)
        if k > 0 and p.op == "lookup" and plans and plans[-1].op in ("compare",) and re.search(r"多少", part):
            p = replace(p, op="diff")
        if k > 0 and plans and plans[-1].op == "fact" and re.match(r"涉及|其中|包括|共计|价值|金额", part):
            # "有几个项目编报了绩效目标，涉及资金多少": the same sentence goes on
            p = replace(p, op="fact", items=(), notes=(), words=f"{plans[-1].words} {p.words}")
        if k > 0 and plans and _is_follow_up(part) and not re.search(r"价值|金额|钱|元|人|辆|个|平方米", part):
            # "X有多少人…？Y呢？": Y is asked the same way
            asked = re.findall(r"多少人|几个人|几人|人数|几辆|多少辆|几家|多少家|平方米", plans[-1].text)
            p = replace(p, text=f"{p.text} {' '.join(asked)}".strip())
        plans.append(p)
        if p.items:
            local = Context(local.doc_id, p.items, p.op)
    return plans


def guard(question: str, follow_up: bool = False) -> Plan | None:
    """Refuse before planning: empty, prompt injection, nothing about a budget (unless it follows
    up an earlier question of the conversation)."""
    q = normalise_question(question)
    if not q:
        return Plan("lookup", None, status="refused", reason="问题是空的。")
    if INJECTION.search(q) or INJECTION.search(question.lower()):
        return Plan("lookup", None, status="refused",
                    reason="我只根据已导入的预算文档回答，不会改变规则，也不会编造数字。")
    if re.search(r"美元|欧元|英镑|港币|港元|日元|卢布", q):
        return Plan("lookup", None, status="refused",
                    reason="预算文档的金额以人民币（元、万元）列示；换算成其他货币需要汇率，文档中没有。")
    if OPINION.search(q):
        return Plan("lookup", None, status="refused",
                    reason="我只回答预算文档中写明的数字和内容，不作评价，也不作推测。")
    if not (follow_up and _is_follow_up(q)) and not BUDGET_WORDS.search(q) and not re.search(r"\d{3,7}", q):
        return Plan("lookup", None, status="refused",
                    reason="这个问题与已导入的预算文档无关，我只能回答预算公开文档中的内容。")
    return None


__all__ = ["Plan", "Item", "Context", "make_plans", "resolve_scope", "org_mention", "guard", "link_items", "detect_op",
           "OPS", "Entry"]
