"""Writes for users, organisations and memberships."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keqiao.common.emails import send_to_users
from keqiao.common.errors import AlreadyExists, DomainError, NotPermitted, TransitionNotAllowed
from keqiao.common.validators import normalize_credit_code

from .models import Membership, Organization, OrganizationEvent
from .selectors import user_admin_organization_ids, user_is_bureau

User = get_user_model()


def _save_new_user(user) -> None:
    """Insert a new account; a user name taken meanwhile (two submissions at once) is a clear refusal."""
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise AlreadyExists(_("This user name is already taken."), field="username") from exc


@transaction.atomic
def organization_register(*, user_data: dict, org_data: dict) -> tuple[Organization, "User"]:
    """Self-registration: a new user becomes the admin of a new organisation awaiting verification."""
    password = user_data.pop("password")
    user = User(**user_data)
    user.set_password(password)
    _save_new_user(user)
    org_data = {**org_data, "credit_code": normalize_credit_code(org_data["credit_code"])}
    try:
        with transaction.atomic():
            organization = Organization.objects.create(**org_data, status=Organization.Status.PENDING)
    except IntegrityError as exc:
        raise AlreadyExists(
            _("An organisation with this unified social credit code is already registered."),
            field="credit_code",
        ) from exc
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.ADMIN)
    OrganizationEvent.objects.create(organization=organization, actor=user, action="registered")
    return organization, user


def _decide(*, organization: Organization, by, to_status: str, note: str, action: str) -> Organization:
    if not user_is_bureau(by):
        raise NotPermitted(_("Only the S&T bureau can verify organisations."))
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        if (
            org.status not in (Organization.Status.PENDING, Organization.Status.REJECTED)
            and action != "suspended"
        ):
            raise TransitionNotAllowed(_("This organisation has already been verified."))
        org.status = to_status
        org.status_note = note
        org.verified_at = timezone.now() if to_status == Organization.Status.VERIFIED else None
        org.save(update_fields=["status", "status_note", "verified_at"])
        OrganizationEvent.objects.create(organization=org, actor=by, action=action, note=note)
        admins = list(User.objects.filter(memberships__organization=org, is_active=True))
        transaction.on_commit(
            lambda: send_to_users(admins, "accounts/email/organization_decided", {"organization": org})
        )
    return org


def organization_verify(*, organization: Organization, by, note: str = "") -> Organization:
    """The bureau confirms an organisation's identity; its members may then submit listings."""
    return _decide(
        organization=organization, by=by, to_status=Organization.Status.VERIFIED, note=note, action="verified"
    )


def organization_reject(*, organization: Organization, by, note: str) -> Organization:
    if not note.strip():
        raise DomainError(_("Please give the reason for the rejection."), field="note")
    return _decide(
        organization=organization, by=by, to_status=Organization.Status.REJECTED, note=note, action="rejected"
    )


def membership_add(
    *, organization: Organization, user, role: str = Membership.Role.STAFF, by=None
) -> Membership:
    membership, _created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    OrganizationEvent.objects.create(
        organization=organization, actor=by, action="member_added", note=str(user)
    )
    return membership


def _require_org_admin(organization: Organization, by) -> None:
    if organization.pk not in user_admin_organization_ids(by):
        raise NotPermitted(_("Only administrators of the organisation can manage its members."))


@transaction.atomic
def member_create(
    *,
    organization: Organization,
    by,
    username: str,
    full_name: str,
    email: str,
    password: str,
    role: str = Membership.Role.STAFF,
) -> Membership:
    """An organisation administrator opens an account for a colleague and adds it with a role."""
    _require_org_admin(organization, by)
    user = User(username=username, full_name=full_name, email=email)
    user.set_password(password)
    _save_new_user(user)
    membership = Membership.objects.create(user=user, organization=organization, role=role)
    OrganizationEvent.objects.create(
        organization=organization,
        actor=by,
        action="member_added",
        note=f"{user.username} ({membership.get_role_display()})",
    )
    return membership


@transaction.atomic
def member_set_role(*, membership: Membership, by, role: str) -> Membership:
    organization = Organization.objects.select_for_update().get(pk=membership.organization_id)
    _require_org_admin(organization, by)
    if role not in Membership.Role.values:
        raise DomainError(_("Unknown role."))
    if membership.role == Membership.Role.ADMIN and role != Membership.Role.ADMIN:
        _keep_an_admin(organization, membership)
    membership.role = role
    membership.save(update_fields=["role"])
    OrganizationEvent.objects.create(
        organization=organization,
        actor=by,
        action="member_role_changed",
        note=f"{membership.user.username}: {membership.get_role_display()}",
    )
    return membership


def _keep_an_admin(organization: Organization, leaving: Membership) -> None:
    others = organization.memberships.filter(role=Membership.Role.ADMIN).exclude(pk=leaving.pk)
    if not others.exists():
        raise DomainError(_("An organisation needs at least one administrator."))


@transaction.atomic
def member_remove(*, membership: Membership, by) -> None:
    organization = Organization.objects.select_for_update().get(pk=membership.organization_id)
    _require_org_admin(organization, by)
    if membership.role == Membership.Role.ADMIN:
        _keep_an_admin(organization, membership)
    username = membership.user.username
    membership.delete()
    OrganizationEvent.objects.create(
        organization=organization, actor=by, action="member_removed", note=username
    )


@transaction.atomic
def organization_update_profile(*, organization: Organization, by, data: dict) -> Organization:
    """Administrators keep the public description and contacts up to date (name and code need the bureau)."""
    _require_org_admin(organization, by)
    allowed = {"address", "website", "description", "contact_name", "contact_phone", "contact_email"}
    changed = []
    for field, value in data.items():
        if field in allowed and getattr(organization, field) != value:
            setattr(organization, field, value)
            changed.append(field)
    organization.full_clean()
    organization.save()
    if changed:
        OrganizationEvent.objects.create(
            organization=organization, actor=by, action="profile_edited", note=", ".join(changed)
        )
    return organization
