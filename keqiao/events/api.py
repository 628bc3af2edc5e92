"""JSON API of events: the calendar and event pages in public; registering, meeting requests, answers and
outcomes with a session; scheduling and check-in for the organiser."""

import datetime

from django.http import Http404
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from keqiao.accounts.models import Organization
from keqiao.achievements.models import Achievement
from keqiao.common.pagination import MAX_OFFSET
from keqiao.common.schemas import Choice, Id, InputSchema, Text
from keqiao.demands.models import Demand
from keqiao.negotiations.choices import DealMode

from . import choices, selectors, services
from .models import Event, MeetingRequest, Participant

router = Router(tags=["events"])


class CalendarEventOut(Schema):
    id: int
    kind: str
    title: str
    summary: str
    agenda: str
    organiser: str
    region: str
    place: str
    online_url: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    registration_opens: datetime.datetime
    registration_closes: datetime.datetime
    capacity: int
    status: str
    slots: int
    tables: int
    slot_minutes: int
    meetings_start: datetime.datetime | None

    @staticmethod
    def resolve_organiser(obj: Event) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_region(obj: Event) -> str:
        return obj.region.name


@router.get("/events", response=list[CalendarEventOut], summary="The events calendar")
def event_list(
    request,
    kind: Choice([*choices.EventKind.values, ""]) = "",
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    qs = selectors.events_public()
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs[offset : offset + limit])


@router.get("/events/{event_id}", response=CalendarEventOut, summary="An event")
def event_detail(request, event_id: int):
    return selectors.event_for(request.user, event_id)


class EventStatisticsOut(Schema):
    registered: int
    waiting: int
    checked_in: int
    no_show: int
    requested: int
    accepted: int
    scheduled: int
    held: int
    negotiations: int
    contracts: int
    by_county: list[tuple[str | None, int]]


@router.get("/events/{event_id}/statistics", response=EventStatisticsOut, summary="An event's statistics")
def event_statistics(request, event_id: int):
    return selectors.event_statistics(selectors.event_for(request.user, event_id))


class EventRegisterIn(InputSchema):
    organization_id: Id
    offer: Text(500) = ""
    seek: Text(500) = ""
    accepts_meetings: bool = True


class EventParticipantOut(Schema):
    id: int
    organization: str
    status: str
    offer: str
    seek: str
    accepts_meetings: bool
    unavailable: list[int]
    code: str
    checked_in_at: datetime.datetime | None

    @staticmethod
    def resolve_organization(obj: Participant) -> str:
        return obj.organization.name


@router.post(
    "/events/{event_id}/participants",
    response={201: EventParticipantOut},
    summary="Register for an event (the waiting list when it is full)",
    auth=django_auth,
)
def participant_register(request, event_id: int, payload: EventRegisterIn):
    event = selectors.event_for(request.user, event_id)
    org = Organization.objects.filter(pk=payload.organization_id).first()
    if org is None:
        raise Http404
    participant = services.participant_register(
        event=event,
        by=request.user,
        organization=org,
        offer=payload.offer,
        seek=payload.seek,
        accepts_meetings=payload.accepts_meetings,
    )
    return Status(201, participant)


class EventMeetingOut(Schema):
    id: int
    requester: str
    invitee: str
    status: str
    priority: int
    slot: int | None
    table: int | None
    confirmed: bool
    starts_at: datetime.datetime | None
    outcome: str
    deal_id: int | None

    @staticmethod
    def resolve_requester(obj: MeetingRequest) -> str:
        return obj.requester.organization.name

    @staticmethod
    def resolve_invitee(obj: MeetingRequest) -> str:
        return obj.invitee.organization.name

    @staticmethod
    def resolve_starts_at(obj: MeetingRequest):
        slots = obj.event.slot_times()
        if obj.confirmed and obj.slot is not None and obj.slot < len(slots):
            return slots[obj.slot][0]
        return None


class EventAgendaOut(Schema):
    participant: EventParticipantOut
    meetings: list[EventMeetingOut]


def _participant(request, event: Event) -> Participant:
    participant = selectors.participant_of(request.user, event)
    if participant is None or participant.status == choices.ParticipantStatus.CANCELLED:
        raise Http404
    return participant


