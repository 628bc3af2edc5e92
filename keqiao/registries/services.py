"""Writes of the innovation registries: an organisation proposes a qualification or an R&D platform with
its evidence; its designated department or the S&T bureau confirms, reviews, designates, evaluates or
revokes; a daily job marks expired qualifications and sends re-certification reminders.

Every transition takes the row lock, consults the table in `choices`, writes the event row (the audit
trail, with the reason) and notifies the other side after commit.
"""

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.models import Organization, User
from keqiao.accounts.selectors import (
    member_ids,
    require_active_organization,
    user_is_bureau,
    user_organization_ids,
)
from keqiao.common import workflow
from keqiao.common.errors import AlreadyExists, DomainError, NotPermitted
from keqiao.common.uploads import check_upload
from keqiao.notifications.services import notify

from . import choices
from .models import Platform, PlatformEvent, Qualification, QualificationEvent
from .notification_kinds import REGISTRY
from .selectors import PLATFORM_HOSTS, QUALIFICATION_HOLDERS

QS = choices.QualificationStatus
PS = choices.PlatformStatus
# Records that no longer hold a number or a name: a second record may take it again.
_CLOSED = ("rejected", "withdrawn")
# The earliest date a certificate may carry (the high-tech scheme in its present form dates from 2008).
EARLIEST = datetime.date(1990, 1, 1)


def default_department(organization: Organization) -> Organization | None:
    """The department that confirms an organisation's records unless the proposer names another: its
    supervising department if it has one, else the S&T bureau of its county or district."""
    supervisor = organization.supervisor
    if (
        supervisor is not None
        and supervisor.kind in Organization.GOVERNMENT_KINDS
        and supervisor.status == Organization.Status.VERIFIED
    ):
        return supervisor
    region = organization.region
    codes = [region.code] + ([region.parent.code] if region.parent_id else [])
    return (
        Organization.objects.filter(
            kind=Organization.Kind.COUNTY_BUREAU, status=Organization.Status.VERIFIED, region__code__in=codes
        )
        .order_by("pk")
        .first()
    )


def _check_department(department: Organization | None) -> None:
    if department is not None and (
        department.kind not in Organization.GOVERNMENT_KINDS
        or department.status != Organization.Status.VERIFIED
    ):
        raise DomainError(_("Choose a verified government department."), field="department")


def _require_member(by: User, organization: Organization) -> None:
    if organization.pk not in user_organization_ids(by):
        raise NotPermitted(_("Only members of the organisation can propose its records."))
    require_active_organization(organization, allow_pending=False)


def may_decide(user, record) -> bool:
    """The designated department's members and the S&T bureau confirm, reject, evaluate and revoke."""
    if user_is_bureau(user):
        return True
    return record.department_id is not None and record.department_id in user_organization_ids(user)


def _require_decider(by: User, record, action: str) -> None:
    if action in choices.OWNER_ACTIONS:
        if record.organization_id not in user_organization_ids(by):
            raise NotPermitted(_("Only the organisation that proposed the record can withdraw it."))
        return
    if action in choices.BUREAU_ONLY_ACTIONS:
        if not user_is_bureau(by):
            raise NotPermitted(_("Only the S&T bureau designates demonstration enterprises."))
        return
    if not may_decide(by, record):
        raise NotPermitted(_("Only the designated department or the S&T bureau can decide on this record."))


def _attach_evidence(record, uploaded, *, required: bool) -> None:
    if uploaded is None:
        if required:
            raise DomainError(
                _("Attach the certificate or the recognition document as evidence."), field="evidence"
            )
        return
    try:
        content_type = check_upload(uploaded)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="evidence") from exc
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    record.evidence_name = (uploaded.name or "")[-200:]
    record.evidence_type = content_type
    record.evidence_sha256 = digest.hexdigest()
    record.evidence.save(uploaded.name, uploaded, save=False)


def _date(value, *, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime.date):
        raise DomainError(_("Enter a date."), field=field)
    if value < EARLIEST or value.year > 2100:
        raise DomainError(_("The date is outside the range a certificate can have."), field=field)
    return value


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _tell(record, *, org_ids, title, key: str) -> None:
    users = member_ids([i for i in org_ids if i])
    if not users:
        return
    reason = _("Registry record “%(name)s”") % {"name": str(record)}
    notify(
        {uid: (reason, None) for uid in users},
        verb=REGISTRY,
        title=title,
        url=record.get_absolute_url(),
        key=key,
    )


