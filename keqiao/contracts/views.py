"""Pages of technology contract registration, and the transaction statistics (技术合同成交统计) with
their spreadsheet export.

Who sees the statistics: the registration office (the S&T bureau or a designated agency) and members of
a verified government organisation see the page; only the registration office downloads the contract
list. Anybody else signed in gets 404, as if the page did not exist; anonymous visitors sign in first.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from keqiao.accounts.selectors import (
    user_holder_organizations,
    user_is_contract_office,
    user_organization_ids,
    user_sees_statistics,
)
from keqiao.common.confirm import confirmation_page
from keqiao.common.downloads import XLSX, attachment_response
from keqiao.common.errors import DomainError, add_to_form
from keqiao.common.pagination import paginate
from keqiao.negotiations.selectors import deal_visible_to, side_of

from . import choices, deadlines, forms, selectors, services, trade_modes
from . import income as contract_income
from . import statistics as stats
from .exports import contracts_xlsx
from .register_views import registration_context

# --- contracts -------------------------------------------------------------------------------------


@login_required
def contracts(request):
    """My organisations' contracts; the registration office also sees its queue."""
    office = user_is_contract_office(request.user)
    scope = request.GET.get("scope", "office" if office else "mine")
    if not office:
        scope = "mine"
    status = request.GET.get("status", "submitted" if scope == "office" else "")
    if scope == "office" and office:
        qs = selectors.contracts_for_office(status)
    else:
        scope = "mine"
        qs = selectors.contracts_of_user(request.user)
        if status in choices.ContractStatus.values:
            qs = qs.filter(status=status)
    page = paginate(request, qs, 30)
    deadlines.mark(page)  # each filing under review: the day the office should answer by
    return render(
        request,
        "contracts/contracts.html",
        {
            "page": page,
            "scope": scope,
            "status": status,
            "office": office,
            "statuses": choices.ContractStatus.choices,
            "can_file": bool(user_holder_organizations(request.user)),
            "can_see_statistics": user_sees_statistics(request.user),
            "income_by_year": contract_income.verified_income_by_year(user_organization_ids(request.user)),
        },
    )


@login_required
def contract_new(request):
    """File a contract: pre-filled from an agreed deal (?deal=ID), or for a deal made off the platform."""
    deal = None
    deal_id = request.GET.get("deal") or request.POST.get("deal")
    if deal_id:
        try:
            deal = deal_visible_to(request.user, int(deal_id))
        except ValueError as exc:
            raise Http404 from exc
        side = side_of(request.user, deal)
        if side is None:
            raise Http404
        existing = selectors.contract_of_deal(deal)
        if existing is not None:
            return redirect(existing)
        organizations = [side]
        form_class = forms.ContractForm
        initial = services.contract_initial(deal)
    else:
        organizations = list(user_holder_organizations(request.user))
        if not organizations:
            raise Http404
        form_class = forms.DirectContractForm
        initial = {"plan_source": choices.PlanSource.NONE}
    form = form_class(request.POST or None, initial=initial)
    org_id = request.POST.get("organization") or str(organizations[0].pk)
    organization = next((o for o in organizations if str(o.pk) == org_id), organizations[0])
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_create(
                by=request.user,
                organization=organization,
                data=form.service_data(),
                deal=deal,
                side=form.cleaned_data.get("side", "seller"),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Contract “%(name)s” was saved as a draft. Check it, then submit it for registration.")
                % {"name": contract.project_name},
            )
            return redirect(contract)
    return render(
        request,
        "contracts/contract_form.html",
        {"form": form, "deal": deal, "organizations": organizations, "organization": organization},
    )


def _apply_errors(form, exc: ValidationError) -> None:
    for field, msgs in exc.message_dict.items():
        for m in msgs:
            form.add_error(field if field in form.fields else None, m)


@login_required
def contract_edit(request, pk: int):
    contract = selectors.contract_visible_to(request.user, pk)

    if contract.organization_id not in user_organization_ids(request.user):
        raise Http404
    correcting = contract.status == choices.ContractStatus.APPROVED
    if correcting:
        raise Http404
    form = forms.ContractForm(request.POST or None, instance=contract)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_update(contract=contract, by=request.user, data=form.service_data())
        except ValidationError as exc:
            _apply_errors(form, exc)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Your changes to contract “%(name)s” were saved.") % {"name": contract.project_name},
            )
            return redirect(contract)
    return render(
        request, "contracts/contract_form.html", {"form": form, "contract": contract, "deal": contract.deal}
    )


