"""Lexical retrieval: BM25 (rank-bm25) over jieba tokens.

jieba's dictionary gets every table row name of the indexed documents plus standard 科目 and budget
terms (``STANDARD_TERMS``), so "公务用车运行费" stays one token. Brackets and quotes are removed
before cutting ("因公出国（境）费" → "因公出国境费", "“三公”经费" → "三公经费") on both sides.
Queries are expanded with ``SYNONYMS`` (colloquial word → the terms the documents use).

Why not langchain_community's BM25Retriever: it cannot restrict the candidates by metadata before
ranking (filtering its top k afterwards loses hits) and returns no scores; we need both for fusion.
"""
from __future__ import annotations

import re
import threading
from pathlib import Path

import numpy as np

STANDARD_TERMS = (
    "一般公共预算", "政府性基金预算", "国有资本经营预算", "财政拨款", "财政专户", "单位资金", "事业收入",
    "收支总预算", "收入总计", "支出总计", "本年收入", "本年支出", "上年结转", "结转结余", "上年结转结余",
    "基本支出", "项目支出", "人员经费", "公用经费", "三公经费", "因公出国境费", "公务接待费",
    "公务用车购置费", "公务用车运行费", "公务用车购置及运行费", "公务用车运行维护费", "工资福利支出",
    "商品和服务支出", "对个人和家庭的补助", "基本工资", "津贴补贴", "奖金", "绩效工资", "伙食补助费",
    "机关事业单位基本养老保险缴费", "职业年金缴费", "职工基本医疗保险缴费", "公务员医疗补助缴费",
    "其他社会保障缴费", "住房公积金", "医疗费", "办公费", "印刷费", "咨询费", "手续费", "水费", "电费",
    "邮电费", "取暖费", "物业管理费", "差旅费", "维修护费", "租赁费", "会议费", "培训费", "专用材料费",
    "劳务费", "委托业务费", "工会经费", "福利费", "其他交通费用", "其他商品和服务支出", "离休费",
    "退休费", "抚恤金", "生活补助", "医疗费补助", "奖励金", "政府采购", "国有资产", "绩效目标",
    "机关运行经费", "实有人数", "编制数", "在职人员", "退休人员", "社会保障和就业支出", "卫生健康支出",
    "住房保障支出", "一般公共服务支出", "教育支出", "城乡社区支出", "农林水支出",
)

# Colloquial word → terms the documents use. Matched on the normalised query text.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "公车": ("公务用车",),
    "车辆": ("公务用车",),
    "养老保险": ("机关事业单位基本养老保险缴费",),
    "三公": ("三公经费",),
    "公积金": ("住房公积金",),
    "工资": ("工资福利支出", "基本工资"),
    "医保": ("职工基本医疗保险缴费", "医疗"),
    "医疗保险": ("职工基本医疗保险缴费",),
    "出国": ("因公出国境费",),
    "出差": ("差旅费",),
    "招待": ("公务接待费",),
    "接待": ("公务接待费",),
    "开会": ("会议费",),
    "人头费": ("人员经费",),
    "办公经费": ("公用经费",),
    "运转经费": ("公用经费", "机关运行经费"),
    "结余": ("结转结余",),
    "结转": ("结转结余",),
    "总预算": ("收支总预算", "收入总计", "支出总计"),
    "总额": ("合计", "总计"),
    "社保": ("社会保险", "社会保障"),
    "补贴": ("津贴补贴", "生活补贴"),
    "人数": ("实有人数", "编制数"),
    "多少人": ("实有人数",),
    "采购": ("政府采购",),
}

STOPWORDS = frozenset("的 了 是 吗 呢 啊 么 和 与 及 或 有 在 为 对 把 被 这 那 个 几 多少 什么 怎么 哪 哪个 哪些 "
                      "请问 一下 这个 那个 分别 一共 总共 是否 如何 为什么 多 少 其中 里 中".split())
_DROP = str.maketrans("", "", "（）()“”\"‘’'《》〈〉【】[]「」")
_TOKEN = re.compile(r"[\w.%]+")

_lock = threading.Lock()
_known_words: set[str] = set()


def normalise(text: str) -> str:
    return text.translate(_DROP)


def configure_jieba(cache_dir: Path | None) -> None:
    """Point jieba's dictionary cache at a folder of ours (the default in /tmp is shared)."""
    import jieba
    if cache_dir is not None and not jieba.dt.initialized:
        cache_dir.mkdir(parents=True, exist_ok=True)
        jieba.dt.tmp_dir = str(cache_dir)


def add_words(words) -> None:
    """Add terms to jieba's dictionary (normalised; idempotent)."""
    import jieba
    import logging
    jieba.setLogLevel(logging.WARNING)
    with _lock:
        for w in words:
            w = normalise(w).strip()
            if len(w) >= 2 and w not in _known_words and not w.isdigit():
                jieba.add_word(w, freq=max(jieba.dt.suggest_freq(w, tune=False), 20000))
                _known_words.add(w)


def tokenize(text: str) -> list[str]:
    """Search-mode tokens of ``text``: jieba's words, each followed by the dictionary words inside it
    (all lengths, unlike jieba's cut_for_search: "机关事业单位基本养老保险缴费支出" also yields
    "机关事业单位基本养老保险缴费"), minus stopwords and punctuation."""
    import jieba
    freq = jieba.dt.FREQ
    tokens = []
    for word in jieba.cut(normalise(text)):
        word = word.strip().lower()
        if not word or not _TOKEN.fullmatch(word):
            continue
        if word not in STOPWORDS:
            tokens.append(word)
        for n in range(2, len(word)):
            for i in range(len(word) - n + 1):
                part = word[i:i + n]
                if freq.get(part) and part not in STOPWORDS:
                    tokens.append(part)
    return tokens


def expand_query(query: str) -> list[str]:
    """The document terms for the colloquial words in ``query`` that it does not already use."""
    q = normalise(query)
    extra: list[str] = []
    for word, terms in SYNONYMS.items():
        if word in q:
            extra += [t for t in terms if t not in q and t not in extra]
    return extra


def query_tokens(query: str) -> list[str]:
    tokens = tokenize(query)
    for term in expand_query(query):
        tokens += tokenize(term)
    return tokens


class LexicalIndex:
    """BM25 over the given texts; ``search`` ranks only the positions allowed by ``mask``."""

    def __init__(self, texts: list[str]):
        from rank_bm25 import BM25Okapi
        self.size = len(texts)
        docs = [tokenize(t) for t in texts]
        self._bm25 = BM25Okapi([d or ["∅"] for d in docs]) if texts else None

    def search(self, query: str, n: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(position, score) of the best ``n`` texts with a positive score, best first."""
        if self._bm25 is None:
            return []
        tokens = query_tokens(query)
        if not tokens:
            return []
        scores = np.asarray(self._bm25.get_scores(tokens), dtype=np.float64)
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
        order = np.argsort(-scores, kind="stable")[:n]
        return [(int(i), float(scores[i])) for i in order if scores[i] > 0]
