"""Discipline auto-classification and keyword suggestion (pure; no Django).

:class:`Classifier`: TF-IDF over jieba search-mode words stacked with TF-IDF over character
1–2-grams (the character block weighted ×1.5), then a linear SVM (one-vs-rest ``LinearSVC``, C=0.5,
class weights balanced so the rare disciplines are not drowned by the frequent ones).  Each CSL
discipline label it is trained on is also given the names of its GB/T 13745-2009 sub-disciplines as
extra training texts (the bundled reference data, ``keqiao/common/data/gbt13745-2009-disciplines.csv``,
in chunks of 20 names; see :func:`discipline_reference_texts`): rare labels (天文学, 物理学, 植物保护
have 2–4 records in a half) get vocabulary their few records lack.  ``predict`` returns the top ``k``
labels with softmax-normalised decision scores (a temperature-scaled softmax: monotone in the SVM margin
and summing to 1 over all labels, *not* calibrated probabilities).

Measured on CSL dev (67 disciplines), ``manage.py evaluate_matching``: stratified 10-fold
cross-validation over the 2,758 records 0.6465 (three shuffles: 0.6465 / 0.6468 / 0.6468; C=1 with the
blocks weighted equally: 0.6418 / 0.6400 / 0.6418); ``split_records`` halves, train 1,364 → test 1,394:
0.601 (0.597 with C=1 and equal blocks, 0.588 without class weights and reference texts).  Tried by
cross-validation and not kept (within the ±0.005 spread between shuffles, or worse): char 1–3-grams,
word bigrams, min_df=2, C in 0.3–2, char block ×0.6/×2/×3, class weights ∝ n^-0.5 … n^-2, reference
texts weighted ×0.5/×2 or left out, keyword/title fields weighted up, keywords and sub-discipline names
added to the jieba dictionary, training keywords as phrase features, a category-level (label
hierarchy) SVM added to the scores, LSA features, Crammer–Singer and one-vs-one SVMs, logistic
regression, ridge, SGD, complement/multinomial NB, NB-SVM, nearest centroid, kNN and its blend with the
SVM, random-subspace bagging, test-time averaging over title+keywords and abstract, and SVM+NB(+centroid)
score blends.  With this much training text, bag-of-words models level off at about 0.64–0.65.

:func:`suggest_keywords`: TF × IDF over the text's words, IDF from the corpus the most recent
classifier was fitted on (else jieba's bundled IDF table), known domain words (``vocabulary``)
weighted up, sub-words of a chosen word dropped.
"""

from __future__ import annotations

import csv
import functools
import math
import os
import pickle  # nosec B403  # snapshots the app wrote itself, in its own directory
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from keqiao.common import text as text_analysis

from .semantic import _char_preprocess, readable

__all__ = ["Classifier", "discipline_reference_texts", "set_keyword_idf", "suggest_keywords"]

TEMPERATURE = 8.0
REFERENCE_CSV = Path(__file__).resolve().parents[2] / "common" / "data" / "gbt13745-2009-disciplines.csv"
REFERENCE_CHUNK = 20  # sub-discipline names per extra training text


def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)}


def _label_codes() -> dict[str, str]:
    """CSL label → GB/T 13745 first-level code, from keqiao.matching.taxonomy when it is importable."""
    try:
        # optional: the engine also runs on its own, without the Django project
        from keqiao.matching.taxonomy import CSL_DISCIPLINES
    except ImportError:  # the engine used on its own
        return {}
    return {label: code for label, (code, _division, _field) in CSL_DISCIPLINES.items()}


@functools.lru_cache(maxsize=4)
def _reference_texts(path: str, codes: tuple[tuple[str, str], ...]) -> dict[str, tuple[str, ...]]:
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    children: dict[str, list[dict]] = {}
    for r in rows:
        children.setdefault(r["parent"], []).append(r)

    def subtree(code: str) -> list[str]:
        out = []
        for child in children.get(code, []):
            if "其他" in child["name"] or child["name"].endswith("史"):  # "…其他学科", "…史": no topic words
                continue
            out.append(child["name"])
            out += subtree(child["code"])
        return out

    labels_of: dict[str, list[str]] = {}
    for label, code in codes:
        labels_of.setdefault(code, []).append(label)
    texts: dict[str, tuple[str, ...]] = {}
    for label, code in codes:
        if len(labels_of[code]) == 1:
            names = subtree(code)
        else:  # a code shared by several labels (e.g. 170 地球科学): only the second levels named like the label
            parts = label.replace("、", "/").split("/")
            names = []
            for child in children.get(code, []):
                name = child["name"]
                if any(len(_bigrams(p) & _bigrams(name)) >= 2 or p in name or name in p for p in parts):
                    names += [name, *subtree(child["code"])]
        texts[label] = tuple(
            " ".join(names[i : i + REFERENCE_CHUNK]) for i in range(0, len(names), REFERENCE_CHUNK)
        )
    return texts


