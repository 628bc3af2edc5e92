"""The semantic models: determinism, normalisation, concepts; the optional dense model."""

import numpy as np
import pytest

from keqiao.matching.engine import LsaSemanticModel

TEXTS = [
    "锂电池正极材料的制备方法，提高锂离子电池循环寿命",
    "锂离子电池电解液添加剂，改善电池低温性能",
    "水稻抗病品种的分子标记辅助选育",
    "小麦抗旱品种选育与栽培技术",
    "城镇污水生物膜处理工艺",
    "工业废水膜分离处理技术",
]


def test_lsa_is_deterministic_normalised_and_topical():
    a, b = LsaSemanticModel(n_components=4), LsaSemanticModel(n_components=4)
    a.fit(TEXTS)
    b.fit(TEXTS)
    va, vb = a.encode(TEXTS), b.encode(TEXTS)
    assert np.array_equal(va, vb)
    assert np.allclose(np.linalg.norm(va, axis=1), 1.0, atol=1e-5)
    q = a.encode(["锂电池循环寿命"])[0]
    sims = va @ q
    assert int(np.argmax(sims)) in (0, 1)


def test_lsa_concepts_are_readable_terms():
    m = LsaSemanticModel(n_components=4)
    m.fit(TEXTS)
    got = m.concepts(TEXTS[0], TEXTS[1], n=3)
    assert 0 < len(got) <= 3
    assert all(len(c) >= 2 for c in got)


def test_unfitted_model_refuses_to_encode():
    with pytest.raises(RuntimeError):
        LsaSemanticModel().encode(["文本"])


def test_dense_model_from_local_directory(tmp_path):
    pytest.importorskip("sentence_transformers")
    from keqiao.matching.engine import DenseSemanticModel

    with pytest.raises(FileNotFoundError):
        DenseSemanticModel(str(tmp_path / "missing"))
