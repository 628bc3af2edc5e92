"""Remind the departments whose progress report for the last due period is missing (once per task)."""

from django.core.management.base import BaseCommand

from keqiao.supervision import services


class Command(BaseCommand):
    help = (
        "Notify the members of every responsible department whose progress report for the last due "
        "reporting period is missing; each (task, department, period) is reminded at most once."
    )

    def handle(self, *args, **options):
        counts = services.remind_overdue()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
