"""Reads of challenge tenders, scoped to the user: the public face of a challenge (its terms, how many
proposals, after the award the winners' names) and the sealed proposals, which only their solver, the
challenger (once the deadline has opened them) and the experts reviewing them may read."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.http import Http404

from keqiao.accounts.models import Organization
from keqiao.accounts.selectors import user_organization_ids
from keqiao.demands.models import Demand
from keqiao.reviews.models import Panelist, Review

from . import choices
from .models import Challenge, Proposal


def challenges_public() -> QuerySet[Challenge]:
    """Every challenge, open ones first by deadline, then the decided ones, newest first."""
    return (
        Challenge.objects.select_related("organization", "region")
        .annotate(
            active=Case(
                When(status=choices.ChallengeStatus.OPEN, then=Value(0)),
                When(status=choices.ChallengeStatus.EVALUATING, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            proposal_count=Count("proposals", distinct=True),
        )
        .order_by("active", "deadline", "-pk")
    )


def challenge_for(pk: int) -> Challenge:
    """Challenges are public in every state (their proposals are not)."""
    challenge = (
        Challenge.objects.select_related("organization", "region", "demand", "demand__organization")
        .filter(pk=pk)
        .first()
    )
    if challenge is None:
        raise Http404
    return challenge


def is_challenger(user, challenge: Challenge) -> bool:
    return challenge.organization_id in user_organization_ids(user)


def proposal_count(challenge: Challenge) -> int:
    return challenge.proposals.exclude(status=choices.ProposalStatus.WITHDRAWN).count()


def winners(challenge: Challenge) -> list[Proposal]:
    """The awarded solvers, public once the challenge is awarded."""
    if challenge.status != choices.ChallengeStatus.AWARDED:
        return []
    return list(
        challenge.proposals.filter(status=choices.ProposalStatus.AWARDED)
        .select_related("organization")
        .order_by("pk")
    )


def proposals_for_challenger(challenge: Challenge) -> list[Proposal]:
    """Every non-withdrawn proposal, best scored first, for the challenger once the deadline has passed."""
    if challenge.is_open:
        return []
    return list(
        challenge.proposals.exclude(status=choices.ProposalStatus.WITHDRAWN)
        .select_related("organization", "challenge")
        .prefetch_related("attachments")
        .order_by("-total", "submitted_at", "pk")
    )


def my_proposals(user, challenge: Challenge) -> list[Proposal]:
    org_ids = user_organization_ids(user)
    if not org_ids:
        return []
    return list(
        challenge.proposals.filter(organization_id__in=org_ids)
        .select_related("organization")
        .order_by("-submitted_at", "-pk")
    )


def _reviewer_ids(proposal: Proposal) -> set[int]:
    """Users on the panel of an expert review of the proposal, and the review's organisers' members."""
    ct = ContentType.objects.get_for_model(Proposal)
    return set(
        Panelist.objects.filter(review__subject_type=ct, review__subject_id=proposal.pk).values_list(
            "expert__user_id", flat=True
        )
    )


def _review_organizer_ids(proposal: Proposal) -> set[int]:
    ct = ContentType.objects.get_for_model(Proposal)
    return set(
        Review.objects.filter(subject_type=ct, subject_id=proposal.pk).values_list("organizer_id", flat=True)
    )


def can_read_proposal(user, proposal: Proposal) -> bool:
    """The solver always; the challenger once the deadline has opened the proposals; the experts on a
    review panel of it and that review's organiser. Nobody else, the bureau included (unless it is the
    challenger of a city challenge or organises the review)."""
    if not getattr(user, "is_authenticated", False):
        return False
    orgs = user_organization_ids(user)
    if proposal.organization_id in orgs:
        return True
    challenge = proposal.challenge
    if challenge.organization_id in orgs and not challenge.is_open:
        return True
    if user.pk in _reviewer_ids(proposal):
        return True
    return bool(orgs & _review_organizer_ids(proposal))


def proposal_for(user, challenge: Challenge, pk: int) -> Proposal:
    proposal = (
        Proposal.objects.select_related("organization", "challenge", "submitted_by", "deal")
        .prefetch_related("attachments")
        .filter(pk=pk, challenge=challenge)
        .first()
    )
    if proposal is None or not can_read_proposal(user, proposal):
        raise Http404
    return proposal


def demands_for_challenge(user) -> list[Demand]:
    """Published demands `user` may turn into a challenge: its own organisations' (verified), or, for the
    city S&T bureau, any enterprise's."""
    orgs = user_organization_ids(user)
    if not orgs:
        return []
    qs = Demand.objects.filter(status="published").select_related("organization")
    if not Organization.objects.filter(pk__in=orgs, kind=Organization.Kind.CITY_BUREAU).exists():
        qs = qs.filter(organization_id__in=orgs, organization__status=Organization.Status.VERIFIED)
    return list(qs.order_by("-published_at", "-pk")[:200])


def challenges_of_user(user) -> QuerySet[Challenge]:
    return challenges_public().filter(organization_id__in=user_organization_ids(user))


Q_AWARDED = Q(status=choices.ChallengeStatus.AWARDED)


def statistics() -> dict:
    """For the bureau: how many challenges, how many awarded, the money put up and awarded, by
    technology field and by county (the demand's region)."""
    qs = Challenge.objects.all()
    total = qs.aggregate(n=Count("pk"), amount=Sum("amount"))
    awarded = Proposal.objects.filter(status=choices.ProposalStatus.AWARDED).aggregate(
        n=Count("pk"), amount=Sum("price")
    )
    by_status = dict(qs.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))

    def grouped(key: str) -> list[dict]:
        return list(
            qs.values(key)
            .annotate(
                n=Count("pk"),
                awarded=Count("pk", filter=Q_AWARDED),
                amount=Sum("amount"),
            )
            .order_by("-n", key)
        )

    return {
        "count": total["n"] or 0,
        "amount": total["amount"] or 0,
        "by_status": by_status,
        "awarded": by_status.get(choices.ChallengeStatus.AWARDED, 0),
        "awards": awarded["n"] or 0,
        "awarded_amount": awarded["amount"] or 0,
        "by_field": grouped("tech_field"),
        "by_region": grouped("region__name"),
    }
