"""Print the demo accounts."""

from django.conf import settings
from django.core.management.base import BaseCommand

from keqiao.accounts.models import Membership
from keqiao.portal.demo.achievements import DEMO_PASSWORD, ORGANIZATIONS, PENDING_ORG


class Command(BaseCommand):
    help = "Print the demo accounts and their password."

    def handle(self, *args, **options):
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})")
        admin_path = "/" + settings.KEQIAO["ADMIN_PATH"]
        self.stdout.write(f"  {'admin':10} platform administrator (Django admin at {admin_path})")
        for username, full_name, org, *_rest in [*ORGANIZATIONS, PENDING_ORG]:
            self.stdout.write(f"  {username:10} {full_name} · {org}")

        listed = {row[0] for row in [*ORGANIZATIONS, PENDING_ORG]} | {"admin"}
        # Accounts the negotiation, supervision and annual-report demos add (government departments).
        for m in (
            Membership.objects.select_related("user", "organization")
            .filter(user__email__endswith="@demo.keqiao.example")
            .exclude(user__username__in=listed)
            .order_by("user__username")
        ):
            self.stdout.write(f"  {m.user.username:10} {m.user.full_name} · {m.organization.name}")
        if not settings.KEQIAO.get("2FA_REQUIRED_FOR_OFFICIALS"):
            self.stdout.write(
                "  Two-factor sign-in is optional here: turn it on under Workbench → Account security "
                "(KEQIAO_2FA_REQUIRED_FOR_OFFICIALS=1 requires it of officials)."
            )
        self.stdout.write("")
