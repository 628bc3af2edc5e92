"""Pages of annual reports (filing, review, the bureau's overview, exports) and of funded projects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from keqiao.accounts.selectors import user_is_bureau, user_organization_ids
from keqiao.achievements import selectors as achievement_selectors
from keqiao.common.downloads import PDF, XLSX, attachment_response
from keqiao.common.errors import DomainError, add_to_form
from keqiao.common.pagination import paginate

from . import choices, exports, forms, selectors, services
from .models import AnnualReport, ReportingYear


def _apply_errors(form, exc: ValidationError) -> None:
    for field, msgs in exc.message_dict.items():
        for m in msgs:
            form.add_error(field if field in form.fields else None, m)


def _selected_year(request, years: list[ReportingYear]) -> ReportingYear | None:
    wanted = request.GET.get("year", "")
    for ry in years:
        if str(ry.year) == wanted:
            return ry
    current = selectors.current_reporting_year()
    return current if current in years else (years[0] if years else None)


@login_required
def index(request):
    """The bureau's overview of a year; an institution's own reports; a department's reports to review."""
    user = request.user
    bureau = user_is_bureau(user)
    my_orgs = selectors.filing_organizations_of(user)
    supervised = selectors.supervised_organization_ids(user)
    if not (bureau or my_orgs or supervised):
        raise Http404
    years = selectors.reporting_years()
    selected = _selected_year(request, years)
    today = timezone.localdate()
    context = {"years": years, "selected": selected, "bureau": bureau, "today": today}
    if bureau and selected is not None:
        context["overview"] = selectors.overview(selected, today=today)
    if my_orgs:
        reports = selectors.reports_by_organization_and_year(my_orgs)
        context["mine"] = [
            {
                "organization": org,
                "years": [
                    {
                        "reporting_year": ry,
                        "report": reports.get((org.pk, ry.pk)),
                        "open": ry.is_open(today),
                        "late": selectors.is_late(reports.get((org.pk, ry.pk)), ry, today),
                    }
                    for ry in years
                ],
            }
            for org in my_orgs
        ]
    if supervised:
        context["to_review"] = list(
            selectors.reports_visible_to(user)
            .filter(organization_id__in=supervised)
            .exclude(status=choices.ReportStatus.DRAFT, submitted_at__isnull=True)
            .order_by("-reporting_year__year", "status", "organization__name")
        )
    return render(request, "annualreports/index.html", context)


@login_required
@require_POST
def start(request):
    orgs = {str(o.pk): o for o in selectors.filing_organizations_of(request.user)}
    org = orgs.get(request.POST.get("organization", ""))
    if org is None:
        raise Http404
    try:
        year = int(request.POST.get("year", ""))
    except ValueError as exc:
        raise Http404 from exc
    existing = selectors.report_of(org, year)
    if existing is not None:
        return redirect(existing)
    try:
        report = services.report_create(by=request.user, organization=org, year=year)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("annualreports:index")
    messages.success(request, _("The report was started with the figures the platform knows. Check them."))
    return redirect("annualreports:edit", report.pk)


def _sections(report: AnnualReport) -> list[dict]:
    rows = report.figure_rows()
    return [
        {"code": code, "label": label, "rows": [r for r in rows if r["section"] == code]}
        for code, label in choices.SECTIONS.items()
        if any(r["section"] == code for r in rows)
    ]


ACTION_FORMS = {
    "return": forms.CommentForm,
    "approve": forms.NoteForm,
    "receive": forms.NoteForm,
    "reopen": forms.ReasonForm,
}


@login_required
def detail(request, pk: int):
    report = selectors.report_visible_to(request.user, pk)
    roles = selectors.role_of(request.user, report)
    bound: dict = {}
    if request.method == "POST":
        response = _detail_post(request, report, bound)
        if response is not None:
            return response
    return render(
        request,
        "annualreports/detail.html",
        {
            "r": report,
            "roles": roles,
            "sections": _sections(report),
            "projects": report.projects.all(),
            "events": report.events.select_related("actor"),
            "return_form": bound.get("return") or forms.CommentForm(prefix="return"),
            "approve_form": bound.get("approve") or forms.NoteForm(prefix="approve"),
            "receive_form": bound.get("receive") or forms.NoteForm(prefix="receive"),
            "reopen_form": bound.get("reopen") or forms.ReasonForm(prefix="reopen"),
        },
        status=400 if bound else 200,
    )


