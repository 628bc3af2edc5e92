"""Reads of assessments and valuations, already scoped to the user. Anyone else gets a 404."""

from django.db.models import Q, QuerySet
from django.http import Http404

from keqiao.accounts.models import Organization
from keqiao.accounts.selectors import _membership_cache, user_organization_ids
from keqiao.contracts.models import Contract
from keqiao.negotiations import choices as deal_choices
from keqiao.negotiations.models import Deal

from .models import TrlAssessment, TrlEvidence, Valuation

# A valuation can be shared into a room once the listing side accepted the interest, and until the deal ends.
SHAREABLE_DEAL_STATUSES = (*deal_choices.ROOM_STATUSES, deal_choices.DealStatus.AGREED)


def user_agency_organizations(user) -> list[tuple[int, str]]:
    """Verified service agencies the user is a member of, as (id, kind) pairs."""
    return [
        (org_id, kind)
        for org_id, _role, kind, status in _membership_cache(user)
        if kind == Organization.Kind.AGENCY and status == Organization.Status.VERIFIED
    ]


def user_is_assessor(user) -> bool:
    """An expert (User.is_expert) or a member of a verified service agency: may confirm readiness levels."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_expert or user_agency_organizations(user))


def user_may_confirm(user, assessment: TrlAssessment) -> bool:
    """An assessor who is not a member of the holder: nobody confirms their own organisation's level."""
    return user_is_assessor(user) and assessment.achievement.organization_id not in user_organization_ids(
        user
    )


def user_is_holder(user, achievement) -> bool:
    return achievement.organization_id in user_organization_ids(user)


def _assessments() -> QuerySet[TrlAssessment]:
    return TrlAssessment.objects.select_related(
        "achievement", "achievement__organization", "created_by", "confirmed_by"
    )


def assessments_for_achievement(user, achievement) -> list[TrlAssessment]:
    """The achievement's assessments the user may open: all of them for holders and assessors, none else."""
    if not (user_is_holder(user, achievement) or user_is_assessor(user)):
        return []
    qs = _assessments().filter(achievement=achievement)
    if not user_is_holder(user, achievement):
        qs = qs.exclude(status=TrlAssessment.Status.DRAFT)
    return list(qs)


def assessment_visible_to(user, pk: int) -> TrlAssessment:
    """Holders see their assessments; assessors see submitted and confirmed ones (never drafts)."""
    a = _assessments().filter(pk=pk).first()
    if a is None or not getattr(user, "is_authenticated", False):
        raise Http404
    if user_is_holder(user, a.achievement):
        return a
    if user_is_assessor(user) and a.status != TrlAssessment.Status.DRAFT:
        return a
    raise Http404


def assessments_awaiting(user) -> QuerySet[TrlAssessment]:
    """The queue of an assessor: submitted assessments of other organisations."""
    if not user_is_assessor(user):
        return TrlAssessment.objects.none()
    return (
        _assessments()
        .filter(status=TrlAssessment.Status.SUBMITTED)
        .exclude(achievement__organization_id__in=user_organization_ids(user))
        .order_by("updated_at", "id")
    )


def evidence_visible_to(user, pk: int) -> TrlEvidence:
    e = TrlEvidence.objects.select_related("assessment").filter(pk=pk).first()
    if e is None:
        raise Http404
    assessment_visible_to(user, e.assessment_id)
    return e


# --- valuations -----------------------------------------------------------------------------------


def _valuations() -> QuerySet[Valuation]:
    return Valuation.objects.select_related("organization", "author", "achievement", "deal")


def _party_deal_ids(user) -> QuerySet:
    orgs = user_organization_ids(user)
    return Deal.objects.filter(Q(initiator_id__in=orgs) | Q(counterpart_id__in=orgs)).values("pk")


def valuations_of_user(user) -> QuerySet[Valuation]:
    """Valuations of the user's organisations, and those shared into negotiations the user is a party to."""
    if not getattr(user, "is_authenticated", False):
        return Valuation.objects.none()
    orgs = user_organization_ids(user)
    return _valuations().filter(Q(organization_id__in=orgs) | Q(deal_id__in=_party_deal_ids(user)))


def valuation_visible_to(user, pk: int) -> Valuation:
    v = valuations_of_user(user).filter(pk=pk).first()
    if v is None:
        raise Http404
    return v


def user_may_edit_valuation(user, valuation: Valuation) -> bool:
    return valuation.organization_id in user_organization_ids(user)


def valuations_for_deal(user, deal: Deal) -> list[Valuation]:
    """Valuations shared into `deal`'s room, if the user is one of its parties (else none)."""
    if not getattr(user, "is_authenticated", False) or not (user_organization_ids(user) & deal.party_ids):
        return []
    return list(_valuations().filter(deal=deal).order_by("-shared_at", "-id"))


def deals_to_share_into(user) -> QuerySet[Deal]:
    """Open negotiation rooms of the user's organisations, where a valuation can be shared."""
    orgs = user_organization_ids(user)
    return (
        Deal.objects.filter(Q(initiator_id__in=orgs) | Q(counterpart_id__in=orgs))
        .filter(status__in=SHAREABLE_DEAL_STATUSES)
        .select_related("achievement", "demand", "initiator", "counterpart")
    )


def party_deal_visible_to(user, pk: int) -> Deal:
    """A deal the user's organisation is a party to; 404 otherwise."""
    deal = (
        Deal.objects.select_related("achievement", "demand", "initiator", "counterpart", "agreed_offer")
        .filter(pk=pk)
        .first()
    )
    if deal is None or not (user_organization_ids(user) & deal.party_ids):
        raise Http404
    return deal


# --- market comparables ---------------------------------------------------------------------------

MIN_COMPARABLES = 3  # fewer would let a party recognise one another's contract


def comparable_contracts(*, tech_field: str, contract_type: str = "", ip_type: str = "", limit: int = 200):
    """Registered contracts of the platform like the one being valued, anonymised: amount, year and how
    close each is (share of the three attributes that match). The field must match; contract type and IP
    form, when given, raise closeness and are relaxed when fewer than MIN_COMPARABLES match exactly."""
    qs = Contract.objects.registered().filter(tech_field=tech_field)
    rows = list(
        qs.order_by("-registered_on", "-id").values_list(
            "technology_amount", "contract_type", "ip_type", "registered_on"
        )[:limit]
    )
    result = []
    for amount, ctype, ip, registered_on in rows:
        matched = 1 + (not contract_type or ctype == contract_type) + (not ip_type or ip == ip_type)
        result.append(
            {
                "amount": float(amount),
                "year": registered_on.year,
                "contract_type": ctype,
                "ip_type": ip,
                "closeness": round(matched / 3, 3),
            }
        )
    result.sort(key=lambda r: (-r["closeness"], -r["year"]))
    exact = [r for r in result if r["closeness"] == 1.0]
    chosen = exact if len(exact) >= MIN_COMPARABLES else result
    if len(chosen) < MIN_COMPARABLES:
        return []
    return chosen
