"""JSON API of the technology-contract transaction statistics (技术合同成交统计).

Same audience as the page: the registration office and members of verified government
organisations; anybody else signed in gets 404. Money is a string with two decimals (yuan).
"""

from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.security import django_auth

from . import statistics as stats

router = Router(tags=["statistics"])


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


@router.get(
    "/statistics",
    response=StatisticsOut,
    auth=django_auth,
    summary="Technology contract transactions of a year (registered contracts)",
)
def statistics(request, year: int | None = Query(None)):
    if not stats.user_can_view(request.user):
        raise Http404
    current = timezone.localdate().year
    if year is None or not stats.MIN_YEAR <= year <= current:
        year = current
    report = stats.transaction_report(year)
    return {
        "summary": _summary(report.pop("summary")),
        **{key: [_row(r) for r in rows] for key, rows in report.items()},
    }
