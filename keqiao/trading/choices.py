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


class ListingStatus(models.TextChoices):
    OPEN = "open", _("Listed")
    SOLD = "sold", _("Taken at the listing price")
    AUCTION = "auction", _("Converted to an auction")
    RELISTED = "relisted", _("Relisted at a lower price")
    UNSOLD = "unsold", _("Closed without a buyer")
    CANCELLED = "cancelled", _("Withdrawn")


LISTING_TRANSITIONS: dict[str, dict[str, str]] = {
    ListingStatus.OPEN: {
        "sell": ListingStatus.SOLD,
        "convert": ListingStatus.AUCTION,
        "relist": ListingStatus.RELISTED,
        "no_sale": ListingStatus.UNSOLD,
        "cancel": ListingStatus.CANCELLED,
    },
    # Closed without a buyer: the holder may still relist at a lower price (a new round).
    ListingStatus.UNSOLD: {"relist": ListingStatus.RELISTED},
}
LISTING_CLOSED_STATUSES = (
    ListingStatus.SOLD,
    ListingStatus.AUCTION,
    ListingStatus.RELISTED,
    ListingStatus.UNSOLD,
    ListingStatus.CANCELLED,
)


class IntentionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the holder")
    ACCEPTED = "accepted", _("Qualified")
    REFUSED = "refused", _("Not qualified")


LISTING_EVENT_LABELS = {
    "created": _("Listing published"),
    "intention": _("Intention to buy registered"),
    "accept": _("Buyer qualified"),
    "refuse": _("Buyer not qualified"),
    "sell": _("Taken at the listing price"),
    "convert": _("Converted to an auction"),
    "relist": _("Relisted at a lower price"),
    "no_sale": _("Closed without a buyer"),
    "cancel": _("Withdrawn"),
}

DEFAULT_LISTING_DAYS = 20
