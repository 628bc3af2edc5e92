"""Writes for technology contracts: filing, registration review, corrections and performance.

Every state change is one function: it locks the contract's row, checks the transition table, writes an
event row (who, when, from, to, note) and queues its notifications, which are e-mailed after commit.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from keqiao.accounts.models import Organization, User
from keqiao.accounts.selectors import (
    contract_office_users,
    member_ids,
    require_active_organization,
    user_is_contract_office,
    user_organization_ids,
)
from keqiao.common import workflow
from keqiao.common.errors import DomainError, NotPermitted
from keqiao.common.listing import describe_value
from keqiao.common.money import parse_amount
from keqiao.common.validators import clean_model_fields
from keqiao.common.workflow import clean_text
from keqiao.negotiations.models import Deal
from keqiao.negotiations.services import deal_contract_performing, deal_contract_registered, lock_deal
from keqiao.notifications.services import notify
from keqiao.notifications.text import gettext_lazy as _  # notification texts keep their message

from . import choices, register
from .models import Contract, ContractEvent, Milestone, Payment, RegistrationCounter
from .notification_kinds import CONTRACT

# Checks run (inside the transaction, the contract's row locked) before a contract is submitted for
# registration. Apps above this one append to it in their ready(): trading requires a passed price notice.
submission_guards: list = []

# --- technology contracts --------------------------------------------------------------------------

CONTRACT_FIELDS = (
    "project_name",
    "contract_type",
    "transfer_object",
    "licence_kind",
    "seller_name",
    "seller_nature",
    "seller_region_code",
    "seller_legal_representative",
    "seller_contact",
    "buyer_name",
    "buyer_nature",
    "buyer_region_code",
    "buyer_legal_representative",
    "buyer_contact",
    "contract_amount",
    "technology_amount",
    "payment_method",
    "signed_on",
    "starts_on",
    "ends_on",
    "related_party",
    "ip_type",
    "tech_field",
    "socio_economic_objective",
    "plan_source",
    "expected_new_investment",
    "expected_new_output",
)
MONEY_FIELDS = ("contract_amount", "technology_amount", "expected_new_investment", "expected_new_output")


def party_nature(org: Organization) -> str:
    """The nature code (卖方/买方性质) of a party on the platform, from its organisation kind.

    Government bodies (the S&T bureaux, departments) are 010 机关, institutes 021, universities 022,
    enterprises 140 (the filer corrects it to 110/130/150… on the form), anything else 900.
    """
    return {
        Organization.Kind.UNIVERSITY: choices.PartyNature.UNIVERSITY,
        Organization.Kind.INSTITUTE: choices.PartyNature.INSTITUTE,
        Organization.Kind.ENTERPRISE: choices.PartyNature.PRIVATE,
        Organization.Kind.CITY_BUREAU: choices.PartyNature.GOVERNMENT,
        Organization.Kind.COUNTY_BUREAU: choices.PartyNature.GOVERNMENT,
        Organization.Kind.DEPARTMENT: choices.PartyNature.GOVERNMENT,
    }.get(org.kind, choices.PartyNature.OTHER)


def _region_code(org: Organization) -> str:
    """The GB/T 2260 code the registration form asks for (a park's is its district's)."""
    return org.region.county_code if org.region_id else settings.KEQIAO["CONTRACT_REGION_CODE"]


CONTRACT_TYPE_OF_MODE = {
    choices.DealMode.TRANSFER: choices.ContractType.TRANSFER,
    choices.DealMode.LICENCE_EXCLUSIVE: choices.ContractType.LICENCE,
    choices.DealMode.LICENCE_SOLE: choices.ContractType.LICENCE,
    choices.DealMode.LICENCE_ORDINARY: choices.ContractType.LICENCE,
    choices.DealMode.EQUITY: choices.ContractType.TRANSFER,
    choices.DealMode.JOINT_DEVELOPMENT: choices.ContractType.DEVELOPMENT_COOPERATIVE,
    choices.DealMode.COMMISSIONED_DEVELOPMENT: choices.ContractType.DEVELOPMENT_COMMISSIONED,
    choices.DealMode.CONSULTING: choices.ContractType.CONSULTING,
    choices.DealMode.SERVICE: choices.ContractType.SERVICE,
}
LICENCE_KIND_OF_MODE = {
    choices.DealMode.LICENCE_EXCLUSIVE: choices.LicenceKind.EXCLUSIVE,
    choices.DealMode.LICENCE_SOLE: choices.LicenceKind.SOLE,
    choices.DealMode.LICENCE_ORDINARY: choices.LicenceKind.ORDINARY,
}


def contract_initial(deal: Deal) -> dict:
    """The registration form pre-filled from an agreed deal: parties, amount, mode, field."""
    offer = deal.agreed_offer
    mode = offer.mode if offer else deal.mode
    seller, buyer = deal.seller, deal.buyer
    today = timezone.localdate()
    months = (offer.duration_months if offer else None) or 12
    initial = {
        "project_name": deal.listing.title[:200],
        "contract_type": CONTRACT_TYPE_OF_MODE.get(mode, choices.ContractType.TRANSFER),
        "licence_kind": LICENCE_KIND_OF_MODE.get(mode, ""),
        "seller_name": seller.name,
        "seller_nature": party_nature(seller),
        "seller_region_code": _region_code(seller),
        "seller_contact": " ".join(filter(None, [seller.contact_name, seller.contact_phone])),
        "buyer_name": buyer.name,
        "buyer_nature": party_nature(buyer),
        "buyer_region_code": _region_code(buyer),
        "buyer_contact": " ".join(filter(None, [buyer.contact_name, buyer.contact_phone])),
        "contract_amount": offer.price if offer else None,
        "technology_amount": offer.price if offer else None,
        "payment_method": offer.payment_method if offer else choices.PaymentMethod.LUMP_SUM,
        "signed_on": today,
        "starts_on": today,
        "ends_on": today + datetime.timedelta(days=round(months * 30.44)),
        "related_party": False,
        "tech_field": deal.listing.tech_field,
        "plan_source": choices.PlanSource.NONE,
    }
    if deal.achievement_id:
        initial["ip_type"] = _ip_type_of(list(deal.achievement.ip_items.values_list("kind", flat=True)))
    return initial


def _ip_type_of(kinds: list[str]) -> str:
    mapping = {
        "invention": choices.IPType.INVENTION_PATENT,
        "utility_model": choices.IPType.UTILITY_MODEL,
        "design": choices.IPType.DESIGN,
        "software": choices.IPType.SOFTWARE,
        "ic_layout": choices.IPType.IC_LAYOUT,
        "plant_variety": choices.IPType.VARIETY,
        "trade_secret": choices.IPType.KNOW_HOW,
    }
    for k in kinds:
        if k in mapping:
            return mapping[k]
    return choices.IPType.NONE if not kinds else choices.IPType.OTHER


def validate_contract_data(data: dict) -> dict:
    """The registration rules across fields; raises ValidationError(field -> messages)."""
    cleaned, errors = clean_model_fields(Contract, {k: data[k] for k in CONTRACT_FIELDS if k in data})
    for key in MONEY_FIELDS:
        if key in cleaned:
            try:
                cleaned[key] = parse_amount(
                    cleaned[key],
                    field=key,
                    required=key in ("contract_amount", "technology_amount"),
                    positive=key == "contract_amount",
                )
            except DomainError as exc:
                errors.setdefault(key, []).append(exc.message)
                cleaned[key] = None
    amount, tech = cleaned.get("contract_amount"), cleaned.get("technology_amount")
    if amount is not None and tech is not None and tech > amount:
        errors.setdefault("technology_amount", []).append(
            _("The technology transaction amount cannot exceed the contract amount.")
        )
    for key in ("seller_region_code", "buyer_region_code"):
        code = str(cleaned.get(key) or "").strip()
        if key in cleaned:
            cleaned[key] = code
            if not (len(code) == 6 and code.isdigit() and 11 <= int(code[:2]) <= 82):
                errors.setdefault(key, []).append(
                    _("Give the 6-digit administrative division code (GB/T 2260), e.g. 511402.")
                )
    ctype = cleaned.get("contract_type")
    if ctype in (choices.ContractType.TRANSFER, choices.ContractType.LICENCE):
        if not cleaned.get("transfer_object"):
            errors.setdefault("transfer_object", []).append(_("Say what the contract transfers or licenses."))
    elif ctype:
        cleaned["transfer_object"] = ""
    if ctype == choices.ContractType.LICENCE:
        if not cleaned.get("licence_kind"):
            errors.setdefault("licence_kind", []).append(_("Choose exclusive, sole or ordinary licence."))
    elif ctype:
        cleaned["licence_kind"] = ""
    signed, start, end = cleaned.get("signed_on"), cleaned.get("starts_on"), cleaned.get("ends_on")
    if start and end and end < start:
        errors.setdefault("ends_on", []).append(_("The term cannot end before it starts."))
    if signed and signed > timezone.localdate():
        errors.setdefault("signed_on", []).append(_("Only contracts already signed can be registered."))
    if signed and signed.year < 1990:
        errors.setdefault("signed_on", []).append(_("The signing date is implausibly early."))
    seller, buyer = (cleaned.get("seller_name") or "").strip(), (cleaned.get("buyer_name") or "").strip()
    if seller and buyer and seller == buyer:
        errors.setdefault("buyer_name", []).append(_("The buyer and the seller must be different parties."))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _contract_event(contract: Contract, *, by, action: str, **kwargs) -> ContractEvent:
    return ContractEvent.record(contract, by=by, action=action, **kwargs)


def _full_clean(contract: Contract) -> None:
    try:
        contract.full_clean(
            exclude=["organization", "created_by", "deal", "seller_organization", "buyer_organization"]
        )
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc


@transaction.atomic
def contract_create(
    *, by: User, organization: Organization, data: dict, deal: Deal | None = None, side: str = "seller"
) -> Contract:
    """File a technology contract, from an agreed deal or for a deal made off the platform.

    Off the platform, `side` says whether the filing organisation is the seller or the buyer.
    """
    if organization.pk not in user_organization_ids(by):
        raise NotPermitted(_("You can only act for an organisation you belong to."))
    require_active_organization(
        organization,
        allow_pending=False,
        pending_message=_("Your organisation must be verified before it can register contracts."),
    )
    cleaned = validate_contract_data(data)
    contract = Contract(organization=organization, created_by=by, **cleaned)
    if deal is not None:
        deal = lock_deal(deal)
        if organization.pk not in deal.party_ids:
            raise NotPermitted(_("Only the two parties of this negotiation can do this."))
        if deal.status != choices.DealStatus.AGREED:
            raise DomainError(_("A contract can be registered once the negotiation is agreed."))
        if Contract.objects.filter(deal=deal).exists():
            raise DomainError(_("A contract has already been filed for this deal."))
        contract.deal = deal
        contract.seller_organization, contract.buyer_organization = deal.seller, deal.buyer
    elif side == "buyer":
        contract.buyer_organization = organization
    elif side == "seller":
        contract.seller_organization = organization
    else:
        raise DomainError(_("Say whether your organisation is the seller or the buyer."), field="side")
    _full_clean(contract)
    contract.save()
    _contract_event(contract, by=by, action="created")
    return contract


@transaction.atomic
def contract_update(*, contract: Contract, by: User, data: dict) -> Contract:
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.organization_id not in user_organization_ids(by):
        raise NotPermitted(_("Only the filing organisation can edit this contract."))
    require_active_organization(contract.organization, allow_pending=False)
    if not contract.is_editable:
        raise DomainError(
            _("A registered contract cannot be edited; the registration office records corrections.")
            if contract.status == choices.ContractStatus.APPROVED
            else _("The contract cannot be edited while it is with the registration office.")
        )
    merged = {k: getattr(contract, k) for k in CONTRACT_FIELDS}
    merged.update({k: v for k, v in data.items() if k in CONTRACT_FIELDS})
    cleaned = validate_contract_data(merged)
    changes = _apply(contract, cleaned)
    _full_clean(contract)
    contract.save()
    if changes:
        _contract_event(contract, by=by, action="edited", from_status=contract.status, changes=changes)
    return contract


def _apply(contract: Contract, cleaned: dict) -> dict:
    changes = {}
    for key, value in cleaned.items():
        old = getattr(contract, key)
        if old != value:
            changes[key] = [describe_value(old), describe_value(value)]
            setattr(contract, key, value)
    return changes


def _lock_contract(contract: Contract) -> Contract:
    return workflow.lock(contract)


def _contract_transition(contract: Contract, action: str, *, by, note: str = "") -> Contract:
    workflow.transition(contract, action, choices.CONTRACT_TRANSITIONS, event=ContractEvent, by=by, note=note)
    return contract


def _tell_contract(contract: Contract, *, user_ids, title, key: str) -> None:
    notify(
        {
            uid: (_("Technology contract “%(name)s”") % {"name": contract.project_name}, None)
            for uid in user_ids
        },
        verb=CONTRACT,
        title=title,
        url=contract.get_absolute_url(),
        key=key,
    )


@transaction.atomic
def contract_submit(*, contract: Contract, by: User) -> Contract:
    # Lock order everywhere: the deal, then its contract (deal_terminate does the same).
    if contract.deal_id:
        lock_deal(Deal(pk=contract.deal_id))
    contract = _lock_contract(contract)
    if contract.organization_id not in user_organization_ids(by):
        raise NotPermitted(_("Only the filing organisation can submit this contract."))
    require_active_organization(contract.organization, allow_pending=False)
    if contract.deal_id and contract.deal.status != choices.DealStatus.AGREED:
        raise DomainError(
            _("The negotiation behind this contract is “%(status)s”; it can no longer be registered.")
            % {"status": contract.deal.get_status_display()}
        )
    for guard in submission_guards:
        guard(contract)
    _contract_transition(contract, "submit", by=by)
    contract.submitted_at = timezone.now()
    contract.save(update_fields=["submitted_at"])
    _tell_contract(
        contract,
        user_ids=[u.pk for u in contract_office_users()],
        title=_("Contract submitted for registration: %(name)s") % {"name": contract.project_name},
        key=f"contract:{contract.pk}:submit:{contract.events.count()}",
    )
    return contract


def _require_office(by: User, contract: Contract | None = None) -> None:
    if not user_is_contract_office(by):
        raise NotPermitted(_("Only the technology contract registration office can do this."))
    parties = (
        {contract.organization_id, contract.seller_organization_id, contract.buyer_organization_id}
        if contract is not None
        else set()
    )
    if parties & user_organization_ids(by):
        raise NotPermitted(
            _("The registration office cannot decide on a contract its own organisation is party to.")
        )


@transaction.atomic
def contract_return(*, contract: Contract, by: User, comment: str) -> Contract:
    contract = _lock_contract(contract)
    _require_office(by, contract)
    comment = clean_text(comment, field="comment", max_length=2000, what=_("Say what must be corrected."))
    _contract_transition(contract, "return", by=by, note=comment)
    contract.review_comment, contract.reviewed_by = comment, by
    contract.save(update_fields=["review_comment", "reviewed_by"])
    _tell_contract(
        contract,
        user_ids=member_ids([contract.organization_id]),
        title=_("Contract returned for revision: %(name)s") % {"name": contract.project_name},
        key=f"contract:{contract.pk}:return:{contract.events.count()}",
    )
    return contract


def _next_registration_number(year: int) -> str:
    """Year + the city's 6-digit division code + a 6-digit serial from a locked counter row."""
    RegistrationCounter.objects.get_or_create(year=year)
    counter = RegistrationCounter.objects.select_for_update().get(year=year)
    if counter.last_serial >= 999999:
        raise DomainError(
            _("The registration numbers of this year are exhausted; contact the administrator.")
        )
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    return f"{year}{settings.KEQIAO['CONTRACT_REGION_CODE']}{counter.last_serial:06d}"


