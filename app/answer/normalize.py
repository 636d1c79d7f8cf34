"""Question normalisation: full/half width, 繁→简, spaces, colloquial words and English budget terms."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from app.answer.vocabulary import TYPOS

# Colloquial or short words → the wording the tables use. Applied only where the table wording is
# not already there, so "住房公积金" is not turned into "住房住房公积金".
SYNONYMS: tuple[tuple[str, str], ...] = (
    ("公车费用", "公务用车购置及运行费"), ("公务用车费用", "公务用车购置及运行费"), ("公车经费", "公务用车购置及运行费"),
    ("公车运行", "公务用车运行"), ("公车购置", "公务用车购置"), ("买公车", "公务用车购置"), ("买车", "公务用车购置"),
    ("购买公车", "公务用车购置"), ("购车", "公务用车购置"), ("公车", "公务用车"),
    ("用车运行费", "公务用车运行费"), ("车辆运行费", "公务用车运行费"), ("车辆运行维护费", "公务用车运行维护费"),
    ("接待费", "公务接待费"), ("因公出国费", "因公出国（境）费"), ("因公出国境费", "因公出国（境）费"), ("出国境费", "因公出国（境）费"), ("因公出国（境）", "因公出国（境）费"), ("出国费", "因公出国（境）费"), ("出国（境）费", "因公出国（境）费"),
    ("出国(境)费", "因公出国（境）费"), ("因公出国经费", "因公出国（境）费"),
    ("三公经费", "“三公”经费"), ("三公", "“三公”经费"), ('"三公"经费', "“三公”经费"),
    ("公积金", "住房公积金"), ("养老保险缴费", "机关事业单位基本养老保险缴费"),
    ("养老保险", "机关事业单位基本养老保险缴费"), ("医疗保险", "职工基本医疗保险缴费"),
    ("医保", "职工基本医疗保险缴费"), ("工资福利", "工资福利支出"), ("工会费", "工会经费"),
    ("电话费", "邮电费"), ("出差费", "差旅费"), ("出差", "差旅费"), ("办公经费", "办公费"),
    ("社保经办机构", "社会保险经办机构"), ("社保经办", "社会保险经办机构"),
    ("卫生支出", "卫生健康支出"), ("医疗卫生支出", "卫生健康支出"), ("住房支出", "住房保障支出"),
    ("社保和就业支出", "社会保障和就业支出"), ("社会保障支出", "社会保障和就业支出"),
    ("去年没花完结转到今年的钱", "上年结转"), ("结转到今年的钱", "上年结转"), ("结转到今年", "上年结转"),
    ("上一年度结转", "上年结转"), ("上年度结转", "上年结转"), ("结转下来", "上年结转"),
    ("上年结余", "上年结转结余"), ("结转结余", "上年结转结余"), ("结余结转", "上年结转结余"),
    ("本级财力", "一般公共预算"), ("政府基金", "政府性基金"), ("国资预算", "国有资本经营预算"),
    ("人头费", "人员经费"), ("办公经费", "公用经费"), ("运转经费", "公用经费"),
    ("收支预算总计", "收支总预算"), ("收支总计", "收支总预算"), ("收支预算总额", "收支总预算"),
    ("预算总盘子", "收支总预算"), ("总盘子", "收支总预算"), ("预算盘子", "收支总预算"), ("总预算", "收支总预算"), ("预算总额", "收支总预算"), ("预算总数", "收支总预算"),
    ("总收入", "收入总计"), ("收入总额", "收入总计"), ("总支出", "支出总计"), ("支出总额", "支出总计"),
)

# English budget terms → Chinese, so an English question can be linked the same way.
ENGLISH: tuple[tuple[str, str], ...] = (
    # units (place names in pinyin are matched against the loaded units in app/answer/scope.py)
    ("high people's court", "高级人民法院"), ("higher people's court", "高级人民法院"), ("high court", "高级人民法院"),
    ("people's court", "人民法院"), ("people's procuratorate", "人民检察院"), ("procuratorate", "检察院"),
    ("sub-district office", "街道办事处"), ("subdistrict office", "街道办事处"), ("street office", "街道办事处"),
    ("sub-district", "街道"), ("subdistrict", "街道"), ("district government office", "区人民政府办公室"),
    ("government office", "政府办公室"), ("general office", "办公厅"), ("social insurance center", "社会保险中心"),
    ("social insurance centre", "社会保险中心"), ("finance bureau", "财政局"), ("education bureau", "教育局"),
    ("standing committee", "常委会"), ("people's congress", "人大"), ("bureau", "局"),
    ("provincial", "省"), ("province", "省"), ("county", "县"), ("district", "区"), ("municipal", "市"),
    ("carried over from the previous year", "上年结转结余"), ("carried over from last year", "上年结转结余"),
    ("official receptions", "公务接待费"), ("receptions", "公务接待费"), ("postage", "邮电费"),
    ("add up to", "一共"), ("adds up to", "一共"), ("added together", "一共"), ("how many times", "几倍"),
    ("in us dollars", "多少美元"), ("dollars", "美元"),
    ("official vehicle operation", "公务用车运行费"), ("vehicle operation", "公务用车运行费"),
    ("vehicle operating", "公务用车运行费"), ("vehicle purchase", "公务用车购置费"),
    ("official reception", "公务接待费"), ("reception", "公务接待费"), ("overseas travel", "因公出国（境）费"), ("outbound official travel", "因公出国（境）费"), ("outbound travel", "因公出国（境）费"), ("travel abroad", "因公出国（境）费"),
    ("three public", "“三公”经费"), ("housing provident fund", "住房公积金"), ("provident fund", "住房公积金"),
    ("basic expenditure", "基本支出"), ("basic spending", "基本支出"), ("project expenditure", "项目支出"),
    ("project spending", "项目支出"), ("personnel expenses", "人员经费"), ("personnel", "人员经费"),
    ("public expenses", "公用经费"), ("operating expenses", "公用经费"), ("office expenses", "办公费"),
    ("office costs", "办公费"), ("travel", "差旅费"), ("training", "培训费"), ("basic salary", "基本工资"),
    ("basic wage", "基本工资"), ("allowances", "津贴补贴"), ("bonus", "奖金"),
    ("health", "卫生健康支出"), ("housing", "住房保障支出"), ("social security", "社会保障和就业支出"),
    ("carried over", "上年结转结余"), ("carryover", "上年结转结余"), ("carry-over", "上年结转结余"),
    ("government procurement", "政府采购"), ("procurement", "政府采购"),
    ("general public budget", "一般公共预算"), ("government fund", "政府性基金预算支出"),
    ("total budget", "收支总预算"), ("total revenue", "收入总计"), ("total income", "收入总计"),
    ("total expenditure", "支出总计"), ("in yuan", "多少元"), ("yuan", "元"),
    ("share of", "占比例"), ("percentage", "比例"), ("proportion", "比例"), ("ratio", "比例"),
    ("per person", "人均"), ("per capita", "人均"), ("per month", "每月"),
    ("how many staff", "在职人员多少人"), ("staff", "在职人员"), ("employees", "在职人员"),
    ("floor area", "房屋面积"), ("buildings", "房屋"), ("building", "房屋"),
    ("how many vehicles", "几辆车"), ("vehicles", "车辆"), ("cars", "车辆"),
    ("how many departments", "几个科室"), ("departments", "科室"), ("sections", "科室"),
    ("why", "原因"), ("reason", "原因"), ("compared with last year", "比上年"), ("last year", "上年"),
    ("previous year", "上年"), ("change", "变化"), ("difference", "相差多少"), ("which is larger", "哪个多"),
    ("largest", "最多"), ("biggest", "最多"), ("highest", "最多"), ("smallest", "最少"), ("top 3", "前三"),
    ("top three", "前三"), ("sum of", "一共"), ("in total", "一共"), ("total", "合计"),
    ("how much", "多少"), ("how many", "多少"), ("what is", ""), ("and", "和"),
    # single words typed among Chinese ("basic支出", "project支出", "三公budget")
    ("basic", "基本"), ("projects", "项目"), ("project", "项目"), ("income", "收入"), ("revenue", "收入"),
    ("spending", "支出"), ("expenditures", "支出"), ("expenditure", "支出"),
    ("subtotal", "小计"), ("salary", "工资"), ("salaries", "工资"), ("meetings", "会议费"), ("meeting", "会议费"),
)

FULL_TO_HALF = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
                "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ．％"}
FULL_TO_HALF[0x3000] = 0x20


@lru_cache(maxsize=1)
def _t2s():
    import opencc
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def normalise_question(text: str) -> str:
    """Canonical form of a question: half-width digits and letters, simplified characters, no spaces
    between Chinese characters, English budget terms in Chinese."""
    q = unicodedata.normalize("NFC", text).translate(FULL_TO_HALF)
    q = to_simplified(q)
    q = q.replace("(", "（").replace(")", "）").replace('"', "“")
    q = q.translate(str.maketrans("【】〔〕［］", "[][][]"))
    if re.search(r"[a-zA-Z]{3,}", q):
        lowered = q.lower()
        # "what share of A is B" → "B占A的比例"
        lowered = re.sub(r"(?:what\s+)?(?:share|percentage|proportion|part)\s+of\s+(.+?)\s+(?:is|are)\s+(.+?)\s*\??$",
                         r"\2 占 \1 的比例", lowered)
        for en, zh in ENGLISH:
            lowered = re.sub(rf"(?<![a-z]){re.escape(en)}(?![a-z])", zh, lowered)     # also glued to 汉字
        lowered = re.sub(r"(?<=[\u4e00-\u9fff])budgets?(?![a-z])|(?<![a-z])budgets?(?=[\u4e00-\u9fff])", "预算", lowered)
        q = re.sub(r"(?<=[\u4e00-\u9fff）])\s*['’]s\b", "的", lowered)     # 万里街道's → 万里街道的
    for typo, word in TYPOS:
        q = q.replace(typo, word)
    q = re.sub(r"(?<=[省市区县])检(?![察查测验索])", "检察院", q)       # 省检, 市检: the 人民检察院
    q = SHORT_YEAR.sub(lambda m: f"20{m.group(1)}", q)
    return tidy_spaces(q)


# "19年", "18年比17年": a budget year written with two digits (not 近10年, 第15年, 5.18年)
SHORT_YEAR = re.compile(r"(?<![\d.])(?<!近)(?<!过去)(?<!最近)(?<!连续)(?<!第)(?<!满)(?<!前)(?<!后)(?<!这)"
                        r"(?<!几)([1-3]\d)(?=年)(?!年[以之]?来|年内|年间|年期)")


def tidy_spaces(q: str) -> str:
    """No spaces between Chinese characters, single spaces elsewhere."""
    q = re.sub(r"(?<=[\u4e00-\u9fff）])\s+(?=[\u4e00-\u9fff（])", "", q)
    return re.sub(r"\s+", " ", q).strip()


# Two wordings of one item in different templates: a question in one document's wording is read in
# the other's, only where the document has the other wording and not the asked one.
EQUIVALENT: tuple[tuple[str, str], ...] = (
    ("公务用车购置及运行费", "公务用车购置及运行维护费"), ("公务用车运行费", "公务用车运行维护费"),
    ("公务用车购置及运行维护费", "公务用车购置及运行费"), ("公务用车运行维护费", "公务用车运行费"),
    ("全部支出", "支出总计"), ("支出合计", "支出总计"), ("全部收入", "收入总计"), ("收入合计", "收入总计"),
)


def apply_synonyms(q: str, known_labels: frozenset[str] = frozenset()) -> str:
    """Replace colloquial words by table wording, leaving words that are already table wording."""
    out = q
    for short, full in SYNONYMS:
        if short in out and full not in out and not any(short in lab and lab in out for lab in known_labels):
            names = _label_spans(out, known_labels)     # never inside a table's own wording (政府采购支出预算总额)
            bounds = _word_bounds(out)                   # nor inside another word (部门汇总预算: not 总预算)
            out = re.sub(re.escape(short) + r"(?!基金)",            # 养老保险基金 is another thing
                         lambda m: m.group(0) if any(s < m.end() and m.start() < e and not (m.start() <= s and e <= m.end())
                                                      for s, e in names) or not {m.start(), m.end()} <= bounds
                         else full, out)
    # "的支出扣掉X以后": the whole of it, less X
    out = re.sub(r"(?:(?<=^)|(?<=[的年]))(收入|支出)(?=(?:里|中)?(?:扣除|扣掉|扣去|减去|减掉|除去|去掉|刨去|刨除))",
                 lambda m: f"{m.group(1)}总计" if f"{m.group(1)}总计" in known_labels else m.group(0), out)
    for asked, other in EQUIVALENT:
        if asked in out and other not in out and asked not in known_labels and other in known_labels:
            # only as a word of its own: "住房保障支出合计" and "本年收入合计" are other things
            out = re.sub(rf"(?:(?<=^)|(?<=[^\u4e00-\u9fff])|(?<=[的占和与比中在是于为及、])|(?<=\d年)){re.escape(asked)}",
                         other, out)
    return out


def _label_spans(text: str, labels: frozenset[str]) -> list[tuple[int, int]]:
    out = []
    for lab in labels:
        if len(lab) >= 4:
            start = text.find(lab)
            while start >= 0:
                out.append((start, start + len(lab)))
                start = text.find(lab, start + 1)
    return out


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """jieba's words of ``text`` with their positions (the plain dictionary, see _tokenizer)."""
    return list(_tokenizer().tokenize(text))


