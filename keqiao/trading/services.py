"""Writes for listed trading: publishing an auction, admitting bidders, bidding, closing.

Every write locks the auction's row first (`select_for_update`): bids on one auction are serialised, so
two bids at the same instant never both lead, the minimum each one must reach is read after the previous
one committed, and an extension is applied exactly once per bid that qualifies. Closing claims the row
the same way and does nothing to an auction already closed, so the periodic run is idempotent.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from keqiao.accounts.models import Organization, User
from keqiao.accounts.selectors import (
    member_ids,
    require_active_organization,
    user_admin_organization_ids,
    user_organization_ids,
)
from keqiao.common import workflow
from keqiao.common.errors import DomainError, NotPermitted
from keqiao.common.money import format_yuan, parse_amount
from keqiao.common.uploads import check_upload
from keqiao.common.workflow import clean_text
from keqiao.evaluation.selectors import valuations_for_deal
from keqiao.matching.models import Subscription
from keqiao.negotiations.choices import DealMode, DealStatus, PaymentMethod
from keqiao.negotiations.models import Deal
from keqiao.negotiations.services import deal_record_trade, lock_deal
from keqiao.notifications.services import notify
from keqiao.notifications.text import gettext_lazy as _  # notification texts keep their message

from . import choices, ledger
from .models import (
    Auction,
    AuctionEvent,
    Bid,
    Bidder,
    NoticeEvent,
    NoticeSetting,
    Objection,
    ObjectionAttachment,
    PriceNotice,
)
from .notification_kinds import AUCTION

MAX_AUCTION_DAYS = 90
MAX_START_AHEAD = datetime.timedelta(days=366)


def _event(auction: Auction, *, by, action: str, **kwargs) -> AuctionEvent:
    return AuctionEvent.record(auction, by=by, action=action, **kwargs)


def _tell(auction: Auction, *, org_ids, title, key: str) -> None:
    reason = _("Auction of “%(title)s”") % {"title": auction.achievement.title}
    notify(
        {uid: (reason, None) for uid in member_ids(org_ids)},
        verb=AUCTION,
        title=title,
        url=auction.get_absolute_url(),
        key=key,
    )


def followers_of(achievement, *, exclude_org_id: int) -> dict[int, tuple[str, str | None]]:
    """Whoever follows the achievement, its holder or its technology field (matching's subscriptions),
    with the reason and the e-mail frequency they chose; the holder's own members are left out."""
    recipients: dict[int, tuple[str, str | None]] = {}
    for sub in Subscription.objects.filter(
        Q(kind=Subscription.Kind.FIELD, value=achievement.tech_field)
        | Q(kind=Subscription.Kind.ORGANIZATION, value=str(achievement.organization_id))
        | Q(kind=Subscription.Kind.ACHIEVEMENT, value=str(achievement.pk))
    ).select_related("user"):
        if sub.user.is_active:
            recipients.setdefault(
                sub.user_id, (_("You follow %(what)s") % {"what": sub.label or sub.value}, sub.frequency)
            )
    for uid in member_ids([exclude_org_id]):
        recipients.pop(uid, None)
    return recipients


def alert_followers(achievement, *, title, url: str, key: str, exclude_org_id: int) -> int:
    """Tell the followers of an auctioned achievement (see followers_of)."""
    recipients = followers_of(achievement, exclude_org_id=exclude_org_id)
    return len(notify(recipients, verb=AUCTION, title=title, url=url, key=key))


def _lock(auction: Auction) -> Auction:
    return workflow.lock(auction, "achievement")


def _require_organiser(by: User, auction: Auction) -> None:
    if auction.organization_id not in user_organization_ids(by):
        raise NotPermitted(_("Only the organiser of this auction can do this."))
    require_active_organization(auction.organization, allow_pending=False)


def _aware(value, field: str) -> datetime.datetime:
    if not isinstance(value, datetime.datetime):
        raise DomainError(_("Give a date and time."), field=field)
    if timezone.is_naive(value):  # a time without a zone is the platform's local time
        value = timezone.make_aware(value)
    return value


# --- publishing ------------------------------------------------------------------------------------


def validate_auction_data(data: dict, *, now: datetime.datetime) -> dict:
    """The auction's terms, checked field by field (the first fault is raised, naming its field)."""
    mode = data.get("mode") or ""
    if mode not in DealMode.values:
        raise DomainError(_("Choose the transfer mode."), field="mode")
    payment_method = data.get("payment_method") or PaymentMethod.LUMP_SUM
    if payment_method not in PaymentMethod.values:
        raise DomainError(_("Choose the payment terms."), field="payment_method")
    conditions = clean_text(
        data.get("conditions"),
        field="conditions",
        max_length=2000,
        what=_("State the conditions bidders must meet and the rules of the auction."),
    )
    starting_price = parse_amount(data.get("starting_price"), field="starting_price", positive=True)
    reserve_price = parse_amount(data.get("reserve_price"), field="reserve_price")
    increment = parse_amount(data.get("increment"), field="increment")
    if increment == 0:
        raise DomainError(_("The bid increment must be more than zero."), field="increment")
    deposit = parse_amount(data.get("deposit") or "0", field="deposit")
    starts_at = _aware(data.get("starts_at"), "starts_at")
    ends_at = _aware(data.get("ends_at"), "ends_at")
    if ends_at <= starts_at:
        raise DomainError(_("The auction must end after it starts."), field="ends_at")
    if ends_at <= now:
        raise DomainError(_("The end of the auction must be in the future."), field="ends_at")
    if starts_at > now + MAX_START_AHEAD:
        raise DomainError(_("An auction can start at most a year ahead."), field="starts_at")
    if ends_at - starts_at > datetime.timedelta(days=MAX_AUCTION_DAYS):
        raise DomainError(
            _("Bidding can last at most %(days)d days.") % {"days": MAX_AUCTION_DAYS}, field="ends_at"
        )
    try:
        extension = int(data.get("extension_minutes") or 0)
    except (TypeError, ValueError):
        extension = 0
    if not 1 <= extension <= 60:
        raise DomainError(_("The extension must be between 1 and 60 minutes."), field="extension_minutes")
    return {
        "mode": mode,
        "payment_method": payment_method,
        "conditions": conditions,
        "starting_price": starting_price,
        "reserve_price": reserve_price,
        "reserve_visible": bool(data.get("reserve_visible")),
        "increment": increment,
        "deposit": deposit,
        "starts_at": starts_at,
        "scheduled_ends_at": ends_at,
        "ends_at": ends_at,
        "extension_minutes": extension,
    }


@transaction.atomic
def auction_create(*, by: User, organization: Organization, achievement, data: dict) -> Auction:
    """The holder of a published achievement puts its transfer or licence up for auction."""
    if organization.pk not in user_organization_ids(by):
        raise NotPermitted(_("You can only act for an organisation you belong to."))
    require_active_organization(
        organization,
        allow_pending=False,
        pending_message=_("Your organisation must be verified before it can publish an auction."),
    )
    if achievement.organization_id != organization.pk:
        raise NotPermitted(_("Only the holder of an achievement can put it up for auction."))
    if not achievement.is_public:
        raise DomainError(_("Only a published achievement can be put up for auction."), field="achievement")
    cleaned = validate_auction_data(data, now=timezone.now())
    if Auction.objects.filter(achievement=achievement, status=choices.AuctionStatus.OPEN).exists():
        raise DomainError(_("This achievement is already up for auction."), field="achievement")
    if achievement.trading_listings.filter(status=choices.ListingStatus.OPEN).exists():
        raise DomainError(_("This achievement is listed at a fixed price."), field="achievement")
    auction = Auction.objects.create(
        achievement=achievement, organization=organization, created_by=by, **cleaned
    )
    _event(auction, by=by, action="created", to_status=auction.status)
    alert_followers(
        achievement,
        title=_("Up for auction: “%(title)s”, bidding until %(end)s")
        % {"title": achievement.title, "end": timezone.localtime(auction.ends_at).strftime("%Y-%m-%d %H:%M")},
        url=auction.get_absolute_url(),
        key=f"auction:{auction.pk}:published",
        exclude_org_id=organization.pk,
    )
    return auction


@transaction.atomic
def auction_cancel(*, auction: Auction, by: User, reason: str) -> Auction:
    """The organiser withdraws an auction nobody has bid in yet."""
    auction = _lock(auction)
    _require_organiser(by, auction)
    reason = clean_text(reason, field="reason", max_length=500, what=_("Give a reason for cancelling."))
    if auction.bid_count:
        raise DomainError(_("An auction with bids cannot be cancelled; it closes at its end."))
    workflow.transition(
        auction,
        "cancel",
        choices.AUCTION_TRANSITIONS,
        event=AuctionEvent,
        by=by,
        note=reason,
        status_note=reason,
        closed_at=timezone.now(),
    )
    _tell(
        auction,
        org_ids=set(auction.bidders.values_list("organization_id", flat=True)),
        title=_("The auction of “%(title)s” was cancelled") % {"title": auction.achievement.title},
        key=f"auction:{auction.pk}:cancel",
    )
    return auction


# --- bidders ---------------------------------------------------------------------------------------


@transaction.atomic
def bidder_register(*, auction: Auction, by: User, organization: Organization, statement: str = "") -> Bidder:
    """An organisation asks to bid; the organiser admits it (and records its deposit) or not."""
    auction = _lock(auction)
    if organization.pk not in user_organization_ids(by):
        raise NotPermitted(_("You can only act for an organisation you belong to."))
    require_active_organization(
        organization,
        allow_pending=False,
        pending_message=_("Your organisation must be verified before it can bid."),
    )
    if organization.pk == auction.organization_id:
        raise NotPermitted(_("The holder and organiser of an auction cannot bid in it."))
    if organization.kind in Organization.GOVERNMENT_KINDS:
        raise NotPermitted(_("Government bodies do not bid in auctions."))
    if not auction.is_open or timezone.now() >= auction.ends_at:
        raise DomainError(_("This auction is closed."))
    statement = clean_text(statement, field="statement", max_length=500, required=False)
    if auction.bidders.filter(organization=organization).exists():
        raise DomainError(_("Your organisation has already registered for this auction."))
    paddle = auction.bidders.count() + 1
    bidder = Bidder.objects.create(
        auction=auction, organization=organization, registered_by=by, paddle=paddle, statement=statement
    )
    _event(auction, by=by, action="register", from_status=auction.status, note=f"#{paddle}")
    _tell(
        auction,
        org_ids=[auction.organization_id],
        title=_("%(org)s registered to bid for “%(title)s”: admit it or not")
        % {"org": organization.name, "title": auction.achievement.title},
        key=f"auction:{auction.pk}:register:{bidder.pk}",
    )
    return bidder


@transaction.atomic
def bidder_decide(*, bidder: Bidder, by: User, accept: bool, note: str = "") -> Bidder:
    """The organiser admits a registered bidder (recording the deposit, when one is required) or not."""
    auction = _lock(bidder.auction)
    bidder = Bidder.objects.select_for_update().get(pk=bidder.pk)
    _require_organiser(by, auction)
    if not auction.is_open:
        raise DomainError(_("This auction is closed."))
    if bidder.status != choices.BidderStatus.PENDING:
        raise DomainError(_("This bidder has already been decided on."))
    note = clean_text(note, field="note", max_length=200, required=False)
    if accept and auction.deposit and not note:
        raise DomainError(
            _("Record how and when the deposit of %(amount)s yuan was received.")
            % {"amount": format_yuan(auction.deposit)},
            field="note",
        )
    if not accept and not note:
        raise DomainError(_("Give the reason for not admitting this bidder."), field="note")
    bidder.status = choices.BidderStatus.ACCEPTED if accept else choices.BidderStatus.REFUSED
    bidder.deposit_recorded = bool(accept and auction.deposit)
    bidder.deposit_note = note
    bidder.decided_by, bidder.decided_at = by, timezone.now()
    bidder.save(update_fields=["status", "deposit_recorded", "deposit_note", "decided_by", "decided_at"])
    # The note may say how a deposit was paid: private to the organiser and the bidder, not in the timeline.
    _event(
        auction,
        by=by,
        action="accept" if accept else "refuse",
        from_status=auction.status,
        note=f"#{bidder.paddle}",
    )
    _tell(
        auction,
        org_ids=[bidder.organization_id],
        title=(
            _("You may bid for “%(title)s”: your paddle number is %(paddle)d")
            if accept
            else _("You were not admitted to bid for “%(title)s”")
        )
        % {"title": auction.achievement.title, "paddle": bidder.paddle},
        key=f"auction:{auction.pk}:decide:{bidder.pk}",
    )
    return bidder


# --- bidding ---------------------------------------------------------------------------------------


def bid_place(*, auction: Auction, by: User, amount, now: datetime.datetime | None = None) -> Bid:
    """Place a bid. The auction's row is locked for the rest of the transaction: the checks below read
    the state the previous bid left, and the ledger's head moves one bid at a time. What does not change
    under the lock (the user's admitted registration: admission is never withdrawn) is read before it,
    so that the lock is held for three statements."""
    org_ids = user_organization_ids(by)
    bidder = (
        Bidder.objects.filter(
            auction_id=auction.pk, organization_id__in=org_ids, status=choices.BidderStatus.ACCEPTED
        )
        .order_by("paddle")
        .first()
        if org_ids
        else None
    )
    with transaction.atomic():
        auction = Auction.objects.select_for_update().get(pk=auction.pk)
        # The time of the bid is taken once the lock is held: bids are ordered by it.
        now = now or timezone.now()
        if auction.organization_id in org_ids:
            raise NotPermitted(_("The holder and organiser of an auction cannot bid in it."))
        if bidder is None:
            raise NotPermitted(_("Only bidders admitted by the organiser can bid."))
        if auction.status != choices.AuctionStatus.OPEN or now >= auction.ends_at:
            raise DomainError(_("Bidding has ended."), code="ended")
        if now < auction.starts_at:
            raise DomainError(_("Bidding has not started yet."), code="not_started")
        amount = parse_amount(amount, field="amount", positive=True)
        minimum = auction.next_minimum
        if amount < minimum:
            raise DomainError(
                _("Your bid must be at least %(minimum)s yuan.") % {"minimum": format_yuan(minimum)},
                field="amount",
                code="too_low",
            )
        # Read from the locked row itself: a join would be evaluated against the snapshot taken before
        # the lock was granted, and miss the bid of the transaction that held it.
        if auction.leading_bidder_id == bidder.pk:
            raise DomainError(_("You already hold the highest bid."), field="amount", code="leading")
        window = datetime.timedelta(minutes=auction.extension_minutes)
        extended = auction.ends_at - now < window
        ends_at = auction.ends_at + window if extended else auction.ends_at
        bid = Bid(
            auction=auction,
            seq=auction.bid_count + 1,
            bidder=bidder,
            paddle=bidder.paddle,
            placed_by=by,
            amount=amount,
            placed_at=now,
            ends_at_after=ends_at,
            extended=extended,
            prev_hash=auction.head_hash,
        )
        bid.row_hash = ledger.bid_hash(bid.ledger_row(), auction.head_hash)
        bid.save()
        outbid = auction.leading_bidder_id
        Auction.objects.filter(pk=auction.pk).update(
            current_price=amount,
            leading_bid=bid,
            leading_bidder=bidder,
            bid_count=bid.seq,
            head_hash=bid.row_hash,
            ends_at=ends_at,
            extensions=auction.extensions + int(extended),
            updated_at=now,
        )
    if outbid is not None:  # after the lock is released: telling the outbid bidder does not hold up bids
        _tell_outbid(auction, outbid, bid)
    return bid


def _tell_outbid(auction: Auction, bidder_pk: int, bid: Bid) -> None:
    org_id = Bidder.objects.values_list("organization_id", flat=True).get(pk=bidder_pk)
    _tell(
        auction,
        org_ids=[org_id],
        title=_("You were outbid on “%(title)s”: the price is now %(price)s yuan")
        % {"title": auction.achievement.title, "price": format_yuan(bid.amount)},
        key=f"auction:{auction.pk}:outbid:{bid.seq}",
    )


# --- closing ---------------------------------------------------------------------------------------


@transaction.atomic
def auction_close(*, auction: Auction, now: datetime.datetime | None = None) -> bool:
    """Close an auction whose (extended) end has passed: the highest bid at or above the reserve wins and
    becomes a deal at its price; otherwise there is no sale. False if there was nothing to do."""
    now = now or timezone.now()
    auction = _lock(auction)
    if auction.status != choices.AuctionStatus.OPEN or now < auction.ends_at:
        return False
    leading = auction.leading_bid
    bidder_orgs = set(auction.bidders.values_list("organization_id", flat=True))
    title = auction.achievement.title
    if leading is not None and auction.current_price >= auction.reserve_price:
        note = str(
            _("Won at auction for %(price)s yuan (bid %(seq)d of %(count)d)")
            % {"price": format_yuan(leading.amount), "seq": leading.seq, "count": auction.bid_count}
        )
        deal = deal_record_trade(
            achievement=auction.achievement,
            buyer=leading.bidder.organization,
            by=leading.placed_by,
            price=leading.amount,
            mode=auction.mode,
            payment_method=auction.payment_method,
            note=note,
        )
        workflow.transition(
            auction,
            "sell",
            choices.AUCTION_TRANSITIONS,
            event=AuctionEvent,
            by=None,
            note=note,
            deal=deal,
            closed_at=now,
        )
        _tell(
            auction,
            org_ids=[auction.organization_id, leading.bidder.organization_id],
            title=_("“%(title)s” sold at auction for %(price)s yuan: register the technology contract")
            % {"title": title, "price": format_yuan(leading.amount)},
            key=f"auction:{auction.pk}:sold",
        )
        others = bidder_orgs - {leading.bidder.organization_id}
    else:
        note = str(_("No bid reached the reserve price.") if leading else _("Nobody bid."))
        workflow.transition(
            auction,
            "no_sale",
            choices.AUCTION_TRANSITIONS,
            event=AuctionEvent,
            by=None,
            note=note,
            status_note=note,
            closed_at=now,
        )
        _tell(
            auction,
            org_ids=[auction.organization_id],
            title=_("The auction of “%(title)s” ended without a sale") % {"title": title},
            key=f"auction:{auction.pk}:unsold",
        )
        others = bidder_orgs
    _tell(
        auction,
        org_ids=others,
        title=_("The auction of “%(title)s” has ended") % {"title": title},
        key=f"auction:{auction.pk}:ended",
    )
    return True


def auctions_maintain(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Close every auction whose end has passed (periodic; each one closed in its own transaction)."""
    now = now or timezone.now()
    counts = {"sold": 0, "unsold": 0}
    due = Auction.objects.filter(status=choices.AuctionStatus.OPEN, ends_at__lte=now).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        if auction_close(auction=Auction(pk=pk), now=now):
            status = Auction.objects.values_list("status", flat=True).get(pk=pk)
            counts["sold" if status == choices.AuctionStatus.SOLD else "unsold"] += 1
    return counts


# --- agreed-price public notices (协议定价公示) ------------------------------------------------------

NOTICE_HOLDER_KINDS = (Organization.Kind.UNIVERSITY, Organization.Kind.INSTITUTE)
MAX_OBJECTION_FILES = 5


def _notice_event(notice: PriceNotice, *, by, action: str, **kwargs) -> NoticeEvent:
    return NoticeEvent.record(notice, by=by, action=action, **kwargs)


def _tell_notice(notice: PriceNotice, *, user_ids, title, key: str) -> None:
    reason = _("Price notice of “%(title)s”") % {"title": notice.title}
    notify(
        {uid: (reason, None) for uid in user_ids},
        verb=AUCTION,
        title=title,
        url=notice.get_absolute_url(),
        key=key,
    )


def notice_days_for(organization: Organization) -> int:
    setting = NoticeSetting.objects.filter(organization=organization).first()
    return setting.notice_days if setting else choices.DEFAULT_NOTICE_DAYS


@transaction.atomic
def notice_setting_save(*, organization: Organization, by: User, notice_days) -> NoticeSetting:
    """An organisation's administrator sets its notice period (5 to 60 days)."""
    if organization.pk not in user_admin_organization_ids(by):
        raise NotPermitted(_("Only an administrator of the organisation can change its settings."))
    try:
        days = int(notice_days)
    except (TypeError, ValueError):
        days = 0
    if not 5 <= days <= 60:
        raise DomainError(_("The notice period must be between 5 and 60 days."), field="notice_days")
    setting, _created = NoticeSetting.objects.update_or_create(
        organization=organization, defaults={"notice_days": days}
    )
    return setting


@transaction.atomic
def notice_publish(
    *, deal: Deal, by: User, pricing_basis: str, notice_days=None, valuation_id=None
) -> PriceNotice:
    """The university or institute that agreed a price in a negotiation publishes it for public notice.
    The pricing basis may cite a valuation shared into the negotiation room (evaluation capability)."""
    deal = lock_deal(deal)
    seller = deal.seller
    if seller.pk not in user_organization_ids(by):
        raise NotPermitted(_("Only the technology side of the deal publishes its price notice."))
    require_active_organization(seller, allow_pending=False)
    if seller.kind not in NOTICE_HOLDER_KINDS:
        raise DomainError(_("Price notices are published by universities and research institutes."))
    if deal.status != DealStatus.AGREED or deal.agreed_offer_id is None:
        raise DomainError(_("A price notice is published once the negotiation is agreed."))
    existing = PriceNotice.objects.filter(deal=deal).first()
    if existing is not None and existing.status != choices.NoticeStatus.WITHDRAWN:
        raise DomainError(_("This deal's price is already noticed."))
    pricing_basis = clean_text(
        pricing_basis,
        field="pricing_basis",
        max_length=2000,
        what=_("State how the price was set: a valuation, a pricing dossier or the method used."),
    )
    valuation = None
    if valuation_id not in (None, ""):
        valuation = next((v for v in valuations_for_deal(by, deal) if str(v.pk) == str(valuation_id)), None)
        if valuation is None:
            raise DomainError(_("Cite a valuation shared into this negotiation room."), field="valuation")
    days = notice_days_for(seller) if notice_days in (None, "") else notice_days
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 5 <= days <= 60:
        raise DomainError(_("The notice period must be between 5 and 60 days."), field="notice_days")
    offer = deal.agreed_offer
    now = timezone.now()
    if existing is not None:  # one notice per deal: a withdrawn price is renegotiated, not re-noticed
        raise DomainError(_("A withdrawn notice cannot be published again; the deal must be renegotiated."))
    notice = PriceNotice.objects.create(
        deal=deal,
        organization=seller,
        created_by=by,
        title=deal.listing.title[:200],
        counterparty=deal.buyer.name[:100],
        mode=offer.mode,
        price=offer.price,
        pricing_basis=pricing_basis,
        valuation=valuation,
        notice_days=days,
        published_at=now,
        ends_at=now + datetime.timedelta(days=days),
    )
    _notice_event(notice, by=by, action="published", to_status=notice.status)
    if deal.achievement_id:
        alert_followers(
            deal.achievement,
            title=_("Agreed price under public notice: “%(title)s”") % {"title": notice.title},
            url=notice.get_absolute_url(),
            key=f"notice:{notice.pk}:published",
            exclude_org_id=seller.pk,
        )
    return notice


@transaction.atomic
def objection_file(*, notice: PriceNotice, by: User, reasons: str, files=()) -> Objection:
    """Anyone signed in objects to an open notice, with reasons and attachments."""
    notice = workflow.lock(notice)
    if not getattr(by, "is_authenticated", False):
        raise NotPermitted(_("Sign in to file an objection."))
    if not notice.is_open or timezone.now() >= notice.ends_at:
        raise DomainError(_("The notice period is over; objections are no longer taken."))
    reasons = clean_text(
        reasons, field="reasons", max_length=3000, what=_("Give the reasons for your objection.")
    )
    files = list(files or [])
    if len(files) > MAX_OBJECTION_FILES:
        raise DomainError(_("At most %(max)d files.") % {"max": MAX_OBJECTION_FILES}, field="files")
    checked = []
    for f in files:
        try:
            checked.append((f, check_upload(f)))
        except ValidationError as exc:
            raise DomainError(f"{f.name}: {' '.join(exc.messages)}", field="files") from exc
    objection = Objection.objects.create(notice=notice, author=by, reasons=reasons)
    for f, mime in checked:
        ObjectionAttachment.objects.create(
            objection=objection, file=f, original_name=f.name[:200], content_type=mime, size=f.size
        )
    _notice_event(notice, by=by, action="objection", from_status=notice.status)
    _tell_notice(
        notice,
        user_ids=member_ids([notice.organization_id]),
        title=_("An objection to the price notice of “%(title)s”: answer it") % {"title": notice.title},
        key=f"notice:{notice.pk}:objection:{objection.pk}",
    )
    return objection


@transaction.atomic
def objection_answer(*, objection: Objection, by: User, answer: str) -> Objection:
    """The holder answers an objection (once); the notice passes only when every objection is answered."""
    notice = workflow.lock(objection.notice)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if notice.organization_id not in user_organization_ids(by):
        raise NotPermitted(_("Only the holder that published the notice answers objections."))
    if not notice.is_open:
        raise DomainError(_("The notice is closed."))
    if objection.answered_at:
        raise DomainError(_("This objection has already been answered."))
    objection.answer = clean_text(answer, field="answer", max_length=3000, what=_("Write the answer."))
    objection.answered_by, objection.answered_at = by, timezone.now()
    objection.save(update_fields=["answer", "answered_by", "answered_at"])
    _notice_event(notice, by=by, action="answer", from_status=notice.status)
    _tell_notice(
        notice,
        user_ids=[objection.author_id],
        title=_("Your objection to the price notice of “%(title)s” was answered") % {"title": notice.title},
        key=f"notice:{notice.pk}:answer:{objection.pk}",
    )
    return objection


@transaction.atomic
def notice_withdraw(*, notice: PriceNotice, by: User, reason: str) -> PriceNotice:
    notice = workflow.lock(notice)
    if notice.organization_id not in user_organization_ids(by):
        raise NotPermitted(_("Only the holder that published the notice can withdraw it."))
    reason = clean_text(reason, field="reason", max_length=500, what=_("Give a reason for withdrawing."))
    workflow.transition(
        notice,
        "withdraw",
        choices.NOTICE_TRANSITIONS,
        event=NoticeEvent,
        by=by,
        note=reason,
        status_note=reason,
        closed_at=timezone.now(),
    )
    return notice


def notices_maintain(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Pass every open notice whose period is over and whose objections are all answered (periodic,
    idempotent: each notice is re-read under its lock). A notice with an unanswered objection stays open."""
    now = now or timezone.now()
    passed = 0
    due = PriceNotice.objects.filter(status=choices.NoticeStatus.OPEN, ends_at__lte=now).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        with transaction.atomic():
            notice = PriceNotice.objects.select_for_update().get(pk=pk)
            if (
                not notice.is_open
                or notice.ends_at > now
                or notice.objections.filter(answered_at__isnull=True).exists()
            ):
                continue
            workflow.transition(
                notice, "pass", choices.NOTICE_TRANSITIONS, event=NoticeEvent, by=None, closed_at=now
            )
            _tell_notice(
                notice,
                user_ids=member_ids([notice.organization_id, notice.deal.buyer.pk]),
                title=_("The price notice of “%(title)s” has passed: the contract can be registered")
                % {"title": notice.title},
                key=f"notice:{notice.pk}:passed",
            )
            passed += 1
    return {"passed": passed}


def require_passed_notice(contract) -> None:
    """Contract registration of a negotiated deal whose technology side is a university or institute
    needs its agreed price noticed and passed (registered with contracts in TradingConfig.ready())."""
    deal = contract.deal
    if deal is None or getattr(deal, "auction", None) is not None:
        return  # off-platform contracts, and auctions, whose price was set in public
    if getattr(deal, "fixed_listing", None) is not None:
        return  # a listing's price was itself publicly noticed for its period
    if deal.seller.kind not in NOTICE_HOLDER_KINDS:
        return
    notice = PriceNotice.objects.filter(deal=deal).first()
    if notice is None and not settings.KEQIAO["PRICE_NOTICE_REQUIRED"]:
        return
    if notice is None or notice.status != choices.NoticeStatus.PASSED:
        raise DomainError(
            _("The price agreed by a university or research institute must pass its public notice first.")
        )
