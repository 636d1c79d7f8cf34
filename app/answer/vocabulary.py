"""The words every reader of a question shares, in one place: filler (words that ask but name
nothing), operation words (what to compute), amount units. The coverage check (coverage.py) uses
them to tell a word the reading accounts for from one it dropped; the planner detects operations
with the same lists. No other module keeps a list of these words.
"""
from __future__ import annotations

import re

# Words that ask, point or join but name no table, row, column or operation. Longest first when
# matched. A word belongs here only if it never narrows which figure is meant.
FILLER: tuple[str, ...] = (
    # asking
    "请问一下", "请问", "问一下", "我想知道", "想知道", "想了解", "想问", "告诉我", "帮我查一下", "帮我查", "帮我看看",
    "只问", "就问", "单问", "我只问", "查一下", "查查", "看一下", "看看", "说一下", "说说", "知道", "了解一下", "一下",
    "是多少", "有多少", "为多少", "多少钱", "多少万元", "多少万", "多少元", "多少", "几多", "是什么", "是啥", "什么",
    "有没有", "有无", "是否", "吗", "呢", "吧", "啊", "呀", "么", "嘛",
    # pointing and joining
    "这一项", "那一项", "这项", "那项", "该项", "这个", "那个", "这笔", "那笔", "这部分", "那部分", "这些", "那些",
    "其中的", "其中", "里面的", "里面", "里头", "里的", "中的", "之中", "当中", "里", "中", "内", "之内", "这里",
    "它的", "它们", "他们", "该项", "本项", "这里", "那么", "那", "还有", "另外", "再看", "再问",
    "再说回", "说回", "再回到", "回到", "换到", "转到", "切到", "接着说", "接着看", "回过头来看", "回过头看", "回头看",
    "再来看", "再来", "换成", "换个", "接着", "然后", "对于", "关于", "至于", "就是", "也就是", "到底", "究竟", "具体",
    "一大截", "一大块", "不少", "好多", "很多", "反而", "竟然", "居然", "这边", "那边", "说是", "听说", "据说", "好像",
    "大概", "大约", "一共是", "呢", "的话", "的", "地", "得", "了", "着", "过", "是否", "有没有", "为此", "在于", "对于",
    "还是", "或者", "现在", "目前", "要是", "如果", "放在", "看作", "算作", "占了", "一块", "多大一块", "涨跌",
    "用于", "用在", "用来", "拿出", "拿了", "列了", "列支", "列出了", "麻烦", "准备了", "准备", "日常", "平时",
    "口径", "只要", "这块", "那块", "哦", "噢", "嗯", "好吧", "好的", "没有啊", "明白了", "谢谢", "摊到的", "摊到", "分摊到", "只算", "只看", "光算", "光看", "仅看", "仅算", "单就", "单算", "单看", "下来", "这一列", "一列", "一栏", "这一行", "一行", "这一栏", "根据编制说明", "编制说明", "根据说明",
    "根据", "据说明", "按照", "按文件", "照文件说的", "文件说的", "说的", "上面", "下面", "下属的", "多大", "保留两位小数",
    "保留一位小数", "四舍五入", "精确到", "小数", "具体是", "分别是", "一下子",
    # whole of something
    "全部", "整个", "所有", "全体", "总的", "总",
    # budget verbs and generic nouns that every cell of a budget shares
    "预算数", "预算金额", "预算资金", "预算额", "预算", "决算数", "决算", "实际", "安排了", "安排", "预计", "计划", "编列", "编报", "拨了", "拨付",
    "给了", "花了", "花", "花费", "开支", "开销", "支付", "用了", "投入", "经费数", "资金", "金额", "数额", "数字",
    "费用", "钱", "款", "数", "额", "值", "情况", "方面", "部分", "一块", "这块", "那块",
    # the document itself
    "今年", "本年度", "本年", "当年", "年度", "全年", "一年", "年", "单位", "本单位", "该单位", "这个单位", "部门",
    "本部门", "该部门", "机构", "这家", "那家", "份", "文件", "文档", "公开", "表格", "报表", "表里", "表中", "表",
    # amount units
    "亿元", "万元", "元", "万", "亿", "人民币", "以", "按", "计", "为单位", "单位是", "单位为", "换算成", "折合",
)
# Single characters that only join or point: filler when a word of their own (jieba's segmentation),
# never when inside a word (在编, 下属, 本级 keep theirs).
SINGLE_FILLER = frozenset("的了吗呢吧啊呀么嘛着过是有在为给对把被让向从和与及或其该本这那又再还也都就才各每下上中里内列行项")

