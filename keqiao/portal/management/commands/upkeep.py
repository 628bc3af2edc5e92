"""The nightly upkeep for cron in the embedded mode (Celery beat runs the same function)."""

from django.core.management.base import BaseCommand

from keqiao.portal.upkeep import run_upkeep


class Command(BaseCommand):
    help = (
        "Rebuild the search indexes and the matcher's snapshot, prune the search change log, expired "
        "sessions and old notifications (nightly)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-index", action="store_true", help="Skip the index rebuild (and so the change-log pruning)."
        )

    def handle(self, *args, no_index: bool = False, **options):
        counts = run_upkeep(index=not no_index)
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
