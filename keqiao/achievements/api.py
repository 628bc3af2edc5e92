"""JSON API for achievements: the public catalogue, and (session-authenticated) registration and review.

Handlers only translate: they call the same selectors and services as the HTML views.
"""

import datetime
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from keqiao.accounts.selectors import (
    public_organizations_for_filter,
    user_holder_organizations,
    user_is_bureau,
)
from keqiao.common.choices import StrategicIndustry, TechField
from keqiao.common.pagination import MAX_OFFSET
from keqiao.common.schemas import (
    Choice,
    ChoiceList,
    Id,
    InputSchema,
    Keywords,
    ModelChoice,
    ModelText,
    Phone,
    Text,
    TextList,
)
from keqiao.search.index import search_achievements
from keqiao.search.schemas import HINTS_DESCRIPTION, SUGGESTIONS_DESCRIPTION, ErrorOut, HintOut, SuggestionOut

from . import choices, selectors, services
from .models import Achievement, IPItem
from .search import FACETS, SORT_OPTIONS

router = Router(tags=["achievements"])


class OrganizationRef(Schema):
    id: int
    name: str
    kind: str
    region_code: str = Field(..., alias="region.code")
    region_name: str = Field(..., alias="region.name")


class IPItemSchema(Schema):
    kind: str
    number: str = ""
    title: str
    status: str = "granted"


class AchievementSummary(Schema):
    """A search hit: enough to list and filter; the detail endpoint has the whole record."""

    id: int
    title: str
    organization: OrganizationRef
    tech_field: str
    trl: int
    keywords: list[str]
    summary: str
    transfer_modes: list[str]
    price: Decimal | None
    price_negotiable: bool
    published_at: datetime.datetime | None
    url: str = Field(..., alias="get_absolute_url")


class AchievementPublic(Schema):
    """What anybody may see of a published achievement: no confidential details, no contacts."""

    id: int
    registration_number: str | None
    title: str
    kind: str
    organization: OrganizationRef
    other_organizations: list[str]
    completers: list[str]
    research_start: datetime.date | None
    research_end: datetime.date | None
    source: str
    attribute: str
    forms: list[str]
    level: str
    stage: str
    trl: int
    confirmed_trl: int | None = Field(None, description="The level confirmed by an agency or expert, if any")
    trl_confirmed_org: str = ""
    trl_confirmed_at: datetime.datetime | None = None
    evaluation: str
    keywords: list[str]
    industry_code: str | None = Field(None, alias="industry.code")
    discipline_code: str | None = Field(None, alias="discipline.code")
    tech_field: str
    strategic_industry: str
    transfer_modes: list[str]
    price: Decimal | None
    price_negotiable: bool
    summary: str
    application: str
    ip_items: list[IPItemSchema]
    published_at: datetime.datetime | None
    expires_at: datetime.datetime | None
    url: str = Field(..., alias="get_absolute_url")


class AchievementPrivate(AchievementPublic):
    """The owner's and the bureau's view: adds status, review comment, confidential details, contacts."""

    status: str
    review_comment: str
    confidential_details: str
    contact_name: str
    contact_phone: str
    contact_email: str
    funding_programme: str
    recommending_body: str
    secrecy: str


class SearchOut(Schema):
    total: int
    page: int
    per_page: int
    num_pages: int
    terms: list[str]
    facets: dict[str, dict[str, int]]
    results: list[AchievementSummary]
    suggestions: list[SuggestionOut] = Field([], description=SUGGESTIONS_DESCRIPTION)
    hints: list[HintOut] = Field([], description=HINTS_DESCRIPTION)


