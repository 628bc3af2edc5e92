"""Reads for events, scoped to the user: the public calendar and event pages; participants' own agendas;
what only the organiser sees (every participant, check-in, the schedule); statistics for the event page
and the plan dashboard (governance reads `event_statistics`)."""

from collections import Counter

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from keqiao.accounts.selectors import user_is_bureau, user_organization_ids
from keqiao.achievements.models import Achievement
from keqiao.demands.models import Demand
from keqiao.matching.explain import explanation, grade_label
from keqiao.matching.index import matches_for

from . import choices
from .models import Event, MeetingRequest, Participant

OPEN_REQUESTS = (choices.RequestStatus.PENDING, choices.RequestStatus.ACCEPTED)


def events_public() -> QuerySet[Event]:
    """Published events, soonest first (the public calendar)."""
    return (
        Event.objects.filter(status=choices.EventStatus.PUBLISHED)
        .select_related("organization", "region")
        .annotate(
            registered=Count(
                "participants", filter=Q(participants__status=choices.ParticipantStatus.REGISTERED)
            )
        )
        .order_by("starts_at", "pk")
    )


def event_for(user, pk: int) -> Event:
    """A published event is public; a cancelled one only for its organiser, its participants and the bureau."""
    event = Event.objects.select_related("organization", "region", "created_by").filter(pk=pk).first()
    if event is None:
        raise Http404
    if event.status == choices.EventStatus.CANCELLED and not (
        is_organiser(user, event) or user_is_bureau(user) or participant_of(user, event) is not None
    ):
        raise Http404
    return event


def is_organiser(user, event: Event) -> bool:
    return event.organization_id in user_organization_ids(user)


def participant_of(user, event: Event) -> Participant | None:
    """The user's own registration for the event (cancelled ones included), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Participant.objects.filter(event=event, user=user).select_related("organization").first()


def registered_count(event: Event) -> int:
    return event.participants.filter(status=choices.ParticipantStatus.REGISTERED).count()


def directory(event: Event, *, exclude: Participant | None = None) -> QuerySet[Participant]:
    """The registered participants others may ask for meetings: organisation, what they offer and seek.
    Contacts are not part of it (see `partner_contacts`)."""
    qs = (
        event.participants.filter(status=choices.ParticipantStatus.REGISTERED)
        .select_related("organization", "user")
        .order_by("organization__name", "pk")
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs


def participants_for_organiser(event: Event) -> QuerySet[Participant]:
    return event.participants.select_related("organization", "user", "organization__region").order_by(
        "status", "created_at", "pk"
    )


def meetings_of(participant: Participant) -> QuerySet[MeetingRequest]:
    """A participant's meeting requests, sent and received, with both sides and the listing."""
    return (
        MeetingRequest.objects.filter(Q(requester=participant) | Q(invitee=participant))
        .select_related(
            "requester__organization",
            "invitee__organization",
            "requester__user",
            "invitee__user",
            "achievement",
            "demand",
            "deal",
        )
        .order_by("slot", "table", "-created_at", "pk")
    )


def meeting_for(user, event: Event, pk: int) -> MeetingRequest:
    """A meeting of the event that the user is one side of (404 otherwise)."""
    meeting = (
        MeetingRequest.objects.select_related(
            "requester__user", "invitee__user", "event", "achievement", "demand"
        )
        .filter(pk=pk, event=event)
        .first()
    )
    uid = getattr(user, "pk", None)
    if meeting is None or uid not in (meeting.requester.user_id, meeting.invitee.user_id):
        raise Http404
    return meeting


def partner_contacts(participant: Participant) -> dict[int, dict]:
    """{participant id: {name, email, phone}} of the participant's confirmed meeting partners only."""
    out = {}
    for m in meetings_of(participant).filter(status=choices.RequestStatus.ACCEPTED, confirmed=True):
        other = m.invitee if m.requester_id == participant.pk else m.requester
        out[other.pk] = {
            "name": other.user.full_name or other.user.username,
            "email": other.user.email,
            "phone": getattr(other.user, "phone", ""),
        }
    return out


