"""Reads for listed trading, scoped to the user: what anyone may see of an auction, and what only its
organiser, its bidders or the bureau may."""

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404

from keqiao.accounts.selectors import user_is_bureau, user_organization_ids
from keqiao.negotiations.models import Deal

from . import choices, ledger
from .models import Auction, Bid, Bidder, Intention, Listing, Objection, PriceNotice

HISTORY_LENGTH = 20


def auctions_public() -> QuerySet[Auction]:
    """Every auction but the cancelled ones: the trading hall lists them, open ones first."""
    return (
        Auction.objects.exclude(status=choices.AuctionStatus.CANCELLED)
        .select_related("achievement", "organization")
        .annotate(
            closed=Case(
                When(status=choices.AuctionStatus.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("closed", "ends_at", "pk")
    )


def auction_for(user, pk: int) -> Auction:
    """An auction as `user` may see it: all but cancelled ones are public; cancelled ones only to the
    organiser, its bidders and the bureau."""
    auction = (
        Auction.objects.select_related("achievement", "organization", "leading_bid", "deal")
        .filter(pk=pk)
        .first()
    )
    if auction is None:
        raise Http404
    if auction.status == choices.AuctionStatus.CANCELLED and not (
        is_organiser(user, auction) or user_is_bureau(user) or bidder_of(user, auction) is not None
    ):
        raise Http404
    return auction


def is_organiser(user, auction: Auction) -> bool:
    return auction.organization_id in user_organization_ids(user)


def bidder_of(user, auction: Auction) -> Bidder | None:
    """The user's organisation's registration for the auction (the first, if the user has several)."""
    org_ids = user_organization_ids(user)
    if not org_ids:
        return None
    return Bidder.objects.filter(auction=auction, organization_id__in=org_ids).order_by("paddle").first()


def sees_bidders(user, auction: Auction) -> bool:
    """Who registered, and their deposits, are for the organiser and the bureau only."""
    return is_organiser(user, auction) or user_is_bureau(user)


def sees_ledger(user, auction: Auction) -> bool:
    """The exported ledger (paddle numbers only): the organiser, the bureau and admitted bidders."""
    if sees_bidders(user, auction):
        return True
    bidder = bidder_of(user, auction)
    return bidder is not None and bidder.status == choices.BidderStatus.ACCEPTED


def bidders_for_organiser(auction: Auction) -> QuerySet[Bidder]:
    return auction.bidders.select_related("organization", "decided_by").order_by("paddle")


def bid_history(auction: Auction, *, limit: int = HISTORY_LENGTH) -> list[Bid]:
    """The latest bids, newest first; pages show them by paddle number only."""
    return list(
        Bid.objects.filter(auction=auction)
        .only("seq", "paddle", "amount", "placed_at", "extended", "bidder_id", "auction_id")
        .order_by("-seq")[:limit]
    )


def ledger_document(auction: Auction) -> dict:
    bids = Bid.objects.filter(auction=auction).order_by("seq")
    return ledger.export(auction, bids)


def notices_public() -> QuerySet[PriceNotice]:
    return PriceNotice.objects.select_related("organization", "valuation").order_by("-published_at", "-pk")


def notice_for(pk: int) -> PriceNotice:
    """Price notices are public, open or closed."""
    notice = (
        PriceNotice.objects.select_related("organization", "deal", "valuation__organization")
        .filter(pk=pk)
        .first()
    )
    if notice is None:
        raise Http404
    return notice


def sees_objection_files(user, objection: Objection) -> bool:
    """Attachments of an objection: its author, the holder and the bureau."""
    return (
        objection.author_id == getattr(user, "pk", None)
        or objection.notice.organization_id in user_organization_ids(user)
        or user_is_bureau(user)
    )


def deal_for_notice(user, deal_pk: int) -> Deal:
    """An agreed deal whose technology side the user acts for (404 otherwise)."""
    deal = (
        Deal.objects.select_related("achievement", "demand", "initiator", "counterpart", "agreed_offer")
        .filter(pk=deal_pk)
        .first()
    )
    if deal is None or deal.seller.pk not in user_organization_ids(user):
        raise Http404
    return deal


# --- fixed-price listings ----------------------------------------------------------------------------


def listings_public() -> QuerySet[Listing]:
    """Every listing but the withdrawn ones, open ones first, the soonest ending first."""
    return (
        Listing.objects.exclude(status=choices.ListingStatus.CANCELLED)
        .select_related("achievement", "organization")
        .annotate(
            closed=Case(
                When(status=choices.ListingStatus.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("closed", "ends_at", "pk")
    )


def is_holder(user, listing: Listing) -> bool:
    return listing.organization_id in user_organization_ids(user)


def intention_of(user, listing: Listing) -> Intention | None:
    org_ids = user_organization_ids(user)
    if not org_ids:
        return None
    return Intention.objects.filter(listing=listing, organization_id__in=org_ids).order_by("pk").first()


def sees_intentions(user, listing: Listing) -> bool:
    """Who intends to buy, their qualification and deposits: the holder and the bureau only."""
    return is_holder(user, listing) or user_is_bureau(user)


def listing_for(user, pk: int) -> Listing:
    """Listings are public; withdrawn ones only to the holder, the intending buyers and the bureau."""
    listing = (
        Listing.objects.select_related("achievement", "organization", "deal", "auction", "previous")
        .filter(pk=pk)
        .first()
    )
    if listing is None:
        raise Http404
    if listing.status == choices.ListingStatus.CANCELLED and not (
        sees_intentions(user, listing) or intention_of(user, listing) is not None
    ):
        raise Http404
    return listing


def intentions_for_holder(listing: Listing) -> QuerySet[Intention]:
    return listing.intentions.select_related("organization", "decided_by").order_by("created_at", "pk")


def listing_rounds(listing: Listing) -> list[Listing]:
    """Every round of the achievement's listings, the first first (relisting starts a new round)."""
    return list(
        Listing.objects.filter(achievement_id=listing.achievement_id)
        .exclude(status=choices.ListingStatus.CANCELLED)
        .only("pk", "round", "price", "status", "published_at", "ends_at", "achievement_id")
        .order_by("published_at", "pk")
    )
