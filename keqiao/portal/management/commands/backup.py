"""Back up the database and the uploaded files into a new directory under DEST_DIR."""

import time

import psycopg
from django.core.management.base import BaseCommand, CommandError

from keqiao.portal.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump on PostgreSQL, the online backup API on SQLite) and MEDIA_ROOT into "
        "a new directory DEST_DIR/keqiao-<UTC time>, with a manifest of row counts and checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("dest_dir", help="Directory in which the backup directory is created.")
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, dest_dir, database, **options):
        started = time.perf_counter()
        try:
            result = create_backup(dest_dir, using=database)
        except (BackupError, psycopg.Error, OSError) as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
        manifest = result.manifest
        self.stdout.write(
            f"Backup written to {result.path} in {time.perf_counter() - started:.1f}s: "
            f"{manifest['database']['vendor']} database, {len(manifest['row_counts'])} tables, "
            f"{sum(manifest['row_counts'].values())} rows, {manifest['media']['files']} media files."
        )
        # The path alone on the last line, for scripts (e.g. to copy the backup off the machine).
        self.stdout.write(str(result.path))
