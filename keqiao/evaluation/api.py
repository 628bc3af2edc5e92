"""JSON API of evaluation: the readiness criteria, assessments, and valuations. Session required; anything
the user may not see is a 404."""

import datetime
from typing import Literal

from django.http import Http404
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from keqiao.accounts.selectors import user_holder_organizations
from keqiao.achievements.models import Achievement
from keqiao.achievements.selectors import achievement_visible_to
from keqiao.common.schemas import STRICT_MULTIPART, Choice, Id, InputSchema, Text, refuse_unknown_form_keys

from . import engine, selectors, services, trl

router = Router(tags=["evaluation"], auth=django_auth)


class LevelOut(Schema):
    number: int
    name: str
    criteria: list[str]
    evidence: list[str]


class CriteriaOut(Schema):
    standard: str
    source_note: str
    levels: list[LevelOut]


@router.get(
    "/evaluation/readiness-levels",
    response=CriteriaOut,
    auth=None,
    summary="The readiness levels and their criteria",
)
def readiness_levels(request):
    return {
        "standard": "GB/T 22900-2022",
        "source_note": str(trl.SOURCE_NOTE),
        "levels": [
            {
                "number": lv.number,
                "name": str(lv.name),
                "criteria": [str(c) for c in lv.criteria],
                "evidence": [str(e) for e in lv.evidence],
            }
            for lv in trl.LEVELS
        ],
    }


class AnswerOut(Schema):
    level: int
    met: bool
    statement: str
    verdict: str
    comment: str


class EvidenceOut(Schema):
    id: int
    level: int
    name: str = Field(..., alias="original_name")
    sha256: str
    size: int


class AssessmentOut(Schema):
    id: int
    achievement_id: int
    status: str
    self_level: int
    justification: str
    confirmed_level: int | None
    confirmed_org: str
    confirmed_at: datetime.datetime | None
    reviewer_comment: str
    answers: list[AnswerOut]
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_answers(obj) -> list:
        return list(obj.answers.all())

    @staticmethod
    def resolve_evidence(obj) -> list:
        return list(obj.evidence.all())


@router.get(
    "/achievements/{achievement_id}/readiness",
    response=list[AssessmentOut],
    summary="Readiness assessments of an achievement",
)
def assessments(request, achievement_id: int):
    achievement = achievement_visible_to(request.user, achievement_id)
    return selectors.assessments_for_achievement(request.user, achievement)


@router.get("/readiness/{assessment_id}", response=AssessmentOut, summary="One readiness assessment")
def assessment(request, assessment_id: int):
    return selectors.assessment_visible_to(request.user, assessment_id)


@router.post(
    "/achievements/{achievement_id}/readiness",
    response={201: AssessmentOut},
    summary="Start a readiness assessment (holder)",
)
def assessment_start(request, achievement_id: int):
    achievement = achievement_visible_to(request.user, achievement_id)
    return Status(201, services.assessment_start(achievement=achievement, by=request.user))


class AnswerIn(InputSchema):
    met: bool = False
    statement: Text(2000) = ""


LevelKey = Literal["1", "2", "3", "4", "5", "6", "7", "8", "9"]


class AnswersIn(InputSchema):
    """The holder's answers by level ("1"…"9"); a level left out is not met."""

    answers: dict[LevelKey, AnswerIn] = {}
    justification: Text(4000) = ""


@router.put("/readiness/{assessment_id}/answers", response=AssessmentOut, summary="Save the holder's answers")
def assessment_save(request, assessment_id: int, payload: AnswersIn):
    a = selectors.assessment_visible_to(request.user, assessment_id)
    answers = {int(k): v.model_dump() for k, v in payload.answers.items()}
    return services.assessment_save(
        assessment=a, by=request.user, answers=answers, justification=payload.justification
    )


@router.post(
    "/readiness/{assessment_id}/evidence",
    response={201: EvidenceOut},
    summary="Attach an evidence file to a level (multipart: level, file)",
    openapi_extra=STRICT_MULTIPART,
)
def evidence_add(request, assessment_id: int, level: Form[int], file: File[UploadedFile]):
    refuse_unknown_form_keys(request, fields=("level",), files=("file",))
    a = selectors.assessment_visible_to(request.user, assessment_id)
    return Status(201, services.evidence_add(assessment=a, by=request.user, level=level, uploaded=file))


@router.post(
    "/readiness/{assessment_id}/submit", response=AssessmentOut, summary="Send for confirmation (holder)"
)
def assessment_submit(request, assessment_id: int):
    a = selectors.assessment_visible_to(request.user, assessment_id)
    return services.assessment_submit(assessment=a, by=request.user)


class ReturnIn(InputSchema):
    comment: Text(4000, required=True)


@router.post(
    "/readiness/{assessment_id}/return", response=AssessmentOut, summary="Return to the holder (assessor)"
)
def assessment_return(request, assessment_id: int, payload: ReturnIn):
    a = selectors.assessment_visible_to(request.user, assessment_id)
    return services.assessment_return(assessment=a, by=request.user, comment=payload.comment)


class ConfirmIn(InputSchema):
    level: int = Field(..., ge=1, le=9)
    comment: Text(4000) = ""
    level_comments: dict[Literal["1", "2", "3", "4", "5", "6", "7", "8", "9"], Text(2000)] = {}


