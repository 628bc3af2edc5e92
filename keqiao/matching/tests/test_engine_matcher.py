"""Matcher factors one by one, explanations, updates, both directions (no database)."""

import math

import pytest

from keqiao.common import text as text_analysis
from keqiao.matching.engine import FACTORS, Item, LsaSemanticModel, Matcher
from keqiao.matching.engine.matcher import STRUCTURED_SHARE
from keqiao.matching.engine.relevance import GRADES

BATTERY = "一种锂电池正极材料的制备方法，提高锂离子电池循环寿命和能量密度，适用于储能电站。"
OTHERS = [
    ("水稻抗病品种选育", ("水稻", "抗病育种"), "利用分子标记辅助选择培育抗稻瘟病水稻新品种，提高产量。"),
    ("污水处理生物膜工艺", ("污水处理", "生物膜"), "采用移动床生物膜反应器处理城镇生活污水，降低能耗。"),
    ("中药材种植技术", ("中药材", "种植"), "川芎规范化种植技术与病虫害绿色防控方法。"),
    ("机器人视觉定位", ("机器视觉", "机器人"), "基于深度学习的工业机器人视觉定位与抓取系统。"),
    ("茶叶加工工艺", ("茶叶", "加工"), "绿茶连续化加工生产线及其品质控制方法。"),
    ("桥梁健康监测", ("桥梁", "监测"), "基于光纤传感的桥梁结构健康监测与预警平台。"),
]


def ach(i, **kw):
    base = dict(
        id=i,
        kind="achievement",
        title="锂电池正极材料制备技术",
        keywords=("锂电池", "正极材料"),
        body=BATTERY,
    )
    base.update(kw)
    return Item(**base)


def demand(i=1000, **kw):
    base = dict(
        id=i,
        kind="demand",
        title="需要锂电池正极材料技术",
        keywords=("锂电池",),
        body="我公司生产储能电池，需要提高锂电池正极材料的循环寿命。",
    )
    base.update(kw)
    return Item(**base)


def corpus(*extra):
    items = [
        Item(id=100 + j, kind="achievement", title=t, keywords=k, body=b)
        for j, (t, k, b) in enumerate(OTHERS)
    ]
    items += [
        Item(id=200 + j, kind="demand", title=t, keywords=k, body=b) for j, (t, k, b) in enumerate(OTHERS)
    ]
    return items + list(extra)


def build(*extra, **kw):
    m = Matcher(**kw)
    m.build(corpus(*extra))
    return m


def by_id(matches):
    return {m.id: m for m in matches}


def rank(matches, i):
    return [m.id for m in matches].index(i)


def test_maturity_meets_minimum_beats_below():
    m = build(ach(1, trl=8), ach(2, trl=3))
    res = m.match(demand(trl=7), "achievement")
    assert rank(res, 1) < rank(res, 2)
    got = by_id(res)
    assert got[1].factor_scores["maturity"] == 1.0
    assert got[2].factor_scores["maturity"] < 0.5
    # unknown TRL is neutral
    assert by_id(m.match(demand(trl=None), "achievement"))[1].factor_scores["maturity"] == 0.5


def test_price_within_budget_beats_above():
    m = build(ach(1, price=50_000.0), ach(2, price=500_000.0))
    res = m.match(demand(budget_min=10_000.0, budget_max=100_000.0), "achievement")
    assert rank(res, 1) < rank(res, 2)
    assert by_id(res)[1].factor_scores["price"] == 1.0
    assert by_id(res)[2].factor_scores["price"] == 0.0
    # negotiable price is neutral
    m2 = build(ach(3, price=None))
    assert by_id(m2.match(demand(budget_max=1.0), "achievement"))[3].factor_scores["price"] == 0.5


def test_mode_overlap_beats_none():
    m = build(ach(1, modes=("许可", "转让")), ach(2, modes=("作价投资",)))
    res = m.match(demand(modes=("转让",)), "achievement")
    assert rank(res, 1) < rank(res, 2)
    assert by_id(res)[1].factor_scores["mode"] == 1.0 and by_id(res)[2].factor_scores["mode"] == 0.0


