"""JSON API of the innovation registries (with a session): the qualifications and R&D platforms the caller
may see, proposing one with its evidence (multipart), and the department's decisions."""

import datetime

from django.http import Http404
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from keqiao.accounts.models import Organization
from keqiao.common.pagination import MAX_OFFSET
from keqiao.common.schemas import STRICT_MULTIPART, Choice, InputSchema, Text, refuse_unknown_form_keys

from . import choices, selectors, services

router = Router(tags=["registries"], auth=django_auth)


class RecordOut(Schema):
    id: int
    organization_id: int
    organization: str
    department: str | None
    status: str
    status_note: str
    evidence_name: str
    evidence_sha256: str
    confirmed_on: datetime.date | None
    ended_on: datetime.date | None

    @staticmethod
    def resolve_organization(obj) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_department(obj) -> str | None:
        return obj.department.name if obj.department_id else None


class QualificationOut(RecordOut):
    kind: str
    number: str
    issuing_body: str
    valid_from: datetime.date
    valid_until: datetime.date


class PlatformOut(RecordOut):
    name: str
    kind: str
    level: str
    document: str
    recognised_on: datetime.date
    tech_field: str


class DecisionIn(InputSchema):
    note: Text(500) = ""
    number: Text(60, multiline=False) = ""


def _organization(organization_id: int) -> Organization:
    org = (
        Organization.objects.select_related("region", "region__parent", "supervisor")
        .filter(pk=organization_id)
        .first()
    )
    if org is None:
        raise Http404
    return org


def _department(department_id: int | None) -> Organization | None:
    if not department_id:
        return None
    dept = Organization.objects.filter(pk=department_id).first()
    if dept is None:
        raise Http404
    return dept


@router.get(
    "/registries/qualifications", response=list[QualificationOut], summary="Enterprise qualifications"
)
def qualification_list(
    request,
    kind: Choice([*choices.QualificationKind.values, ""]) = "",
    status: Choice([*choices.QualificationStatus.values, ""]) = "",
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    qs = selectors.qualifications_visible_to(request.user).order_by("-created_at", "-id")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return list(qs[offset : offset + limit])


@router.get(
    "/registries/qualifications/{qualification_id}", response=QualificationOut, summary="A qualification"
)
def qualification_detail(request, qualification_id: int):
    return selectors.qualification_for(request.user, qualification_id)


_QUALIFICATION_FIELDS = (
    "organization_id",
    "kind",
    "number",
    "issuing_body",
    "valid_from",
    "valid_until",
    "department_id",
)


@router.post(
    "/registries/qualifications",
    response={201: QualificationOut},
    summary="Register a qualification for confirmation (multipart, with the evidence file)",
    openapi_extra=STRICT_MULTIPART,
)
def qualification_propose(
    request,
    organization_id: Form[int],
    kind: Form[str],
    issuing_body: Form[str],
    valid_from: Form[datetime.date],
    valid_until: Form[datetime.date],
    number: Form[str] = "",
    department_id: Form[int | None] = None,
    evidence: File[UploadedFile] = None,
):
    refuse_unknown_form_keys(request, fields=_QUALIFICATION_FIELDS, files=("evidence",))
    record = services.qualification_propose(
        by=request.user,
        organization=_organization(organization_id),
        data={
            "kind": kind,
            "number": number,
            "issuing_body": issuing_body,
            "valid_from": valid_from,
            "valid_until": valid_until,
        },
        evidence=evidence,
        department=_department(department_id),
    )
    return Status(201, record)


@router.post(
    "/registries/qualifications/{qualification_id}/{action}",
    response=QualificationOut,
    summary="Decide on a qualification: confirm, review, designate, reject, revoke (department, bureau) or withdraw (holder)",
)
def qualification_decide(
    request,
    qualification_id: int,
    action: Choice(["confirm", "review", "designate", "reject", "revoke", "withdraw"]),
    payload: DecisionIn,
):
    record = selectors.qualification_for(request.user, qualification_id)
    return services.qualification_decide(
        qualification=record, by=request.user, action=action, note=payload.note, number=payload.number
    )


@router.get("/registries/platforms", response=list[PlatformOut], summary="R&D platforms")
def platform_list(
    request,
    kind: Choice([*choices.PlatformKind.values, ""]) = "",
    level: Choice([*choices.Level.values, ""]) = "",
    status: Choice([*choices.PlatformStatus.values, ""]) = "",
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    qs = selectors.platforms_visible_to(request.user).order_by("-created_at", "-id")
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(level=level)
    if status:
        qs = qs.filter(status=status)
    return list(qs[offset : offset + limit])


@router.get("/registries/platforms/{platform_id}", response=PlatformOut, summary="An R&D platform")
def platform_detail(request, platform_id: int):
    return selectors.platform_for(request.user, platform_id)


_PLATFORM_FIELDS = (
    "organization_id",
    "name",
    "kind",
    "level",
    "document",
    "recognised_on",
    "tech_field",
    "department_id",
)


@router.post(
    "/registries/platforms",
    response={201: PlatformOut},
    summary="Register an R&D platform for confirmation (multipart, with the recognition document)",
    openapi_extra=STRICT_MULTIPART,
)
def platform_propose(
    request,
    organization_id: Form[int],
    name: Form[str],
    kind: Form[str],
    level: Form[str],
    document: Form[str],
    recognised_on: Form[datetime.date],
    tech_field: Form[str] = "",
    department_id: Form[int | None] = None,
    evidence: File[UploadedFile] = None,
):
    refuse_unknown_form_keys(request, fields=_PLATFORM_FIELDS, files=("evidence",))
    record = services.platform_propose(
        by=request.user,
        organization=_organization(organization_id),
        data={
            "name": name,
            "kind": kind,
            "level": level,
            "document": document,
            "recognised_on": recognised_on,
            "tech_field": tech_field,
        },
        evidence=evidence,
        department=_department(department_id),
    )
    return Status(201, record)


@router.post(
    "/registries/platforms/{platform_id}/{action}",
    response=PlatformOut,
    summary="Decide on an R&D platform: confirm, reject, evaluate, pass, revoke (department, bureau) or withdraw (holder)",
)
def platform_decide(
    request,
    platform_id: int,
    action: Choice(["confirm", "reject", "evaluate", "pass", "revoke", "withdraw"]),
    payload: DecisionIn,
):
    record = selectors.platform_for(request.user, platform_id)
    return services.platform_decide(platform=record, by=request.user, action=action, note=payload.note)
