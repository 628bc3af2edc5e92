"""evaluate_matching's discipline-suggestion protocol: every record is predicted by a model that never saw it."""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from keqiao.common.corpus import read_records
from keqiao.matching.engine import classify
from keqiao.matching.tests.test_engine_classify import CSL_DEV
from keqiao.portal.management.commands import evaluate_matching


def _records(n: int = 60) -> list[dict]:
    return read_records(path=CSL_DEV, limit=n)


@pytest.mark.parametrize("k", [2, 5])
def test_folds_partition_the_records_and_keep_disciplines_spread(k):
    records = _records()
    folds = evaluate_matching._folds(records, k)
    assert len(folds) == k
    tests = [i for _fit, test in folds for i in test]
    assert sorted(tests) == list(range(len(records)))  # each record tested exactly once
    for fit, test in folds:
        assert not set(fit) & set(test) and len(fit) + len(test) == len(records)
    biggest, count = Counter(r["discipline"] for r in records).most_common(1)[0]
    if count >= k:  # stratified: the most frequent discipline appears in every test fold
        assert all(any(records[i]["discipline"] == biggest for i in test) for _fit, test in folds)


def test_cross_validated_suggestions_never_see_the_record(monkeypatch):
    records = _records()
    seen: list[set[str]] = []
    real_fit, real_predict = classify.Classifier.fit, classify.Classifier.predict

    def fit(self, texts, labels):
        seen.append(set(texts))
        self._seen = seen[-1]
        return real_fit(self, texts, labels)

    def predict(self, text, k=3):
        assert text not in self._seen and evaluate_matching._text(_by_abstract[text]) not in self._seen
        return real_predict(self, text, k)

    _by_abstract = {r["abstract"]: r for r in records} | {evaluate_matching._text(r): r for r in records}
    monkeypatch.setattr(classify.Classifier, "fit", fit)
    monkeypatch.setattr(classify.Classifier, "predict", predict)
    labels, accuracy = evaluate_matching.Command(stdout=io.StringIO(), stderr=io.StringIO())._suggest(
        records, None, 3
    )
    assert len(seen) == 3 and len(labels) == len(records) and all(labels)
    assert 0.0 <= accuracy <= 1.0


def test_folds_out_of_range_are_refused():
    with pytest.raises(CommandError, match="--folds"):
        call_command("evaluate_matching", str(CSL_DEV), "--limit", "5", "--folds", "6")
    with pytest.raises(CommandError, match="--folds"):
        call_command("evaluate_matching", str(CSL_DEV), "--limit", "5", "--folds", "1")
    with pytest.raises(CommandError, match="not allowed with"):
        call_command("evaluate_matching", str(CSL_DEV), "--train", str(CSL_DEV), "--folds", "3")
