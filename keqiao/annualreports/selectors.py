"""Reads of annual reports and funded projects, and who may see what. Anyone else gets a 404.

* an institution's members see (and edit) their own reports;
* a supervising department's members see the reports of the institutions it supervises;
* the S&T bureau sees everything.
"""

import datetime
from decimal import Decimal

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from keqiao.accounts.models import Organization
from keqiao.accounts.selectors import user_is_bureau, user_organization_ids

from . import choices
from .models import AnnualReport, PlanProject, ReportingYear

FILING_KINDS = (Organization.Kind.UNIVERSITY, Organization.Kind.INSTITUTE)
# An achievement counts as registered for a plan project once approved or published.
REGISTERED_ACHIEVEMENT_STATUSES = ("approved", "published")
REGISTRATION_GRACE_DAYS = 90


def filing_organizations() -> QuerySet[Organization]:
    """The institutions that file annual reports: verified universities and research institutes."""
    return Organization.objects.filter(kind__in=FILING_KINDS, status=Organization.Status.VERIFIED)


def _reports() -> QuerySet[AnnualReport]:
    return AnnualReport.objects.select_related("organization", "organization__supervisor", "reporting_year")


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def reports_visible_to(user) -> QuerySet[AnnualReport]:
    if not _authenticated(user):
        return AnnualReport.objects.none()
    orgs = user_organization_ids(user)
    own = Q(organization_id__in=orgs)
    # A draft is the institution's own until it is submitted: reviewers see it from then on, also when
    # it is reopened for correction (a draft again, read-only for them).
    filed = ~Q(status=choices.ReportStatus.DRAFT) | Q(submitted_at__isnull=False)
    if user_is_bureau(user):
        return _reports().filter(own | filed)
    return _reports().filter(own | (Q(organization__supervisor_id__in=orgs) & filed))


def role_of(user, report: AnnualReport) -> set[str]:
    """What the user is for this report: "institution", "supervisor", "bureau" (possibly several)."""
    roles: set[str] = set()
    if not _authenticated(user):
        return roles
    orgs = user_organization_ids(user)
    if report.organization_id in orgs:
        roles.add("institution")
    supervisor_id = report.organization.supervisor_id
    if supervisor_id and supervisor_id in orgs:
        roles.add("supervisor")
    if user_is_bureau(user):
        roles.add("bureau")
        if not supervisor_id:  # without a supervising department the bureau reviews the report itself
            roles.add("supervisor")
    return roles


def was_filed(report: AnnualReport) -> bool:
    """Whether the report has reached its reviewers: submitted once, even if reopened since."""
    return report.status != choices.ReportStatus.DRAFT or report.submitted_at is not None


def report_visible_to(user, pk: int) -> AnnualReport:
    report = _reports().filter(pk=pk).first()
    if report is None:
        raise Http404
    roles = role_of(user, report)
    if not roles or (not was_filed(report) and "institution" not in roles):
        raise Http404
    return report


def filing_organizations_of(user) -> list[Organization]:
    """The user's organisations that file annual reports."""
    if not _authenticated(user):
        return []
    return list(filing_organizations().filter(pk__in=user_organization_ids(user)))


def supervised_organization_ids(user) -> set[int]:
    if not _authenticated(user):
        return set()
    return set(
        Organization.objects.filter(supervisor_id__in=user_organization_ids(user)).values_list(
            "pk", flat=True
        )
    )


def reporting_years() -> list[ReportingYear]:
    return list(ReportingYear.objects.all())


