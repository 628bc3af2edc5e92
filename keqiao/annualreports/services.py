"""Writes for annual reports and funded plan projects.

Every state change of a report is one function: it locks the report's row, checks the transition table,
writes an event row (who, when, from, to, note) and queues its notifications (in-app, e-mailed after
commit). Approved and received reports are frozen; only a recorded reopen brings them back to draft.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from keqiao.accounts.models import Organization, User
from keqiao.accounts.selectors import (
    bureau_users,
    member_ids,
    require_active_organization,
    user_is_bureau,
    user_organization_ids,
)
from keqiao.achievements.models import Achievement
from keqiao.common import text
from keqiao.common.errors import DomainError, NotPermitted
from keqiao.common.listing import check_transition, describe_value
from keqiao.common.money import parse_amount
from keqiao.common.validators import clean_phone, strip_invisible
from keqiao.common.workflow import clean_text
from keqiao.contracts.models import Contract
from keqiao.notifications.services import notify
from keqiao.notifications.text import gettext_lazy as _  # notification texts keep their message

from . import choices, selectors
from .models import (
    AnnualReport,
    AnnualReportEvent,
    AnnualReportReminder,
    PlanProject,
    PlanProjectEvent,
    ReportingYear,
    ReportProject,
    default_deadline,
)

NOTIFICATION_VERB = "annual_report"
REMINDER_DAYS = (30, 7)


# --- helpers ---------------------------------------------------------------------------------------


def parse_count(value, *, field: str) -> int:
    """A whole, non-negative, plausible number; refuse anything else with a clear message."""
    if value in (None, ""):
        raise DomainError(_("Give a number (0 if there is none)."), field=field)
    if isinstance(value, bool):
        raise DomainError(_("Write a whole number, e.g. 12."), field=field)
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation as exc:
        raise DomainError(_("Write a whole number, e.g. 12."), field=field) from exc
    if not number.is_finite() or number != number.to_integral_value():
        raise DomainError(_("Write a whole number, e.g. 12."), field=field)
    if number < 0:
        raise DomainError(_("The number cannot be negative."), field=field)
    if number > choices.MAX_COUNT:
        raise DomainError(_("The number is implausibly large."), field=field)
    return int(number)


def parse_figure(figure: choices.Figure, value):
    """The stored form of a figure: an int for counts, a string with 2 decimals for amounts."""
    if figure.is_money:
        amount = parse_amount(value, field=figure.key)
        return f"{amount:.2f}"
    return parse_count(value, field=figure.key)


def _notify(user_ids, *, title, reason, url: str, key: str, exclude=None) -> None:
    ids = set(user_ids)
    if exclude is not None:
        ids.discard(exclude.pk)
    notify({uid: (reason, None) for uid in ids}, verb=NOTIFICATION_VERB, title=title, url=url, key=key)


def _tell(report: AnnualReport, *, user_ids, title, key: str, exclude=None) -> None:
    reason = _("Annual report %(year)s of %(org)s") % {"year": report.year, "org": report.organization.name}
    _notify(user_ids, title=title, reason=reason, url=report.get_absolute_url(), key=key, exclude=exclude)


def _supervisor_users(report: AnnualReport) -> list[int]:
    """Who reviews the report: the supervising department's members, or the bureau without one."""
    if report.organization.supervisor_id:
        return member_ids([report.organization.supervisor_id])
    return [u.pk for u in bureau_users()]


def _event(report: AnnualReport, *, by, action: str, from_status: str = "", **kwargs):
    return AnnualReportEvent.record(
        report, by=by, action=action, from_status=from_status or report.status, **kwargs
    )


def _lock(report: AnnualReport) -> AnnualReport:
    return (
        AnnualReport.objects.select_for_update(of=("self",))
        .select_related("organization", "reporting_year")
        .get(pk=report.pk)
    )


def _transition(report: AnnualReport, action: str, *, by, note: str = "") -> str:
    from_status, to_status = check_transition(report, action, choices.REPORT_TRANSITIONS)
    report.status = to_status
    report.save(update_fields=["status", "updated_at"])
    _event(report, by=by, action=action, from_status=from_status, note=note)
    return from_status