def test_same_region_beats_other():
    m = build(ach(1, region="511402"), ach(2, region="510104"), ach(3, region="511421"))
    res = m.match(demand(region="511402"), "achievement")
    assert rank(res, 1) < rank(res, 3) < rank(res, 2)
    got = by_id(res)
    assert got[1].factor_scores["region"] == 1.0
    assert got[3].factor_scores["region"] == 0.75  # same prefecture (5114)
    assert got[2].factor_scores["region"] == 0.5


def test_classification_agreement():
    m = build(ach(1, discipline="480", tech_field="新材料"), ach(2, discipline="210", tech_field="现代农业"))
    res = m.match(demand(discipline="480", tech_field="新材料"), "achievement")
    assert rank(res, 1) < rank(res, 2)
    assert by_id(res)[1].factor_scores["classification"] == 1.0
    assert by_id(res)[2].factor_scores["classification"] == 0.0
    assert by_id(m.match(demand(), "achievement"))[1].factor_scores["classification"] == 0.5


def test_shares_sum_to_one_and_score_is_weighted_sum():
    m = build(ach(1, trl=5, price=1e5, modes=("转让",), region="511402"))
    for match in m.match(demand(trl=4, budget_max=2e5, modes=("转让",), region="511402"), "achievement"):
        assert set(match.factors) == set(FACTORS) == set(match.factor_scores)
        assert 0.0 <= match.score <= 1.0
        if match.score > 0:
            assert math.isclose(sum(match.factors.values()), 1.0, rel_tol=1e-9)
        # topical relevance carries at least 80 % of the score; structured factors only re-rank
        topical = match.factors["text"] + match.factors["semantic"]
        assert 1 - STRUCTURED_SHARE - 1e-9 <= topical <= 1.0 + 1e-9
        assert all(0.0 <= v <= 1.0 for v in match.factor_scores.values())
        assert match.grade in GRADES


def test_relevant_text_ranks_first_and_shared_terms():
    m = build(ach(1))
    res = m.match(demand(), "achievement")
    assert res[0].id == 1
    assert res[0].factor_scores["text"] > 0.8
    assert "锂电池" in res[0].shared_terms


def test_upsert_replaces_and_delete_removes():
    m = build(ach(1))
    n = len(m)
    assert m.match(demand(), "achievement")[0].id == 1
    m.upsert(ach(1, title="茶叶加工设备", keywords=("茶叶",), body="绿茶揉捻机的改进设计。"))
    assert len(m) == n
    res = m.match(demand(), "achievement")
    assert 1 not in by_id(res)  # now about tea: no longer a match for a battery demand
    assert 1 in by_id(
        m.match(Item(id=9, kind="demand", title="茶叶揉捻机", keywords=(), body="绿茶揉捻"), "achievement")
    )
    m.upsert(ach(2))  # new item
    assert len(m) == n + 1 and m.match(demand(), "achievement")[0].id == 2
    m.delete("achievement", 2)
    assert len(m) == n and 2 not in by_id(m.match(demand(), "achievement"))
    m.delete("achievement", 12345)  # absent: no error
    assert len(m) == n


def test_exclude_ids():
    m = build(ach(1), ach(2))
    assert 1 not in by_id(m.match(demand(), "achievement", exclude_ids={1}))


def test_achievement_to_demand_direction():
    d_ok = demand(2001, trl=5, budget_max=1e6, modes=("转让",))
    d_bad = demand(2002, trl=9, budget_max=1e3, modes=("作价投资",))
    m = build(ach(1), d_ok, d_bad)
    res = m.match(ach(1, trl=6, price=5e5, modes=("转让",)), "demand")
    assert {2001, 2002} <= set(by_id(res))
    assert rank(res, 2001) < rank(res, 2002)
    got = by_id(res)
    assert got[2001].factor_scores["maturity"] == 1.0 and got[2002].factor_scores["maturity"] == 0.25
    assert got[2001].factor_scores["price"] == 1.0 and got[2002].factor_scores["price"] == 0.0
    assert all(r.id >= 200 for r in res)  # only demands come back


