"""The outcome of each trading mode for the transaction statistics: how many trades each mode concluded
and for how much, the premium over the reserve (auctions) or the listing price (listings), and how many
registered contracts (and what technology transaction amount) came from each mode — counted from the
platform's own records. Registered as a provider of `keqiao.contracts.trade_modes` in TradingConfig.ready().

A listing that several buyers qualified for ends in an auction among them: that auction counts with the
listings (its premium is over the listing price), not with the auctions. A year counts the trades
closed in it (city time) and the contracts registered in it; no year counts everything.
"""

from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from keqiao.contracts.models import Contract

from . import choices
from .models import Auction, Listing, PriceNotice

ZERO = Decimal("0")


def _contracts(qs) -> tuple[int, Decimal]:
    agg = qs.aggregate(n=Count("pk"), amount=Sum("technology_amount"))
    return agg["n"] or 0, agg["amount"] or ZERO


def _average(values: list) -> Decimal | None:
    return (sum(values) / len(values)) if values else None


def trade_statistics(year: int | None = None) -> list[dict]:
    """One row per mode: auctions, fixed-price listings, negotiations with an agreed-price notice, other
    negotiations."""
    closed = {"closed_at__year": year} if year else {}
    registered = Contract.objects.registered().filter(deal__isnull=False)
    if year:
        registered = registered.filter(registered_on__year=year)
    auctions = Auction.objects.filter(from_listing__isnull=True, **closed)
    sold = list(
        auctions.filter(status=choices.AuctionStatus.SOLD).values_list("current_price", "reserve_price")
    )
    # Listings: taken at the price, or sold in the auction among their qualified buyers.
    taken = list(
        Listing.objects.filter(status=choices.ListingStatus.SOLD, **closed).values_list("price", flat=True)
    )
    converted = list(
        Auction.objects.filter(
            from_listing__isnull=False, status=choices.AuctionStatus.SOLD, **closed
        ).values_list("current_price", "from_listing__price")
    )
    listing_prices = [*((p, p) for p in taken), *converted]
    passed = PriceNotice.objects.filter(status=choices.NoticeStatus.PASSED, **closed).aggregate(
        n=Count("pk"), amount=Sum("price")
    )
    auction_contracts = _contracts(
        registered.filter(deal__auction__isnull=False, deal__auction__from_listing__isnull=True)
    )
    listing_contracts = _contracts(registered.filter(deal__fixed_listing__isnull=False))
    converted_contracts = _contracts(registered.filter(deal__auction__from_listing__isnull=False))
    notice_contracts = _contracts(registered.filter(deal__price_notice__isnull=False))
    # deals awarded in challenge tenders count with their own mode (keqiao.challenges, by its reverse
    # relation's name: trading does not import the challenges app)
    other_contracts = _contracts(
        registered.filter(
            deal__auction__isnull=True,
            deal__price_notice__isnull=True,
            deal__fixed_listing__isnull=True,
            deal__challenge_proposal__isnull=True,
        )
    )
    return [
        {
            "mode": "auction",
            "label": _("Auction"),
            "concluded": len(sold),
            "not_concluded": auctions.filter(status=choices.AuctionStatus.UNSOLD).count(),
            "amount": sum((price for price, _reserve in sold), ZERO),
            "premium": _average([(price - reserve) / reserve for price, reserve in sold if reserve]),
            "premium_basis": _("over the reserve price"),
            "contracts": auction_contracts[0],
            "contract_amount": auction_contracts[1],
        },
        {
            "mode": "listing",
            "label": _("Fixed-price listing"),
            "concluded": len(listing_prices),
            # The last round closed without a buyer, or the auction among the buyers without a sale.
            "not_concluded": Listing.objects.filter(status=choices.ListingStatus.UNSOLD, **closed).count()
            + Auction.objects.filter(
                from_listing__isnull=False, status=choices.AuctionStatus.UNSOLD, **closed
            ).count(),
            "amount": sum((price for price, _listed in listing_prices), ZERO),
            "premium": _average([(price - listed) / listed for price, listed in listing_prices]),
            "premium_basis": _("over the listing price"),
            "contracts": listing_contracts[0] + converted_contracts[0],
            "contract_amount": listing_contracts[1] + converted_contracts[1],
        },
        {
            "mode": "notice",
            "label": _("Agreed price, publicly noticed"),
            "concluded": passed["n"] or 0,
            "not_concluded": PriceNotice.objects.filter(
                status=choices.NoticeStatus.WITHDRAWN, **closed
            ).count(),
            "amount": passed["amount"] or ZERO,
            "premium": None,
            "premium_basis": "",
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
            "premium_basis": "",
            "contracts": other_contracts[0],
            "contract_amount": other_contracts[1],
        },
    ]
