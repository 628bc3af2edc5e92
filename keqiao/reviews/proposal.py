"""Proposing experts for a review: rank the registry by field match, exclude whoever has a conflict of
interest with the subject and say why.

Conflicts (any one excludes):
- the expert works at an organisation that holds or co-completed the subject (by platform id or by name);
- the expert is named among the subject's completers;
- the expert's organisation and a holder organisation were parties to a registered technology contract
  (registered in the last three years) or to a deal that went past the first expression of interest
  (opened in the last three years);
- the expert declared a conflict with a holder organisation.

Cost: one query for the registry (only the columns needed), one for the declared conflicts, and four
indexed queries for the counterparties (seller and buyer side of contracts, both sides of deals) — the
counterparties are found from the holder's side, so the cost follows the holder's own history, not the
size of the contract table.
"""

import datetime
from dataclasses import dataclass, field

from django.db import router
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from keqiao.accounts.models import Organization
from keqiao.contracts.models import Contract
from keqiao.negotiations.choices import DealStatus
from keqiao.negotiations.models import Deal

from . import choices
from .models import Expert
from .subjects import SubjectFacts

CONFLICT_YEARS = 3
# Deals that went past a first expression of interest: the two sides talked business.
CONFLICT_DEAL_STATUSES = (
    DealStatus.ACCEPTED,
    DealStatus.NEGOTIATING,
    DealStatus.AGREED,
    DealStatus.REGISTERED,
    DealStatus.PERFORMING,
    DealStatus.COMPLETED,
    DealStatus.TERMINATED,
)


@dataclass
class Candidate:
    expert_id: int
    name: str
    organization: str
    score: int
    reasons: list[str] = field(default_factory=list)


@dataclass
class Exclusion:
    expert_id: int
    name: str
    organization: str
    reasons: list[str] = field(default_factory=list)


@dataclass
class Proposal:
    candidates: list[Candidate]
    excluded: list[Exclusion]
    considered: int


def _cutoff(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=round(365.25 * CONFLICT_YEARS))


def holder_organization_ids(facts: SubjectFacts) -> set[int]:
    """The platform organisations of the subject: by id, and the completing organisations by name."""
    ids = set(facts.organization_ids)
    if facts.organization_names:
        ids |= set(
            Organization.objects.filter(name__in=facts.organization_names).values_list("pk", flat=True)
        )
    return ids


def counterparties(holder_ids: set[int], *, now: datetime.datetime) -> dict[int, str]:
    """Organisations that dealt with a holder organisation recently: {organisation id: "contract"|"deal"}."""
    if not holder_ids:
        return {}
    since = _cutoff(now)
    since_day = timezone.localdate(since)
    found: dict[int, str] = {}
    # Read by the foreign-key index of each side, then filter by status and date here: the holder's own
    # rows are few, while a filter on status and date first would make the planner scan the statistics
    # index over most of the table.
    approved = Contract.Status.APPROVED
    for side, other in (
        ("seller_organization_id", "buyer_organization_id"),
        ("buyer_organization_id", "seller_organization_id"),
    ):
        rows = Contract.objects.filter(**{f"{side}__in": holder_ids}).values_list(
            other, "status", "registered_on"
        )
        for org_id, status, registered_on in rows:
            if org_id and status == approved and registered_on is not None and registered_on >= since_day:
                found[org_id] = "contract"
    for side, other in (("initiator_id", "counterpart_id"), ("counterpart_id", "initiator_id")):
        rows = Deal.objects.filter(**{f"{side}__in": holder_ids}).values_list(other, "status", "created_at")
        for org_id, status, created_at in rows:
            if status in CONFLICT_DEAL_STATUSES and created_at >= since:
                found.setdefault(org_id, "deal")
    for org_id in holder_ids:
        found.pop(org_id, None)
    return found


