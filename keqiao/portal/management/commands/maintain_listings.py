"""The hourly maintenance for cron in the embedded mode (Celery beat runs the same function)."""

from django.core.management.base import BaseCommand

from keqiao.portal.maintenance import run_maintenance


class Command(BaseCommand):
    help = (
        "Expire achievements and demands past their date and send expiry reminders; expire "
        "unanswered interest and remind, then close, negotiation rooms without activity; remind "
        "departments of overdue progress reports and institutions of annual reports due."
    )

    def handle(self, *args, **options):
        counts = run_maintenance()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
