"""Semantic models: an offline LSA model built from the platform's own corpus, and an optional dense model.

:class:`LsaSemanticModel` (the default) is latent semantic analysis over two TF-IDF views of the text:

* words: the project's jieba search-mode tokens (:func:`keqiao.common.text.tokenize`), sublinear TF,
  smoothed IDF, L2-normalised;
* characters: character 2–3-grams of the normalised text, same weighting, L2-normalised.

The two views are stacked with equal weight and reduced by a randomised truncated SVD (fixed
``random_state``, so fitting is deterministic).  A text's vector is its TF-IDF row projected on the
components and L2-normalised, so the cosine of two texts is a dot product.

Measured on the CSL dev set (2,758 abstracts as queries, "same discipline" as relevance, P@10, see
``evaluate.py``): word TF-IDF cosine 0.331, word LSA 0.370, word+char LSA 0.379 (192 dims; 256 dims
0.374, 100 dims 0.358), and +0.01 more with the matcher's pseudo-relevance feedback.  Things tried and
*not* kept: log-entropy weighting (+0.004, noise level), jieba precise mode instead of search mode
(0.300: the sub-words matter), NMF/LDA topics (0.29/0.09), PPMI word vectors (0.364), k-means cluster
smoothing and second-order (neighbour-of-neighbour) similarity (+0.01, costly at 100k items).

For large corpora the SVD is fitted on a deterministic sample of at most ``max_fit_docs`` texts;
every text is then encoded with the fitted vocabulary and components.
"""

from __future__ import annotations

import os
import pickle  # nosec B403  # snapshots the app wrote itself, in its own directory
import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from keqiao.common import text as text_analysis

__all__ = ["DenseSemanticModel", "LsaSemanticModel", "load_model"]

_READABLE = re.compile(r"^(?:[\u4e00-\u9fff]{2,}|[a-z][a-z0-9\-]{2,}|[\u4e00-\u9fffa-z0-9\-]{3,})$")
_DIGITS = re.compile(r"^[\d.\-%]+$")


def _char_preprocess(s: str) -> str:
    """Normalise like the tokenizer and drop whitespace, so n-grams cross no spaces."""
    return re.sub(r"\s+", "", text_analysis.normalize(s))


def readable(term: str) -> bool:
    """A term worth showing a person: 2+ CJK characters or a real latin word, not a number."""
    return bool(_READABLE.match(term)) and not _DIGITS.match(term)


def _l2(m):
    if sp.issparse(m):
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.diags(1.0 / norms).dot(m).tocsr()
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


