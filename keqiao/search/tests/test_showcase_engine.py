"""The engine options of the public showcase: short-term expansion, a secondary holder field, suggestions."""

import pickle

import pytest

from keqiao.search.engine import Document, Expansion, SearchEngine


def ws(text: str) -> list[str]:
    """Whitespace tokenizer: the tests pin the engine, not jieba."""
    return text.lower().split()


SHOWCASE = Expansion()


def engine(expansion=SHOWCASE, secondary=(), holder_weight=0.5, tokenizer=ws, **kw) -> SearchEngine:
    weights = {"title": 3.0, "body": 1.0}
    if secondary or holder_weight:
        weights["holder"] = holder_weight
    return SearchEngine(
        weights, ("org",), (), tokenizer=tokenizer, expansion=expansion, secondary_fields=secondary, **kw
    )


def doc(i, title="", body="", holder="", org="1"):
    return Document(i, {"title": title, "body": body, "holder": holder}, {"org": (org,)})


CORPUS = [
    doc(1, "竹炭 吸附 研究", "竹炭 甲基橙 溶液"),
    doc(2, "竹地板 测试 方法", "地板 标准"),
    doc(3, "茶园 管理", "有机 茶叶"),
    doc(4, "锂电池 正极 材料", "电化学 性能"),
    doc(5, "黄姜 皂素 清洁 生产", "废水"),
    doc(6, "竹 编织 工艺", "竹"),
]


def ids(result):
    return [i for i, _ in (result.hits if hasattr(result, "hits") else result)]


# --- expansion of one- and two-character terms ------------------------------------------------------


def test_short_terms_find_the_words_that_contain_them():
    plain = engine(expansion=None)
    plain.build(CORPUS)
    assert ids(plain.search("竹")) == [6]  # only the document with the word 竹 itself
    assert plain.search("锂电").total == 0 and plain.search("茶").total == 0
    e = engine()
    e.build(CORPUS)
    assert set(ids(e.search("竹"))) == {1, 2, 6}
    assert ids(e.search("锂电")) == [4]
    assert ids(e.search("茶")) == [3]
    assert e.search("竹").terms == ["竹"]  # highlighting marks the 竹 of 竹炭
    assert ids(e.retrieve("茶", 5)) == [3]


def test_an_expanded_word_weighs_less_than_the_exact_term():
    e = engine()
    e.build(CORPUS)
    assert ids(e.search("竹"))[0] == 6  # exact 竹 first, then 竹炭 and 竹地板
    # same occurrence (title and body), the exact word against a word containing it
    e.build([doc(1, "竹炭", "竹炭"), doc(2, "竹", "竹"), doc(3, "其他", "其他")])
    (a, sa), (b, sb) = e.search("竹").hits
    assert (a, b) == (2, 1) and sb <= 0.5 * sa + 1e-6


def test_documents_with_the_exact_term_keep_their_score():
    plain, e = engine(expansion=None), engine()
    corpus = [*CORPUS, doc(7, "竹 竹炭 竹材", "竹")]
    plain.build(corpus)
    e.build(corpus)
    exact = dict(plain.search("竹").hits)
    expanded = dict(e.search("竹").hits)
    assert exact.keys() == {6, 7}
    for i, score in exact.items():
        assert expanded[i] == pytest.approx(score)
    assert e.explain("竹", 7) == {"竹": pytest.approx(exact[7])}
    assert set(e.explain("竹", 1)) == {"竹炭"}


def test_a_document_counts_its_best_expanded_word_not_their_sum():
    e = engine()
    e.build([doc(1, "竹炭 竹材 竹林", ""), doc(2, "竹炭", ""), doc(3, "其他", "")])
    scores = dict(e.search("竹").hits)
    contributions = e.explain("竹", 1)
    assert len(contributions) == 1 and sum(contributions.values()) == pytest.approx(scores[1])


