"""Expire overdue listings and remind owners before expiry (cron calls this hourly in the embedded mode)."""

from django.core.management.base import BaseCommand

from keqiao.achievements import services
from keqiao.demands import services as demand_services
from keqiao.governance.reminders import governance_reminders
from keqiao.negotiations import services as deal_services


class Command(BaseCommand):
    help = (
        "Expire achievements and demands past their date and send expiry reminders; expire "
        "unanswered interest and remind, then close, negotiation rooms without activity."
    )

    def handle(self, *args, **options):
        counts = {
            "achievements_expired": services.listings_expire(),
            "achievements_reminded": services.listings_remind(),
            "demands_expired": demand_services.demands_expire(),
            "demands_reminded": demand_services.demands_remind(),
            **{f"deals_{k}": v for k, v in deal_services.deals_maintain().items()},
            **governance_reminders(),
        }
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
