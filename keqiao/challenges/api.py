"""JSON API of challenge tenders: challenges in public; publishing, proposals (sealed: their solver, the
challenger once the deadline has passed, their reviewers), scoring and the award with a session."""

import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from keqiao.accounts.models import Organization
from keqiao.accounts.selectors import user_sees_statistics
from keqiao.common.pagination import MAX_OFFSET
from keqiao.common.schemas import Choice, Id, InputSchema, PositiveAmount, Text
from keqiao.demands.models import Demand

from . import choices, selectors, services
from .models import Challenge

router = Router(tags=["challenges"])


class ChallengeCriterion(Schema):
    name: str
    weight: int


class ChallengeCriterionIn(InputSchema):
    name: Text(60, required=True, multiline=False)
    weight: int


class ChallengeOut(Schema):
    id: int
    demand_id: int
    title: str
    challenger: str
    goals: str
    indicators: str
    reward_kind: str
    amount: Decimal
    deadline: datetime.datetime
    eligibility: str
    criteria: list[ChallengeCriterion]
    evaluation: str
    tech_field: str
    region: str
    status: str
    status_note: str
    published_at: datetime.datetime
    winners: list[str]

    @staticmethod
    def resolve_challenger(obj: Challenge) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_region(obj: Challenge) -> str:
        return obj.region.name

    @staticmethod
    def resolve_winners(obj: Challenge) -> list[str]:
        return [p.organization.name for p in selectors.winners(obj)]


class ChallengeFigures(Schema):
    count: int
    awarded: int
    amount: Decimal
    awards: int
    awarded_amount: Decimal


@router.get(
    "/challenges/statistics",
    response=ChallengeFigures,
    summary="Challenge tenders in figures (government)",
    auth=django_auth,
)
def challenge_statistics(request):
    if not user_sees_statistics(request.user):
        raise Http404
    return selectors.statistics()


