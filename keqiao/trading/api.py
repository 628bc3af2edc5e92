"""JSON API of listed trading: auctions in public; registering, admitting, bidding and the ledger with a
session. Bidders appear by paddle number only."""

import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from keqiao.accounts.models import Organization
from keqiao.achievements.models import Achievement
from keqiao.common.pagination import MAX_OFFSET
from keqiao.common.schemas import Amount, Choice, Id, InputSchema, PositiveAmount, Text
from keqiao.negotiations.choices import DealMode, PaymentMethod

from . import choices, ledger, listings, selectors, services
from .models import Auction

router = Router(tags=["trading"])


class AuctionOut(Schema):
    id: int
    achievement_id: int
    title: str
    holder: str
    mode: str
    payment_method: str
    conditions: str
    status: str
    starting_price: Decimal
    increment: Decimal
    reserve_price: Decimal | None
    deposit: Decimal
    starts_at: datetime.datetime
    scheduled_ends_at: datetime.datetime
    ends_at: datetime.datetime
    extension_minutes: int
    extensions: int
    current_price: Decimal | None
    next_minimum: Decimal | None
    bid_count: int

    @staticmethod
    def resolve_holder(obj: Auction) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_reserve_price(obj: Auction) -> Decimal | None:
        return obj.reserve_price if obj.reserve_visible else None

    @staticmethod
    def resolve_next_minimum(obj: Auction) -> Decimal | None:
        return obj.next_minimum if obj.is_open else None


class BidOut(Schema):
    seq: int
    paddle: int
    amount: Decimal
    placed_at: datetime.datetime
    extended: bool


class MyStatus(Schema):
    paddle: int
    status: str
    leading: bool


class AuctionState(Schema):
    auction: AuctionOut
    me: MyStatus | None
    bids: list[BidOut]


