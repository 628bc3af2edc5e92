"""Build the search index from the database and report its size and build time."""

import time

from django.core.management.base import BaseCommand

from keqiao.search.index import all_indexes


class Command(BaseCommand):
    help = "Rebuild the in-memory search index from the published achievements and report the figures."

    def handle(self, *args, **options):
        for index in all_indexes():
            started = time.perf_counter()
            n = index.rebuild()
            self.stdout.write(
                f"Indexed {n} published {index.spec.kind} records in {time.perf_counter() - started:.2f}s."
            )
