"""Operations over the narrative (情况说明): a stated figure (人数, 车辆, 补助标准 …), a stated
change from last year and its reason, last year's figure derived from them. Every figure is cited
to its paragraph.
"""
from __future__ import annotations

import math
import re
from collections import Counter

from app.answer.catalog import COUNTED, TOTAL_WORDS, Catalog, CellRef, Change, Fact, contains
from app.answer.contract import round_half_up
from app.answer.figures import (
    Figure,
    NotAnswerable,
    Result,
    cell_figure,
    convert,
    fmt,
    item_figure,
    rounded,
)
from app.answer.linking import Item
from app.answer.plan import Plan
from app.answer.vocabulary import CHANGE_STATED, DESCRIBE, OP_PATTERNS, WHAT_IT_DOES

HEADCOUNT_UNITS = ("人", "名")


def _bigrams(text: str) -> set[str]:
    """Character bigrams within each stretch of words (none across a space or a punctuation mark:
    "占用 房屋价值" has no 用房)."""
    out: set[str] = set()
    for t in re.split(r"[\s，。、：:；;（）()“”]+", text):
        t = re.sub(r"[\d.%]", "", t)
        out |= {t[i:i + 2] for i in range(len(t) - 1)}
    return out


STOP_BIGRAMS = {"多少", "是多", "少钱", "有多", "多少人", "一下", "请问", "单位", "预算"}


STOP_CHARS = set("的是有多少几个吗呢请问一下单位预算")



def best_fact(cat: Catalog, words: str, context: list[str], units: tuple[str, ...] | None,
              min_cover: float = 0.5) -> Fact | None:
    """The narrative figure the words ask about (see ranked_facts), or None."""
    ranked = ranked_facts(cat, words, context, units, min_cover)
    return ranked[0][1] if ranked and ranked[0][0] >= MIN_FACT_SCORE else None


MIN_FACT_SCORE = 2.5


def ranked_facts(cat: Catalog, words: str, context: list[str], units: tuple[str, ...] | None,
                 min_cover: float = 0.5) -> list[tuple[float, Fact]]:
    """The narrative figures that name what the words ask about, best first, with their scores:
    words matched in the clause before the figure count most (those right before it more), words
    after it less (but as much for a counted noun: 27个内设机构); rare words more than common."""
    facts = [f for f in cat.facts if (units is None or f.unit in units) and not f.in_reason]
    if not facts:
        return []
    df = Counter(b for f in cat.facts for b in _bigrams(f.before + f.unit + f.after) | set(f.before + f.after))
    n = len(cat.facts)
    q = _bigrams(words) - STOP_BIGRAMS
    chars = {c for c in re.sub(r"[\s\d.，。、：:；;（）()“”%?？]", "", words)} - STOP_CHARS

    def idf(token: str) -> float:
        return math.log(1 + n / (df[token] or 1))

    def score(f: Fact) -> float:
        near, far = f.before[-6:], f.before[:-6]
        s = 1.5 * sum(idf(b) for b in q & _bigrams(near + f.unit))
        s += sum(idf(b) for b in q & (_bigrams(far) - _bigrams(near)))
        near_after = f.after[:4] if f.unit in COUNTED else ""       # 27个内设机构: the noun counted
        s += 1.5 * sum(idf(b) for b in q & _bigrams(near_after))
        s += 0.3 * sum(idf(b) for b in q & (_bigrams(f.after) - _bigrams(near_after)))
        s += 0.8 * sum(idf(b) for b in q & (_bigrams(f.lead) - _bigrams(f.before)))
        s += 0.4 * sum(idf(c) for c in chars & set(f.before + f.unit + f.after + f.lead))
        pos = f.sentence.find(f.before) if f.before else -1
        opening = f.sentence[:pos] if pos > 0 else ""
        s += 0.3 * sum(idf(b) for b in q & (_bigrams(opening.replace(" ", "")) - _bigrams(
            f.before + f.unit + f.after + f.lead)))          # what its sentence is about: which project
        if context:
            pos = f.sentence.find(f.before) if f.before else len(f.sentence)
            head = f.sentence[: pos + len(f.before)]
            if any(c and (c in head or _mostly_in(c, head)) for c in context):
                s += 3
        return s

    content = {b for b in q if not (set(b) & STOP_CHARS)}

    def names_it(f: Fact) -> bool:
        """The figure's own label says what the question asks: with the unit asked for (几辆, 多少人,
        价值), one shared word is enough; otherwise the label must cover half the question's words."""
        if any(c and c in f.sentence for c in context):
            return True
        heading = cat.doc.sections[f.section].path[-1] if f.section < len(cat.doc.sections) and \
            cat.doc.sections[f.section].path else ""
        label = _bigrams(f.before + f.unit + f.after + f.lead) | _bigrams(heading)   # (三) 国有资产占用使用情况
        if units is not None and "万元" not in units and min_cover <= 0.5:   # a specific unit was asked
            return bool(q & label) or len(chars & set(f.before[-6:])) >= 2
        return bool(content) and len(content & label) >= min_cover * len(content)

    scored = [(score(f), f) for f in facts if names_it(f)]
    return sorted(scored, key=lambda x: (-x[0], x[1].section))


