"""Writes for negotiations: interest, the negotiation room, offers, meetings and agreement.

Every state change is one function: it locks the deal's row, checks the transition table, writes an
event row (who, when, from, to, note) and queues its notifications, which are e-mailed after commit.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from keqiao.accounts.models import Organization, User
from keqiao.accounts.selectors import (
    member_ids,
    require_active_organization,
    user_is_broker,
    user_is_bureau,
    user_organization_ids,
)
from keqiao.common import workflow
from keqiao.common.errors import DomainError, NotPermitted
from keqiao.common.money import format_yuan, parse_amount
from keqiao.common.uploads import check_upload
from keqiao.common.workflow import clean_text
from keqiao.notifications.services import notify
from keqiao.notifications.text import gettext_lazy as _  # notification texts keep their message

from . import choices
from .models import (
    Deal,
    DealEvent,
    DealInvitation,
    Meeting,
    Message,
    MessageAttachment,
    Offer,
)
from .notification_kinds import DEAL
from .selectors import is_invited, side_of

MAX_ATTACHMENTS_PER_MESSAGE = 5
MEETING_HORIZON = datetime.timedelta(days=2 * 366)

# Checks run (inside the transaction, the deal's row locked) before a negotiation may be terminated.
# Apps above this one append to it in their ready(): contracts refuses while a contract is under review.
termination_guards: list = []


# --- who is who ------------------------------------------------------------------------------------


def _require_party(user, deal: Deal, *, side: str | None = None) -> Organization:
    """Refuse anybody who does not act for a party (`side`: "initiator" or "counterpart" only)."""
    org = side_of(user, deal)
    if org is None:
        raise NotPermitted(_("Only the two parties of this negotiation can do this."))
    if side == "initiator" and org.pk != deal.initiator_id:
        raise NotPermitted(_("Only the organisation that expressed interest can do this."))
    if side == "counterpart" and org.pk != deal.counterpart_id:
        raise NotPermitted(_("Only the organisation that published the listing can do this."))
    require_active_organization(org, allow_pending=False)
    return org


def _other_side(deal: Deal, org_id: int) -> int:
    return deal.counterpart_id if org_id == deal.initiator_id else deal.initiator_id


# --- events and notifications ---------------------------------------------------------------------


def _event(deal: Deal, *, by, action: str, **kwargs) -> DealEvent:
    return DealEvent.record(deal, by=by, action=action, **kwargs)


def _tell(deal: Deal, *, org_ids, title, key: str, exclude=None, brokers: bool = False) -> None:
    """Notify the members of `org_ids` (and invited brokers) in-app, e-mailed after commit."""
    user_ids = set(member_ids(org_ids))
    if brokers:
        user_ids |= set(deal.invitations.values_list("user_id", flat=True))
    if exclude is not None:
        user_ids.discard(exclude.pk)
    reason = _("Negotiation on “%(title)s”") % {"title": deal.listing.title}
    notify(
        {uid: (reason, None) for uid in user_ids},
        verb=DEAL,
        title=title,
        url=deal.get_absolute_url(),
        key=key,
    )


def _touch(deal: Deal) -> None:
    deal.last_activity_at = timezone.now()
    deal.stall_reminded_at = None
    deal.save(update_fields=["last_activity_at", "stall_reminded_at", "updated_at"])


def lock_deal(deal: Deal) -> Deal:
    """The deal's row, locked. Lock order everywhere: the deal first, then its contract."""
    return workflow.lock(deal, "achievement", "demand", "initiator", "counterpart")


_lock = lock_deal


def _transition(deal: Deal, action: str, *, by, note: str = "") -> Deal:
    workflow.transition(
        deal,
        action,
        choices.DEAL_TRANSITIONS,
        event=DealEvent,
        by=by,
        note=note,
        status_note=note[:500] if note else deal.status_note,
        last_activity_at=timezone.now(),
        stall_reminded_at=None,
    )
    return deal


