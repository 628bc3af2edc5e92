"""The platform's matcher finds its lexical candidates in the search indexes: one copy of each listing's
postings per process, kept fresh by the search app."""

import pytest

from keqiao.common import snapshots
from keqiao.matching.engine import matcher as matcher_module
from keqiao.matching.index import SearchIndexes, demand_item, get_match_index, matches_for
from keqiao.search.engine import Document, SearchEngine
from keqiao.search.index import get_index
from keqiao.search.registry import FIELD_WEIGHTS


def test_a_standalone_matcher_weighs_fields_as_the_search_indexes():
    # evaluations and benchmarks run the engine without Django: it must rank as the platform does
    assert matcher_module.FIELD_WEIGHTS == FIELD_WEIGHTS
    assert matcher_module.LEXICAL_FIELDS == ("title", "keywords", "body")


def _engine() -> SearchEngine:
    e = SearchEngine({**FIELD_WEIGHTS, "holder": 0.5}, (), (), secondary_fields=("holder",))
    e.build(
        [
            Document(
                1, {"title": "竹炭吸附材料", "keywords": "", "body": "竹炭 吸附 甲醛", "holder": "某研究院"}
            ),
            Document(2, {"title": "锂电池隔膜", "keywords": "", "body": "隔膜 涂覆", "holder": "竹炭研究所"}),
        ]
    )
    return e


def test_content_only_retrieval_ignores_holder_names():
    e = _engine()
    assert {i for i, _ in e.retrieve_tokens(["竹炭"], 5)} == {1, 2}  # search: the holder counts, below
    assert [i for i, _ in e.retrieve_tokens(["竹炭"], 5, content_only=True)] == [1]


def test_presence_of_tokens_in_chosen_fields():
    e = _engine()
    terms, _idf, known, tf = e.presence_tokens(
        ["竹炭", "未知词"], [1, 2], fields=("title", "keywords", "body")
    )
    assert terms == ["竹炭", "未知词"] and known.tolist() == [True, False]
    assert tf.shape == (2, 2, 3)
    assert tf[0, 0].tolist() == [1, 0, 1]  # title and body of document 1
    assert not tf[1].any()  # document 2 has it only in its holder's name, which is not asked for
    _t, _i, _k, all_fields = e.presence_tokens(["竹炭"], [2])
    assert all_fields[0, 0].tolist() == [0, 0, 0, 1]


@pytest.mark.django_db
def test_the_platform_matcher_keeps_no_postings_of_its_own(make_achievement, make_demand, tmp_path):
    # the test data of an achievement and a demand are about the same problem
    achievement = make_achievement("published", title="基于微卫星标记的半滑舌鳎遗传多样性分析技术")
    demand = make_demand("published")
    rows = matches_for("demand", demand)
    assert rows and rows[0].record == achievement
    index = get_match_index()
    assert index.matcher._engines == {}
    assert isinstance(index.matcher.lexical, SearchIndexes)
    assert index.matcher._engine("achievement") is get_index("achievement").engine
    # the matcher's snapshot carries no search engine, and a loaded one uses the search indexes again
    path = tmp_path / "matcher.pickle"
    snapshots.save(index.matcher, path)
    assert b"SearchEngine" not in path.read_bytes()
    loaded = snapshots.load(path)
    assert [m.id for m in loaded.match(demand_item(demand), "achievement")] == [achievement.pk]


@pytest.mark.django_db
def test_a_listing_published_after_the_matcher_was_built_is_a_lexical_candidate(
    make_achievement, make_demand
):
    make_achievement(
        "published",
        title="高速铁路路基沉降监测方法",
        summary="监测路基沉降。",
        keywords=["路基", "沉降"],
        tech_field="modern_transport",
    )
    demand = make_demand("published")
    assert matches_for("demand", demand) == []
    late = make_achievement("published", title="基于微卫星标记的半滑舌鳎遗传多样性分析技术")
    rows = matches_for("demand", demand)
    assert rows[0].record == late
    assert {"微卫星标记", "遗传多样性"} & set(rows[0].match.shared_terms)  # found by its words