def _word_bounds(text: str) -> set[int]:
    """Where words begin and end in ``text``, by jieba's plain dictionary (a tokenizer of our own:
    the search index adds row names to jieba's shared one, and questions must read the same either way)."""
    bounds = {0, len(text)}
    for _, start, end in _tokenizer().tokenize(text):
        bounds |= {start, end}
    for i, ch in enumerate(text):          # 出国费比…: a joining character begins a word of its own
        if ch in JOINERS or not "\u4e00" <= ch <= "\u9fff":
            bounds |= {i, i + 1}
    return bounds


JOINERS = "比是的有和与占为了呢吗在较同跟及、"


@lru_cache(maxsize=1)
def _tokenizer():
    import logging
    import os
    import tempfile

    import jieba
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.tmp_dir = os.path.join(tempfile.gettempdir(), f"budgetqa-jieba-{os.getuid()}")
    os.makedirs(tok.tmp_dir, exist_ok=True)
    return tok


# ── words typed with a wrong character of the same sound ────────────────────────────────────────

SOUND_ALIKE_MIN = 3
WHOLE_NAME_MAX = 30
NOT_REPAIRED = set("的是了在有和与为也都就还吗呢吧啊么个这那哪几多少年月日")


def repair_homophones(q: str, names: frozenset[str]) -> str:
    """Words typed with a wrong character of the same sound, as a pinyin keyboard gives them
    (检查院 for 检察院, 三公经废 for 三公经费): a stretch of three or four characters that no name of
    the documents (``names``: rows, items, units) contains, whose toneless pinyin is that of a
    stretch of a name differing in one character only, becomes that stretch — when one stretch fits."""
    grams, by_sound, whole = _sound_index(names)
    out = list(q)
    # a character inside a stretch the names have (公积金 of 住房公积金) is typed right
    right = [False] * len(q)
    for i in range(len(q) - 2):
        if q[i:i + 3] in grams:
            right[i:i + 3] = [True] * 3
    taken = [False] * len(q)
    for n in (4, 3):
        for i in range(len(q) - n + 1):
            gram = q[i:i + n]
            if any(taken[i:i + n]) or not re.fullmatch(r"[\u4e00-\u9fff]+", gram) or gram in grams:
                continue
            fits = {g for g in by_sound.get(_sound(gram), ()) if _one_apart(gram, g, right[i:i + n])}
            if len(fits) != 1:
                continue
            fixed = next(iter(fits))
            at = i + next(k for k in range(n) if gram[k] != fixed[k])
            tried = "".join(out[:i]) + fixed + q[i + n:]
            if _whole_name_at(tried, at, whole):        # 公务用车运形费 → 公务用车运行费, a row's whole name
                out[i:i + n] = list(fixed)
                taken[i:i + n] = [True] * n
    return "".join(out)