@transaction.atomic
def deal_contract_registered(*, deal: Deal, by: User, registration_number: str) -> Deal:
    """The deal's contract was registered by the registration office: the deal is registered too."""
    deal = lock_deal(deal)
    if deal.status == choices.DealStatus.AGREED:
        _transition(deal, "register", by=by, note=registration_number)
    return deal


@transaction.atomic
def deal_contract_performing(*, deal: Deal, by: User) -> Deal:
    """The first milestone or payment of the deal's contract was recorded."""
    deal = lock_deal(deal)
    if deal.status == choices.DealStatus.REGISTERED:
        _transition(deal, "perform", by=by)
    return deal


# --- interest --------------------------------------------------------------------------------------


@transaction.atomic
def deal_express_interest(*, by: User, organization: Organization, listing, mode: str, message: str) -> Deal:
    """An organisation tells the publisher of an achievement or demand that it is interested."""
    if organization.pk not in user_organization_ids(by):
        raise NotPermitted(_("You can only act for an organisation you belong to."))
    require_active_organization(
        organization,
        allow_pending=False,
        pending_message=_("Your organisation must be verified before it can express interest."),
    )
    if not getattr(listing, "is_public", False):
        raise DomainError(_("Interest can only be expressed in a published listing."))
    if listing.organization_id == organization.pk:
        raise DomainError(_("This listing is your own organisation's."))
    if mode not in choices.DealMode.values:
        raise DomainError(_("Choose the mode of cooperation you have in mind."), field="mode")
    message = clean_text(
        message, field="message", max_length=2000, what=_("Tell the other side what interests you.")
    )
    kind = "achievement" if listing.__class__.__name__ == "Achievement" else "demand"
    open_deals = Deal.objects.filter(
        initiator=organization, status__in=choices.OPEN_STATUSES, **{kind: listing}
    )
    if open_deals.exists():
        raise DomainError(_("Your organisation already has an open expression of interest in this listing."))
    try:
        with transaction.atomic():
            deal = Deal.objects.create(
                initiator=organization,
                initiated_by=by,
                counterpart_id=listing.organization_id,
                mode=mode,
                message=message,
                last_activity_at=timezone.now(),
                **{kind: listing},
            )
    except IntegrityError as exc:  # a concurrent request won the race
        raise DomainError(
            _("Your organisation already has an open expression of interest in this listing.")
        ) from exc
    _event(deal, by=by, action="interest", note=message)
    _tell(
        deal,
        org_ids=[deal.counterpart_id],
        title=_("%(org)s is interested in “%(title)s”") % {"org": organization.name, "title": listing.title},
        key=f"deal:{deal.pk}:interest",
    )
    return deal


@transaction.atomic
def deal_accept(*, deal: Deal, by: User) -> Deal:
    deal = _lock(deal)
    _require_party(by, deal, side="counterpart")
    _transition(deal, "accept", by=by)
    _tell(
        deal,
        org_ids=[deal.initiator_id],
        title=_("Your interest in “%(title)s” was accepted: the negotiation room is open")
        % {"title": deal.listing.title},
        key=f"deal:{deal.pk}:accept",
    )
    return deal


@transaction.atomic
def deal_decline(*, deal: Deal, by: User, reason: str) -> Deal:
    deal = _lock(deal)
    _require_party(by, deal, side="counterpart")
    reason = clean_text(reason, field="reason", max_length=500, what=_("Give a reason for declining."))
    _transition(deal, "decline", by=by, note=reason)
    _tell(
        deal,
        org_ids=[deal.initiator_id],
        title=_("Your interest in “%(title)s” was declined") % {"title": deal.listing.title},
        key=f"deal:{deal.pk}:decline",
    )
    return deal


@transaction.atomic
def deal_withdraw(*, deal: Deal, by: User) -> Deal:
    deal = _lock(deal)
    _require_party(by, deal, side="initiator")
    _transition(deal, "withdraw", by=by)
    _tell(
        deal,
        org_ids=[deal.counterpart_id],
        title=_("%(org)s withdrew its interest in “%(title)s”")
        % {"org": deal.initiator.name, "title": deal.listing.title},
        key=f"deal:{deal.pk}:withdraw",
    )
    return deal