def test_top_organizations():
    m = build(
        ach(1, organization_id=7),
        ach(2, organization_id=7),
        ach(3, organization_id=8),
        Item(
            id=4,
            kind="achievement",
            title="茶叶加工",
            keywords=("茶叶",),
            body="绿茶加工工艺。",
            organization_id=9,
        ),
    )
    top = m.top_organizations(demand(), k=2)
    assert [org for org, _s in top] == [7, 8]
    assert top[0][1] > top[1][1] > 0


def test_weights_validation_and_normalisation():
    with pytest.raises(ValueError):
        Matcher(weights={"bogus": 1.0})
    m = Matcher(weights={f: 1.0 for f in FACTORS})
    assert math.isclose(sum(m.weights.values()), 1.0)


def test_prefitted_semantic_model_is_reused_and_roundtrips(tmp_path):
    model = LsaSemanticModel(n_components=8)
    model.fit([b for _t, _k, b in OTHERS] + [BATTERY])
    path = tmp_path / "lsa.pickle"
    model.save(str(path))
    loaded = LsaSemanticModel.load(str(path))
    texts = [BATTERY, OTHERS[0][2]]
    assert (loaded.encode(texts) == model.encode(texts)).all()
    m = Matcher(semantic=loaded)
    m.build(corpus(ach(1)))
    assert m.semantic is loaded and m.match(demand(), "achievement")[0].id == 1


def test_unrelated_item_with_perfect_structured_factors_never_appears():
    perfect = dict(
        trl=9, price=1e4, modes=("转让",), region="511402", discipline="X", industry="C", tech_field="f"
    )
    m = build(
        ach(1),
        Item(
            id=2,
            kind="achievement",
            title="古代诗词格律研究",
            keywords=("诗词",),
            body="唐宋诗词的格律与用韵。",
            **perfect,
        ),
    )
    res = m.match(demand(budget_max=1e6, **{k: v for k, v in perfect.items() if k != "price"}), "achievement")
    assert [r.id for r in res][:1] == [1]
    assert 2 not in by_id(res)


def test_no_good_match_is_an_empty_list():
    m = build(ach(1))
    q = Item(id=5, kind="demand", title="外墙瓷砖空鼓掉砖怎么修", keywords=(), body="外墙瓷砖空鼓掉砖怎么修")
    assert m.match(q, "achievement") == []
    assert m.match(q, "achievement", gate=False)  # the candidates exist; the gate refuses them


def test_own_organisation_items_never_appear():
    m = build(ach(1, organization_id=7), ach(2, organization_id=8))
    res = m.match(demand(organization_id=7), "achievement", exclude_organization=7)
    assert 1 not in by_id(res) and 2 in by_id(res)
    top = m.top_organizations(demand(organization_id=7))
    assert 7 not in [org for org, _s in top]


def test_explanations_cite_only_terms_of_both_texts():
    extra = Item(
        id=3,
        kind="achievement",
        title="储能电站电池管理系统",
        keywords=("储能", "电池管理"),
        body="锂离子电池组的荷电状态估计与均衡控制，延长储能电站电池寿命。",
    )
    m = build(ach(1), extra)
    q = demand()
    q_tokens = set(text_analysis.tokenize(q.text()))
    for match in m.match(q, "achievement"):
        item = ach(1) if match.id == 1 else extra
        i_tokens = set(text_analysis.tokenize(item.text()))
        assert match.shared_terms
        for term in match.shared_terms:
            assert term in q_tokens and term in i_tokens
        for pair in match.shared_concepts:
            left, right = pair.split(" ↔ ")
            assert left in q_tokens and right in i_tokens


class _PretrainedStub:
    """A stand-in for a pretrained dense model: fixed vectors by topic word, knows words no listing uses."""

    is_fitted = True
    dim = 3
    TOPICS = {"电池": 0, "锂": 0, "储能": 0, "蓄电": 0, "茶": 1, "水稻": 2}

    def fit(self, texts):
        pass

    def encode(self, texts):
        import numpy as np

        out = np.zeros((len(texts), 3), np.float32)
        for i, t in enumerate(texts):
            for word, axis in self.TOPICS.items():
                if word in t:
                    out[i, axis] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1
        return out / norms

    def concepts(self, a, b, n=5):
        return []