@router.get("/challenges", response=list[ChallengeOut], summary="Challenge tenders")
def challenge_list(
    request,
    status: Choice([*choices.ChallengeStatus.values, ""]) = "",
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    qs = selectors.challenges_public()
    if status:
        qs = qs.filter(status=status)
    return list(qs[offset : offset + limit])


@router.get("/challenges/{challenge_id}", response=ChallengeOut, summary="A challenge tender")
def challenge_detail(request, challenge_id: int):
    return selectors.challenge_for(challenge_id)


class ChallengeIn(InputSchema):
    demand_id: Id
    title: Text(200, required=True, multiline=False)
    goals: Text(3000, required=True)
    indicators: Text(3000, required=True)
    reward_kind: Choice(choices.RewardKind) = choices.RewardKind.BUDGET
    amount: PositiveAmount
    deadline: datetime.datetime
    eligibility: Text(2000, required=True)
    criteria: list[ChallengeCriterionIn]
    evaluation: Choice(choices.Evaluation) = choices.Evaluation.CHALLENGER


@router.post(
    "/challenges", response={201: ChallengeOut}, summary="Publish a demand as a challenge", auth=django_auth
)
def challenge_create(request, payload: ChallengeIn):
    demand = Demand.objects.select_related("organization").filter(pk=payload.demand_id).first()
    if demand is None:
        raise Http404
    data = payload.dict()
    data["criteria"] = [dict(c) for c in data["criteria"]]
    return Status(201, services.challenge_publish(by=request.user, demand=demand, data=data))


class ChallengeProposalOut(Schema):
    id: int
    challenge_id: int
    solver: str
    approach: str
    indicators_response: str
    team: str
    price: Decimal
    months: int
    status: str
    scores: dict[str, int]
    total: Decimal | None
    submitted_at: datetime.datetime
    deal_id: int | None
    attachments: list[str]

    @staticmethod
    def resolve_solver(obj) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_attachments(obj) -> list[str]:
        return [a.original_name for a in obj.attachments.all()]


class ChallengeProposalIn(InputSchema):
    organization_id: Id
    approach: Text(5000, required=True)
    indicators_response: Text(3000, required=True)
    team: Text(2000) = ""
    price: PositiveAmount
    months: int


@router.post(
    "/challenges/{challenge_id}/proposals",
    response={201: ChallengeProposalOut},
    summary="Submit a proposal (before the deadline)",
    auth=django_auth,
)
def proposal_create(request, challenge_id: int, payload: ChallengeProposalIn):
    challenge = selectors.challenge_for(challenge_id)
    org = Organization.objects.filter(pk=payload.organization_id).first()
    if org is None:
        raise Http404
    proposal = services.proposal_submit(
        challenge=challenge, by=request.user, organization=org, data=payload.dict(), files=[]
    )
    return Status(201, proposal)


@router.get(
    "/challenges/{challenge_id}/proposals",
    response=list[ChallengeProposalOut],
    summary="Proposals: the challenger's (after the deadline) or one's own",
    auth=django_auth,
)
def proposal_list(request, challenge_id: int):
    challenge = selectors.challenge_for(challenge_id)
    if selectors.is_challenger(request.user, challenge):
        return selectors.proposals_for_challenger(challenge)
    return selectors.my_proposals(request.user, challenge)


@router.get(
    "/challenges/{challenge_id}/proposals/{proposal_id}",
    response=ChallengeProposalOut,
    summary="A proposal (solver, challenger, reviewers)",
    auth=django_auth,
)
def proposal_detail(request, challenge_id: int, proposal_id: int):
    return selectors.proposal_for(request.user, selectors.challenge_for(challenge_id), proposal_id)


@router.post(
    "/challenges/{challenge_id}/proposals/{proposal_id}/withdraw",
    response=ChallengeProposalOut,
    summary="Withdraw a proposal (solver, before the deadline)",
    auth=django_auth,
)
def proposal_withdraw(request, challenge_id: int, proposal_id: int):
    proposal = selectors.proposal_for(request.user, selectors.challenge_for(challenge_id), proposal_id)
    return services.proposal_withdraw(proposal=proposal, by=request.user)


class ChallengeScoreIn(InputSchema):
    scores: dict[str, int]
    note: Text(2000) = ""


@router.post(
    "/challenges/{challenge_id}/proposals/{proposal_id}/score",
    response=ChallengeProposalOut,
    summary="Score a proposal against the criteria (challenger)",
    auth=django_auth,
)
def proposal_score(request, challenge_id: int, proposal_id: int, payload: ChallengeScoreIn):
    proposal = selectors.proposal_for(request.user, selectors.challenge_for(challenge_id), proposal_id)
    return services.proposal_score(
        proposal=proposal, by=request.user, scores=payload.scores, note=payload.note
    )


class ChallengeAwardIn(InputSchema):
    proposal_ids: list[Id]
    note: Text(500) = ""


@router.post(
    "/challenges/{challenge_id}/award",
    response=ChallengeOut,
    summary="Award the challenge to one or more solvers (challenger)",
    auth=django_auth,
)
def challenge_award(request, challenge_id: int, payload: ChallengeAwardIn):
    challenge = selectors.challenge_for(challenge_id)
    if not selectors.is_challenger(request.user, challenge):
        raise Http404
    services.challenge_award(
        challenge=challenge, by=request.user, proposal_ids=payload.proposal_ids, note=payload.note
    )
    return selectors.challenge_for(challenge_id)


class ChallengeNoAwardIn(InputSchema):
    reason: Text(500, required=True)


@router.post(
    "/challenges/{challenge_id}/no-award",
    response=ChallengeOut,
    summary="Close the challenge without an award (challenger)",
    auth=django_auth,
)
def challenge_no_award(request, challenge_id: int, payload: ChallengeNoAwardIn):
    challenge = selectors.challenge_for(challenge_id)
    if not selectors.is_challenger(request.user, challenge):
        raise Http404
    services.challenge_no_award(challenge=challenge, by=request.user, reason=payload.reason)
    return selectors.challenge_for(challenge_id)