@transaction.atomic
def deal_terminate(*, deal: Deal, by: User, reason: str) -> Deal:
    deal = _lock(deal)
    org = _require_party(by, deal)
    reason = clean_text(
        reason, field="reason", max_length=500, what=_("Give a reason for ending the negotiation.")
    )
    for guard in termination_guards:
        guard(deal)
    _transition(deal, "terminate", by=by, note=reason)
    deal.offers.filter(status=choices.OfferStatus.OPEN).update(status=choices.OfferStatus.SUPERSEDED)
    _tell(
        deal,
        org_ids=[_other_side(deal, org.pk)],
        title=_("The negotiation on “%(title)s” was terminated") % {"title": deal.listing.title},
        key=f"deal:{deal.pk}:terminate",
        brokers=True,
    )
    return deal


@transaction.atomic
def deal_complete(*, deal: Deal, by: User, note: str = "") -> Deal:
    deal = _lock(deal)
    org = _require_party(by, deal)
    _transition(deal, "complete", by=by, note=(note or "").strip()[:500])
    _tell(
        deal,
        org_ids=[_other_side(deal, org.pk)],
        title=_("The deal on “%(title)s” is completed") % {"title": deal.listing.title},
        key=f"deal:{deal.pk}:complete",
    )
    return deal


@transaction.atomic
def deal_record_trade(
    *, achievement, buyer: Organization, by: User, price, mode: str, payment_method: str, note: str
) -> Deal:
    """A deal concluded by listed trading (an auction won, a listing taken): agreed at a fixed price.

    The deal starts as agreed with an accepted offer at the price, so that the technology contract is filed
    from it like any negotiated deal. An open negotiation of the buyer on the same achievement is closed
    first (the trade settles it).
    """
    for open_deal in Deal.objects.select_for_update().filter(
        achievement=achievement, initiator=buyer, status__in=choices.OPEN_STATUSES
    ):
        if open_deal.status == choices.DealStatus.AGREED:
            raise DomainError(_("The buyer has already agreed a deal on this achievement by negotiation."))
        action = "withdraw" if open_deal.status == choices.DealStatus.INTEREST else "terminate"
        _transition(open_deal, action, by=by, note=str(note)[:500])
    now = timezone.now()
    deal = Deal.objects.create(
        achievement=achievement,
        initiator=buyer,
        initiated_by=by,
        counterpart_id=achievement.organization_id,
        mode=mode,
        message=str(note)[:2000],
        status=choices.DealStatus.AGREED,
        status_note=str(note)[:500],
        last_activity_at=now,
    )
    offer = Offer.objects.create(
        deal=deal,
        made_by=by,
        side=buyer,
        price=price,
        payment_method=payment_method,
        mode=mode,
        note=str(note)[:2000],
        status=choices.OfferStatus.ACCEPTED,
    )
    deal.agreed_offer = offer
    deal.save(update_fields=["agreed_offer"])
    _event(deal, by=by, action="trade", to_status=deal.status, note=str(note), changes={"price": str(price)})
    _tell(
        deal,
        org_ids=deal.party_ids,
        title=_("Agreement reached on “%(title)s”: register the technology contract")
        % {"title": achievement.title},
        key=f"deal:{deal.pk}:trade",
    )
    return deal


