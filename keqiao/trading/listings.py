"""Writes for fixed-price listings (挂牌): publishing, intentions to buy and their qualification, the
outcome at the end of the period, relisting.

The period is counted in working days with China's public holidays and exchanged working days
(`keqiao.common.workdays`): it ends at midnight after the last working day, in the city's time. Every
write locks the listing's row first; the periodic close (`listings_maintain`, Celery beat and cron)
re-reads each due listing under its lock and does nothing to one already closed, so it is idempotent.

The outcome at the end (the rule the listing page states):
* one qualified buyer: a deal at the listing price (`deal_record_trade`, the path of a won auction);
* several: an auction among them, starting at the listing price, with the increment and bidding time
  stated in the listing; they are admitted with their deposits as recorded;
* none: a new round at the lower price stated in advance, if any; otherwise the listing closes and the
  holder may relist it at a lower price later. Intentions still undecided at the end do not count.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from keqiao.accounts.models import Organization, User
from keqiao.accounts.selectors import member_ids, require_active_organization, user_organization_ids
from keqiao.common import workdays, workflow
from keqiao.common.errors import DomainError, NotPermitted
from keqiao.common.money import format_yuan, parse_amount
from keqiao.common.workflow import clean_text
from keqiao.negotiations.choices import DealMode, PaymentMethod
from keqiao.negotiations.services import deal_record_trade
from keqiao.notifications.services import notify
from keqiao.notifications.text import gettext_lazy as _  # notification texts keep their message

from . import choices
from .models import Auction, AuctionEvent, Bidder, Intention, Listing, ListingEvent
from .notification_kinds import LISTING
from .services import followers_of

MAX_LISTING_DAYS = 60
MAX_AUCTION_HOURS = 168


def listing_end(published_at: datetime.datetime, days: int) -> datetime.datetime:
    """The end of a period of `days` working days published at `published_at`: midnight (city time)
    after the `days`-th working day following the day of publication."""
    last = workdays.add_working_days(timezone.localdate(published_at), days)
    midnight = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(midnight)


def _tell(listing: Listing, *, org_ids, title, key: str) -> None:
    reason = _("Listing of “%(title)s”") % {"title": listing.achievement.title}
    notify(
        {uid: (reason, None) for uid in member_ids(org_ids)},
        verb=LISTING,
        title=title,
        url=listing.get_absolute_url(),
        key=key,
    )


def _lock(listing: Listing) -> Listing:
    return workflow.lock(listing, "achievement")


def _require_holder(by: User, listing: Listing) -> None:
    if listing.organization_id not in user_organization_ids(by):
        raise NotPermitted(_("Only the holder of this listing can do this."))
    require_active_organization(listing.organization, allow_pending=False)


def _given(value, default):
    """The value typed, or the default when nothing was (0 is a value, and refused as such)."""
    return default if value in (None, "") else value


def _int(value, *, field: str, low: int, high: int, message) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = low - 1
    if not low <= number <= high:
        raise DomainError(message, field=field)
    return number


def validate_listing_data(data: dict) -> dict:
    """The listing's terms, checked field by field (the first fault is raised, naming its field)."""
    mode = data.get("mode") or ""
    if mode not in DealMode.values:
        raise DomainError(_("Choose the transfer mode."), field="mode")
    payment_method = data.get("payment_method") or PaymentMethod.LUMP_SUM
    if payment_method not in PaymentMethod.values:
        raise DomainError(_("Choose the payment terms."), field="payment_method")
    price = parse_amount(data.get("price"), field="price", positive=True)
    conditions = clean_text(
        data.get("conditions"),
        field="conditions",
        max_length=2000,
        what=_("State the conditions buyers must meet."),
    )
    deposit = parse_amount(data.get("deposit") or "0", field="deposit")
    period_days = _int(
        _given(data.get("period_days"), choices.DEFAULT_LISTING_DAYS),
        field="period_days",
        low=1,
        high=MAX_LISTING_DAYS,
        message=_("The listing period must be between 1 and %(max)d working days.")
        % {"max": MAX_LISTING_DAYS},
    )
    increment = parse_amount(data.get("auction_increment"), field="auction_increment")
    if increment == 0:
        raise DomainError(_("The bid increment must be more than zero."), field="auction_increment")
    hours = _int(
        _given(data.get("auction_hours"), 24),
        field="auction_hours",
        low=1,
        high=MAX_AUCTION_HOURS,
        message=_("Bidding among several buyers must last between 1 and %(max)d hours.")
        % {"max": MAX_AUCTION_HOURS},
    )
    relist_price = data.get("relist_price")
    if relist_price in (None, ""):
        relist_price = None
    else:
        relist_price = parse_amount(relist_price, field="relist_price", positive=True)
        if relist_price >= price:
            raise DomainError(
                _("The relisting price must be lower than the listing price."), field="relist_price"
            )
    return {
        "mode": mode,
        "payment_method": payment_method,
        "price": price,
        "conditions": conditions,
        "deposit": deposit,
        "period_days": period_days,
        "auction_increment": increment,
        "auction_hours": hours,
        "relist_price": relist_price,
    }


