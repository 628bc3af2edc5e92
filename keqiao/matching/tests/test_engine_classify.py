"""Classifier round trip and keyword suggestion."""

from keqiao.common import text
from keqiao.matching.engine.classify import Classifier, suggest_keywords

TRAIN = [
    ("锂电池正极材料制备与循环寿命", "材料"),
    ("锂离子电池电解液与隔膜材料", "材料"),
    ("纳米复合材料的力学性能", "材料"),
    ("水稻抗病品种分子标记育种", "作物"),
    ("小麦抗旱品种选育与栽培", "作物"),
    ("玉米高产栽培与施肥技术", "作物"),
    ("城镇污水生物膜处理工艺", "环境"),
    ("工业废水膜分离处理", "环境"),
    ("大气颗粒物污染监测与治理", "环境"),
]


def test_predict_and_save_load_round_trip(tmp_path):
    clf = Classifier().fit([t for t, _l in TRAIN], [lab for _t, lab in TRAIN])
    top = clf.predict("一种新型锂电池正极材料", k=3)
    assert top[0][0] == "材料"
    assert len(top) == 3 and abs(sum(p for _l, p in clf.predict("污水", k=10)) - 1.0) < 1e-6
    assert [p for _l, p in top] == sorted((p for _l, p in top), reverse=True)
    assert clf.predict("废水处理工艺", k=1)[0][0] == "环境"
    path = tmp_path / "clf.pickle"
    clf.save(str(path))
    again = Classifier.load(str(path))
    for q in ("水稻育种", "膜分离", "电池材料"):
        assert again.predict(q, k=3) == clf.predict(q, k=3)


def test_suggest_keywords_at_most_k_non_stopword_terms():
    doc = "本发明涉及一种锂电池正极材料的制备方法，该锂电池正极材料具有较高的能量密度和循环寿命。"
    got = suggest_keywords(doc, k=3)
    assert 0 < len(got) <= 3
    assert not set(got) & text.STOPWORDS
    assert all(len(t) >= 2 for t in got)
    assert any("锂电池" in t or "正极" in t for t in got)
    assert suggest_keywords("", k=5) == [] and suggest_keywords(doc, k=0) == []


def test_suggest_keywords_prefers_vocabulary():
    doc = "基于机器视觉的茶叶分拣装置，采用深度学习识别茶叶品质。"
    assert suggest_keywords(doc, k=1, vocabulary=["机器视觉"]) == ["机器视觉"]
