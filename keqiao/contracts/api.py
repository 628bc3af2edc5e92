"""JSON API for technology contracts (a session is needed; strangers get 404) and the transaction
statistics (技术合同成交统计: the registration office and members of verified government organisations;
anybody else signed in gets 404). Money is a string with two decimals (yuan)."""

import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from keqiao.accounts.selectors import user_holder_organizations, user_is_contract_office, user_sees_statistics
from keqiao.common.pagination import MAX_OFFSET
from keqiao.common.schemas import (
    Amount,
    Choice,
    Id,
    InputSchema,
    ModelChoice,
    ModelText,
    PositiveAmount,
    Text,
)
from keqiao.negotiations.selectors import deal_visible_to, side_of

from . import choices, drafts, selectors, services, trade_modes
from . import statistics as stats
from .models import Contract, Milestone, Payment

router = Router(tags=["contracts"], auth=django_auth)
statistics_router = Router(tags=["statistics"])


# --- contracts -------------------------------------------------------------------------------------


def _text(name: str):
    return ModelText(Contract, name)


def _choice(name: str):
    return ModelChoice(Contract, name)


class ContractIn(InputSchema):
    project_name: _text("project_name")
    contract_type: _choice("contract_type")
    transfer_object: _choice("transfer_object") = ""
    licence_kind: _choice("licence_kind") = ""
    seller_name: _text("seller_name")
    seller_nature: _choice("seller_nature")
    seller_region_code: _text("seller_region_code")
    seller_legal_representative: _text("seller_legal_representative") = ""
    seller_contact: _text("seller_contact") = ""
    buyer_name: _text("buyer_name")
    buyer_nature: _choice("buyer_nature")
    buyer_region_code: _text("buyer_region_code")
    buyer_legal_representative: _text("buyer_legal_representative") = ""
    buyer_contact: _text("buyer_contact") = ""
    contract_amount: PositiveAmount
    technology_amount: Amount
    payment_method: _choice("payment_method")
    signed_on: datetime.date
    starts_on: datetime.date
    ends_on: datetime.date
    related_party: bool = False
    ip_type: _choice("ip_type")
    tech_field: _choice("tech_field")
    socio_economic_objective: _choice("socio_economic_objective")
    plan_source: _choice("plan_source")
    expected_new_investment: Amount | None = None
    expected_new_output: Amount | None = None


class ContractCreateIn(ContractIn):
    deal_id: Id | None = None
    organization_id: Id | None = None
    side: Choice(["seller", "buyer"]) = "seller"


class ContractPatch(InputSchema):
    project_name: _text("project_name") = None
    contract_type: _choice("contract_type") = None
    transfer_object: _choice("transfer_object") = None
    licence_kind: _choice("licence_kind") = None
    seller_name: _text("seller_name") = None
    seller_nature: _choice("seller_nature") = None
    seller_region_code: _text("seller_region_code") = None
    seller_legal_representative: _text("seller_legal_representative") = None
    seller_contact: _text("seller_contact") = None
    buyer_name: _text("buyer_name") = None
    buyer_nature: _choice("buyer_nature") = None
    buyer_region_code: _text("buyer_region_code") = None
    buyer_legal_representative: _text("buyer_legal_representative") = None
    buyer_contact: _text("buyer_contact") = None
    contract_amount: PositiveAmount = None
    technology_amount: Amount = None
    payment_method: _choice("payment_method") = None
    signed_on: datetime.date = None
    starts_on: datetime.date = None
    ends_on: datetime.date = None
    related_party: bool = None
    ip_type: _choice("ip_type") = None
    tech_field: _choice("tech_field") = None
    socio_economic_objective: _choice("socio_economic_objective") = None
    plan_source: _choice("plan_source") = None
    expected_new_investment: Amount | None = None
    expected_new_output: Amount | None = None


