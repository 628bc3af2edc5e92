"""Choices of deals (意向 → 洽谈 → 合同) and technology contracts (技术合同认定登记)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DealStatus(models.TextChoices):
    INTEREST = "interest", _("Interest expressed")
    ACCEPTED = "accepted", _("Interest accepted")
    NEGOTIATING = "negotiating", _("Negotiating")
    AGREED = "agreed", _("Agreed")
    REGISTERED = "registered", _("Contract registered")
    PERFORMING = "performing", _("Performing")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    TERMINATED = "terminated", _("Terminated")
    EXPIRED = "expired", _("Expired")


# from-state -> {action: to-state}; every deal service checks this table before it writes.
DEAL_TRANSITIONS: dict[str, dict[str, str]] = {
    DealStatus.INTEREST: {
        "accept": DealStatus.ACCEPTED,
        "decline": DealStatus.DECLINED,
        "withdraw": DealStatus.WITHDRAWN,
        "expire": DealStatus.EXPIRED,
    },
    DealStatus.ACCEPTED: {
        "negotiate": DealStatus.NEGOTIATING,
        "agree": DealStatus.AGREED,
        "terminate": DealStatus.TERMINATED,
        "expire": DealStatus.EXPIRED,
    },
    DealStatus.NEGOTIATING: {
        "agree": DealStatus.AGREED,
        "terminate": DealStatus.TERMINATED,
        "expire": DealStatus.EXPIRED,
    },
    DealStatus.AGREED: {"register": DealStatus.REGISTERED, "terminate": DealStatus.TERMINATED},
    # Once the contract is registered, the deal ends as completed; a rescinded contract is corrected by the
    # registration office, not terminated here.
    DealStatus.REGISTERED: {"perform": DealStatus.PERFORMING},
    DealStatus.PERFORMING: {"complete": DealStatus.COMPLETED},
}
# An open deal blocks a second expression of interest in the same listing by the same organisation.
OPEN_STATUSES = (DealStatus.INTEREST, DealStatus.ACCEPTED, DealStatus.NEGOTIATING, DealStatus.AGREED)
# States in which the room takes messages, meetings and offers.
ROOM_STATUSES = (DealStatus.ACCEPTED, DealStatus.NEGOTIATING)
# States in which the room can be read (contacts disclosed).
DISCLOSED_STATUSES = (
    DealStatus.ACCEPTED,
    DealStatus.NEGOTIATING,
    DealStatus.AGREED,
    DealStatus.REGISTERED,
    DealStatus.PERFORMING,
    DealStatus.COMPLETED,
    DealStatus.TERMINATED,
    DealStatus.EXPIRED,
)

DEAL_EVENT_LABELS = {
    "interest": _("Interest expressed"),
    "accept": _("Interest accepted"),
    "decline": _("Interest declined"),
    "withdraw": _("Interest withdrawn"),
    "negotiate": _("Negotiation started"),
    "agree": _("Agreed"),
    "register": _("Contract registered"),
    "perform": _("Performance started"),
    "complete": _("Completed"),
    "terminate": _("Terminated"),
    "expire": _("Expired"),
    "stall_reminder": _("Reminder: no activity"),
    "offer": _("Offer made"),
    "offer_accept": _("Offer accepted"),
    "offer_reject": _("Offer rejected"),
    "meeting": _("Meeting proposed"),
    "meeting_confirm": _("Meeting confirmed"),
    "meeting_decline": _("Meeting declined"),
    "invite": _("Broker invited"),
    "viewed_by_bureau": _("Viewed by the S&T bureau"),
    "trade": _("Agreed by listed trading"),
}


class DealMode(models.TextChoices):
    """The mode of cooperation an offer proposes."""

    TRANSFER = "transfer", _("Transfer")
    LICENCE_EXCLUSIVE = "licence_exclusive", _("Exclusive licence")
    LICENCE_SOLE = "licence_sole", _("Sole (non-exclusive) licence")
    LICENCE_ORDINARY = "licence_ordinary", _("Ordinary licence")
    EQUITY = "equity", _("Equity investment")
    JOINT_DEVELOPMENT = "joint_development", _("Joint development")
    COMMISSIONED_DEVELOPMENT = "commissioned_development", _("Commissioned development")
    CONSULTING = "consulting", _("Technical consulting")
    SERVICE = "service", _("Technical service")


class PaymentMethod(models.TextChoices):
    """支付方式 of the national registration system."""

    LUMP_SUM = "lump_sum", _("Lump sum")
    INSTALMENTS = "instalments", _("Instalments")
    ROYALTY = "royalty", _("Royalty (percentage of sales or profit)")
    LUMP_SUM_AND_ROYALTY = "lump_sum_royalty", _("Down payment plus royalty")
    EQUITY = "equity", _("Equity")
    OTHER = "other", _("Other")


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected by the other side")
    SUPERSEDED = "superseded", _("Superseded by a counter-offer")


class MeetingStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
