"""`manage.py close_listings`: settle the fixed-price listings whose period is over (for cron, daily
just after midnight, when periods end; the hourly maintenance runs it too)."""

from django.core.management.base import BaseCommand

from keqiao.trading.listings import listings_maintain


class Command(BaseCommand):
    help = (
        "Settle the fixed-price listings whose period is over: one qualified buyer takes it at the price, "
        "several bid in an auction, none: relisted lower or closed."
    )

    def handle(self, *args, **options):
        counts = listings_maintain()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
