"""Before starting: are the settings valid and do the database, the cache and the broker answer?"""

from django.core.management.base import BaseCommand

from config.startup import check_services


class Command(BaseCommand):
    help = (
        "Check that the database, the cache (REDIS_URL) and the Celery broker answer; one line per "
        "service that does not, exit status 69. Used as ExecStartPre= of the systemd units."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--no-broker", action="store_true", help="Do not check the Celery broker.")

    def handle(self, *args, no_broker: bool = False, **options):
        check_services(broker=not no_broker)  # exits with one line per problem
        self.stdout.write("preflight: database, cache and broker answer")