def schedule_grid(event: Event) -> list[dict]:
    """The organiser's view of the schedule: per slot, its time and its placed meetings by table."""
    placed = (
        MeetingRequest.objects.filter(event=event, confirmed=True, slot__isnull=False)
        .select_related("requester__organization", "invitee__organization")
        .order_by("slot", "table")
    )
    by_slot: dict[int, list] = {}
    for m in placed:
        by_slot.setdefault(m.slot, []).append(m)
    return [
        {"index": i, "start": start, "end": end, "meetings": by_slot.get(i, [])}
        for i, (start, end) in enumerate(event.slot_times())
    ]


def suggestions(participant: Participant, *, limit: int = 8) -> list[dict]:
    """Meetings the matching engine suggests: the other registered participants whose published listings
    match one of this participant's organisation's published listings (relevant matches only, best first,
    with the matcher's explanation), leaving out people already asked."""
    others = {
        p.organization_id: p
        for p in directory(participant.event, exclude=participant).filter(accepts_meetings=True)
        if p.organization_id != participant.organization_id
    }
    if not others:
        return []
    asked = set(
        MeetingRequest.objects.filter(
            Q(requester=participant) | Q(invitee=participant), status__in=OPEN_REQUESTS
        ).values_list("requester_id", "invitee_id")
    )
    asked_ids = {pid for pair in asked for pid in pair}
    mine = [
        ("achievement", a)
        for a in Achievement.objects.filter(
            organization_id=participant.organization_id, status="published"
        ).order_by("-pk")[:5]
    ]
    mine += [
        ("demand", d)
        for d in Demand.objects.filter(
            organization_id=participant.organization_id, status="published"
        ).order_by("-pk")[:5]
    ]
    best: dict[int, dict] = {}
    for kind, record in mine:
        for row in matches_for(kind, record, k=30):
            other = others.get(row.record.organization_id)
            if other is None or other.pk in asked_ids:
                continue
            if other.pk not in best or row.match.score > best[other.pk]["score"]:
                best[other.pk] = {
                    "participant": other,
                    "listing": row.record,
                    "mine": record,
                    "score": row.match.score,
                    "percent": row.percent,
                    "grade": grade_label(row.grade),
                    "explanation": explanation(row.match)[:3],
                }
    return sorted(best.values(), key=lambda s: -s["score"])[:limit]


def event_statistics(event: Event | None = None, *, events=None) -> dict:
    """Figures of one event or of all: participants, attendance, meetings requested / accepted / held,
    negotiations opened and the contracts and amounts that came from them, participants by county."""
    qs = (
        Event.objects.filter(pk=event.pk)
        if event is not None
        else (events if events is not None else Event.objects.all())
    )
    qs = qs.filter(status=choices.EventStatus.PUBLISHED)
    participants = Participant.objects.filter(event__in=qs)
    meetings = MeetingRequest.objects.filter(event__in=qs)
    registered = participants.filter(status=choices.ParticipantStatus.REGISTERED)
    counties = Counter(registered.values_list("organization__region__name", flat=True))
    deals = meetings.filter(deal__isnull=False).select_related("deal")
    contract_deals = [m.deal for m in deals if m.deal.status in ("registered", "performing", "completed")]
    amount = sum((d.agreed_offer.price for d in contract_deals if getattr(d, "agreed_offer", None)), start=0)
    held = meetings.filter(confirmed=True, outcome__gt="").count()
    return {
        "events": qs.count(),
        "registered": registered.count(),
        "waiting": participants.filter(status=choices.ParticipantStatus.WAITING).count(),
        "checked_in": registered.filter(checked_in_at__isnull=False).count(),
        "no_show": registered.filter(no_show=True).count(),
        "requested": meetings.count(),
        "accepted": meetings.filter(status=choices.RequestStatus.ACCEPTED).count(),
        "scheduled": meetings.filter(status=choices.RequestStatus.ACCEPTED, confirmed=True).count(),
        "held": held,
        "negotiations": deals.count(),
        "contracts": len(contract_deals),
        "amount": amount,
        "by_county": sorted(counties.items(), key=lambda kv: (-kv[1], kv[0] or "")),
    }
