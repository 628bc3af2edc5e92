"""Who may do what: the single place where roles are read from memberships."""

import re

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from keqiao.common.errors import NotPermitted

from .models import Membership, Organization, User


def _membership_cache(user) -> list[tuple[int, str, str, str]]:
    """(organisation id, role, organisation kind, organisation status) for the user, cached on the instance."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_keqiao_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user).values_list(
                "organization_id", "role", "organization__kind", "organization__status"
            )
        )
        user._keqiao_memberships = cached
    return cached


def organization_may_act(organization: Organization, *, allow_pending: bool) -> bool:
    """Whether members may act for `organisation` in a write: verified ones always, pending ones only
    where drafts are prepared (`allow_pending`), suspended and rejected ones never."""
    if organization.status == Organization.Status.VERIFIED:
        return True
    return allow_pending and organization.status == Organization.Status.PENDING


def require_active_organization(
    organization: Organization, *, allow_pending: bool, pending_message=None
) -> None:
    """Refuse a write made for `organization` unless it may act (see organization_may_act). The one rule
    for every service where a member acts for an organisation; the bureau's own reviews do not call it.
    Reading the organisation's existing records stays allowed."""
    if organization_may_act(organization, allow_pending=allow_pending):
        return
    if organization.status == Organization.Status.PENDING:
        raise NotPermitted(
            pending_message
            or _("Your organisation must be verified by the S&T bureau before it can do this."),
            code="organization_pending",
        )
    if organization.status == Organization.Status.SUSPENDED:
        raise NotPermitted(
            _("Your organisation is suspended: it cannot publish or change records. Contact the S&T bureau."),
            code="organization_suspended",
        )
    raise NotPermitted(
        _(
            "Your organisation was not verified by the S&T bureau: it cannot publish or change records. "
            "Contact the S&T bureau."
        ),
        code="organization_rejected",
    )


def user_organization_ids(user) -> set[int]:
    return {org_id for org_id, _role, _kind, _status in _membership_cache(user)}


def user_admin_organization_ids(user) -> set[int]:
    return {org_id for org_id, role, _k, _s in _membership_cache(user) if role == Membership.Role.ADMIN}


def user_is_bureau(user) -> bool:
    """An officer of the verified city S&T bureau, or a platform administrator."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return any(
        kind == Organization.Kind.CITY_BUREAU and status == Organization.Status.VERIFIED
        for _id, _role, kind, status in _membership_cache(user)
    )


def user_in_government(user) -> bool:
    """A member of a verified city bureau, county bureau or government department."""
    return any(
        kind in Organization.GOVERNMENT_KINDS and status == Organization.Status.VERIFIED
        for _id, _role, kind, status in _membership_cache(user)
    )


def user_department_ids(user) -> set[int]:
    """The government departments (the plan's responsible units, kept by governance) that the user's
    organisations are; cached on the user for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_keqiao_department_ids", None)
    if cached is None:
        ids = user_organization_ids(user)
        cached = (
            set(
                Organization.objects.filter(pk__in=ids, departments__isnull=False).values_list(
                    "departments__id", flat=True
                )
            )
            if ids
            else set()
        )
        user._keqiao_department_ids = cached
    return cached


def user_is_department_member(user) -> bool:
    """A member of an organisation that is one of the plan's responsible departments."""
    return bool(user_department_ids(user))


def user_is_supervisor(user) -> bool:
    """Whether the supervision of the plan's tasks is open to the user: the bureau, or a member of a
    responsible department (who sees that department's tasks)."""
    return user_is_bureau(user) or user_is_department_member(user)


def user_holder_organizations(user) -> QuerySet[Organization]:
    """Organisations on whose behalf the user may register achievements (any membership)."""
    return Organization.objects.filter(id__in=user_organization_ids(user)).select_related("region")


def member_ids(org_ids) -> list[int]:
    """Active members of the organisations `org_ids` (ids of users, each once)."""
    return list(
        User.objects.filter(memberships__organization_id__in=[o for o in org_ids if o], is_active=True)
        .values_list("pk", flat=True)
        .distinct()
    )


def bureau_users():
    """Active officers of the verified city S&T bureau (the recipients of review work)."""
    return User.objects.filter(
        memberships__organization__kind=Organization.Kind.CITY_BUREAU,
        memberships__organization__status=Organization.Status.VERIFIED,
        is_active=True,
    ).distinct()


def organizations_pending_verification() -> QuerySet[Organization]:
    return (
        Organization.objects.filter(status=Organization.Status.PENDING)
        .select_related("region")
        .order_by("created_at")
    )


def public_organizations() -> QuerySet[Organization]:
    return Organization.objects.filter(status=Organization.Status.VERIFIED).select_related("region")


_ID = re.compile(r"[0-9]{1,12}")


def public_organizations_for_filter(values: list[str]) -> tuple[list[Organization], str]:
    """The listed (verified) organisations named by search filter values (their ids), in the given
    order; or no organisation and an error message when a value names none. One query, none without
    values."""
    values = list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
    if not values:
        return [], ""
    bad = next((v for v in values if not _ID.fullmatch(v)), None)
    if bad is None and len(values) > 20:
        bad = values[20]
    if bad is None:
        found = {o.pk: o for o in public_organizations().filter(pk__in=[int(v) for v in values])}
        bad = next((v for v in values if int(v) not in found), None)
        if bad is None:
            return [found[int(v)] for v in values], ""
    return [], _("Unknown organisation: “%(value)s”.") % {"value": bad[:40]}


def user_is_contract_office(user) -> bool:
    """The technology-contract registration office: the S&T bureau or a designated verified agency."""
    if user_is_bureau(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_keqiao_contract_office", None)
    if cached is None:
        cached = Membership.objects.filter(
            user=user,
            organization__is_contract_office=True,
            organization__status=Organization.Status.VERIFIED,
        ).exists()
        user._keqiao_contract_office = cached
    return cached


def contract_office_users():
    return (
        User.objects.filter(
            memberships__organization__status=Organization.Status.VERIFIED,
            is_active=True,
        )
        .filter(
            models.Q(memberships__organization__kind=Organization.Kind.CITY_BUREAU)
            | models.Q(memberships__organization__is_contract_office=True)
        )
        .distinct()
    )


def brokers():
    """Active technology brokers, and the staff of verified service agencies."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_broker=True)
            | Q(
                memberships__organization__kind=Organization.Kind.AGENCY,
                memberships__organization__status=Organization.Status.VERIFIED,
            )
        )
        .distinct()
    )


def user_is_broker(user) -> bool:
    """A technology broker (flagged in the admin) or a member of a verified service agency."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_broker or brokers().filter(pk=user.pk).exists()


def user_sees_statistics(user) -> bool:
    """The registration office, and members of a verified government organisation (county bureaus,
    departments), see the transaction statistics and the plan dashboards. Memberships are read from the
    per-request cache first: this runs for the navigation of every page."""
    return user_in_government(user) or user_is_contract_office(user)


def user_is_official(user) -> bool:
    """Officials whose sessions end after a short idle time: government members, the registration
    office, staff and administrators (they can change the city's records)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or user.is_superuser or user_in_government(user) or user_is_contract_office(user)
