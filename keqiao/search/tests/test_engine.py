import math
import threading

import pytest

from keqiao.search.engine import Document, SearchEngine


def ws(text: str) -> list[str]:
    """Deterministic whitespace tokenizer so the tests pin engine behaviour, not jieba's."""
    return text.lower().split()


FACETS = ("field", "ip_type")
SORTS = ("published", "price")


def make_engine(**kw) -> SearchEngine:
    return SearchEngine({"title": 3.0, "body": 1.0}, FACETS, SORTS, tokenizer=ws, **kw)


def doc(i, title="", body="", field=(), ip=(), published=None, price=None):
    sv = {}
    if published is not None:
        sv["published"] = published
    if price is not None:
        sv["price"] = price
    return Document(i, {"title": title, "body": body}, {"field": tuple(field), "ip_type": tuple(ip)}, sv)


CORPUS = [
    doc(1, "solar cell", "perovskite solar cell efficiency", ["energy"], ["patent", "software"], 10, 5.0),
    doc(2, "battery", "lithium battery for solar storage", ["energy"], ["patent"], 30, None),
    doc(3, "rice breeding", "hybrid rice yield", ["agri"], ["secret"], 20, 1.0),
    doc(4, "rice drying machine", "solar dryer for rice", ["agri", "energy"], ["utility"], None, 3.0),
    doc(5, "textile dyeing", "wastewater treatment in dyeing", ["chem"], ["patent", "utility"], 40, 2.0),
]


@pytest.fixture
def eng():
    e = make_engine()
    e.build(CORPUS)
    return e


def ids(result):
    return [i for i, _ in result.hits]


def test_ranking_prefers_more_and_rarer_terms(eng):
    hits = eng.retrieve("perovskite solar", k=10)
    assert hits[0][0] == 1
    assert {i for i, _ in hits} == {1, 2, 4}  # OR semantics: every doc containing "solar"
    assert all(a[1] >= b[1] for a, b in zip(hits, hits[1:], strict=False))
    assert eng.retrieve("nonexistent", 10) == []
    assert len(eng.retrieve("solar", 2)) == 2


def test_field_weight_title_beats_body():
    e = SearchEngine({"title": 5.0, "body": 1.0}, (), (), tokenizer=ws)
    e.build(
        [Document(1, {"title": "x", "body": "alpha beta"}), Document(2, {"title": "alpha", "body": "x beta"})]
    )
    assert e.retrieve("alpha", 2)[0][0] == 2
    e2 = SearchEngine({"title": 1.0, "body": 5.0}, (), (), tokenizer=ws)
    e2.build(
        [Document(1, {"title": "x", "body": "alpha beta"}), Document(2, {"title": "alpha", "body": "x beta"})]
    )
    assert e2.retrieve("alpha", 2)[0][0] == 1


def test_filters_or_within_and_across(eng):
    r = eng.search("", filters={"field": ["agri", "chem"]}, sort="id")
    assert ids(r) == [3, 4, 5] and r.total == 3
    r = eng.search("", filters={"field": ["energy"], "ip_type": ["patent"]}, sort="id")
    assert ids(r) == [1, 2]
    r = eng.search("rice", filters={"field": ["energy"]})
    assert ids(r) == [4]
    r = eng.search("rice", filters={"field": ["unknown-value"]})
    assert r.total == 0 and r.hits == []
    with pytest.raises(ValueError):
        eng.search("", filters={"nope": ["x"]})


def test_disjunctive_facet_counts_hand_computed(eng):
    r = eng.search("solar rice", filters={"field": ["energy"]}, facets=["field", "ip_type"])
    # query matches 1,2,3,4; field=energy keeps 1,2,4.
    assert r.total == 3
    # field counts ignore the field filter itself: docs 1,2,3,4
    assert r.facets["field"] == {"energy": 3, "agri": 2}
    # ip_type counts are narrowed by the field filter: docs 1,2,4
    assert r.facets["ip_type"] == {"patent": 2, "software": 1, "utility": 1}
    r = eng.search("", filters={"field": ["chem"], "ip_type": ["utility"]}, facets=["field", "ip_type"])
    assert ids(r) == [5]
    assert r.facets["field"] == {"agri": 1, "chem": 1, "energy": 1}  # utility docs: 4, 5
    assert r.facets["ip_type"] == {"patent": 1, "utility": 1}  # chem docs: 5


def test_pagination_offset_limit_total(eng):
    full = eng.search("", sort="id", limit=100)
    assert ids(full) == [1, 2, 3, 4, 5] and full.total == 5
    page = eng.search("", sort="id", offset=2, limit=2)
    assert ids(page) == [3, 4] and page.total == 5
    assert eng.search("", sort="id", offset=10, limit=5).hits == []
    assert ids(eng.search("solar", offset=1, limit=1)) == [ids(eng.search("solar"))[1]]