def _require(by, report: AnnualReport, role: str, message) -> None:
    if role not in selectors.role_of(by, report):
        raise NotPermitted(message)


def _require_institution(by, report: AnnualReport) -> None:
    _require(by, report, "institution", _("Only the reporting institution can do this."))
    require_active_organization(report.organization, allow_pending=False)


def _require_editable(report: AnnualReport) -> None:
    if not report.is_editable:
        raise DomainError(
            _("The report is “%(status)s” and cannot be changed.") % {"status": report.get_status_display()}
        )


# --- reporting years -------------------------------------------------------------------------------


def reporting_year_create(*, year: int, opens_on=None, deadline=None, note: str = "") -> ReportingYear:
    """Open a year for filing: by default from 1 January of the following year to 31 March."""
    if not 2000 <= int(year) <= 2100:
        raise DomainError(_("Give a year between 2000 and 2100."), field="year")
    opens_on = opens_on or datetime.date(year + 1, 1, 1)
    deadline = deadline or default_deadline(year)
    if deadline < opens_on:
        raise DomainError(_("The deadline cannot be before the window opens."), field="deadline")
    ry, _created = ReportingYear.objects.update_or_create(
        year=year, defaults={"opens_on": opens_on, "deadline": deadline, "note": note}
    )
    return ry


# --- pre-filled figures ----------------------------------------------------------------------------


def prefill_figures(organization: Organization, year: int) -> dict:
    """The figures the platform knows for `organization` in `year`:

    * registered contracts (status approved) whose seller is the institution and whose registration date
      falls in the year: counts, contract and technology amounts by contract type;
    * achievements of the institution approved (registered) in the year, by kind and by source.
    """
    figures: dict = {}
    for key in choices.PREFILLED_KEYS:
        figures[key] = "0.00" if choices.FIGURES_BY_KEY[key].is_money else 0
    contracts = (
        Contract.objects.registered()
        .filter(
            seller_organization=organization,
            registered_on__gte=datetime.date(year, 1, 1),
            registered_on__lte=datetime.date(year, 12, 31),
        )
        .values("contract_type")
        .annotate(n=Count("pk"), amount=Sum("contract_amount"), technology=Sum("technology_amount"))
        .order_by()
    )
    sums: dict[str, list] = {}
    for row in contracts:
        prefix = choices.CONTRACT_TYPE_PREFIX.get(row["contract_type"])
        if prefix is None:
            continue
        acc = sums.setdefault(prefix, [0, Decimal("0"), Decimal("0")])
        acc[0] += row["n"]
        acc[1] += row["amount"] or 0
        acc[2] += row["technology"] or 0
    for prefix, (n, amount, technology) in sums.items():
        figures[f"{prefix}_count"] = n
        figures[f"{prefix}_amount"] = f"{amount:.2f}"
        figures[f"{prefix}_technology_amount"] = f"{technology:.2f}"

    # approved_at__year is evaluated in the city's time zone
    achievements = Achievement.objects.filter(
        organization=organization, approved_at__isnull=False, approved_at__year=year
    )
    total = 0
    for row in achievements.values("kind", "source").annotate(n=Count("pk")).order_by():
        total += row["n"]
        kind_key = choices.ACHIEVEMENT_KIND_KEY.get(row["kind"])
        if kind_key:
            figures[kind_key] += row["n"]
        figures[choices.ACHIEVEMENT_SOURCE_KEY.get(row["source"], "achievements_other_source")] += row["n"]
    figures["achievements_total"] = total
    return figures


# --- creating and editing --------------------------------------------------------------------------