def _deciders(record) -> list[int]:
    bureau = list(
        Organization.objects.filter(
            kind=Organization.Kind.CITY_BUREAU, status=Organization.Status.VERIFIED
        ).values_list("pk", flat=True)
    )
    return [record.department_id, *bureau]


# --- enterprise qualifications


def clean_qualification(data: dict, *, organization: Organization, exclude_pk=None) -> dict:
    """The qualification's fields checked: kind, number (required where the kind has one, unique among
    live records of the kind), issuing body, and a validity that ends after it starts and is no longer
    than the kind allows."""
    kind = data.get("kind")
    if kind not in choices.QualificationKind.values:
        raise DomainError(_("Choose the kind of qualification."), field="kind")
    number = (
        workflow.clean_text(
            data.get("number", ""),
            field="number",
            max_length=60,
            required=kind in choices.NUMBER_REQUIRED,
            what=_("Enter the certificate number."),
        ).upper()
        if (data.get("number") or kind in choices.NUMBER_REQUIRED)
        else ""
    )
    issuing_body = workflow.clean_text(
        data.get("issuing_body", ""), field="issuing_body", max_length=100, what=_("Name the issuing body.")
    )
    valid_from = _date(data.get("valid_from"), field="valid_from")
    valid_until = _date(data.get("valid_until"), field="valid_until")
    if valid_until <= valid_from:
        raise DomainError(_("The validity must end after it starts."), field="valid_until")
    years = choices.MAX_VALIDITY_YEARS.get(kind)
    if years and valid_until > _add_years(valid_from, years):
        raise DomainError(
            _("A certificate of this kind is valid for at most %(years)d years; check the dates.")
            % {"years": years}
            if years > 1
            else _("A certificate of this kind is valid for at most one year; check the dates."),
            field="valid_until",
        )
    if number:
        duplicate = Qualification.objects.filter(kind=kind, number=number).exclude(status__in=_CLOSED)
        if exclude_pk:
            duplicate = duplicate.exclude(pk=exclude_pk)
        if duplicate.exists():
            raise AlreadyExists(
                _("A qualification of this kind with the number %(number)s is already registered.")
                % {"number": number},
                field="number",
            )
    if kind != choices.QualificationKind.DEMONSTRATION:
        overlap = Qualification.objects.filter(
            organization=organization,
            kind=kind,
            valid_from__lte=valid_until,
            valid_until__gte=valid_from,
        ).exclude(status__in=(*_CLOSED, QS.REVOKED))
        if exclude_pk:
            overlap = overlap.exclude(pk=exclude_pk)
        if overlap.exists():
            raise AlreadyExists(
                _("The organisation already has this qualification for an overlapping period."),
                field="valid_from",
            )
    return {
        "kind": kind,
        "number": number,
        "issuing_body": issuing_body,
        "valid_from": valid_from,
        "valid_until": valid_until,
    }


@transaction.atomic
def qualification_propose(
    *, by: User, organization: Organization, data: dict, evidence=None, department=None
) -> Qualification:
    """The organisation registers one of its qualifications with its evidence; it counts once confirmed."""
    _require_member(by, organization)
    if organization.kind not in QUALIFICATION_HOLDERS:
        raise DomainError(_("Only enterprises hold these qualifications."), field="organization")
    cleaned = clean_qualification(data, organization=organization)
    _check_department(department)
    record = Qualification(
        organization=organization,
        department=department or default_department(organization),
        created_by=by,
        **cleaned,
    )
    _attach_evidence(record, evidence, required=cleaned["kind"] != choices.QualificationKind.DEMONSTRATION)
    record.save()
    QualificationEvent.record(record, by=by, action="propose", note=record.evidence_sha256)
    _tell(
        record,
        org_ids=_deciders(record),
        title=_("%(org)s proposes a qualification for confirmation") % {"org": organization.name},
        key=f"registries:qualification:{record.pk}:propose",
    )
    return record