def _discipline_match(subject_code: str, expert_codes: list[str]) -> int:
    """0–3: how deep the expert's closest GB/T 13745 code shares the subject's (first, second and third
    level codes are 3, 5 and 7 digits long, each starting with its parent's)."""
    if not subject_code:
        return 0
    best = 0
    for code in expert_codes:
        if not code or not code.isdigit():
            continue
        if subject_code.startswith(code) or code.startswith(subject_code):
            depth = {3: 1, 5: 2, 7: 3}.get(min(len(code), len(subject_code)), 1)
            best = max(best, depth)
    return best


class _Context:
    """What the conflict checks of one subject read, loaded once."""

    def __init__(self, facts: SubjectFacts, now: datetime.datetime, expert_ids=None):
        self.facts = facts
        self.holder_ids = holder_organization_ids(facts)
        self.partners = counterparties(self.holder_ids, now=now)
        self.declared: dict[int, list[int]] = {}
        if self.holder_ids:
            rows = Expert.conflict_organizations.through.objects.filter(organization_id__in=self.holder_ids)
            if expert_ids is not None:
                rows = rows.filter(expert_id__in=expert_ids)
            for expert_id, org_id in rows.values_list("expert_id", "organization_id"):
                self.declared.setdefault(expert_id, []).append(org_id)
        wanted = {o for ids in self.declared.values() for o in ids}
        self.org_names = dict(Organization.objects.filter(pk__in=wanted).values_list("pk", "name"))

    def conflicts(self, pk: int, org_id: int | None, org_name: str, is_completer: bool) -> list[str]:
        facts = self.facts
        found: list[str] = []
        if (org_id and org_id in self.holder_ids) or org_name in facts.organization_names:
            found.append(_("Works at %(org)s, which holds or co-completed the subject.") % {"org": org_name})
        if is_completer:
            found.append(_("Is named among the completers of the subject."))
        if org_id and org_id in self.partners:
            if self.partners[org_id] == "contract":
                found.append(
                    _(
                        "%(org)s signed a registered technology contract with the holder in the last three years."
                    )
                    % {"org": org_name}
                )
            else:
                found.append(
                    _("%(org)s negotiated a deal with the holder in the last three years.")
                    % {"org": org_name}
                )
        for conflict_org in self.declared.get(pk, ()):
            found.append(
                _("Declared a conflict of interest with %(org)s.")
                % {"org": self.org_names.get(conflict_org, "")}
            )
        return found


_COLUMNS = ("pk", "organization_id", "organization_name", "disciplines", "tech_fields")
# A change is read again for this long after its `updated_at`: a transaction that stamped a row before the
# last read but committed after it is still picked up.
_OVERLAP = datetime.timedelta(minutes=2)


@dataclass
class _Registry:
    """The proposable experts of one database, by id, with the state of the whole table they came from."""

    state: tuple  # (rows in the table, highest id, last `updated_at`)
    rows: dict[int, tuple]
    ordered: list[tuple]


# The proposable part of the registry, parsed once per process and kept up to date incrementally: the
# registry changes rarely (an invitation, a confirmation, a profile edit each move `updated_at`), and
# reading and decoding 5,000 profiles is most of a cold proposal's cost. Each call reads the table's state
# (one aggregate); when it moved, only the rows changed since the last read (with an overlap) are read
# and merged — an expert leaving the proposable set is dropped, one entering it added. When the count of
# rows is not the old count plus the new ids (a row was deleted), the registry is read whole again.
_registry_cache: dict[str, _Registry] = {}


def _full_registry(alias: str, state: tuple) -> _Registry:
    proposable = Expert.objects.using(alias).filter(status=choices.ExpertStatus.CONFIRMED, available=True)
    rows = {row[0]: row for row in proposable.order_by("pk").values_list(*_COLUMNS)}
    return _Registry(state, rows, list(rows.values()))