def deal_record_demand_award(
    *, demand, solver: Organization, by: User, price, mode: str, payment_method: str, note: str
) -> Deal:
    """A deal concluded by a challenge tender's award (揭榜): the demand's organisation commissions the
    solver at the price of its proposal. As deal_record_trade, the deal starts agreed with an accepted
    offer; an open negotiation of the solver on the same demand is closed first (the award settles it)."""
    for open_deal in Deal.objects.select_for_update().filter(
        demand=demand, initiator=solver, status__in=choices.OPEN_STATUSES
    ):
        if open_deal.status == choices.DealStatus.AGREED:
            raise DomainError(_("The solver has already agreed a deal on this demand by negotiation."))
        action = "withdraw" if open_deal.status == choices.DealStatus.INTEREST else "terminate"
        _transition(open_deal, action, by=by, note=str(note)[:500])
    now = timezone.now()
    deal = Deal.objects.create(
        demand=demand,
        initiator=solver,
        initiated_by=by,
        counterpart_id=demand.organization_id,
        mode=mode,
        message=str(note)[:2000],
        status=choices.DealStatus.AGREED,
        status_note=str(note)[:500],
        last_activity_at=now,
    )
    offer = Offer.objects.create(
        deal=deal,
        made_by=by,
        side=demand.organization,
        price=price,
        payment_method=payment_method,
        mode=mode,
        note=str(note)[:2000],
        status=choices.OfferStatus.ACCEPTED,
    )
    deal.agreed_offer = offer
    deal.save(update_fields=["agreed_offer"])
    _event(deal, by=by, action="trade", to_status=deal.status, note=str(note), changes={"price": str(price)})
    _tell(
        deal,
        org_ids=deal.party_ids,
        title=_("Agreement reached on “%(title)s”: register the technology contract")
        % {"title": demand.title},
        key=f"deal:{deal.pk}:trade",
    )
    return deal


# --- the room --------------------------------------------------------------------------------------


def _require_room(deal: Deal) -> None:
    if not deal.room_open:
        raise DomainError(
            _("The negotiation room is closed while the deal is “%(status)s”.")
            % {"status": deal.get_status_display()}
        )


def _start_negotiating(deal: Deal, by) -> None:
    """The first message, meeting or offer after acceptance turns the deal into a negotiation."""
    if deal.status == choices.DealStatus.ACCEPTED:
        _transition(deal, "negotiate", by=by)
    else:
        _touch(deal)


@transaction.atomic
def message_post(*, deal: Deal, by: User, body: str, files=(), reply_to: int | None = None) -> Message:
    deal = _lock(deal)
    org = side_of(by, deal)
    if org is None and not is_invited(by, deal):
        raise NotPermitted(_("Only the parties and invited brokers can write in this room."))
    if org is not None:  # a party writes for its organisation; an invited broker for nobody
        require_active_organization(org, allow_pending=False)
    _require_room(deal)
    body = clean_text(body, field="body", max_length=5000, what=_("The message is empty."))
    files = list(files or [])
    if len(files) > MAX_ATTACHMENTS_PER_MESSAGE:
        raise DomainError(
            _("At most %(max)d files per message.") % {"max": MAX_ATTACHMENTS_PER_MESSAGE}, field="files"
        )
    checked = []
    for f in files:
        try:
            checked.append((f, check_upload(f)))
        except ValidationError as exc:
            raise DomainError(f"{f.name}: {' '.join(exc.messages)}", field="files") from exc
    parent = None
    if reply_to:
        parent = deal.messages.filter(pk=reply_to).first()
        if parent is None:
            raise DomainError(_("The message you reply to is not in this room."), field="reply_to")
    msg = Message.objects.create(deal=deal, author=by, body=body, reply_to=parent)
    for f, mime in checked:
        MessageAttachment.objects.create(
            message=msg, file=f, original_name=f.name[:200], content_type=mime, size=f.size
        )
    _start_negotiating(deal, by)
    _tell(
        deal,
        org_ids=deal.party_ids,
        title=_("New message on “%(title)s”") % {"title": deal.listing.title},
        key=f"deal:{deal.pk}:message:{msg.pk}",
        exclude=by,
        brokers=True,
    )
    return msg