# Filler that is also part of names (职工基本医疗保险缴费, 公务接待费, 人员经费): dropped when left over,
# but never blanked before names are looked for.
FILLER_IN_NAMES: tuple[str, ...] = (
    # whose money: the people a budget line is for
    "职工们", "职工", "员工", "工作人员", "干部", "大家", "人员", "公务", "经费",
    # how tables are classified and coded (the 科目 itself is named by its name or code)
    "科目编码", "科目代码", "编码", "代码", "科目", "这个科目", "级科目", "项级", "款级", "类级",
)

# Characters typed for others that look or sound alike, in words that every question uses.
TYPOS: tuple[tuple[str, str], ...] = (("管理事物", "管理事务"), ("预箅", "预算"), ("预筭", "预算"), ("多小", "多少"), ("是多上", "是多少"))

# Operation words, by the operation that accounts for them. A question containing one of these
# asks for that computation; an answer that did not apply it did not answer the question.
OP_WORDS: dict[str, tuple[str, ...]] = {
    "diff": ("才到", "才能到", "达到", "水平", "之后", "以后", "后", "多多少", "少多少", "相差", "差额", "差多少", "高多少", "低多少", "差距", "大多少", "小多少", "多出",
             "高出", "低出", "少了多少", "多了多少", "差几", "多几", "少几", "扣除", "扣掉", "扣去", "减去", "减掉", "除去", "去掉",
             "刨去", "刨除", "还剩", "剩下", "剩余", "余下", "之差", "差值", "多还是少", "比"),
    "compare": ("哪个多", "哪个少", "哪个大", "哪个高", "哪个低", "哪个更", "谁多", "谁高", "谁少", "哪一个多",
                "哪个比较", "更多", "更高", "更少", "更大", "比较", "相比"),
    "sum": ("再加上", "加上", "加一块", "加在一块", "合一块", "加一起", "加到一起", "相加", "+", "一共", "总共", "合计", "加起来", "之和", "共计", "总和", "合起来", "加在一起", "总额", "一起", "总计", "共"),
    "share": ("占比", "比例", "比重", "百分比", "百分之", "几成", "占", "几倍", "多少倍", "倍数", "倍", "%"),
    "per_person": ("人均", "每人", "每个人", "每名", "每位", "每个", "平均下来", "平均", "人数", "在职", "退休", "实有", "编制",
                   "一个人", "一人", "个人", "人头", "平摊下来", "平摊", "摊下来", "算"),
    "per_month": ("每月", "月均", "每个月", "平均每月", "一个月", "月"),
    "rank": ("最多", "最大", "最高", "最少", "最低", "最小", "排名", "排序", "排前", "前", "哪一项", "哪项", "哪个项目",
             "哪一类", "哪类", "哪个", "倒数", "第一", "花得", "花的", "项目", "科目", "项", "类", "款"),
    "count": ("几个", "几项", "几类", "多少个", "多少项", "多少类", "个数", "项数", "几", "项目", "科目", "项", "类", "款",
              "一共", "总共", "共"),
    "list": ("哪些", "哪几", "哪两", "哪三", "包括", "包含", "有什么", "列出", "明细", "构成", "组成", "结构", "分布",
             "各多少", "各是多少", "各有多少", "分别", "各项", "各个", "每项", "每一项", "各自", "各", "项目", "科目",
             "项", "类", "款", "大类", "分"),
    "lookup": ("一共", "总共", "合计", "共计", "总计", "总额", "共", "总数", "加起来"),
    "fact": ("标准", "每人每月", "每月每人", "每人", "每月", "哪些", "哪几", "哪家", "哪个", "什么", "几", "多少", "下设",
             "面积", "多大", "价值", "值多少钱", "数量", "人数", "名额", "共有", "现有", "拥有", "占用", "使用",
             "设了", "设",
             "有", "共有", "现有", "目前", "截至", "截止", "底"),
    "yoy": ("比上年", "较上年", "同比", "变化", "增减", "变动", "增长", "下降", "增加", "减少", "增幅", "降幅", "涨",
            "降", "上年", "去年", "上一年", "前一年", "多了", "少了", "持平", "比去年", "与上年相比", "和上年比", "跟去年比",
            "相比", "有何变化", "什么变化", "幅度", "比例", "百分之几", "百分之多少", "百分点", "百分之", "多大", "为啥",
            "上升", "提高", "降低", "回落", "变多", "变少", "多还是少", "比", "减了", "增了", "涨了", "降了", "那么多",
            "压缩", "压减", "缩减", "削减"),
    "prior": ("上年", "去年", "上一年", "前一年", "上个年度", "倒推", "推算", "算出", "反推"),
    "why": ("原因", "为什么", "为何", "怎么回事", "咋回事", "啥原因", "缘由", "为啥", "咋", "怎么", "那么多", "这么多", "没有变化", "没变化",
            "没有变", "没变", "不变", "一样", "没有增加", "没有减少", "钱主要加在哪些地方", "主要加在哪些地方",
            "加在哪些地方", "加在哪里", "加在哪", "花在哪些地方", "花在哪里", "花在哪", "用在哪些地方", "用在哪里", "用在哪",
            "哪些地方", "哪些方面"),
}
# Operations that answer the same words: a comparison computes the difference; a year-on-year
# answer states last year's figure and the change.
OP_ALSO: dict[str, tuple[str, ...]] = {
    "diff": ("compare",), "compare": ("diff",), "yoy": ("prior", "why"), "prior": ("yoy",), "why": ("yoy",),
    "per_month": ("per_person",), "list": ("rank", "count", "multi"), "rank": ("list",), "count": ("list",),
    "multi": ("list", "lookup"), "share": (), "sum": ("list", "lookup"), "fact": ("list", "count"),
}
# Operation words strong enough that an answer which did not apply them answered another question.
# (Weak ones — 比, 共, 前, 几, 月, 算, 各 — also appear in names and plain wording.)
STRONG_OP_WORDS: dict[str, tuple[str, ...]] = {
    "diff": ("扣除", "扣掉", "扣去", "减去", "减掉", "除去", "去掉", "刨去", "刨除", "还剩", "剩下", "余下", "相差", "差额", "差多少",
             "多多少", "少多少", "差距", "之差"),
    "share": ("占比", "比例", "比重", "百分比", "百分之", "几成", "几倍", "多少倍"),
    "per_person": ("人均", "每人", "每个人", "每名", "每位"),
    "per_month": ("每月", "月均", "每个月"),
    "rank": ("最多", "最大", "最高", "最少", "最低", "最小", "排名", "排序"),
    "why": ("原因", "为什么", "为何", "为啥", "缘由", "咋回事", "怎么回事"),
    "sum": ("加上", "加一块", "加在一块", "加一起", "相加", "加起来", "之和", "总和", "合起来", "加在一起", "+", "＋"),
}