@transaction.atomic
def report_create(*, by: User, organization: Organization, year: int, today=None) -> AnnualReport:
    """The institution starts its report for `year`; figures the platform knows are pre-filled."""
    today = today or timezone.localdate()
    if organization.pk not in user_organization_ids(by):
        raise NotPermitted(_("You can only report for an organisation you belong to."))
    require_active_organization(organization, allow_pending=False)
    if organization.kind not in selectors.FILING_KINDS or not organization.is_verified:
        raise DomainError(_("Only verified universities and research institutes file annual reports."))
    ry = ReportingYear.objects.filter(year=year).first()
    if ry is None:
        raise DomainError(_("Filing for %(year)s has not been opened.") % {"year": year})
    if not ry.is_open(today):
        raise DomainError(_("Filing for %(year)s opens on %(date)s.") % {"year": year, "date": ry.opens_on})
    if AnnualReport.objects.filter(organization=organization, reporting_year=ry).exists():
        raise DomainError(_("Your institution already has a report for %(year)s.") % {"year": year})
    known = prefill_figures(organization, year)
    figures = {f.key: ("0.00" if f.is_money else 0) for f in choices.FIGURES}
    figures.update(known)
    try:
        with transaction.atomic():
            report = AnnualReport.objects.create(
                organization=organization,
                reporting_year=ry,
                figures=figures,
                prefilled=known,
                created_by=by,
                contact_name=by.full_name or by.username,
                contact_phone=by.phone,
            )
    except IntegrityError as exc:
        raise DomainError(_("Your institution already has a report for %(year)s.") % {"year": year}) from exc
    _event(report, by=by, action="created")
    return report


def validate_figures(report: AnnualReport, figures: dict, explanations: dict) -> tuple[dict, dict]:
    """Parse every figure given; a pre-filled figure that differs from the platform's value needs an
    explanation. All problems are raised together (ValidationError keyed by figure and `why_<figure>`)."""
    errors: dict[str, list] = {}
    new_figures = dict(report.figures or {})
    new_explanations = dict(report.explanations or {})
    for key, raw in figures.items():
        figure = choices.FIGURES_BY_KEY.get(key)
        if figure is None:
            errors.setdefault("__all__", []).append(_("Unknown figure: %(key)s.") % {"key": key})
            continue
        try:
            new_figures[key] = parse_figure(figure, raw)
        except DomainError as exc:
            errors.setdefault(key, []).append(exc.message)
    for key, why in explanations.items():
        if key not in choices.FIGURES_BY_KEY:
            continue
        why = strip_invisible(str(why or "")).strip()
        if len(why) > 1000:
            errors.setdefault(f"why_{key}", []).append(
                _("At most %(max)d characters are allowed (you wrote %(n)d).") % {"max": 1000, "n": len(why)}
            )
        new_explanations[key] = why
    for key, known in (report.prefilled or {}).items():
        if key in errors or key not in new_figures:
            continue
        if str(new_figures[key]) != str(known):
            if not text.has_meaning(new_explanations.get(key, "")):
                errors.setdefault(f"why_{key}", []).append(
                    _("The platform's figure is %(known)s; explain why you report a different one.")
                    % {"known": known}
                )
        else:
            new_explanations.pop(key, None)
    new_explanations = {k: v for k, v in new_explanations.items() if v and k in (report.prefilled or {})}
    if errors:
        raise ValidationError(errors)
    return new_figures, new_explanations


