"""Topical relevance of a candidate: is it about the query's problem at all?

Matching ranks by a weighted sum of factors, but a sum cannot say "nothing here is relevant": maturity,
price, mode and region add up to a passing score for items with no topical relation, and a semantic
similarity normalised by the best candidate is high for the best of a bad lot.  So every candidate first
gets an absolute probability of topical relevance from the evidence that does not depend on the pool:

* ``coverage`` — the IDF-weighted share of the query's distinct terms found anywhere in the item
  (single Chinese characters count a third: "软" in 软件 is weak evidence);
* ``title_coverage`` — the same share found in the item's title or keywords;
* ``cosine`` — the cosine of query and item in the semantic space (no pseudo-relevance feedback);
* ``feedback_cosine`` — the cosine after one round of pseudo-relevance feedback;
* ``coverage_x_cosine`` — both kinds of evidence at once;
* ``lexical_rank``, ``semantic_rank`` — 1 / (1 + rank) among the candidates by BM25F and by cosine after
  feedback (ties share a rank).  Scale-free, unlike raw BM25, whose values depend on the corpus size: a
  new platform with ten listings and a city with 100,000 read the same.

Two logistic models turn them into probabilities: ``P(relevant)`` (judged 1 or 2) gates the list — an item
below :data:`GATE` is never shown, whatever its structured factors — and ``P(answer)`` (judged 2) ranks the
gated items and gives the grade a person sees.  The coefficients are fitted by
``manage.py evaluate_needs FILE --fit`` on one half of the judged plain-language needs
(keqiao/matching/data/needs.jsonl) and reported on the other half; docs/benchmarks.md has the figures.
"""

from __future__ import annotations

import numpy as np

__all__ = ["FEATURES", "GRADES", "RelevanceModel", "features"]

FEATURES = (
    "coverage",
    "title_coverage",
    "cosine",
    "feedback_cosine",
    "coverage_x_cosine",
    "lexical_rank",
    "semantic_rank",
)
GRADES = ("strong", "good", "possible")
SINGLE_CHAR_WEIGHT = 1 / 3


def term_weights(terms: list[str], idf: np.ndarray) -> np.ndarray:
    """IDF per distinct query term, single CJK characters down-weighted."""
    w = np.asarray(idf, np.float64).copy()
    for j, t in enumerate(terms):
        if len(t) == 1 and not t.isascii():
            w[j] *= SINGLE_CHAR_WEIGHT
    return w


def features(
    tf: np.ndarray,
    weights: np.ndarray,
    cosine: np.ndarray,
    feedback_cosine: np.ndarray,
    bm25: np.ndarray,
    title_fields,
) -> np.ndarray:
    """The feature matrix (candidates × FEATURES) from ``tf[doc, term, field]`` and the two cosines."""
    c = tf.shape[0]
    total = float(weights.sum())
    if total > 0 and tf.shape[1]:
        present = (tf.sum(axis=2) > 0).astype(np.float64)
        coverage = present @ weights / total
        in_title = (tf[:, :, list(title_fields)].sum(axis=2) > 0).astype(np.float64)
        title_coverage = in_title @ weights / total
    else:
        coverage = title_coverage = np.zeros(c)
    cos = np.clip(np.asarray(cosine, np.float64), 0.0, 1.0)
    fcos = np.clip(np.asarray(feedback_cosine, np.float64), 0.0, 1.0)
    bm = np.asarray(bm25, np.float64)
    lex_rank = 1.0 / (1.0 + _rank(-bm)) * (bm > 0)
    sem_rank = 1.0 / (1.0 + _rank(-fcos))
    return np.stack([coverage, title_coverage, cos, fcos, coverage * cos, lex_rank, sem_rank], axis=1)


def _rank(v: np.ndarray) -> np.ndarray:
    """0-based competition rank of every value, smallest first: equal values share a rank (two copies
    of one text are equally relevant)."""
    return np.searchsorted(np.sort(v), v, side="left").astype(np.float64)


