"""Writes for deals: interest, the negotiation room, agreement, contract registration and performance.

Every state change is one function: it locks the deal's row, checks the transition table, writes an
event row (who, when, from, to, note) and queues its notifications, which are e-mailed after commit.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.models import Organization, User
from keqiao.accounts.selectors import (
    contract_office_users,
    user_is_bureau,
    user_is_contract_office,
    user_organization_ids,
)
from keqiao.achievements.uploads import check_upload
from keqiao.common import text
from keqiao.common.errors import DomainError, NotPermitted
from keqiao.common.listing import check_transition

from . import choices
from .models import (
    MAX_AMOUNT,
    Contract,
    ContractEvent,
    Deal,
    DealCounter,
    DealEvent,
    DealInvitation,
    Meeting,
    Message,
    MessageAttachment,
    Milestone,
    Offer,
    Payment,
)

MAX_ATTACHMENTS_PER_MESSAGE = 5


# --- who is who ------------------------------------------------------------------------------------


def side_of(user, deal: Deal) -> Organization | None:
    """The party organisation `user` acts for in this deal (None for brokers, the bureau, strangers)."""
    orgs = user_organization_ids(user)
    if deal.initiator_id in orgs:
        return deal.initiator
    if deal.counterpart_id in orgs:
        return deal.counterpart
    return None


def is_invited(user, deal: Deal) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and DealInvitation.objects.filter(deal=deal, user=user).exists()
    )


def _require_party(user, deal: Deal, *, side: str | None = None) -> Organization:
    """Refuse anybody who does not act for a party (`side`: "initiator" or "counterpart" only)."""
    org = side_of(user, deal)
    if org is None:
        raise NotPermitted(_("Only the two parties of this negotiation can do this."))
    if side == "initiator" and org.pk != deal.initiator_id:
        raise NotPermitted(_("Only the organisation that expressed interest can do this."))
    if side == "counterpart" and org.pk != deal.counterpart_id:
        raise NotPermitted(_("Only the organisation that published the listing can do this."))
    return org


def _other_side(deal: Deal, org_id: int) -> int:
    return deal.counterpart_id if org_id == deal.initiator_id else deal.initiator_id


def _clean_text(value, *, field: str, max_length: int, required: bool = True, what=None) -> str:
    value = (value or "").strip()
    if required and not text.has_meaning(value):
        raise DomainError(what or _("Write a few words."), field=field)
    if len(value) > max_length:
        raise DomainError(
            _("At most %(max)d characters are allowed (you wrote %(n)d).")
            % {"max": max_length, "n": len(value)},
            field=field,
        )
    return value


# --- events and notifications ---------------------------------------------------------------------


def _event(deal: Deal, *, by, action: str, **kwargs) -> DealEvent:
    return DealEvent.record(deal, by=by, action=action, **kwargs)


def _org_users(org_ids) -> list[int]:
    return list(
        User.objects.filter(memberships__organization_id__in=list(org_ids), is_active=True)
        .values_list("pk", flat=True)
        .distinct()
    )


def _tell(deal: Deal, *, org_ids, title, key: str, exclude=None, brokers: bool = False) -> None:
    """Notify the members of `org_ids` (and invited brokers) in-app, e-mailed after commit."""
    from keqiao.deals.notification_kinds import DEAL
    from keqiao.notifications.services import notify

    user_ids = set(_org_users(org_ids))
    if brokers:
        user_ids |= set(deal.invitations.values_list("user_id", flat=True))
    if exclude is not None:
        user_ids.discard(exclude.pk)
    reason = str(_("Negotiation on “%(title)s”") % {"title": deal.listing.title})
    notify(
        {uid: (reason, None) for uid in user_ids},
        verb=DEAL,
        title=str(title),
        url=deal.get_absolute_url(),
        key=key,
    )


def _touch(deal: Deal) -> None:
    deal.last_activity_at = timezone.now()
    deal.stall_reminded_at = None
    deal.save(update_fields=["last_activity_at", "stall_reminded_at", "updated_at"])


def _lock(deal: Deal) -> Deal:
    return (
        Deal.objects.select_for_update(of=("self",))
        .select_related("achievement", "demand", "initiator", "counterpart")
        .get(pk=deal.pk)
    )


def _transition(deal: Deal, action: str, *, by, note: str = "") -> Deal:
    from_status, to_status = check_transition(deal, action, choices.DEAL_TRANSITIONS)
    deal.status = to_status
    deal.status_note = note[:500] if note else deal.status_note
    deal.last_activity_at = timezone.now()
    deal.stall_reminded_at = None
    deal.save(update_fields=["status", "status_note", "last_activity_at", "stall_reminded_at", "updated_at"])
    _event(deal, by=by, action=action, from_status=from_status, note=note)
    return deal


# --- interest --------------------------------------------------------------------------------------


@transaction.atomic
def deal_express_interest(*, by: User, organization: Organization, listing, mode: str, message: str) -> Deal:
    """An organisation tells the publisher of an achievement or demand that it is interested."""
    if organization.pk not in user_organization_ids(by):
        raise NotPermitted(_("You can only act for an organisation you belong to."))
    if not organization.is_verified:
        raise DomainError(_("Your organisation must be verified before it can express interest."))
    if not getattr(listing, "is_public", False):
        raise DomainError(_("Interest can only be expressed in a published listing."))
    if listing.organization_id == organization.pk:
        raise DomainError(_("This listing is your own organisation's."))
    if mode not in choices.DealMode.values:
        raise DomainError(_("Choose the mode of cooperation you have in mind."), field="mode")
    message = _clean_text(
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
    reason = _clean_text(reason, field="reason", max_length=500, what=_("Give a reason for declining."))
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
    reason = _clean_text(
        reason, field="reason", max_length=500, what=_("Give a reason for ending the negotiation.")
    )
    contract = Contract.objects.select_for_update().filter(deal=deal).first()
    if contract is not None and contract.status == choices.ContractStatus.SUBMITTED:
        raise DomainError(_("The contract is with the registration office; wait for its decision first."))
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
    _require_room(deal)
    body = _clean_text(body, field="body", max_length=5000, what=_("The message is empty."))
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
    _require_room(deal)
    if starts_at is None:
        raise DomainError(_("Give the meeting's date and time."), field="starts_at")
    if starts_at <= timezone.now():
        raise DomainError(_("The meeting must be in the future."), field="starts_at")
    place, online_link = (place or "").strip(), (online_link or "").strip()
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
        agenda=(agenda or "").strip()[:500],
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


def parse_amount(value, *, field: str, required: bool = True, positive: bool = False) -> Decimal | None:
    """Yuan with at most 2 decimals; refuse negative, absurd and malformed amounts with a clear message."""
    if value in (None, ""):
        if required:
            raise DomainError(_("Give the amount in yuan."), field=field)
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation as exc:
        raise DomainError(_("Write the amount as a number of yuan, e.g. 125000.00."), field=field) from exc
    if not amount.is_finite():
        raise DomainError(_("Write the amount as a number of yuan, e.g. 125000.00."), field=field)
    if amount < 0:
        raise DomainError(_("The amount cannot be negative."), field=field)
    if positive and amount == 0:
        raise DomainError(_("The amount must be more than zero."), field=field)
    if amount > MAX_AMOUNT:
        raise DomainError(_("The amount is implausibly large."), field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError(_("Amounts are in yuan with at most 2 decimals."), field=field)
    return amount.quantize(Decimal("0.01"))


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
    price = parse_amount(price, field="price")
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
        payment_note=(payment_note or "").strip()[:300],
        mode=mode,
        territory=(territory or "").strip()[:100],
        duration_months=duration_months or None,
        note=(note or "").strip()[:2000],
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
        note=str(_("On the terms of the offer of %(price)s yuan") % {"price": offer.price}),
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
    from keqiao.matching.services import user_is_broker

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
    from keqiao.deals.notification_kinds import DEAL
    from keqiao.notifications.services import notify

    notify(
        {broker.pk: (str(_("Invited by %(org)s") % {"org": side_of(by, deal)}), None)},
        verb=DEAL,
        title=str(_("You are invited to the negotiation on “%(title)s”") % {"title": deal.listing.title}),
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


# --- technology contracts --------------------------------------------------------------------------

CONTRACT_FIELDS = (
    "project_name",
    "contract_type",
    "transfer_object",
    "licence_kind",
    "seller_name",
    "seller_nature",
    "seller_region_code",
    "seller_legal_representative",
    "seller_contact",
    "buyer_name",
    "buyer_nature",
    "buyer_region_code",
    "buyer_legal_representative",
    "buyer_contact",
    "contract_amount",
    "technology_amount",
    "payment_method",
    "signed_on",
    "starts_on",
    "ends_on",
    "related_party",
    "ip_type",
    "tech_field",
    "socio_economic_objective",
    "plan_source",
    "expected_new_investment",
    "expected_new_output",
)
MONEY_FIELDS = ("contract_amount", "technology_amount", "expected_new_investment", "expected_new_output")


def party_nature(org: Organization) -> str:
    """The nature code (卖方/买方性质) of a party on the platform, from its organisation kind.

    Government bodies (the S&T bureaux, departments) are 010 机关, institutes 021, universities 022,
    enterprises 140 (the filer corrects it to 110/130/150… on the form), anything else 900.
    """
    return {
        Organization.Kind.UNIVERSITY: choices.PartyNature.UNIVERSITY,
        Organization.Kind.INSTITUTE: choices.PartyNature.INSTITUTE,
        Organization.Kind.ENTERPRISE: choices.PartyNature.PRIVATE,
        Organization.Kind.CITY_BUREAU: choices.PartyNature.GOVERNMENT,
        Organization.Kind.COUNTY_BUREAU: choices.PartyNature.GOVERNMENT,
        Organization.Kind.DEPARTMENT: choices.PartyNature.GOVERNMENT,
    }.get(org.kind, choices.PartyNature.OTHER)


def _region_code(org: Organization) -> str:
    code = org.region.code if org.region_id else ""
    if len(code) == 6 and code.isdigit():
        return code
    parent = org.region.parent if org.region_id else None
    return parent.code if parent is not None else settings.KEQIAO["CONTRACT_REGION_CODE"]


CONTRACT_TYPE_OF_MODE = {
    choices.DealMode.TRANSFER: choices.ContractType.TRANSFER,
    choices.DealMode.LICENCE_EXCLUSIVE: choices.ContractType.LICENCE,
    choices.DealMode.LICENCE_SOLE: choices.ContractType.LICENCE,
    choices.DealMode.LICENCE_ORDINARY: choices.ContractType.LICENCE,
    choices.DealMode.EQUITY: choices.ContractType.TRANSFER,
    choices.DealMode.JOINT_DEVELOPMENT: choices.ContractType.DEVELOPMENT_COOPERATIVE,
    choices.DealMode.COMMISSIONED_DEVELOPMENT: choices.ContractType.DEVELOPMENT_COMMISSIONED,
    choices.DealMode.CONSULTING: choices.ContractType.CONSULTING,
    choices.DealMode.SERVICE: choices.ContractType.SERVICE,
}
LICENCE_KIND_OF_MODE = {
    choices.DealMode.LICENCE_EXCLUSIVE: choices.LicenceKind.EXCLUSIVE,
    choices.DealMode.LICENCE_SOLE: choices.LicenceKind.SOLE,
    choices.DealMode.LICENCE_ORDINARY: choices.LicenceKind.ORDINARY,
}


def contract_initial(deal: Deal) -> dict:
    """The registration form pre-filled from an agreed deal: parties, amount, mode, field."""
    offer = deal.agreed_offer
    mode = offer.mode if offer else deal.mode
    seller, buyer = deal.seller, deal.buyer
    today = timezone.localdate()
    months = (offer.duration_months if offer else None) or 12
    initial = {
        "project_name": deal.listing.title[:200],
        "contract_type": CONTRACT_TYPE_OF_MODE.get(mode, choices.ContractType.TRANSFER),
        "licence_kind": LICENCE_KIND_OF_MODE.get(mode, ""),
        "seller_name": seller.name,
        "seller_nature": party_nature(seller),
        "seller_region_code": _region_code(seller),
        "seller_contact": " ".join(filter(None, [seller.contact_name, seller.contact_phone])),
        "buyer_name": buyer.name,
        "buyer_nature": party_nature(buyer),
        "buyer_region_code": _region_code(buyer),
        "buyer_contact": " ".join(filter(None, [buyer.contact_name, buyer.contact_phone])),
        "contract_amount": offer.price if offer else None,
        "technology_amount": offer.price if offer else None,
        "payment_method": offer.payment_method if offer else choices.PaymentMethod.LUMP_SUM,
        "signed_on": today,
        "starts_on": today,
        "ends_on": today + datetime.timedelta(days=round(months * 30.44)),
        "related_party": False,
        "tech_field": deal.listing.tech_field,
        "plan_source": choices.PlanSource.NONE,
    }
    if deal.achievement_id:
        initial["ip_type"] = _ip_type_of(list(deal.achievement.ip_items.values_list("kind", flat=True)))
    return initial


def _ip_type_of(kinds: list[str]) -> str:
    mapping = {
        "invention": choices.IPType.INVENTION_PATENT,
        "utility_model": choices.IPType.UTILITY_MODEL,
        "design": choices.IPType.DESIGN,
        "software": choices.IPType.SOFTWARE,
        "ic_layout": choices.IPType.IC_LAYOUT,
        "plant_variety": choices.IPType.VARIETY,
        "trade_secret": choices.IPType.KNOW_HOW,
    }
    for k in kinds:
        if k in mapping:
            return mapping[k]
    return choices.IPType.NONE if not kinds else choices.IPType.OTHER


def validate_contract_data(data: dict) -> dict:
    """The registration rules across fields; raises ValidationError(field -> messages)."""
    errors: dict[str, list] = {}
    cleaned = {k: data[k] for k in CONTRACT_FIELDS if k in data}
    for key in MONEY_FIELDS:
        if key in cleaned:
            try:
                cleaned[key] = parse_amount(
                    cleaned[key],
                    field=key,
                    required=key in ("contract_amount", "technology_amount"),
                    positive=key == "contract_amount",
                )
            except DomainError as exc:
                errors.setdefault(key, []).append(exc.message)
                cleaned[key] = None
    amount, tech = cleaned.get("contract_amount"), cleaned.get("technology_amount")
    if amount is not None and tech is not None and tech > amount:
        errors.setdefault("technology_amount", []).append(
            _("The technology transaction amount cannot exceed the contract amount.")
        )
    for key in ("seller_region_code", "buyer_region_code"):
        code = str(cleaned.get(key) or "").strip()
        if key in cleaned:
            cleaned[key] = code
            if not (len(code) == 6 and code.isdigit() and 11 <= int(code[:2]) <= 82):
                errors.setdefault(key, []).append(
                    _("Give the 6-digit administrative division code (GB/T 2260), e.g. 511402.")
                )
    ctype = cleaned.get("contract_type")
    if ctype in (choices.ContractType.TRANSFER, choices.ContractType.LICENCE):
        if not cleaned.get("transfer_object"):
            errors.setdefault("transfer_object", []).append(_("Say what the contract transfers or licenses."))
    elif ctype:
        cleaned["transfer_object"] = ""
    if ctype == choices.ContractType.LICENCE:
        if not cleaned.get("licence_kind"):
            errors.setdefault("licence_kind", []).append(_("Choose exclusive, sole or ordinary licence."))
    elif ctype:
        cleaned["licence_kind"] = ""
    signed, start, end = cleaned.get("signed_on"), cleaned.get("starts_on"), cleaned.get("ends_on")
    if start and end and end < start:
        errors.setdefault("ends_on", []).append(_("The term cannot end before it starts."))
    if signed and signed > timezone.localdate():
        errors.setdefault("signed_on", []).append(_("Only contracts already signed can be registered."))
    if signed and signed.year < 1990:
        errors.setdefault("signed_on", []).append(_("The signing date is implausibly early."))
    seller, buyer = (cleaned.get("seller_name") or "").strip(), (cleaned.get("buyer_name") or "").strip()
    if seller and buyer and seller == buyer:
        errors.setdefault("buyer_name", []).append(_("The buyer and the seller must be different parties."))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _contract_event(contract: Contract, *, by, action: str, **kwargs) -> ContractEvent:
    return ContractEvent.record(contract, by=by, action=action, **kwargs)


def _full_clean(contract: Contract) -> None:
    try:
        contract.full_clean(
            exclude=["organization", "created_by", "deal", "seller_organization", "buyer_organization"]
        )
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc


@transaction.atomic
def contract_create(
    *, by: User, organization: Organization, data: dict, deal: Deal | None = None, side: str = "seller"
) -> Contract:
    """File a technology contract, from an agreed deal or for a deal made off the platform.

    Off the platform, `side` says whether the filing organisation is the seller or the buyer.
    """
    if organization.pk not in user_organization_ids(by):
        raise NotPermitted(_("You can only act for an organisation you belong to."))
    if not organization.is_verified:
        raise DomainError(_("Your organisation must be verified before it can register contracts."))
    cleaned = validate_contract_data(data)
    contract = Contract(organization=organization, created_by=by, **cleaned)
    if deal is not None:
        deal = _lock(deal)
        if organization.pk not in deal.party_ids:
            raise NotPermitted(_("Only the two parties of this negotiation can do this."))
        if deal.status != choices.DealStatus.AGREED:
            raise DomainError(_("A contract can be registered once the negotiation is agreed."))
        if Contract.objects.filter(deal=deal).exists():
            raise DomainError(_("A contract has already been filed for this deal."))
        contract.deal = deal
        contract.seller_organization, contract.buyer_organization = deal.seller, deal.buyer
    elif side == "buyer":
        contract.buyer_organization = organization
    elif side == "seller":
        contract.seller_organization = organization
    else:
        raise DomainError(_("Say whether your organisation is the seller or the buyer."), field="side")
    _full_clean(contract)
    contract.save()
    _contract_event(contract, by=by, action="created")
    return contract


@transaction.atomic
def contract_update(*, contract: Contract, by: User, data: dict) -> Contract:
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.organization_id not in user_organization_ids(by):
        raise NotPermitted(_("Only the filing organisation can edit this contract."))
    if not contract.is_editable:
        raise DomainError(
            _("A registered contract cannot be edited; the registration office records corrections.")
            if contract.status == choices.ContractStatus.APPROVED
            else _("The contract cannot be edited while it is with the registration office.")
        )
    merged = {k: getattr(contract, k) for k in CONTRACT_FIELDS}
    merged.update({k: v for k, v in data.items() if k in CONTRACT_FIELDS})
    cleaned = validate_contract_data(merged)
    changes = _apply(contract, cleaned)
    _full_clean(contract)
    contract.save()
    if changes:
        _contract_event(contract, by=by, action="edited", from_status=contract.status, changes=changes)
    return contract


def _apply(contract: Contract, cleaned: dict) -> dict:
    from keqiao.common.listing import describe_value

    changes = {}
    for key, value in cleaned.items():
        old = getattr(contract, key)
        if old != value:
            changes[key] = [describe_value(old), describe_value(value)]
            setattr(contract, key, value)
    return changes


def _lock_contract(contract: Contract) -> Contract:
    return Contract.objects.select_for_update().get(pk=contract.pk)


def _contract_transition(contract: Contract, action: str, *, by, note: str = "") -> Contract:
    from_status, to_status = check_transition(contract, action, choices.CONTRACT_TRANSITIONS)
    contract.status = to_status
    contract.save(update_fields=["status", "updated_at"])
    _contract_event(contract, by=by, action=action, from_status=from_status, note=note)
    return contract


def _tell_contract(contract: Contract, *, user_ids, title, key: str) -> None:
    from keqiao.deals.notification_kinds import CONTRACT
    from keqiao.notifications.services import notify

    notify(
        {
            uid: (str(_("Technology contract “%(name)s”") % {"name": contract.project_name}), None)
            for uid in user_ids
        },
        verb=CONTRACT,
        title=str(title),
        url=contract.get_absolute_url(),
        key=key,
    )


@transaction.atomic
def contract_submit(*, contract: Contract, by: User) -> Contract:
    # Lock order everywhere: the deal, then its contract (deal_terminate does the same).
    if contract.deal_id:
        _lock(Deal(pk=contract.deal_id))
    contract = _lock_contract(contract)
    if contract.organization_id not in user_organization_ids(by):
        raise NotPermitted(_("Only the filing organisation can submit this contract."))
    if contract.deal_id and contract.deal.status != choices.DealStatus.AGREED:
        raise DomainError(
            _("The negotiation behind this contract is “%(status)s”; it can no longer be registered.")
            % {"status": contract.deal.get_status_display()}
        )
    _contract_transition(contract, "submit", by=by)
    contract.submitted_at = timezone.now()
    contract.save(update_fields=["submitted_at"])
    _tell_contract(
        contract,
        user_ids=[u.pk for u in contract_office_users()],
        title=_("Contract submitted for registration: %(name)s") % {"name": contract.project_name},
        key=f"contract:{contract.pk}:submit:{contract.events.count()}",
    )
    return contract


def _require_office(by: User, contract: Contract | None = None) -> None:
    if not user_is_contract_office(by):
        raise NotPermitted(_("Only the technology contract registration office can do this."))
    parties = (
        {contract.organization_id, contract.seller_organization_id, contract.buyer_organization_id}
        if contract is not None
        else set()
    )
    if parties & user_organization_ids(by):
        raise NotPermitted(
            _("The registration office cannot decide on a contract its own organisation is party to.")
        )


@transaction.atomic
def contract_return(*, contract: Contract, by: User, comment: str) -> Contract:
    contract = _lock_contract(contract)
    _require_office(by, contract)
    comment = _clean_text(comment, field="comment", max_length=2000, what=_("Say what must be corrected."))
    _contract_transition(contract, "return", by=by, note=comment)
    contract.review_comment, contract.reviewed_by = comment, by
    contract.save(update_fields=["review_comment", "reviewed_by"])
    _tell_contract(
        contract,
        user_ids=_org_users([contract.organization_id]),
        title=_("Contract returned for revision: %(name)s") % {"name": contract.project_name},
        key=f"contract:{contract.pk}:return:{contract.events.count()}",
    )
    return contract


def _next_registration_number(year: int) -> str:
    """Year + the city's 6-digit division code + a 6-digit serial from a locked counter row."""
    DealCounter.objects.get_or_create(year=year)
    counter = DealCounter.objects.select_for_update().get(year=year)
    if counter.last_serial >= 999999:
        raise DomainError(
            _("The registration numbers of this year are exhausted; contact the administrator.")
        )
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    return f"{year}{settings.KEQIAO['CONTRACT_REGION_CODE']}{counter.last_serial:06d}"


