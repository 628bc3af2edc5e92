"""The scratch platform the evaluation commands measure on: bundled records imported as published
achievements through the real import service, and the real matcher built over them."""

import itertools
import random
import time

from django.conf import settings
from django.test import override_settings

from keqiao.accounts.models import Membership, Organization, User
from keqiao.achievements.services import achievements_import
from keqiao.common.models import Classification, Region
from keqiao.matching.index import get_match_index
from keqiao.matching.taxonomy import CSL_DISCIPLINES
from keqiao.portal.demo.achievements import make_credit_code, record_row

_serial = itertools.count(1)


def scratch_organization(name: str = "", kind: str = Organization.Kind.UNIVERSITY) -> Organization:
    """A verified organisation in Dongpo district for a measurement run (never in a real database:
    the commands that call this run on a scratch database of their own)."""
    rng = random.Random()
    while True:
        code = make_credit_code(rng, "511402")
        if not Organization.objects.filter(credit_code=code).exists():
            break
    return Organization.objects.create(
        name=name or f"评测单位{next(_serial)}",
        kind=kind,
        credit_code=code,
        region=Region.objects.get(code="511402"),
        status=Organization.Status.VERIFIED,
    )


def scratch_member(organization: Organization, role: str = Membership.Role.ADMIN, *, username: str) -> User:
    """An active member of `organization` (no usable password: nobody signs in as it)."""
    user = User.objects.create(username=username, email=f"{username}@example.invalid")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


def import_records(records: list[dict], *, stderr=None) -> list[int]:
    """Import ``records`` (csl_dev.jsonl format) as published achievements of one organisation, each
    registered with its discipline and with neutral structured attributes, and build the matcher over
    them. Returns the achievement ids, aligned with ``records``."""
    codes = {c.code: c for c in Classification.objects.filter(scheme="gbt13745", level="first")}
    organization = scratch_organization("评测单位")
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
