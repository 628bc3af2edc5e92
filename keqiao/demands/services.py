"""The only write path for technology demands: registration, review, publication, closing, expiry."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.models import Organization, User
from keqiao.accounts.selectors import (
    bureau_users,
    require_active_organization,
    user_is_bureau,
    user_organization_ids,
)
from keqiao.common.emails import send_to_users
from keqiao.common.errors import DomainError, NotPermitted, TransitionNotAllowed
from keqiao.common.listing import check_transition, describe_value, expire_due, remind_due
from keqiao.common.signals import send_listing_changed_after_commit
from keqiao.common.validators import clean_keywords, clean_model_fields, validate_choices
from keqiao.search.models import mark_changed

from . import choices
from .models import Demand, DemandEvent

EDITABLE_FIELDS = (
    "title",
    "on_behalf_of",
    "problem",
    "indicators",
    "current_state",
    "keywords",
    "tech_field",
    "strategic_industry",
    "industry",
    "discipline",
    "cooperation_modes",
    "min_trl",
    "budget_min",
    "budget_max",
    "budget_negotiable",
    "budget_private",
    "deadline",
    "region",
    "contact_name",
    "contact_phone",
    "contact_email",
)
MAX_AMOUNT = Decimal("1e12")


def validate_demand_data(data: dict, *, today: datetime.date | None = None) -> dict:
    """The rules of a demand, field by field and across fields (forms and the API both call it); raises
    ValidationError with messages per field."""
    cleaned, errors = clean_model_fields(Demand, data)
    if "keywords" in cleaned:
        try:
            cleaned["keywords"] = clean_keywords(cleaned["keywords"])
        except ValidationError as exc:
            errors.setdefault("keywords", []).extend(exc.messages)
    if cleaned.get("budget_negotiable"):
        # "面议" means no figures: drop amounts typed before the box was ticked.
        cleaned["budget_min"] = cleaned["budget_max"] = None
    low, high = cleaned.get("budget_min"), cleaned.get("budget_max")
    for field, value in (("budget_min", low), ("budget_max", high)):
        if value is not None and Decimal(value) < 0:
            errors.setdefault(field, []).append(_("A budget cannot be negative."))
        if value is not None and Decimal(value) >= MAX_AMOUNT:
            errors.setdefault(field, []).append(_("The budget is implausibly large."))
    if low is not None and high is not None and Decimal(low) > Decimal(high):
        errors.setdefault("budget_max", []).append(_("The upper end of the budget is below its lower end."))
    deadline = cleaned.get("deadline")
    if deadline and deadline < (today or timezone.localdate()):
        errors.setdefault("deadline", []).append(_("The deadline is in the past."))
    if cleaned.get("cooperation_modes") is not None:
        try:
            cleaned["cooperation_modes"] = validate_choices(
                cleaned["cooperation_modes"], choices.CooperationMode.choices
            )
        except ValidationError as exc:
            errors.setdefault("cooperation_modes", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _is_member(user, demand: Demand) -> bool:
    return demand.organization_id in user_organization_ids(user)


def _require_may_act(by, organization: Organization, *, allow_pending: bool) -> None:
    """A member writes for the organisation only while it may act; the bureau's own actions are exempt."""
    if not user_is_bureau(by):
        require_active_organization(organization, allow_pending=allow_pending)


def _event(demand: Demand, *, by, action: str, **kwargs) -> DemandEvent:
    return DemandEvent.record(demand, by=by, action=action, **kwargs)


def _lock(demand: Demand) -> Demand:
    return Demand.objects.select_for_update().select_related("organization").get(pk=demand.pk)


def _notify_owners(demand: Demand, template: str) -> None:
    recipients = list(
        User.objects.filter(memberships__organization_id=demand.organization_id, is_active=True)
    )
    transaction.on_commit(lambda: send_to_users(recipients, template, {"demand": demand}))


def _changed(demand: Demand) -> None:
    """Searchable content or visibility changed: mark the index, and tell the apps that listen (matching
    refreshes its matches and alerts followers) after commit."""
    mark_changed(demand.pk, kind="demand")
    send_listing_changed_after_commit(Demand, kind="demand", object_id=demand.pk)


