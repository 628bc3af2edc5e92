"""Reads for deals and contracts, and who may see what. Anyone else gets a 404, never a hint."""

import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from keqiao.accounts.models import Membership, Organization
from keqiao.accounts.selectors import user_is_bureau, user_organization_ids
from keqiao.achievements.models import Achievement
from keqiao.demands.models import Demand

from . import choices
from .models import Deal, DealInvitation, Meeting, Message, MessageAttachment, Offer


def _deals() -> QuerySet[Deal]:
    return Deal.objects.select_related(
        "achievement", "demand", "initiator", "counterpart", "initiated_by", "agreed_offer"
    )


def public_listing(kind: str, pk: int):
    """The published achievement or demand an organisation may express interest in; 404 otherwise."""
    model = {"achievement": Achievement, "demand": Demand}.get(kind)
    if model is None:
        raise Http404
    listing = model.objects.select_related("organization").filter(pk=pk).first()
    if listing is None or not listing.is_public:
        raise Http404
    return listing


def deals_of_user(user) -> QuerySet[Deal]:
    """Deals of the user's organisations, and rooms the user was invited to as a broker."""
    if not getattr(user, "is_authenticated", False):
        return Deal.objects.none()
    orgs = user_organization_ids(user)
    return (
        _deals()
        .filter(Q(initiator_id__in=orgs) | Q(counterpart_id__in=orgs) | Q(invitations__user=user))
        .distinct()
    )


def deals_for_bureau() -> QuerySet[Deal]:
    return _deals().all()


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


def can_open(user, deal: Deal) -> bool:
    """Parties, invited brokers and (read-only) the bureau; the room needs accepted interest for brokers."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user_organization_ids(user) & deal.party_ids:
        return True
    if DealInvitation.objects.filter(deal=deal, user=user).exists():
        return True
    return user_is_bureau(user)


def deal_visible_to(user, pk: int) -> Deal:
    deal = _deals().filter(pk=pk).first()
    if deal is None or not can_open(user, deal):
        raise Http404
    return deal


def open_deal_for(user, listing) -> Deal | None:
    """The open deal of one of the user's organisations on this listing, if any."""
    orgs = user_organization_ids(user)
    if not orgs:
        return None
    kind = "achievement" if listing.__class__.__name__ == "Achievement" else "demand"
    return (
        Deal.objects.filter(initiator_id__in=orgs, status__in=choices.OPEN_STATUSES, **{kind: listing})
        .order_by("-id")
        .first()
    )