def _whole_name_at(text: str, at: int, whole: frozenset[str]) -> bool:
    """A whole name (a row's, a unit's or the end of a unit's) of ``text`` covers position ``at``."""
    for start in range(max(0, at - WHOLE_NAME_MAX + 1), at + 1):
        for end in range(at + 1, min(len(text), start + WHOLE_NAME_MAX) + 1):
            if end - start >= SOUND_ALIKE_MIN and text[start:end] in whole:
                return True
    return False


def _one_apart(typed: str, name: str, right: list[bool]) -> bool:
    apart = [k for k, (a, b) in enumerate(zip(typed, name)) if a != b]
    return len(apart) == 1 and not right[apart[0]] and typed[apart[0]] not in NOT_REPAIRED \
        and name[apart[0]] not in NOT_REPAIRED


def _sound(text: str) -> str:
    from pypinyin import lazy_pinyin
    return " ".join(map(_fuzzy, lazy_pinyin(text)))


def _fuzzy(syllable: str) -> str:
    """A syllable as a pinyin keyboard confuses it: zh/z, ch/c, sh/s, -ng/-n (中心 typed 中兴)."""
    syllable = re.sub(r"^([zcs])h", r"\1", syllable)
    return re.sub(r"([aei])ng$", r"\1n", syllable)