@transaction.atomic
def meeting_propose(
    *,
    deal: Deal,
    by: User,
    starts_at: datetime.datetime,
    place: str = "",
    online_link: str = "",
    agenda: str = "",
) -> Meeting:
    deal = _lock(deal)
    org = side_of(by, deal)
    if org is None and not is_invited(by, deal):
        raise NotPermitted(_("Only the parties and invited brokers can propose meetings."))
    if org is not None:  # a party writes for its organisation; an invited broker for nobody
        require_active_organization(org, allow_pending=False)
    _require_room(deal)
    if starts_at is None:
        raise DomainError(_("Give the meeting's date and time."), field="starts_at")
    if timezone.is_naive(starts_at):  # a time without a zone is the platform's local time
        starts_at = timezone.make_aware(starts_at)
    if starts_at <= timezone.now():
        raise DomainError(_("The meeting must be in the future."), field="starts_at")
    if starts_at > timezone.now() + MEETING_HORIZON:
        raise DomainError(_("A meeting can be proposed at most two years ahead."), field="starts_at")
    place = clean_text(place, field="place", max_length=200, required=False)
    online_link = clean_text(online_link, field="online_link", max_length=200, required=False)
    agenda = clean_text(agenda, field="agenda", max_length=500, required=False)
    if not place and not online_link:
        raise DomainError(_("Give a place or an online meeting link."), field="place")
    if online_link and not online_link.startswith(("https://", "http://")):
        raise DomainError(_("The online link must start with https://."), field="online_link")
    meeting = Meeting.objects.create(
        deal=deal,
        proposed_by=by,
        proposer_org=org,
        starts_at=starts_at,
        place=place[:200],
        online_link=online_link[:200],
        agenda=agenda,
    )
    _event(
        deal,
        by=by,
        action="meeting",
        note=f"{timezone.localtime(starts_at):%Y-%m-%d %H:%M} {place or online_link}",
    )
    _start_negotiating(deal, by)
    _tell(
        deal,
        org_ids=deal.party_ids,
        title=_("Meeting proposed on “%(title)s”") % {"title": deal.listing.title},
        key=f"deal:{deal.pk}:meeting:{meeting.pk}",
        exclude=by,
        brokers=True,
    )
    return meeting


@transaction.atomic
def meeting_respond(*, meeting: Meeting, by: User, confirm: bool) -> Meeting:
    deal = _lock(meeting.deal)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    org = _require_party(by, deal)
    _require_room(deal)
    if meeting.status != choices.MeetingStatus.PROPOSED:
        raise DomainError(_("This meeting has already been answered."))
    if meeting.proposer_org_id == org.pk:
        raise DomainError(_("The other side confirms or declines a meeting you proposed."))
    meeting.status = choices.MeetingStatus.CONFIRMED if confirm else choices.MeetingStatus.DECLINED
    meeting.responded_by = by
    meeting.save(update_fields=["status", "responded_by"])
    _event(deal, by=by, action="meeting_confirm" if confirm else "meeting_decline")
    _touch(deal)
    _tell(
        deal,
        org_ids=deal.party_ids,
        title=(_("Meeting confirmed on “%(title)s”") if confirm else _("Meeting declined on “%(title)s”"))
        % {"title": deal.listing.title},
        key=f"deal:{deal.pk}:meeting:{meeting.pk}:{meeting.status}",
        exclude=by,
        brokers=True,
    )
    return meeting


