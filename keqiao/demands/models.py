"""技术需求: technology demands of enterprises, published after review and matched with achievements."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keqiao.common.choices import StrategicIndustry, TechField
from keqiao.common.models import ListingEvent

from . import choices


class Demand(models.Model):
    """A technical problem an enterprise wants solved, with what it needs and what it can offer."""

    Status = choices.Status

    title = models.CharField(_("demand title"), max_length=200)
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("publishing organisation"),
        on_delete=models.PROTECT,
        related_name="demands",
    )
    on_behalf_of = models.CharField(
        _("enterprise represented"),
        max_length=100,
        blank=True,
        help_text=_("When a county bureau or park collects the demand on behalf of an enterprise."),
    )
    problem = models.TextField(_("problem to solve"), max_length=4000)
    indicators = models.TextField(_("technical indicators required"), max_length=2000, blank=True)
    current_state = models.TextField(_("current state"), max_length=2000, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    tech_field = models.CharField(_("technology field"), max_length=30, choices=TechField.choices)
    strategic_industry = models.CharField(
        _("strategic emerging industry"), max_length=30, blank=True, choices=StrategicIndustry.choices
    )
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
    cooperation_modes = models.JSONField(_("cooperation modes accepted"), default=list, blank=True)
    min_trl = models.PositiveSmallIntegerField(
        _("minimum readiness needed (TRL)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    budget_min = models.DecimalField(
        _("budget from (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_max = models.DecimalField(
        _("budget up to (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_negotiable = models.BooleanField(_("budget negotiable"), default=False)
    budget_private = models.BooleanField(
        _("keep the budget private"),
        default=False,
        help_text=_(
            "Only your organisation, the S&T bureau and organisations whose interest you accept see the "
            "budget; it is not used for matching."
        ),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    region = models.ForeignKey("common.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    status = models.CharField(
        _("status"),
        max_length=12,
        choices=choices.Status.choices,
        default=choices.Status.DRAFT,
        db_index=True,
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
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
        verbose_name = _("technology demand")
        verbose_name_plural = _("technology demands")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget_min__isnull=True)
                | models.Q(budget_max__isnull=True)
                | models.Q(budget_min__lte=models.F("budget_max")),
                name="demand_budget_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("demands:detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.status == choices.Status.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status in choices.EDITABLE_STATUSES

    def cooperation_mode_labels(self) -> list[str]:
        labels = dict(choices.CooperationMode.choices)
        return [str(labels.get(v, v)) for v in self.cooperation_modes]


class DemandEvent(ListingEvent):
    """One state change or edit of a demand: who, when, what."""

    SUBJECT = "demand"

    EVENT_LABELS = choices.EVENT_LABELS

    demand = models.ForeignKey(
        Demand, verbose_name=_("demand"), on_delete=models.PROTECT, related_name="events"
    )

    class Meta(ListingEvent.Meta):
        verbose_name = _("demand event")
        verbose_name_plural = _("demand events")

    def __str__(self) -> str:
        return f"{self.demand_id} {self.action}"