@transaction.atomic
def contract_approve(*, contract: Contract, by: User, note: str = "") -> Contract:
    """The registration office recognises the contract and issues its registration number."""
    contract = _lock_contract(contract)
    _require_office(by, contract)
    _contract_transition(contract, "approve", by=by, note=(note or "").strip()[:2000])
    now = timezone.now()
    contract.approved_at, contract.reviewed_by = now, by
    contract.registered_on = timezone.localdate(now)
    contract.registration_number = _next_registration_number(contract.registered_on.year)
    contract.save(update_fields=["approved_at", "reviewed_by", "registered_on", "registration_number"])
    register.contract_registered(contract=contract, by=by)  # register entry, signed; its certificate
    if contract.deal_id:
        deal_contract_registered(deal=contract.deal, by=by, registration_number=contract.registration_number)
    _tell_contract(
        contract,
        user_ids=member_ids(
            {contract.organization_id, contract.seller_organization_id, contract.buyer_organization_id}
            - {None}
        ),
        title=_("Contract registered under number %(number)s: %(name)s")
        % {"number": contract.registration_number, "name": contract.project_name},
        key=f"contract:{contract.pk}:approve",
    )
    return contract


CORRECTABLE_FIELDS = tuple(f for f in CONTRACT_FIELDS)