def _detail_post(request, report, bound: dict):
    action = request.POST.get("action", "")
    user = request.user
    try:
        if action == "submit":
            services.report_submit(report=report, by=user)
            messages.success(request, _submitted_message(report))
            return redirect(report)
        if action not in ACTION_FORMS:
            raise Http404
        form = ACTION_FORMS[action](request.POST, prefix=action)
        if not form.is_valid():
            bound[action] = form
            return None
        data = form.cleaned_data
        try:
            if action == "return":
                services.report_return(report=report, by=user, comment=data["comment"])
            elif action == "approve":
                services.report_approve(report=report, by=user, note=data["note"])
            elif action == "receive":
                services.report_receive(report=report, by=user, note=data["note"])
            else:
                services.report_reopen(report=report, by=user, reason=data["reason"])
        except DomainError as exc:
            if exc.status_code == 403:
                raise
            add_to_form(form, exc)
            bound[action] = form
            return None
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(report)
    names = {"org": report.organization.name, "year": report.year}
    if action in ("return", "reopen"):
        # The report is the institution's to correct now; the reviewer goes back to the review list
        # (the report stays readable there, without actions).
        messages.success(request, DONE_MESSAGES[action] % names)
        return redirect(f"{reverse('annualreports:index')}?year={report.year}")
    messages.success(request, DONE_MESSAGES[action] % names)
    return redirect(report)


DONE_MESSAGES = {
    "return": _(
        "The annual report %(year)s of %(org)s was returned for revision; the institution was told what to "
        "correct. It stays readable here until it is submitted again."
    ),
    "reopen": _(
        "The annual report %(year)s of %(org)s was reopened for correction; the institution was told why. "
        "It stays readable here until it is submitted again."
    ),
    "approve": _("The annual report %(year)s of %(org)s was approved and forwarded to the S&T bureau."),
    "receive": _("The annual report %(year)s of %(org)s was recorded as received."),
}


def _submitted_message(report) -> str:
    supervisor = report.organization.supervisor
    return _("The annual report %(year)s was submitted to %(supervisor)s for review.") % {
        "year": report.year,
        "supervisor": supervisor.name if supervisor else _("the S&T bureau"),
    }