@transaction.atomic
def report_update(
    *,
    report: AnnualReport,
    by: User,
    figures: dict | None = None,
    explanations: dict | None = None,
    policy_text: str | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
) -> AnnualReport:
    report = _lock(report)
    _require_institution(by, report)
    _require_editable(report)
    new_figures, new_explanations = validate_figures(report, figures or {}, explanations or {})
    errors: dict[str, list] = {}
    values = {"figures": new_figures, "explanations": new_explanations}
    for field, value, limit in (
        ("policy_text", policy_text, 10000),
        ("contact_name", contact_name, 60),
    ):
        if value is None:
            continue
        try:
            values[field] = clean_text(value, field=field, max_length=limit, required=False)
        except DomainError as exc:
            errors.setdefault(field, []).append(exc.message)
    if contact_phone is not None:
        try:
            values["contact_phone"] = clean_phone(contact_phone)
        except ValidationError as exc:
            errors.setdefault("contact_phone", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    changes = {}
    for key, new in new_figures.items():
        old = (report.figures or {}).get(key)
        if str(old) != str(new):
            changes[key] = [old, new]
    for field in ("policy_text", "contact_name", "contact_phone"):
        if field in values and values[field] != getattr(report, field):
            changes[field] = [describe_value(getattr(report, field)), describe_value(values[field])]
    if new_explanations != (report.explanations or {}):
        changes["explanations"] = [report.explanations or {}, new_explanations]
    for field, value in values.items():
        setattr(report, field, value)
    report.save()
    if changes:
        _event(report, by=by, action="edited", changes=changes)
    return report


@transaction.atomic
def report_project_add(*, report: AnnualReport, by: User, data: dict) -> ReportProject:
    report = _lock(report)
    _require_institution(by, report)
    _require_editable(report)
    errors: dict[str, list] = {}
    cleaned = {}
    for field, limit in (("name", 200), ("counterpart", 100)):
        try:
            cleaned[field] = clean_text(data.get(field), field=field, max_length=limit)
        except DomainError as exc:
            errors.setdefault(field, []).append(exc.message)
    if data.get("project_type") not in choices.ProjectType.values:
        errors.setdefault("project_type", []).append(_("Choose the type of the project."))
    else:
        cleaned["project_type"] = data["project_type"]
    try:
        cleaned["amount"] = parse_amount(data.get("amount"), field="amount", positive=True)
    except DomainError as exc:
        errors.setdefault("amount", []).append(exc.message)
    date = data.get("date")
    if isinstance(date, str) and date:
        try:
            date = datetime.date.fromisoformat(date)
        except ValueError:
            date = None
            errors.setdefault("date", []).append(_("Give the date as YYYY-MM-DD."))
    if not isinstance(date, datetime.date):
        errors.setdefault("date", []).append(_("Give the date as YYYY-MM-DD."))
    elif date.year not in (report.year, report.year - 1, report.year + 1):
        errors.setdefault("date", []).append(
            _("The date must be in or next to %(year)s.") % {"year": report.year}
        )
    else:
        cleaned["date"] = date
    if errors:
        raise ValidationError(errors)
    project = ReportProject.objects.create(report=report, **cleaned)
    _event(report, by=by, action="project_add", note=project.name)
    return project


@transaction.atomic
def report_project_remove(*, report: AnnualReport, by: User, project_id: int) -> None:
    report = _lock(report)
    _require_institution(by, report)
    _require_editable(report)
    project = ReportProject.objects.filter(report=report, pk=project_id).first()
    if project is None:
        raise DomainError(_("No such project in this report."))
    name = project.name
    project.delete()
    _event(report, by=by, action="project_remove", note=name)


# --- transitions -----------------------------------------------------------------------------------


@transaction.atomic
def report_submit(*, report: AnnualReport, by: User) -> AnnualReport:
    """The institution submits the report to its supervising department."""
    report = _lock(report)
    _require_institution(by, report)
    missing = [
        key
        for key in report.corrected_keys()
        if not text.has_meaning((report.explanations or {}).get(key, ""))
    ]
    if missing:
        raise DomainError(_("Explain every figure that differs from the platform's before submitting."))
    _transition(report, "submit", by=by)
    report.submitted_at = timezone.now()
    report.save(update_fields=["submitted_at"])
    _tell(
        report,
        user_ids=_supervisor_users(report),
        title=_("Annual report %(year)s submitted by %(org)s")
        % {"year": report.year, "org": report.organization.name},
        key=f"annual_report:{report.pk}:submit:{report.events.count()}",
        exclude=by,
    )
    return report


@transaction.atomic
def report_return(*, report: AnnualReport, by: User, comment: str) -> AnnualReport:
    """The supervising department sends the report back with its comments (possibly several times)."""
    report = _lock(report)
    _require(by, report, "supervisor", _("Only the supervising department can return this report."))
    comment = clean_text(comment, field="comment", max_length=2000, what=_("Say what must be corrected."))
    _transition(report, "return", by=by, note=comment)
    report.review_comment = comment
    report.save(update_fields=["review_comment"])
    _tell(
        report,
        user_ids=member_ids([report.organization_id]),
        title=_("Annual report %(year)s returned for revision") % {"year": report.year},
        key=f"annual_report:{report.pk}:return:{report.events.count()}",
        exclude=by,
    )
    return report


@transaction.atomic
def report_approve(*, report: AnnualReport, by: User, note: str = "") -> AnnualReport:
    """The supervising department approves the report; it is frozen and forwarded to the bureau."""
    report = _lock(report)
    _require(by, report, "supervisor", _("Only the supervising department can approve this report."))
    note = clean_text(note, field="note", max_length=2000, required=False)
    _transition(report, "approve", by=by, note=note)
    report.approved_at = timezone.now()
    report.save(update_fields=["approved_at"])
    key = f"annual_report:{report.pk}:approve:{report.events.count()}"
    _tell(
        report,
        user_ids=member_ids([report.organization_id]),
        title=_("Annual report %(year)s approved by the supervising department") % {"year": report.year},
        key=key,
        exclude=by,
    )
    _tell(
        report,
        user_ids=[u.pk for u in bureau_users()],
        title=_("Annual report %(year)s of %(org)s approved and forwarded")
        % {"year": report.year, "org": report.organization.name},
        key=key + ":bureau",
        exclude=by,
    )
    return report


@transaction.atomic
def report_receive(*, report: AnnualReport, by: User, note: str = "") -> AnnualReport:
    """The S&T bureau records that it received the approved report."""
    report = _lock(report)
    if not user_is_bureau(by):
        raise NotPermitted(_("Only the S&T bureau can receive annual reports."))
    note = clean_text(note, field="note", max_length=2000, required=False)
    _transition(report, "receive", by=by, note=note)
    report.received_at = timezone.now()
    report.save(update_fields=["received_at"])
    _tell(
        report,
        user_ids=member_ids([report.organization_id]),
        title=_("Annual report %(year)s received by the S&T bureau") % {"year": report.year},
        key=f"annual_report:{report.pk}:receive:{report.events.count()}",
        exclude=by,
    )
    return report


@transaction.atomic
def report_reopen(*, report: AnnualReport, by: User, reason: str) -> AnnualReport:
    """An approved or received report goes back to draft for a correction, with a recorded reason."""
    report = _lock(report)
    roles = selectors.role_of(by, report)
    if not roles & {"supervisor", "bureau"}:
        raise NotPermitted(_("Only the supervising department or the S&T bureau can reopen this report."))
    reason = clean_text(reason, field="reason", max_length=2000, what=_("Give the reason for reopening."))
    _transition(report, "reopen", by=by, note=reason)
    report.review_comment = reason
    report.approved_at = report.received_at = None
    report.save(update_fields=["review_comment", "approved_at", "received_at"])
    _tell(
        report,
        user_ids=member_ids([report.organization_id]) + _supervisor_users(report),
        title=_("Annual report %(year)s reopened for correction") % {"year": report.year},
        key=f"annual_report:{report.pk}:reopen:{report.events.count()}",
        exclude=by,
    )
    return report


# --- reminders -------------------------------------------------------------------------------------


def annual_reports_remind(now: datetime.datetime | None = None) -> int:
    """Remind institutions that have not filed, 30 and 7 days before the deadline.

    Each reminder is claimed by inserting its (institution, year, days) row, so two runs at once, or a run
    repeated on the same day, never remind twice. When a run comes late (e.g. 5 days before), only the
    nearest reminder is sent.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for ry in ReportingYear.objects.filter(opens_on__lte=today, deadline__gte=today):
        days_left = (ry.deadline - today).days
        due = [d for d in REMINDER_DAYS if days_left <= d]
        if not due:
            continue
        days = min(due)
        filed = AnnualReport.objects.filter(reporting_year=ry, status__in=choices.FILED_STATUSES).values(
            "organization_id"
        )
        for org in selectors.filing_organizations().exclude(pk__in=filed):
            try:
                with transaction.atomic():
                    AnnualReportReminder.objects.create(organization=org, reporting_year=ry, days=days)
                    _notify(
                        member_ids([org.pk]),
                        title=_("Annual report %(year)s is due on %(date)s (%(days)d days left)")
                        % {"year": ry.year, "date": ry.deadline.isoformat(), "days": days_left},
                        reason=_("Annual report %(year)s of %(org)s") % {"year": ry.year, "org": org.name},
                        url="/annual-reports/",
                        key=f"annual_report:remind:{ry.year}:{org.pk}:{days}",
                    )
            except IntegrityError:
                continue  # claimed by another run
            sent += 1
    return sent


# --- funded plan projects --------------------------------------------------------------------------


def _project_event(project: PlanProject, *, by, action: str, note: str = "", changes=None) -> None:
    PlanProjectEvent.objects.create(
        project=project,
        actor=by if getattr(by, "pk", None) else None,
        action=action,
        from_status=project.status,
        to_status=project.status,
        note=note,
        changes=changes or {},
    )


@transaction.atomic
def plan_project_create(*, by: User | None, data: dict) -> PlanProject:
    """The bureau records a funded project (also used by imports and the demo, with by=None)."""
    if by is not None and not user_is_bureau(by):
        raise NotPermitted(_("Only the S&T bureau records funded projects."))
    funding = parse_amount(data.get("funding"), field="funding")
    if data["ends_on"] < data["starts_on"]:
        raise DomainError(_("The end date cannot be before the start date."), field="ends_on")
    project = PlanProject.objects.create(
        number=clean_text(data.get("number"), field="number", max_length=40),
        title=clean_text(data.get("title"), field="title", max_length=200),
        organization=data["organization"],
        funding=funding,
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        report_due_on=data["report_due_on"],
        registration_required=data.get("registration_required", True),
        status=data.get("status", choices.PlanProjectStatus.ONGOING),
    )
    _project_event(project, by=by, action="created")
    return project


def _lock_project(project: PlanProject) -> PlanProject:
    return (
        PlanProject.objects.select_for_update(of=("self",)).select_related("organization").get(pk=project.pk)
    )


def _require_undertaker(by, project: PlanProject) -> None:
    if project.organization_id not in user_organization_ids(by):
        raise NotPermitted(_("Only the undertaking organisation can do this."))
    require_active_organization(project.organization, allow_pending=False)


@transaction.atomic
def plan_project_mark_report(*, project: PlanProject, by: User, submitted_on, today=None) -> PlanProject:
    """The undertaking organisation records that it submitted the technology report."""
    today = today or timezone.localdate()
    project = _lock_project(project)
    _require_undertaker(by, project)
    if not isinstance(submitted_on, datetime.date):
        raise DomainError(_("Give the date as YYYY-MM-DD."), field="submitted_on")
    if submitted_on > today:
        raise DomainError(_("The date cannot be in the future."), field="submitted_on")
    if submitted_on < project.starts_on:
        raise DomainError(_("The date cannot be before the project started."), field="submitted_on")
    old = project.report_submitted_on
    project.report_submitted_on = submitted_on
    project.save(update_fields=["report_submitted_on", "updated_at"])
    _project_event(
        project,
        by=by,
        action="report_submitted",
        changes={"report_submitted_on": [describe_value(old), describe_value(submitted_on)]},
    )
    _notify(
        [u.pk for u in bureau_users()],
        title=_("Technology report of project %(number)s submitted") % {"number": project.number},
        reason=_("Funded project %(number)s") % {"number": project.number},
        url=project.get_absolute_url(),
        key=f"plan_project:{project.pk}:report:{submitted_on.isoformat()}",
        exclude=by,
    )
    return project


@transaction.atomic
def plan_project_link(*, project: PlanProject, by: User, achievement_ids) -> PlanProject:
    """Link the project's achievements (only the undertaking organisation's own achievements)."""
    project = _lock_project(project)
    _require_undertaker(by, project)
    ids = {int(i) for i in achievement_ids}
    found = set(
        Achievement.objects.filter(pk__in=ids, organization_id=project.organization_id).values_list(
            "pk", flat=True
        )
    )
    if ids - found:
        raise DomainError(_("Only your organisation's own achievements can be linked."), field="achievements")
    before = set(project.achievements.values_list("pk", flat=True))
    project.achievements.set(found)
    if before != found:
        _project_event(
            project, by=by, action="link", changes={"achievements": [sorted(before), sorted(found)]}
        )
    return project
