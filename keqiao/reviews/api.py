"""JSON API of the expert registry (the S&T bureau; an expert's own profile) and of review panels
(organisers: the bureau and service agencies; experts on their panels; holders once a review closes).
A session is needed; whoever may not see a record gets 404. Scores are blind until the review closes."""

import datetime
from typing import Annotated

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from keqiao.accounts.models import Organization, User
from keqiao.accounts.selectors import user_is_bureau
from keqiao.achievements import choices as achievement_choices
from keqiao.achievements.models import Achievement
from keqiao.common.choices import TechField
from keqiao.common.errors import DomainError
from keqiao.common.pagination import MAX_OFFSET
from keqiao.common.schemas import Choice, ChoiceList, Id, InputSchema, Text

from . import choices, proposal, selectors, services, subjects
from .models import Expert, Review

router = Router(tags=["reviews"], auth=django_auth)

Score = Annotated[int, Field(ge=choices.SCORE_MIN, le=choices.SCORE_MAX)]

# --- registry ---------------------------------------------------------------------------------------------


class ExpertOut(Schema):
    id: int
    user_id: int
    name: str
    organization_id: int | None
    organization_name: str
    title: str
    position: str
    disciplines: list[str]
    tech_fields: list[str]
    expertise: str
    available: bool
    conflict_organization_ids: list[int]
    conflict_note: str
    status: str
    confirmed_at: datetime.datetime | None

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj.user)

    @staticmethod
    def resolve_conflict_organization_ids(obj) -> list[int]:
        return [o.pk for o in obj.conflict_organizations.all()]


class ExpertPatch(InputSchema):
    organization_id: Id | None = None
    organization_name: Text(100, multiline=False) = None
    title: Choice(choices.ExpertTitle) = None
    position: Text(60, multiline=False) = None
    disciplines: Annotated[list[Text(10, multiline=False)], Field(max_length=services.MAX_DISCIPLINES)] = None
    tech_fields: ChoiceList(TechField, max_items=11) = None
    expertise: Text(1000) = None
    available: bool = None
    conflict_organization_ids: Annotated[list[Id], Field(max_length=50)] = None
    conflict_note: Text(500) = None


class ExpertInvite(ExpertPatch):
    username: Text(150, required=True, multiline=False)
    organization_name: Text(100, multiline=False) = ""
    title: Choice(choices.ExpertTitle)


def _expert_data(payload: ExpertPatch) -> dict:
    data = payload.dict(exclude_unset=True, exclude={"username"})
    if "organization_id" in data:
        org_id = data.pop("organization_id")
        data["organization"] = (
            Organization.objects.filter(pk=org_id, status=Organization.Status.VERIFIED).first()
            if org_id
            else None
        )
        if org_id and data["organization"] is None:
            raise DomainError(_("Unknown organisation."), field="organization_id")
    if "conflict_organization_ids" in data:
        ids = data.pop("conflict_organization_ids") or []
        orgs = list(Organization.objects.filter(pk__in=ids))
        if len(orgs) != len(set(ids)):
            raise DomainError(_("Unknown organisation."), field="conflict_organization_ids")
        data["conflict_organizations"] = orgs
    return data


def _expert_qs():
    return Expert.objects.select_related("user").prefetch_related("conflict_organizations")


