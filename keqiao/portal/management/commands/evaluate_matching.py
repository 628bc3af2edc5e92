"""Measure matching quality on records in the csl_dev.jsonl format, through the real code paths.

Imports the records as published achievements, registered with their discipline, into a scratch
database (the real import service) and builds the real matcher. For each record, its abstract is posed
as a demand whose discipline the real suggestion model proposes — a model that never saw that record:
trained on TRAIN, or without --train on the other half of FILE (two-fold cross-validation) — and the
top 10 other achievements of the ranking (before the relevance gate, which decides how many a person
sees) are judged by whether they share the record's discipline (topical P@10). Also reported: how many
items the gate lets through per demand, the share of demands shown anything, and the share of shown items
in the record's discipline. Its keywords, posed as a demand, look for the record itself (known-item MRR@10, R@1).

The suggestion model's accuracy on FILE's whole records (title, keywords, abstract) is reported too:
trained on TRAIN with --train, otherwise by stratified K-fold cross-validation over FILE (--folds,
default 2: each record is predicted by a model trained on the other folds). Last line: one JSON object.
"""

import json
import time
import warnings
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings
from django.test.utils import setup_databases, teardown_databases

from keqiao.common.corpus import read_records
from keqiao.matching.engine import Item
from keqiao.matching.engine.classify import Classifier
from keqiao.matching.index import get_match_index
from keqiao.matching.taxonomy import CSL_DISCIPLINES
from keqiao.portal.evaluation import import_records


def _text(r: dict) -> str:
    return f"{r['title']} {' '.join(r['keywords'])} {r['abstract']}"


def _folds(records: list[dict], k: int):
    """K (train indices, test indices) pairs, stratified by discipline when every fold can hold each
    frequent discipline (shuffled with a fixed seed, so runs repeat)."""
    # heavy (~1.4 s to import): scikit-learn only when folds are made
    from sklearn.model_selection import KFold, StratifiedKFold

    labels = [r["discipline"] for r in records]
    if Counter(labels).most_common(1)[0][1] >= k:
        splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=0)
    else:
        splitter = KFold(n_splits=k, shuffle=True, random_state=0)
    with warnings.catch_warnings():  # "the least populated class has only N members": expected here
        warnings.simplefilter("ignore", UserWarning)
        return [(list(fit), list(test)) for fit, test in splitter.split(labels, labels)]


class Command(BaseCommand):
    help = "Evaluate matching (topical P@10, known-item MRR@10/R@1) and discipline suggestion accuracy."

    def add_arguments(self, parser):
        parser.add_argument("file")
        protocol = parser.add_mutually_exclusive_group()
        protocol.add_argument(
            "--train", default=None, help="csl_dev.jsonl-format records to train the classifier on"
        )
        protocol.add_argument(
            "--folds",
            type=int,
            default=2,
            help="without --train: K-fold cross-validation over FILE for the suggestions (default 2)",
        )
        parser.add_argument("--limit", type=int, default=None)

    def handle(self, *args, file, train=None, folds=2, limit=None, **options):
        records = read_records(path=file, limit=limit)
        if train is None and not 2 <= folds <= len(records):
            raise CommandError(f"--folds must be between 2 and the number of records ({len(records)}).")
        train_records = read_records(path=train) if train else None
        demand_labels, accuracy = self._suggest(records, train_records, folds)
        old = setup_databases(verbosity=0, interactive=False)
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                result = self._match(records, demand_labels)
        finally:
            teardown_databases(old, verbosity=0)
        result["classification_accuracy"] = accuracy
        result["classification_protocol"] = "train" if train else f"{folds}-fold"
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _suggest(self, records: list[dict], train: list[dict] | None, k: int) -> tuple[list[list], float]:
        """The suggested discipline of each record's abstract (what a demand's author writes), and the
        accuracy of the suggestion on FILE's whole records, each from a model that never saw the record."""
        started = time.perf_counter()
        n = len(records)
        if train:
            folds = [(train, range(n))]
        else:
            folds = [([records[i] for i in fit], test) for fit, test in _folds(records, k)]
        labels: list[list] = [[] for _ in range(n)]  # the first three (label, score) per abstract
        correct = 0
        for fit_on, predict_for in folds:
            model = Classifier()
            model.fit([_text(r) for r in fit_on], [r["discipline"] for r in fit_on])
            for i in predict_for:
                labels[i] = model.predict(records[i]["abstract"], k=3)
                correct += model.predict(_text(records[i]), k=1)[0][0] == records[i]["discipline"]
        self.stderr.write(f"discipline suggestions in {time.perf_counter() - started:.1f}s")
        return labels, round(correct / n, 4)

    def _match(self, records: list[dict], demand_labels: list[list]) -> dict:
        def code(label: str) -> str | None:
            return CSL_DISCIPLINES.get(label, (None,))[0]

        ids = import_records(records, stderr=self.stderr)
        discipline = {pk: r["discipline"] for pk, r in zip(ids, records, strict=True)}
        index = get_match_index()
        matcher = index.matcher
        precision, shown_precision, shown, answered, rr, r1, elapsed, n_known = (
            0.0,
            0.0,
            0,
            0,
            0.0,
            0.0,
            0.0,
            0,
        )
        for pk, r, label in zip(ids, records, demand_labels, strict=True):
            # What a demand without a confirmed discipline carries on the platform: the suggestion model's
            # first three disciplines with their scores (matcher.suggested_disciplines).
            prior: dict[str, float] = {}
            for lab, p in label:
                if code(lab):
                    prior[code(lab)] = prior.get(code(lab), 0.0) + p
            demand = Item(
                id=-pk,
                kind="demand",
                title="",
                keywords=(),
                body=r["abstract"],
                discipline=code(label[0][0]) if label else None,
                discipline_prior=tuple(sorted(prior.items(), key=lambda c: (-c[1], c[0]))),
            )
            t0 = time.perf_counter()
            # The ranking, all candidates kept (what topical P@10 measures), then what the gate lets through.
            ranked = matcher.match(demand, "achievement", k=10, exclude_ids=(pk,), gate=False)
            elapsed += time.perf_counter() - t0
            precision += sum(discipline[m.id] == r["discipline"] for m in ranked) / 10
            gated = matcher.match(demand, "achievement", k=10, exclude_ids=(pk,))
            shown += len(gated)
            if gated:
                answered += 1
                shown_precision += sum(discipline[m.id] == r["discipline"] for m in gated) / len(gated)
            if r["keywords"]:
                n_known += 1
                query = Item(id=-pk, kind="demand", title="", keywords=(), body=" ".join(r["keywords"]))
                found = [m.id for m in matcher.match(query, "achievement", k=10)]
                if pk in found:
                    rr += 1 / (found.index(pk) + 1)
                    r1 += found[0] == pk
        n = len(ids)
        return {
            "n": n,
            "topical_p10": round(precision / n, 4),
            "shown_per_demand": round(shown / n, 2),
            "answered_share": round(answered / n, 4),
            # among demands shown anything: the share of shown items in the record's discipline
            "shown_same_discipline": round(shown_precision / max(1, answered), 4),
            "known_item": {"mrr10": round(rr / max(1, n_known), 4), "r1": round(r1 / max(1, n_known), 4)},
            "ms_per_match": round(1000 * elapsed / n, 2),
        }
