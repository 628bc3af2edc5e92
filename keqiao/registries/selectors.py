"""Reads of the innovation registries, scoped to the reader: the holder's members, the designated
department's members and the S&T bureau see a record; anyone else gets a 404.

Also the counts the plan's indicators are computed from (`keqiao.governance` binds an indicator to one of
the `QUERIES` below, or to a `qualification:<kind>` / `platform:<kind>[:<lowest level>]` query): a
qualification counts for a day while it is confirmed and the day lies within its validity, until the day
it was revoked or expired; a platform counts from its recognition until it was revoked. A record counts
for the region of its holder's registered address.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.selectors import user_is_bureau, user_organization_ids

from . import choices
from .models import Platform, Qualification

QS = choices.QualificationStatus
PS = choices.PlatformStatus

# Statuses of records that were confirmed once (a revoked or expired one counted until `ended_on`).
QUALIFICATION_COUNTED = (QS.CONFIRMED, QS.EXPIRED, QS.REVOKED)
PLATFORM_COUNTED = (PS.ACTIVE, PS.UNDER_EVALUATION, PS.REVOKED)


def _scope(qs: QuerySet, user) -> QuerySet:
    if user_is_bureau(user):
        return qs
    ids = user_organization_ids(user)
    if not ids:
        return qs.none()
    return qs.filter(Q(organization_id__in=ids) | Q(department_id__in=ids))


def qualifications_visible_to(user) -> QuerySet[Qualification]:
    return _scope(Qualification.objects.select_related("organization", "department"), user)


def qualification_for(user, pk: int) -> Qualification:
    return get_object_or_404(qualifications_visible_to(user), pk=pk)


def platforms_visible_to(user) -> QuerySet[Platform]:
    return _scope(Platform.objects.select_related("organization", "department"), user)


def platform_for(user, pk: int) -> Platform:
    return get_object_or_404(platforms_visible_to(user), pk=pk)


def awaiting_decision(user) -> dict[str, int]:
    """How many records wait for the user's decision (as the designated department or the bureau)."""
    bureau = user_is_bureau(user)
    ids = user_organization_ids(user)
    if not bureau and not ids:
        return {"qualifications": 0, "platforms": 0}
    q_open = Qualification.objects.filter(status__in=(QS.PROPOSED, QS.REVIEWED))
    p_open = Platform.objects.filter(status__in=(PS.PROPOSED, PS.UNDER_EVALUATION))
    if not bureau:
        q_open = q_open.filter(department_id__in=ids)
        p_open = p_open.filter(department_id__in=ids)
    return {"qualifications": q_open.count(), "platforms": p_open.count()}


# The kinds of organisation that hold each registry's records.
QUALIFICATION_HOLDERS = ("enterprise", "carrier", "agency")
PLATFORM_HOSTS = ("enterprise", "university", "institute", "carrier", "agency")


def user_proposes_for(user, organizations, kinds) -> list:
    """The user's verified organisations of `kinds`, for which they may propose records."""
    ids = user_organization_ids(user)
    if not ids:
        return []
    return list(organizations.filter(pk__in=ids, status="verified", kind__in=kinds))


# --- indicator queries


@dataclass(frozen=True)
class RegistryQuery:
    """What an indicator counts: qualifications of a kind (distinct enterprises), or platforms of a kind
    (optionally any kind) at a level or above."""

    key: str
    registry: str  # "qualification" or "platform"
    kind: str  # "" for every platform kind
    min_level: str = ""

    @property
    def label(self) -> str:
        if self.key in QUERIES:
            return str(QUERY_LABELS[self.key])
        if self.registry == "qualification":
            return str(
                _("Enterprises holding a valid confirmed qualification: %(kind)s")
                % {"kind": choices.QualificationKind(self.kind).label}
            )
        what = choices.PlatformKind(self.kind).label if self.kind else _("R&D platforms of every kind")
        if self.min_level:
            return str(
                _("Active R&D platforms: %(kind)s, %(level)s level or above")
                % {"kind": what, "level": choices.Level(self.min_level).label}
            )
        return str(_("Active R&D platforms: %(kind)s") % {"kind": what})


