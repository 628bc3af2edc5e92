"""Compile locale/*/LC_MESSAGES/*.po to .mo with polib (no GNU gettext needed at install time).

--check fails when the zh_Hans catalogue has an untranslated or fuzzy entry, so a string added to the
code without its Chinese translation breaks `make test`.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the translation catalogues; with --check, refuse missing or fuzzy zh_Hans entries."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check=False, **options):
        problems = []
        compiled = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                catalogue = polib.pofile(str(po_path))
                if check and po_path.parts[-3] == "zh_Hans":
                    for entry in catalogue:
                        if entry.obsolete:
                            continue
                        if "fuzzy" in entry.flags:
                            problems.append(f"{po_path}: fuzzy: {entry.msgid!r}")
                        elif not entry.translated():
                            problems.append(f"{po_path}: untranslated: {entry.msgid!r}")
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                compiled += 1
        if problems:
            raise CommandError(
                "Translation catalogue incomplete:\n"
                + "\n".join(problems[:50])
                + (f"\n… and {len(problems) - 50} more" if len(problems) > 50 else "")
            )
        self.stdout.write(f"Compiled {compiled} catalogue(s).")