@transaction.atomic
def qualification_decide(
    *, qualification: Qualification, by: User, action: str, note: str = "", number: str = ""
) -> Qualification:
    """Confirm, review, designate, reject, withdraw or revoke. Rejecting and revoking need a reason; a
    revoked qualification stops counting on the day it is revoked."""
    q = workflow.lock(qualification)
    _require_decider(by, q, action)
    if action in ("reject", "revoke"):
        note = workflow.clean_text(note, field="note", max_length=500, what=_("Give the reason."))
    else:
        note = workflow.clean_text(note, field="note", max_length=500, required=False)
    kind = q.kind
    if action == "confirm" and kind == choices.QualificationKind.DEMONSTRATION:
        raise DomainError(
            _(
                "A demonstration enterprise is reviewed by the department and then designated by the S&T bureau."
            )
        )
    if action == "review" and kind != choices.QualificationKind.DEMONSTRATION:
        raise DomainError(_("Only demonstration enterprise applications are reviewed before designation."))
    changes: dict = {"status_note": note[:500]}
    today = timezone.localdate()
    if action in ("confirm", "designate"):
        changes["confirmed_on"] = today
        if action == "designate":
            number = (number or "").strip().upper()[:60]
            if number:
                if (
                    Qualification.objects.filter(kind=kind, number=number)
                    .exclude(status__in=_CLOSED)
                    .exclude(pk=q.pk)
                    .exists()
                ):
                    raise AlreadyExists(
                        _("A qualification of this kind with the number %(number)s is already registered.")
                        % {"number": number},
                        field="number",
                    )
                changes["number"] = number
        if q.valid_until < today:
            raise DomainError(_("The qualification has already expired; it cannot be confirmed."))
    if action == "revoke":
        changes["ended_on"] = today
    workflow.transition(
        q, action, choices.QUALIFICATION_TRANSITIONS, event=QualificationEvent, by=by, note=note, **changes
    )
    if action == "withdraw":
        _tell(
            q,
            org_ids=_deciders(q),
            title=_("A proposed qualification was withdrawn"),
            key=f"registries:qualification:{q.pk}:{action}",
        )
    else:
        titles = {
            "confirm": _("Your qualification is confirmed"),
            "review": _("Your demonstration enterprise application passed the department's review"),
            "designate": _("Your enterprise is designated a demonstration enterprise"),
            "reject": _("Your qualification was not confirmed"),
            "revoke": _("Your qualification was revoked"),
        }
        _tell(
            q,
            org_ids=[q.organization_id],
            title=titles[action],
            key=f"registries:qualification:{q.pk}:{action}",
        )
        if action == "review":
            bureau = _deciders(q)[1:]
            _tell(
                q,
                org_ids=bureau,
                title=_("A demonstration enterprise application awaits designation"),
                key=f"registries:qualification:{q.pk}:review:bureau",
            )
    return q


def qualifications_expire(*, today: datetime.date | None = None) -> int:
    """Mark confirmed qualifications past their validity expired, once each (claimed with a conditional
    update), with an event row. They already stopped counting on their expiry date."""
    today = today or timezone.localdate()
    count = 0
    due = Qualification.objects.filter(status=QS.CONFIRMED, valid_until__lt=today)
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            q = Qualification.objects.select_related("organization").get(pk=pk)
            claimed = Qualification.objects.filter(pk=pk, status=QS.CONFIRMED).update(
                status=QS.EXPIRED,
                ended_on=q.valid_until + datetime.timedelta(days=1),
                updated_at=timezone.now(),  # cached indicator values are keyed by it
            )
            if not claimed:
                continue
            q.refresh_from_db()
            QualificationEvent.record(
                q,
                by=None,
                action="expire",
                from_status=QS.CONFIRMED,
                note=str(_("The validity ended on %(day)s.") % {"day": q.valid_until.isoformat()}),
            )
            _tell(
                q,
                org_ids=[q.organization_id],
                title=_("Your qualification has expired"),
                key=f"registries:qualification:{pk}:expire",
            )
            count += 1
    return count


