"""`manage.py close_challenges`: open the proposals of challenges whose deadline has passed (for cron)."""

from django.core.management.base import BaseCommand

from keqiao.challenges.services import challenges_maintain


class Command(BaseCommand):
    help = "Open the sealed proposals of the challenges whose deadline has passed (none: no award)."

    def handle(self, *args, **options):
        counts = challenges_maintain()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
