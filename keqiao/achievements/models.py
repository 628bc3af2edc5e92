"""科技成果: achievements, their IP items, attachments, audit events and registration numbering."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keqiao.common.choices import TRL_CHOICES, StrategicIndustry, TechField
from keqiao.common.models import ListingEvent

from . import choices


class Achievement(models.Model):
    """A technology achievement as registered on the national form, with its publication lifecycle."""

    Status = choices.Status

    # Identity and ownership
    title = models.CharField(_("achievement name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=1, choices=choices.Kind.choices, default=choices.Kind.APPLIED
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("first completing organisation"),
        on_delete=models.PROTECT,
        related_name="achievements",
    )
    other_organizations = models.JSONField(_("other completing organisations"), default=list, blank=True)
    completers = models.JSONField(_("completers (in order)"), default=list, blank=True)
    recommending_body = models.CharField(_("recommending body"), max_length=100, blank=True)
    research_start = models.DateField(_("research started"), null=True, blank=True)
    research_end = models.DateField(_("research ended"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=choices.Source.choices, default=choices.Source.SELF_FUNDED
    )
    funding_programme = models.CharField(_("funding programme or project number"), max_length=200, blank=True)
    attribute = models.CharField(
        _("attribute"), max_length=20, choices=choices.Attribute.choices, default=choices.Attribute.ORIGINAL
    )
    forms = models.JSONField(_("forms"), default=list, blank=True)
    secrecy = models.CharField(
        _("secrecy level"), max_length=20, choices=choices.Secrecy.choices, default=choices.Secrecy.NON_SECRET
    )
    level = models.CharField(
        _("level"), max_length=20, choices=choices.Level.choices, default=choices.Level.NOT_EVALUATED
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=choices.Stage.choices, default=choices.Stage.LAB
    )
    trl = models.PositiveSmallIntegerField(
        _("technology readiness level"),
        choices=TRL_CHOICES,
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    # The level confirmed by an agency or an expert after a readiness assessment (keqiao.evaluation); when
    # set, the listing, matching and search use it instead of the self-declared `trl`.
    confirmed_trl = models.PositiveSmallIntegerField(
        _("confirmed technology readiness level"),
        choices=TRL_CHOICES,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    trl_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("readiness confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    trl_confirmed_org = models.CharField(_("readiness confirmed for"), max_length=100, blank=True)
    trl_confirmed_at = models.DateTimeField(_("readiness confirmed at"), null=True, blank=True)
    evaluation = models.CharField(
        _("evaluation form"),
        max_length=20,
        choices=choices.Evaluation.choices,
        default=choices.Evaluation.NONE,
    )
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    industry = models.ForeignKey(
        "common.Classification",
        verbose_name=_("industry (GB/T 4754)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    discipline = models.ForeignKey(
        "common.Classification",
        verbose_name=_("discipline (GB/T 13745)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    tech_field = models.CharField(_("technology field"), max_length=30, choices=TechField.choices)
    strategic_industry = models.CharField(
        _("strategic emerging industry"),
        max_length=30,
        blank=True,
        choices=StrategicIndustry.choices,
    )
    transfer_modes = models.JSONField(_("transfer modes sought"), default=list, blank=True)
    price = models.DecimalField(
        _("asking price (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    price_negotiable = models.BooleanField(_("price negotiable"), default=True)
    summary = models.TextField(_("public summary"), max_length=2000)
    application = models.TextField(_("applications and advantages"), max_length=2000, blank=True)
    confidential_details = models.TextField(_("confidential details"), max_length=10000, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    # Lifecycle
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=choices.Status.choices,
        default=choices.Status.DRAFT,
        db_index=True,
    )
    registration_number = models.CharField(
        _("registration number"), max_length=12, unique=True, null=True, blank=True
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    featured = models.BooleanField(_("featured"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True, db_index=True)
    expiry_reminded_at = models.DateTimeField(_("expiry reminder sent at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "-published_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(trl__gte=1, trl__lte=9), name="achievement_trl_range"),
            models.CheckConstraint(
                condition=models.Q(confirmed_trl__isnull=True)
                | models.Q(confirmed_trl__gte=1, confirmed_trl__lte=9),
                name="achievement_confirmed_trl_range",
            ),
            models.CheckConstraint(
                condition=models.Q(price__isnull=True) | models.Q(price__gte=0),
                name="achievement_price_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("achievements:detail", args=[self.pk])

    @property
    def effective_trl(self) -> int:
        """The readiness level the platform uses: the confirmed one when there is one, else the declared."""
        return self.confirmed_trl or self.trl

    @property
    def is_public(self) -> bool:
        return self.status == choices.Status.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status in choices.EDITABLE_STATUSES

    def form_labels(self) -> list[str]:
        labels = dict(choices.Form.choices)
        return [str(labels.get(v, v)) for v in self.forms]

    def transfer_mode_labels(self) -> list[str]:
        labels = dict(choices.TransferMode.choices)
        return [str(labels.get(v, v)) for v in self.transfer_modes]


class IPItem(models.Model):
    """An intellectual-property item (patent, software copyright, …) that an achievement rests on."""

    achievement = models.ForeignKey(
        Achievement, verbose_name=_("achievement"), on_delete=models.CASCADE, related_name="ip_items"
    )
    kind = models.CharField(_("IP type"), max_length=20, choices=choices.IPKind.choices)
    number = models.CharField(_("number"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=choices.IPStatus.choices, default=choices.IPStatus.GRANTED
    )

    class Meta:
        verbose_name = _("IP item")
        verbose_name_plural = _("IP items")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never uses the uploader's file name: it is random, so it cannot be guessed or
    # collide, and the original name is kept in a column for display.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"achievements/{instance.achievement_id}/{uuid.uuid4().hex}.{ext}"


class Attachment(models.Model):
    """A file attached to an achievement: PDF or image only, size-limited, content sniffed on upload."""

    achievement = models.ForeignKey(
        Achievement, verbose_name=_("achievement"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=choices.AttachmentKind.choices, default=choices.AttachmentKind.OTHER
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    is_public = models.BooleanField(_("show publicly"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class AchievementEvent(ListingEvent):
    """One state change or edit of an achievement: who, when, what (visible to the bureau)."""

    SUBJECT = "achievement"

    EVENT_LABELS = choices.EVENT_LABELS

    achievement = models.ForeignKey(
        Achievement, verbose_name=_("achievement"), on_delete=models.PROTECT, related_name="events"
    )

    class Meta(ListingEvent.Meta):
        verbose_name = _("achievement event")
        verbose_name_plural = _("achievement events")

    def __str__(self) -> str:
        return f"{self.achievement_id} {self.action}"


class RegistrationCounter(models.Model):
    """The last registration serial issued per office code and year (locked row: numbers stay gap-free)."""

    office_code = models.CharField(_("office code"), max_length=3)
    year = models.PositiveSmallIntegerField(_("year"))
    last_serial = models.PositiveIntegerField(_("last serial"), default=0)

    class Meta:
        verbose_name = _("registration counter")
        verbose_name_plural = _("registration counters")
        constraints = [
            models.UniqueConstraint(fields=["office_code", "year"], name="registration_counter_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.office_code}/{self.year}: {self.last_serial}"
