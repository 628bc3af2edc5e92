"""The expert registry (专家库) and expert review panels (专家评审) of achievements and, later, of other
subjects (funding applications, tender bids): a review points to its subject generically."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keqiao.common.choices import TechField
from keqiao.common.models import ListingEvent

from . import choices


class Expert(models.Model):
    """A person with an account listed in the expert registry: invited, then confirmed by the S&T bureau.
    `User.is_expert` is true exactly while the profile is confirmed (kept by the services)."""

    Status = choices.ExpertStatus

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="expert"
    )
    # The employer: an organisation on the platform when there is one, its name always.
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organisation on the platform"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="experts",
    )
    organization_name = models.CharField(_("organisation"), max_length=100)
    title = models.CharField(_("professional title"), max_length=20, choices=choices.ExpertTitle.choices)
    position = models.CharField(_("position"), max_length=60, blank=True)
    # GB/T 13745 codes (any level) and technology fields (common.choices.TechField values).
    disciplines = models.JSONField(_("disciplines (GB/T 13745)"), default=list, blank=True)
    tech_fields = models.JSONField(_("technology fields"), default=list, blank=True)
    expertise = models.TextField(_("expertise"), max_length=1000, blank=True)
    conflict_organizations = models.ManyToManyField(
        "accounts.Organization",
        verbose_name=_("declared conflicts of interest"),
        blank=True,
        related_name="+",
        help_text=_("Organisations whose work you should not review (former employer, family, shares...)."),
    )
    conflict_note = models.CharField(_("other declared conflicts"), max_length=500, blank=True)
    available = models.BooleanField(_("available for reviews"), default=True)
    status = models.CharField(
        _("status"), max_length=12, choices=choices.ExpertStatus.choices, default=choices.ExpertStatus.INVITED
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["-created_at", "-id"]
        # The proposable registry and its version (count, last id, last change) are read from this index.
        indexes = [models.Index(fields=["status", "available", "updated_at"], name="expert_proposable_idx")]

    def __str__(self) -> str:
        return str(self.user)

    def get_absolute_url(self) -> str:
        return reverse("reviews:expert", args=[self.pk])

    @property
    def is_confirmed(self) -> bool:
        return self.status == choices.ExpertStatus.CONFIRMED

    def tech_field_labels(self) -> list[str]:
        labels = dict(TechField.choices)
        return [str(labels.get(v, v)) for v in self.tech_fields]


class ExpertEvent(ListingEvent):
    """Audit row of the registry: invitation, confirmation, suspension, profile changes."""

    SUBJECT = "expert"
    EVENT_LABELS = choices.EXPERT_EVENT_LABELS

    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="events"
    )

    class Meta(ListingEvent.Meta):
        verbose_name = _("expert event")
        verbose_name_plural = _("expert events")


class Review(models.Model):
    """An expert review of one subject (an achievement today), organised by the S&T bureau or a service
    agency: open (forming the panel) → scoring → closed. Scores stay blind until it closes; the aggregate
    is frozen into `result` when it closes."""

    Status = choices.ReviewStatus

    subject_type = models.ForeignKey(
        ContentType, verbose_name=_("subject type"), on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(_("subject id"))
    subject = GenericForeignKey("subject_type", "subject_id")
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose and scope"), max_length=2000, blank=True)
    organizer = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="reviews_organized",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=choices.ReviewStatus.choices, default=choices.ReviewStatus.OPEN
    )
    # indicator -> weight (sum 1): fixed when the review opens, so the method can be restated later.
    weights = models.JSONField(_("indicator weights"), default=dict)
    result = models.JSONField(_("result"), default=dict, blank=True)
    conclusion = models.TextField(_("conclusion"), max_length=2000, blank=True)
    applied_level = models.CharField(_("level written to the achievement"), max_length=20, blank=True)
    applied_evaluation = models.CharField(_("evaluation form written"), max_length=20, blank=True)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("expert review")
        verbose_name_plural = _("expert reviews")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "status"], name="review_subject_idx"),
            models.Index(fields=["organizer", "-opened_at"], name="review_organizer_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reviews:review", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == choices.ReviewStatus.CLOSED


class Panelist(models.Model):
    """One expert on one review's panel, with that expert's scores (0–100 per indicator) and comments.
    A submitted score is immutable; only the organiser's recorded reopen makes it editable again."""

    Status = choices.PanelistStatus

    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.PROTECT, related_name="panel"
    )
    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="panels"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=choices.PanelistStatus.choices,
        default=choices.PanelistStatus.PENDING,
    )
    scientific = models.PositiveSmallIntegerField(
        _("scientific value"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100), MinValueValidator(0)],
    )
    technological = models.PositiveSmallIntegerField(
        _("technological value"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100), MinValueValidator(0)],
    )
    economic = models.PositiveSmallIntegerField(
        _("economic value"), null=True, blank=True, validators=[MaxValueValidator(100), MinValueValidator(0)]
    )
    social = models.PositiveSmallIntegerField(
        _("social and cultural value"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100), MinValueValidator(0)],
    )
    potential = models.PositiveSmallIntegerField(
        _("transformation potential"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100), MinValueValidator(0)],
    )
    comment = models.TextField(_("comments"), max_length=4000, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "expert"], name="panelist_review_expert_uniq"),
            models.CheckConstraint(
                condition=Q(scientific__lte=100)
                & Q(technological__lte=100)
                & Q(economic__lte=100)
                & Q(social__lte=100)
                & Q(potential__lte=100),
                name="panelist_scores_max_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review_id}: {self.expert}"

    @property
    def is_submitted(self) -> bool:
        return self.status == choices.PanelistStatus.SUBMITTED

    def scores(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in choices.Indicator.values}


class ReviewEvent(ListingEvent):
    """Audit row of a review: opening, panel changes, start, each submission and reopen, closing."""

    SUBJECT = "review"
    EVENT_LABELS = choices.REVIEW_EVENT_LABELS

    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.PROTECT, related_name="events"
    )
    panelist = models.ForeignKey(
        Panelist,
        verbose_name=_("panel member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(ListingEvent.Meta):
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