def test_a_pretrained_model_is_not_judged_by_the_lsa_calibration():
    from keqiao.matching.engine import relevance

    m = Matcher(semantic=_PretrainedStub())
    m.build(corpus(ach(1)))
    assert not m._lsa()
    # words no listing uses ("蓄电") weaken an LSA vector, not a pretrained model's: the cosine stays whole
    q = Item(id=9, kind="demand", title="蓄电设备", keywords=(), body="蓄电设备容量衰减")
    ids, x = m.relevance_features(q, "achievement")
    row = list(ids).index(1)
    assert x[row, relevance.FEATURES.index("cosine")] == pytest.approx(1.0)
    assert 1 in by_id(m.match(q, "achievement"))  # the dense default gate lets a pure meaning match through
    lsa = build(ach(1))
    assert lsa._lsa()


def test_discipline_prior_ranks_but_never_opens_the_gate():
    import numpy as np

    from keqiao.matching.engine import relevance

    j = relevance.FEATURES.index("discipline_prior")
    assert relevance.DEFAULT.relevant_coef[j] == 0 and relevance.DENSE_DEFAULT.relevant_coef[j] == 0
    rng = np.random.default_rng(0)
    x = rng.random((400, len(relevance.FEATURES)))
    grades = np.where(x[:, 0] + x[:, j] > 1.2, 2, 0)  # the prior correlates with answers here
    fitted = relevance.fit([(x[i : i + 20], grades[i : i + 20], True) for i in range(0, 400, 20)])
    assert fitted.relevant_coef[j] == 0 and fitted.answer_coef[j] > 0


def test_the_query_discipline_prior_is_read_per_candidate():
    m = build(ach(1, discipline="A"), ach(2, discipline="B"), ach(3))
    q = demand(discipline_prior=(("B", 0.7), ("A", 0.2)))
    ev = m._evidence(q, "achievement", (), None)
    prior = dict(zip(ev.ids.tolist(), m._discipline_prior(q, ev.store, ev.rows).tolist(), strict=True))
    assert prior[1] == pytest.approx(0.2) and prior[2] == pytest.approx(0.7) and prior[3] == 0.0


def test_keep_applies_the_gate_and_the_relative_cut():
    import numpy as np

    from keqiao.matching.engine.relevance import RelevanceModel

    model = RelevanceModel(((0.0,) * 9, 0.0), ((0.0,) * 9, 0.0), gate=0.3, good=0.5, strong=0.8, relative=0.5)
    assert model.keep(np.array([0.9, 0.5, 0.44, 0.35, 0.2])).tolist() == [0, 1]  # 0.44 < 0.5 × 0.9
    assert model.keep(np.array([0.4, 0.25])).tolist() == [0]  # 0.25 is under the gate
    assert model.keep(np.array([])).tolist() == []
    assert [model.grade(p) for p in (0.9, 0.6, 0.1)] == ["strong", "good", "possible"]


def test_own_items_do_not_crowd_out_the_lexical_pool():
    own = [ach(500 + i, organization_id=7) for i in range(6)]
    other = ach(2, organization_id=8, title="锂电池正极材料回收技术", body="回收废旧锂电池正极材料中的锂。")
    m = Matcher(lexical_pool=3, semantic_pool=0)  # lexical candidates only
    m.build(corpus(*own, other))
    assert 2 in by_id(m.match(demand(organization_id=7), "achievement", exclude_organization=7))


def test_shared_terms_are_shown_as_the_query_writes_them():
    from keqiao.matching.engine.matcher import as_written

    assert as_written(["abb", "变频器", "plc"], "ABB变频器与PLC的通信故障") == ["ABB", "变频器", "PLC"]
    assert as_written(["igbt"], "功率器件") == ["igbt"]  # not written verbatim: left as it is