@transaction.atomic
def contract_correct(*, contract: Contract, by: User, data: dict, reason: str) -> Contract:
    """A registered contract is never edited: the office records a correction, with its reason."""
    contract = _lock_contract(contract)
    _require_office(by, contract)
    if contract.status != choices.ContractStatus.APPROVED:
        raise DomainError(_("Only registered contracts are corrected; others are edited by their filer."))
    reason = clean_text(
        reason, field="reason", max_length=1000, what=_("Give the reason for the correction.")
    )
    merged = {k: getattr(contract, k) for k in CONTRACT_FIELDS}
    merged.update({k: v for k, v in data.items() if k in CORRECTABLE_FIELDS})
    cleaned = validate_contract_data(merged)
    # the signing date may be in the past only; re-validation above already checked it
    received = contract.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if cleaned["contract_amount"] < received:
        raise DomainError(
            _("The contract amount cannot be less than the payments already received (%(total)s yuan).")
            % {"total": received},
            field="contract_amount",
        )
    changes = _apply(contract, cleaned)
    if not changes:
        raise DomainError(_("The correction changes nothing."))
    _full_clean(contract)
    contract.save()
    _contract_event(
        contract, by=by, action="correct", from_status=contract.status, note=reason, changes=changes
    )
    register.contract_amended(contract=contract, by=by)  # amendment entry; the certificate is reissued
    _tell_contract(
        contract,
        user_ids=member_ids(
            {contract.organization_id, contract.seller_organization_id, contract.buyer_organization_id}
            - {None}
        ),
        title=_("The registration office corrected contract %(number)s")
        % {"number": contract.registration_number},
        key=f"contract:{contract.pk}:correct:{contract.events.count()}",
    )
    return contract