@lru_cache(maxsize=4)
def _sound_index(names: frozenset[str]) -> tuple[frozenset[str], dict[str, set[str]], frozenset[str]]:
    """Every 3- and 4-character stretch of the names, the stretches by their sound, and the whole
    names a repair must complete (the names, and the stretches of a name that end like a unit's
    name: 检察院, 万里街道)."""
    from pypinyin import lazy_pinyin
    grams: set[str] = set()
    by_sound: dict[str, set[str]] = {}
    whole: set[str] = set()
    for name in names:
        plain = re.sub(r"[“”\"]", "", name)
        whole.add(plain)
        for m in re.finditer(r"(?=(街道|办事处|检察院|法院|中心|委员会|办公厅|办公室|[局厅院委办镇乡]))", plain):
            end = m.start() + len(m.group(1))
            whole |= {plain[k:end] for k in range(0, end - SOUND_ALIKE_MIN + 1)}
        for run in re.findall(r"[\u4e00-\u9fff]{%d,}" % SOUND_ALIKE_MIN, re.sub(r"[“”\"]", "", name)):
            syllables = lazy_pinyin(run)
            for n in (3, 4):
                for i in range(len(run) - n + 1):
                    gram = run[i:i + n]
                    if gram not in grams:
                        grams.add(gram)
                        by_sound.setdefault(" ".join(map(_fuzzy, syllables[i:i + n])), set()).add(gram)
    return frozenset(grams), by_sound, frozenset(whole)