class ContractOut(Schema):
    project_name: str
    contract_type: str
    transfer_object: str
    licence_kind: str
    seller_name: str
    seller_nature: str
    seller_region_code: str
    seller_legal_representative: str
    seller_contact: str
    buyer_name: str
    buyer_nature: str
    buyer_region_code: str
    buyer_legal_representative: str
    buyer_contact: str
    contract_amount: Decimal
    technology_amount: Decimal
    payment_method: str
    signed_on: datetime.date
    starts_on: datetime.date
    ends_on: datetime.date
    related_party: bool
    ip_type: str
    tech_field: str
    socio_economic_objective: str
    plan_source: str
    expected_new_investment: Decimal | None
    expected_new_output: Decimal | None
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
    scope: Choice(["mine", "office"]) = "mine",
    status: Choice([*choices.ContractStatus.values, ""]) = "",
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


class DraftPartyOut(Schema):
    role: str
    name: str


class DraftArticleOut(Schema):
    label: str
    heading: str
    paragraphs: list[str]


class DraftOut(Schema):
    kind: str
    language: str
    version: str
    title: str
    party_a: DraftPartyOut
    party_b: DraftPartyOut
    articles: list[DraftArticleOut]
    docx_url: str
    pdf_url: str


@router.get(
    "/contract-drafts/{deal_id}",
    response=DraftOut,
    summary="A draft contract from the model text, filled with an agreed deal's terms (its parties only)",
)
def contract_draft(
    request,
    deal_id: int,
    kind: Choice([*drafts.DraftKind.values, ""]) = "",
    language: Choice(list(drafts.LANGUAGES)) = "zh-hans",
):
    deal = drafts.deal_for_draft(request.user, deal_id)
    draft = drafts.build_draft(deal, kind or drafts.default_kind(deal), language)
    query = "?" + urlencode({"kind": draft.kind, "language": language})
    return {
        "kind": draft.kind,
        "language": language,
        "version": draft.version,
        "title": draft.title,
        "party_a": draft.party_a.__dict__,
        "party_b": draft.party_b.__dict__,
        "articles": [
            {"label": label, "heading": a.heading, "paragraphs": a.paragraphs}
            for label, a in draft.numbered_articles()
        ],
        "docx_url": reverse("contracts:contract_draft_file", args=[deal.pk, "docx"]) + query,
        "pdf_url": reverse("contracts:contract_draft_file", args=[deal.pk, "pdf"]) + query,
    }


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


class NoteIn(InputSchema):
    note: Text(2000) = ""


class CorrectionIn(InputSchema):
    reason: Text(1000, required=True)
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


class MilestoneIn(InputSchema):
    title: ModelText(Milestone, "title")
    due_on: datetime.date | None = None
    done_on: datetime.date | None = None
    note: ModelText(Milestone, "note") = ""


class PaymentIn(InputSchema):
    received_on: datetime.date
    amount: PositiveAmount
    note: ModelText(Payment, "note") = ""


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


class ModeOut(Schema):
    mode: str
    label: str
    concluded: int | None
    not_concluded: int | None
    amount: str | None
    premium_percent: str | None
    premium_basis: str
    contracts: int
    contract_amount: str


class StatisticsOut(Schema):
    summary: SummaryOut
    by_mode: list[ModeOut]
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


def _mode_row(row: dict) -> dict:
    """A trading mode's outcome (keqiao.contracts.trade_modes): yuan to the cent, premium in percent."""
    premium = row["premium"]
    return {
        "mode": row["mode"],
        "label": str(row["label"]),
        "concluded": row["concluded"],
        "not_concluded": row["not_concluded"],
        "amount": None if row["amount"] is None else _money(row["amount"]),
        "premium_percent": None if premium is None else f"{stats.money(premium * 100):f}",
        "premium_basis": str(row.get("premium_basis") or ""),
        "contracts": row["contracts"],
        "contract_amount": _money(row["contract_amount"]),
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
        "by_mode": [_mode_row(r) for r in trade_modes.outcomes_by_mode(year)],
        **{key: [_row(r) for r in rows] for key, rows in report.items()},
    }