def _require_contract_party(by: User, contract: Contract) -> None:
    orgs = user_organization_ids(by)
    acting = orgs & {
        contract.organization_id,
        contract.seller_organization_id,
        contract.buyer_organization_id,
    }
    if not acting:
        raise NotPermitted(_("Only the parties of this contract can record its performance."))
    for organization in Organization.objects.filter(pk__in=acting).order_by("pk"):
        require_active_organization(organization, allow_pending=False)
    if contract.status != choices.ContractStatus.APPROVED:
        raise DomainError(_("Performance is recorded once the contract is registered."))


def _performing(contract: Contract, by) -> None:
    if contract.deal_id:
        deal_contract_performing(deal=contract.deal, by=by)


@transaction.atomic
def milestone_record(
    *, contract: Contract, by: User, title: str, due_on=None, done_on=None, note: str = ""
) -> Milestone:
    contract = _lock_contract(contract)
    _require_contract_party(by, contract)
    title = clean_text(title, field="title", max_length=200, what=_("Name the milestone."))
    if done_on and done_on > timezone.localdate():
        raise DomainError(_("A milestone cannot be reached in the future."), field="done_on")
    milestone = Milestone.objects.create(
        contract=contract,
        title=title,
        due_on=due_on,
        done_on=done_on,
        note=clean_text(note, field="note", max_length=500, required=False),
        recorded_by=by,
    )
    _contract_event(contract, by=by, action="milestone", from_status=contract.status, note=title)
    _performing(contract, by)
    return milestone