def test_sort_asc_desc_nan_last(eng):
    assert ids(eng.search("", sort="published")) == [1, 3, 2, 5, 4]
    assert ids(eng.search("", sort="-published")) == [5, 2, 3, 1, 4]
    assert ids(eng.search("", sort="price")) == [3, 5, 4, 1, 2]
    assert ids(eng.search("", sort="-price")) == [1, 4, 5, 3, 2]
    # the partial-selection path (need << candidates) gives the same prefix
    assert ids(eng.search("", sort="-price", limit=1)) == [1]
    with pytest.raises(ValueError):
        eng.search("", sort="nope")


def test_browse_relevance_falls_back_to_first_sort_desc(eng):
    r = eng.search("")
    assert ids(r) == [5, 2, 3, 1, 4] and r.terms == []
    assert all(score == 0.0 for _, score in r.hits)


def test_unknown_terms_match_nothing_and_terms_reported(eng):
    r = eng.search("zzz qqq")
    assert r.total == 0 and r.hits == []
    r = eng.search("rice zzz")
    assert r.terms == ["rice"] and set(ids(r)) == {3, 4}


def test_upsert_replaces_old_text(eng):
    eng.upsert(doc(3, "wheat breeding", "drought tolerant wheat", ["agri"], ["patent"], 50, 9.0))
    assert 3 not in [i for i, _ in eng.retrieve("hybrid", 10)]
    assert eng.retrieve("wheat", 10)[0][0] == 3
    assert len(eng) == 5
    r = eng.search("", facets=["ip_type"], sort="-published")
    assert ids(r)[0] == 3
    assert r.facets["ip_type"]["patent"] == 4 and "secret" not in r.facets["ip_type"]
    eng.upsert(doc(6, "new rice", "rice rice", ["agri"], []))
    assert len(eng) == 6 and 6 in [i for i, _ in eng.retrieve("rice", 10)]
    # replacing a delta document again keeps a single copy
    eng.upsert(doc(6, "newer rice", "rice", ["chem"], []))
    assert [i for i, _ in eng.retrieve("rice", 10)].count(6) == 1
    assert eng.search("", facets=["field"]).facets["field"]["chem"] == 2


def test_delete_removes_from_hits_and_facets(eng):
    eng.delete(5)
    eng.delete(999)  # absent: no-op
    assert len(eng) == 4
    assert eng.retrieve("dyeing", 10) == []
    r = eng.search("", facets=["field", "ip_type"])
    assert 5 not in ids(r) and "chem" not in r.facets["field"]
    assert r.facets["ip_type"]["utility"] == 1
    eng.upsert(doc(7, "dyeing again", "", ["chem"], []))
    eng.delete(7)  # delete from the delta segment
    assert eng.retrieve("dyeing", 10) == [] and len(eng) == 4
    assert eng.explain("dyeing", 7) == {}


def test_delta_merge_threshold_path():
    e = make_engine(delta_limit=3)
    e.build(CORPUS)
    for i in range(10, 18):
        e.upsert(doc(i, f"item{i} gadget", "gadget", ["x"], ["patent"], i, float(i)))
        assert len(e._state.delta_docs) <= 3
    assert e.merges == 2  # merged when the delta exceeded 3 docs (after the 4th and 8th upsert)
    e.delete(1)
    e.upsert(doc(2, "battery replaced", "", ["energy"], []))
    assert len(e) == 12
    assert {i for i, _ in e.retrieve("gadget", 20)} == set(range(10, 18))
    assert e.retrieve("perovskite", 5) == []
    r = e.search("", facets=["field"], sort="published", limit=50)
    assert r.total == 12 and r.facets["field"]["x"] == 8
    # merging again compacts deleted rows and keeps results identical
    before = e.search("gadget battery", limit=50)
    for i in range(20, 25):
        e.upsert(doc(i, "zz", "", [], []))
    assert e.merges >= 3
    after = e.search("gadget battery", limit=50)
    assert ids(after) == ids(before)


def test_delta_scores_match_full_build_for_identical_stats():
    # A doc upserted into the delta is scored with main statistics, so ranking stays sane.
    e = make_engine()
    e.build(CORPUS)
    e.upsert(doc(9, "perovskite perovskite", "perovskite", ["energy"], []))
    assert e.retrieve("perovskite", 2)[0][0] == 9


def test_explain_sums_to_score(eng):
    score = dict(eng.retrieve("solar rice dryer", 10))[4]
    parts = eng.explain("solar rice dryer", 4)
    assert set(parts) == {"solar", "rice", "dryer"}
    assert math.isclose(sum(parts.values()), score, rel_tol=1e-5)
    assert eng.explain("solar", 3) == {}
    assert eng.explain("solar", 12345) == {}


