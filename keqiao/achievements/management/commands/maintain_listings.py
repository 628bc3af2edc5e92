"""Expire overdue listings and remind owners before expiry (cron calls this in the embedded mode)."""

from django.core.management.base import BaseCommand

from keqiao.achievements import services


class Command(BaseCommand):
    help = "Expire listings past their date and send 14-day expiry reminders."

    def handle(self, *args, **options):
        expired = services.listings_expire()
        reminded = services.listings_remind()
        self.stdout.write(f"expired={expired} reminded={reminded}")
