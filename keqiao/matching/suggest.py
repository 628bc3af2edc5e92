"""Suggested classification and keywords for a text being registered (achievement or demand).

The discipline model is trained from the bundled real records plus the platform's own records whose
discipline a user confirmed; `manage.py train_classifier` retrains it. The discipline then gives the
GB/T 13745 code, a GB/T 4754 division and the technology field through keqiao.matching.taxonomy.
"""

import logging
import threading
from pathlib import Path

from django.conf import settings

from keqiao.achievements.models import Achievement
from keqiao.common import text as text_analysis
from keqiao.common.choices import TechField
from keqiao.common.corpus import read_records
from keqiao.common.models import Classification
from keqiao.demands.models import Demand

from .engine.classify import Classifier, suggest_keywords
from .taxonomy import CSL_DISCIPLINES, LABEL_FOR_CODE

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_model: Classifier | None = None


def model_path() -> Path:
    return Path(settings.KEQIAO["MODELS_DIR"]) / "discipline.pickle"


def training_data() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for r in read_records():
        texts.append(f"{r['title']} {' '.join(r['keywords'])} {r['abstract']}")
        labels.append(r["discipline"])
    # Records whose discipline a user confirmed (imported records carry the bundled label already).
    for a in (
        Achievement.objects.filter(discipline__isnull=False)
        .exclude(events__action="imported")
        .values("title", "keywords", "summary", "discipline__code")
    ):
        if a["discipline__code"] in LABEL_FOR_CODE:
            texts.append(f"{a['title']} {' '.join(a['keywords'])} {a['summary']}")
            labels.append(LABEL_FOR_CODE[a["discipline__code"]])
    for d in Demand.objects.filter(discipline__isnull=False).values(
        "title", "keywords", "problem", "discipline__code"
    ):
        if d["discipline__code"] in LABEL_FOR_CODE:
            texts.append(f"{d['title']} {' '.join(d['keywords'])} {d['problem']}")
            labels.append(LABEL_FOR_CODE[d["discipline__code"]])
    return texts, labels


def train(*, save: bool = True) -> Classifier:
    global _model
    texts, labels = training_data()
    model = Classifier()
    model.fit(texts, labels)
    if save:
        path = model_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        model.save(str(path))
    with _lock:
        _model = model
    return model


def get_classifier() -> Classifier:
    global _model
    if _model is None:
        with _lock:
            if _model is None and model_path().exists():
                try:
                    _model = Classifier.load(str(model_path()))
                except Exception:  # an unreadable or older model file: retrain below
                    logger.warning("could not load %s; retraining", model_path())
        if _model is None:
            train(save=True)
    return _model


def suggest_for(text: str, alternatives: int = 2) -> dict | None:
    """{label, discipline: (pk, label), industry: (pk, label), tech_field: (code, label),
    discipline_alternatives: [(pk, label), ...], keywords: [...]}.

    The alternatives are the next disciplines the model ranks (distinct GB/T 13745 codes): the first
    suggestion is right about 6 times in 10 on the bundled records, one of the first three about 8 in 10
    (docs/benchmarks.md), so the form offers them too.
    """
    if len(text_analysis.tokenize(text)) < 3:
        return None
    ranked = get_classifier().predict(text, k=3 + 2 * alternatives)  # labels sharing a code collapse
    label = ranked[0][0]
    code, division, field = CSL_DISCIPLINES.get(label, (None, None, None))
    other_codes: list[str] = []
    for other, _p in ranked[1:]:
        other_code = CSL_DISCIPLINES.get(other, (None,))[0]
        if other_code and other_code != code and other_code not in other_codes:
            other_codes.append(other_code)
    other_codes = other_codes[:alternatives]
    found = {
        (c.scheme, c.code): c
        for c in Classification.objects.filter(
            scheme__in=["gbt13745", "gbt4754"], code__in=[x for x in (code, division, *other_codes) if x]
        )
    }
    discipline = found.get(("gbt13745", code))
    industry = found.get(("gbt4754", division))
    return {
        "label": label,
        "discipline": (discipline.pk, str(discipline)) if discipline else None,
        "discipline_alternatives": [
            (c.pk, str(c)) for c in (found.get(("gbt13745", x)) for x in other_codes) if c is not None
        ],
        "industry": (industry.pk, str(industry)) if industry else None,
        "tech_field": (field, str(dict(TechField.choices)[field])) if field else None,
        "keywords": suggest_keywords(text, k=5),
    }
