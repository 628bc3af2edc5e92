"""JSON API for technology contracts (a session is needed; strangers get 404) and the transaction
statistics (技术合同成交统计: the registration office and members of verified government organisations;
anybody else signed in gets 404). Money is a string with two decimals (yuan)."""

import datetime
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from keqiao.accounts.selectors import user_holder_organizations, user_is_contract_office, user_sees_statistics
from keqiao.common.pagination import MAX_OFFSET
from keqiao.negotiations.selectors import deal_visible_to, side_of

from . import selectors, services
from . import statistics as stats
from .models import Contract

router = Router(tags=["contracts"], auth=django_auth)
statistics_router = Router(tags=["statistics"])


# --- contracts -------------------------------------------------------------------------------------


class ContractIn(Schema):
    project_name: str = Field(..., max_length=200)
    contract_type: str
    transfer_object: str = ""
    licence_kind: str = ""
    seller_name: str = Field(..., max_length=100)
    seller_nature: str
    seller_region_code: str
    seller_legal_representative: str = Field("", max_length=60)
    seller_contact: str = Field("", max_length=100)
    buyer_name: str = Field(..., max_length=100)
    buyer_nature: str
    buyer_region_code: str
    buyer_legal_representative: str = Field("", max_length=60)
    buyer_contact: str = Field("", max_length=100)
    contract_amount: Decimal = Field(..., max_digits=14, decimal_places=2)
    technology_amount: Decimal = Field(..., max_digits=14, decimal_places=2)
    payment_method: str
    signed_on: datetime.date
    starts_on: datetime.date
    ends_on: datetime.date
    related_party: bool = False
    ip_type: str
    tech_field: str
    socio_economic_objective: str
    plan_source: str
    expected_new_investment: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    expected_new_output: Decimal | None = Field(None, max_digits=14, decimal_places=2)


class ContractCreateIn(ContractIn):
    deal_id: int | None = None
    organization_id: int | None = None
    side: str = "seller"


class ContractPatch(Schema):
    project_name: str | None = Field(None, max_length=200)
    contract_type: str | None = None
    transfer_object: str | None = None
    licence_kind: str | None = None
    seller_name: str | None = Field(None, max_length=100)
    seller_nature: str | None = None
    seller_region_code: str | None = None
    buyer_name: str | None = Field(None, max_length=100)
    buyer_nature: str | None = None
    buyer_region_code: str | None = None
    seller_legal_representative: str | None = Field(None, max_length=60)
    seller_contact: str | None = Field(None, max_length=100)
    buyer_legal_representative: str | None = Field(None, max_length=60)
    buyer_contact: str | None = Field(None, max_length=100)
    expected_new_investment: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    expected_new_output: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    contract_amount: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    technology_amount: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    payment_method: str | None = None
    signed_on: datetime.date | None = None
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    related_party: bool | None = None
    ip_type: str | None = None
    tech_field: str | None = None
    socio_economic_objective: str | None = None
    plan_source: str | None = None


class ContractOut(ContractIn):
    id: int
    status: str
    registration_number: str | None
    registered_on: datetime.date | None
    deal_id: int | None
    organization_id: int
    review_comment: str


