"""Snapshots of the engine: what is pickled is defined where the snapshot version fingerprints it, and a
saved snapshot is loaded (not silently rebuilt) by the next process."""

import io
import pickle

import pytest

from keqiao.common import snapshots
from keqiao.search import engine as engine_module
from keqiao.search.engine import Document, Expansion, SearchEngine
from keqiao.search.index import ListingIndex, _snapshot_version
from keqiao.search.registry import get_definition


def ws(s: str) -> list[str]:
    return s.split()


def used_engine() -> SearchEngine:
    """An engine with every structure a snapshot can hold: a character map, a delta, a deleted document,
    and the per-state caches a search fills (view, delta segment, expansions)."""
    e = SearchEngine(
        {"title": 2.0, "body": 1.0, "holder": 1.0},
        ("field",),
        ("year",),
        tokenizer=ws,
        expansion=Expansion(),
        secondary_fields=("holder",),
    )
    e.build(
        Document(
            i,
            {"title": t, "body": "竹 材料 工艺", "holder": "青神 竹 研究院"},
            {"field": ("材料",)},
            {"year": i},
        )
        for i, t in enumerate(["竹炭 吸附", "竹纤维 复合", "锂电池 预锂化", "石墨烯 导热"], start=1)
    )
    e.upsert(Document(9, {"title": "竹地板 防霉"}, {"field": ("建材",)}))
    e.delete(2)
    e.search("竹", facets=("field",))
    e.suggest("竹碳")
    return e


class _Recorder(pickle.Pickler):
    """Notes the module of every class and function a pickle refers to."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), protocol=pickle.HIGHEST_PROTOCOL)
        self.modules: set[str] = set()

    def reducer_override(self, obj):
        kind = obj if isinstance(obj, type) else type(obj)
        self.modules.add(getattr(obj, "__module__", None) if callable(obj) else kind.__module__)
        return NotImplemented


def test_everything_pickled_in_an_index_state_is_defined_in_the_engine_module():
    # The search snapshot's version is the fingerprint of keqiao/search/engine.py alone, so every project
    # class in a pickled state must live there: a change to its format then rebuilds stale snapshots.
    recorder = _Recorder()
    recorder.dump(used_engine()._state)
    assert {m for m in recorder.modules if m and m.startswith("keqiao")} == {"keqiao.search.engine"}


def test_the_index_and_the_whole_engine_survive_a_snapshot(tmp_path):
    e = used_engine()
    snapshots.save({"state": e._state, "engine": e}, tmp_path / "engine.pickle")
    data = snapshots.load(tmp_path / "engine.pickle")
    reader = SearchEngine(
        {"title": 2.0, "body": 1.0, "holder": 1.0},
        ("field",),
        ("year",),
        tokenizer=ws,
        expansion=Expansion(),
        secondary_fields=("holder",),
    )
    reader._state = data["state"]
    for other in (reader, data["engine"]):
        for query in ("竹", "竹炭", "锂电池 竹", ""):
            assert other.search(query, facets=("field",), sort="relevance") == e.search(
                query, facets=("field",), sort="relevance"
            )
        assert other.suggest("竹碳") == e.suggest("竹碳")
        assert other.explain("竹", 1) == e.explain("竹", 1)
        t, idf, known, tf = other.presence("竹炭 吸附 钛", [1, 9, 2])
        t0, idf0, known0, tf0 = e.presence("竹炭 吸附 钛", [1, 9, 2])
        assert t == t0 and (idf == idf0).all() and (known == known0).all() and (tf == tf0).all()
    assert engine_module.SearchResult is type(e.search("竹"))


@pytest.mark.django_db
def test_a_saved_search_snapshot_is_loaded_by_the_next_process(make_achievement, settings, tmp_path):
    settings.KEQIAO = {**settings.KEQIAO, "SEARCH_SNAPSHOT_DIR": str(tmp_path)}
    a = make_achievement("published", title="竹纤维增强聚乳酸复合材料")
    builder = ListingIndex(get_definition("achievement"))
    assert builder.rebuild(save=True) == 1
    reader = ListingIndex(get_definition("achievement"))
    assert reader._load_snapshot()  # loaded, not rebuilt
    assert reader.engine.retrieve("聚乳酸", 5) == builder.engine.retrieve("聚乳酸", 5)
    assert [i for i, _ in reader.engine.retrieve("竹", 5)] == [a.pk]  # the expansion's character map too


@pytest.mark.django_db
def test_a_snapshot_of_other_engine_code_is_rebuilt(make_achievement, settings, tmp_path):
    settings.KEQIAO = {**settings.KEQIAO, "SEARCH_SNAPSHOT_DIR": str(tmp_path)}
    a = make_achievement("published", title="锂离子电池预锂化技术")
    builder = ListingIndex(get_definition("achievement"))
    builder.rebuild(save=True)
    path = tmp_path / "achievement.pickle"
    with open(path, "rb") as fh:
        data = pickle.load(fh)  # noqa: S301 - the file the test just wrote
    assert data["version"] == _snapshot_version() == snapshots.code_version(engine_module)
    data["version"] = "written-by-other-code"
    with open(path, "wb") as fh:
        pickle.dump(data, fh)
    reader = ListingIndex(get_definition("achievement"))
    assert not reader._load_snapshot()
    reader.refresh()  # rebuilds from the database instead
    assert [i for i, _ in reader.engine.retrieve("预锂化", 5)] == [a.pk]