AMOUNT_UNITS = ("亿元", "万元", "元")
# What a table's kind is called in questions: a cell of such a table explains these words.
ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "gpb_basic": ("经济分类", "经济科目", "经济分类科目", "按经济分类", "基本支出"),
    "gpb_project": ("经济分类", "经济科目", "项目支出"),
    "expenditure": ("功能分类", "功能科目", "支出预算", "支出总表", "支出"),
    "gpb_expenditure": ("功能分类", "功能科目", "一般公共预算"),
    "income": ("收入预算", "收入总表", "收入"),
    "overview": ("收支总表", "收支预算", "总预算", "收支"),
    "fiscal_overview": ("财政拨款", "收支总表"),
    "gov_fund": ("功能分类", "政府性基金"),
    "soe": ("功能分类", "国有资本经营"),
    "sangong": ("三公", "“三公”经费", "三公经费"),
    "admin_cost": ("机关运行经费", "运行经费"),
    "procurement": ("政府采购", "采购"),
    "carryover": ("上年结转", "结转结余", "结转"),
}
# Patterns that ask how many or how it is counted: 几辆车, 多少人, 三项, 两个 (the measure word, not a name)
COUNTING = re.compile(r"(?:一共|总共|共)?(?:几|多少)\s*(?:个|辆|家|人|名|位|项|类|台|套|张|间|座|处|笔|次|户)?[车人]?"
                      r"|[一二三四五六七八九十两\d]+\s*(?:项|个|类|笔|款)")
