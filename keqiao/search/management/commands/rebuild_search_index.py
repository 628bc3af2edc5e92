"""Rebuild the search indexes of the configured backend; other indexes (the matcher) rebuild along."""

import time

from django.core.management.base import BaseCommand

from keqiao.search.backends import all_backends
from keqiao.search.signals import search_index_rebuilt


class Command(BaseCommand):
    help = (
        "Rebuild the search indexes (saving snapshots where the backend keeps them); bring the matcher up "
        "to date (--force: rebuild it too)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Rebuild the matcher from scratch.")

    def handle(self, *args, force=False, **options):
        for backend in all_backends():
            started = time.perf_counter()
            n = backend.rebuild()
            self.stdout.write(
                f"Indexed {n} published {backend.definition.kind} records in "
                f"{time.perf_counter() - started:.2f}s."
            )
        search_index_rebuilt.send(sender=self.__class__, force=force, stdout=self.stdout)
