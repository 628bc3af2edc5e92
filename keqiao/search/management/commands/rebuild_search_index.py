"""Build the search index from the database and report its size and build time."""

import time

from django.core.management.base import BaseCommand

from keqiao.search.index import get_index


class Command(BaseCommand):
    help = "Rebuild the in-memory search index from the published achievements and report the figures."

    def handle(self, *args, **options):
        started = time.perf_counter()
        n = get_index().rebuild()
        self.stdout.write(f"Indexed {n} published achievements in {time.perf_counter() - started:.2f}s.")