class SearchParams(Schema):
    q: str = Field("", max_length=200)
    field: list[str] = []
    trl: list[str] = []
    ip: list[str] = []
    mode: list[str] = []
    region: list[str] = []
    holder: list[str] = Field([], description="Kind of the holder organisation (university, institute, ...)")
    org: list[str] = Field([], description="Id of the holder organisation: all its achievements")
    sort: str = Field(
        "relevance", pattern="^(" + "|".join(o.replace("-", r"\-") for o in SORT_OPTIONS) + ")$"
    )
    page: int = Field(1, ge=1, le=10000)
    per_page: int = Field(20, ge=1, le=100)


@router.get(
    "/achievements",
    response={200: SearchOut, 400: ErrorOut},
    summary="Search published achievements",
)
def search(request, params: Query[SearchParams]):
    filters = {name: getattr(params, name) for name in FACETS}
    orgs, error = public_organizations_for_filter(params.org)
    if error:
        raise HttpError(400, error)
    if orgs:
        filters["org"] = [str(o.pk) for o in orgs]
    page = search_achievements(
        params.q, filters=filters, sort=params.sort, page=params.page, per_page=params.per_page
    )
    return {
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "num_pages": page.num_pages,
        "terms": page.terms,
        "facets": page.facets,
        "results": selectors.achievements_public_by_ids(page.ids, with_ip_items=False),
        "suggestions": page.suggestions,
        "hints": page.hints,
    }


@router.get("/achievements/{achievement_id}", response=AchievementPublic, summary="A published achievement")
def detail(request, achievement_id: int):
    return get_object_or_404(selectors.achievements_public().prefetch_related("ip_items"), pk=achievement_id)


# --- authenticated: owners --------------------------------------------------------------------------


class IPItemIn(InputSchema):
    kind: Choice(choices.IPKind)
    number: ModelText(IPItem, "number", multiline=False) = ""
    title: ModelText(IPItem, "title", required=True)
    status: Choice(choices.IPStatus) = "granted"


def _text(name: str, **kwargs):
    return ModelText(Achievement, name, **kwargs)


def _choice(name: str):
    return ModelChoice(Achievement, name)


IPItems = Annotated[list[IPItemIn], Field(max_length=services.MAX_IP_ITEMS)]
Completers = TextList(services.MAX_COMPLETERS, services.MAX_COMPLETER_LENGTH)
OtherOrganizations = TextList(services.MAX_OTHER_ORGANIZATIONS, services.MAX_ORGANIZATION_LENGTH)
Price = Annotated[Decimal, Field(ge=0, lt=Decimal("1e12"), max_digits=14, decimal_places=2)]


class AchievementIn(InputSchema):
    title: _text("title")
    kind: _choice("kind") = "1"
    other_organizations: OtherOrganizations = []
    completers: Completers = []
    recommending_body: _text("recommending_body") = ""
    research_start: datetime.date | None = None
    research_end: datetime.date | None = None
    source: _choice("source") = "self_funded"
    funding_programme: _text("funding_programme") = ""
    attribute: _choice("attribute") = "original"
    forms: ChoiceList(choices.Form) = []
    secrecy: _choice("secrecy") = "non_secret"
    level: _choice("level") = "not_evaluated"
    stage: _choice("stage") = "lab"
    trl: int = Field(4, ge=1, le=9)
    evaluation: _choice("evaluation") = "none"
    keywords: Keywords = []
    tech_field: Choice(TechField)
    strategic_industry: Choice([*StrategicIndustry.values, ""]) = ""
    transfer_modes: ChoiceList(choices.TransferMode) = []
    price: Price | None = None
    price_negotiable: bool = True
    summary: _text("summary")
    application: _text("application") = ""
    confidential_details: _text("confidential_details") = ""
    contact_name: _text("contact_name") = ""
    contact_phone: Phone = ""
    contact_email: _text("contact_email") = ""
    ip_items: IPItems = []


class AchievementCreate(AchievementIn):
    organization_id: Id | None = None