@transaction.atomic
def offer_make(
    *,
    deal: Deal,
    by: User,
    price,
    payment_method: str,
    mode: str,
    territory: str = "",
    duration_months: int | None = None,
    payment_note: str = "",
    note: str = "",
    replaces: int | None = None,
) -> Offer:
    """An offer, or a counter-offer to the other side's open offer (which it supersedes)."""
    deal = _lock(deal)
    org = _require_party(by, deal)
    _require_room(deal)
    price = parse_amount(price, field="price", positive=True)
    payment_note = clean_text(payment_note, field="payment_note", max_length=300, required=False)
    territory = clean_text(territory, field="territory", max_length=100, required=False)
    note = clean_text(note, field="note", max_length=2000, required=False)
    if payment_method not in choices.PaymentMethod.values:
        raise DomainError(_("Choose the payment terms."), field="payment_method")
    if mode not in choices.DealMode.values:
        raise DomainError(_("Choose the mode of cooperation."), field="mode")
    if duration_months is not None and not (1 <= int(duration_months) <= 600):
        raise DomainError(_("The duration must be between 1 and 600 months."), field="duration_months")
    previous = None
    if replaces:
        previous = deal.offers.filter(pk=replaces).first()
        if previous is None:
            raise DomainError(_("The offer you answer is not in this room."), field="replaces")
    deal.offers.filter(status=choices.OfferStatus.OPEN).update(status=choices.OfferStatus.SUPERSEDED)
    offer = Offer.objects.create(
        deal=deal,
        made_by=by,
        side=org,
        replaces=previous,
        price=price,
        payment_method=payment_method,
        payment_note=payment_note,
        mode=mode,
        territory=territory,
        duration_months=duration_months or None,
        note=note,
    )
    _event(
        deal, by=by, action="offer", changes={"price": str(price), "mode": mode, "payment": payment_method}
    )
    _start_negotiating(deal, by)
    _tell(
        deal,
        org_ids=[_other_side(deal, org.pk)],
        title=_("New offer on “%(title)s”: %(price)s yuan") % {"title": deal.listing.title, "price": price},
        key=f"deal:{deal.pk}:offer:{offer.pk}",
        brokers=True,
    )
    return offer


def _answer_offer(offer: Offer, by: User, *, own) -> tuple[Deal, Offer]:
    """Lock the deal and the offer; only the other side answers an open offer (`own`: the refusal)."""
    deal = _lock(offer.deal)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    org = _require_party(by, deal)
    if offer.status != choices.OfferStatus.OPEN:
        raise DomainError(_("This offer is no longer open."))
    if offer.side_id == org.pk:
        raise DomainError(own)
    return deal, offer


@transaction.atomic
def offer_accept(*, offer: Offer, by: User) -> Deal:
    """Accepting the other side's open offer ends the negotiation as agreed on its terms."""
    deal, offer = _answer_offer(
        offer, by, own=_("The other side accepts your offer; you can make a new one instead.")
    )
    offer.status = choices.OfferStatus.ACCEPTED
    offer.save(update_fields=["status"])
    _event(deal, by=by, action="offer_accept", changes={"price": str(offer.price)})
    deal.agreed_offer = offer
    deal.save(update_fields=["agreed_offer"])
    _transition(
        deal,
        "agree",
        by=by,
        note=str(_("On the terms of the offer of %(price)s yuan") % {"price": format_yuan(offer.price)}),
    )
    _tell(
        deal,
        org_ids=deal.party_ids,
        title=_("Agreement reached on “%(title)s”: register the technology contract")
        % {"title": deal.listing.title},
        key=f"deal:{deal.pk}:agree",
        exclude=by,
        brokers=True,
    )
    return deal


@transaction.atomic
def offer_reject(*, offer: Offer, by: User) -> Offer:
    deal, offer = _answer_offer(offer, by, own=_("You cannot reject your own offer; make a new one instead."))
    offer.status = choices.OfferStatus.REJECTED
    offer.save(update_fields=["status"])
    _event(deal, by=by, action="offer_reject")
    _touch(deal)
    _tell(
        deal,
        org_ids=[offer.side_id],
        title=_("Your offer on “%(title)s” was rejected") % {"title": deal.listing.title},
        key=f"deal:{deal.pk}:offer:{offer.pk}:rejected",
    )
    return offer


