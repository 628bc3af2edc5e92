"""Users, organisations and memberships."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from keqiao.common import audit
from keqiao.common.models import AuditRow
from keqiao.common.validators import validate_credit_code


class User(AbstractUser):
    """A person with a login. What they may do follows from their memberships (see selectors)."""

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_expert = models.BooleanField(_("expert"), default=False)
    is_broker = models.BooleanField(_("technology broker"), default=False)
    email_opt_out = models.BooleanField(
        _("no e-mail"), default=False, help_text=_("Set by the unsubscribe link in every e-mail.")
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        """The person's name as entered (one field, as Chinese names are written)."""
        return self.full_name or super().get_full_name()

    def __str__(self) -> str:
        return self.full_name or self.username


class Organization(models.Model):
    """A university, institute, enterprise, agency, government body, financial institution or carrier."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        INSTITUTE = "institute", _("Research institute")
        ENTERPRISE = "enterprise", _("Enterprise")
        AGENCY = "agency", _("Technology-transfer service agency")
        CITY_BUREAU = "city_bureau", _("City S&T bureau")
        COUNTY_BUREAU = "county_bureau", _("County S&T bureau")
        DEPARTMENT = "department", _("Government department")
        FINANCIAL = "financial", _("Financial institution")
        CARRIER = "carrier", _("Incubation carrier")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    HOLDER_KINDS = (Kind.UNIVERSITY, Kind.INSTITUTE, Kind.ENTERPRISE, Kind.AGENCY, Kind.CARRIER)
    GOVERNMENT_KINDS = (Kind.CITY_BUREAU, Kind.COUNTY_BUREAU, Kind.DEPARTMENT)

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    region = models.ForeignKey("common.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    address = models.CharField(_("address"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("public description"), max_length=2000, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("supervising department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised",
        help_text=_(
            "For universities and institutes: the department that receives their annual report first."
        ),
    )
    is_contract_office = models.BooleanField(
        _("technology contract registration office"),
        default=False,
        help_text=_("Designated by the S&T bureau to recognise and register technology contracts."),
    )
    status_note = models.CharField(_("verification note"), max_length=500, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED

    @property
    def is_bureau(self) -> bool:
        return self.kind == self.Kind.CITY_BUREAU


class Membership(models.Model):
    """A person's role in an organisation."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        STAFF = "staff", _("Staff")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_user_org_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"


class OrganizationEvent(AuditRow):
    """Audit record of an organisation's registration and verification (append-only, chained by hash)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.PROTECT,  # someone who acted is deactivated, not deleted
    )
    action = models.CharField(_("action"), max_length=30)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("at"), default=audit.recorded_now, editable=False)

    class Meta(AuditRow.Meta):
        verbose_name = _("organisation event")
        verbose_name_plural = _("organisation events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.action}"
