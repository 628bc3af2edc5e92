"""The application's part of an upgrade (deploy/upgrade.sh runs it between stopping and restarting the
services, with maintenance mode on): migrate, compile the translations, collect the static files and
rebuild the search indexes. `--dry-run` lists the migrations that would be applied and changes nothing."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def pending_migrations(database: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The migrations `migrate` would apply, in order, as app.name."""
    executor = MigrationExecutor(connections[database])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, backwards in plan if not backwards]


class Command(BaseCommand):
    help = (
        "Apply an upgrade's database and file changes: migrate, compile_translations, collectstatic, "
        "rebuild_search_index. --dry-run lists the pending migrations."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List pending migrations; change nothing.")
        parser.add_argument("--no-static", action="store_true", help="Skip collectstatic.")
        parser.add_argument("--no-index", action="store_true", help="Skip rebuild_search_index.")

    def handle(self, *args, dry_run=False, no_static=False, no_index=False, **options):
        pending = pending_migrations()
        steps = ["migrate", "compile_translations"]
        steps += [] if no_static else ["collectstatic"]
        steps += [] if no_index else ["rebuild_search_index"]
        if dry_run:
            self.stdout.write(f"{len(pending)} pending migration(s)" + (":" if pending else ""))
            for name in pending:
                self.stdout.write(f"  {name}")
            self.stdout.write("would run: " + ", ".join(steps))
            return
        quiet = {"stdout": self.stdout, "verbosity": max(0, options.get("verbosity", 1) - 1)}
        for step in steps:
            started = time.perf_counter()
            self.stdout.write(f"== {step}")
            if step == "migrate":
                call_command("migrate", interactive=False, **quiet)
            elif step == "collectstatic":
                call_command("collectstatic", interactive=False, **quiet)
            else:
                call_command(step, stdout=self.stdout)
            self.stdout.write(f"   {step} done in {time.perf_counter() - started:.1f}s")
        self.stdout.write(f"upgrade applied: {len(pending)} migration(s)")