def _mostly_in(label: str, text: str, share: float = 0.75) -> bool:
    """Most of a long name's bigrams are in ``text`` ("…1995年前退休人员生活补贴" in "… 1995 年底前
    退休人员生活补贴资金"): the text is about it, written a little differently."""
    bigrams = _bigrams(label)
    return len(label) >= 8 and bool(bigrams) and len(bigrams & _bigrams(text.replace(" ", ""))) >= share * len(bigrams)


def _change_score(ch: Change, labels: list[str]) -> int:
    best = 0
    for label in labels:
        if not label:
            continue
        if ch.item == label:
            best = max(best, 4)
        elif ch.item.endswith(label) or label.endswith(ch.item) and len(ch.item) >= 2:
            best = max(best, 3)
        elif label in ch.item:
            best = max(best, 2)
    return best


def find_change(cat: Catalog, item: Item | None, words: str) -> Change | None:
    if item is not None:
        labels = [item.label.split("·")[0]] + [cat.doc.table(r.table).rows[r.row].label for r in item.refs]
        primary = cat.value(item.refs[0]) if item.refs else None
        scored = [(_change_score(ch, labels), ch.current == primary, -k, ch) for k, ch in enumerate(cat.changes)]
        scored = [s for s in scored if s[0] > 0]
        if scored:
            return max(scored, key=lambda s: s[:3])[3]
        return None
    q = _bigrams(words) - STOP_BIGRAMS
    scored = [(len(q & _bigrams(ch.item)), -k, ch) for k, ch in enumerate(cat.changes)]
    scored = [s for s in scored if s[0] >= 2]
    return max(scored, key=lambda s: s[:2])[2] if scored else None


def headcount(cat: Catalog, which: str) -> Fact | None:
    return best_fact(cat, which + "人数", [], HEADCOUNT_UNITS)


MAX_PARTS = 4


def _reasons_of_parts(cat: Catalog, item: Item) -> list[tuple[str, Change]]:
    """The narrative's reasons for the changes of the parts the item's figure is made of (its
    sub-rows, or the columns under its total column), each part's own statement."""
    whole = item.refs[0]
    t = cat.doc.table(whole.table)
    cells = [CellRef(t.id, r, c) for r in range(len(t.rows)) for c in range(len(t.columns))
             if (r == whole.row or c == whole.column) and contains(cat, whole, CellRef(t.id, r, c))]
    out: list[tuple[str, Change]] = []
    for ref in cells:
        row = t.rows[ref.row]
        name = row.label if ref.row != whole.row else \
            next((p for p in reversed(t.columns[ref.column].split("/")) if p not in TOTAL_WORDS), "")
        if not name or any(name == n for n, _ in out):
            continue
        scored = [(_change_score(ch, [name]), ch) for ch in cat.changes if ch.reason]
        best = max(scored, key=lambda s: s[0], default=(0, None))
        if best[0] >= 2:
            out.append((name, best[1]))
    return out[:MAX_PARTS]


