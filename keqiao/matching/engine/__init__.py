"""Supply–demand matching engine (pure Python + numpy/scipy/scikit-learn/jieba; no Django).

* :class:`Matcher` — lexical (BM25F) + semantic candidate generation and seven-factor scoring of
  achievements against demands and back; incremental ``upsert``/``delete``.
* :class:`LsaSemanticModel` — the default, offline semantic model (word + character TF-IDF → SVD);
  :class:`DenseSemanticModel` — optional sentence-transformers model from a local directory.
* :mod:`.classify` — discipline classifier and keyword suggestion; :mod:`.evaluate` — CSL evaluation.
"""

from .matcher import DEFAULT_WEIGHTS, Matcher
from .semantic import DenseSemanticModel, LsaSemanticModel, load_model
from .types import FACTORS, KINDS, Item, Match, SemanticModel

__all__ = [
    "DEFAULT_WEIGHTS",
    "FACTORS",
    "KINDS",
    "DenseSemanticModel",
    "Item",
    "LsaSemanticModel",
    "Match",
    "Matcher",
    "SemanticModel",
    "load_model",
]