@transaction.atomic
def broker_invite(*, deal: Deal, by: User, broker: User) -> DealInvitation:
    deal = _lock(deal)
    _require_party(by, deal)
    _require_room(deal)
    if not broker.is_active or not user_is_broker(broker):
        raise DomainError(_("Only registered technology brokers and service agencies can be invited."))
    if side_of(broker, deal) is not None:
        raise DomainError(_("This person already takes part as a party."))
    invitation, created = DealInvitation.objects.get_or_create(
        deal=deal, user=broker, defaults={"invited_by": by}
    )
    if not created:
        raise DomainError(_("This broker is already in the room."))
    _event(deal, by=by, action="invite", note=broker.get_full_name() or broker.username)
    _touch(deal)
    notify(
        {broker.pk: (_("Invited by %(org)s") % {"org": str(side_of(by, deal))}, None)},
        verb=DEAL,
        title=_("You are invited to the negotiation on “%(title)s”") % {"title": deal.listing.title},
        url=deal.get_absolute_url(),
        key=f"deal:{deal.pk}:invite:{broker.pk}",
    )
    return invitation


def bureau_viewed(*, deal: Deal, by: User) -> None:
    """The bureau reads rooms only for supervision; every reading is recorded in the timeline."""
    if user_is_bureau(by) and side_of(by, deal) is None:
        DealEvent.objects.create(
            deal=deal, actor=by, action="viewed_by_bureau", from_status=deal.status, to_status=deal.status
        )


# --- maintenance -----------------------------------------------------------------------------------


def deals_maintain(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Expire unanswered interest, remind stalled rooms, then close rooms still silent after the reminder.

    Each row is claimed with a conditional update, so two runs at once never act on the same deal twice.
    """
    now = now or timezone.now()
    conf = settings.KEQIAO
    counts = {"expired_interest": 0, "reminded": 0, "closed": 0}
    interest_cutoff = now - datetime.timedelta(days=conf["INTEREST_EXPIRY_DAYS"])
    stall_cutoff = now - datetime.timedelta(days=conf["ROOM_STALL_DAYS"])
    close_cutoff = now - datetime.timedelta(days=conf["ROOM_CLOSE_AFTER_REMINDER_DAYS"])

    def expire(qs, counter: str, note) -> None:
        for pk in list(qs.values_list("pk", flat=True)):
            with transaction.atomic():
                deal = Deal.objects.select_for_update().filter(pk=pk).first()
                if deal is None or not qs.filter(pk=pk).exists():
                    continue
                _transition(deal, "expire", by=None, note=str(note))
                deal.offers.filter(status=choices.OfferStatus.OPEN).update(
                    status=choices.OfferStatus.SUPERSEDED
                )
                _tell(
                    deal,
                    org_ids=deal.party_ids,
                    title=_("“%(title)s”: %(note)s") % {"title": deal.listing.title, "note": note},
                    key=f"deal:{deal.pk}:expire",
                )
                counts[counter] += 1

    expire(
        Deal.objects.filter(status=choices.DealStatus.INTEREST, created_at__lte=interest_cutoff),
        "expired_interest",
        _("the interest was not answered in time and has expired"),
    )
    expire(
        Deal.objects.filter(
            status__in=choices.ROOM_STATUSES,
            stall_reminded_at__isnull=False,
            stall_reminded_at__lte=close_cutoff,
            last_activity_at__lte=stall_cutoff,
        ),
        "closed",
        _("the negotiation room was closed after a long time without activity"),
    )
    for pk in list(
        Deal.objects.filter(
            status__in=choices.ROOM_STATUSES,
            last_activity_at__lte=stall_cutoff,
            stall_reminded_at__isnull=True,
        ).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            if not Deal.objects.filter(pk=pk, stall_reminded_at__isnull=True).update(stall_reminded_at=now):
                continue
            deal = Deal.objects.get(pk=pk)
            _event(deal, by=None, action="stall_reminder", from_status=deal.status)
            _tell(
                deal,
                org_ids=deal.party_ids,
                title=_(
                    "No activity for %(days)d days on “%(title)s”: continue, or the room closes in %(close)d days"
                )
                % {
                    "days": conf["ROOM_STALL_DAYS"],
                    "title": deal.listing.title,
                    "close": conf["ROOM_CLOSE_AFTER_REMINDER_DAYS"],
                },
                key=f"deal:{deal.pk}:stall:{now:%Y%m%d}",
            )
            counts["reminded"] += 1
    return counts