def _publish(*, by, organization, achievement, cleaned: dict, now, previous=None, actor=None) -> Listing:
    listing = Listing.objects.create(
        achievement=achievement,
        organization=organization,
        created_by=by,
        published_at=now,
        ends_at=listing_end(now, cleaned["period_days"]),
        round=(previous.round + 1) if previous else 1,
        previous=previous,
        **cleaned,
    )
    ListingEvent.record(listing, by=actor, action="created", to_status=listing.status)
    notify(
        followers_of(achievement, exclude_org_id=organization.pk),
        verb=LISTING,
        title=_("Listed at %(price)s yuan: “%(title)s”, intentions until %(end)s")
        % {
            "price": format_yuan(listing.price),
            "title": achievement.title,
            "end": timezone.localdate(listing.ends_at - datetime.timedelta(seconds=1)).isoformat(),
        },
        url=listing.get_absolute_url(),
        key=f"listing:{listing.pk}:published",
    )
    return listing


@transaction.atomic
def listing_create(*, by: User, organization: Organization, achievement, data: dict) -> Listing:
    """The holder of a published achievement lists its transfer or licence at a fixed price."""
    if organization.pk not in user_organization_ids(by):
        raise NotPermitted(_("You can only act for an organisation you belong to."))
    require_active_organization(
        organization,
        allow_pending=False,
        pending_message=_("Your organisation must be verified before it can list an achievement."),
    )
    if achievement.organization_id != organization.pk:
        raise NotPermitted(_("Only the holder of an achievement can list it."))
    if not achievement.is_public:
        raise DomainError(_("Only a published achievement can be listed."), field="achievement")
    cleaned = validate_listing_data(data)
    if Listing.objects.filter(achievement=achievement, status=choices.ListingStatus.OPEN).exists():
        raise DomainError(_("This achievement is already listed."), field="achievement")
    if Auction.objects.filter(achievement=achievement, status=choices.AuctionStatus.OPEN).exists():
        raise DomainError(_("This achievement is up for auction."), field="achievement")
    return _publish(
        by=by,
        organization=organization,
        achievement=achievement,
        cleaned=cleaned,
        now=timezone.now(),
        actor=by,
    )