@transaction.atomic
def contract_approve(*, contract: Contract, by: User, note: str = "") -> Contract:
    """The registration office recognises the contract and issues its registration number."""
    contract = _lock_contract(contract)
    _require_office(by, contract)
    _contract_transition(contract, "approve", by=by, note=(note or "").strip()[:2000])
    now = timezone.now()
    contract.approved_at, contract.reviewed_by = now, by
    contract.registered_on = timezone.localdate(now)
    contract.registration_number = _next_registration_number(contract.registered_on.year)
    contract.save(update_fields=["approved_at", "reviewed_by", "registered_on", "registration_number"])
    if contract.deal_id:
        deal = _lock(contract.deal)
        if deal.status == choices.DealStatus.AGREED:
            _transition(deal, "register", by=by, note=contract.registration_number)
    _tell_contract(
        contract,
        user_ids=_org_users(
            {contract.organization_id, contract.seller_organization_id, contract.buyer_organization_id}
            - {None}
        ),
        title=_("Contract registered under number %(number)s: %(name)s")
        % {"number": contract.registration_number, "name": contract.project_name},
        key=f"contract:{contract.pk}:approve",
    )
    return contract


CORRECTABLE_FIELDS = tuple(f for f in CONTRACT_FIELDS)


@transaction.atomic
def contract_correct(*, contract: Contract, by: User, data: dict, reason: str) -> Contract:
    """A registered contract is never edited: the office records a correction, with its reason."""
    contract = _lock_contract(contract)
    _require_office(by, contract)
    if contract.status != choices.ContractStatus.APPROVED:
        raise DomainError(_("Only registered contracts are corrected; others are edited by their filer."))
    reason = _clean_text(
        reason, field="reason", max_length=1000, what=_("Give the reason for the correction.")
    )
    merged = {k: getattr(contract, k) for k in CONTRACT_FIELDS}
    merged.update({k: v for k, v in data.items() if k in CORRECTABLE_FIELDS})
    cleaned = validate_contract_data(merged)
    # the signing date may be in the past only; re-validation above already checked it
    received = contract.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if cleaned["contract_amount"] < received:
        raise DomainError(
            _("The contract amount cannot be less than the payments already received (%(total)s yuan).")
            % {"total": received},
            field="contract_amount",
        )
    changes = _apply(contract, cleaned)
    if not changes:
        raise DomainError(_("The correction changes nothing."))
    _full_clean(contract)
    contract.save()
    _contract_event(
        contract, by=by, action="correct", from_status=contract.status, note=reason, changes=changes
    )
    _tell_contract(
        contract,
        user_ids=_org_users(
            {contract.organization_id, contract.seller_organization_id, contract.buyer_organization_id}
            - {None}
        ),
        title=_("The registration office corrected contract %(number)s")
        % {"number": contract.registration_number},
        key=f"contract:{contract.pk}:correct:{contract.events.count()}",
    )
    return contract