def _merged(alias: str, cached: _Registry, state: tuple) -> _Registry | None:
    """The cached registry with the rows changed since it was read; None when a deletion is suspected."""
    total, _last_id, _last_change = cached.state
    changed = list(
        Expert.objects.using(alias)
        .filter(updated_at__gte=cached.state[2] - _OVERLAP)
        .values_list("pk", "status", "available", *_COLUMNS[1:])
    )
    if state[0] != total + sum(1 for row in changed if row[0] > cached.state[1]):
        return None
    rows = dict(cached.rows)
    for pk, status, available, *rest in changed:
        if status == choices.ExpertStatus.CONFIRMED and available:
            rows[pk] = (pk, *rest)
        else:
            rows.pop(pk, None)
    return _Registry(state, rows, [rows[pk] for pk in sorted(rows)])


def _registry() -> list[tuple]:
    alias = router.db_for_read(Expert)
    state = tuple(
        Expert.objects.using(alias)
        .aggregate(n=Count("pk"), last_id=Max("pk"), last=Max("updated_at"))
        .values()
    )
    cached = _registry_cache.get(alias)
    if cached is not None and cached.state == state:
        return cached.ordered
    registry = None
    if cached is not None and cached.state[2] is not None and state[2] is not None:
        registry = _merged(alias, cached, state)
    if registry is None:
        registry = _full_registry(alias, state)
    _registry_cache[alias] = registry
    return registry.ordered


def _completer_experts(facts: SubjectFacts) -> set[int]:
    """Experts whose account name is one of the subject's completers."""
    if not facts.person_names:
        return set()
    return set(Expert.objects.filter(user__full_name__in=facts.person_names).values_list("pk", flat=True))


def propose(
    facts: SubjectFacts, *, exclude_expert_ids=(), limit: int = 30, now: datetime.datetime | None = None
) -> Proposal:
    """Rank the confirmed, available experts for a subject; list the ones excluded for a conflict."""
    context = _Context(facts, now or timezone.now())
    completers = _completer_experts(facts)
    skip = set(exclude_expert_ids)
    subject_code = facts.discipline_code
    field_reason = _("Same technology field.")
    depth_reasons = {
        1: _("Same first-level discipline."),
        2: _("Same second-level discipline."),
        3: _("Same third-level discipline."),
    }
    candidates: list[Candidate] = []
    excluded: list[Exclusion] = []
    considered = 0
    for pk, org_id, org_name, disciplines, tech_fields in _registry():
        if pk in skip:
            continue
        considered += 1
        conflicts = context.conflicts(pk, org_id, org_name, pk in completers)
        if conflicts:
            excluded.append(Exclusion(pk, "", org_name, conflicts))
            continue
        score = 0
        field_match = bool(facts.tech_field) and facts.tech_field in (tech_fields or ())
        if field_match:
            score += 2
        depth = _discipline_match(facts.discipline_code, disciplines or []) if subject_code else 0
        score += depth
        if score:
            reasons = [field_reason] if field_match else []
            if depth:
                reasons.append(depth_reasons[depth])
            candidates.append(Candidate(pk, "", org_name, score, reasons))
    candidates.sort(key=lambda c: (-c.score, c.expert_id))
    candidates = candidates[:limit]
    excluded.sort(key=lambda e: e.expert_id)
    # Names only for the experts shown.
    shown = [*candidates, *excluded]
    names = {
        pk: full_name or username
        for pk, full_name, username in Expert.objects.filter(pk__in=[e.expert_id for e in shown]).values_list(
            "pk", "user__full_name", "user__username"
        )
    }
    for entry in shown:
        entry.name = names.get(entry.expert_id, "")
    return Proposal(candidates=candidates, excluded=excluded, considered=considered)


def conflicts_of(facts: SubjectFacts, expert: Expert, *, now: datetime.datetime | None = None) -> list[str]:
    """The reasons one expert cannot review the subject (empty: none)."""
    context = _Context(facts, now or timezone.now(), expert_ids=[expert.pk])
    full_name = expert.user.full_name
    is_completer = bool(full_name) and full_name in facts.person_names
    return context.conflicts(expert.pk, expert.organization_id, expert.organization_name, is_completer)
