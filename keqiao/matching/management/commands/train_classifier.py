"""Retrain the discipline suggestion model from the bundled records and confirmed platform records."""

import time

from django.core.management.base import BaseCommand

from keqiao.matching import suggest


class Command(BaseCommand):
    help = "Retrain the classification suggestion model and save it under KEQIAO_MODELS_DIR."

    def handle(self, *args, **options):
        started = time.perf_counter()
        texts, _labels = suggest.training_data()
        suggest.train(save=True)
        self.stdout.write(
            f"Trained on {len(texts)} records in {time.perf_counter() - started:.1f}s; "
            f"saved to {suggest.model_path()}."
        )
