"""Choices of listed trading (技术交易): online auctions and their bidders."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuctionStatus(models.TextChoices):
    # Published: bidders register at once; bids are taken between the start and the (extended) end.
    OPEN = "open", _("Bidding open")
    SOLD = "sold", _("Sold")
    UNSOLD = "unsold", _("No sale")
    CANCELLED = "cancelled", _("Cancelled")


# from-state -> {action: to-state}; every auction service checks this table before it writes.
AUCTION_TRANSITIONS: dict[str, dict[str, str]] = {
    AuctionStatus.OPEN: {
        "sell": AuctionStatus.SOLD,
        "no_sale": AuctionStatus.UNSOLD,
        "cancel": AuctionStatus.CANCELLED,
    },
}
CLOSED_STATUSES = (AuctionStatus.SOLD, AuctionStatus.UNSOLD, AuctionStatus.CANCELLED)


class BidderStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the organiser")
    ACCEPTED = "accepted", _("Qualified to bid")
    REFUSED = "refused", _("Not admitted")


AUCTION_EVENT_LABELS = {
    "created": _("Auction published"),
    "register": _("Bidder registered"),
    "accept": _("Bidder admitted"),
    "refuse": _("Bidder not admitted"),
    "sell": _("Sold"),
    "no_sale": _("No sale"),
    "cancel": _("Cancelled"),
}


class TradeMode(models.TextChoices):
    """The ways a deal is made on the platform, as the statistics break them down."""

    NEGOTIATION = "negotiation", _("Negotiation")
    AUCTION = "auction", _("Auction")


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("Under public notice")
    PASSED = "passed", _("Notice passed")
    WITHDRAWN = "withdrawn", _("Notice withdrawn")


NOTICE_TRANSITIONS: dict[str, dict[str, str]] = {
    NoticeStatus.OPEN: {"pass": NoticeStatus.PASSED, "withdraw": NoticeStatus.WITHDRAWN},
}

NOTICE_EVENT_LABELS = {
    "published": _("Price notice published"),
    "objection": _("Objection filed"),
    "answer": _("Objection answered"),
    "pass": _("Notice passed"),
    "withdraw": _("Notice withdrawn"),
}

DEFAULT_NOTICE_DAYS = 15