def _stated_change(plan: Plan, cat: Catalog, missing: str) -> tuple[Item | None, Change, str]:
    """The item, the narrative's year-on-year statement about it, and how to name it."""
    item = next((i for i in plan.items if i.refs), None)
    ch = find_change(cat, item, plan.words)
    if ch is None:
        raise NotAnswerable(missing.format(item.label if item else "该项"))
    return item, ch, item.label.split("·")[0] if item else ch.item


def _yoy(plan: Plan, cat: Catalog, res: Result) -> None:
    item, ch, label = _stated_change(plan, cat, "文档没有说明{}与上年相比的变化。")
    sec = (ch.section,)
    current = None
    if item is not None:
        current = item_figure(cat, item)
        res.figures.append(current)
        res.cited_cells.append(item.refs[0])
    change = None
    if ch.change is not None:
        change = Figure(f"{label}比上年{'增加' if ch.change >= 0 else '减少'}", abs(ch.change), "万元", sections=sec)
        res.figures.append(change)
    pct = None
    if ch.percent is not None:
        pct = Figure(f"{label}比上年{'增长' if ch.percent >= 0 else '下降'}", abs(ch.percent), "%", sections=sec)
    else:       # the narrative gives the amount only: the rate is our arithmetic over it
        now = ch.current if ch.current is not None else (
            convert(cat.value(item.refs[0]), cat.doc.table(item.refs[0].table).unit, "万元")[0] if item else None)
        if now is not None and now - ch.change != 0:
            rate = round_half_up(abs(ch.change) / (now - ch.change) * 100)
            pct = Figure(f"{label}比上年{'增长' if ch.change >= 0 else '下降'}", rate, "%", change.cells, sec)
            res.calculation = f"{fmt(abs(ch.change), '万元')} ÷ ({fmt(now, '万元')} {'−' if ch.change >= 0 else '+'} " \
                              f"{fmt(abs(ch.change), '万元')}) = {fmt(rate, '%')}%"
    if pct is not None:
        res.figures.append(pct)
    res.cited_sections.append(ch.section)
    res.quote = ch.sentence
    res.extra = {"change": ch, "label": label, "change_fig": change, "pct_fig": pct, "current": current}


def _prior(plan: Plan, cat: Catalog, res: Result) -> None:
    item, ch, label = _stated_change(plan, cat, "文档没有上年的{}，也没有可以推算的增减额。")
    if ch.change is None:       # a rounded percentage only: no exact prior figure to derive
        raise NotAnswerable(f"文档没有上年的{label}，只说明了增减的百分比。")
    if ch.current is not None:
        current = Figure(f"本年{label}", ch.current, "万元", sections=(ch.section,))
    else:
        current = cell_figure(cat, item.refs[0], label=f"本年{label}")
        res.cited_cells.append(item.refs[0])
    prior = current.value - ch.change
    sign = "+" if ch.change < 0 else "−"
    res.figures = [current, Figure("比上年" + ("减少" if ch.change < 0 else "增加"), abs(ch.change), "万元",
                                   sections=(ch.section,)),
                   Figure(f"上年{label}", rounded(prior, "万元"), "万元", current.cells, (ch.section,))]
    res.cited_sections.append(ch.section)
    res.quote = ch.sentence
    res.calculation = f"{fmt(current.value, '万元')} {sign} {fmt(abs(ch.change), '万元')} = {fmt(prior, '万元')} 万元"