class RelevanceModel:
    """Two logistic models over :data:`FEATURES` and the thresholds that turn them into decisions."""

    def __init__(
        self,
        relevant: tuple[tuple[float, ...], float],
        answer: tuple[tuple[float, ...], float],
        gate: float,
        good: float,
        strong: float,
        relative: float = 0.5,
    ) -> None:
        self.relevant_coef = np.asarray(relevant[0], np.float64)
        self.relevant_intercept = float(relevant[1])
        self.answer_coef = np.asarray(answer[0], np.float64)
        self.answer_intercept = float(answer[1])
        self.gate, self.good, self.strong = float(gate), float(good), float(strong)
        self.relative = float(relative)

    def keep(self, p_relevant: np.ndarray) -> np.ndarray:
        """Indices of the candidates shown: P(relevant) at least the gate, and at least ``relative``
        times the best candidate's (a weak tail under a clear answer is noise, not a choice)."""
        if not len(p_relevant):
            return np.zeros(0, np.int64)
        return np.flatnonzero((p_relevant >= self.gate) & (p_relevant >= self.relative * p_relevant.max()))

    @staticmethod
    def _sigmoid(z: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def p_relevant(self, x: np.ndarray) -> np.ndarray:
        return self._sigmoid(x @ self.relevant_coef + self.relevant_intercept)

    def p_answer(self, x: np.ndarray) -> np.ndarray:
        return self._sigmoid(x @ self.answer_coef + self.answer_intercept)

    def grade(self, p_answer: float) -> str:
        """strong / good / possible from the probability that the item answers the query."""
        if p_answer >= self.strong:
            return "strong"
        if p_answer >= self.good:
            return "good"
        return "possible"

    def as_dict(self) -> dict:
        return {
            "relevant": [self.relevant_coef.round(4).tolist(), round(self.relevant_intercept, 4)],
            "answer": [self.answer_coef.round(4).tolist(), round(self.answer_intercept, 4)],
            "gate": self.gate,
            "good": self.good,
            "strong": self.strong,
            "relative": self.relative,
        }


def fit(groups: list[tuple[np.ndarray, np.ndarray, bool]], *, answered: float = 0.95) -> RelevanceModel:
    """Fit both models on judged candidates and choose the thresholds.

    ``groups``: one (features, grades, has_answer) per judged query, grades 0–2 for every candidate
    (unjudged candidates count as 0).  The gate is the highest one that still answers ``answered`` of the
    queries that have an answer; "strong" is the lowest P(answer) above which at least 85 % of the
    shown items were judged answers (2), "good" the lowest above which at least 75 % were judged
    relevant (1 or 2)."""
    from sklearn.linear_model import LogisticRegression

    x = np.concatenate([g[0] for g in groups])
    y = np.concatenate([g[1] for g in groups])
    rel = LogisticRegression(C=1.0, max_iter=5000).fit(x, y >= 1)
    ans = LogisticRegression(C=1.0, max_iter=5000).fit(x, y >= 2)
    model = RelevanceModel(
        ((*rel.coef_[0],), float(rel.intercept_[0])), ((*ans.coef_[0],), float(ans.intercept_[0])), 0, 0, 1
    )
    with_answer = [g for g in groups if g[2]]
    gate = 0.05
    for candidate in np.arange(0.05, 0.95, 0.05):
        model.gate = float(candidate)
        shown = sum(len(model.keep(model.p_relevant(g[0]))) > 0 for g in with_answer)
        if shown < answered * len(with_answer):
            break
        gate = float(candidate)
    model.gate = round(gate, 2)
    pa, grades = [], []
    for g in groups:
        p = model.p_relevant(g[0])
        keep = model.keep(p)
        order = keep[np.argsort(-model.p_answer(g[0][keep]), kind="stable")][:10]
        pa.extend(model.p_answer(g[0][order]).tolist())
        grades.extend(g[1][order].tolist())
    pa_a, gr = np.array(pa), np.array(grades)

    def lowest(condition, share: float) -> float:
        for t in np.arange(0.05, 1.0, 0.05):
            sel = pa_a >= t
            if sel.sum() and condition(gr[sel]).mean() >= share:
                return round(float(t), 2)
        return 1.0

    model.strong = lowest(lambda g: g >= 2, 0.85)
    model.good = min(model.strong, lowest(lambda g: g >= 1, 0.75))
    return model


# Fitted by `manage.py evaluate_needs keqiao/matching/data/needs.jsonl --half b --fit` on half "a" of the
# judged needs (95 needs, every candidate of their pools) and reported on half "b" (docs/benchmarks.md).
DEFAULT = RelevanceModel(
    relevant=((2.7455, 1.612, 2.4291, 2.732, 1.3859, 4.4177, 0.1289), -8.5582),
    answer=((2.5694, 1.8483, 0.8264, 0.6707, 1.6364, 5.3473, 1.3151), -8.5222),
    gate=0.2,
    good=0.05,
    strong=0.45,
    relative=0.5,
)