@login_required
def edit(request, pk: int):
    report = selectors.report_visible_to(request.user, pk)
    if "institution" not in selectors.role_of(request.user, report):
        raise Http404
    if not report.is_editable:
        messages.info(request, _("This report can no longer be edited."))
        return redirect(report)
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    form = forms.ReportForm(request.POST if action in ("save", "save_submit") else None, report=report)
    project_form = forms.ProjectForm(request.POST if action == "project" else None, prefix="project")
    status = 200
    if action in ("save", "save_submit") and form.is_valid():
        try:
            services.report_update(report=report, by=request.user, **form.service_data())
            if action == "save_submit":
                services.report_submit(report=report, by=request.user)
        except ValidationError as exc:
            _apply_errors(form, exc)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            if action == "save_submit":
                messages.success(request, _submitted_message(report))
                return redirect(report)
            messages.success(
                request,
                _("The draft of the annual report %(year)s was saved; submit it when it is complete.")
                % {"year": report.year},
            )
            return redirect("annualreports:edit", report.pk)
    elif action == "project" and project_form.is_valid():
        try:
            services.report_project_add(report=report, by=request.user, data=project_form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(project_form, exc)
        except DomainError as exc:
            add_to_form(project_form, exc)
        else:
            messages.success(
                request,
                _("The project “%(name)s” was added to the report.")
                % {"name": project_form.cleaned_data["name"]},
            )
            return redirect("annualreports:edit", report.pk)
    elif action == "remove_project":
        try:
            services.report_project_remove(
                report=report, by=request.user, project_id=int(request.POST.get("project") or 0)
            )
        except (DomainError, ValueError):
            raise Http404 from None
        return redirect("annualreports:edit", report.pk)
    if request.method == "POST":
        status = 400
    return render(
        request,
        "annualreports/edit.html",
        {"r": report, "form": form, "project_form": project_form, "projects": report.projects.all()},
        status=status,
    )


def _download(report: AnnualReport, content: bytes, content_type: str, ext: str) -> HttpResponse:
    """The report's file: named in Chinese after the year and organisation, in ASCII for old clients."""
    return attachment_response(
        content,
        f"年度技术转移报告-{report.year}-{report.organization.name}.{ext}",
        content_type,
        ascii_name=f"annual-report-{report.year}-{report.organization_id}.{ext}",
    )


@login_required
def export_xlsx(request, pk: int):
    report = selectors.report_visible_to(request.user, pk)
    return _download(report, exports.report_xlsx(report), XLSX, "xlsx")


@login_required
def export_pdf(request, pk: int):
    report = selectors.report_visible_to(request.user, pk)
    return _download(report, exports.report_pdf(report), PDF, "pdf")


@login_required
def aggregate_xlsx(request):
    if not user_is_bureau(request.user):
        raise Http404
    ry = selectors.reporting_year(request.GET.get("year"))
    if ry is None:
        raise Http404
    return attachment_response(
        exports.overview_xlsx(selectors.overview(ry)),
        f"年度技术转移报告汇总-{ry.year}.xlsx",
        XLSX,
        ascii_name=f"annual-reports-{ry.year}.xlsx",
    )


# --- funded plan projects ---------------------------------------------------------------------------


@login_required
def projects(request):
    user = request.user
    bureau = user_is_bureau(user)
    if not bureau and not user_organization_ids(user):
        raise Http404
    qs = selectors.plan_projects_visible_to(user)
    overdue_only = request.GET.get("overdue") == "1"
    if overdue_only:
        qs = qs.filter(selectors.overdue_q())
    qs = qs.order_by("report_due_on", "number")
    page = paginate(request, qs, 30)
    return render(
        request,
        "annualreports/projects.html",
        {
            "page": page,
            "bureau": bureau,
            "overdue_only": overdue_only,
            "grace": selectors.REGISTRATION_GRACE_DAYS,
        },
    )


@login_required
def project(request, pk: int):
    p = selectors.plan_project_visible_to(request.user, pk)
    undertaker = p.organization_id in user_organization_ids(request.user)
    achievements = achievement_selectors.latest_of_organization(p.organization_id, limit=200)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    mark_form = forms.MarkReportForm(
        request.POST if action == "mark" else None,
        initial={"submitted_on": p.report_submitted_on or timezone.localdate()},
    )
    link_form = forms.LinkAchievementsForm(
        request.POST if action == "link" else None,
        achievements=achievements,
        initial={"achievements": list(p.achievements.values_list("pk", flat=True))},
    )
    status = 200
    if action:
        if not undertaker:
            raise Http404
        form = mark_form if action == "mark" else link_form if action == "link" else None
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                if action == "mark":
                    services.plan_project_mark_report(
                        project=p, by=request.user, submitted_on=form.cleaned_data["submitted_on"]
                    )
                else:
                    services.plan_project_link(
                        project=p, by=request.user, achievement_ids=form.cleaned_data["achievements"]
                    )
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _("Project %(number)s: the technology report date was recorded.") % {"number": p.number}
                    if action == "mark"
                    else _("Project %(number)s: the linked achievements were saved.") % {"number": p.number},
                )
                return redirect(p)
        status = 400
    return render(
        request,
        "annualreports/project.html",
        {
            "p": p,
            "undertaker": undertaker,
            "linked": p.achievements.all(),
            "events": p.events.select_related("actor"),
            "mark_form": mark_form,
            "link_form": link_form,
            "grace": selectors.REGISTRATION_GRACE_DAYS,
        },
        status=status,
    )