@transaction.atomic
def listing_cancel(*, listing: Listing, by: User, reason: str) -> Listing:
    """The holder withdraws a listing no buyer has been qualified for yet."""
    listing = _lock(listing)
    _require_holder(by, listing)
    reason = clean_text(reason, field="reason", max_length=500, what=_("Give a reason for withdrawing."))
    if listing.intentions.filter(status=choices.IntentionStatus.ACCEPTED).exists():
        raise DomainError(_("A listing with qualified buyers cannot be withdrawn; it closes at its end."))
    workflow.transition(
        listing,
        "cancel",
        choices.LISTING_TRANSITIONS,
        event=ListingEvent,
        by=by,
        note=reason,
        status_note=reason,
        closed_at=timezone.now(),
    )
    _tell(
        listing,
        org_ids=set(listing.intentions.values_list("organization_id", flat=True)),
        title=_("The listing of “%(title)s” was withdrawn") % {"title": listing.title},
        key=f"listing:{listing.pk}:cancel",
    )
    return listing


@transaction.atomic
def listing_relist(*, listing: Listing, by: User, price) -> Listing:
    """The holder relists a listing that closed without a buyer, at a lower price: a new round."""
    listing = _lock(listing)
    _require_holder(by, listing)
    if listing.status != choices.ListingStatus.UNSOLD:
        raise DomainError(_("Only a listing that closed without a buyer can be relisted."))
    price = parse_amount(price, field="price", positive=True)
    if price >= listing.price:
        raise DomainError(
            _("The new price must be lower than %(price)s yuan.") % {"price": format_yuan(listing.price)},
            field="price",
        )
    if Auction.objects.filter(
        achievement_id=listing.achievement_id, status=choices.AuctionStatus.OPEN
    ).exists():
        raise DomainError(_("This achievement is up for auction."))
    return _relist(listing, price=price, by=by, now=timezone.now())


def _relist(listing: Listing, *, price, by, now) -> Listing:
    note = str(
        _("Round %(round)d at %(price)s yuan") % {"round": listing.round + 1, "price": format_yuan(price)}
    )
    workflow.transition(
        listing,
        "relist",
        choices.LISTING_TRANSITIONS,
        event=ListingEvent,
        by=by,
        note=note,
        status_note=note,
        closed_at=listing.closed_at or now,
    )
    cleaned = {
        f: getattr(listing, f)
        for f in (
            "mode",
            "payment_method",
            "conditions",
            "deposit",
            "period_days",
            "auction_increment",
            "auction_hours",
        )
    }
    return _publish(
        by=listing.created_by,
        organization=listing.organization,
        achievement=listing.achievement,
        cleaned={**cleaned, "price": price, "relist_price": None},
        now=now,
        previous=listing,
        actor=by,
    )


# --- intentions to buy -----------------------------------------------------------------------------


@transaction.atomic
def intention_register(
    *, listing: Listing, by: User, organization: Organization, qualification: str
) -> Intention:
    """An organisation registers its intention to take the listing, stating its qualification."""
    listing = _lock(listing)
    if organization.pk not in user_organization_ids(by):
        raise NotPermitted(_("You can only act for an organisation you belong to."))
    require_active_organization(
        organization,
        allow_pending=False,
        pending_message=_("Your organisation must be verified before it can register an intention."),
    )
    if organization.pk == listing.organization_id:
        raise NotPermitted(_("The holder cannot register an intention to buy its own listing."))
    if organization.kind in Organization.GOVERNMENT_KINDS:
        raise NotPermitted(_("Government bodies do not buy listed achievements."))
    if not listing.is_open or timezone.now() >= listing.ends_at:
        raise DomainError(_("The listing period is over; intentions are no longer taken."))
    qualification = clean_text(
        qualification,
        field="qualification",
        max_length=1000,
        what=_("State how your organisation meets the conditions for buyers."),
    )
    if listing.intentions.filter(organization=organization).exists():
        raise DomainError(_("Your organisation has already registered its intention."))
    intention = Intention.objects.create(
        listing=listing, organization=organization, registered_by=by, qualification=qualification
    )
    ListingEvent.record(listing, by=by, action="intention", from_status=listing.status)
    _tell(
        listing,
        org_ids=[listing.organization_id],
        title=_("%(org)s intends to take “%(title)s”: check its qualification")
        % {"org": organization.name, "title": listing.title},
        key=f"listing:{listing.pk}:intention:{intention.pk}",
    )
    return intention


