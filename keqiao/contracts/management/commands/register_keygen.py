"""Generate an SM2 key for the contract register (the operator runs it once, and at each rotation)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from keqiao.contracts import signing


class Command(BaseCommand):
    help = (
        "Write a new SM2 private key to PATH (created with mode 0600; an existing file is never overwritten) "
        "and print its public key and key id. Point KEQIAO_REGISTER_KEY_FILE at it."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the private key.")

    def handle(self, *args, **options):
        path = Path(options["path"])
        key = signing.generate_key()
        try:
            signing.write_key_file(path, key)
        except FileExistsError as exc:
            raise CommandError(f"{path} exists already; choose a new file for a new key.") from exc
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc}") from exc
        self.stdout.write(f"key id {key.key_id}")
        self.stdout.write(f"public key {key.public_key}")