QUERIES = {
    "high_tech_enterprises": ("qualification", choices.QualificationKind.HIGH_TECH, ""),
    "tech_smes": ("qualification", choices.QualificationKind.TECH_SME, ""),
    "demonstration_enterprises": ("qualification", choices.QualificationKind.DEMONSTRATION, ""),
    "specialised_enterprises": ("qualification", choices.QualificationKind.SPECIALISED, ""),
    "engineering_research_centres": ("platform", choices.PlatformKind.ENGINEERING_CENTRE, ""),
    "enterprise_technology_centres": ("platform", choices.PlatformKind.ENTERPRISE_CENTRE, ""),
    "key_laboratories": ("platform", choices.PlatformKind.KEY_LAB, ""),
    "new_rd_institutions": ("platform", choices.PlatformKind.NEW_RD_INSTITUTION, ""),
    "rd_platforms": ("platform", "", ""),
}
QUERY_LABELS = {
    "high_tech_enterprises": _("National high-tech enterprises with a valid confirmed certificate"),
    "tech_smes": _("Technology-based SMEs registered for the year"),
    "demonstration_enterprises": _("Designated industry–university–research demonstration enterprises"),
    "specialised_enterprises": _("Confirmed specialised and innovative (专精特新) enterprises"),
    "engineering_research_centres": _("Active engineering technology research centres (every level)"),
    "enterprise_technology_centres": _("Active enterprise technology centres (every level)"),
    "key_laboratories": _("Active key laboratories (every level)"),
    "new_rd_institutions": _("Active new R&D institutions (every level)"),
    "rd_platforms": _("Active R&D platforms of every kind and level"),
}


def parse_query(key: str) -> RegistryQuery | None:
    """The registry query an indicator's `query` names, or None if it names none."""
    key = (key or "").strip()
    if key in QUERIES:
        registry, kind, level = QUERIES[key]
        return RegistryQuery(key, registry, str(kind), str(level))
    parts = key.split(":")
    if parts[0] == "qualification" and len(parts) == 2 and parts[1] in choices.QualificationKind.values:
        return RegistryQuery(key, "qualification", parts[1])
    if parts[0] == "platform" and 2 <= len(parts) <= 3:
        kind = "" if parts[1] == "any" else parts[1]
        level = parts[2] if len(parts) == 3 else ""
        if (kind == "" or kind in choices.PlatformKind.values) and (
            level == "" or level in choices.Level.values
        ):
            return RegistryQuery(key, "platform", kind, level)
    return None


def query_keys() -> list[str]:
    return list(QUERIES)


def change_marker() -> str:
    """Changes whenever a registry record is added or changed (every write saves `updated_at`): the key
    under which computed indicator values may be cached."""
    q = Qualification.objects.aggregate(m=Max("updated_at"), n=Count("id"), i=Max("id"))
    p = Platform.objects.aggregate(m=Max("updated_at"), n=Count("id"), i=Max("id"))
    return f"{q['m']}/{q['n']}/{q['i']}:{p['m']}/{p['n']}/{p['i']}"


def _counted(query: RegistryQuery, day: datetime.date) -> QuerySet:
    if query.registry == "qualification":
        return Qualification.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day),
            kind=query.kind,
            status__in=QUALIFICATION_COUNTED,
            valid_from__lte=day,
            valid_until__gte=day,
        )
    qs = Platform.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day), status__in=PLATFORM_COUNTED, recognised_on__lte=day
    )
    if query.kind:
        qs = qs.filter(kind=query.kind)
    if query.min_level:
        rank = choices.LEVEL_RANK[query.min_level]
        qs = qs.filter(level__in=[lv for lv, r in choices.LEVEL_RANK.items() if r >= rank])
    return qs


def count_on(query: RegistryQuery, day: datetime.date) -> int:
    """The indicator's value on `day`: distinct enterprises for a qualification, platforms otherwise."""
    qs = _counted(query, day)
    if query.registry == "qualification":
        return qs.values("organization_id").distinct().count()
    return qs.count()


def counts_by_region(query: RegistryQuery, day: datetime.date) -> dict[str, int]:
    """{region code of the holder: count} on `day`."""
    qs = _counted(query, day)
    if query.registry == "qualification":
        rows = qs.values("organization__region__code").annotate(n=Count("organization_id", distinct=True))
    else:
        rows = qs.values("organization__region__code").annotate(n=Count("id"))
    return {r["organization__region__code"]: r["n"] for r in rows}


def records_on(query: RegistryQuery, day: datetime.date) -> QuerySet:
    """The records behind the value on `day`, with their holders, for the drill-down."""
    qs = _counted(query, day).select_related("organization", "organization__region")
    if query.registry == "qualification":
        return qs.order_by("organization__name", "-valid_from")
    return qs.order_by("-level", "name")