def attachment_visible_to(user, deal_pk: int, attachment_pk: int) -> MessageAttachment:
    deal = deal_visible_to(user, deal_pk)
    attachment = (
        MessageAttachment.objects.select_related("message")
        .filter(pk=attachment_pk, message__deal=deal)
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def room_contents(deal: Deal) -> dict:
    return {
        "messages": list(deal.messages.select_related("author").prefetch_related("attachments")),
        "offers": list(deal.offers.select_related("made_by", "side")),
        "meetings": list(deal.meetings.select_related("proposed_by", "proposer_org")),
        "invitations": list(deal.invitations.select_related("user")),
        "events": list(deal.events.select_related("actor")),
    }


def negotiation_marks(pairs, viewer_org_ids=None) -> dict[tuple[int, int], list[str]]:
    """For matched (achievement, demand) pairs: a deal between their two organisations on either listing
    that is still going or led to a contract (declined, withdrawn, expired and terminated ones are not
    marks), as "Already in talks: <status>"; one query for all pairs. Only deals that one of
    ``viewer_org_ids`` takes part in (all of them when None)."""
    if not pairs:
        return {}
    by_achievement: dict[tuple[int, int], list] = {}
    by_demand: dict[tuple[int, int], list] = {}
    for p in pairs:
        by_achievement.setdefault((p.achievement_id, p.demand_org_id), []).append(p)
        by_demand.setdefault((p.demand_id, p.achievement_org_id), []).append(p)
    closed = (
        choices.DealStatus.DECLINED,
        choices.DealStatus.WITHDRAWN,
        choices.DealStatus.EXPIRED,
        choices.DealStatus.TERMINATED,
    )
    deals = (
        Deal.objects.filter(
            Q(
                achievement_id__in={p.achievement_id for p in pairs},
                initiator_id__in={p.demand_org_id for p in pairs},
            )
            | Q(
                demand_id__in={p.demand_id for p in pairs},
                initiator_id__in={p.achievement_org_id for p in pairs},
            )
        )
        .exclude(status__in=closed)
        .only("achievement_id", "demand_id", "initiator_id", "counterpart_id", "status")
    )
    out: dict[tuple[int, int], list[str]] = {}
    for deal in deals:
        if viewer_org_ids is not None and not {deal.initiator_id, deal.counterpart_id} & viewer_org_ids:
            continue
        matched = by_achievement.get((deal.achievement_id, deal.initiator_id), []) + by_demand.get(
            (deal.demand_id, deal.initiator_id), []
        )
        label = _("Already in talks: %(status)s") % {"status": deal.get_status_display()}
        for pair in matched:
            labels = out.setdefault((pair.achievement_id, pair.demand_id), [])
            if label not in labels:
                labels.append(label)
    return out


# --- the workbench ----------------------------------------------------------------------------------


def open_deals_of_user(user, limit: int = 5) -> list[Deal]:
    """The user's deals still going (interest to contract), most recently active first."""
    return list(
        deals_of_user(user)
        .filter(status__in=choices.OPEN_STATUSES)
        .order_by("-last_activity_at", "-id")[:limit]
    )


def awaiting_answer(user) -> dict[str, int]:
    """What the other side of the user's open deals waits for: interest to accept or decline, offers to
    answer, meetings to confirm, and rooms whose last message was written by someone else (4 queries,
    none without an organisation)."""
    orgs = user_organization_ids(user)
    if not orgs:
        return {"interests": 0, "offers": 0, "meetings": 0, "messages": 0}
    mine = Q(deal__initiator_id__in=orgs) | Q(deal__counterpart_id__in=orgs)
    last_author = (
        Message.objects.filter(deal=OuterRef("pk")).order_by("-created_at", "-id").values("author_id")[:1]
    )
    return {
        "interests": Deal.objects.filter(status=choices.DealStatus.INTEREST, counterpart_id__in=orgs).count(),
        "offers": Offer.objects.filter(
            mine, status=choices.OfferStatus.OPEN, deal__status__in=choices.ROOM_STATUSES
        )
        .exclude(side_id__in=orgs)
        .count(),
        "meetings": Meeting.objects.filter(
            mine,
            status=choices.MeetingStatus.PROPOSED,
            starts_at__gte=timezone.now(),
            deal__status__in=choices.ROOM_STATUSES,
        )
        .exclude(proposer_org_id__in=orgs)
        .count(),
        "messages": Deal.objects.filter(
            Q(initiator_id__in=orgs) | Q(counterpart_id__in=orgs), status__in=choices.ROOM_STATUSES
        )
        .annotate(last_author=Subquery(last_author))
        .filter(last_author__isnull=False)
        .exclude(last_author__in=Membership.objects.filter(organization_id__in=orgs).values("user_id"))
        .count(),
    }


def upcoming_meetings(user, days: int = 14, limit: int = 5) -> list[Meeting]:
    """Meetings of the user's deals (parties and invited brokers) in the next ``days`` days, not declined."""
    now = timezone.now()
    return list(
        Meeting.objects.filter(
            deal__in=deals_of_user(user).filter(status__in=choices.ROOM_STATUSES).values("pk"),
            starts_at__gte=now,
            starts_at__lte=now + datetime.timedelta(days=days),
        )
        .exclude(status=choices.MeetingStatus.DECLINED)
        .select_related("deal__initiator", "deal__achievement", "deal__demand")
        .order_by("starts_at")[:limit]
    )


def broker_invitations(user) -> int:
    """Open rooms the user was invited to as a broker."""
    return DealInvitation.objects.filter(user=user, deal__status__in=choices.OPEN_STATUSES).count()