def test_expansion_budget_takes_the_most_frequent_words():
    e = engine(expansion=Expansion(max_terms=1))
    e.build([doc(1, "竹炭"), doc(2, "竹炭"), doc(3, "竹材"), doc(4, "木材")])
    assert set(ids(e.search("竹"))) == {1, 2}
    e = engine(expansion=Expansion(max_postings=2))
    e.build([doc(1, "竹炭"), doc(2, "竹炭"), doc(3, "竹材"), doc(4, "木材")])
    assert set(ids(e.search("竹"))) == {1, 2}


def with_subwords(text: str) -> list[str]:
    """Like jieba's search mode: a long word also yields its first two characters."""
    return [t for w in ws(text) for t in ([w[:2]] if len(w) > 2 else []) + [w]]


def test_long_queries_and_parts_of_longer_query_words_are_not_expanded():
    e = engine(expansion=Expansion(max_query_words=2), query_tokenizer=with_subwords)
    e.build([doc(1, "竹炭"), doc(2, "甲基橙"), doc(3, "甲基化 研究"), doc(4, "茶园")])
    assert set(ids(e.search("竹 茶"))) == {1, 4}
    assert ids(e.search("竹 茶 其他")) == []  # three words: no expansion
    # "甲基" is the sub-word of the query word "甲基橙", not a query term of its own: not expanded
    assert ids(e.search("甲基橙")) == [2]
    assert set(ids(e.search("甲基"))) == {2, 3}


def test_jieba_split_short_query_is_expanded_whole():
    """With the real tokenizer: "竹" finds the CSL abstract about 竹炭, "锂电" the 锂电池 records."""
    from keqiao.common import text

    e = engine(tokenizer=text.tokenize, holder_weight=0)
    e.build(
        [
            doc(1, "竹炭对甲基橙溶液吸附行为的研究", "研究了竹炭对甲基橙的吸附。"),
            doc(2, "锂电池正极材料的合成及电化学性能"),
            doc(3, "富锌富硒有机茶园的管理"),
            doc(4, "高速铁路路基沉降监测"),
            doc(5, "研究目的与意义"),
        ]
    )
    assert ids(e.search("竹")) == [1]
    assert ids(e.search("锂电")) == [2]
    assert ids(e.search("茶")) == [3]
    assert ids(e.search("路路")) == []  # a substring of the text that is no part of any word
    assert [x.unit for x in e._query_plan(e._state, "的 竹")[3]] == [
        "竹"
    ]  # a stopword is not expanded (to 目的)
    assert [x.unit for x in e._query_plan(e._state, "目")[3]] == ["目"]


def test_updates_reach_the_character_map_and_snapshots_keep_it():
    e = engine()
    e.build(CORPUS)
    e.upsert(doc(8, "竹笋 加工"))
    assert 8 in ids(e.search("竹"))
    e.delete(1)
    assert 1 not in ids(e.search("竹"))
    e.delta_limit = 0
    e.upsert(doc(9, "竹篮 编织"))  # merges the delta
    assert {2, 6, 8, 9} == set(ids(e.search("竹")))
    reader = engine()
    reader._state = pickle.loads(pickle.dumps(e._state))  # noqa: S301 - our own bytes
    assert set(ids(reader.search("竹"))) == {2, 6, 8, 9}


def test_expansion_is_off_by_default():
    e = SearchEngine({"title": 1.0}, (), (), tokenizer=ws)
    e.build([Document(1, {"title": "竹炭"})])
    assert e.retrieve("竹", 5) == [] and e._state.char_terms is None and e.suggest("竹碳") == []


# --- a secondary (holder) field ---------------------------------------------------------------------

