"""Fill untranslated or fuzzy zh_Hans entries from other catalogues (e.g. a branch's django.po).

Usage: .venv/bin/python scripts/po_fill.py SOURCE.po [SOURCE.po ...]
Entries are matched on (msgctxt, msgid, msgid_plural); the first source that translates one wins.
"""

import sys

import polib

PO = "locale/zh_Hans/LC_MESSAGES/django.po"


def key(entry):
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


known = {}
for path in sys.argv[1:]:
    for entry in polib.pofile(path):
        if entry.translated() and key(entry) not in known:
            known[key(entry)] = entry
catalogue = polib.pofile(PO)
filled = 0
for entry in catalogue:
    if entry.obsolete or (entry.translated() and "fuzzy" not in entry.flags):
        continue
    source = known.get(key(entry))
    if source is None:
        continue
    entry.msgstr = source.msgstr
    entry.msgstr_plural = dict(source.msgstr_plural)
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    filled += 1
catalogue.save(PO)
print(
    f"filled {filled}; {len(catalogue.untranslated_entries())} untranslated, {len(catalogue.fuzzy_entries())} fuzzy"
)
