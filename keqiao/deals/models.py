"""Deals (意向 → 洽谈室 → 协议) and registered technology contracts (技术合同认定登记)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keqiao.common.choices import TechField
from keqiao.common.models import ListingEvent

from . import choices

# Amounts are yuan with 2 decimals; anything at or above 10 billion yuan is refused as absurd.
MONEY = {"max_digits": 14, "decimal_places": 2}
MAX_AMOUNT = Decimal("9999999999.99")


def money_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)],
        **MONEY,
        **kwargs,
    )


class Deal(models.Model):
    """One organisation's interest in a published listing and everything that follows from it."""

    Status = choices.DealStatus

    achievement = models.ForeignKey(
        "achievements.Achievement",
        verbose_name=_("achievement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deals",
    )
    demand = models.ForeignKey(
        "demands.Demand",
        verbose_name=_("demand"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deals",
    )
    # The side that expressed interest, and the side that published the listing.
    initiator = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("interested organisation"),
        on_delete=models.PROTECT,
        related_name="deals_initiated",
    )
    initiated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("expressed by"), on_delete=models.PROTECT, related_name="+"
    )
    counterpart = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("listing organisation"),
        on_delete=models.PROTECT,
        related_name="deals_received",
    )
    mode = models.CharField(_("cooperation mode in mind"), max_length=30, choices=choices.DealMode.choices)
    message = models.TextField(_("message"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=12, choices=choices.DealStatus.choices, default=choices.DealStatus.INTEREST
    )
    status_note = models.CharField(_("reason"), max_length=500, blank=True)
    agreed_offer = models.ForeignKey(
        "deals.Offer",
        verbose_name=_("agreed offer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    last_activity_at = models.DateTimeField(_("last activity"))
    stall_reminded_at = models.DateTimeField(_("reminded of inactivity at"), null=True, blank=True)

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-last_activity_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(achievement__isnull=False, demand__isnull=True)
                | Q(achievement__isnull=True, demand__isnull=False),
                name="deal_one_listing",
            ),
            models.UniqueConstraint(
                fields=["achievement", "initiator"],
                condition=Q(status__in=choices.OPEN_STATUSES),
                name="deal_open_achievement_uniq",
            ),
            models.UniqueConstraint(
                fields=["demand", "initiator"],
                condition=Q(status__in=choices.OPEN_STATUSES),
                name="deal_open_demand_uniq",
            ),
        ]
        indexes = [models.Index(fields=["status", "last_activity_at"])]

    def __str__(self) -> str:
        return f"{self.initiator} → {self.listing.title}"

    def get_absolute_url(self) -> str:
        return reverse("deals:room", args=[self.pk])

    @property
    def listing(self):
        return self.achievement or self.demand

    @property
    def listing_kind(self) -> str:
        return "achievement" if self.achievement_id else "demand"

    @property
    def seller(self):
        """The technology side: the achievement's holder, or whoever offers to solve a demand."""
        return self.counterpart if self.achievement_id else self.initiator

    @property
    def buyer(self):
        return self.initiator if self.achievement_id else self.counterpart

    @property
    def party_ids(self) -> set[int]:
        return {self.initiator_id, self.counterpart_id}

    @property
    def is_open(self) -> bool:
        return self.status in choices.OPEN_STATUSES

    @property
    def room_open(self) -> bool:
        return self.status in choices.ROOM_STATUSES

    @property
    def disclosed(self) -> bool:
        return self.status in choices.DISCLOSED_STATUSES


class DealEvent(ListingEvent):
    SUBJECT = "deal"
    EVENT_LABELS = choices.DEAL_EVENT_LABELS
    STATUS_LABELS = dict(choices.DealStatus.choices)

    @property
    def from_label(self) -> str:
        return str(self.STATUS_LABELS.get(self.from_status, self.from_status))

    @property
    def to_label(self) -> str:
        return str(self.STATUS_LABELS.get(self.to_status, self.to_status))

    deal = models.ForeignKey(Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="events")

    class Meta(ListingEvent.Meta):
        verbose_name = _("deal event")
        verbose_name_plural = _("deal events")


class DealInvitation(models.Model):
    """A technology broker or service agency invited into a room; they read and write messages."""

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("broker"),
        on_delete=models.CASCADE,
        related_name="deal_invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invited broker")
        verbose_name_plural = _("invited brokers")
        constraints = [models.UniqueConstraint(fields=["deal", "user"], name="deal_invitation_uniq")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.deal_id}"


