"""Send the daily or weekly e-mail digests of notifications (cron or Celery beat)."""

from django.core.management.base import BaseCommand

from keqiao.notifications.services import send_digests


class Command(BaseCommand):
    help = "E-mail each user the notifications of their daily (or weekly) subscriptions not yet sent."

    def add_arguments(self, parser):
        parser.add_argument("frequency", choices=["daily", "weekly"])

    def handle(self, *args, frequency, **options):
        self.stdout.write(f"sent={send_digests(frequency=frequency)}")
