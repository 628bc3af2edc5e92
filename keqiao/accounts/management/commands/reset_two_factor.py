"""Reset a user's two-factor sign-in (a lost phone and no recovery code left)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from keqiao.accounts import twofactor


class Command(BaseCommand):
    help = (
        "Remove a user's authenticator app and recovery codes, after checking who is asking. They then sign "
        "in with their password alone and, where two-factor sign-in is required, set up a new app at once. "
        "The reset is recorded as an event of the user's organisations."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reason", default="", help="Why, for the record (e.g. the ticket number).")

    def handle(self, *args, username, reason, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        had = twofactor.reset(user=user, by=None, reason=reason or "reset_two_factor command")
        if had:
            self.stdout.write(f"Two-factor sign-in of {username} was reset.")
        else:
            self.stdout.write(f"{username} had no authenticator app; recovery codes (if any) were removed.")