class LsaSemanticModel:
    """TF-IDF (jieba words + character n-grams) → truncated SVD; deterministic and picklable."""

    def __init__(
        self,
        n_components: int = 192,
        *,
        min_df: int = 2,
        char_weight: float = 1.0,
        char_ngrams: tuple[int, int] = (2, 3),
        max_fit_docs: int = 30_000,
        max_words: int = 60_000,
        max_chars: int = 60_000,
        random_state: int = 0,
    ) -> None:
        self.n_components = n_components
        self.min_df = min_df
        self.char_weight = char_weight
        self.char_ngrams = tuple(char_ngrams)
        self.max_fit_docs = max_fit_docs
        self.max_words = max_words
        self.max_chars = max_chars
        self.random_state = random_state
        self.vocab_: dict[str, int] | None = None
        self.idf_: np.ndarray | None = None
        self.char_vectorizer_ = None
        self.word_components_: np.ndarray | None = None  # (V_words, k) float32
        self.char_components_: np.ndarray | None = None  # (V_chars, k) float32
        self.terms_: list[str] = []

    # ---------------------------------------------------------------- fitting
    @property
    def is_fitted(self) -> bool:
        return self.word_components_ is not None

    @property
    def dim(self) -> int:
        return 0 if self.word_components_ is None else self.word_components_.shape[1]

    def fit(self, texts: list[str]) -> None:
        texts = list(texts)
        self.fit_tokens([text_analysis.tokenize(t) for t in texts], texts)

    def fit_tokens(self, token_lists: Sequence[list[str]], texts: Sequence[str]) -> None:
        """Fit from already tokenised texts (``token_lists[i]`` = ``tokenize(texts[i])``)."""
        # heavy (~1.4 s to import): scikit-learn is loaded only when the LSA model is fitted
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer  # scikit-learn: fitting only

        n = len(token_lists)
        if n == 0:
            raise ValueError("cannot fit a semantic model on no text")
        if n > self.max_fit_docs:
            rng = np.random.RandomState(self.random_state)
            sample = np.sort(rng.choice(n, self.max_fit_docs, replace=False))
            token_lists = [token_lists[i] for i in sample]
            texts = [texts[i] for i in sample]
            n = len(sample)
        min_df = self.min_df if n >= 200 else 1  # tiny corpora (tests, a new platform): keep every word
        df: dict[str, int] = {}
        for toks in token_lists:
            for t in set(toks):
                df[t] = df.get(t, 0) + 1
        terms = [t for t, c in df.items() if c >= min_df]
        if len(terms) > self.max_words:  # the SVD's cost grows with the feature count: keep the commonest
            terms = sorted(terms, key=lambda t: (-df[t], t))[: self.max_words]
        terms = sorted(terms)
        if not terms:
            terms = sorted(df) or ["_"]
        self.vocab_ = {t: i for i, t in enumerate(terms)}
        self.terms_ = terms
        dfa = np.array([df.get(t, 0) for t in terms], dtype=np.float64)
        self.idf_ = (np.log((1.0 + n) / (1.0 + dfa)) + 1.0).astype(np.float32)
        xw = self._word_matrix(token_lists)
        blocks = [xw]
        self.char_vectorizer_ = None
        if self.char_weight > 0:
            cv = TfidfVectorizer(
                analyzer="char",
                ngram_range=self.char_ngrams,
                preprocessor=_char_preprocess,
                min_df=min_df,
                max_features=self.max_chars,
                sublinear_tf=True,
                dtype=np.float32,
            )
            try:
                xc = cv.fit_transform(texts)
                cv.stop_words_ = None  # the pruned n-grams: large and never needed
                self.char_vectorizer_ = cv
                blocks.append(xc * self.char_weight)
            except ValueError:  # empty vocabulary (texts without n-grams)
                self.char_vectorizer_ = None
        x = sp.hstack(blocks).tocsr() if len(blocks) > 1 else xw
        k = max(1, min(self.n_components, n, x.shape[1] - 1))
        if k >= 1 and x.shape[1] > 1:
            svd = TruncatedSVD(k, algorithm="randomized", n_iter=5, random_state=self.random_state)
            svd.fit(x)
            comps = svd.components_.T.astype(np.float32)  # (features, k)
        else:
            comps = np.ones((x.shape[1], 1), np.float32)
        vw = xw.shape[1]
        self.word_components_ = np.ascontiguousarray(comps[:vw])
        self.char_components_ = (
            np.ascontiguousarray(comps[vw:]) if self.char_vectorizer_ is not None else None
        )

    def _word_matrix(self, token_lists: Sequence[list[str]]) -> sp.csr_matrix:
        """Sublinear-TF × IDF rows over the fitted word vocabulary, L2-normalised."""
        voc = self.vocab_
        get = voc.get
        rows: list[int] = []
        cols: list[int] = []
        for i, toks in enumerate(token_lists):
            ids = [j for j in map(get, toks) if j is not None]
            cols.extend(ids)
            rows.extend([i] * len(ids))
        m = sp.csr_matrix(
            (np.ones(len(cols), np.float32), (np.asarray(rows, np.int64), np.asarray(cols, np.int64))),
            shape=(len(token_lists), len(voc)),
        )
        m.sum_duplicates()
        m.data = (1.0 + np.log(m.data)) * self.idf_[m.indices]
        return _l2(m)

    # --------------------------------------------------------------- encoding
    def encode(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        return self.encode_tokens([text_analysis.tokenize(t) for t in texts], texts)

    def encode_tokens(self, token_lists: Sequence[list[str]], texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors (zero rows for texts with no known term)."""
        if not self.is_fitted:
            raise RuntimeError("semantic model is not fitted")
        z = np.asarray(self._word_matrix(token_lists) @ self.word_components_, dtype=np.float32)
        if self.char_vectorizer_ is not None:
            xc = self.char_vectorizer_.transform(list(texts))
            z += np.asarray(xc @ self.char_components_, dtype=np.float32) * self.char_weight
        return _l2(z).astype(np.float32, copy=False)

    # ---------------------------------------------------------------- concepts
    def salient_terms(self, tokens: Sequence[str], n: int = 24) -> list[str]:
        """The ``n`` readable terms of a tokenised text with the highest TF-IDF weight."""
        if not self.is_fitted:
            return [t for t in dict.fromkeys(tokens) if readable(t)][:n]
        counts: dict[str, int] = {}
        for t in tokens:
            if t in self.vocab_:
                counts[t] = counts.get(t, 0) + 1
        scored = [
            ((1.0 + np.log(c)) * float(self.idf_[self.vocab_[t]]), t)
            for t, c in counts.items()
            if readable(t)
        ]
        scored.sort(key=lambda p: (-p[0], p[1]))
        return [t for _s, t in scored[:n]]

    def related_terms(
        self, vec_a: np.ndarray, vec_b: np.ndarray, candidates: Sequence[str], n: int = 5
    ) -> list[str]:
        """Candidates whose latent direction is close to both vectors (product of positive cosines)."""
        if not self.is_fitted or not len(candidates):
            return []
        cands = [t for t in dict.fromkeys(candidates) if t in self.vocab_ and readable(t)]
        if not cands:
            return []
        rows = self.word_components_[[self.vocab_[t] for t in cands]]
        rows = _l2(rows)
        s = np.maximum(rows @ vec_a, 0) * np.maximum(rows @ vec_b, 0)
        order = np.argsort(-s, kind="stable")[:n]
        return [cands[i] for i in order if s[i] > 0]

    def related_pairs(
        self, a_terms: Sequence[str], b_terms: Sequence[str], n: int = 3, min_cosine: float = 0.6
    ) -> list[tuple[str, str]]:
        """Pairs (term of a, term of b) whose latent directions are close, most similar first, each term
        used once: the words that carry a semantic match on both sides."""
        if not self.is_fitted:
            return []
        a = [t for t in dict.fromkeys(a_terms) if t in self.vocab_ and readable(t)]
        b = [t for t in dict.fromkeys(b_terms) if t in self.vocab_ and readable(t)]
        if not a or not b:
            return []
        va = _l2(self.word_components_[[self.vocab_[t] for t in a]])
        vb = _l2(self.word_components_[[self.vocab_[t] for t in b]])
        sim = va @ vb.T
        out: list[tuple[str, str]] = []
        used_a, used_b = set(), set()
        for flat in np.argsort(-sim, axis=None, kind="stable"):
            i, j = divmod(int(flat), len(b))
            if sim[i, j] < min_cosine or len(out) >= n:
                break
            if i in used_a or j in used_b:
                continue
            used_a.add(i)
            used_b.add(j)
            out.append((a[i], b[j]))
        return out

    def concepts(self, a: str, b: str, n: int = 5) -> list[str]:
        """Terms of either text that both texts lean towards in the latent space, best first."""
        ta, tb = text_analysis.tokenize(a), text_analysis.tokenize(b)
        va, vb = self.encode_tokens([ta, tb], [a, b])
        return self.related_terms(va, vb, self.salient_terms(ta, 40) + self.salient_terms(tb, 40), n)

    # ------------------------------------------------------------- persistence
    def save(self, path: str) -> None:
        tmp = f"{path}.tmp"
        with open(tmp, "wb") as fh:
            pickle.dump(self, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str) -> LsaSemanticModel:
        with open(path, "rb") as fh:
            obj = pickle.load(fh)  # noqa: S301 -- our own model file, written by save()  # nosec B301  # snapshots the app wrote itself, in its own directory
        if not isinstance(obj, cls):
            raise TypeError(f"{path} does not hold a {cls.__name__}")
        return obj


class DenseSemanticModel:
    """A sentence-transformers model loaded from a local directory (never from a hub).

    Optional: needs the ``sentence-transformers`` package (and torch), which the project keeps as an
    optional extra.  ``fit`` is a no-op (the model is pretrained); pickling keeps only the directory.
    """

    def __init__(self, model_dir: str, *, device: str = "cpu", batch_size: int = 32) -> None:
        try:
            import sentence_transformers  # noqa: F401
        except ImportError as exc:  # pragma: no cover - depends on the optional extra
            raise ImportError(
                "DenseSemanticModel needs the optional 'sentence-transformers' package (with torch); "
                "install it, or use the default LsaSemanticModel"
            ) from exc
        if not os.path.isdir(model_dir):
            raise FileNotFoundError(f"no sentence-transformers model directory at {model_dir!r}")
        self.model_dir = os.path.abspath(model_dir)
        self.device = device
        self.batch_size = batch_size
        self._model = None
        self._load()

    def _load(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        # optional `dense` extra (torch): loaded only when a dense model is configured
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(self.model_dir, device=self.device, local_files_only=True)
        except TypeError:  # older sentence-transformers without local_files_only
            self._model = SentenceTransformer(self.model_dir, device=self.device)

    is_fitted = True

    @property
    def dim(self) -> int:
        # sentence-transformers 6 renamed get_sentence_embedding_dimension (deprecated, to be removed);
        # releases before it only have the old name.
        get = getattr(self._model, "get_embedding_dimension", None)
        if get is None:
            get = self._model.get_sentence_embedding_dimension
        return int(get())

    def fit(self, texts: list[str]) -> None:
        """Pretrained: nothing to fit."""

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        vecs = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)

    def concepts(self, a: str, b: str, n: int = 5) -> list[str]:
        ta = [t for t in dict.fromkeys(text_analysis.tokenize(a)) if readable(t)][:40]
        tb = [t for t in dict.fromkeys(text_analysis.tokenize(b)) if readable(t)][:40]
        cands = list(dict.fromkeys(ta + tb))
        if not cands:
            return []
        va, vb = self.encode([a, b])
        tv = self.encode(cands)
        s = np.maximum(tv @ va, 0) * np.maximum(tv @ vb, 0)
        order = np.argsort(-s, kind="stable")[:n]
        return [cands[i] for i in order if s[i] > 0]

    def save(self, path: str) -> None:
        with open(path, "wb") as fh:
            pickle.dump(self, fh)

    @classmethod
    def load(cls, path: str) -> DenseSemanticModel:
        with open(path, "rb") as fh:
            return pickle.load(fh)  # noqa: S301 -- our own file  # nosec B301  # snapshots the app wrote itself, in its own directory

    def __getstate__(self):
        return {"model_dir": self.model_dir, "device": self.device, "batch_size": self.batch_size}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._model = None
        self._load()


def load_model(path: str):
    """Load any semantic model saved with ``save`` (LSA or dense)."""
    with open(path, "rb") as fh:
        return pickle.load(fh)  # noqa: S301 -- our own file  # nosec B301  # snapshots the app wrote itself, in its own directory