@transaction.atomic
def intention_decide(*, intention: Intention, by: User, accept: bool, note: str = "") -> Intention:
    """The holder accepts an intending buyer's qualification (recording the deposit) or refuses it."""
    listing = _lock(intention.listing)
    intention = Intention.objects.select_for_update().get(pk=intention.pk)
    _require_holder(by, listing)
    if not listing.is_open or timezone.now() >= listing.ends_at:
        raise DomainError(_("The listing period is over; qualifications can no longer be decided."))
    if intention.status != choices.IntentionStatus.PENDING:
        raise DomainError(_("This intention has already been decided on."))
    note = clean_text(note, field="note", max_length=200, required=False)
    if accept and listing.deposit and not note:
        raise DomainError(
            _("Record how and when the deposit of %(amount)s yuan was received.")
            % {"amount": format_yuan(listing.deposit)},
            field="note",
        )
    if not accept and not note:
        raise DomainError(_("Give the reason why the buyer does not qualify."), field="note")
    intention.status = choices.IntentionStatus.ACCEPTED if accept else choices.IntentionStatus.REFUSED
    intention.deposit_recorded = bool(accept and listing.deposit)
    intention.decision_note = note
    intention.decided_by, intention.decided_at = by, timezone.now()
    intention.save(update_fields=["status", "deposit_recorded", "decision_note", "decided_by", "decided_at"])
    # The note may say how a deposit was paid: private to the holder and the buyer, not in the timeline.
    ListingEvent.record(listing, by=by, action="accept" if accept else "refuse", from_status=listing.status)
    _tell(
        listing,
        org_ids=[intention.organization_id],
        title=(
            _("You qualify as a buyer of “%(title)s”")
            if accept
            else _("You do not qualify as a buyer of “%(title)s”")
        )
        % {"title": listing.title},
        key=f"listing:{listing.pk}:decide:{intention.pk}",
    )
    return intention


# --- the end of the period -------------------------------------------------------------------------


def _convert(listing: Listing, qualified: list[Intention], now) -> Auction:
    """An auction among the qualified buyers, starting at the listing price."""
    rules = _(
        "Converted from the fixed-price listing: %(n)d qualified buyers bid from the listing price of "
        "%(price)s yuan in steps of %(step)s yuan for %(hours)d hours."
    ) % {
        "n": len(qualified),
        "price": format_yuan(listing.price),
        "step": format_yuan(listing.auction_increment),
        "hours": listing.auction_hours,
    }
    auction = Auction.objects.create(
        achievement=listing.achievement,
        organization=listing.organization,
        created_by=listing.created_by,
        mode=listing.mode,
        payment_method=listing.payment_method,
        conditions=f"{listing.conditions}\n\n{rules}"[:2000],
        reserve_price=listing.price,
        reserve_visible=True,
        starting_price=listing.price,
        increment=listing.auction_increment,
        deposit=listing.deposit,
        starts_at=now,
        scheduled_ends_at=now + datetime.timedelta(hours=listing.auction_hours),
        ends_at=now + datetime.timedelta(hours=listing.auction_hours),
    )
    AuctionEvent.record(auction, by=None, action="created", to_status=auction.status, note=str(rules))
    for paddle, intention in enumerate(qualified, start=1):
        Bidder.objects.create(
            auction=auction,
            organization=intention.organization,
            registered_by=intention.registered_by,
            paddle=paddle,
            status=choices.BidderStatus.ACCEPTED,
            statement=intention.qualification[:500],
            deposit_recorded=intention.deposit_recorded,
            deposit_note=intention.decision_note,
            decided_at=now,
        )
    return auction