def _why(plan: Plan, cat: Catalog, res: Result) -> None:
    item = next((i for i in plan.items if i.refs), None)
    ch = find_change(cat, item, plan.words)
    if ch is not None and ch.reason:
        res.quote = ch.reason
        res.cited_sections.append(ch.section)
        label = item.label.split("·")[0] if item else ch.item
        res.extra = {"label": label, "change": ch}
        if ch.change is not None and ch.change != 0:    # "为什么比上年少了那么多": how much, and why
            res.figures = [Figure(f"{label}比上年{'增加' if ch.change > 0 else '减少'}", abs(ch.change), "万元",
                                  sections=(ch.section,))]
            if ch.percent is not None and OP_PATTERNS["change"].search(plan.words or plan.text):
                res.figures.append(Figure(f"{label}比上年{'增长' if ch.percent > 0 else '下降'}", abs(ch.percent), "%",
                                          sections=(ch.section,)))     # "how did it change, and why"
        return
    parts = _reasons_of_parts(cat, item) if item is not None and item.refs else []
    if parts:                          # “三公”经费: the narrative explains each part's change, not the total's
        label = item.label.split("·")[0]
        res.quote = "；".join(f"{name}{'增加' if (ch.change or 0) >= 0 else '减少'}"
                             f"{fmt(abs(ch.change), '万元') + '万元' if ch.change is not None else ''}，{ch.reason.rstrip('。')}"
                             for name, ch in parts)
        res.cited_sections += list(dict.fromkeys(ch.section for _, ch in parts))
        res.extra = {"label": label, "change": None, "parts": True}
        res.notes.append(f"情况说明没有直接说明{label if label.startswith('“') else f'“{label}”'}变化的原因；"
                         f"以上是其组成部分各自的说明。")
        return
    labels = [item.label] if item else []
    for k, s in enumerate(cat.doc.sections):
        if "原因" in s.text and any(lab in s.text for lab in labels):
            res.quote = s.text
            res.cited_sections.append(k)
            res.extra = {"label": labels[0], "change": None}
            return
    raise NotAnswerable("文档没有说明这一项的原因。")


FACT_UNITS_FOR = (                 # explicit measure words first, then the subject's usual unit
    (r"几家|多少家", ("家",)),
    (r"几辆|多少辆|辆车", ("辆",)),
    (r"平方米|面积", ("平方米",)),
    (r"多少人|几人|几个人|多少个人|人数|几名|多少名|多少位|几位|人有多少|人员有多少", ("人", "名")),
    (r"几个|多少个", ("个",)),
    (r"标准", ("元/月/人", "元/人/月", "元")),
    (r"价值|多少钱|金额|资金|经费|费用|万元|钱", ("万元", "元")),
    (r"在职|退休|离休|编制", ("人", "名")),
    (r"科室|机构", ("个",)),
    (r"车辆", ("辆",)),
    (r"房屋", ("平方米",)),
)
COUNT_ASKED = FACT_UNITS_FOR[:4]   # what a question asks to count: an answer needs one of its units


PASSAGE_CHARS = 400


def _passage(cat: Catalog, words: str) -> tuple[str, list[int]] | None:
    """The narrative passage a question about what the unit is or does asks for: the paragraph that
    says the key word (职能 for 干嘛/做什么, or 牌子, 内设机构 … as asked) and fits the question best,
    with the numbered paragraphs it introduces, up to PASSAGE_CHARS characters — quoted, not retold."""
    keys = set(DESCRIBE.findall(words)) - set(WHAT_IT_DOES.findall(words))
    if WHAT_IT_DOES.search(words) or "职责" in keys:
        keys |= {"职能"}
    texts = [re.sub(r"\s", "", sec.text) for sec in cat.doc.sections]
    heads = ["".join(sec.path) for sec in cat.doc.sections]        # 一、主要职能 may be the heading
    hits = [k for k, t in enumerate(texts) if any(w in t or w in heads[k] for w in keys) and t]
    if not hits:
        return None
    asked = _bigrams(words)
    best = max(hits, key=lambda k: (len(asked & _bigrams(texts[k])), -k))
    quote, cited = texts[best], [best]
    k = best + 1
    while len(quote) < PASSAGE_CHARS and k < len(texts) and (quote.endswith(("：", ":")) or re.match(r"\d+[.、．]", texts[k])):
        quote, cited, k = quote + texts[k], cited + [k], k + 1
    return quote[:PASSAGE_CHARS] + ("…" if len(quote) > PASSAGE_CHARS else ""), cited