@login_required
def contract_correct(request, pk: int):
    contract = selectors.contract_visible_to(request.user, pk)
    if not user_is_contract_office(request.user) or contract.status != choices.ContractStatus.APPROVED:
        raise Http404
    form = forms.CorrectionForm(request.POST or None, instance=contract)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_correct(
                contract=contract,
                by=request.user,
                data=form.service_data(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _("The correction of registered contract “%(name)s” was recorded in its history.")
                % {"name": contract.project_name},
            )
            return redirect(contract)
    return render(
        request, "contracts/contract_form.html", {"form": form, "contract": contract, "correcting": True}
    )


@login_required
def contract_detail(request, pk: int):
    contract = selectors.contract_visible_to(request.user, pk)

    orgs = user_organization_ids(request.user)
    is_filer = contract.organization_id in orgs
    is_party = bool(
        orgs & {contract.organization_id, contract.seller_organization_id, contract.buyer_organization_id}
    )
    office = user_is_contract_office(request.user)
    bound = {}
    if request.method == "POST":
        response = _contract_post(request, contract, bound)
        if response is not None:
            return response
        contract = selectors.contract_visible_to(request.user, pk)
    return render(
        request,
        "contracts/contract_detail.html",
        {
            "c": contract,
            "is_filer": is_filer,
            "is_party": is_party,
            "office": office,
            "events": contract.events.select_related("actor"),
            "milestones": contract.milestones.all(),
            "payments": contract.payments.all(),
            "received": sum((p.amount for p in contract.payments.all()), start=0),
            "comment_form": bound.get("return") or forms.CommentForm(prefix="return"),
            "milestone_form": bound.get("milestone") or forms.MilestoneForm(prefix="milestone"),
            "payment_form": bound.get("payment") or forms.PaymentForm(prefix="payment"),
            **registration_context(contract),
        },
        status=400 if bound else 200,
    )


# What each contract action did and what happens next; %(name)s is the contract's project name.
DONE = {
    "submit": _(
        "Contract “%(name)s” was submitted for registration; the registration office will tell you its decision."
    ),
    "approve": _(
        "Contract “%(name)s” was recognised and registered; it now counts in the transaction statistics."
    ),
    "return": _("Contract “%(name)s” was returned to the filing organisation with your comments."),
    "milestone": _("The milestone of contract “%(name)s” was recorded."),
    "payment": _("The payment of contract “%(name)s” was recorded."),
}

# Irreversible decisions of the registration office: (question, what will happen, button).
CONFIRM = {
    "approve": (
        _("Recognise and register contract “%(name)s”?"),
        _(
            "Its registration number is issued, the parties are told, and it counts in the transaction "
            "statistics; later changes are recorded as corrections."
        ),
        _("Recognise and register"),
    ),
    "return": (
        _("Return contract “%(name)s” to the filing organisation?"),
        _("The organisation receives your comments and must revise and submit it again."),
        _("Return for revision"),
    ),
}


def _confirmation(request, contract, action: str):
    if action not in CONFIRM:
        return None
    question, consequence, button = CONFIRM[action]
    return confirmation_page(
        request,
        question=str(question) % {"name": contract.project_name},
        consequence=consequence,
        button=button,
        cancel_url=contract.get_absolute_url(),
    )


def _contract_post(request, contract, bound: dict):
    action = request.POST.get("action", "")
    user = request.user
    if action == "approve" and (page := _confirmation(request, contract, action)):
        return page
    form_classes = {
        "return": forms.CommentForm,
        "milestone": forms.MilestoneForm,
        "payment": forms.PaymentForm,
    }
    try:
        if action == "submit":
            services.contract_submit(contract=contract, by=user)
        elif action == "approve":
            services.contract_approve(contract=contract, by=user, note=request.POST.get("note", ""))
        elif action in form_classes:
            form = form_classes[action](request.POST, prefix=action)
            if not form.is_valid():
                bound[action] = form
                return None
            if page := _confirmation(request, contract, action):
                return page
            data = form.cleaned_data
            try:
                if action == "return":
                    services.contract_return(contract=contract, by=user, comment=data["comment"])
                elif action == "milestone":
                    services.milestone_record(contract=contract, by=user, **data)
                else:
                    services.payment_record(contract=contract, by=user, **data)
            except DomainError as exc:
                if exc.status_code == 403:
                    raise
                add_to_form(form, exc)
                bound[action] = form
                return None
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(contract)
    messages.success(request, str(DONE[action]) % {"name": contract.project_name})
    return redirect(contract)


# --- transaction statistics --------------------------------------------------------------------

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
    if not user_sees_statistics(request.user):
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
        "contracts/statistics.html",
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
            "can_export": user_is_contract_office(request.user),
            "progress_bar": min(summary["progress_percent"] or 0, 100),
            "income_rows": contract_income.income_statistics(report["by_year"]),
            "mode_rows": trade_modes.outcomes_by_mode(year),
        },
    )


@login_required
@require_GET
def statistics_export(request):
    if not user_is_contract_office(request.user):
        raise Http404
    year = selected_year(request)
    body = contracts_xlsx(stats.contracts_of_year(year))
    return attachment_response(
        body, f"技术合同登记-{year}.xlsx", XLSX, ascii_name=f"technology-contracts-{year}.xlsx"
    )
