"""技术性收入核定: the registration office verifies, year by year, the technology income of a contract under
review — the year's part of the contract amount less what is not technology income (equipment,
materials, construction, non-technical services), each deduction with its basis.

Only technology development, transfer and licence contracts carry technology income eligible for relief
(VAT exemption, income-tax relief); consulting and service contracts are refused here. The income is
recorded before registration, so the registration entry and the certificate print it.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, F, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from keqiao.accounts.models import User
from keqiao.common.errors import DomainError
from keqiao.common.money import parse_amount
from keqiao.common.workflow import clean_text
from keqiao.notifications.text import gettext_lazy as _

from . import choices
from .models import Contract
from .register_models import IncomeDeduction, IncomeYear

INCOME_TYPES = frozenset(
    {
        choices.ContractType.DEVELOPMENT_COMMISSIONED,
        choices.ContractType.DEVELOPMENT_COOPERATIVE,
        choices.ContractType.TRANSFER,
        choices.ContractType.LICENCE,
    }
)


def can_have_income(contract: Contract) -> bool:
    return contract.contract_type in INCOME_TYPES


def _lock_for_income(contract: Contract, by: User) -> Contract:
    from .services import _lock_contract, _require_office  # services import this module's callers

    contract = _lock_contract(contract)
    _require_office(by, contract)
    if not can_have_income(contract):
        raise DomainError(
            _(
                "A %(type)s contract has no technology income eligible for relief: only development, "
                "transfer and licence contracts do."
            )
            % {"type": contract.get_contract_type_display()}
        )
    if contract.status != choices.ContractStatus.SUBMITTED:
        raise DomainError(
            _("Technology income is verified while the registration office reviews the filing.")
        )
    return contract


def _parse_year(contract: Contract, year) -> int:
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError) as exc:
        raise DomainError(_("Give the year as four digits, e.g. 2026."), field="year") from exc
    if not contract.signed_on.year <= year <= contract.ends_on.year:
        raise DomainError(
            _("The year must fall within the contract, from %(first)d to %(last)d.")
            % {"first": contract.signed_on.year, "last": contract.ends_on.year},
            field="year",
        )
    return year


@transaction.atomic
def income_year_record(*, contract: Contract, by: User, year, amount) -> IncomeYear:
    """Record (or change) the part of the contract amount that falls in `year`."""
    contract = _lock_for_income(contract, by)
    year = _parse_year(contract, year)
    amount = parse_amount(amount, field="amount", positive=True)
    others = contract.income_years.exclude(year=year).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if others + amount > contract.contract_amount:
        raise DomainError(
            _("The years together (%(total)s yuan) would exceed the contract amount (%(amount)s yuan).")
            % {"total": others + amount, "amount": contract.contract_amount},
            field="amount",
        )
    row = contract.income_years.filter(year=year).first()
    if row is None:
        return IncomeYear.objects.create(contract=contract, year=year, amount=amount, recorded_by=by)
    deducted = row.deductions.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if deducted > amount:
        raise DomainError(
            _("The deductions already recorded for %(year)d (%(deducted)s yuan) exceed this amount.")
            % {"year": year, "deducted": deducted},
            field="amount",
        )
    row.amount, row.recorded_by = amount, by
    row.save(update_fields=["amount", "recorded_by"])
    return row


@transaction.atomic
def income_deduction_record(
    *, contract: Contract, by: User, year, category: str, amount, basis: str
) -> IncomeDeduction:
    """Deduct from a year's amount what is not technology income, with the basis for it."""
    contract = _lock_for_income(contract, by)
    year = _parse_year(contract, year)
    row = contract.income_years.filter(year=year).first()
    if row is None:
        raise DomainError(_("Record the contract amount of %(year)d first.") % {"year": year}, field="year")
    if category not in IncomeDeduction.Category.values:
        raise DomainError(_("Choose what kind of deduction this is."), field="category")
    amount = parse_amount(amount, field="amount", positive=True)
    basis = clean_text(
        basis,
        field="basis",
        max_length=500,
        what=_("Give the basis of the deduction (clause, invoice, budget)."),
    )
    deducted = row.deductions.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if deducted + amount > row.amount:
        raise DomainError(
            _(
                "The deductions (%(total)s yuan) would be greater than the amount of %(year)d (%(amount)s yuan)."
            )
            % {"total": deducted + amount, "year": year, "amount": row.amount},
            field="amount",
        )
    return IncomeDeduction.objects.create(
        income_year=row, category=category, amount=amount, basis=basis, recorded_by=by
    )


