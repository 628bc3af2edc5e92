"""Pages of action plans: the list, the live progress dashboard, drill-down, reporting values, creating
and importing plans, and the exports."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.selectors import (
    user_is_bureau,
    user_is_contract_office,
    user_organization_ids,
    user_sees_statistics,
)
from keqiao.common.downloads import PDF, XLSX, attachment_response
from keqiao.common.errors import DomainError
from keqiao.common.pagination import paginate
from keqiao.common.units import unit_label
from keqiao.events.selectors import event_statistics

from . import exports, indicators, selectors, services
from .models import Indicator


def _require_viewer(request) -> None:
    if not user_sees_statistics(request.user):
        raise Http404


@login_required
def plans(request):
    _require_viewer(request)
    return render(
        request,
        "governance/plans.html",
        {"plans": selectors.plans(), "can_create": user_is_bureau(request.user)},
    )


@login_required
def plan(request, pk: int):
    _require_viewer(request)
    plan = selectors.plan_or_404(pk)
    today = timezone.localdate()
    rows = indicators.plan_progress(plan, today)
    charts = [
        {
            "id": p.indicator.pk,
            "name": p.indicator.name,
            "unit": unit_label(p.indicator.unit),
            "target": str(p.indicator.target_value),
            "years": [y for y, _v in p.trend],
            "values": [None if v is None else str(v) for _y, v in p.trend],
        }
        for p in rows
    ]
    return render(
        request,
        "governance/plan.html",
        {
            "plan": plan,
            "rows": rows,
            "charts": charts,
            "tasks": selectors.plan_tasks(plan),
            "today": today,
            "can_export": True,
            "departments": selectors.user_departments(request.user),
            "is_bureau": user_is_bureau(request.user),
            # 科技成果展览发布、对接洽谈、咨询培训: what the platform's events brought, read from events.
            "events": event_statistics(),
        },
    )


class ReportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    value = forms.DecimalField(label=_("Value"), max_digits=16, decimal_places=2, min_value=0)
    region = forms.ModelChoiceField(
        label=_("County, district or park"),
        queryset=selectors.reporting_regions(),
        required=False,
        empty_label=_("Whole city"),
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The document, list or statistics the figure comes from."),
    )


def _record_kind(ind: Indicator) -> str:
    rq = indicators.registry_query(ind)
    if rq is not None:
        return rq.registry
    return ind.query if ind.source == Indicator.Source.QUERY else "reports"


@login_required
def indicator(request, pk: int):
    """One indicator: progress, breakdown, the records behind it, and (reported ones) the report form."""
    _require_viewer(request)
    ind = selectors.indicator_or_404(pk)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = min(today.year, ind.deadline.year)
    if not (ind.plan.starts_on.year <= year <= today.year):
        year = min(today.year, ind.deadline.year)
    can_report = ind.source == Indicator.Source.REPORTED and (
        ind.department in selectors.user_departments(request.user) or user_is_bureau(request.user)
    )
    form = ReportForm(request.POST or None, initial={"year": year}) if can_report else None
    if request.method == "POST":
        if not can_report:
            raise Http404
        if form.is_valid():
            try:
                services.indicator_report(indicator=ind, by=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            else:
                messages.success(
                    request,
                    _("The %(year)s value of “%(indicator)s” was recorded; the dashboard shows it now.")
                    % {"year": form.cleaned_data["year"], "indicator": ind.name},
                )
                return redirect(f"{request.path}?year={form.cleaned_data['year']}")
    progress = indicators.progress(ind, today)
    # The contracts behind a number leave the statistics only for the registration office (as the
    # contract export does); other government viewers see the aggregates.
    contracts = ind.query in ("transaction_amount", "transformation_projects")
    show_records = not contracts or user_is_contract_office(request.user)
    record_page = paginate(request, indicators.records(ind, year), 50) if show_records else None
    return render(
        request,
        "governance/indicator.html",
        {
            "ind": ind,
            "progress": progress,
            "year": year,
            "years": list(range(ind.plan.starts_on.year, today.year + 1)),
            "value": indicators.value_for_year(ind, year),
            "breakdown": indicators.breakdown(ind, year),
            "page": record_page,
            "record_kind": _record_kind(ind),
            "my_org_ids": user_organization_ids(request.user),
            "is_bureau": user_is_bureau(request.user),
            "show_records": show_records,
            "query_label": indicators.query_label(ind),
            "form": form,
        },
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


@login_required
def plan_export_xlsx(request, pk: int):
    _require_viewer(request)
    plan = selectors.plan_or_404(pk)
    content = exports.plan_xlsx(plan, indicators.plan_progress(plan))
    return attachment_response(content, f"{plan.title}.xlsx", XLSX, ascii_name=f"action-plan-{plan.pk}.xlsx")


@login_required
def plan_export_pdf(request, pk: int):
    _require_viewer(request)
    plan = selectors.plan_or_404(pk)
    content = exports.plan_pdf(plan, indicators.plan_progress(plan), list(selectors.plan_tasks(plan)))
    return attachment_response(content, f"{plan.title}.pdf", PDF, ascii_name=f"action-plan-{plan.pk}.pdf")


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel workbook (.xlsx)"))


@login_required
def plan_import(request):
    """Create a plan from an Excel workbook in the shape of the export (sheets 方案, 指标, 任务)."""
    if not user_is_bureau(request.user):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors: list = []
    if request.method == "POST" and form.is_valid():
        try:
            data = exports.read_plan_xlsx(form.cleaned_data["file"])
            plan = services.plan_create(
                data=data,
                by=request.user,
                sheets=exports.sheet_names(),
            )
        except services.RowErrors as exc:
            row_errors = exc.rows
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            messages.success(
                request,
                _("Plan “%(title)s” was imported; its dashboard measures each indicator from now on.")
                % {"title": plan.title},
            )
            return redirect(plan)
    return render(
        request,
        "governance/import.html",
        {"form": form, "row_errors": row_errors},
        status=400 if row_errors else 200,
    )


@login_required
def plan_template(request):
    """An empty workbook in the import shape, pre-filled with the shipped plan's rows as an example."""
    _require_viewer(request)
    example = selectors.example_plan()
    return attachment_response(
        exports.plan_xlsx(example, None),
        "行动方案导入模板.xlsx",
        XLSX,
        ascii_name="action-plan-template.xlsx",
    )


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    document_number = forms.CharField(label=_("Document number"), max_length=60, required=False)
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=100)
    starts_on = forms.DateField(label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Period to"), widget=forms.DateInput(attrs={"type": "date"}))
    indicators = forms.CharField(
        label=_("Indicators"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One per line: name | target | unit | deadline (YYYY-MM-DD) | 平台统计 and the statistic, or "
            "部门填报 and the department | 累计 or 年度."
        ),
    )
    tasks = forms.CharField(
        label=_("Tasks"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_(
            "One per line: key work area | task | content | departments, lead first, separated by 、 | schedule."
        ),
    )


def _lines(text: str, keys: tuple[str, ...]) -> list[dict]:
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        rows.append({"number": n, **dict(zip(keys, parts, strict=False))})
    return rows


@login_required
def plan_create(request):
    if not user_is_bureau(request.user):
        raise Http404
    form = PlanForm(request.POST or None)
    row_errors: list = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        indicator_rows = []
        for row in _lines(
            d["indicators"], ("name", "target", "unit", "deadline", "source", "detail", "period")
        ):
            source = row.get("source", "")
            row["query" if source in ("平台统计", "query") else "department"] = row.pop("detail", "")
            row["cumulative"] = row.pop("period", "累计")
            indicator_rows.append(row)
        data = {
            **{k: d[k] for k in ("title", "document_number", "issuing_body", "starts_on", "ends_on")},
            "indicators": indicator_rows,
            "tasks": _lines(d["tasks"], ("work_area", "title", "content", "departments", "schedule")),
        }
        try:
            plan = services.plan_create(data=data, by=request.user)
        except services.RowErrors as exc:
            row_errors = exc.rows
        else:
            messages.success(
                request,
                _("Plan “%(title)s” was created; its dashboard measures each indicator from now on.")
                % {"title": plan.title},
            )
            return redirect(plan)
    return render(
        request,
        "governance/plan_form.html",
        {"form": form, "row_errors": row_errors, "query_keys": indicators.QUERY_LABELS.items()},
        status=400 if row_errors else 200,
    )