@router.get("/reviews/experts", response=list[ExpertOut], summary="The expert registry (S&T bureau)")
def expert_list(
    request,
    status: Choice([*choices.ExpertStatus.values, ""]) = "",
    tech_field: Choice([*TechField.values, ""]) = "",
    q: Text(50, multiline=False) = "",
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    if not user_is_bureau(request.user):
        raise Http404
    qs = selectors.experts_for_bureau(status=status, tech_field=tech_field, q=q).prefetch_related(
        "conflict_organizations"
    )
    return list(qs[offset : offset + limit])


@router.post(
    "/reviews/experts", response={201: ExpertOut}, summary="Invite a person with an account (S&T bureau)"
)
def expert_invite(request, payload: ExpertInvite):
    if not user_is_bureau(request.user):
        raise Http404
    user = User.objects.filter(username=payload.username, is_active=True).first()
    if user is None:
        raise DomainError(_("No active account has this user name."), field="username")
    expert = services.expert_invite(by=request.user, user=user, data=_expert_data(payload))
    return Status(201, _expert_qs().get(pk=expert.pk))


@router.get("/reviews/experts/me", response=ExpertOut, summary="My expert profile")
def expert_me(request):
    expert = selectors.expert_of_user(request.user)
    if expert is None:
        raise Http404
    return _expert_qs().get(pk=expert.pk)


@router.patch("/reviews/experts/me", response=ExpertOut, summary="Change my expert profile")
def expert_me_update(request, payload: ExpertPatch):
    expert = selectors.expert_of_user(request.user)
    if expert is None:
        raise Http404
    services.expert_update(expert=expert, by=request.user, data=_expert_data(payload))
    return _expert_qs().get(pk=expert.pk)


class ExpertNoteIn(InputSchema):
    note: Text(500) = ""


@router.post(
    "/reviews/experts/{expert_id}/{action}", response=ExpertOut, summary="Confirm or suspend an expert"
)
def expert_action(request, expert_id: int, action: str, payload: ExpertNoteIn | None = None):
    if action not in ("confirm", "suspend"):
        raise Http404
    expert = selectors.expert_for_bureau(request.user, expert_id)
    if action == "confirm":
        services.expert_confirm(expert=expert, by=request.user)
    else:
        services.expert_suspend(expert=expert, by=request.user, note=payload.note if payload else "")
    return _expert_qs().get(pk=expert.pk)


# --- reviews ----------------------------------------------------------------------------------------------


class ReviewIndicatorResult(Schema):
    score: float
    mean: float
    std: float
    min: float
    max: float


class ReviewResultOut(Schema):
    n: int
    method: str
    method_version: str
    weights: dict[str, float]
    indicators: dict[str, ReviewIndicatorResult]
    total: float
    total_std: float
    total_min: float
    total_max: float


class PanelistOut(Schema):
    id: int
    expert_id: int
    name: str
    organization: str
    submitted: bool
    scores: dict[str, int | None] | None
    comment: str | None
    total: float | None


class ReviewOut(Schema):
    id: int
    title: str
    purpose: str
    subject_type: str
    subject_id: int
    subject_title: str
    organizer_id: int
    status: str
    weights: dict[str, float]
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None
    conclusion: str
    role: str
    panel: list[PanelistOut]
    result: ReviewResultOut | None
    applied_level: str
    applied_evaluation: str


class ReviewListOut(Schema):
    id: int
    title: str
    subject_type: str
    subject_id: int
    organizer_id: int
    status: str
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None
    panel_size: int
    submitted: int

    @staticmethod
    def resolve_subject_type(obj) -> str:
        return f"{obj.subject_type.app_label}.{obj.subject_type.model}"


def _review_out(review: Review, user, role: str) -> dict:
    facts = subjects.facts_of(review.subject)
    return {
        "id": review.pk,
        "title": review.title,
        "purpose": review.purpose,
        "subject_type": f"{review.subject_type.app_label}.{review.subject_type.model}",
        "subject_id": review.subject_id,
        "subject_title": facts.title,
        "organizer_id": review.organizer_id,
        "status": review.status,
        "weights": review.weights,
        "opened_at": review.opened_at,
        "closed_at": review.closed_at,
        "conclusion": review.conclusion,
        "role": role,
        "panel": [
            {
                "id": row.panelist.pk,
                "expert_id": row.panelist.expert_id,
                "name": row.name,
                "organization": row.organization,
                "submitted": row.submitted,
                "scores": row.scores,
                "comment": row.comment,
                "total": row.total,
            }
            for row in selectors.panel_for(review, user, role)
        ],
        "result": review.result if review.is_closed else None,
        "applied_level": review.applied_level,
        "applied_evaluation": review.applied_evaluation,
    }


def _detail(request, review_id: int) -> dict:
    review, role = selectors.review_visible_to(request.user, review_id)
    return _review_out(review, request.user, role)


@router.get("/reviews", response=list[ReviewListOut], summary="Reviews I organise (the bureau: all)")
def review_list(
    request,
    scope: Choice(["organised", "held"]) = "organised",
    status: Choice([*choices.ReviewStatus.values, ""]) = "",
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    qs = (
        selectors.reviews_of_holder(request.user)
        if scope == "held"
        else selectors.reviews_organized_by(request.user)
    )
    if status:
        qs = qs.filter(status=status)
    return list(qs[offset : offset + limit])


class PanelSeatOut(Schema):
    id: int
    review_id: int
    review_title: str
    review_status: str
    status: str
    submitted_at: datetime.datetime | None

    @staticmethod
    def resolve_review_title(obj) -> str:
        return obj.review.title

    @staticmethod
    def resolve_review_status(obj) -> str:
        return obj.review.status


@router.get("/reviews/mine", response=list[PanelSeatOut], summary="The panels I sit on as an expert")
def my_panels(request, limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    return list(selectors.my_panels(request.user)[offset : offset + limit])


class ReviewIn(InputSchema):
    organization_id: Id
    achievement_id: Id
    title: Text(200, required=True, multiline=False)
    purpose: Text(2000) = ""
    weights: dict[Choice(choices.Indicator), float] | None = None


@router.post("/reviews", response={201: ReviewOut}, summary="Open a review of an achievement")
def review_open(request, payload: ReviewIn):

    organization = Organization.objects.filter(pk=payload.organization_id).first()
    if organization is None or not services.may_organize(request.user, organization):
        raise Http404
    achievement = subjects.adapter_for(Achievement).queryset().filter(pk=payload.achievement_id).first()
    if achievement is None:
        raise DomainError(_("This record cannot be reviewed yet."), field="achievement_id")
    review = services.review_open(
        by=request.user,
        organization=organization,
        subject=achievement,
        title=payload.title,
        purpose=payload.purpose,
        weights=payload.weights,
    )
    return Status(201, _detail(request, review.pk))


@router.get("/reviews/{review_id}", response=ReviewOut, summary="A review as I may see it")
def review_detail(request, review_id: int):
    return _detail(request, review_id)


class CandidateOut(Schema):
    expert_id: int
    name: str
    organization: str
    score: int
    reasons: list[str]


class ExclusionOut(Schema):
    expert_id: int
    name: str
    organization: str
    reasons: list[str]


class ProposalOut(Schema):
    considered: int
    candidates: list[CandidateOut]
    excluded: list[ExclusionOut]


def _organizer_review(request, review_id: int) -> Review:
    review, role = selectors.review_visible_to(request.user, review_id)
    if role != selectors.ORGANIZER:
        raise Http404
    return review


@router.get("/reviews/{review_id}/proposal", response=ProposalOut, summary="Proposed and excluded experts")
def review_proposal(request, review_id: int):
    review = _organizer_review(request, review_id)
    exclude = list(review.panel.values_list("expert_id", flat=True))
    return proposal.propose(subjects.facts_of(review.subject), exclude_expert_ids=exclude)


class PanelExpertIn(InputSchema):
    expert_id: Id


@router.post("/reviews/{review_id}/panel", response={201: ReviewOut}, summary="Add an expert to the panel")
def panel_add(request, review_id: int, payload: PanelExpertIn):
    review = _organizer_review(request, review_id)
    expert = selectors.confirmed_experts().filter(pk=payload.expert_id).first()
    if expert is None:
        raise DomainError(_("Choose a confirmed expert."), field="expert_id")
    services.review_add_expert(review=review, by=request.user, expert=expert)
    return Status(201, _detail(request, review_id))


@router.delete("/reviews/{review_id}/panel/{panelist_id}", response=ReviewOut, summary="Remove an expert")
def panel_remove(request, review_id: int, panelist_id: int):
    review = _organizer_review(request, review_id)
    panelist = review.panel.filter(pk=panelist_id).first()
    if panelist is None:
        raise Http404
    services.review_remove_expert(panelist=panelist, by=request.user)
    return _detail(request, review_id)


class ReviewReasonIn(InputSchema):
    reason: Text(500, required=True)


@router.post(
    "/reviews/{review_id}/panel/{panelist_id}/reopen", response=ReviewOut, summary="Reopen an expert's score"
)
def panel_reopen(request, review_id: int, panelist_id: int, payload: ReviewReasonIn):
    review = _organizer_review(request, review_id)
    panelist = review.panel.filter(pk=panelist_id).first()
    if panelist is None:
        raise Http404
    services.panelist_reopen(panelist=panelist, by=request.user, reason=payload.reason)
    return _detail(request, review_id)


class ReviewScoreIn(InputSchema):
    scientific: Score
    technological: Score
    economic: Score
    social: Score
    potential: Score
    comment: Text(4000, required=True)


@router.post(
    "/reviews/{review_id}/score", response=ReviewOut, summary="Submit my score (expert on the panel)"
)
def score_submit(request, review_id: int, payload: ReviewScoreIn):
    review, role = selectors.review_visible_to(request.user, review_id)
    if role != selectors.EXPERT:
        raise Http404
    panelist = review.panel.select_related("expert").get(expert__user=request.user)
    data = payload.dict()
    comment = data.pop("comment")
    services.panelist_submit(panelist=panelist, by=request.user, scores=data, comment=comment)
    return _detail(request, review_id)


class ReviewCloseIn(InputSchema):
    conclusion: Text(2000) = ""


@router.post("/reviews/{review_id}/start", response=ReviewOut, summary="Start scoring")
def review_start(request, review_id: int):
    services.review_start(review=_organizer_review(request, review_id), by=request.user)
    return _detail(request, review_id)


@router.post("/reviews/{review_id}/close", response=ReviewOut, summary="Close the review and fix its result")
def review_close(request, review_id: int, payload: ReviewCloseIn):
    services.review_close(
        review=_organizer_review(request, review_id), by=request.user, conclusion=payload.conclusion
    )
    return _detail(request, review_id)


@router.post("/reviews/{review_id}/cancel", response=ReviewOut, summary="Cancel the review")
def review_cancel(request, review_id: int, payload: ReviewReasonIn):
    services.review_cancel(
        review=_organizer_review(request, review_id), by=request.user, reason=payload.reason
    )
    return _detail(request, review_id)


class ReviewApplyIn(InputSchema):
    level: Choice(achievement_choices.Level)
    evaluation: Choice(achievement_choices.Evaluation)


@router.post(
    "/reviews/{review_id}/apply",
    response=ReviewOut,
    summary="Write the level and evaluation form to the achievement",
)
def review_apply(request, review_id: int, payload: ReviewApplyIn):
    review = _organizer_review(request, review_id)
    services.review_apply_to_achievement(
        review=review, by=request.user, level=payload.level, evaluation=payload.evaluation
    )
    return _detail(request, review_id)
