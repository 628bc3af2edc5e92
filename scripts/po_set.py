"""Set zh_Hans translations from a JSON object {msgid: msgstr} and clear their fuzzy flags.

Usage: .venv/bin/python scripts/po_set.py '{"msgid": "译文"}'
"""

import json
import sys

import polib

PO = "locale/zh_Hans/LC_MESSAGES/django.po"

catalogue = polib.pofile(PO)
updates = json.loads(sys.argv[1])
for entry in catalogue:
    if entry.msgid in updates:
        entry.msgstr = updates[entry.msgid]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
catalogue.save(PO)
print(f"{len(catalogue.untranslated_entries())} untranslated, {len(catalogue.fuzzy_entries())} fuzzy")
