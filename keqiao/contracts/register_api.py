"""JSON API of the registration certificates (public verification by code; the parties' list) and of the
registration office's verified technology income. Money is a string with two decimals (yuan)."""

import datetime
from typing import Annotated

from django.http import Http404
from ninja import Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from keqiao.accounts.selectors import user_is_contract_office
from keqiao.common.schemas import Choice, InputSchema, ModelText, PositiveAmount

from . import income, register, selectors
from .register_models import IncomeDeduction

router = Router(tags=["contract certificates"])
Year = Annotated[int, Field(ge=1990, le=2100)]


class PrintedOut(Schema):
    registration_number: str
    project_name: str
    contract_type: str
    seller_name: str
    buyer_name: str
    contract_amount: str
    technology_income: str | None = None
    registered_on: str | None = None
    issued_on: str
    office: str


class EntryCheckOut(Schema):
    sequence: int
    kind: str
    recorded_at: datetime.datetime
    row_hash: str
    key_id: str
    hash_holds: bool
    signature_holds: bool


class CertificateVerifyOut(Schema):
    code: str
    status: str
    valid: bool
    printed: PrintedOut
    entry: EntryCheckOut


class CertificateOut(Schema):
    code: str
    status: str
    issued_at: datetime.datetime
    printed: PrintedOut


@router.get(
    "/contract-certificates/{code}",
    response=CertificateVerifyOut,
    auth=None,
    summary="Verify a contract registration certificate by the code printed on it (public)",
)
def certificate_verify(request, code: str):
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        raise Http404
    hash_ok, signature_ok = register.entry_holds(certificate.entry)
    entry = certificate.entry
    return {
        "code": certificate.code,
        "status": certificate.status,
        "valid": certificate.status == "valid" and hash_ok and signature_ok,
        "printed": certificate.printed,
        "entry": {
            "sequence": entry.sequence,
            "kind": entry.kind,
            "recorded_at": entry.recorded_at,
            "row_hash": entry.row_hash,
            "key_id": entry.key_id,
            "hash_holds": hash_ok,
            "signature_holds": signature_ok,
        },
    }


@router.get(
    "/contracts/{contract_id}/register/certificates",
    response=list[CertificateOut],
    auth=django_auth,
    summary="Certificates of a contract, newest first (its parties and the registration office)",
)
def certificate_list(request, contract_id: int):
    contract = selectors.contract_visible_to(request.user, contract_id)
    return list(selectors.certificates_of(contract))


# --- 技术性收入核定 ---------------------------------------------------------------------------------


class DeductionOut(Schema):
    id: int
    category: str
    amount: str
    basis: str


class IncomeYearOut(Schema):
    year: int
    amount: str
    deducted: str
    verified: str
    deductions: list[DeductionOut]


class IncomeYearIn(InputSchema):
    year: Year
    amount: PositiveAmount


class DeductionIn(InputSchema):
    year: Year
    category: Choice(IncomeDeduction.Category.values)
    amount: PositiveAmount
    basis: ModelText(IncomeDeduction, "basis")


def _year_out(y) -> dict:
    return {
        "year": y.year,
        "amount": f"{y.amount:.2f}",
        "deducted": f"{y.deducted:.2f}",
        "verified": f"{y.verified:.2f}",
        "deductions": [
            {"id": d.pk, "category": d.category, "amount": f"{d.amount:.2f}", "basis": d.basis}
            for d in y.deductions.all()
        ],
    }


def _office_contract(request, contract_id: int):
    contract = selectors.contract_visible_to(request.user, contract_id)
    if not user_is_contract_office(request.user):
        raise Http404
    return contract


@router.get(
    "/contracts/{contract_id}/income/years",
    response=list[IncomeYearOut],
    auth=django_auth,
    summary="Verified technology income of a contract by year (its parties and the registration office)",
)
def income_years(request, contract_id: int):
    contract = selectors.contract_visible_to(request.user, contract_id)
    return [_year_out(y) for y in income.income_years_of(contract)]


@router.post(
    "/contracts/{contract_id}/income/years",
    response={201: IncomeYearOut},
    auth=django_auth,
    summary="Record the contract amount of a year (registration office, contract under review)",
)
def income_year_put(request, contract_id: int, payload: IncomeYearIn):
    contract = _office_contract(request, contract_id)
    income.income_year_record(contract=contract, by=request.user, year=payload.year, amount=payload.amount)
    year = next(y for y in income.income_years_of(contract) if y.year == payload.year)
    return Status(201, _year_out(year))


@router.post(
    "/contracts/{contract_id}/income/deductions",
    response={201: DeductionOut},
    auth=django_auth,
    summary="Deduct from a year what is not technology income, with its basis (registration office)",
)
def income_deduction_create(request, contract_id: int, payload: DeductionIn):
    contract = _office_contract(request, contract_id)
    d = income.income_deduction_record(contract=contract, by=request.user, **payload.dict())
    return Status(201, {"id": d.pk, "category": d.category, "amount": f"{d.amount:.2f}", "basis": d.basis})