def _require_contract_party(by: User, contract: Contract) -> None:
    orgs = user_organization_ids(by)
    if not orgs & {contract.organization_id, contract.seller_organization_id, contract.buyer_organization_id}:
        raise NotPermitted(_("Only the parties of this contract can record its performance."))
    if contract.status != choices.ContractStatus.APPROVED:
        raise DomainError(_("Performance is recorded once the contract is registered."))


def _performing(contract: Contract, by) -> None:
    if contract.deal_id:
        deal = _lock(contract.deal)
        if deal.status == choices.DealStatus.REGISTERED:
            _transition(deal, "perform", by=by)


@transaction.atomic
def milestone_record(
    *, contract: Contract, by: User, title: str, due_on=None, done_on=None, note: str = ""
) -> Milestone:
    contract = _lock_contract(contract)
    _require_contract_party(by, contract)
    title = _clean_text(title, field="title", max_length=200, what=_("Name the milestone."))
    if done_on and done_on > timezone.localdate():
        raise DomainError(_("A milestone cannot be reached in the future."), field="done_on")
    milestone = Milestone.objects.create(
        contract=contract,
        title=title,
        due_on=due_on,
        done_on=done_on,
        note=(note or "").strip()[:500],
        recorded_by=by,
    )
    _contract_event(contract, by=by, action="milestone", from_status=contract.status, note=title)
    _performing(contract, by)
    return milestone


@transaction.atomic
def payment_record(*, contract: Contract, by: User, received_on, amount, note: str = "") -> Payment:
    contract = _lock_contract(contract)
    _require_contract_party(by, contract)
    amount = parse_amount(amount, field="amount", positive=True)
    if received_on is None:
        raise DomainError(_("Give the date the payment was received."), field="received_on")
    if received_on > timezone.localdate():
        raise DomainError(_("A payment cannot be received in the future."), field="received_on")
    received = contract.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if received + amount > contract.contract_amount:
        raise DomainError(
            _("Payments received (%(total)s yuan) would exceed the contract amount (%(amount)s yuan).")
            % {"total": received + amount, "amount": contract.contract_amount},
            field="amount",
        )
    payment = Payment.objects.create(
        contract=contract,
        received_on=received_on,
        amount=amount,
        note=(note or "").strip()[:500],
        recorded_by=by,
    )
    _contract_event(contract, by=by, action="payment", from_status=contract.status, note=f"{amount}")
    _performing(contract, by)
    return payment