@transaction.atomic
def demand_create(*, by: User, organization: Organization, data: dict) -> Demand:
    """Register a new demand as a draft of `organization`."""
    if organization.pk not in user_organization_ids(by):
        raise NotPermitted(_("You can only publish demands for your own organisation."))
    _require_may_act(by, organization, allow_pending=True)
    cleaned = validate_demand_data({k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    cleaned.setdefault("region", organization.region)
    demand = Demand(organization=organization, created_by=by, **cleaned)
    demand.full_clean()
    demand.save()
    _event(demand, by=by, action="created")
    return demand


@transaction.atomic
def demand_update(*, demand: Demand, by: User, data: dict) -> Demand:
    d = _lock(demand)
    if not _is_member(by, d):
        raise NotPermitted(_("Only members of the publishing organisation can edit this demand."))
    _require_may_act(by, d.organization, allow_pending=True)
    if not d.is_editable:
        raise TransitionNotAllowed(
            _("This demand cannot be edited while it is “%(status)s”.") % {"status": d.get_status_display()}
        )
    cleaned = validate_demand_data({k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    changes = {}
    for field, value in cleaned.items():
        if getattr(d, field) != value:
            changes[field] = [describe_value(getattr(d, field)), describe_value(value)]
            setattr(d, field, value)
    d.full_clean()
    d.save()
    if changes:
        _event(d, by=by, action="edited", from_status=d.status, changes=changes)
    return d


@transaction.atomic
def demand_submit(*, demand: Demand, by: User) -> Demand:
    d = _lock(demand)
    if not _is_member(by, d):
        raise NotPermitted(_("Only members of the publishing organisation can submit this demand."))
    require_active_organization(
        d.organization,
        allow_pending=False,
        pending_message=_(
            "Your organisation must be verified by the S&T bureau before it can submit listings."
        ),
    )
    before, d.status = check_transition(d, "submit", choices.TRANSITIONS)
    if not d.cooperation_modes:
        raise DomainError(_("Choose at least one cooperation mode."), field="cooperation_modes")
    if d.deadline and d.deadline < timezone.localdate():
        raise DomainError(_("The deadline is in the past."), field="deadline")
    d.submitted_at = timezone.now()
    d.save(update_fields=["status", "submitted_at", "updated_at"])
    _event(d, by=by, action="submitted", from_status=before)
    officers = list(bureau_users())
    transaction.on_commit(lambda: send_to_users(officers, "demands/email/submitted", {"demand": d}))
    return d


def _require_bureau(by: User) -> None:
    if not user_is_bureau(by):
        raise NotPermitted(_("Only the S&T bureau can review demands."))


@transaction.atomic
def demand_return(*, demand: Demand, by: User, comment: str) -> Demand:
    _require_bureau(by)
    if not comment.strip():
        raise DomainError(_("Please say what needs to be revised."), field="comment")
    d = _lock(demand)
    before, d.status = check_transition(d, "return", choices.TRANSITIONS)
    d.review_comment = comment.strip()
    d.save(update_fields=["status", "review_comment", "updated_at"])
    _event(d, by=by, action="returned", from_status=before, note=d.review_comment)
    _notify_owners(d, "demands/email/returned")
    return d


def _validity(now):
    return now + datetime.timedelta(days=settings.KEQIAO["LISTING_VALIDITY_DAYS"])


@transaction.atomic
def demand_approve(*, demand: Demand, by: User, note: str = "") -> Demand:
    """The bureau approves a demand, which publishes it."""
    _require_bureau(by)
    d = _lock(demand)
    before, d.status = check_transition(d, "approve", choices.TRANSITIONS)
    now = timezone.now()
    d.published_at, d.expires_at, d.expiry_reminded_at, d.review_comment = now, _validity(now), None, ""
    d.save(
        update_fields=[
            "status",
            "published_at",
            "expires_at",
            "expiry_reminded_at",
            "review_comment",
            "updated_at",
        ]
    )
    _event(d, by=by, action="approved", from_status=before, note=note)
    _changed(d)
    _notify_owners(d, "demands/email/published")
    return d


def _owner_or_bureau(by, d: Demand, message) -> None:
    if not (_is_member(by, d) or user_is_bureau(by)):
        raise NotPermitted(message)
    _require_may_act(by, d.organization, allow_pending=False)


@transaction.atomic
def demand_close(*, demand: Demand, by: User, note: str = "", solved: bool = False) -> Demand:
    """Take a published demand off the showcase: closed, or solved (the problem found its solution)."""
    d = _lock(demand)
    _owner_or_bureau(by, d, _("Only the publishing organisation or the S&T bureau can close this demand."))
    action = "solve" if solved else "close"
    before, d.status = check_transition(d, action, choices.TRANSITIONS)
    d.save(update_fields=["status", "updated_at"])
    _event(d, by=by, action="solved" if solved else "closed", from_status=before, note=note)
    _changed(d)
    return d


@transaction.atomic
def demand_renew(*, demand: Demand, by: User) -> Demand:
    d = _lock(demand)
    _owner_or_bureau(by, d, _("Only the publishing organisation or the S&T bureau can renew this demand."))
    before, d.status = check_transition(d, "renew", choices.TRANSITIONS)
    now = timezone.now()
    d.expires_at, d.expiry_reminded_at = _validity(now), None
    if before == choices.Status.EXPIRED:
        d.published_at = now
    d.save(update_fields=["status", "expires_at", "expiry_reminded_at", "published_at", "updated_at"])
    _event(d, by=by, action="renewed", from_status=before)
    _changed(d)
    return d


@transaction.atomic
def demand_revise(*, demand: Demand, by: User) -> Demand:
    d = _lock(demand)
    if not _is_member(by, d):
        raise NotPermitted(_("Only members of the publishing organisation can revise this demand."))
    _require_may_act(by, d.organization, allow_pending=True)
    before, d.status = check_transition(d, "revise", choices.TRANSITIONS)
    d.save(update_fields=["status", "updated_at"])
    _event(d, by=by, action="revised", from_status=before)
    return d


def demands_expire(*, now: datetime.datetime | None = None) -> int:
    def expired(d: Demand) -> None:
        _event(d, by=None, action="expired", from_status=choices.Status.PUBLISHED)
        _changed(d)
        _notify_owners(d, "demands/email/expired")

    return expire_due(
        Demand,
        now=now or timezone.now(),
        published=choices.Status.PUBLISHED,
        expired=choices.Status.EXPIRED,
        on_claimed=expired,
    )


def demands_remind(*, now: datetime.datetime | None = None) -> int:
    def remind(d: Demand) -> None:
        _event(d, by=None, action="reminder_sent", from_status=d.status)
        _notify_owners(d, "demands/email/expiring")

    return remind_due(
        Demand,
        now=now or timezone.now(),
        days=settings.KEQIAO["EXPIRY_REMINDER_DAYS"],
        published=choices.Status.PUBLISHED,
        on_claimed=remind,
    )