@router.post(
    "/readiness/{assessment_id}/confirm",
    response=AssessmentOut,
    summary="Confirm or correct the level (expert or agency)",
)
def assessment_confirm(request, assessment_id: int, payload: ConfirmIn):
    a = selectors.assessment_visible_to(request.user, assessment_id)
    return services.assessment_confirm(
        assessment=a,
        by=request.user,
        level=payload.level,
        comment=payload.comment,
        level_comments={int(k): v for k, v in payload.level_comments.items()},
    )


# --- valuations -----------------------------------------------------------------------------------

Number = float | int | None


class DistIn(InputSchema):
    kind: Choice(engine.KINDS) = "fixed"
    low: Number = None
    mode: Number = None
    high: Number = None
    spread: Number = None


class MarketIn(InputSchema):
    tech_field: str = Field("", max_length=30)
    contract_type: str = Field("", max_length=20)
    ip_type: str = Field("", max_length=20)


class ValuationIn(InputSchema):
    """Rates (growth, royalty, discount, tax, obsolescence) in per cent; amounts in yuan; life in years."""

    title: Text(200, required=True, multiline=False)
    organization_id: Id | None = None
    achievement_id: Id | None = None
    trl: int = Field(4, ge=1, le=9)
    draws: int = Field(engine.DEFAULT_DRAWS, ge=100, le=engine.MAX_DRAWS)
    seed: int = Field(1, ge=0, le=2**31 - 1)
    revenue: DistIn
    growth: DistIn = DistIn(mode=0)
    royalty: DistIn
    life: DistIn
    discount: DistIn
    tax: DistIn = DistIn(mode=25)
    dev_cost: DistIn = DistIn(mode=0)
    reproduction_cost: DistIn = DistIn(mode=0)
    obsolescence: DistIn = DistIn(mode=0)
    market: MarketIn = MarketIn()


class ValuationOut(Schema):
    id: int
    title: str
    organization_id: int
    author_id: int
    achievement_id: int | None
    deal_id: int | None
    copied_from_id: int | None
    method_version: str
    seed: int
    draws: int
    inputs: dict
    results: dict
    created_at: datetime.datetime
    updated_at: datetime.datetime


@router.get(
    "/valuations", response=list[ValuationOut], summary="Valuations of my organisations and shared with me"
)
def valuations(request, limit: int = 50, offset: int = 0):
    limit, offset = min(max(limit, 1), 200), min(max(offset, 0), 100_000)
    return list(selectors.valuations_of_user(request.user)[offset : offset + limit])


def _raw(payload: ValuationIn) -> dict:
    raw = {p.name: getattr(payload, p.name).model_dump() for p in engine.PARAMETERS}
    return raw | {"trl": payload.trl, "draws": payload.draws, "seed": payload.seed}


@router.post("/valuations", response={201: ValuationOut}, summary="Compute and save a valuation")
def valuation_create(request, payload: ValuationIn):
    orgs = {o.pk: o for o in user_holder_organizations(request.user)}
    org_id = payload.organization_id or next(iter(orgs), None)
    if org_id not in orgs:
        raise Http404
    achievement = None
    if payload.achievement_id:
        achievement = Achievement.objects.filter(pk=payload.achievement_id, organization_id__in=orgs).first()
        if achievement is None:
            raise Http404
    v = services.valuation_create(
        by=request.user,
        organization=orgs[org_id],
        title=payload.title,
        inputs=_raw(payload),
        achievement=achievement,
        market=payload.market.model_dump(),
    )
    return Status(201, v)


@router.get("/valuations/{valuation_id}", response=ValuationOut, summary="One valuation")
def valuation(request, valuation_id: int):
    return selectors.valuation_visible_to(request.user, valuation_id)


@router.put("/valuations/{valuation_id}", response=ValuationOut, summary="Change the inputs and recalculate")
def valuation_update(request, valuation_id: int, payload: ValuationIn):
    v = selectors.valuation_visible_to(request.user, valuation_id)
    if not selectors.user_may_edit_valuation(request.user, v):
        raise Http404
    achievement = None
    if payload.achievement_id:
        achievement = Achievement.objects.filter(
            pk=payload.achievement_id, organization_id=v.organization_id
        ).first()
        if achievement is None:
            raise Http404
    return services.valuation_update(
        valuation=v,
        by=request.user,
        title=payload.title,
        inputs=_raw(payload),
        achievement=achievement,
        market=payload.market.model_dump(),
    )


@router.post(
    "/valuations/{valuation_id}/copy",
    response={201: ValuationOut},
    summary="Copy a valuation into my organisation",
)
def valuation_copy(request, valuation_id: int):
    v = selectors.valuation_visible_to(request.user, valuation_id)
    orgs = list(user_holder_organizations(request.user))
    org = next((o for o in orgs if o.pk == v.organization_id), orgs[0] if orgs else None)
    if org is None:
        raise Http404
    return Status(201, services.valuation_copy(valuation=v, by=request.user, organization=org))


class ShareIn(InputSchema):
    deal_id: Id | None = None


@router.post(
    "/valuations/{valuation_id}/share",
    response=ValuationOut,
    summary="Share into a negotiation room, or withdraw (deal_id null)",
)
def valuation_share(request, valuation_id: int, payload: ShareIn):
    v = selectors.valuation_visible_to(request.user, valuation_id)
    if not selectors.user_may_edit_valuation(request.user, v):
        raise Http404
    deal = selectors.party_deal_visible_to(request.user, payload.deal_id) if payload.deal_id else None
    return services.valuation_share(valuation=v, by=request.user, deal=deal)
