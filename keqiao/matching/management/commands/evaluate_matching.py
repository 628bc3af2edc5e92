"""Measure matching quality on records in the csl_dev.jsonl format, through the real code paths.

Imports the records as published achievements into a scratch database (the real import service),
builds the real matcher, then for each record poses its abstract as a demand and counts how many of
the top 10 other achievements share its discipline (topical P@10); poses its keywords as a demand and
looks for the record itself (known-item MRR@10, R@1); with --train, trains the real discipline
suggestion model on TRAIN and measures its accuracy on FILE. Last line: one JSON object.
"""

import json
import random
import time

from django.core.management.base import BaseCommand
from django.test import override_settings
from django.test.utils import setup_databases, teardown_databases


class Command(BaseCommand):
    help = "Evaluate matching (topical P@10, known-item MRR@10/R@1) and discipline suggestion accuracy."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--train", default=None, help="csl_dev.jsonl-format records to train the classifier on"
        )
        parser.add_argument("--limit", type=int, default=None)

    def handle(self, *args, file, train=None, limit=None, **options):
        from keqiao.achievements.demo.loader import read_records

        records = read_records(path=file, limit=limit)
        old = setup_databases(verbosity=0, interactive=False)
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                result = self._match(records)
        finally:
            teardown_databases(old, verbosity=0)
        result["classification_accuracy"] = (
            self._classify(read_records(path=train), records) if train else None
        )
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _match(self, records: list[dict]) -> dict:
        from django.conf import settings

        from keqiao.achievements.demo.loader import record_row
        from keqiao.achievements.services import achievements_import
        from keqiao.matching.engine import Item
        from keqiao.matching.matcher import get_match_index
        from keqiao.testing.factories import OrganizationFactory

        organization = OrganizationFactory(name="评测单位")
        rng = random.Random(1)
        rows = []
        for r in records:
            row = record_row(r, rng, organization)
            # The records carry no structured attributes worth matching on: keep the factors neutral.
            row.update(
                trl=5, price=None, price_negotiable=True, transfer_modes=["license"], tech_field="agriculture"
            )
            rows.append(row)
        ids = achievements_import(rows=rows)
        discipline = {pk: r["discipline"] for pk, r in zip(ids, records, strict=True)}
        index = get_match_index()
        index.reset()
        started = time.perf_counter()
        # The matcher learns from the records being matched, not from a second copy of the bundled set.
        with override_settings(
            KEQIAO={**settings.KEQIAO, "MATCHING_BUNDLED_CORPUS": False, "SEARCH_SNAPSHOT_DIR": ""}
        ):
            index.rebuild()
        self.stderr.write(
            f"imported {len(ids)} records; matcher built in {time.perf_counter() - started:.1f}s"
        )
        matcher = index.matcher
        precision, rr, r1, elapsed, n_known = 0.0, 0.0, 0.0, 0.0, 0
        for pk, r in zip(ids, records, strict=True):
            demand = Item(id=-pk, kind="demand", title="", keywords=(), body=r["abstract"])
            t0 = time.perf_counter()
            top = matcher.match(demand, "achievement", k=10, exclude_ids=(pk,))
            elapsed += time.perf_counter() - t0
            precision += sum(discipline[m.id] == r["discipline"] for m in top) / 10
            if r["keywords"]:
                n_known += 1
                ranked = [
                    m.id
                    for m in matcher.match(
                        Item(id=-pk, kind="demand", title="", keywords=(), body=" ".join(r["keywords"])),
                        "achievement",
                        k=10,
                    )
                ]
                if pk in ranked:
                    rr += 1 / (ranked.index(pk) + 1)
                    r1 += ranked[0] == pk
        n = len(ids)
        return {
            "n": n,
            "topical_p10": round(precision / n, 4),
            "known_item": {"mrr10": round(rr / max(1, n_known), 4), "r1": round(r1 / max(1, n_known), 4)},
            "ms_per_match": round(1000 * elapsed / n, 2),
        }

    def _classify(self, train: list[dict], test: list[dict]) -> float:
        from keqiao.matching.engine.classify import Classifier

        def text(r):
            return f"{r['title']} {' '.join(r['keywords'])} {r['abstract']}"

        started = time.perf_counter()
        model = Classifier()
        model.fit([text(r) for r in train], [r["discipline"] for r in train])
        correct = sum(model.predict(text(r), k=1)[0][0] == r["discipline"] for r in test)
        self.stderr.write(
            f"classifier trained on {len(train)} records in {time.perf_counter() - started:.1f}s"
        )
        return round(correct / len(test), 4)
