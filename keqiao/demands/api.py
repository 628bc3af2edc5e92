"""JSON API for technology demands: the public list, registration and review; matches both ways."""

import datetime
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from keqiao.accounts.selectors import user_holder_organizations, user_is_bureau
from keqiao.common.choices import StrategicIndustry, TechField
from keqiao.common.pagination import MAX_OFFSET
from keqiao.common.schemas import Choice, ChoiceList, Id, InputSchema, Keywords, ModelText, Phone, Text
from keqiao.search.index import search_listings
from keqiao.search.schemas import HINTS_DESCRIPTION, SUGGESTIONS_DESCRIPTION, HintOut, SuggestionOut

from . import choices, selectors, services
from .models import Demand
from .search import FACETS, SORT_OPTIONS

router = Router(tags=["demands"])


class DemandOrganizationRef(Schema):
    id: int
    name: str
    kind: str


class DemandPublic(Schema):
    """What anybody may see of a published demand: no contacts, no private budget."""

    id: int
    title: str
    organization: DemandOrganizationRef
    on_behalf_of: str
    problem: str
    indicators: str
    current_state: str
    keywords: list[str]
    tech_field: str
    strategic_industry: str
    cooperation_modes: list[str]
    min_trl: int | None
    budget_min: Decimal | None
    budget_max: Decimal | None
    budget_negotiable: bool
    deadline: datetime.date | None
    region_code: str = Field(..., alias="region.code")
    published_at: datetime.datetime | None
    url: str = Field(..., alias="get_absolute_url")

    @staticmethod
    def resolve_budget_min(obj):
        return None if obj.budget_private else obj.budget_min

    @staticmethod
    def resolve_budget_max(obj):
        return None if obj.budget_private else obj.budget_max


class DemandPrivate(DemandPublic):
    status: str
    review_comment: str
    budget_private: bool
    contact_name: str
    contact_phone: str
    contact_email: str

    @staticmethod
    def resolve_budget_min(obj):
        return obj.budget_min

    @staticmethod
    def resolve_budget_max(obj):
        return obj.budget_max


class DemandSearchOut(Schema):
    total: int
    page: int
    per_page: int
    num_pages: int
    terms: list[str]
    facets: dict[str, dict[str, int]]
    results: list[DemandPublic]
    suggestions: list[SuggestionOut] = Field([], description=SUGGESTIONS_DESCRIPTION)
    hints: list[HintOut] = Field([], description=HINTS_DESCRIPTION)


class DemandSearchParams(Schema):
    q: str = Field("", max_length=200)
    field: list[str] = []
    mode: list[str] = []
    trl: list[str] = []
    region: list[str] = []
    holder: list[str] = []
    sort: str = Field(
        "relevance", pattern="^(" + "|".join(o.replace("-", r"\-") for o in SORT_OPTIONS) + ")$"
    )
    page: int = Field(1, ge=1, le=10000)
    per_page: int = Field(20, ge=1, le=100)


@router.get("/demands", response=DemandSearchOut, summary="Search published demands")
def search(request, params: Query[DemandSearchParams]):
    page = search_listings(
        "demand",
        params.q,
        filters={n: getattr(params, n) for n in FACETS},
        sort=params.sort,
        page=params.page,
        per_page=params.per_page,
    )
    return {
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "num_pages": page.num_pages,
        "terms": page.terms,
        "facets": page.facets,
        "results": selectors.demands_public_by_ids(page.ids),
        "suggestions": page.suggestions,
        "hints": page.hints,
    }


@router.get("/demands/{demand_id}", response=DemandPublic, summary="A published demand")
def detail(request, demand_id: int):
    return get_object_or_404(selectors.demands_public(), pk=demand_id)


def _text(name: str, **kwargs):
    return ModelText(Demand, name, **kwargs)


Budget = Annotated[Decimal, Field(ge=0, lt=services.MAX_AMOUNT, max_digits=14, decimal_places=2)]