def qualifications_remind(*, now: datetime.datetime | None = None) -> int:
    """Tell holders once that a high-tech or technology-based SME qualification is due for
    re-certification (its validity ends within the kind's reminder days)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    count = 0
    for kind, days in choices.REMINDER_DAYS.items():
        due = Qualification.objects.filter(
            kind=kind,
            status=QS.CONFIRMED,
            reminded_at__isnull=True,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=days),
        )
        for pk in list(due.values_list("pk", flat=True)):
            with transaction.atomic():
                if not Qualification.objects.filter(pk=pk, reminded_at__isnull=True).update(
                    reminded_at=now, updated_at=timezone.now()
                ):
                    continue
                q = Qualification.objects.get(pk=pk)
                QualificationEvent.record(q, by=None, action="remind", from_status=q.status)
                _tell(
                    q,
                    org_ids=[q.organization_id],
                    title=_("Your qualification ends on %(day)s: prepare the re-certification")
                    % {"day": q.valid_until.isoformat()},
                    key=f"registries:qualification:{pk}:remind",
                )
                count += 1
    return count


# --- R&D platforms


def clean_platform(data: dict, *, exclude_pk=None) -> dict:
    """The platform's fields checked: name unique among live platforms of the kind, kind, level, the
    recognition document and a recognition date that is not in the future."""
    kind = data.get("kind")
    if kind not in choices.PlatformKind.values:
        raise DomainError(_("Choose the kind of platform."), field="kind")
    level = data.get("level")
    if level not in choices.Level.values:
        raise DomainError(_("Choose the level."), field="level")
    name = workflow.clean_text(
        data.get("name", ""), field="name", max_length=120, what=_("Name the platform.")
    )
    document = workflow.clean_text(
        data.get("document", ""),
        field="document",
        max_length=100,
        what=_("Enter the recognition document's number."),
    )
    tech_field = workflow.clean_text(
        data.get("tech_field", ""), field="tech_field", max_length=100, required=False
    )
    recognised_on = _date(data.get("recognised_on"), field="recognised_on")
    if recognised_on > timezone.localdate():
        raise DomainError(_("The recognition date cannot be in the future."), field="recognised_on")
    duplicate = Platform.objects.filter(kind=kind, name=name).exclude(status__in=_CLOSED)
    if exclude_pk:
        duplicate = duplicate.exclude(pk=exclude_pk)
    if duplicate.exists():
        raise AlreadyExists(_("A platform of this kind with this name is already registered."), field="name")
    return {
        "kind": kind,
        "level": level,
        "name": name,
        "document": document,
        "tech_field": tech_field,
        "recognised_on": recognised_on,
    }


@transaction.atomic
def platform_propose(
    *, by: User, organization: Organization, data: dict, evidence=None, department=None
) -> Platform:
    """The host organisation registers an R&D platform with its recognition document as evidence."""
    _require_member(by, organization)
    if organization.kind not in PLATFORM_HOSTS:
        raise DomainError(
            _("R&D platforms are hosted by enterprises, universities and institutes."), field="organization"
        )
    cleaned = clean_platform(data)
    _check_department(department)
    record = Platform(
        organization=organization,
        department=department or default_department(organization),
        created_by=by,
        **cleaned,
    )
    _attach_evidence(record, evidence, required=True)
    record.save()
    PlatformEvent.record(record, by=by, action="propose", note=record.evidence_sha256)
    _tell(
        record,
        org_ids=_deciders(record),
        title=_("%(org)s proposes an R&D platform for confirmation") % {"org": organization.name},
        key=f"registries:platform:{record.pk}:propose",
    )
    return record


@transaction.atomic
def platform_decide(*, platform: Platform, by: User, action: str, note: str = "") -> Platform:
    """Confirm, reject, withdraw, start or pass the annual evaluation, or revoke (with a reason; a
    revoked platform stops counting the same day)."""
    p = workflow.lock(platform)
    _require_decider(by, p, action)
    if action in ("reject", "revoke"):
        note = workflow.clean_text(note, field="note", max_length=500, what=_("Give the reason."))
    else:
        note = workflow.clean_text(note, field="note", max_length=500, required=False)
    changes: dict = {"status_note": note[:500]}
    today = timezone.localdate()
    if action == "confirm":
        changes["confirmed_on"] = today
    if action == "revoke":
        changes["ended_on"] = today
    workflow.transition(
        p, action, choices.PLATFORM_TRANSITIONS, event=PlatformEvent, by=by, note=note, **changes
    )
    if action == "withdraw":
        _tell(
            p,
            org_ids=_deciders(p),
            title=_("A proposed R&D platform was withdrawn"),
            key=f"registries:platform:{p.pk}:{action}",
        )
    else:
        titles = {
            "confirm": _("Your R&D platform is confirmed"),
            "reject": _("Your R&D platform was not confirmed"),
            "evaluate": _("Your R&D platform's annual evaluation has started"),
            "pass": _("Your R&D platform passed its annual evaluation"),
            "revoke": _("Your R&D platform was revoked"),
        }
        _tell(
            p,
            org_ids=[p.organization_id],
            title=titles[action],
            key=f"registries:platform:{p.pk}:{action}:{today}",
        )
    return p
