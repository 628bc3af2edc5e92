"""Actual values of plan indicators: computed from platform records where a registry exists, otherwise
the values departments reported, with their provenance. All figures are Decimal.

An indicator bound to a registry query (keqiao.registries.selectors: qualifications, R&D platforms) counts
the records valid at the year's end (today for the current year), so a qualification that expires or is
revoked stops counting at once.

Each platform statistic answers three questions: the value for a year (annual, or cumulative since the
plan's start), the breakdown of that value by county/district and park, and the records behind it.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db.models import CharField, Count, Sum
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.models import Organization
from keqiao.common.models import Region
from keqiao.common.reference import city_code_prefix
from keqiao.contracts.models import Contract
from keqiao.contracts.statistics import CACHE_SECONDS, change_marker
from keqiao.registries import selectors as registry_selectors

from .models import ActionPlan, Indicator, IndicatorReport

TEN_THOUSAND = Decimal("10000")
TRANSFORMATION_TYPES = ("transfer", "licence", "dev_commissioned", "dev_cooperative")

QUERY_LABELS = {
    "transaction_amount": _(
        "Technology transaction amount of the technology contracts registered in the year (ten-thousand yuan)"
    ),
    "transformation_projects": _(
        "Registered transfer, licence and development contracts since the plan's start (each one a project "
        "carried out)"
    ),
    "carriers": _("Verified incubation carriers on the platform"),
    "service_agencies": _("Verified technology-transfer service agencies on the platform"),
    **registry_selectors.QUERY_LABELS,
}


def registry_query(indicator: Indicator):
    """The registry query an indicator computed from platform records is bound to, or None."""
    if indicator.source != Indicator.Source.QUERY:
        return None
    return registry_selectors.parse_query(indicator.query)


def _count_day(year: int) -> datetime.date:
    """The day a registry count is taken for `year`: its last day, or today for the current year."""
    return min(_year_end(year), timezone.localdate())


def _year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def _contracts(indicator: Indicator, year: int):
    qs = Contract.objects.registered()
    if indicator.query == "transformation_projects":
        qs = qs.filter(contract_type__in=TRANSFORMATION_TYPES)
    if indicator.cumulative:
        return qs.filter(registered_on__gte=indicator.plan.starts_on, registered_on__lte=_year_end(year))
    return qs.filter(registered_on__year=year)


def _organizations(indicator: Indicator, year: int):
    kind = Organization.Kind.CARRIER if indicator.query == "carriers" else Organization.Kind.AGENCY
    end = timezone.make_aware(datetime.datetime.combine(_year_end(year), datetime.time.max))
    return Organization.objects.filter(kind=kind, status=Organization.Status.VERIFIED, verified_at__lte=end)


def _contract_value(qs, indicator: Indicator) -> Decimal:
    if indicator.query == "transaction_amount":
        total = qs.aggregate(t=Sum("technology_amount"))["t"] or Decimal("0")
        return (total / TEN_THOUSAND).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Decimal(qs.count())


def records(indicator: Indicator, year: int):
    """The records behind the number (contracts, organisations or registry records) for the drill-down."""
    rq = registry_query(indicator)
    if rq is not None:
        return registry_selectors.records_on(rq, _count_day(year))
    if indicator.query in ("transaction_amount", "transformation_projects"):
        return _contracts(indicator, year).order_by("-registered_on", "-id")
    if indicator.query in ("carriers", "service_agencies"):
        return _organizations(indicator, year).select_related("region").order_by("name")
    return IndicatorReport.objects.filter(indicator=indicator, year=year).select_related(
        "region", "reported_by", "department"
    )


def value_for_year(indicator: Indicator, year: int) -> Decimal | None:
    """The actual value for a year, or None when nothing is known (no report yet)."""
    rq = registry_query(indicator)
    if rq is not None:
        return Decimal(registry_selectors.count_on(rq, _count_day(year)))
    if indicator.source == Indicator.Source.QUERY:
        if indicator.query in ("transaction_amount", "transformation_projects"):
            return _contract_value(_contracts(indicator, year), indicator)
        return Decimal(_organizations(indicator, year).count())
    return _reported_value(indicator, year)


def yearly_values(indicator: Indicator, years: list[int]) -> list[tuple[int, Decimal | None]]:
    """The value of each year, in one grouped query for platform statistics (a cumulative figure is the
    running sum from the plan's start). Equal to value_for_year for each year, without a query per year."""
    if indicator.source != Indicator.Source.QUERY or not years:
        return [(y, value_for_year(indicator, y)) for y in years]
    rq = registry_query(indicator)
    if rq is not None:
        # One count per year; cached until a registry record changes, and per day (the current year's
        # value is taken today: an expiry shows on its date).
        key = (
            f"keqiao:indicator:registry:{rq.key}:{years[0]}-{years[-1]}:{timezone.localdate().isoformat()}:"
            f"{registry_selectors.change_marker()}"
        )
        cached = cache.get(key)
        if cached is None:
            cached = [(y, value_for_year(indicator, y)) for y in years]
            cache.set(key, cached, CACHE_SECONDS)
        return cached
    start = indicator.plan.starts_on
    if indicator.query in ("transaction_amount", "transformation_projects"):
        key = (
            f"keqiao:indicator:{indicator.pk}:{indicator.query}:{indicator.cumulative}:{start.isoformat()}:"
            f"{years[0]}-{years[-1]}:{change_marker()}"
        )
        cached = cache.get(key)
        if cached is None:
            cached = _contract_yearly_values(indicator, years)
            cache.set(key, cached, CACHE_SECONDS)
        return cached
    return _organization_yearly_values(indicator, years)


def _contract_yearly_values(indicator: Indicator, years: list[int]) -> list[tuple[int, Decimal]]:
    qs = Contract.objects.filter(status="approved", registered_on__lte=_year_end(years[-1]))
    if indicator.query == "transformation_projects":
        qs = qs.filter(contract_type__in=TRANSFORMATION_TYPES)
    first = indicator.plan.starts_on if indicator.cumulative else datetime.date(years[0], 1, 1)
    rows = (
        qs.filter(registered_on__gte=first)
        .annotate(y=Substr(Cast("registered_on", CharField()), 1, 4))
        .values("y")
        .annotate(n=Count("id"), amount=Sum("technology_amount"))
    )
    per_year = {
        int(r["y"]): (r["amount"] or Decimal("0")) / TEN_THOUSAND
        if indicator.query == "transaction_amount"
        else Decimal(r["n"])
        for r in rows
    }
    return _running(indicator, years, per_year, Decimal("0"), indicator.cumulative)


def _organization_yearly_values(indicator: Indicator, years: list[int]) -> list[tuple[int, Decimal]]:
    kind = Organization.Kind.CARRIER if indicator.query == "carriers" else Organization.Kind.AGENCY
    end = timezone.make_aware(datetime.datetime.combine(_year_end(years[-1]), datetime.time.max))
    verified = Organization.objects.filter(
        kind=kind, status=Organization.Status.VERIFIED, verified_at__lte=end
    )
    per_year: dict[int, Decimal] = {}
    for at in verified.values_list("verified_at", flat=True):
        y = timezone.localtime(at).year
        per_year[y] = per_year.get(y, Decimal("0")) + 1
    earlier = sum((v for y, v in per_year.items() if y < years[0]), Decimal("0"))
    # Organisations are counted as they stand at each year's end (see value_for_year), so always running.
    return _running(indicator, years, per_year, earlier, True)


def _running(
    indicator, years, per_year: dict, earlier: Decimal, cumulative: bool
) -> list[tuple[int, Decimal]]:
    out, running = [], earlier
    for y in years:
        if cumulative:
            running += per_year.get(y, Decimal("0"))
            value = running
        else:
            value = per_year.get(y, Decimal("0"))
        if indicator.query == "transaction_amount":
            value = value.quantize(Decimal("0.01"), ROUND_HALF_UP)
        out.append((y, value))
    return out


def _latest_reports(indicator: Indicator, year: int) -> dict:
    """The latest report per region (None = city-wide) for the year."""
    latest: dict = {}
    for report in IndicatorReport.objects.filter(indicator=indicator, year=year).order_by("created_at", "id"):
        latest[report.region_id] = report
    return latest


def _reported_value(indicator: Indicator, year: int) -> Decimal | None:
    latest = _latest_reports(indicator, year)
    if not latest:
        if indicator.cumulative:  # a cumulative figure carries over from the last reported year
            previous = (
                IndicatorReport.objects.filter(indicator=indicator, year__lt=year).order_by("-year").first()
            )
            return _reported_value(indicator, previous.year) if previous else None
        return None
    if None in latest:
        return latest[None].value
    return sum((r.value for r in latest.values()), Decimal("0"))


def breakdown(indicator: Indicator, year: int) -> list[dict]:
    """Rows {region, value} for the city's counties/districts and parks (the Meishan party's county for
    contracts: the seller's when the seller is in Meishan, otherwise the buyer's)."""
    regions = [r for r in Region.objects.exclude(kind=Region.Kind.CITY).order_by("sort_order", "code")]
    values: dict[str, Decimal] = {r.code: Decimal("0") for r in regions}
    other = Decimal("0")
    rq = registry_query(indicator)
    if rq is not None:
        for code, n in registry_selectors.counts_by_region(rq, _count_day(year)).items():
            if code in values:
                values[code] += n
            else:
                other += n
    elif indicator.source == Indicator.Source.QUERY and indicator.query in (
        "transaction_amount",
        "transformation_projects",
    ):
        prefix = city_code_prefix()
        qs = _contracts(indicator, year)
        rows = list(
            qs.values("seller_region_code", "buyer_region_code").annotate(
                n=Count("id"), amount=Sum("technology_amount")
            )
        )
        for row in rows:
            code = (
                row["seller_region_code"]
                if row["seller_region_code"].startswith(prefix)
                else row["buyer_region_code"]
            )
            add = (
                (row["amount"] or Decimal("0")) / TEN_THOUSAND
                if indicator.query == "transaction_amount"
                else Decimal(row["n"])
            )
            if code in values:
                values[code] += add
            else:
                other += add
    elif indicator.source == Indicator.Source.QUERY:
        for row in _organizations(indicator, year).values("region__code").annotate(n=Count("id")):
            code = row["region__code"]
            if code in values:
                values[code] += row["n"]
            else:
                other += row["n"]
    else:
        for region_id, report in _latest_reports(indicator, year).items():
            if region_id is None:
                continue
            code = report.region.code
            values[code] = values.get(code, Decimal("0")) + report.value
    out = [{"region": r, "value": values[r.code].quantize(Decimal("0.01"), ROUND_HALF_UP)} for r in regions]
    if other:
        out.append({"region": None, "value": other.quantize(Decimal("0.01"), ROUND_HALF_UP)})
    return out


@dataclass
class Progress:
    indicator: Indicator
    year: int
    actual: Decimal | None
    reached: Decimal | None  # share of the target reached, in percent
    elapsed: Decimal  # share of the time elapsed, in percent
    status: str
    trend: list[tuple[int, Decimal | None]] = field(default_factory=list)
    provenance: list = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


STATUS_LABELS = {
    "ahead": _("Ahead of schedule"),
    "on_track": _("On track"),
    "behind": _("Behind schedule"),
    "achieved": _("Achieved"),
    "missed": _("Not achieved"),
    "no_data": _("No data yet"),
}
MARGIN = Decimal("5")  # percentage points either side of the time elapsed that count as on track


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    if not whole:
        return Decimal("0")
    return (part * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


def time_elapsed(indicator: Indicator, today: datetime.date) -> Decimal:
    """Share of the time elapsed: of the plan's period for cumulative targets, of the year for annual ones."""
    if indicator.cumulative:
        start, end = indicator.plan.starts_on, indicator.deadline
    else:
        year = min(today.year, indicator.deadline.year)
        start, end = datetime.date(year, 1, 1), min(_year_end(year), indicator.deadline)
    if today >= end:
        return Decimal("100")
    if today <= start:
        return Decimal("0")
    return _percent(Decimal((today - start).days), Decimal((end - start).days))


def progress(indicator: Indicator, today: datetime.date | None = None) -> Progress:
    today = today or timezone.localdate()
    plan = indicator.plan
    year = min(today.year, indicator.deadline.year)
    elapsed = time_elapsed(indicator, today)
    years = list(range(plan.starts_on.year, max(year, plan.starts_on.year) + 1))
    trend = yearly_values(indicator, years)
    actual = dict(trend)[year] if year in years else value_for_year(indicator, year)
    if actual is None:
        reached, status = None, "no_data"
    else:
        reached = _percent(actual, indicator.target_value)
        if today > indicator.deadline:
            status = "achieved" if actual >= indicator.target_value else "missed"
        elif actual >= indicator.target_value or reached >= elapsed + MARGIN:
            status = "ahead"
        elif reached < elapsed - MARGIN:
            status = "behind"
        else:
            status = "on_track"
    provenance = []
    if indicator.source == Indicator.Source.REPORTED:
        provenance = list(
            IndicatorReport.objects.filter(indicator=indicator, year=year)
            .select_related("reported_by", "department", "region")
            .order_by("-created_at")[:5]
        )
    return Progress(indicator, year, actual, reached, elapsed, status, trend, provenance)


def plan_progress(plan: ActionPlan, today: datetime.date | None = None) -> list[Progress]:
    return [progress(i, today) for i in plan.indicators.select_related("department", "plan")]


def query_label(indicator: Indicator) -> str:
    rq = registry_query(indicator)
    if rq is not None:
        return rq.label
    return str(QUERY_LABELS.get(indicator.query, ""))
