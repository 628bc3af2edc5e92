"""Restore a backup made by `backup` into the configured database and MEDIA_ROOT."""

import time

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from keqiao.portal.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup directory made by `backup`: checks its checksums and that this version knows its "
        "migrations, then restores the database and MEDIA_ROOT. Refuses a non-empty database unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup_dir", help="A backup directory (keqiao-<UTC time>) made by `backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the contents of a database that is not empty (and add to a non-empty MEDIA_ROOT).",
        )
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, backup_dir, force, database, **options):
        started = time.perf_counter()
        try:
            summary = restore_backup(
                backup_dir,
                settings_dict=connections[database].settings_dict,
                media_root=settings.MEDIA_ROOT,
                force=force,
                # The restore replaces the database underneath Django: no connection of this process stays open.
                before_write=connections.close_all,
            )
        except (BackupError, psycopg.Error, OSError) as exc:
            raise CommandError(f"Restore refused or failed: {exc}") from exc
        self.stdout.write(
            f"Restored {summary['tables']} tables ({summary['rows']} rows, row counts as in the manifest) and "
            f"{summary['files']} media files in {time.perf_counter() - started:.1f}s."
        )
        if summary["pending_migrations"]:
            self.stdout.write(
                f"The backup predates {len(summary['pending_migrations'])} migrations of this version: "
                "run `manage.py migrate` now."
            )
        self.stdout.write(
            "Next: `manage.py rebuild_search_index --force` (older snapshots must not be reused), clear the "
            "cache if it is shared (Redis), and restart every app server and worker."
        )