@router.get(
    "/events/{event_id}/agenda",
    response=EventAgendaOut,
    summary="My registration and meetings at an event",
    auth=django_auth,
)
def agenda(request, event_id: int):
    event = selectors.event_for(request.user, event_id)
    participant = _participant(request, event)
    return {
        "participant": participant,
        "meetings": list(selectors.meetings_of(participant).select_related("event")),
    }


class EventMeetingIn(InputSchema):
    invitee_id: Id
    message: Text(500) = ""
    priority: int = Field(1, ge=0, le=3)
    achievement_id: Id | None = None
    demand_id: Id | None = None


@router.post(
    "/events/{event_id}/meetings",
    response={201: EventMeetingOut},
    summary="Request a one-to-one meeting with another participant",
    auth=django_auth,
)
def meeting_create(request, event_id: int, payload: EventMeetingIn):
    event = selectors.event_for(request.user, event_id)
    participant = _participant(request, event)
    invitee = Participant.objects.filter(pk=payload.invitee_id, event=event).first()
    if invitee is None:
        raise Http404
    listing = None
    if payload.achievement_id:
        listing = Achievement.objects.filter(pk=payload.achievement_id).first()
    elif payload.demand_id:
        listing = Demand.objects.filter(pk=payload.demand_id).first()
    meeting = services.meeting_request(
        requester=participant,
        invitee=invitee,
        by=request.user,
        message=payload.message,
        priority=payload.priority,
        listing=listing,
    )
    return Status(201, meeting)


@router.post(
    "/events/{event_id}/meetings/{meeting_id}/answer/{decision}",
    response=EventMeetingOut,
    summary="Accept, decline or withdraw a meeting request",
    auth=django_auth,
)
def meeting_decide(
    request, event_id: int, meeting_id: int, decision: Choice(["accept", "decline", "withdraw"])
):
    event = selectors.event_for(request.user, event_id)
    meeting = selectors.meeting_for(request.user, event, meeting_id)
    if decision == "withdraw":
        return services.meeting_withdraw(meeting=meeting, by=request.user)
    return services.meeting_answer(meeting=meeting, by=request.user, accept=decision == "accept")


class EventOutcomeIn(InputSchema):
    outcome: Choice(choices.Outcome)
    note: Text(500) = ""
    mode: Choice([*DealMode.values, ""]) = ""


@router.post(
    "/events/{event_id}/meetings/{meeting_id}/outcome",
    response=EventMeetingOut,
    summary="Record a meeting's outcome (a negotiation opens the expression of interest)",
    auth=django_auth,
)
def meeting_outcome(request, event_id: int, meeting_id: int, payload: EventOutcomeIn):
    event = selectors.event_for(request.user, event_id)
    meeting = selectors.meeting_for(request.user, event, meeting_id)
    return services.meeting_outcome(
        meeting=meeting, by=request.user, outcome=payload.outcome, note=payload.note, mode=payload.mode
    )


class EventScheduleIn(InputSchema):
    time_limit: int = Field(20, ge=1, le=60)


class EventScheduleOut(Schema):
    placed: int
    upper_bound: int
    moved: int
    optimal: bool
    seconds: float


@router.post(
    "/events/{event_id}/schedule",
    response=EventScheduleOut,
    summary="Schedule the accepted meetings into slots and tables (organiser)",
    auth=django_auth,
)
def schedule_create(request, event_id: int, payload: EventScheduleIn):
    event = selectors.event_for(request.user, event_id)
    if not selectors.is_organiser(request.user, event):
        raise Http404
    r = services.schedule_run(event=event, by=request.user, time_limit=payload.time_limit)
    return {
        "placed": r.placed,
        "upper_bound": r.upper_bound,
        "moved": r.moved,
        "optimal": r.optimal,
        "seconds": round(r.seconds, 3),
    }


class EventCheckinIn(InputSchema):
    code: Text(400, required=True, multiline=False)


@router.post(
    "/events/{event_id}/checkins",
    response={201: EventParticipantOut},
    summary="Check a participant in by the QR code's token or the typed code (organiser)",
    auth=django_auth,
)
def checkin_create(request, event_id: int, payload: EventCheckinIn):
    event = selectors.event_for(request.user, event_id)
    if not selectors.is_organiser(request.user, event):
        raise Http404
    return Status(201, services.checkin(event=event, by=request.user, code=payload.code))