# An amount the question states in passing ("少了一千多万", "出国费839万"): the asker's own words
# for a figure, naming nothing.
APPROX_AMOUNT = re.compile(r"(?:约|近|大约|将近|差不多|足足)?[一二三四五六七八九十两几\d.]+(?:多|来|余)?"
                           r"(?:[十百千]*(?:万|亿)|[百千])多?(?:元|块钱|块)?")
YEAR_WORD = re.compile(r"(?<!\d)20\d{2}\s*年(?:度)?|(?<!\d)20\d{2}(?!\d)")
NOISE = re.compile(r"[\s\d.,，。、；;：:？?！!（）()“”\"'《》<>\[\]【】·—\-/%％~～…]+")


def ops_named(text: str) -> set[str]:
    """The operations whose strong words the text contains."""
    return {op for op, words in STRONG_OP_WORDS.items() if any(w in text for w in words)}


def words_of(op: str) -> tuple[str, ...]:
    """The words an operation (and those answering the same words) accounts for."""
    out = list(OP_WORDS.get(op, ()))
    for other in OP_ALSO.get(op, ()):
        out += OP_WORDS.get(other, ())
    return tuple(sorted(set(out), key=len, reverse=True))


# How the planner recognises each operation in a question part (checked in this order; see
# app/answer/plan.py detect_op). The words are the ones listed in OP_WORDS, in context.
OP_PATTERNS: dict[str, re.Pattern] = {
    "why": re.compile(r"原因|为什么|为何|怎么回事|缘由|为啥|咋(?:回事|会|就)|"
                      r"(?:钱)?(?:主要)?(?:加|增|花|用)在(?:了)?哪(?:些|里|儿)?(?:地方|方面)?"),
    "change": re.compile(r"比上年|较上年|同比|变化|增减|变动|增长|下降|增加了|减少了|增加多少|减少多少|增幅|降幅|涨|降了|"
                         r"(?:压缩|压减|缩减|削减)了?多少|"
                         r"[增减]了|[增减]少?了?多少|(?:比|较)(?:去年|上一年).{0,6}(?:多了|少了|多还是少|差多少)"),
    "share": re.compile(r"占(?![用有据])(.{0,20})(比例|比重|百分比|多少|几成|%)|占比|比例|比重|百分之"),
    "prior": re.compile(r"(?:上年|去年|上一年|前一年|上个年度)(?![\u4e00-\u9fff]{0,6}?(?:结转|结余))"),   # 上年财政拨款结转: a column
    "times": re.compile(r"几倍|多少倍|倍数"),
    "per_person": re.compile(r"人均|每人|每个人|每名|每位|平均每个(?!月)|每个在职|每个退休|按.{0,6}人数|按人头|"
                             r"按.{0,8}\d+\s*(?:个)?(?:人|名|编制).{0,4}平均|平均(?:下来|到)?.{0,3}一(?:个)?人|平摊"),
    "per_month": re.compile(r"每月|月均|每个月|平均每月"),
    "diff": re.compile(r"多多少|少多少|相差|差额|差多少|高多少|低多少|差距|大多少|小多少|多出|高出|少了多少|差几|多几|少几|"
                       r"(?:扣除|扣掉|扣去|减去|减掉|除去|去掉|刨去|刨除).{0,24}?(?:还剩|剩下|剩余|余下|还有|多少)"),
    "compare": re.compile(r"哪个多|哪个少|哪个大|哪个高|哪个低|哪个更|谁多|谁高|谁少|哪一个多|哪个比较"),
    "rank": re.compile(r"最多|最大|最高|最少|最低|最小|排名|排序|前\s*[一二三四五六七八九十两\d]+|哪一项|哪项|哪个项目|哪一类"),
    "count": re.compile(r"(?<!哪)(?:几个|几项(?!目)|几类)|多少个|多少项(?!目)|多少类|几名|几辆|多少辆"),
    "list": re.compile(r"哪些|哪几|哪两|哪三|包括什么|包含什么|有什么|列出|明细|构成|组成|结构|分布|各多少|各是多少|各有多少"),
    "sum": re.compile(r"加上|加(?:在)?一块|加一起|加到一起|相加|[+＋]|一共|总共|合计|加起来|之和|共计|总和|合起来|加在一起|总额"),
}