def reporting_year(year) -> ReportingYear | None:
    """The reporting year ``year`` (an int or the text of one), None when there is none."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        return None
    if not 1900 <= year <= 9999:
        return None
    return ReportingYear.objects.filter(year=year).first()


def reports_by_organization_and_year(organizations) -> dict[tuple[int, int], AnnualReport]:
    """The reports of ``organizations`` keyed by (organisation id, reporting year id): one query."""
    return {
        (r.organization_id, r.reporting_year_id): r
        for r in AnnualReport.objects.filter(organization__in=organizations).select_related("reporting_year")
    }


def report_of(organization: Organization, year: int) -> AnnualReport | None:
    return AnnualReport.objects.filter(organization=organization, reporting_year__year=year).first()


def current_reporting_year(today: datetime.date | None = None) -> ReportingYear | None:
    """The latest year whose window is open (else the latest year)."""
    today = today or timezone.localdate()
    return (
        ReportingYear.objects.filter(opens_on__lte=today).order_by("-year").first()
        or ReportingYear.objects.order_by("-year").first()
    )


def is_late(report: AnnualReport | None, reporting_year: ReportingYear, today: datetime.date) -> bool:
    """Deadline passed and the report not filed (missing, draft or returned)."""
    if not reporting_year.is_past_deadline(today):
        return False
    return report is None or report.status not in choices.FILED_STATUSES


def overview(reporting_year: ReportingYear, *, today: datetime.date | None = None) -> dict:
    """The bureau's view of a year: every filing institution with its report, who is late, and the sums
    of every figure across approved and received reports. A fixed number of queries."""
    today = today or timezone.localdate()
    reports = {
        r.organization_id: r
        for r in AnnualReport.objects.filter(reporting_year=reporting_year).select_related("organization")
    }
    orgs = list(
        Organization.objects.filter(
            Q(kind__in=FILING_KINDS, status=Organization.Status.VERIFIED) | Q(pk__in=reports)
        )
        .select_related("supervisor")
        .order_by("kind", "name")
    )
    rows = []
    for org in orgs:
        report = reports.get(org.pk)
        rows.append(
            {
                "organization": org,
                "report": report,
                "status": report.status if report else "",
                "status_label": report.status_label if report else "",
                "late": is_late(report, reporting_year, today),
                "filed_late": bool(
                    report
                    and report.submitted_at
                    and timezone.localdate(report.submitted_at) > reporting_year.deadline
                ),
            }
        )
    counted = [r for r in reports.values() if r.status in choices.FROZEN_STATUSES]
    return {
        "reporting_year": reporting_year,
        "rows": rows,
        "filed": sum(1 for r in rows if r["status"] in choices.FILED_STATUSES),
        "late": sum(1 for r in rows if r["late"]),
        "total": len(rows),
        "counted": len(counted),
        "aggregate": aggregate(counted),
    }


def aggregate(reports) -> list[dict]:
    """Sums of every numeric figure across `reports` (the bureau's aggregate)."""
    totals = {f.key: (Decimal("0.00") if f.is_money else 0) for f in choices.FIGURES}
    for report in reports:
        for f in choices.FIGURES:
            value = (report.figures or {}).get(f.key)
            if value in (None, ""):
                continue
            totals[f.key] += Decimal(str(value)) if f.is_money else int(value)
    return [
        {"figure": f, "key": f.key, "label": f.label, "section": f.section, "value": totals[f.key]}
        for f in choices.FIGURES
    ]


# --- funded plan projects ---------------------------------------------------------------------------


def plan_projects_annotated(today: datetime.date | None = None) -> QuerySet[PlanProject]:
    """Projects with `report_overdue`, `registration_overdue` and `has_registered_achievement`."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=REGISTRATION_GRACE_DAYS)
    Link = PlanProject.achievements.through
    registered = Link.objects.filter(
        planproject_id=OuterRef("pk"), achievement__status__in=REGISTERED_ACHIEVEMENT_STATUSES
    )
    qs = PlanProject.objects.select_related("organization").annotate(
        has_registered_achievement=Exists(registered)
    )
    return qs.annotate(
        report_overdue=ExpressionWrapper(
            Q(report_due_on__lt=today, report_submitted_on__isnull=True), output_field=BooleanField()
        ),
        registration_overdue=ExpressionWrapper(
            Q(registration_required=True, ends_on__lt=cutoff, has_registered_achievement=False),
            output_field=BooleanField(),
        ),
    )


def overdue_q() -> Q:
    return Q(report_overdue=True) | Q(registration_overdue=True)


def plan_projects_visible_to(user, today: datetime.date | None = None) -> QuerySet[PlanProject]:
    if not _authenticated(user):
        return PlanProject.objects.none()
    qs = plan_projects_annotated(today)
    if user_is_bureau(user):
        return qs
    return qs.filter(organization_id__in=user_organization_ids(user))


def plan_project_visible_to(user, pk: int) -> PlanProject:
    project = plan_projects_visible_to(user).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project