@transaction.atomic
def listing_close(*, listing: Listing, now: datetime.datetime | None = None) -> str:
    """Settle a listing whose period is over; returns what happened ('' if there was nothing to do)."""
    now = now or timezone.now()
    listing = _lock(listing)
    if listing.status != choices.ListingStatus.OPEN or now < listing.ends_at:
        return ""
    qualified = list(
        listing.intentions.filter(status=choices.IntentionStatus.ACCEPTED)
        .select_related("organization", "registered_by")
        .order_by("created_at", "pk")
    )
    intending = set(listing.intentions.values_list("organization_id", flat=True))
    title = listing.title
    if len(qualified) == 1:
        buyer = qualified[0]
        note = str(_("Taken at the listing price of %(price)s yuan") % {"price": format_yuan(listing.price)})
        deal = deal_record_trade(
            achievement=listing.achievement,
            buyer=buyer.organization,
            by=buyer.registered_by,
            price=listing.price,
            mode=listing.mode,
            payment_method=listing.payment_method,
            note=note,
        )
        workflow.transition(
            listing,
            "sell",
            choices.LISTING_TRANSITIONS,
            event=ListingEvent,
            by=None,
            note=note,
            deal=deal,
            closed_at=now,
        )
        _tell(
            listing,
            org_ids=[listing.organization_id, buyer.organization_id],
            title=_(
                "“%(title)s” taken at the listing price of %(price)s yuan: register the technology contract"
            )
            % {"title": title, "price": format_yuan(listing.price)},
            key=f"listing:{listing.pk}:sold",
        )
        others = intending - {buyer.organization_id}
        outcome = "sold"
    elif qualified:
        auction = _convert(listing, qualified, now)
        note = str(_("%(n)d qualified buyers: converted to an auction among them") % {"n": len(qualified)})
        workflow.transition(
            listing,
            "convert",
            choices.LISTING_TRANSITIONS,
            event=ListingEvent,
            by=None,
            note=note,
            status_note=note,
            auction=auction,
            closed_at=now,
        )
        _tell(
            listing,
            org_ids=[listing.organization_id, *(q.organization_id for q in qualified)],
            title=_("Several buyers qualified for “%(title)s”: bidding is open until %(end)s")
            % {"title": title, "end": timezone.localtime(auction.ends_at).strftime("%Y-%m-%d %H:%M")},
            key=f"listing:{listing.pk}:convert",
        )
        others = intending - {q.organization_id for q in qualified}
        outcome = "converted"
    else:
        note = str(_("No qualified buyer by the end of the listing period."))
        workflow.transition(
            listing,
            "no_sale",
            choices.LISTING_TRANSITIONS,
            event=ListingEvent,
            by=None,
            note=note,
            status_note=note,
            closed_at=now,
        )
        others = intending
        if listing.relist_price is not None:
            _relist(listing, price=listing.relist_price, by=None, now=now)
            outcome = "relisted"
            told = _("No buyer qualified for “%(title)s”: relisted at %(price)s yuan") % {
                "title": title,
                "price": format_yuan(listing.relist_price),
            }
        else:
            outcome = "unsold"
            told = _("No buyer qualified for “%(title)s”: the listing closed; you may relist it lower") % {
                "title": title
            }
        _tell(listing, org_ids=[listing.organization_id], title=told, key=f"listing:{listing.pk}:{outcome}")
    _tell(
        listing,
        org_ids=others,
        title=_("The listing of “%(title)s” has ended") % {"title": title},
        key=f"listing:{listing.pk}:ended",
    )
    return outcome


def listings_maintain(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Settle every listing whose period is over (periodic; each in its own transaction, idempotent)."""
    now = now or timezone.now()
    counts = {"sold": 0, "converted": 0, "relisted": 0, "unsold": 0}
    due = Listing.objects.filter(status=choices.ListingStatus.OPEN, ends_at__lte=now).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        outcome = listing_close(listing=Listing(pk=pk), now=now)
        if outcome:
            counts[outcome] += 1
    return counts
