"""The scratch platform the evaluation commands measure on: bundled records imported as published
achievements through the real import service, and the real matcher built over them."""

import random
import time

from django.conf import settings
from django.test import override_settings


def import_records(records: list[dict], *, stderr=None) -> list[int]:
    """Import ``records`` (csl_dev.jsonl format) as published achievements of one organisation, each
    registered with its discipline and with neutral structured attributes, and build the matcher over
    them. Returns the achievement ids, aligned with ``records``."""
    from keqiao.achievements.demo.loader import record_row
    from keqiao.achievements.services import achievements_import
    from keqiao.common.models import Classification
    from keqiao.testing.factories import OrganizationFactory

    from .matcher import get_match_index
    from .taxonomy import CSL_DISCIPLINES

    codes = {c.code: c for c in Classification.objects.filter(scheme="gbt13745", level="first")}
    organization = OrganizationFactory(name="评测单位")
    rng = random.Random(1)
    rows = []
    for r in records:
        row = record_row(r, rng, organization)
        # Structured attributes are invented in the records: keep those factors neutral, but register
        # each achievement with its discipline, as the registration form asks.
        row.update(
            trl=5,
            price=None,
            price_negotiable=True,
            transfer_modes=["license"],
            tech_field="agriculture",
            discipline=codes.get(CSL_DISCIPLINES.get(r["discipline"], (None,))[0]),
        )
        rows.append(row)
    ids = achievements_import(rows=rows)
    index = get_match_index()
    index.reset()
    started = time.perf_counter()
    # The matcher learns from the records being matched, not from a second copy of the bundled set.
    with override_settings(
        KEQIAO={**settings.KEQIAO, "MATCHING_BUNDLED_CORPUS": False, "SEARCH_SNAPSHOT_DIR": ""}
    ):
        index.rebuild()
    if stderr is not None:
        stderr.write(f"imported {len(ids)} records; matcher built in {time.perf_counter() - started:.1f}s")
    return ids