def _fact(plan: Plan, cat: Catalog, res: Result) -> None:
    if DESCRIBE.search(plan.text or plan.words) and not re.search(r"多少|几", plan.text or plan.words):
        found = _passage(cat, plan.text or plan.words)
        if found is not None:             # "主要是干嘛的？加挂了哪些牌子": the document's own words
            res.quote, res.cited_sections = found
            return
    units = None
    q = plan.words
    for pattern, us in FACT_UNITS_FOR:
        if re.search(pattern, plan.text or q):
            units = us
            break
    context = [item.label for item in plan.items]
    ranked = _as_asked(ranked_facts(cat, q + " " + " ".join(context), context, units), q)
    if (not ranked or ranked[0][0] < MIN_FACT_SCORE) and units is None:
        ranked = _as_asked(ranked_facts(cat, q, context, ("万元", "元")), q)
    if not ranked or ranked[0][0] < MIN_FACT_SCORE:
        raise NotAnswerable("文档中没有找到这方面的说明。")
    top_score, fact = ranked[0]
    rivals = [f for sc, f in ranked[1:] if sc >= CLOSE * top_score and _amount(f) != _amount(fact)
              and _unasked(f, q) <= _unasked(fact, q)
              and not (_part_of_a_list(f, cat) and not _part_of_a_list(fact, cat))]
    if rivals:              # two statements fit as well (207 人 of one project, 277 人 of another)
        res.status = "clarify"
        res.reason = "情况说明中有几处数字都符合这个问题："
        res.options = [_fact_option(cat, f) for f in [fact, *rivals][:3]]
        return
    res.figures = [Figure(fact_label(fact, cat.doc.org), fact.value, fact.unit, sections=(fact.section,))]
    res.cited_sections = [fact.section]
    res.quote = fact.sentence


def _as_asked(ranked: list[tuple[float, Fact]], words: str) -> list[tuple[float, Fact]]:
    """Without a word of change in the question, a figure stated as a change ("…预算总计各增加
    2432.93万元") does not answer it: the total stated before it does."""
    if CHANGE_STATED.search(words):
        return ranked
    return [(sc, f) for sc, f in ranked if not CHANGE_STATED.search(f.before[-8:])]


CLOSE = 0.85            # a second statement scoring this close to the best is as likely an answer


SAME_UNIT = {"名": "人", "位": "人", "元/人/月": "元/月/人"}


def _amount(fact: Fact) -> tuple:
    """A stated figure in comparable form: 16 人 and 16 名 are one head count."""
    return fact.value.normalize(), SAME_UNIT.get(fact.unit, fact.unit)


def _unasked(fact: Fact, words: str) -> int:
    """Characters of the figure's own label the question does not use (非 in 非财政拨款…)."""
    return len(set(re.sub(r"[^\u4e00-\u9fff]", "", fact.before)) - set(words))


def _part_of_a_list(fact: Fact, cat: Catalog) -> bool:
    """"其中：一般公务用车 0 辆，价值0万元": a part of the total stated before it (in the same
    sentence, up to the last 。), not a rival to it."""
    text = cat.doc.sections[fact.section].text if fact.section < len(cat.doc.sections) else fact.sentence
    at = text.find(fact.sentence)
    pos = (at if at >= 0 else 0) + max(fact.sentence.find(fact.before), 0)
    return "其中" in text[text.rfind("。", 0, pos) + 1:pos]


def _fact_option(cat: Catalog, fact: Fact) -> str:
    """A question naming the statement's own context (its sentence's opening words)."""
    head = re.split(r"[，,；;。]", re.sub(r"^[^：:]{0,12}[：:]", "", fact.sentence.replace(" ", "")))[0][:40]
    return f"{cat.doc.org}{cat.doc.year}年：{head}，{fact_label(fact, cat.doc.org)}是多少？"


def fact_label(fact: Fact, org: str) -> str:
    """'3.办公家具价值' → '办公家具价值'; '下设' + '科室' → '下设科室'."""
    before = fact.before.split("其中")[-1]
    for k in range(len(org), 3, -1):          # the clause may start inside the unit's name
        if before.startswith(org[-k:]):
            before = before[k:]
            break
    before = re.sub(r"^[\d.、]+|^[（(][一二三四五六七八九十\d]+[)）]", "", before).strip("：: =≥≤<>")
    label = before + (fact.after if len(fact.after) <= 6 else "")
    return label or fact.after or "数值"
