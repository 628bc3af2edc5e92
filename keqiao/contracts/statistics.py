"""Technology-contract transaction statistics (技术合同成交统计) over registered contracts.

Only contracts the registration office approved count, and they count in the year, quarter and month
of their registration date (`registered_on`, the city's calendar day), as the national registration
statistics do. Every figure is a contract count, the sum of contract amounts (合同成交额) and the sum
of technology transaction amounts (技术交易额); money stays `Decimal` from the database to the page.

Each breakdown is one aggregate query (GROUP BY in the database); the labels are attached in Python.
"""

import datetime
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import CharField, Count, DecimalField, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce, Substr
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from keqiao.common.choices import TechField
from keqiao.common.models import Region
from keqiao.common.reference import city_code_prefix

from . import choices
from .models import Contract

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Years a statistics page can be asked for; the registration system started long after 2000.
MIN_YEAR = 2000

OUTPUT = "output"
ABSORPTION = "absorption"
DIRECTION_LABELS = {OUTPUT: _("Technology output"), ABSORPTION: _("Technology absorption")}
# Contracts of a party whose code is inside the city but not one of its counties (the city itself).
CITY_OTHER = "other"
CITY_OTHER_LABEL = _("Meishan city (other)")
QUARTER_LABELS = {1: _("Q1"), 2: _("Q2"), 3: _("Q3"), 4: _("Q4")}


@dataclass
class Row:
    """One line of a breakdown: a key (code), its label and the three figures."""

    key: str
    label: str
    count: int = 0
    contract_amount: Decimal = ZERO
    technology_amount: Decimal = ZERO

    def add(self, count: int, contract_amount: Decimal, technology_amount: Decimal) -> None:
        self.count += count
        self.contract_amount = money(self.contract_amount + contract_amount)
        self.technology_amount = money(self.technology_amount + technology_amount)

    @property
    def contract_amount_wan(self) -> Decimal:
        """In ten-thousand yuan (万元), the unit of the statistics' tables."""
        return (self.contract_amount / 10000).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def technology_amount_wan(self) -> Decimal:
        return (self.technology_amount / 10000).quantize(CENT, rounding=ROUND_HALF_UP)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["label"] = str(self.label)
        return data


def money(value) -> Decimal:
    """A sum as yuan with exactly 2 decimals (SQLite hands sums back less exactly than PostgreSQL)."""
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def approved_contracts() -> QuerySet[Contract]:
    return Contract.objects.registered()


def contracts_of_year(year: int) -> QuerySet[Contract]:
    """Registered contracts of a calendar year (a date range, so the registered_on index serves it)."""
    return approved_contracts().filter(
        registered_on__gte=datetime.date(year, 1, 1), registered_on__lte=datetime.date(year, 12, 31)
    )


def _sum(field: str, **kwargs):
    return Coalesce(
        Sum(field, **kwargs), Value(ZERO), output_field=DecimalField(max_digits=18, decimal_places=2)
    )


FIGURES = {
    "n": Count("id"),
    "contract_sum": _sum("contract_amount"),
    "technology_sum": _sum("technology_amount"),
}


def _grouped(qs: QuerySet, *group_by: str, **expressions) -> list[dict]:
    """Rows of (group values, n, contract_sum, technology_sum), one GROUP BY query."""
    qs = qs.annotate(**expressions) if expressions else qs
    return list(qs.order_by().values(*group_by).annotate(**FIGURES).order_by(*group_by))


def _by_date_prefix(qs: QuerySet, length: int) -> dict[str, tuple[int, Decimal, Decimal]]:
    """(n, contract sum, technology sum) per registration year (`length` 4: "2026") or month (7:
    "2026-03"), one GROUP BY query.

    The date's ISO text is cut in SQL rather than with ExtractYear/ExtractMonth: on SQLite those call a
    Python function for every row, which made the statistics page slow at 100,000 contracts.
    """
    key = Substr(Cast("registered_on", CharField()), 1, length)
    rows = qs.order_by().annotate(period=key).values("period").annotate(**FIGURES)
    return {r["period"]: _row_figures(r) for r in rows}


def _row_figures(r: dict) -> tuple[int, Decimal, Decimal]:
    return r["n"], money(r["contract_sum"]), money(r["technology_sum"])


