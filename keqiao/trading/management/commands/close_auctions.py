"""`manage.py close_auctions`: close the auctions whose end has passed (for cron, every minute)."""

from django.core.management.base import BaseCommand

from keqiao.trading.services import auctions_maintain


class Command(BaseCommand):
    help = "Close the auctions whose end has passed: a sale becomes an agreed deal, otherwise no sale."

    def handle(self, *args, **options):
        counts = auctions_maintain()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
