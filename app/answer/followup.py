"""Follow-ups in a conversation: what a turn without its own subject refers to.

    if is_bare(text): text = context.topic                       # "江苏省检察院2019年的呢？"
    text = refer_back(text, context, named_unit)                 # 这项 / 只算X里的呢 / 其中X
    asks_of_last(text)                                           # "人均多少？": an operation only
    topic_of(text), subject(topic), subject_item(items)

The engine keeps the conversation (unit, items, operation, topic); this module only reads words.
"""
from __future__ import annotations

import re

from app.answer.plan import Context
from app.answer.scope import YEAR
from app.answer.vocabulary import LAST_YEAR, ops_named

BARE = re.compile(r"那么|那|还有|另外|再问|再看|回到|同一年|同年|那一年|这一年|当年|的|呢|吗|又|是多少|多少|怎么样|如何|"
                  r"情况|and|what|about|that|year|its|it|[\s？?。，,！!]")
OF_SOMETHING = ("per_person", "per_month", "share", "yoy", "why", "prior")   # operations asked of a subject
WITHIN = re.compile(r"^\s*(?:那么|那)?\s*(?:这其中|其中|这里面|里面|这当中|当中)(?:的)?")
PART_OF = re.compile(r"^\s*(?:那么|那)?\s*(?:只算|只看|光算|光看|单看|单算)?\s*([\u4e00-\u9fff]{2,12}?)"
                     r"(?:里|中|里面|当中)的?(?:部分|那部分)?呢[？?]?\s*$")
REFER = re.compile(r"这一项|这项|该项|此项|这个项目|这笔钱|这笔支出|这笔|这个数|这个金额|这个钱|"
                   r"(?:^|(?<=[那，,]))这个(?=占|比|跟|和|与|同|较|相当于)")
SHARE_OF_IT = re.compile(r"的?(?:占了?|所占)(?:的)?(?:百分之多少|百分之几|多少比例|比例是?多少|比重是?多少|几成|多少)[？?]?\s*$")
ASKING = re.compile(r"(?:是|有|为|共|一共|总共|合计)?(?:多少|几何)(?:钱|元|万元)?\s*$")


def is_bare(text: str) -> bool:
    """Nothing but a follow-up's shell ("2018年的呢？", "同一年的呢？") once the unit is taken out."""
    return not re.search(r"[\u4e00-\u9fff]", BARE.sub("", YEAR.sub("", text)))


def topic_of(text: str) -> str:
    """A question part without its year and follow-up words: what a later turn may ask again about
    another unit or year ("江苏省检察院2019年的呢？")."""
    text = YEAR.sub(" ", text or "")
    return re.sub(r"^\s*(?:那么|那|还有|另外|再问|再看)|[呢吗？?。]+\s*$", "", text).strip()


def subject(topic: str) -> str:
    """The last question's subject: its topic without the asking words (三公经费是多少 → 三公经费)."""
    return ASKING.sub("", topic).strip() or topic


def subject_item(items) -> str:
    """The name a "这项" refers to: the last question's row (not the table or column it was in)."""
    named = [i for i in items if i.kind not in ("table", "title", "column")] or list(items)
    return named[0].label.split("·")[0]


def refer_back(text: str, ctx: Context, named_unit: bool) -> str:
    """``text`` with what it refers to in the last turn written out: the last question asked again
    (a bare follow-up), 这项 → the last row, 只算X里的呢 → X中的<subject>, 其中Y → <subject>中Y."""
    if ctx.topic and is_bare(text):
        return ctx.topic
    if ctx.items and REFER.search(text):                      # "那2017年基本支出里这项是多少？"
        return REFER.sub(subject_item(ctx.items), text, count=1)
    if ctx.topic and not named_unit and PART_OF.match(text):  # "只算基本支出里的呢？"
        return f"{PART_OF.match(text).group(1)}中的{subject(ctx.topic)}"
    if ctx.topic and not named_unit and WITHIN.match(text):   # "其中公务接待费呢？"
        rest = WITHIN.sub('', text, count=1)
        share = SHARE_OF_IT.search(rest)
        if share:                                             # "其中因公出国的占了百分之多少"
            return f"{rest[:share.start()]}占{subject(ctx.topic)}的比例是多少"
        return f"{subject(ctx.topic)}中{rest}"
    return text


def asks_of_last(text: str) -> bool:
    """The turn names an operation only (人均, 占比, 为什么 …): it is asked of the last subject."""
    return bool(set(ops_named(text)) & set(OF_SOMETHING))


def asks_change_from_last_year(text: str) -> bool:
    return bool(LAST_YEAR.search(text))


def without_last_year(text: str) -> str:
    return LAST_YEAR.sub("", text)