def discipline_reference_texts(
    labels: Iterable[str], codes: Mapping[str, str] | None = None, path: str | os.PathLike | None = None
) -> dict[str, list[str]]:
    """Extra training texts for ``labels``: the names of each label's GB/T 13745 sub-disciplines.

    ``codes`` maps a label to its first-level code (default: keqiao.matching.taxonomy's CSL table);
    labels without a code, or whose code has no matching sub-disciplines, get none.
    """
    codes = _label_codes() if codes is None else dict(codes)
    path = str(path or REFERENCE_CSV)
    if not codes or not os.path.exists(path):
        return {}
    table = _reference_texts(path, tuple(sorted(codes.items())))
    return {label: list(table[label]) for label in labels if table.get(label)}


def _identity(x):
    return x


class Classifier:
    """Text → label (e.g. CSL discipline) with word + character TF-IDF and a linear SVM.

    ``reference``: extra training texts per label; ``None`` (default) takes
    :func:`discipline_reference_texts` for the labels being fitted, ``{}`` uses none.
    ``class_weight``: as ``LinearSVC``'s (default ``"balanced"``; ``None`` for equal weights).
    """

    def __init__(
        self,
        C: float = 0.5,
        char_ngrams: tuple[int, int] = (1, 2),
        char_weight: float = 1.5,
        random_state: int = 0,
        class_weight: str | dict | None = "balanced",
        reference: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.C = C
        self.char_ngrams = tuple(char_ngrams)
        self.char_weight = char_weight
        self.random_state = random_state
        self.class_weight = class_weight
        self.reference = reference
        self.word_vectorizer_ = None
        self.char_vectorizer_ = None
        self.model_ = None
        self.classes_: list[str] = []
        self.idf_: dict[str, float] = {}

    def _features(self, texts: Sequence[str], fit: bool = False):
        toks = [text_analysis.tokenize(t) for t in texts]
        if fit:
            w = self.word_vectorizer_.fit_transform(toks)
            c = self.char_vectorizer_.fit_transform(list(texts))
        else:
            w = self.word_vectorizer_.transform(toks)
            c = self.char_vectorizer_.transform(list(texts))
        return sp.hstack([w, self.char_weight * c]).tocsr(), toks

    def __setstate__(self, state: dict) -> None:
        state.setdefault("char_weight", 1.0)  # models pickled before the parameter existed: unweighted
        self.__dict__.update(state)

    def _features_one(self, text: str):
        """``_features([text])[0]`` without the vectorizers' per-call overhead (~2 ms → ~0.3 ms)."""
        rows = []
        for vec, terms, weight in (
            (self.word_vectorizer_, text_analysis.tokenize(text), 1.0),
            (self.char_vectorizer_, self.char_vectorizer_.build_analyzer()(text), self.char_weight),
        ):
            vocab = vec.vocabulary_
            counts: dict[int, int] = {}
            for t in terms:
                j = vocab.get(t)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            cols = np.fromiter(sorted(counts), dtype=np.int64, count=len(counts))
            vals = np.array([counts[j] for j in cols], dtype=np.float64)
            vals = (1.0 + np.log(vals)) * vec.idf_[cols]  # sublinear TF × IDF, then L2 as sklearn does
            norm = np.sqrt(np.dot(vals, vals))
            if norm > 0:
                vals *= weight / norm
            rows.append(sp.csr_matrix((vals.astype(np.float32), cols, [0, len(cols)]), shape=(1, len(vocab))))
        return sp.hstack(rows).tocsr()

    def fit(self, texts: list[str], labels: list[str]) -> Classifier:
        # heavy (~1.4 s to import): scikit-learn is loaded only when a classifier is trained
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC  # scikit-learn: training only

        if len(texts) != len(labels) or not texts:
            raise ValueError("texts and labels must be non-empty and of equal length")
        self.word_vectorizer_ = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, dtype=np.float32)
        self.char_vectorizer_ = TfidfVectorizer(
            analyzer="char",
            ngram_range=self.char_ngrams,
            preprocessor=_char_preprocess,
            sublinear_tf=True,
            dtype=np.float32,
        )
        texts = list(texts)
        n_records = len(texts)
        labels = [str(lab) for lab in labels]
        self.classes_ = sorted(set(labels))
        reference = (
            discipline_reference_texts(self.classes_) if self.reference is None else dict(self.reference)
        )
        for label in self.classes_:  # only labels seen in training: the reference adds no new label
            extra = [t for t in reference.get(label, ()) if t]
            texts += extra
            labels += [label] * len(extra)
        x, toks = self._features(texts, fit=True)
        if len(self.classes_) == 1:
            self.model_ = None
        else:
            self.model_ = LinearSVC(
                C=self.C, class_weight=self.class_weight, random_state=self.random_state
            ).fit(x, labels)
            # float32 weights: half the pickle (67 labels × ~170k features), same ranking to ~1e-7.
            self.model_.coef_ = self.model_.coef_.astype(np.float32)
            self.model_.intercept_ = self.model_.intercept_.astype(np.float32)
            self.classes_ = [str(c) for c in self.model_.classes_]
        # Keyword IDF over the records only (smoothed, as TfidfVectorizer's), not the reference texts.
        df: dict[str, int] = {}
        for doc in toks[:n_records]:
            for t in set(doc):
                df[t] = df.get(t, 0) + 1
        self.idf_ = {t: math.log((1 + n_records) / (1 + d)) + 1.0 for t, d in df.items()}
        set_keyword_idf(self.idf_)
        return self

    def predict(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        """Top ``k`` (label, probability-like score), best first."""
        if not self.classes_:
            raise RuntimeError("classifier is not fitted")
        if self.model_ is None:
            return [(self.classes_[0], 1.0)][:k]
        x = self._features_one(text)
        m = self.model_  # decision_function without sklearn's per-call input validation
        d = (np.asarray(x @ m.coef_.T, np.float64) + np.asarray(m.intercept_, np.float64)).reshape(-1)
        if len(self.classes_) == 2:  # binary LinearSVC gives one margin for the second class
            d = np.array([-d[0], d[0]])
        z = np.exp(TEMPERATURE * (d - d.max()))
        p = z / z.sum()
        order = np.lexsort((np.arange(len(p)), -p))[:k]
        return [(self.classes_[i], float(p[i])) for i in order]

    def save(self, path: str) -> None:
        tmp = f"{path}.tmp"
        with open(tmp, "wb") as fh:
            pickle.dump(self, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str) -> Classifier:
        with open(path, "rb") as fh:
            obj = pickle.load(fh)  # noqa: S301 -- our own model file, written by save()  # nosec B301  # snapshots the app wrote itself, in its own directory
        if not isinstance(obj, cls):
            raise TypeError(f"{path} does not hold a {cls.__name__}")
        if obj.idf_:
            set_keyword_idf(obj.idf_)
        return obj


# ------------------------------------------------------------------ keywords
_idf_lock = threading.Lock()
_idf: dict[str, float] | None = None
_jieba_idf: tuple[dict[str, float], float] | None = None


def set_keyword_idf(idf: dict[str, float] | None) -> None:
    """Use ``idf`` (term → IDF, e.g. from the platform's corpus) for :func:`suggest_keywords`."""
    global _idf
    with _idf_lock:
        _idf = dict(idf) if idf else None


def _default_idf() -> tuple[dict[str, float], float]:
    """jieba's bundled IDF table (general Chinese text), loaded once."""
    global _jieba_idf
    if _jieba_idf is None:
        # heavy: jieba.analyse reads its IDF table (~1.2 s) when imported
        import jieba.analyse

        loader = jieba.analyse.default_tfidf.idf_loader
        _jieba_idf = (loader.idf_freq, loader.median_idf)
    return _jieba_idf


def suggest_keywords(text: str, k: int = 5, vocabulary: Iterable[str] | None = None) -> list[str]:
    """Up to ``k`` keywords for ``text``: readable, non-stopword terms by TF × IDF, known domain
    words (``vocabulary``) first-class (×2), a word's own sub-words not repeated."""
    if k <= 0 or not text:
        return []
    toks = [t for t in text_analysis.tokenize(text) if t not in text_analysis.STOPWORDS and readable(t)]
    if not toks:
        return []
    counts: dict[str, int] = {}
    for t in toks:
        counts[t] = counts.get(t, 0) + 1
    idf = _idf
    if idf:
        default = max(idf.values())
    else:
        idf, median = _default_idf()
        default = median
    vocab = {text_analysis.normalize(v).strip() for v in vocabulary} if vocabulary else set()
    norm = text_analysis.normalize(text)
    for v in vocab:  # known domain words count even where jieba splits them
        if len(v) >= 2 and v not in counts and v not in text_analysis.STOPWORDS:
            c = norm.count(v)
            if c:
                counts[v] = c
    scored = []
    for t, c in counts.items():
        s = (1.0 + math.log(c)) * idf.get(t, default) * (2.0 if t in vocab else 1.0) * min(len(t), 4) ** 0.5
        scored.append((s, t))
    scored.sort(key=lambda p: (-p[0], p[1]))
    out: list[str] = []
    for _s, t in scored:
        if any(t in o or o in t for o in out):  # "微卫星标记" makes "卫星"/"标记" redundant, and vice versa
            continue
        out.append(t)
        if len(out) == k:
            break
    return out