class Message(models.Model):
    deal = models.ForeignKey(Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    reply_to = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
    )
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


def _attachment_path(instance, filename: str) -> str:
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"deals/{instance.message.deal_id}/{uuid.uuid4().hex}.{ext}"


class MessageAttachment(models.Model):
    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=_attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class Meeting(models.Model):
    deal = models.ForeignKey(Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="meetings")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposer_org = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("proposing side"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    starts_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online meeting link"), blank=True)
    agenda = models.CharField(_("agenda"), max_length=500, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=choices.MeetingStatus.choices,
        default=choices.MeetingStatus.PROPOSED,
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.place or self.online_link}"


class Offer(models.Model):
    """A structured offer; a counter-offer supersedes the one it answers."""

    deal = models.ForeignKey(Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="offers")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("made by"), on_delete=models.PROTECT, related_name="+"
    )
    side = models.ForeignKey(
        "accounts.Organization", verbose_name=_("side"), on_delete=models.PROTECT, related_name="+"
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("counter-offer to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    price = money_field(_("price (yuan)"))
    payment_method = models.CharField(
        _("payment terms"), max_length=20, choices=choices.PaymentMethod.choices
    )
    payment_note = models.CharField(_("payment details"), max_length=300, blank=True)
    mode = models.CharField(_("mode"), max_length=30, choices=choices.DealMode.choices)
    territory = models.CharField(_("territory"), max_length=100, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    note = models.TextField(_("other terms"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=choices.OfferStatus.choices, default=choices.OfferStatus.OPEN
    )
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.price} ({self.get_mode_display()})"


class DealCounter(models.Model):
    """The last contract registration serial issued per year (locked row: numbers stay gap-free)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last_serial = models.PositiveIntegerField(_("last serial"), default=0)

    class Meta:
        verbose_name = _("contract registration counter")
        verbose_name_plural = _("contract registration counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_serial}"


class Contract(models.Model):
    """A technology contract filed for recognition and registration (技术合同认定登记)."""

    Status = choices.ContractStatus

    deal = models.OneToOneField(
        Deal, verbose_name=_("deal"), null=True, blank=True, on_delete=models.PROTECT, related_name="contract"
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("filing organisation"),
        on_delete=models.PROTECT,
        related_name="contracts_filed",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=choices.ContractStatus.choices,
        default=choices.ContractStatus.DRAFT,
    )
    registration_number = models.CharField(
        _("registration number"), max_length=20, unique=True, null=True, blank=True
    )
    project_name = models.CharField(_("project name"), max_length=200)
    contract_type = models.CharField(_("contract type"), max_length=20, choices=choices.ContractType.choices)
    transfer_object = models.CharField(
        _("object transferred or licensed"), max_length=30, choices=choices.TransferObject.choices, blank=True
    )
    licence_kind = models.CharField(
        _("licence kind"), max_length=10, choices=choices.LicenceKind.choices, blank=True
    )
    # 卖方 and 买方
    seller_organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("seller on the platform"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts_sold",
    )
    seller_name = models.CharField(_("seller"), max_length=100)
    seller_nature = models.CharField(_("seller nature"), max_length=3, choices=choices.PartyNature.choices)
    seller_region_code = models.CharField(_("seller region code"), max_length=6)
    seller_legal_representative = models.CharField(
        _("seller legal representative"), max_length=60, blank=True
    )
    seller_contact = models.CharField(_("seller contact"), max_length=100, blank=True)
    buyer_organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("buyer on the platform"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts_bought",
    )
    buyer_name = models.CharField(_("buyer"), max_length=100)
    buyer_nature = models.CharField(_("buyer nature"), max_length=3, choices=choices.PartyNature.choices)
    buyer_region_code = models.CharField(_("buyer region code"), max_length=6)
    buyer_legal_representative = models.CharField(_("buyer legal representative"), max_length=60, blank=True)
    buyer_contact = models.CharField(_("buyer contact"), max_length=100, blank=True)
    # money
    contract_amount = money_field(_("contract amount (yuan)"))
    technology_amount = money_field(_("technology transaction amount (yuan)"))
    payment_method = models.CharField(
        _("payment method"), max_length=20, choices=choices.PaymentMethod.choices
    )
    # dates
    signed_on = models.DateField(_("signing date"))
    starts_on = models.DateField(_("term from"))
    ends_on = models.DateField(_("term to"))
    related_party = models.BooleanField(_("related-party transaction"), default=False)
    ip_type = models.CharField(_("intellectual property type"), max_length=20, choices=choices.IPType.choices)
    tech_field = models.CharField(_("technology field"), max_length=30, choices=TechField.choices)
    socio_economic_objective = models.CharField(
        _("socio-economic objective"), max_length=20, choices=choices.SocioEconomicObjective.choices
    )
    plan_source = models.CharField(_("plan source"), max_length=12, choices=choices.PlanSource.choices)
    expected_new_investment = money_field(_("expected new investment (yuan)"), null=True, blank=True)
    expected_new_output = money_field(_("expected new output value (yuan)"), null=True, blank=True)
    # review
    review_comment = models.TextField(_("registration office comments"), max_length=2000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    # The registration date in the city's time zone: the statistics count by it.
    registered_on = models.DateField(_("registration date"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("technology contract")
        verbose_name_plural = _("technology contracts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(technology_amount__lte=models.F("contract_amount")),
                name="contract_technology_amount_lte_amount",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="contract_term_order"
            ),
        ]
        indexes = [
            # Covering index of the transaction statistics: every breakdown of registered contracts is
            # read from the index alone, without visiting the table.
            models.Index(
                fields=[
                    "status",
                    "registered_on",
                    "technology_amount",
                    "contract_amount",
                    "contract_type",
                    "tech_field",
                    "seller_nature",
                    "seller_region_code",
                    "buyer_region_code",
                ],
                name="contract_statistics_idx",
            ),
            # The change marker of the cached statistics (MAX(updated_at)).
            models.Index(fields=["updated_at"], name="contract_updated_idx"),
            # The registration office's list: newest submissions first.
            models.Index(fields=["status", "-submitted_at", "-id"], name="contract_office_list_idx"),
        ]

    def __str__(self) -> str:
        return self.project_name

    def get_absolute_url(self) -> str:
        return reverse("deals:contract", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in choices.CONTRACT_EDITABLE

    @property
    def seller_kind(self) -> str:
        return choices.SELLER_KIND.get(self.seller_nature, "other")


class ContractEvent(ListingEvent):
    SUBJECT = "contract"
    EVENT_LABELS = choices.CONTRACT_EVENT_LABELS

    @property
    def change_rows(self) -> list[tuple[str, str, str]]:
        """(field's verbose name, before, after) for the history."""
        rows = []
        for name, pair in (self.changes or {}).items():
            try:
                label = str(Contract._meta.get_field(name).verbose_name)
            except Exception:  # a field renamed since the event was written
                label = name
            before, after = (list(pair) + ["", ""])[:2] if isinstance(pair, list | tuple) else ("", pair)
            rows.append((label, before, after))
        return rows

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(ListingEvent.Meta):
        verbose_name = _("contract event")
        verbose_name_plural = _("contract events")


class Milestone(models.Model):
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("reached on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class Payment(models.Model):
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="payments"
    )
    received_on = models.DateField(_("received on"))
    amount = money_field(_("amount (yuan)"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment received")
        verbose_name_plural = _("payments received")
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount}"
