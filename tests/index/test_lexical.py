import jieba

from index.lexical import LexicalIndex, add_words, expand_query, query_tokens, tokenize


def test_row_names_stay_one_token_once_added():
    add_words(["公务用车运行费", "机关事业单位基本养老保险缴费"])
    assert "公务用车运行费" in jieba.lcut("公务用车运行费是多少")
    assert "公务用车运行费" in tokenize("表10 · 公务用车运行费 · 合计 2.14 万元")
    assert "机关事业单位基本养老保险缴费" in tokenize("机关事业单位基本养老保险缴费支出")


def test_row_names_of_indexed_documents_are_in_the_dictionary(hash_index):
    _, _, index = hash_index
    for name in ("其他企业改革发展补助", "公务员医疗补助缴费", "上级一般公共预算安排转移支付"):
        assert name in jieba.lcut(f"{name}有多少"), name


def test_brackets_and_quotes_do_not_split_terms():
    add_words(["因公出国（境）费", "“三公”经费"])
    assert "因公出国境费" in tokenize("因公出国（境）费")
    assert "三公经费" in tokenize("财政拨款“三公”经费支出情况表")


def test_colloquial_words_expand_to_document_terms():
    assert expand_query("公车花了多少") == ["公务用车"]
    assert "住房公积金" in expand_query("公积金交了多少")
    assert expand_query("住房公积金是多少") == []          # already the document's term
    assert "公务用车" in query_tokens("公车")


def test_bm25_ranks_the_matching_row_first_and_respects_the_mask():
    import numpy as np
    texts = [f"表6 一般公共预算基本支出情况表 · {name} · 合计 {i}.00 万元"
             for i, name in enumerate(["基本工资", "津贴补贴", "奖金", "办公费", "差旅费", "培训费",
                                       "住房公积金", "工会经费", "公务用车运行维护费", "退休费"])]
    index = LexicalIndex(texts)
    assert index.search("公积金是多少", 3)[0][0] == 6
    mask = np.array([i != 6 for i in range(len(texts))])
    assert all(pos != 6 for pos, _ in index.search("公积金是多少", 3, mask))