HOLDER = "青神 竹 产业 研究院"
HOLDER_CORPUS = [
    doc(1, "竹 编织 工艺", "竹 竹 竹", holder="眉山 大学", org="1"),
    doc(2, "长 文章", "竹 " + "填充 " * 60, holder="眉山 大学", org="1"),  # weak content match
    doc(3, "黄姜 皂素", "废水", holder=HOLDER, org="2"),
    doc(4, "光纤 废水 处理", "工程", holder=HOLDER, org="2"),
    doc(5, "竹 地板", "标准", holder=HOLDER, org="2"),
]


def test_a_document_matching_only_by_its_holder_ranks_below_every_content_match():
    # Even with a heavy holder weight, under which BM25F alone would rank the holder-only documents first
    plain = engine(expansion=None, holder_weight=5.0)
    plain.build(HOLDER_CORPUS)
    order = ids(plain.search("竹"))
    assert order.index(3) < order.index(2)  # what happens without the secondary field
    e = engine(expansion=None, secondary=("holder",), holder_weight=5.0)
    e.build(HOLDER_CORPUS)
    result = e.search("竹")
    assert result.total == 5
    assert set(ids(result)[:3]) == {1, 2, 5} and set(ids(result)[3:]) == {3, 4}
    assert all(s > 0 for _i, s in result.hits)


def test_the_holder_adds_to_a_content_match():
    e = engine(expansion=None, secondary=("holder",))
    e.build([doc(1, "竹 地板", holder="眉山 大学"), doc(2, "竹 地板", holder="青神 竹 产业"), doc(3, "其他")])
    assert ids(e.search("竹")) == [2, 1]
    assert ids(e.search("青神 地板")) == [2, 1]  # a holder word helps a content match
    assert ids(e.search("青神")) == [2]  # and alone still finds the holder's records


def test_holder_only_matches_through_expansion_rank_last_too():
    e = engine(secondary=("holder",))
    e.build(
        [
            doc(1, "研究", "研究", holder="青神 竹产业 研究院"),
            doc(2, "竹炭 吸附", "吸附", holder="眉山 大学"),
        ]
    )
    assert ids(e.search("竹")) == [2, 1]


def test_secondary_fields_are_checked():
    with pytest.raises(ValueError):
        SearchEngine({"title": 1.0}, (), (), tokenizer=ws, secondary_fields=("holder",))
    with pytest.raises(ValueError):
        SearchEngine({"holder": 1.0}, (), (), tokenizer=ws, secondary_fields=("holder",))


# --- suggestions ------------------------------------------------------------------------------------


def test_suggestions_are_near_words_that_have_documents():
    e = engine()
    e.build(
        [
            doc(1, "竹炭 吸附"),
            doc(2, "竹炭 材料"),
            doc(3, "竹材 加工"),
            doc(4, "木炭 燃烧"),
            doc(5, "碳纤维 复合"),
        ]
    )
    sugg = e.suggest("竹碳")
    assert sugg[0] == "竹炭"  # one character replaced, the most frequent word first
    assert set(sugg) == {"竹炭", "竹材"}  # 碳纤维 is two edits away, 木炭 too
    assert e.suggest("炭") == ["竹炭", "木炭"]  # a character added
    assert e.suggest("竹炭吸") == ["竹炭"]  # a character dropped
    assert e.suggest("碳纤维复") == ["碳纤维"]
    assert e.suggest("bamboo") == [] and e.suggest("") == []
    assert e.suggest("质谱 竹碳")[0] == "质谱 竹炭"  # the rest of the query is kept
    e.delete(3)
    e.delta_limit = 0
    e.upsert(doc(6, "其他"))  # statistics are exact again after the merge
    assert e.suggest("竹碳") == ["竹炭"]  # a word without documents is not suggested


def test_suggestions_fall_back_to_words_sharing_characters():
    e = engine()
    e.build([doc(1, "微卫星标记 技术"), doc(2, "卫星 遥感")])
    assert e.suggest("微卫标记")[:1] == ["微卫星标记"]  # one edit
    assert "微卫星标记" in e.suggest("卫星微标")  # two edits, but shares all its characters