# --- the headline ----------------------------------------------------------------------------------


def annual_target() -> Decimal:
    return money(settings.KEQIAO.get("ANNUAL_TRANSACTION_TARGET") or 0)


def year_elapsed_percent(year: int, today: datetime.date | None = None) -> Decimal:
    """Share of the calendar year gone by at the end of `today` (the city's date), in percent."""
    today = today or timezone.localdate()
    if year < today.year:
        return Decimal("100.0")
    if year > today.year:
        return Decimal("0.0")
    days = (datetime.date(year, 12, 31) - datetime.date(year, 1, 1)).days + 1
    done = (today - datetime.date(year, 1, 1)).days + 1
    return (Decimal(done) * 100 / Decimal(days)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def transaction_summary(year: int, today: datetime.date | None = None) -> dict:
    """The year's totals and the progress towards the city's annual target.

    The target (settings.KEQIAO["ANNUAL_TRANSACTION_TARGET"], yuan) is measured against the technology
    transaction amount (技术交易额, the sum of `technology_amount`) of *all* contracts registered in
    the city in the year, whoever and wherever the parties are: that is the figure the registration
    office reports (登记额), not the narrower technology output or absorption of the city, which the
    direction and county breakdowns show separately.
    """
    totals = contracts_of_year(year).aggregate(**FIGURES)
    target = annual_target()
    technology_amount = money(totals["technology_sum"])
    progress = (
        (technology_amount * 100 / target).quantize(CENT, rounding=ROUND_HALF_UP) if target > 0 else None
    )
    return {
        "year": year,
        "count": totals["n"],
        "contract_amount": money(totals["contract_sum"]),
        "technology_amount": technology_amount,
        "target": target,
        "remaining": max(target - technology_amount, ZERO),
        "progress_percent": progress,
        "year_elapsed_percent": year_elapsed_percent(year, today),
    }


# --- breakdowns by time ----------------------------------------------------------------------------


def by_year(last_year: int, span: int = 5) -> list[Row]:
    """The `span` years up to `last_year`, oldest first, years without contracts included."""
    first = last_year - span + 1
    rows = {y: Row(str(y), str(y)) for y in range(first, last_year + 1)}
    qs = approved_contracts().filter(
        registered_on__gte=datetime.date(first, 1, 1), registered_on__lte=datetime.date(last_year, 12, 31)
    )
    for period, figures in _by_date_prefix(qs, 4).items():
        rows[int(period)].add(*figures)
    return list(rows.values())


def by_month(year: int) -> list[Row]:
    """Twelve rows, January first, months without contracts included."""
    rows = {m: Row(f"{year}-{m:02d}", MONTHS[m]) for m in range(1, 13)}
    for period, figures in _by_date_prefix(contracts_of_year(year), 7).items():
        rows[int(period[5:7])].add(*figures)
    return list(rows.values())


def quarters_from_months(year: int, months: list[Row]) -> list[Row]:
    rows = [Row(f"{year}-Q{q}", QUARTER_LABELS[q]) for q in range(1, 5)]
    for i, m in enumerate(months):
        rows[i // 3].add(m.count, m.contract_amount, m.technology_amount)
    return rows


def by_quarter(year: int) -> list[Row]:
    return quarters_from_months(year, by_month(year))


# --- breakdowns by party location ------------------------------------------------------------------


def _counties() -> list[tuple[str, str]]:
    return [
        (r.code, r.display_name)
        for r in Region.objects.filter(kind=Region.Kind.COUNTY, code__startswith=city_code_prefix())
    ]


def by_direction(year: int) -> list[Row]:
    """技术输出 (seller in the city) and 技术吸纳 (buyer in the city), one query.

    A contract between two parties of the city counts in both directions; one between two parties
    elsewhere counts in neither (but still in the year's total registered in the city).
    """
    prefix = city_code_prefix()
    where = {
        OUTPUT: Q(seller_region_code__startswith=prefix),
        ABSORPTION: Q(buyer_region_code__startswith=prefix),
    }
    figures = {}
    for key, condition in where.items():
        figures[f"{key}_n"] = Count("id", filter=condition)
        figures[f"{key}_contract"] = _sum("contract_amount", filter=condition)
        figures[f"{key}_technology"] = _sum("technology_amount", filter=condition)
    totals = contracts_of_year(year).aggregate(**figures)
    return [
        Row(
            key,
            DIRECTION_LABELS[key],
            totals[f"{key}_n"],
            money(totals[f"{key}_contract"]),
            money(totals[f"{key}_technology"]),
        )
        for key in where
    ]


def by_county(year: int, direction: str, counties: list[tuple[str, str]] | None = None) -> list[Row]:
    """Rows per county of the city for technology output (by the seller's county) or absorption
    (by the buyer's county); codes of the city outside its counties go to "Meishan city (other)"."""
    field = {OUTPUT: "seller_region_code", ABSORPTION: "buyer_region_code"}[direction]
    counties = _counties() if counties is None else counties
    rows = {code: Row(code, name) for code, name in counties}
    other = Row(CITY_OTHER, CITY_OTHER_LABEL)
    qs = contracts_of_year(year).filter(**{f"{field}__startswith": city_code_prefix()})
    for r in _grouped(qs, field):
        rows.get(r[field], other).add(*_row_figures(r))
    return [*rows.values(), other]


# --- breakdowns by classification ------------------------------------------------------------------


def _by_choice(year: int, field: str, labels: dict) -> list[Row]:
    """One row per choice in the choices' order, unknown stored values last under their code."""
    rows = {value: Row(value, label) for value, label in labels.items()}
    for r in _grouped(contracts_of_year(year), field):
        value = r[field]
        rows.setdefault(value, Row(value, value)).add(*_row_figures(r))
    return list(rows.values())


def by_contract_type(year: int) -> list[Row]:
    return _by_choice(year, "contract_type", dict(choices.ContractType.choices))


def by_tech_field(year: int) -> list[Row]:
    return _by_choice(year, "tech_field", dict(TechField.choices))


def by_seller_kind(year: int) -> list[Row]:
    """Universities, research institutes, enterprises and others, by the seller's nature code."""
    rows = {kind: Row(kind, label) for kind, label in choices.SELLER_KIND_LABELS.items()}
    for r in _grouped(contracts_of_year(year), "seller_nature"):
        rows[choices.SELLER_KIND.get(r["seller_nature"], "other")].add(*_row_figures(r))
    return list(rows.values())


# --- everything for one page -----------------------------------------------------------------------


def available_years(today: datetime.date | None = None) -> list[int]:
    """Years a statistics page may show, newest first: from the first registration to this year."""
    current = (today or timezone.localdate()).year
    first = approved_contracts().order_by("registered_on").values_list("registered_on", flat=True).first()
    start = max(MIN_YEAR, min(first.year if first else current, current))
    return list(range(current, start - 1, -1))


CACHE_SECONDS = 300


def change_marker() -> str:
    """Changes whenever a contract is created or saved (indexed MAX of id and updated_at: cheap at any
    volume). Figures cached under it are never stale after a change made through the services; a change
    that bypasses them (a queryset update, SQL) shows within CACHE_SECONDS."""
    latest = Contract.objects.aggregate(i=Max("id"), m=Max("updated_at"))
    return f"{latest['i'] or 0}.{latest['m'].timestamp() if latest['m'] else 0}"


def transaction_report(year: int, today: datetime.date | None = None) -> dict:
    """The summary and every breakdown of a year, cached until the next contract change."""
    today = today or timezone.localdate()
    key = f"keqiao:deals:report:{year}:{today.isoformat()}:{change_marker()}"
    report = cache.get(key)
    if report is None:
        report = compute_transaction_report(year, today)
        cache.set(key, report, CACHE_SECONDS)
    return report


def compute_transaction_report(year: int, today: datetime.date | None = None) -> dict:
    """The summary and every breakdown of a year: a fixed number of queries, whatever the volume."""
    months = by_month(year)
    counties = _counties()
    return {
        "summary": transaction_summary(year, today),
        "by_year": by_year(year),
        "by_quarter": quarters_from_months(year, months),
        "by_month": months,
        "by_direction": by_direction(year),
        "by_county_output": by_county(year, OUTPUT, counties),
        "by_county_absorption": by_county(year, ABSORPTION, counties),
        "by_contract_type": by_contract_type(year),
        "by_tech_field": by_tech_field(year),
        "by_seller_kind": by_seller_kind(year),
    }


# --- who may see them ------------------------------------------------------------------------------
