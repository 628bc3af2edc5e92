"""Turn maintenance mode on or off, or show whether it is on."""

from django.core.management.base import BaseCommand

from keqiao.common import maintenance


class Command(BaseCommand):
    help = "Maintenance mode: 'on' makes every page but /healthz answer 503 with Retry-After; 'off' ends it."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("state", choices=["on", "off", "status"])
        parser.add_argument(
            "--note", default="", help="Kept in the flag file (e.g. the version being installed)."
        )

    def handle(self, *args, state: str, note: str = "", **options):
        path = maintenance.flag_path()
        if state == "on":
            maintenance.turn_on(note=note)
            self.stdout.write(f"maintenance on ({path})")
        elif state == "off":
            was_on = maintenance.turn_off()
            self.stdout.write("maintenance off" if was_on else f"maintenance was not on ({path})")
        else:
            self.stdout.write(f"maintenance {'on' if maintenance.is_on() else 'off'} ({path})")
