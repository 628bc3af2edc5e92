"""The technology-contract transaction statistics page (技术合同成交统计) and its spreadsheet export.

Who sees what: the registration office (the S&T bureau or a designated agency) and members of a
verified government organisation see the page; only the registration office downloads the contract
list. Anybody else signed in gets 404, as if the page did not exist; anonymous visitors are sent to
sign in.
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from keqiao.common.downloads import XLSX, attachment_response

from . import statistics as stats
from .exports import contracts_xlsx

# The page's tables: report key, title, heading of the first column, whether a total line closes it
# (only where the rows partition the figures above them).
SECTIONS = [
    ("by_year", _("By year"), _("Year"), False),
    ("by_quarter", _("By quarter"), _("Quarter"), True),
    ("by_month", _("By month"), _("Month"), True),
    ("by_direction", _("Technology output and absorption"), _("Direction"), False),
    ("by_county_output", _("Technology output by county (seller's location)"), _("District or county"), True),
    (
        "by_county_absorption",
        _("Technology absorption by county (buyer's location)"),
        _("District or county"),
        True,
    ),
    ("by_contract_type", _("By contract type"), _("Contract type"), True),
    ("by_tech_field", _("By technology field"), _("Technology field"), True),
    ("by_seller_kind", _("By kind of seller"), _("Seller"), True),
]


@dataclass
class Section:
    key: str
    title: str
    heading: str
    rows: list[stats.Row]
    with_total: bool

    @property
    def total(self) -> stats.Row:
        total = stats.Row("total", _("Total"))
        for row in self.rows:
            total.add(row.count, row.contract_amount, row.technology_amount)
        return total


def selected_year(request) -> int:
    """?year= when it is a year the page can show, else the current year (never an error)."""
    current = timezone.localdate().year
    try:
        year = int(request.GET.get("year", ""))
    except (TypeError, ValueError):
        return current
    return year if stats.MIN_YEAR <= year <= current else current


def _chart_data(report: dict) -> dict:
    """The figures the charts draw: ten-thousand yuan as Decimal (strings in JSON, numbers in JS)."""
    months = report["by_month"]
    fields = [r for r in report["by_tech_field"] if r.count]
    return {
        "months": {
            "labels": [str(r.label) for r in months],
            "technology_amount": [r.technology_amount_wan for r in months],
            "count": [r.count for r in months],
        },
        "fields": {
            "labels": [str(r.label) for r in fields],
            "technology_amount": [r.technology_amount_wan for r in fields],
        },
    }


@login_required
@require_GET
def statistics(request):
    if not stats.user_can_view(request.user):
        raise Http404
    years = stats.available_years()
    year = selected_year(request)
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    report = stats.transaction_report(year)
    summary = report["summary"]
    sections = [Section(key, title, heading, report[key], totals) for key, title, heading, totals in SECTIONS]
    return render(
        request,
        "deals/statistics.html",
        {
            "year": year,
            "years": years,
            "summary": summary,
            "report": report,
            "sections": sections,
            "chart_data": _chart_data(report),
            "chart_labels": {
                "technology_amount": _("Technology transaction amount (ten-thousand yuan)"),
                "count": _("Contracts"),
            },
            "can_export": stats.user_can_export(request.user),
            "progress_bar": min(summary["progress_percent"] or 0, 100),
        },
    )


@login_required
@require_GET
def statistics_export(request):
    if not stats.user_can_export(request.user):
        raise Http404
    year = selected_year(request)
    body = contracts_xlsx(stats.contracts_of_year(year))
    return attachment_response(
        body, f"技术合同登记-{year}.xlsx", XLSX, ascii_name=f"technology-contracts-{year}.xlsx"
    )
