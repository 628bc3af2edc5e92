"""Listed trading (技术交易): online auctions (拍卖 / 竞价), their qualified bidders and the bid ledger."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keqiao.common import audit
from keqiao.common import models as common_models
from keqiao.common.money import money_field
from keqiao.negotiations.choices import DealMode, PaymentMethod

from . import choices


class Auction(models.Model):
    """An online auction of an achievement's transfer or licence, organised by its holder.

    The row is the auction's lock: every bid takes it (`select_for_update`), so bids on one auction are
    serialised while bids on different auctions run side by side. It carries the running state (current
    price, leading bid, the end as extended, the head of the bid ledger's hash chain) so that a bid reads
    and writes one row besides its own.
    """

    Status = choices.AuctionStatus

    achievement = models.ForeignKey(
        "achievements.Achievement",
        verbose_name=_("achievement"),
        on_delete=models.PROTECT,
        related_name="auctions",
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("holder and organiser"),
        on_delete=models.PROTECT,
        related_name="auctions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    mode = models.CharField(_("transfer mode"), max_length=30, choices=DealMode.choices)
    payment_method = models.CharField(
        _("payment terms"), max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.LUMP_SUM
    )
    conditions = models.TextField(_("conditions for bidders and rules"), max_length=2000)
    reserve_price = money_field(_("reserve price (yuan)"))
    reserve_visible = models.BooleanField(_("show the reserve price"), default=False)
    starting_price = money_field(_("starting price (yuan)"))
    increment = money_field(_("bid increment (yuan)"))
    deposit = money_field(_("deposit required (yuan)"), default=0)
    starts_at = models.DateTimeField(_("bidding starts"))
    scheduled_ends_at = models.DateTimeField(_("bidding ends (as announced)"))
    ends_at = models.DateTimeField(_("bidding ends"), db_index=True)
    extension_minutes = models.PositiveSmallIntegerField(
        _("extension (minutes)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=choices.AuctionStatus.choices, default=choices.AuctionStatus.OPEN
    )
    status_note = models.CharField(_("reason"), max_length=500, blank=True)
    current_price = money_field(_("current price (yuan)"), null=True, blank=True)
    leading_bid = models.ForeignKey(
        "trading.Bid",
        verbose_name=_("leading bid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    leading_bidder = models.ForeignKey(
        "trading.Bidder",
        verbose_name=_("leading bidder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    bid_count = models.PositiveIntegerField(_("bids"), default=0)
    extensions = models.PositiveIntegerField(_("extensions"), default=0)
    head_hash = models.CharField(_("hash of the last bid"), max_length=64, blank=True)
    deal = models.OneToOneField(
        "negotiations.Deal",
        verbose_name=_("deal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="auction",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("auction")
        verbose_name_plural = _("auctions")
        ordering = ["ends_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="auction_ends_after_start"),
            models.CheckConstraint(condition=Q(increment__gt=0), name="auction_increment_positive"),
            models.CheckConstraint(condition=Q(starting_price__gt=0), name="auction_starting_price_positive"),
            models.UniqueConstraint(
                fields=["achievement"], condition=Q(status="open"), name="auction_one_open_per_achievement"
            ),
        ]
        indexes = [models.Index(fields=["status", "ends_at"], name="auction_status_end_idx")]

    def __str__(self) -> str:
        return self.achievement.title

    def get_absolute_url(self) -> str:
        return reverse("trading:auction", args=[self.pk])

    @property
    def title(self) -> str:
        return self.achievement.title

    @property
    def is_open(self) -> bool:
        return self.status == choices.AuctionStatus.OPEN

    @property
    def next_minimum(self):
        """The lowest bid the auction takes now: the starting price, then the current price plus the increment."""
        if not self.bid_count:
            return self.starting_price
        return self.current_price + self.increment

    @property
    def premium(self):
        """The winning price over the reserve, as a fraction (None without a sale or a reserve)."""
        if self.status != choices.AuctionStatus.SOLD or not self.reserve_price:
            return None
        return (self.current_price - self.reserve_price) / self.reserve_price


class Bidder(models.Model):
    """An organisation registered for an auction; only one the organiser accepted may bid.

    Bidders appear to one another only by their paddle number (竞买号) during and after the auction.
    """

    Status = choices.BidderStatus

    auction = models.ForeignKey(
        Auction, verbose_name=_("auction"), on_delete=models.PROTECT, related_name="bidders"
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("bidder"),
        on_delete=models.PROTECT,
        related_name="auction_bids",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    paddle = models.PositiveIntegerField(_("paddle number"))
    status = models.CharField(
        _("status"), max_length=10, choices=choices.BidderStatus.choices, default=choices.BidderStatus.PENDING
    )
    statement = models.CharField(_("qualification statement"), max_length=500, blank=True)
    deposit_recorded = models.BooleanField(_("deposit received"), default=False)
    deposit_note = models.CharField(_("deposit record"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bidder")
        verbose_name_plural = _("bidders")
        ordering = ["paddle"]
        constraints = [
            models.UniqueConstraint(fields=["auction", "organization"], name="bidder_once_per_auction"),
            models.UniqueConstraint(fields=["auction", "paddle"], name="bidder_paddle_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.auction_id} #{self.paddle}"


class Bid(models.Model):
    """One accepted bid: a row of the auction's append-only ledger, chained by hash to the bid before it.

    The hash covers what the exported ledger shows (auction, sequence, paddle number, amount, time, the
    end after the bid), so anyone holding the export can verify it without seeing who the bidders are.
    """

    auction = models.ForeignKey(
        Auction, verbose_name=_("auction"), on_delete=models.PROTECT, related_name="bids"
    )
    seq = models.PositiveIntegerField(_("sequence"))
    bidder = models.ForeignKey(
        Bidder, verbose_name=_("bidder"), on_delete=models.PROTECT, related_name="bids"
    )
    paddle = models.PositiveIntegerField(_("paddle number"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("placed by"), on_delete=models.PROTECT, related_name="+"
    )
    amount = money_field(_("amount (yuan)"))
    placed_at = models.DateTimeField(_("placed at"))
    ends_at_after = models.DateTimeField(_("end after this bid"))
    extended = models.BooleanField(_("extended the end"), default=False)
    prev_hash = models.CharField(_("hash of the previous bid"), max_length=64, blank=True)
    row_hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["auction", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["auction", "seq"], name="bid_seq_uniq"),
            models.UniqueConstraint(fields=["auction", "prev_hash"], name="bid_chain_no_fork"),
        ]

    def __str__(self) -> str:
        return f"{self.auction_id}/{self.seq}: {self.amount}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise audit.AppendOnlyError("Bids are append-only: saving an existing bid is refused.")
        super().save(*args, **kwargs)

    save.alters_data = True

    def delete(self, *args, **kwargs):
        raise audit.AppendOnlyError("Bids are append-only: deleting one is refused.")

    delete.alters_data = True

    def ledger_row(self) -> dict:
        """The bid as the exported ledger holds it (and as its hash covers it)."""
        return {
            "auction": self.auction_id,
            "seq": self.seq,
            "paddle": self.paddle,
            "amount": str(self.amount),
            "placed_at": audit._canonical(self.placed_at),
            "ends_at_after": audit._canonical(self.ends_at_after),
            "extended": self.extended,
        }


class AuctionEvent(common_models.ListingEvent):
    """The audit rows of an auction: publication, bidders' registration and admission, the close."""

    SUBJECT = "auction"
    EVENT_LABELS = choices.AUCTION_EVENT_LABELS
    STATUS_LABELS = dict(choices.AuctionStatus.choices)

    auction = models.ForeignKey(
        Auction, verbose_name=_("auction"), on_delete=models.PROTECT, related_name="events"
    )

    class Meta(common_models.ListingEvent.Meta):
        verbose_name = _("auction event")
        verbose_name_plural = _("auction events")


class NoticeSetting(models.Model):
    """An organisation's own public notice period for agreed prices (the platform default otherwise)."""

    organization = models.OneToOneField(
        "accounts.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="price_notice_setting",
    )
    notice_days = models.PositiveSmallIntegerField(
        _("notice period (days)"), validators=[MinValueValidator(5), MaxValueValidator(60)]
    )

    class Meta:
        verbose_name = _("price notice setting")
        verbose_name_plural = _("price notice settings")

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.notice_days}"


