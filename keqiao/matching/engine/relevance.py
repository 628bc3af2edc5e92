"""Topical relevance of a candidate: is it about the query's problem at all?

Matching ranks by a weighted sum of factors, but a sum cannot say "nothing here is relevant": maturity,
price, mode and region add up to a passing score for items with no topical relation, and a semantic
similarity normalised by the best candidate is high for the best of a bad lot.  So every candidate first
gets an absolute probability of topical relevance from the evidence that does not depend on the pool:

* ``coverage`` — the IDF-weighted share of the query's distinct terms found anywhere in the item
  (single Chinese characters count a third: "软" in 软件 is weak evidence);
* ``title_coverage`` — the same share found in the item's title or keywords;
* ``cosine`` — the cosine of query and item in the semantic space (no pseudo-relevance feedback), times
  the share of the query's weight the corpus knows;
* ``feedback_cosine`` — the same after one round of pseudo-relevance feedback;
* ``coverage_x_cosine`` — both kinds of evidence at once;
* ``lexical_rank``, ``semantic_rank`` — 1 / (1 + rank) among the candidates by BM25F and by cosine after
  feedback (ties share a rank).  Scale-free, unlike raw BM25, whose values depend on the corpus size: a
  new platform with ten listings and a city with 100,000 read the same;
* ``discipline_prior`` — the probability the query's discipline prior (confirmed discipline, or the
  suggestion model's first three) gives the candidate's discipline; used for ranking only
  (:data:`RANKING_ONLY`);
* ``unknown_share`` — the IDF-weighted share of the query's terms that no listing contains at all: words
  nobody uses are evidence that nothing here is about the problem (and the semantic vector, which sees
  only the known words, overstates the similarity of such a query).

Coverage counts every distinct query term, known or not, after removing :data:`QUERY_FILLER`.

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
    "unknown_share",
    "discipline_prior",
)
# Features the gate (P(relevant)) never uses: a discipline in common is not evidence that an item is about
# the problem, so it may re-rank relevant items (P(answer)) but not let an unrelated one through.
RANKING_ONLY = ("discipline_prior",)
GRADES = ("strong", "good", "possible")
SINGLE_CHAR_WEIGHT = 1 / 3

# Words of a request that say how it is asked, not what it is about ("泡菜杀菌后变软怎么办", "有没有…的
# 办法", "想找…"). Enterprise staff write them in nearly every request; as query terms they match
# unrelated records ("中国有没有封建社会?") and dilute the coverage of the words that matter. Removed from
# queries only (never from indexed text), after segmentation.
QUERY_FILLER = frozenset(
    """
    怎么 怎么办 怎样 怎么样 如何 咋 咋办 为什么 为啥 什么 啥 哪 哪里 哪些 哪种 哪个 多少 几
    有没有 有无 没有 能不能 能否 可不可以 是否 可以 能 会 该 要 想 想要 想找 希望 求 求助 寻求
    需要 需 找 请问 请 帮忙 办法 好办法 方案 方法 问题 技术 一种 一下 一个 现成 的话 总是 老是 老
    经常 越来越 还 又 就 才 都 也 很 太 特别 比较 非常 吗 呢 啊 吧 呀 嘛 我 我们 我家 公司 咱们
    了 着 过 得 地 不 好 有 用 做 弄 搞 让 给 从 被 把 跟 对 在
    """.split()
)


def query_terms(tokens: list[str]) -> list[str]:
    """A request's tokens without the filler words."""
    return [t for t in tokens if t not in QUERY_FILLER]


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
    known: np.ndarray,
    cosine: np.ndarray,
    feedback_cosine: np.ndarray,
    bm25: np.ndarray,
    title_fields,
    *,
    scale_semantic: bool = True,
    discipline_prior: np.ndarray | None = None,
) -> np.ndarray:
    """The feature matrix (candidates × FEATURES) from ``tf[doc, term, field]`` and the two cosines."""
    c = tf.shape[0]
    total = float(weights.sum())
    unknown_share = float(weights[~known].sum() / total) if total > 0 else 0.0
    if total > 0 and tf.shape[1]:
        present = (tf.sum(axis=2) > 0).astype(np.float64)
        coverage = present @ weights / total
        in_title = (tf[:, :, list(title_fields)].sum(axis=2) > 0).astype(np.float64)
        title_coverage = in_title @ weights / total
    else:
        coverage = title_coverage = np.zeros(c)
    # The LSA vector represents only the words the corpus knows: its similarity counts for the share of
    # the query they carry (a pretrained dense model knows the other words too: scale_semantic=False).
    known_share = (1.0 - unknown_share) if scale_semantic else 1.0
    cos = np.clip(np.asarray(cosine, np.float64), 0.0, 1.0) * known_share
    fcos = np.clip(np.asarray(feedback_cosine, np.float64), 0.0, 1.0) * known_share
    bm = np.asarray(bm25, np.float64)
    lex_rank = 1.0 / (1.0 + _rank(-bm)) * (bm > 0)
    sem_rank = 1.0 / (1.0 + _rank(-fcos))
    cols = [
        coverage,
        title_coverage,
        cos,
        fcos,
        coverage * cos,
        lex_rank,
        sem_rank,
        np.full(c, unknown_share),
        np.zeros(c) if discipline_prior is None else np.asarray(discipline_prior, np.float64),
    ]
    return np.stack(cols, axis=1)


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