@transaction.atomic
def payment_record(*, contract: Contract, by: User, received_on, amount, note: str = "") -> Payment:
    contract = _lock_contract(contract)
    _require_contract_party(by, contract)
    amount = parse_amount(amount, field="amount", positive=True)
    if received_on is None:
        raise DomainError(_("Give the date the payment was received."), field="received_on")
    if received_on > timezone.localdate():
        raise DomainError(_("A payment cannot be received in the future."), field="received_on")
    received = contract.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if received + amount > contract.contract_amount:
        raise DomainError(
            _("Payments received (%(total)s yuan) would exceed the contract amount (%(amount)s yuan).")
            % {"total": received + amount, "amount": contract.contract_amount},
            field="amount",
        )
    payment = Payment.objects.create(
        contract=contract,
        received_on=received_on,
        amount=amount,
        note=clean_text(note, field="note", max_length=500, required=False),
        recorded_by=by,
    )
    _contract_event(contract, by=by, action="payment", from_status=contract.status, note=f"{amount}")
    _performing(contract, by)
    return payment


def refuse_termination_under_review(deal: Deal) -> None:
    """A negotiation cannot be terminated while its contract is with the registration office."""
    contract = Contract.objects.select_for_update().filter(deal=deal).first()
    if contract is not None and contract.status == choices.ContractStatus.SUBMITTED:
        raise DomainError(_("The contract is with the registration office; wait for its decision first."))
