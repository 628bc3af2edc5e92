"""Reads for deals and contracts, and who may see what. Anyone else gets a 404, never a hint."""

import re

from django.db.models import Q, QuerySet
from django.http import Http404

from keqiao.accounts.selectors import user_is_contract_office, user_organization_ids
from keqiao.negotiations.choices import DealStatus
from keqiao.negotiations.models import Deal

from . import choices
from .models import Certificate, Contract, ContractDocument, RegisterEntry

# --- contracts -------------------------------------------------------------------------------------


def _contracts() -> QuerySet[Contract]:
    return Contract.objects.select_related(
        "organization", "deal", "seller_organization", "buyer_organization"
    )


def contracts_of_user(user) -> QuerySet[Contract]:
    if not getattr(user, "is_authenticated", False):
        return Contract.objects.none()
    orgs = user_organization_ids(user)
    return _contracts().filter(
        Q(organization_id__in=orgs) | Q(seller_organization_id__in=orgs) | Q(buyer_organization_id__in=orgs)
    )


def can_see_contract(user, contract: Contract) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    orgs = user_organization_ids(user)
    if orgs & {contract.organization_id, contract.seller_organization_id, contract.buyer_organization_id}:
        return True
    # The registration office sees what was filed with it, not other organisations' drafts.
    return user_is_contract_office(user) and contract.status != choices.ContractStatus.DRAFT


def contract_of_deal(deal) -> Contract | None:
    """The contract filed for ``deal``, if any (a deal has at most one)."""
    return Contract.objects.filter(deal=deal).first()


def contract_visible_to(user, pk: int) -> Contract:
    contract = _contracts().filter(pk=pk).first()
    if contract is None or not can_see_contract(user, contract):
        raise Http404
    return contract


def contracts_for_office(status: str = "") -> QuerySet[Contract]:
    qs = _contracts().exclude(status=choices.ContractStatus.DRAFT)
    if status in choices.ContractStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-submitted_at", "-id")


def contracts_to_revise(user) -> QuerySet[Contract]:
    """Contracts the user's organisations filed and the registration office returned for revision."""
    return _contracts().filter(
        organization_id__in=user_organization_ids(user), status=choices.ContractStatus.RETURNED
    )


def agreed_deals_without_contract(user) -> QuerySet[Deal]:
    """Deals of the user's organisations that reached agreement and have no contract filed yet."""
    orgs = user_organization_ids(user)
    return Deal.objects.filter(
        Q(initiator_id__in=orgs) | Q(counterpart_id__in=orgs), status=DealStatus.AGREED, contract__isnull=True
    )


# --- certificates and the register -------------------------------------------------------------------

_CODE = re.compile(r"[A-Za-z0-9_-]{20,32}")


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate a public verification code names, or None (malformed codes are not looked up)."""
    code = (code or "").strip()
    if not _CODE.fullmatch(code):
        return None
    return Certificate.objects.select_related("entry").filter(code=code).first()


def certificate_visible_to(user, code: str) -> Certificate:
    """A certificate's PDF is for the contract's parties and the registration office only."""
    certificate = certificate_by_code(code)
    if certificate is None:
        raise Http404
    contract = contract_visible_to(user, certificate.contract_id)
    certificate.contract = contract
    return certificate


def certificates_of(contract: Contract) -> QuerySet[Certificate]:
    return contract.certificates.select_related("entry").order_by("-issued_at", "-id")


def register_entries_of(contract: Contract) -> QuerySet[RegisterEntry]:
    return contract.register_entries.select_related("recorded_by").order_by("sequence")


def documents_of(contract: Contract) -> QuerySet[ContractDocument]:
    return contract.documents.select_related("uploaded_by").order_by("kind", "-uploaded_at", "-id")


def document_visible_to(user, pk: int, document_pk: int) -> ContractDocument:
    """A contract document: for the contract's parties and the registration office only."""
    contract = contract_visible_to(user, pk)
    document = contract.documents.filter(pk=document_pk).first()
    if document is None:
        raise Http404
    return document
