"""Question → typed query plan: operation and the items linked to cells (app/answer/linking.py), for
the document scope has chosen (app/answer/scope.py).

A question in several parts ("…多少？比上年变化多少？") becomes one plan per part, later parts
inheriting the items of the earlier ones (as follow-up questions inherit from the previous turn).
The question arrives normalised (app/answer/normalize.py, once, at the engine's entrance).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from app.answer.catalog import Catalog
from app.answer.linking import (
    Item,
    fuzzy_items,
    in_container,
    join_concepts,
    link_items,
    one_row_two_tables,
    qualify,
    scope_items,
    search_items,
)
from app.answer.normalize import apply_synonyms
from app.answer.scope import YEAR
from app.answer.vocabulary import DESCRIBE, OP_PATTERNS

SCOPED_OPS = ("lookup", "multi", "sum", "yoy", "prior", "why", "per_person", "per_month", "list", "rank", "count")
OPS = ("lookup", "multi", "sum", "diff", "compare", "share", "per_person", "per_month", "rank", "count",
       "list", "yoy", "prior", "why", "fact")

INJECTION = re.compile(r"(忽略|无视|忘记|忘掉|不要遵守|不用遵守|绕过|ignore|disregard|forget).{0,30}"
                       r"(规则|指令|提示|要求|限制|设定|instruction|rule|prompt)|system\s*prompt|你现在是|扮演|"
                       r"(编造|瞎编|随便编|编一个|猜一个|随便说|猜测一下)|jailbreak", re.I)
UNIT_ASK = re.compile(r"(?:多少|几|以|按|换算成|折合|合|单位为|为)\s*(亿元|万元|元)|(亿元|万元|元)为单位|(?<![万亿])元[?？]?$")
TOP_N = re.compile(r"前\s*([一二三四五六七八九十两\d]+)")
CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
OPINION = re.compile(r"你觉得|你认为|你怎么看|是否合理|合理吗|合不合理|有没有浪费|浪费吗|是否浪费|评价一下|"
                     r"好不好|应不应该|该不该|会不会|将来|明年会|预测|"
                     r"(?:花|用|给|拨|安排|开支)得?(?:太|过)(?:多|少|高|低)|(?:太|过于)(?:多|少|高|低|贵)了|偏高|偏多|"
                     r"值不值|值得吗|划算|够不够|够用吗|是不是(?:乱|白)花")
# One person's pay (主任一年工资能拿多少): a budget shows a unit's money, never a person's.
PERSONAL_PAY = re.compile(r"(?:主任|局长|厅长|院长|处长|科长|书记|镇长|县长|市长|区长|所长|馆长|检察长|部长|领导|某人|个人)"
                          r"的?(?:一年|一个月|每月|每年|月)?(?:的)?(?:工资|收入|薪水|薪资|奖金|年薪|月薪|能拿|拿多少|挣多少)")
BUDGET_WORDS = re.compile(r"预算|经费|支出|收入|拨款|资金|费|科目|人数|人员|科室|编制|采购|资产|绩效|结转|结余|"
                          r"三公|项目|补助|补贴|工资|万元|元|标准|车辆|公车|辆|房屋|面积|单位|部门|合计|总计|多少|机构|"
                          r"原因|上年|去年|增加|减少|增长|下降|比例|占比|人均|金额|数额|钱|花|开支|开销|在职|退休|职工|budget|\d|"
                          r"职能|职责|干嘛|干什么|做什么|负责|牌子|主要任务|内设|机构设置")



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
    """What a follow-up question may inherit: the items and operation of the last question about
    ``doc_id``, and its wording without unit and year (``topic``), to be read again in another
    unit's or year's document ("江苏省检察院2019年的呢？")."""
    doc_id: str | None = None
    items: tuple[Item, ...] = ()
    op: str | None = None
    topic: str = ""



ASKING = re.compile(r"多少|几|是否|哪|什么|吗|呢")


def split_parts(question: str) -> list[str]:
    """Parts asked one by one: at ？ and ；, and at a comma when every side asks something
    ("有多少个项目编报了绩效目标，涉及多少资金")."""
    parts = []
    for part in re.split(r"[？?；;]+", question):
        pieces = [x.strip() for x in re.split(r"[，,]", part)]
        listing = any(re.fullmatch(r"(?:各|分别|各自)(?:是|为)?多少(?:钱|万元|元)?", x) for x in pieces)
        parts += pieces if len(pieces) > 1 and not listing and all(ASKING.search(x) for x in pieces) else [part.strip()]
    merged: list[str] = []
    for p in parts:
        if merged and FORMAT_ONLY.fullmatch(p):       # "…比例是多少？（百分比）": how to say it, no question
            merged[-1] = f"{merged[-1]}（{p.strip('（）()')}）"
        elif p:
            merged.append(p)
    return merged or [question.strip()]


FORMAT_ONLY = re.compile(r"[（(]?\s*(?:用|以|按)?(?:百分比|百分数|百分之几|%|万元|元|亿元|保留[一二两三\d]位小数|四舍五入)"
                         r"(?:表示|计|为单位)?\s*[)）]?")



def detect_op(q: str, n_items: int) -> tuple[str, dict]:
    extra: dict = {}
    m = TOP_N.search(q) or re.search(r"(?:最多|最大|最高|最少|最低|最小)的?\s*([一二三四五六七八九十两\d]+)\s*[项个类笔]", q)
    if m:
        tok = m.group(1)
        extra["top"] = int(tok) if tok.isdigit() else CN_NUM.get(tok, 3)
    if re.search(r"最少|最低|最小|倒数", q):
        extra["ascending"] = True
    if OP_PATTERNS["why"].search(q):
        return "why", extra
    if n_items == 0 and DESCRIBE.search(q) and not re.search(r"多少|几", q):
        return "fact", extra           # "加挂了哪些牌子", "主要是干嘛的": a passage of the narrative
    change = OP_PATTERNS["change"].search(q)
    share = OP_PATTERNS["share"].search(q)
    if OP_PATTERNS["prior"].search(q) and not change and not share:
        return "prior", extra
    if change:
        return "yoy", extra
    if share:
        return "share", extra
    if OP_PATTERNS["times"].search(q):
        extra["times"] = True
        return "share", extra
    if OP_PATTERNS["per_person"].search(q):
        if OP_PATTERNS["per_month"].search(q):
            extra["monthly"] = True
        if "退休" in q:
            extra["headcount"] = "退休"
        elif re.search(r"实有|编制", q):
            extra["headcount"] = "实有"
        return "per_person", extra
    for op in ("per_month", "diff", "compare", "rank", "count", "list"):
        if OP_PATTERNS[op].search(q):
            return op, extra
    if n_items >= 2 and OP_PATTERNS["sum"].search(q) and \
            re.search(r"[和与及加跟同、+＋]|以及", q):    # "基本支出中的公用经费合计": one cell, not a sum
        return "sum", extra
    if n_items >= 2 and LIST_MARK.search(q):
        return "multi", extra
    return "lookup", extra      # "基本支出，只算财政拨款的话": the second name narrows the first


CARRIED_IN = re.compile(r"结转(?:过来|到今年|到本年|下来|进来)|转入|带过来")   # the money came over into this year
LIST_MARK = re.compile(r"[和与及跟同、/+＋]|以及|分别|各自|各是|各为|各多少|还有|都是|[，,；;].{0,12}(?:呢|分别|各)")


PEOPLE = r"多少人|几人|人数|人有多少|人员有多少|几名|多少名"
FACT_HINT = re.compile(PEOPLE + r"|几个|多少个|科室|机构|车辆|几辆|多少辆|辆车|几家|多少家|房屋|面积|平方米|标准|发放|政府采购|采购|"
                       r"家具|资产|价值|设备|绩效|指标|目标|编制|在职|退休|离休|联系人|负责人|月/人|元/月")


def plan_part(q: str, catalog: Catalog, ctx: Context, first: bool, search=None) -> Plan:
    doc = catalog.doc
    if doc.year:                     # "比2023年预算少了多少" in a 2024 document: last year
        q = re.sub(rf"(比|较|与|和|跟|同)\s*{doc.year - 1}\s*年(?:度)?", r"\1上年", q)
    items, rest = link_items(q, catalog)
    op, extra = detect_op(rest, len(items))
    if op == "prior" and not OP_PATTERNS["prior"].search(q):     # 上年 before a carry-over's name
        if not CARRIED_IN.search(q):
            this_year = f"{doc.year}年" if doc.year else "本年"
            return Plan("prior", doc.doc_id, status="clarify", text=q,
                        reason=f"“上年…结转”可以指结转到{this_year}的数（表中的结转数），也可以指上一年的结转数"
                               f"（由情况说明的增减推算）。请说明是哪一个，例如“结转过来的钱是多少”或"
                               f"“{doc.year - 1 if doc.year else '上'}年的结转数是多少”。")
        op = "lookup"           # "上年财政拨款结转过来的钱": the carry-over into this year
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
        items = fuzzy_items(rest, catalog)
    money = bool(re.search(r"钱|费|经费|金额|开支|开销|花了|多少元|万元", rest))
    counting = bool(re.search(PEOPLE + r"|几个|多少个|几辆|多少辆|面积|平方米|标准", rest))
    if (not items and (not fact_like or (money and not counting)) and search is not None and _core(rest)
            and not (ctx.items and _is_follow_up(q)) and not re.search(r"截[至止]", rest)):
        items = search_items(q, catalog, search)
        if items:
            notes = (f"问题中的说法按检索理解为“{items[0].label}”。",)
    text = apply_synonyms(q, catalog.labels())      # the wording the item spans refer to
    items = join_concepts(items, catalog, text)
    n_linked = len(items)
    items = qualify(items, catalog, text)
    if op == "multi" or (op == "lookup" and len(items) >= 2):   # "一般公共预算基本支出经济分类预算表中的公务接待费"
        items = in_container(items, catalog, text, need=1)
    elif op in ("diff", "compare", "share", "sum"):
        items = in_container(items, catalog, text)
    elif op in ("yoy", "prior", "why"):
        items = in_container(items, catalog, text, need=1)
    if op in ("diff", "compare"):
        items = one_row_two_tables(items, catalog)
    if op in ("multi", "lookup") and len(items) == 1 < n_linked:
        op = "lookup"                  # a name and its code, or a row and its column: one cell
    if op in SCOPED_OPS or (op in ("diff", "compare", "share") and any(i.kind == "title" for i in items)):
        scoped = scope_items(items, catalog)
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
    if op in ("per_person", "per_month") and not items and \
            not (op == "per_person" and re.search(r"经费|支出|费用|工资", rest) and not re.search(r"标准|补助|补贴", rest)):
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


FOLLOW_UP = re.compile(r"^(那|那么|还有|另外|再问|再看|回到|and\b|what about)|呢[？?]?$|^(比上年|较上年|上年|去年|同比|占比|"
                       r"原因|为什么|为啥|为何|怎么|咋|少了|多了|增加|减少|增长|下降|人均|每月|多少元|换算|以元|以万元)")


def _is_follow_up(q: str) -> bool:
    return bool(FOLLOW_UP.search(q.strip()))


def make_plans(q_all: str, catalog: Catalog, ctx: Context, search=None) -> list[Plan]:
    """Plans for a normalised question (app/answer/normalize.py), one per part."""
    plans: list[Plan] = []
    local = Context(ctx.doc_id, ctx.items, ctx.op)
    for k, part in enumerate(split_parts(q_all)):
        p = plan_part(part, catalog, local, first=(k == 0), search=search)
        if k > 0 and not p.items and plans:
            p = replace(p, items=plans[-1].items)
            if p.op in ("yoy", "why", "prior") and plans[-1].op in ("yoy", "why", "prior") and not plans[-1].items:
                p = replace(p, words=f"{plans[-1].words} {p.words}")     # "…增加了多少，增长百分之几？"
        if k > 0 and p.op == "lookup" and plans and plans[-1].op in ("compare",) and re.search(r"多少", part):
            p = replace(p, op="diff")
        if k > 0 and plans and plans[-1].op in ("why", "yoy", "prior") and \
                re.match(r"(?:多了|少了|增加了?|减少了?|增长了?|下降了?|涨了|降了|减了|增了|变化了?)(?:多少|几)", part):
            p = replace(p, op="yoy", items=p.items or plans[-1].items)     # "…为啥比上年多了？多了多少？"
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


def guard(q: str, raw: str = "", follow_up: bool = False, labels: frozenset[str] = frozenset()) -> Plan | None:
    """Refuse before planning: empty, prompt injection, nothing about a budget (unless it follows
    up an earlier question of the conversation, or names an item of the documents: ``labels``).
    ``q`` is the normalised question, ``raw`` as typed."""
    if not q:
        return Plan("lookup", None, status="refused", reason="问题是空的。")
    if INJECTION.search(q) or INJECTION.search(raw.lower()):
        return Plan("lookup", None, status="refused",
                    reason="我只根据已导入的预算文档回答，不会改变规则，也不会编造数字。")
    if re.search(r"美元|欧元|英镑|港币|港元|日元|卢布", q):
        return Plan("lookup", None, status="refused",
                    reason="预算文档的金额以人民币（元、万元）列示；换算成其他货币需要汇率，文档中没有。")
    if PERSONAL_PAY.search(q):
        return Plan("lookup", None, status="refused",
                    reason="预算公开的是单位的经费，不列某一个人的工资或收入；文档中没有的内容，我不作推测。")
    if OPINION.search(q):
        return Plan("lookup", None, status="refused",
                    reason="我只回答预算文档中写明的数字和内容，不作评价，也不作推测。")
    if not (follow_up and _is_follow_up(q)) and not BUDGET_WORDS.search(q) and not re.search(r"\d{3,7}", q) \
            and not any(lab in q for lab in labels if len(lab) >= 3):
        return Plan("lookup", None, status="refused",
                    reason="这个问题与已导入的预算文档无关，我只能回答预算公开文档中的内容。")
    return None


__all__ = ["Plan", "Item", "Context", "make_plans", "guard", "detect_op", "OPS"]