# What the unit is and does, asked in words: answered by quoting the narrative (narrative._passage).
DESCRIBE = re.compile(r"职能|职责|干嘛|干啥|干什么|做什么|做啥|负责什么|负责哪些|牌子|加挂|主要任务|内设机构|机构设置")
WHAT_IT_DOES = re.compile(r"干嘛|干啥|干什么|做什么|做啥|负责什么|负责哪些|主要任务")

# Where money comes from (资金来源): a name with different figures in different tables under one of
# these is never answered by a table's rank alone (一般公共预算 is 291.73 in one table, 361.61 in another).
FUND_SOURCES = ("一般公共预算", "政府性基金", "国有资本经营", "财政拨款", "转移支付", "财政专户", "单位资金", "事业收入",
                "上级补助", "其他收入", "一般财力")

# Final accounts (决算, app/answer/final.py): the measure a question asks for. 预算 words inside a fund's name
# (一般公共预算, 政府性基金预算 …) are no measure.
FUND_NAMES = re.compile(r"一般公共预算|政府性基金预算|国有资本经营预算")
BUDGET_MEASURE = re.compile(r"年初预算|全年预算|预算数|预算(?!执行率)|预算执行率")
FINAL_WORDS = r"决算|实际支出|实际花|实际执行|执行数|实际"
# 执行率 = 决算数 ÷ 预算数, however asked
RATE_ASKED = re.compile(r"执行率|执行进度|完成率|完成(?:了)?(?:年初|全年)?预算(?:数)?的?(?:比例|百分比|多少|几成)|"
                        r"占(?:年初|全年)?预算(?:数)?的?(?:比例|比重|百分比|多少|几成)|决算数?\s*[÷/]\s*(?:年初|全年)?预算")

# Words that say a figure is a change from last year: a question asking one, a narrative figure
# stated as one ("…比上年增加2432.93万元" answers no question about the total).
LAST_YEAR = re.compile(r"比上年|较上年|比去年|较去年|比上一年|与上年相比|同比")
CHANGE_STATED = re.compile(r"增加|减少|增长|下降|上升|降低|增减|变化|变动|持平|比上年|较上年|上年|相比|多了|少了")