@router.get("/trading/auctions", response=list[AuctionOut], summary="Auctions of the trading hall")
def auction_list(
    request,
    status: Choice([*choices.AuctionStatus.values, ""]) = "open",
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    qs = selectors.auctions_public()
    if status:
        qs = qs.filter(status=status)
    return list(qs[offset : offset + limit])


@router.get("/trading/auctions/{auction_id}", response=AuctionState, summary="An auction's live state")
def auction_detail(request, auction_id: int):
    auction = selectors.auction_for(request.user, auction_id)
    bidder = selectors.bidder_of(request.user, auction)
    me = None
    if bidder is not None:
        leading = auction.leading_bidder_id == bidder.pk
        me = {"paddle": bidder.paddle, "status": bidder.status, "leading": leading}
    return {"auction": auction, "me": me, "bids": selectors.bid_history(auction)}


class AuctionIn(InputSchema):
    achievement_id: Id
    mode: Choice(DealMode)
    payment_method: Choice(PaymentMethod) = PaymentMethod.LUMP_SUM
    conditions: Text(2000, required=True)
    starting_price: PositiveAmount
    increment: Amount
    reserve_price: Amount
    reserve_visible: bool = False
    deposit: Amount = Decimal("0")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    extension_minutes: int = 5


@router.post(
    "/trading/auctions",
    response={201: AuctionOut},
    summary="Put an achievement up for auction",
    auth=django_auth,
)
def auction_create(request, payload: AuctionIn):
    achievement = Achievement.objects.select_related("organization").filter(pk=payload.achievement_id).first()
    if achievement is None:
        raise Http404
    auction = services.auction_create(
        by=request.user, organization=achievement.organization, achievement=achievement, data=payload.dict()
    )
    return Status(201, auction)


class RegisterIn(InputSchema):
    organization_id: Id
    statement: Text(500) = ""


@router.post(
    "/trading/auctions/{auction_id}/bidders",
    response={201: MyStatus},
    summary="Register to bid",
    auth=django_auth,
)
def bidder_register(request, auction_id: int, payload: RegisterIn):
    auction = selectors.auction_for(request.user, auction_id)
    org = Organization.objects.filter(pk=payload.organization_id).first()
    if org is None:
        raise Http404
    bidder = services.bidder_register(
        auction=auction, by=request.user, organization=org, statement=payload.statement
    )
    return Status(201, {"paddle": bidder.paddle, "status": bidder.status, "leading": False})


class BidderOut(Schema):
    id: int
    paddle: int
    organization: str
    statement: str
    status: str
    deposit_recorded: bool
    deposit_note: str

    @staticmethod
    def resolve_organization(obj) -> str:
        return obj.organization.name


@router.get(
    "/trading/auctions/{auction_id}/bidders",
    response=list[BidderOut],
    summary="Registered bidders (organiser and bureau)",
    auth=django_auth,
)
def bidder_list(request, auction_id: int):
    auction = selectors.auction_for(request.user, auction_id)
    if not selectors.sees_bidders(request.user, auction):
        raise Http404
    return list(selectors.bidders_for_organiser(auction))


class DecideIn(InputSchema):
    note: Text(200) = ""


@router.post(
    "/trading/auctions/{auction_id}/bidders/{bidder_id}/{decision}",
    response=BidderOut,
    summary="Admit a registered bidder, or not (organiser)",
    auth=django_auth,
)
def bidder_decide(
    request, auction_id: int, bidder_id: int, decision: Choice(["accept", "refuse"]), payload: DecideIn
):
    auction = selectors.auction_for(request.user, auction_id)
    if not selectors.is_organiser(request.user, auction):
        raise Http404
    bidder = auction.bidders.filter(pk=bidder_id).first()
    if bidder is None:
        raise Http404
    return services.bidder_decide(
        bidder=bidder, by=request.user, accept=decision == "accept", note=payload.note
    )


class BidIn(InputSchema):
    amount: PositiveAmount


@router.post(
    "/trading/auctions/{auction_id}/bids", response={201: BidOut}, summary="Place a bid", auth=django_auth
)
def bid_create(request, auction_id: int, payload: BidIn):
    auction = selectors.auction_for(request.user, auction_id)
    return Status(201, services.bid_place(auction=auction, by=request.user, amount=payload.amount))


class LedgerCheck(Schema):
    valid: bool
    first_bad_seq: int | None
    bids: int
    head_hash: str


@router.get(
    "/trading/auctions/{auction_id}/ledger",
    summary="The bid ledger (paddle numbers only): organiser, bureau and admitted bidders",
    auth=django_auth,
)
def ledger_export(request, auction_id: int):
    auction = selectors.auction_for(request.user, auction_id)
    if not selectors.sees_ledger(request.user, auction):
        raise Http404
    return selectors.ledger_document(auction)


@router.get(
    "/trading/auctions/{auction_id}/ledger/verify",
    response=LedgerCheck,
    summary="Verify the bid ledger's hash chain",
    auth=django_auth,
)
def ledger_verify(request, auction_id: int):
    auction = selectors.auction_for(request.user, auction_id)
    if not selectors.sees_ledger(request.user, auction):
        raise Http404
    document = selectors.ledger_document(auction)
    valid, bad = ledger.verify(document)
    return {
        "valid": valid,
        "first_bad_seq": bad,
        "bids": len(document["bids"]),
        "head_hash": auction.head_hash,
    }


# --- agreed-price public notices ---------------------------------------------------------------------


class ObjectionOut(Schema):
    id: int
    reasons: str
    answer: str
    created_at: datetime.datetime
    answered_at: datetime.datetime | None
    attachments: int

    @staticmethod
    def resolve_attachments(obj) -> int:
        return len(obj.attachments.all())


class NoticeOut(Schema):
    id: int
    deal_id: int
    title: str
    holder: str
    counterparty: str
    mode: str
    price: Decimal
    pricing_basis: str
    valuation_title: str | None
    notice_days: int
    published_at: datetime.datetime
    ends_at: datetime.datetime
    status: str
    status_note: str

    @staticmethod
    def resolve_holder(obj) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_valuation_title(obj) -> str | None:
        return obj.valuation.title if obj.valuation_id else None


class NoticeDetail(Schema):
    notice: NoticeOut
    objections: list[ObjectionOut]


@router.get("/trading/notices", response=list[NoticeOut], summary="Agreed-price public notices")
def notice_list(
    request,
    status: Choice([*choices.NoticeStatus.values, ""]) = "open",
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    qs = selectors.notices_public()
    if status:
        qs = qs.filter(status=status)
    return list(qs[offset : offset + limit])


@router.get(
    "/trading/notices/{notice_id}", response=NoticeDetail, summary="A price notice and its objections"
)
def notice_detail(request, notice_id: int):
    notice = selectors.notice_for(notice_id)
    return {"notice": notice, "objections": list(notice.objections.prefetch_related("attachments"))}


class NoticeIn(InputSchema):
    deal_id: Id
    pricing_basis: Text(2000, required=True)
    notice_days: int | None = None
    valuation_id: Id | None = None


@router.post(
    "/trading/notices", response={201: NoticeOut}, summary="Publish an agreed price", auth=django_auth
)
def notice_create(request, payload: NoticeIn):
    deal = selectors.deal_for_notice(request.user, payload.deal_id)
    notice = services.notice_publish(
        deal=deal,
        by=request.user,
        pricing_basis=payload.pricing_basis,
        notice_days=payload.notice_days,
        valuation_id=payload.valuation_id,
    )
    return Status(201, notice)


class ObjectionIn(InputSchema):
    reasons: Text(3000, required=True)


@router.post(
    "/trading/notices/{notice_id}/objections",
    response={201: ObjectionOut},
    summary="Object to a price notice (attachments through the page)",
    auth=django_auth,
)
def objection_create(request, notice_id: int, payload: ObjectionIn):
    notice = selectors.notice_for(notice_id)
    return Status(201, services.objection_file(notice=notice, by=request.user, reasons=payload.reasons))


class ObjectionAnswerIn(InputSchema):
    answer: Text(3000, required=True)


@router.post(
    "/trading/notices/{notice_id}/objections/{objection_id}/answer",
    response=ObjectionOut,
    summary="Answer an objection (the holder)",
    auth=django_auth,
)
def objection_answer(request, notice_id: int, objection_id: int, payload: ObjectionAnswerIn):
    notice = selectors.notice_for(notice_id)
    objection = notice.objections.filter(pk=objection_id).first()
    if objection is None:
        raise Http404
    return services.objection_answer(objection=objection, by=request.user, answer=payload.answer)


# --- fixed-price listings ----------------------------------------------------------------------------


class ListingOut(Schema):
    id: int
    achievement_id: int
    title: str
    holder: str
    mode: str
    payment_method: str
    price: Decimal
    conditions: str
    deposit: Decimal
    period_days: int
    auction_increment: Decimal
    auction_hours: int
    relist_price: Decimal | None
    round: int
    previous_id: int | None
    published_at: datetime.datetime
    ends_at: datetime.datetime
    status: str
    status_note: str
    auction_id: int | None

    @staticmethod
    def resolve_holder(obj) -> str:
        return obj.organization.name


class IntentionStatusOut(Schema):
    id: int
    status: str
    qualification: str
    created_at: datetime.datetime


class ListingState(Schema):
    listing: ListingOut
    me: IntentionStatusOut | None


@router.get(
    "/trading/listings", response=list[ListingOut], summary="Fixed-price listings of the trading hall"
)
def listing_list(
    request,
    status: Choice([*choices.ListingStatus.values, ""]) = "open",
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    qs = selectors.listings_public()
    if status:
        qs = qs.filter(status=status)
    return list(qs[offset : offset + limit])


@router.get("/trading/listings/{listing_id}", response=ListingState, summary="A fixed-price listing")
def listing_detail(request, listing_id: int):
    listing = selectors.listing_for(request.user, listing_id)
    return {"listing": listing, "me": selectors.intention_of(request.user, listing)}


class ListingIn(InputSchema):
    achievement_id: Id
    mode: Choice(DealMode)
    payment_method: Choice(PaymentMethod) = PaymentMethod.LUMP_SUM
    price: PositiveAmount
    conditions: Text(2000, required=True)
    deposit: Amount = Decimal("0")
    period_days: int = choices.DEFAULT_LISTING_DAYS
    auction_increment: PositiveAmount
    auction_hours: int = 24
    relist_price: PositiveAmount | None = None


@router.post(
    "/trading/listings",
    response={201: ListingOut},
    summary="List an achievement at a fixed price",
    auth=django_auth,
)
def listing_create(request, payload: ListingIn):
    achievement = Achievement.objects.select_related("organization").filter(pk=payload.achievement_id).first()
    if achievement is None:
        raise Http404
    listing = listings.listing_create(
        by=request.user, organization=achievement.organization, achievement=achievement, data=payload.dict()
    )
    return Status(201, listing)


class IntentionIn(InputSchema):
    organization_id: Id
    qualification: Text(1000, required=True)


@router.post(
    "/trading/listings/{listing_id}/intentions",
    response={201: IntentionStatusOut},
    summary="Register an intention to buy (意向受让)",
    auth=django_auth,
)
def intention_register(request, listing_id: int, payload: IntentionIn):
    listing = selectors.listing_for(request.user, listing_id)
    org = Organization.objects.filter(pk=payload.organization_id).first()
    if org is None:
        raise Http404
    intention = listings.intention_register(
        listing=listing, by=request.user, organization=org, qualification=payload.qualification
    )
    return Status(201, intention)


class IntentionOut(Schema):
    id: int
    organization: str
    qualification: str
    status: str
    deposit_recorded: bool
    decision_note: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_organization(obj) -> str:
        return obj.organization.name


@router.get(
    "/trading/listings/{listing_id}/intentions",
    response=list[IntentionOut],
    summary="Intending buyers (holder and bureau)",
    auth=django_auth,
)
def intention_list(request, listing_id: int):
    listing = selectors.listing_for(request.user, listing_id)
    if not selectors.sees_intentions(request.user, listing):
        raise Http404
    return list(selectors.intentions_for_holder(listing))


@router.post(
    "/trading/listings/{listing_id}/intentions/{intention_id}/{decision}",
    response=IntentionOut,
    summary="Accept an intending buyer's qualification, or not (holder)",
    auth=django_auth,
)
def intention_decide(
    request, listing_id: int, intention_id: int, decision: Choice(["accept", "refuse"]), payload: DecideIn
):
    listing = selectors.listing_for(request.user, listing_id)
    if not selectors.is_holder(request.user, listing):
        raise Http404
    intention = listing.intentions.filter(pk=intention_id).first()
    if intention is None:
        raise Http404
    return listings.intention_decide(
        intention=intention, by=request.user, accept=decision == "accept", note=payload.note
    )


class RelistIn(InputSchema):
    price: PositiveAmount


@router.post(
    "/trading/listings/{listing_id}/relist",
    response={201: ListingOut},
    summary="Relist a listing that closed without a buyer, at a lower price (holder)",
    auth=django_auth,
)
def listing_relist(request, listing_id: int, payload: RelistIn):
    listing = selectors.listing_for(request.user, listing_id)
    if not selectors.is_holder(request.user, listing):
        raise Http404
    return Status(201, listings.listing_relist(listing=listing, by=request.user, price=payload.price))
