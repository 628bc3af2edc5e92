from django.core.management.base import BaseCommand

from keqiao.annualreports.services import annual_reports_remind


class Command(BaseCommand):
    help = "Remind universities and institutes 30 and 7 days before the annual report deadline (idempotent)."

    def handle(self, *args, **options):
        sent = annual_reports_remind()
        self.stdout.write(f"annual report reminders sent: {sent}")