@transaction.atomic
def income_deduction_remove(*, deduction: IncomeDeduction, by: User) -> None:
    _lock_for_income(deduction.income_year.contract, by)
    IncomeDeduction.objects.filter(pk=deduction.pk).delete()


# --- reads --------------------------------------------------------------------------------------------------


def income_years_of(contract: Contract) -> list[IncomeYear]:
    """The contract's verified income by year, deductions prefetched (two queries)."""
    return list(
        contract.income_years.prefetch_related(
            Prefetch("deductions", queryset=IncomeDeduction.objects.order_by("id"))
        )
    )


def verified_income_total(contract: Contract) -> Decimal | None:
    """The contract's verified technology income, or None when the office has recorded none."""
    years = income_years_of(contract)
    if not years:
        return None
    return sum((y.verified for y in years), Decimal("0"))


def verified_income_by_year(organization_ids) -> list[dict]:
    """Verified technology income per year of the registered contracts the organisations are party to:
    [{"year", "contracts", "amount", "deducted", "verified"}], oldest year first."""

    years = (
        IncomeYear.objects.filter(contract__in=Contract.objects.registered())
        .filter(
            Q(contract__organization_id__in=organization_ids)
            | Q(contract__seller_organization_id__in=organization_ids)
            | Q(contract__buyer_organization_id__in=organization_ids)
        )
        .annotate(deducted_sum=Sum("deductions__amount"))
        .values_list("year", "contract_id", "amount", "deducted_sum")
    )
    table: dict[int, dict] = {}
    for year, contract_id, amount, deducted in years:
        row = table.setdefault(
            year, {"year": year, "contracts": set(), "amount": Decimal("0"), "deducted": Decimal("0")}
        )
        row["contracts"].add(contract_id)
        row["amount"] += amount
        row["deducted"] += deducted or Decimal("0")
    out = []
    for year in sorted(table):
        row = table[year]
        out.append(
            {
                "year": year,
                "contracts": len(row["contracts"]),
                "amount": row["amount"],
                "deducted": row["deducted"],
                "verified": row["amount"] - row["deducted"],
            }
        )
    return out


def income_statistics(by_year) -> list[dict]:
    """The registered contract amount of each year of the statistics' `by_year` rows (by registration
    year) beside the verified technology income the registration office attributed to that year (one
    aggregate query)."""

    years = [int(row.key) for row in by_year]
    if not years:
        return []
    deducted = (
        IncomeDeduction.objects.filter(income_year=OuterRef("pk"))
        .values("income_year")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=16, decimal_places=2)
    verified = dict(
        IncomeYear.objects.filter(
            contract__in=Contract.objects.registered(), year__gte=min(years), year__lte=max(years)
        )
        .annotate(
            deducted=Coalesce(Subquery(deducted, output_field=money), Value(Decimal("0")), output_field=money)
        )
        .values("year")
        .annotate(total=Sum(F("amount") - F("deducted"), output_field=money))
        .values_list("year", "total")
    )
    cent = Decimal("0.01")
    rows = []
    for row in by_year:
        income = Decimal(verified.get(int(row.key)) or 0).quantize(cent)
        rows.append(
            {
                "year": int(row.key),
                "contract_amount": row.contract_amount,
                "verified_income": income,
                # in ten-thousand yuan (万元), the unit of the statistics' tables
                "contract_amount_wan": row.contract_amount_wan,
                "verified_income_wan": (income / 10000).quantize(cent),
            }
        )
    return rows