@router.get(
    "/contracts", response=list[ContractOut], summary="Contracts of my organisations (or the office's)"
)
def contract_list(
    request,
    scope: str = "mine",
    status: str = "",
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    if scope == "office" and user_is_contract_office(request.user):
        qs = selectors.contracts_for_office(status)
    else:
        qs = selectors.contracts_of_user(request.user)
        if status:
            qs = qs.filter(status=status)
    return list(qs[offset : offset + limit])


@router.post("/contracts", response={201: ContractOut}, summary="File a technology contract (draft)")
def contract_create(request, payload: ContractCreateIn):
    deal = deal_visible_to(request.user, payload.deal_id) if payload.deal_id else None
    if deal is not None:
        org = side_of(request.user, deal)
        if org is None:
            raise Http404
    else:
        orgs = {o.pk: o for o in user_holder_organizations(request.user)}
        org_id = payload.organization_id or next(iter(orgs), None)
        if org_id not in orgs:
            raise Http404
        org = orgs[org_id]
    data = payload.dict(exclude={"deal_id", "organization_id", "side"})
    contract = services.contract_create(
        by=request.user, organization=org, data=data, deal=deal, side=payload.side
    )
    return Status(201, contract)


@router.get("/contracts/{contract_id}", response=ContractOut)
def contract_detail(request, contract_id: int):
    return selectors.contract_visible_to(request.user, contract_id)


@router.patch("/contracts/{contract_id}", response=ContractOut, summary="Edit a draft or returned contract")
def contract_update(request, contract_id: int, payload: ContractPatch):
    contract = selectors.contract_visible_to(request.user, contract_id)
    services.contract_update(contract=contract, by=request.user, data=payload.dict(exclude_unset=True))
    return selectors.contract_visible_to(request.user, contract_id)


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class CorrectionIn(Schema):
    reason: str = Field(..., max_length=1000)
    changes: ContractPatch


CONTRACT_ACTIONS = {
    "submit": lambda c, u, p: services.contract_submit(contract=c, by=u),
    "approve": lambda c, u, p: services.contract_approve(contract=c, by=u, note=p.note),
    "return": lambda c, u, p: services.contract_return(contract=c, by=u, comment=p.note),
}


@router.post(
    "/contracts/{contract_id}/correction",
    response=ContractOut,
    summary="Correct a registered contract (registration office; recorded with its reason)",
)
def contract_correction(request, contract_id: int, payload: CorrectionIn):
    contract = selectors.contract_visible_to(request.user, contract_id)
    services.contract_correct(
        contract=contract,
        by=request.user,
        data=payload.changes.dict(exclude_unset=True),
        reason=payload.reason,
    )
    return selectors.contract_visible_to(request.user, contract_id)


class MilestoneIn(Schema):
    title: str = Field(..., max_length=200)
    due_on: datetime.date | None = None
    done_on: datetime.date | None = None
    note: str = Field("", max_length=500)


class PaymentIn(Schema):
    received_on: datetime.date
    amount: Decimal = Field(..., max_digits=14, decimal_places=2)
    note: str = Field("", max_length=500)


@router.post("/contracts/{contract_id}/milestones", response={201: dict}, summary="Record a milestone")
def milestone_create(request, contract_id: int, payload: MilestoneIn):
    contract = selectors.contract_visible_to(request.user, contract_id)
    m = services.milestone_record(contract=contract, by=request.user, **payload.dict())
    return Status(201, {"id": m.pk, "title": m.title})


@router.post("/contracts/{contract_id}/payments", response={201: dict}, summary="Record a payment received")
def payment_create(request, contract_id: int, payload: PaymentIn):
    contract = selectors.contract_visible_to(request.user, contract_id)
    p = services.payment_record(contract=contract, by=request.user, **payload.dict())
    return Status(201, {"id": p.pk, "amount": str(p.amount)})


@router.post(
    "/contracts/{contract_id}/{action}",
    response=ContractOut,
    summary="submit (filer); approve or return with a note (registration office)",
)
def contract_action(request, contract_id: int, action: str, payload: NoteIn | None = None):
    if action not in CONTRACT_ACTIONS:
        raise Http404
    contract: Contract = selectors.contract_visible_to(request.user, contract_id)
    CONTRACT_ACTIONS[action](contract, request.user, payload or NoteIn())
    return selectors.contract_visible_to(request.user, contract_id)


# --- transaction statistics --------------------------------------------------------------------


def _money(value: Decimal) -> str:
    return f"{stats.money(value):f}"


class RowOut(Schema):
    key: str
    label: str
    count: int
    contract_amount: str
    technology_amount: str


class SummaryOut(Schema):
    year: int
    count: int
    contract_amount: str
    technology_amount: str
    target: str
    remaining: str
    progress_percent: str | None
    year_elapsed_percent: str


class StatisticsOut(Schema):
    summary: SummaryOut
    by_year: list[RowOut]
    by_quarter: list[RowOut]
    by_month: list[RowOut]
    by_direction: list[RowOut]
    by_county_output: list[RowOut]
    by_county_absorption: list[RowOut]
    by_contract_type: list[RowOut]
    by_tech_field: list[RowOut]
    by_seller_kind: list[RowOut]


def _row(row: stats.Row) -> dict:
    return {
        "key": row.key,
        "label": str(row.label),
        "count": row.count,
        "contract_amount": _money(row.contract_amount),
        "technology_amount": _money(row.technology_amount),
    }


def _summary(summary: dict) -> dict:
    progress = summary["progress_percent"]
    return {
        "year": summary["year"],
        "count": summary["count"],
        **{k: _money(summary[k]) for k in ("contract_amount", "technology_amount", "target", "remaining")},
        "progress_percent": None if progress is None else f"{progress:f}",
        "year_elapsed_percent": f"{summary['year_elapsed_percent']:f}",
    }


@statistics_router.get(
    "/statistics",
    response=StatisticsOut,
    auth=django_auth,
    summary="Technology contract transactions of a year (registered contracts)",
    operation_id="keqiao_deals_api_statistics_statistics",  # as first published
)
def statistics(request, year: int | None = Query(None)):
    if not user_sees_statistics(request.user):
        raise Http404
    current = timezone.localdate().year
    if year is None or not stats.MIN_YEAR <= year <= current:
        year = current
    report = stats.transaction_report(year)
    return {
        "summary": _summary(report.pop("summary")),
        **{key: [_row(r) for r in rows] for key, rows in report.items()},
    }
