"""The outcome of each trading mode for the transaction statistics: how many trades each mode concluded
and for how much, the premium of auctions over their reserve, and how many registered contracts (and
what technology transaction amount) came from each mode — counted from the platform's own records."""

from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from keqiao.contracts.models import Contract

from . import choices
from .models import Auction, PriceNotice

ZERO = Decimal("0")


def _contracts(qs) -> tuple[int, Decimal]:
    agg = qs.aggregate(n=Count("pk"), amount=Sum("technology_amount"))
    return agg["n"] or 0, agg["amount"] or ZERO


def trade_statistics() -> list[dict]:
    """One row per mode: auctions, negotiations with an agreed-price notice, other negotiations."""
    registered = Contract.objects.registered().filter(deal__isnull=False)
    sold = list(
        Auction.objects.filter(status=choices.AuctionStatus.SOLD).values_list(
            "current_price", "reserve_price"
        )
    )
    premiums = [(price - reserve) / reserve for price, reserve in sold if reserve]
    auction_contracts = _contracts(registered.filter(deal__auction__isnull=False))
    passed = PriceNotice.objects.filter(status=choices.NoticeStatus.PASSED).aggregate(
        n=Count("pk"), amount=Sum("price")
    )
    notice_contracts = _contracts(registered.filter(deal__price_notice__isnull=False))
    other_contracts = _contracts(
        registered.filter(deal__auction__isnull=True, deal__price_notice__isnull=True)
    )
    return [
        {
            "mode": "auction",
            "label": _("Auction"),
            "concluded": len(sold),
            "not_concluded": Auction.objects.filter(status=choices.AuctionStatus.UNSOLD).count(),
            "amount": sum((price for price, _reserve in sold), ZERO),
            "premium": (sum(premiums) / len(premiums)) if premiums else None,
            "contracts": auction_contracts[0],
            "contract_amount": auction_contracts[1],
        },
        {
            "mode": "notice",
            "label": _("Agreed price, publicly noticed"),
            "concluded": passed["n"] or 0,
            "not_concluded": PriceNotice.objects.filter(status=choices.NoticeStatus.WITHDRAWN).count(),
            "amount": passed["amount"] or ZERO,
            "premium": None,
            "contracts": notice_contracts[0],
            "contract_amount": notice_contracts[1],
        },
        {
            "mode": "negotiation",
            "label": _("Negotiation"),
            "concluded": None,
            "not_concluded": None,
            "amount": None,
            "premium": None,
            "contracts": other_contracts[0],
            "contract_amount": other_contracts[1],
        },
    ]