def fit(
    groups: list[tuple[np.ndarray, np.ndarray, bool]], *, answered: float = 0.95, relative: float = 0.5
) -> RelevanceModel:
    """Fit both models on judged candidates and choose the thresholds.

    ``groups``: one (features, grades, has_answer) per judged query, grades 0–2 for every candidate
    (unjudged candidates count as 0).  The gate is the highest one that still answers ``answered`` of the
    queries that have an answer; "strong" is the lowest P(answer) above which at least 85 % of the
    shown items were judged answers (2), "good" the lowest above which at least 75 % were judged
    relevant (1 or 2)."""
    # heavy (~1.4 s to import): scikit-learn is loaded only when the model is fitted
    from sklearn.linear_model import LogisticRegression

    x = np.concatenate([g[0] for g in groups])
    y = np.concatenate([g[1] for g in groups])
    gate_cols = [j for j, f in enumerate(FEATURES) if f not in RANKING_ONLY]
    rel = LogisticRegression(C=1.0, max_iter=5000).fit(x[:, gate_cols], y >= 1)
    ans = LogisticRegression(C=1.0, max_iter=5000).fit(x, y >= 2)
    rel_coef = np.zeros(len(FEATURES))
    rel_coef[gate_cols] = rel.coef_[0]
    model = RelevanceModel(
        ((*rel_coef,), float(rel.intercept_[0])),
        ((*ans.coef_[0],), float(ans.intercept_[0])),
        0,
        0,
        1,
        relative,
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
# judged needs, each posed twice (the short need and the full posting), every candidate of their pools,
# and reported on half "b" (docs/benchmarks.md).
DEFAULT = RelevanceModel(
    relevant=((1.1168, 0.7093, 3.2726, 3.6115, -0.0432, 6.0827, -0.0954, 0.7864, 0.0), -8.4255),
    answer=((1.6217, 1.1896, 0.6328, 0.4765, 0.8013, 7.2374, 1.3673, -0.9403, 1.113), -8.5375),
    gate=0.35,
    good=0.05,
    strong=0.4,
    relative=0.5,
)

# For an operator's pretrained dense model (KEQIAO_DENSE_MODEL_DIR): its cosines are on another scale than
# LSA's and the judged needs cannot calibrate it (they are Chinese; the model the tests use is English),
# so relevance rests on the cosine (with some weight for word coverage): an item passes the gate from a
# cosine of about 0.15 with no shared word. A lenient product choice, not a measured one: calibrate with
# `evaluate_needs --fit` on needs in the model's language and set the model with Matcher.relevance_model.
DENSE_DEFAULT = RelevanceModel(
    relevant=((2.0, 0.0, 12.0, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0), -2.4),
    answer=((2.0, 0.0, 12.0, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0), -3.0),
    gate=0.35,
    good=0.3,
    strong=0.6,
    relative=0.3,
)