class DemandIn(InputSchema):
    title: _text("title")
    on_behalf_of: _text("on_behalf_of") = ""
    problem: _text("problem")
    indicators: _text("indicators") = ""
    current_state: _text("current_state") = ""
    keywords: Keywords = []
    tech_field: Choice(TechField)
    strategic_industry: Choice([*StrategicIndustry.values, ""]) = ""
    cooperation_modes: ChoiceList(choices.CooperationMode) = []
    min_trl: int | None = Field(None, ge=1, le=9)
    budget_min: Budget | None = None
    budget_max: Budget | None = None
    budget_negotiable: bool = False
    budget_private: bool = False
    deadline: datetime.date | None = None
    contact_name: _text("contact_name") = ""
    contact_phone: Phone = ""
    contact_email: _text("contact_email") = ""
    organization_id: Id | None = None


class DemandActionIn(InputSchema):
    note: Text(2000) = ""


def _private(user, pk: int) -> Demand:
    d = selectors.demand_visible_to(user, pk)
    if not selectors.can_see_private(user, d):
        raise Http404
    return d


@router.post(
    "/me/demands", response={201: DemandPrivate}, auth=django_auth, summary="Register a demand (draft)"
)
def create(request, payload: DemandIn):
    orgs = {o.pk: o for o in user_holder_organizations(request.user)}
    org_id = payload.organization_id or next(iter(orgs), None)
    if org_id not in orgs:
        raise Http404
    d = services.demand_create(
        by=request.user, organization=orgs[org_id], data=payload.dict(exclude={"organization_id"})
    )
    return Status(201, selectors.demand_visible_to(request.user, d.pk))


@router.get(
    "/me/demands", response=list[DemandPrivate], auth=django_auth, summary="Demands of my organisations"
)
def my_list(request, limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    return list(selectors.demands_of_user(request.user)[offset : offset + limit])


@router.get("/me/demands/{demand_id}", response=DemandPrivate, auth=django_auth)
def my_detail(request, demand_id: int):
    return _private(request.user, demand_id)


class DemandPatch(InputSchema):
    """Fields to change while the demand is a draft or returned; omitted fields keep their value."""

    title: _text("title") = None
    problem: _text("problem") = None
    indicators: _text("indicators") = None
    current_state: _text("current_state") = None
    keywords: Keywords = None
    tech_field: Choice(TechField) = None
    cooperation_modes: ChoiceList(choices.CooperationMode) = None
    min_trl: int | None = Field(None, ge=1, le=9)
    budget_min: Budget | None = None
    budget_max: Budget | None = None
    budget_negotiable: bool = None
    budget_private: bool = None
    deadline: datetime.date | None = None


@router.patch("/me/demands/{demand_id}", response=DemandPrivate, auth=django_auth)
def update(request, demand_id: int, payload: DemandPatch):
    services.demand_update(
        demand=_private(request.user, demand_id), by=request.user, data=payload.dict(exclude_unset=True)
    )
    return selectors.demand_visible_to(request.user, demand_id)


ACTIONS = {
    "submit": lambda d, u, p: services.demand_submit(demand=d, by=u),
    "approve": lambda d, u, p: services.demand_approve(demand=d, by=u, note=p.note),
    "return": lambda d, u, p: services.demand_return(demand=d, by=u, comment=p.note),
    "close": lambda d, u, p: services.demand_close(demand=d, by=u, note=p.note),
    "solve": lambda d, u, p: services.demand_close(demand=d, by=u, note=p.note, solved=True),
    "renew": lambda d, u, p: services.demand_renew(demand=d, by=u),
    "revise": lambda d, u, p: services.demand_revise(demand=d, by=u),
}


@router.post(
    "/me/demands/{demand_id}/{action}",
    response=DemandPrivate,
    auth=django_auth,
    summary="Workflow action: submit, close, solve, renew, revise; approve or return (S&T bureau)",
)
def action(request, demand_id: int, action: str, payload: DemandActionIn | None = None):
    if action not in ACTIONS:
        raise Http404
    ACTIONS[action](_private(request.user, demand_id), request.user, payload or DemandActionIn())
    return selectors.demand_visible_to(request.user, demand_id)


@router.get(
    "/review/demands", response=list[DemandPrivate], auth=django_auth, summary="Demands awaiting review"
)
def review_list(request):
    if not user_is_bureau(request.user):
        raise Http404
    return list(selectors.review_queue()[:200])