class AchievementPatch(InputSchema):
    """Fields to change; omitted fields keep their value."""

    title: _text("title") = None
    keywords: Keywords = None
    summary: _text("summary") = None
    application: _text("application") = None
    confidential_details: _text("confidential_details") = None
    trl: int = Field(None, ge=1, le=9)
    stage: _choice("stage") = None
    tech_field: Choice(TechField) = None
    transfer_modes: ChoiceList(choices.TransferMode) = None
    price: Price | None = None
    price_negotiable: bool = None
    ip_items: IPItems = None


class ActionIn(InputSchema):
    note: Text(2000) = ""


def _private(user, pk: int) -> Achievement:
    a = selectors.achievement_visible_to(user, pk)
    if not selectors.can_see_private(user, a):
        raise Http404
    return a


@router.get(
    "/me/achievements",
    response=list[AchievementPrivate],
    auth=django_auth,
    summary="Achievements of my organisations",
)
def my_list(
    request,
    status: Choice([*choices.Status.values, ""]) = "",
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    qs = selectors.achievements_of_user(request.user).prefetch_related("ip_items")
    if status:
        qs = qs.filter(status=status)
    return list(qs[offset : offset + limit])


@router.post(
    "/me/achievements",
    response={201: AchievementPrivate},
    auth=django_auth,
    summary="Register an achievement (as a draft)",
)
def create(request, payload: AchievementCreate):
    orgs = {o.pk: o for o in user_holder_organizations(request.user)}
    org_id = payload.organization_id or next(iter(orgs), None)
    if org_id not in orgs:
        raise Http404
    data = payload.dict(exclude={"organization_id", "ip_items"})
    a = services.achievement_create(
        by=request.user, organization=orgs[org_id], data=data, ip_items=[i.dict() for i in payload.ip_items]
    )
    return Status(201, selectors.achievement_visible_to(request.user, a.pk))


@router.get("/me/achievements/{achievement_id}", response=AchievementPrivate, auth=django_auth)
def my_detail(request, achievement_id: int):
    return _private(request.user, achievement_id)


@router.patch("/me/achievements/{achievement_id}", response=AchievementPrivate, auth=django_auth)
def update(request, achievement_id: int, payload: AchievementPatch):
    a = _private(request.user, achievement_id)
    data = payload.dict(exclude_unset=True)
    ip_items = data.pop("ip_items", None)
    services.achievement_update(achievement=a, by=request.user, data=data, ip_items=ip_items)
    return selectors.achievement_visible_to(request.user, achievement_id)


OWNER_ACTIONS = {
    "submit": lambda a, u, p: services.achievement_submit(achievement=a, by=u),
    "publish": lambda a, u, p: services.achievement_publish(achievement=a, by=u),
    "withdraw": lambda a, u, p: services.achievement_withdraw(achievement=a, by=u, note=p.note),
    "renew": lambda a, u, p: services.achievement_renew(achievement=a, by=u),
    "revise": lambda a, u, p: services.achievement_revise(achievement=a, by=u),
    "approve": lambda a, u, p: services.achievement_approve(achievement=a, by=u, note=p.note),
    "return": lambda a, u, p: services.achievement_return(achievement=a, by=u, comment=p.note),
}


@router.post(
    "/me/achievements/{achievement_id}/{action}",
    response=AchievementPrivate,
    auth=django_auth,
    summary="Perform a workflow action: submit, publish, withdraw, renew, revise; "
    "approve or return (S&T bureau)",
)
def action(request, achievement_id: int, action: str, payload: ActionIn | None = None):
    if action not in OWNER_ACTIONS:
        raise Http404
    a = _private(request.user, achievement_id)
    OWNER_ACTIONS[action](a, request.user, payload or ActionIn())
    return selectors.achievement_visible_to(request.user, achievement_id)


@router.get(
    "/review/achievements",
    response=list[AchievementPrivate],
    auth=django_auth,
    summary="Submissions awaiting review (S&T bureau)",
)
def review_list(request):
    if not user_is_bureau(request.user):
        raise Http404
    return list(selectors.review_queue().prefetch_related("ip_items")[:200])
