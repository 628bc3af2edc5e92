"""Build the search indexes and the matcher from the database, save their snapshots, report figures."""

import time

from django.core.management.base import BaseCommand

from keqiao.matching.index import get_match_index
from keqiao.search.index import all_indexes


class Command(BaseCommand):
    help = (
        "Rebuild the search indexes; bring the matcher up to date (--force: rebuild it too); save snapshots."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Rebuild the matcher from scratch.")

    def handle(self, *args, force=False, **options):
        for index in all_indexes():
            started = time.perf_counter()
            n = index.rebuild()
            self.stdout.write(
                f"Indexed {n} published {index.spec.kind} records in {time.perf_counter() - started:.2f}s."
            )
        started = time.perf_counter()
        matcher = get_match_index()
        if force:
            matcher.rebuild()
        else:
            matcher.refresh()  # loads a valid snapshot and catches up, or builds
        matcher.save_snapshot()
        size = len(matcher.matcher) if matcher.matcher is not None and not matcher.empty else 0
        self.stdout.write(f"Matcher ready with {size} listings in {time.perf_counter() - started:.2f}s.")