def test_concurrent_search_during_upserts(eng):
    errors = []

    def reader():
        try:
            for _ in range(200):
                r = eng.search("rice solar", facets=["field"])
                assert len(set(ids(r))) == len(r.hits)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    t = threading.Thread(target=reader)
    t.start()
    for i in range(100, 300):
        eng.upsert(doc(i, "rice", "", ["agri"], []))
    t.join()
    assert not errors
    assert eng.search("rice").total == 202


def test_default_tokenizer_chinese():
    e = SearchEngine({"title": 3, "keywords": 3, "body": 1}, ("field",), ("trl",))
    e.build(
        [
            Document(
                1,
                {"title": "遗传多样性分析", "keywords": "微卫星标记 半滑舌鳎", "body": "养殖群体"},
                {"field": ("农业",)},
                {"trl": 3},
            ),
            Document(
                2,
                {"title": "直齿轮轮齿变形计算", "keywords": "数值计算", "body": "有限元"},
                {"field": ("机械",)},
                {"trl": 5},
            ),
        ]
    )
    assert e.retrieve("微卫星标记", 1)[0][0] == 1
    assert e.retrieve("轮齿变形", 1)[0][0] == 2
    assert e.search("").hits[0][0] == 2  # browse: trl descending


def test_single_valued_facet_or_filter_and_counts():
    # every doc has exactly one "field" value -> the engine's dense-code fast path
    e = make_engine()
    e.build([doc(i, "w", "", [f], []) for i, f in enumerate("aabcc", start=1)])
    r = e.search("", filters={"field": ["a", "c"]}, facets=["field"], sort="id")
    assert ids(r) == [1, 2, 4, 5]
    assert r.facets["field"] == {"a": 2, "c": 2, "b": 1}
    r = e.search("", filters={"field": ["b"], "ip_type": ["none"]}, facets=["field"])
    assert r.total == 0 and r.facets["field"] == {}


def test_merged_index_scores_equal_full_build():
    extra = [
        doc(20, "solar rice", "solar solar", ["energy"], ["patent"], 1, 1.0),
        doc(21, "dyeing", "", [], []),
    ]
    full = make_engine()
    full.build([d for d in CORPUS if d.id != 2] + extra)
    inc = make_engine(delta_limit=1)
    inc.build(CORPUS)
    inc.delete(2)
    for d in extra:
        inc.upsert(d)
    assert inc.merges == 1 and not inc._state.delta_docs
    for q in ("solar", "rice dyeing", "battery", "solar rice perovskite"):
        a, b = full.retrieve(q, 10), inc.retrieve(q, 10)
        assert [i for i, _ in a] == [i for i, _ in b]
        assert all(math.isclose(x, y, rel_tol=1e-6) for (_, x), (_, y) in zip(a, b, strict=True))


def test_build_duplicate_ids_last_wins():
    e = make_engine()
    e.build([doc(1, "old"), doc(2, "other"), doc(1, "new")])
    assert len(e) == 2
    assert e.retrieve("old", 5) == [] and [i for i, _ in e.retrieve("new", 5)] == [1]


def test_presence_per_field_with_unknown_terms():
    e = make_engine()
    e.build(CORPUS)
    terms, idf, known, tf = e.presence("solar rice quinoa", [1, 4, 3, 999])
    assert terms == ["solar", "rice", "quinoa"]
    assert known.tolist() == [True, True, False]
    # an unknown term weighs like a word of one document, more than any commoner word
    assert idf[2] >= idf.max() - 1e-12 and math.isfinite(idf[2])
    title, body = 0, 1
    assert tf[0, 0, title] == 1 and tf[0, 0, body] == 1 and tf[0, 1].sum() == 0  # doc 1: solar, no rice
    assert tf[1, 0, body] == 1 and tf[1, 1, title] == 1  # doc 4: solar in body, rice in both
    assert tf[2, 0].sum() == 0 and tf[2, 1, title] == 1  # doc 3: rice only
    assert tf[3].sum() == 0 and tf[:, 2].sum() == 0  # unknown doc, unknown term


def test_presence_sees_upserted_documents_and_counts_them_in_idf():
    e = make_engine(delta_limit=10_000)
    e.build(CORPUS)
    _t, idf_before, _k, _tf = e.presence("quinoa", [1])
    e.upsert(doc(6, "quinoa", "quinoa drying"))
    e.upsert(doc(7, "quinoa flour", "milling"))
    terms, idf_after, known, tf = e.presence("quinoa", [6, 7, 1])
    assert known.tolist() == [True]
    assert tf[:, 0].sum(axis=1).tolist()[:2] == [2, 1] and tf[2].sum() == 0
    assert idf_after[0] < idf_before[0]  # two documents have it now, not "one at most"


def test_small_index_merges_when_the_delta_outgrows_the_main_segment():
    e = make_engine()
    e.build(CORPUS[:1])
    for i in range(2, 6):
        e.upsert(doc(i, f"item {i}", "body"))
    assert e.merges >= 1
    assert len(e) == 5
