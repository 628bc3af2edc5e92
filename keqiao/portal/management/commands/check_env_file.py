"""Check an environment file for lines that systemd and a shell would read differently."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config import envfile


class Command(BaseCommand):
    help = "Check an environment file (e.g. /etc/keqiao/keqiao.env) for lines systemd and a shell read differently."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path: str, **options):
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: cannot be read ({exc.__class__.__name__})") from None
        found = envfile.problems(text)
        for line in found:
            self.stderr.write(f"{path}: {line}")
        if found:
            raise CommandError(f"{path}: {len(found)} line(s) to fix")
        self.stdout.write(
            f"{path}: {len(envfile.parse(text))} variables, every line reads alike in systemd and a shell"
        )