class PriceNotice(models.Model):
    """The public notice of a price a university or institute agreed in a negotiation (协议定价公示,
    促进科技成果转化法 art. 18). The contract of the deal is registered only once the notice has passed."""

    Status = choices.NoticeStatus

    deal = models.OneToOneField(
        "negotiations.Deal", verbose_name=_("deal"), on_delete=models.PROTECT, related_name="price_notice"
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="price_notices",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("achievement"), max_length=200)
    counterparty = models.CharField(_("counterparty"), max_length=100)
    mode = models.CharField(_("transfer mode"), max_length=30, choices=DealMode.choices)
    price = money_field(_("agreed price (yuan)"))
    pricing_basis = models.TextField(_("pricing basis"), max_length=2000)
    valuation = models.ForeignKey(
        "evaluation.Valuation",
        verbose_name=_("valuation cited"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notice_days = models.PositiveSmallIntegerField(_("notice period (days)"))
    published_at = models.DateTimeField(_("published at"))
    ends_at = models.DateTimeField(_("notice ends"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=choices.NoticeStatus.choices, default=choices.NoticeStatus.OPEN
    )
    status_note = models.CharField(_("reason"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("price notice")
        verbose_name_plural = _("price notices")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "ends_at"], name="notice_status_end_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("trading:notice", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == choices.NoticeStatus.OPEN


def _objection_path(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"notices/{instance.objection.notice_id}/{uuid.uuid4().hex}.{ext}"


class Objection(models.Model):
    """An objection to a price notice, with its reasons; the holder answers each one."""

    notice = models.ForeignKey(
        PriceNotice, verbose_name=_("price notice"), on_delete=models.PROTECT, related_name="objections"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.TextField(_("reasons"), max_length=3000)
    answer = models.TextField(_("answer"), max_length=3000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.reasons[:40]


class ObjectionAttachment(models.Model):
    objection = models.ForeignKey(
        Objection, verbose_name=_("objection"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=_objection_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class NoticeEvent(common_models.ListingEvent):
    """The audit rows of a price notice: publication, objections, answers, the close."""

    SUBJECT = "notice"
    EVENT_LABELS = choices.NOTICE_EVENT_LABELS

    notice = models.ForeignKey(
        PriceNotice, verbose_name=_("price notice"), on_delete=models.PROTECT, related_name="events"
    )

    class Meta(common_models.ListingEvent.Meta):
        verbose_name = _("price notice event")
        verbose_name_plural = _("price notice events")


class Listing(models.Model):
    """A fixed-price listing (挂牌): the holder offers an achievement's transfer or licence at a stated
    price for a public period counted in working days (China's holidays as data). Organisations register
    their intention to take it (意向受让) with their qualification; the holder admits them or not. At the
    end, one qualified buyer takes it at the price (a deal), several bid for it in an auction among them
    (the rules stated here), none: the listing closes, or is relisted at the lower price set in advance
    (a new round; the rounds are chained by `previous`)."""

    Status = choices.ListingStatus

    achievement = models.ForeignKey(
        "achievements.Achievement",
        verbose_name=_("achievement"),
        on_delete=models.PROTECT,
        related_name="trading_listings",
    )
    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("holder"), on_delete=models.PROTECT, related_name="listings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    mode = models.CharField(_("transfer mode"), max_length=30, choices=DealMode.choices)
    payment_method = models.CharField(
        _("payment terms"), max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.LUMP_SUM
    )
    price = money_field(_("listing price (yuan)"))
    conditions = models.TextField(_("conditions for buyers"), max_length=2000)
    deposit = money_field(_("deposit required (yuan)"), default=0)
    period_days = models.PositiveSmallIntegerField(
        _("listing period (working days)"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    auction_increment = money_field(_("bid increment if several buyers qualify (yuan)"))
    auction_hours = models.PositiveSmallIntegerField(
        _("bidding time if several buyers qualify (hours)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
    )
    relist_price = money_field(_("relist at this price if nobody qualifies (yuan)"), null=True, blank=True)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous round"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_round",
    )
    published_at = models.DateTimeField(_("published at"))
    ends_at = models.DateTimeField(_("listing ends"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=choices.ListingStatus.choices, default=choices.ListingStatus.OPEN
    )
    status_note = models.CharField(_("reason"), max_length=500, blank=True)
    deal = models.OneToOneField(
        "negotiations.Deal",
        verbose_name=_("deal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fixed_listing",
    )
    auction = models.OneToOneField(
        Auction,
        verbose_name=_("auction among the qualified buyers"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="from_listing",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("fixed-price listing")
        verbose_name_plural = _("fixed-price listings")
        ordering = ["ends_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("published_at")), name="listing_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="listing_price_positive"),
            models.CheckConstraint(condition=Q(auction_increment__gt=0), name="listing_increment_positive"),
            models.CheckConstraint(
                condition=Q(relist_price__isnull=True) | Q(relist_price__gt=0, relist_price__lt=F("price")),
                name="listing_relist_price_lower",
            ),
            models.UniqueConstraint(
                fields=["achievement"], condition=Q(status="open"), name="listing_one_open_per_achievement"
            ),
        ]
        indexes = [models.Index(fields=["status", "ends_at"], name="listing_status_end_idx")]

    def __str__(self) -> str:
        return self.achievement.title

    def get_absolute_url(self) -> str:
        return reverse("trading:listing", args=[self.pk])

    @property
    def title(self) -> str:
        return self.achievement.title

    @property
    def is_open(self) -> bool:
        return self.status == choices.ListingStatus.OPEN


class Intention(models.Model):
    """An organisation's intention to take a listing (意向受让), with its qualification; the holder
    admits it as a qualified buyer (recording the deposit, when one is required) or not."""

    Status = choices.IntentionStatus

    listing = models.ForeignKey(
        Listing, verbose_name=_("listing"), on_delete=models.PROTECT, related_name="intentions"
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("intending buyer"),
        on_delete=models.PROTECT,
        related_name="listing_intentions",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    qualification = models.TextField(_("qualification"), max_length=1000)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=choices.IntentionStatus.choices,
        default=choices.IntentionStatus.PENDING,
    )
    deposit_recorded = models.BooleanField(_("deposit received"), default=False)
    decision_note = models.CharField(_("deposit record or reason"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("intention to buy")
        verbose_name_plural = _("intentions to buy")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["listing", "organization"], name="intention_once_per_listing"),
        ]

    def __str__(self) -> str:
        return f"{self.listing_id}: {self.organization_id}"


class ListingEvent(common_models.ListingEvent):
    """The audit rows of a fixed-price listing: publication, intentions and decisions, the outcome."""

    SUBJECT = "listing"
    EVENT_LABELS = choices.LISTING_EVENT_LABELS
    STATUS_LABELS = dict(choices.ListingStatus.choices)

    listing = models.ForeignKey(
        Listing, verbose_name=_("listing"), on_delete=models.PROTECT, related_name="events"
    )

    class Meta(common_models.ListingEvent.Meta):
        verbose_name = _("listing event")
        verbose_name_plural = _("listing events")
