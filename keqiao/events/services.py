"""Writes for events: publishing, registration with a waiting list, meeting requests and their answers,
the organiser's schedule (keqiao.events.scheduler), check-in, no-shows and meeting outcomes.

Registration and cancellation lock the event's row, so the last place is given once and a cancelled place
goes to the first on the waiting list exactly once. Scheduling locks it too: two organisers pressing
"schedule" at once run one after the other, the second keeping what the first confirmed.
"""

import datetime

from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from keqiao.accounts.models import Organization, User
from keqiao.accounts.selectors import require_active_organization, user_organization_ids
from keqiao.achievements.models import Achievement
from keqiao.common import workflow
from keqiao.common.errors import DomainError, NotPermitted
from keqiao.common.listing import check_transition
from keqiao.common.models import Region
from keqiao.common.workflow import clean_text
from keqiao.demands.models import Demand
from keqiao.negotiations.choices import DealMode
from keqiao.negotiations.services import deal_express_interest
from keqiao.notifications.services import notify
from keqiao.notifications.text import gettext_lazy as _  # notification texts keep their message

from . import choices, scheduler
from .models import Event, EventLog, MeetingRequest, Participant
from .notification_kinds import EVENT

ORGANISER_KINDS = (
    Organization.Kind.CITY_BUREAU,
    Organization.Kind.COUNTY_BUREAU,
    Organization.Kind.DEPARTMENT,
    Organization.Kind.AGENCY,
    Organization.Kind.CARRIER,
)
CHECKIN_SALT = "keqiao.events.checkin"
MAX_EVENT_DAYS = 14
REMINDER_AHEAD = datetime.timedelta(hours=24)
SCHEDULE_SECONDS = 20.0


def _log(event: Event, *, by, action: str, **kwargs) -> EventLog:
    return EventLog.record(event, by=by, action=action, **kwargs)


def _tell(event: Event, user_ids, *, title, key: str, url: str | None = None) -> None:
    reason = _("You take part in “%(title)s”") % {"title": event.title}
    notify(
        {uid: (reason, None) for uid in user_ids},
        verb=EVENT,
        title=title,
        url=url or event.get_absolute_url(),
        key=key,
    )


def _aware(value, field: str) -> datetime.datetime:
    if not isinstance(value, datetime.datetime):
        raise DomainError(_("Give a date and time."), field=field)
    if timezone.is_naive(value):  # a time without a zone is the platform's local time
        value = timezone.make_aware(value)
    return value


def _when(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def is_organiser(user, event: Event) -> bool:
    return event.organization_id in user_organization_ids(user)


def _require_organiser(by: User, event: Event) -> None:
    if not is_organiser(by, event):
        raise NotPermitted(_("Only the organiser of this event can do this."))


# --- publishing ------------------------------------------------------------------------------------


def validate_event_data(data: dict, *, now: datetime.datetime) -> dict:
    """The event's terms, checked field by field (the first fault is raised, naming its field)."""
    kind = data.get("kind") or ""
    if kind not in choices.EventKind.values:
        raise DomainError(_("Choose the kind of event."), field="kind")
    title = clean_text(data.get("title"), field="title", max_length=120, what=_("Give the event a title."))
    summary = clean_text(
        data.get("summary"), field="summary", max_length=3000, what=_("Describe the event for participants.")
    )
    agenda = clean_text(data.get("agenda"), field="agenda", max_length=3000, required=False)
    audience = clean_text(data.get("audience"), field="audience", max_length=200, required=False)
    focus = clean_text(data.get("focus"), field="focus", max_length=200, required=False)
    place = clean_text(data.get("place"), field="place", max_length=200, required=False)
    online_url = (data.get("online_url") or "").strip()
    if online_url and not online_url.startswith(("https://", "http://")):
        raise DomainError(_("The online link must start with https:// or http://."), field="online_url")
    if kind == choices.EventKind.ONLINE and not online_url:
        raise DomainError(_("An online session needs its online link."), field="online_url")
    if kind != choices.EventKind.ONLINE and not place:
        raise DomainError(_("Give the place of the event."), field="place")
    region = data.get("region")
    if not isinstance(region, Region):
        region = Region.objects.filter(pk=region).first() if str(region or "").isdigit() else None
    if region is None:
        raise DomainError(_("Choose the district or county."), field="region")
    starts_at = _aware(data.get("starts_at"), "starts_at")
    ends_at = _aware(data.get("ends_at"), "ends_at")
    if ends_at <= starts_at:
        raise DomainError(_("The event must end after it starts."), field="ends_at")
    if ends_at - starts_at > datetime.timedelta(days=MAX_EVENT_DAYS):
        raise DomainError(
            _("An event can last at most %(days)d days.") % {"days": MAX_EVENT_DAYS}, field="ends_at"
        )
    if starts_at <= now:
        raise DomainError(_("The event must start in the future."), field="starts_at")
    opens = _aware(data.get("registration_opens") or now, "registration_opens")
    closes = _aware(data.get("registration_closes") or starts_at, "registration_closes")
    if closes <= opens:
        raise DomainError(_("Registration must close after it opens."), field="registration_closes")
    if closes > ends_at:
        raise DomainError(_("Registration must close before the event ends."), field="registration_closes")
    capacity = _int(
        data.get("capacity"), "capacity", 1, 100000, _("The capacity must be between 1 and 100,000.")
    )
    slots = _int(data.get("slots") or 0, "slots", 0, 48, _("Meeting slots must be between 0 and 48."))
    tables = _int(data.get("tables") or 0, "tables", 0, 500, _("Tables must be between 0 and 500."))
    slot_minutes = _int(
        data.get("slot_minutes") or 20,
        "slot_minutes",
        5,
        120,
        _("A meeting lasts between 5 and 120 minutes."),
    )
    meetings_start = data.get("meetings_start")
    if slots or tables:
        if not (slots and tables):
            raise DomainError(_("Give both the meeting slots and the tables, or neither."), field="tables")
        meetings_start = _aware(meetings_start or starts_at, "meetings_start")
        last_end = meetings_start + datetime.timedelta(minutes=slot_minutes * slots)
        if meetings_start < starts_at or last_end > ends_at:
            raise DomainError(
                _("The meeting slots must fit within the event's dates."), field="meetings_start"
            )
    else:
        meetings_start = None
    return {
        "kind": kind,
        "title": title,
        "summary": summary,
        "agenda": agenda,
        "audience": audience,
        "focus": focus,
        "place": place,
        "online_url": online_url,
        "region": region,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "registration_opens": opens,
        "registration_closes": closes,
        "capacity": capacity,
        "slots": slots,
        "tables": tables,
        "slot_minutes": slot_minutes,
        "meetings_start": meetings_start,
    }


def _int(value, field: str, low: int, high: int, message) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError(message, field=field) from None
    if not low <= number <= high:
        raise DomainError(message, field=field)
    return number


@transaction.atomic
def event_create(*, by: User, organization: Organization, data: dict) -> Event:
    """The bureau, a county bureau, a department, a park or a service agency publishes an event."""
    if organization.pk not in user_organization_ids(by):
        raise NotPermitted(_("You can only act for an organisation you belong to."))
    if organization.kind not in ORGANISER_KINDS:
        raise NotPermitted(
            _("Events are published by the S&T bureaux, departments, parks and service agencies.")
        )
    require_active_organization(
        organization,
        allow_pending=False,
        pending_message=_("Your organisation must be verified before it can publish an event."),
    )
    cleaned = validate_event_data(data, now=timezone.now())
    event = Event.objects.create(organization=organization, created_by=by, **cleaned)
    _log(event, by=by, action="published", to_status=event.status)
    return event


@transaction.atomic
def event_cancel(*, event: Event, by: User, reason: str) -> Event:
    """The organiser cancels an event; every participant is told."""
    event = workflow.lock(event)
    _require_organiser(by, event)
    reason = clean_text(reason, field="reason", max_length=500, what=_("Give a reason for cancelling."))
    if event.status != choices.EventStatus.PUBLISHED:
        raise DomainError(_("This event is already cancelled."))
    event.status = choices.EventStatus.CANCELLED
    event.save(update_fields=["status", "updated_at"])
    _log(event, by=by, action="cancel", from_status=choices.EventStatus.PUBLISHED, note=reason)
    users = event.participants.exclude(status=choices.ParticipantStatus.CANCELLED).values_list(
        "user_id", flat=True
    )
    _tell(
        event,
        list(users),
        title=_("Cancelled: “%(title)s”") % {"title": event.title},
        key=f"event:{event.pk}:cancel",
    )
    return event


# --- registration ----------------------------------------------------------------------------------


def _active(qs):
    return qs.exclude(status=choices.ParticipantStatus.CANCELLED)


@transaction.atomic
def participant_register(
    *,
    event: Event,
    by: User,
    organization: Organization,
    offer: str = "",
    seek: str = "",
    accepts_meetings: bool = True,
    now: datetime.datetime | None = None,
) -> Participant:
    """A member registers for an event on behalf of their organisation; past the capacity they go on the
    waiting list. Someone already registered for an overlapping event is refused."""
    now = now or timezone.now()
    event = workflow.lock(event)
    if organization.pk not in user_organization_ids(by):
        raise NotPermitted(_("You can only act for an organisation you belong to."))
    require_active_organization(
        organization,
        allow_pending=False,
        pending_message=_("Your organisation must be verified before it can register for an event."),
    )
    if event.status != choices.EventStatus.PUBLISHED:
        raise DomainError(_("This event was cancelled."))
    if now < event.registration_opens:
        raise DomainError(
            _("Registration opens on %(when)s.") % {"when": _when(event.registration_opens)}, code="not_open"
        )
    if now >= event.registration_closes:
        raise DomainError(_("Registration for this event has closed."), code="closed")
    existing = Participant.objects.filter(event=event, user=by).first()
    if existing is not None and existing.status != choices.ParticipantStatus.CANCELLED:
        raise DomainError(_("You are already registered for this event."), code="duplicate")
    overlap = (
        _active(Participant.objects.filter(user=by))
        .exclude(event=event)
        .filter(
            event__status=choices.EventStatus.PUBLISHED,
            event__starts_at__lt=event.ends_at,
            event__ends_at__gt=event.starts_at,
        )
        .select_related("event")
        .first()
    )
    if overlap is not None:
        raise DomainError(
            _("You are registered for “%(title)s” at the same time; cancel that registration first.")
            % {"title": overlap.event.title},
            code="overlap",
        )
    offer = clean_text(offer, field="offer", max_length=500, required=False)
    seek = clean_text(seek, field="seek", max_length=500, required=False)
    taken = Participant.objects.filter(event=event, status=choices.ParticipantStatus.REGISTERED).count()
    status = (
        choices.ParticipantStatus.REGISTERED if taken < event.capacity else choices.ParticipantStatus.WAITING
    )
    fields = {
        "organization": organization,
        "status": status,
        "offer": offer,
        "seek": seek,
        "accepts_meetings": bool(accepts_meetings),
        "unavailable": [],
        "checked_in_at": None,
        "no_show": False,
    }
    if existing is not None:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.created_at = now  # back of the queue
        existing.save()
        participant = existing
    else:
        participant = Participant.objects.create(event=event, user=by, **fields)
    waiting = status == choices.ParticipantStatus.WAITING
    _log(event, by=by, action="waitlist" if waiting else "register", note=organization.name)
    title = (
        _("On the waiting list of “%(title)s”: you are told if a place frees up")
        if waiting
        else _("Registered for “%(title)s” on %(when)s")
    ) % {"title": event.title, "when": _when(event.starts_at)}
    _tell(
        event,
        [by.pk],
        title=title,
        key=f"event:{event.pk}:participant:{participant.pk}:{status}:{now.timestamp()}",
    )
    return participant


def _unplace(qs) -> None:
    qs.update(slot=None, table=None, confirmed=False)


@transaction.atomic
def participant_cancel(*, participant: Participant, by: User) -> Participant | None:
    """The participant (or the organiser) cancels a registration: their open meeting requests are
    withdrawn and the first on the waiting list takes the place. Returns the promoted participant."""
    event = workflow.lock(participant.event)
    participant = workflow.lock(participant)
    if participant.user_id != by.pk and not is_organiser(by, event):
        raise NotPermitted(_("Only the participant or the organiser can cancel this registration."))
    if participant.status == choices.ParticipantStatus.CANCELLED:
        raise DomainError(_("This registration is already cancelled."))
    had_place = participant.status == choices.ParticipantStatus.REGISTERED
    participant.status = choices.ParticipantStatus.CANCELLED
    participant.save(update_fields=["status"])
    open_requests = MeetingRequest.objects.filter(
        Q(requester=participant) | Q(invitee=participant),
        status__in=[choices.RequestStatus.PENDING, choices.RequestStatus.ACCEPTED],
    )
    _unplace(open_requests)
    open_requests.update(status=choices.RequestStatus.WITHDRAWN)
    _log(event, by=by, action="unregister", note=participant.organization.name)
    if not had_place:
        return None
    return _promote(event, by=by)


def _promote(event: Event, *, by) -> Participant | None:
    taken = Participant.objects.filter(event=event, status=choices.ParticipantStatus.REGISTERED).count()
    if taken >= event.capacity:
        return None
    first = (
        Participant.objects.select_for_update()
        .filter(event=event, status=choices.ParticipantStatus.WAITING)
        .order_by("created_at", "pk")
        .first()
    )
    if first is None:
        return None
    first.status = choices.ParticipantStatus.REGISTERED
    first.save(update_fields=["status"])
    _log(event, by=by, action="promote", note=first.organization.name)
    _tell(
        event,
        [first.user_id],
        title=_("A place freed up: you are now registered for “%(title)s”") % {"title": event.title},
        key=f"event:{event.pk}:promote:{first.pk}",
    )
    return first


@transaction.atomic
def participant_update(
    *, participant: Participant, by: User, unavailable, accepts_meetings: bool, offer: str, seek: str
) -> Participant:
    """A participant says what they offer and seek, whether they take meeting requests and which slots
    they are not available in. Their accepted meetings in slots now unavailable are unplaced."""
    participant = workflow.lock(participant)
    if participant.user_id != by.pk:
        raise NotPermitted(_("Only the participant can change this."))
    if participant.status == choices.ParticipantStatus.CANCELLED:
        raise DomainError(_("This registration is cancelled."))
    event = participant.event
    try:
        slots = sorted({int(s) for s in unavailable or ()})
    except (TypeError, ValueError):
        raise DomainError(_("Choose slots of this event."), field="unavailable") from None
    if any(not 0 <= s < event.slots for s in slots):
        raise DomainError(_("Choose slots of this event."), field="unavailable")
    participant.unavailable = slots
    participant.accepts_meetings = bool(accepts_meetings)
    participant.offer = clean_text(offer, field="offer", max_length=500, required=False)
    participant.seek = clean_text(seek, field="seek", max_length=500, required=False)
    participant.save(update_fields=["unavailable", "accepts_meetings", "offer", "seek"])
    if slots:
        _unplace(
            MeetingRequest.objects.filter(Q(requester=participant) | Q(invitee=participant), slot__in=slots)
        )
    return participant


# --- meeting requests ------------------------------------------------------------------------------


@transaction.atomic
def meeting_request(
    *,
    requester: Participant,
    invitee: Participant,
    by: User,
    message: str = "",
    priority: int = 1,
    listing=None,
) -> MeetingRequest:
    """A registered participant asks another of the same event for a one-to-one meeting, possibly about
    one of the invitee's (or the requester's own) published listings."""
    if requester.user_id != by.pk:
        raise NotPermitted(_("You can only request meetings as yourself."))
    # Their current state, not what the caller read earlier (one may have opted out meanwhile).
    requester, invitee = (
        Participant.objects.select_related("event", "organization").get(pk=p.pk) for p in (requester, invitee)
    )
    event = requester.event
    if invitee.event_id != event.pk:
        raise DomainError(_("Both people must take part in the same event."), field="invitee")
    if not event.has_meetings or event.status != choices.EventStatus.PUBLISHED:
        raise DomainError(_("This event has no one-to-one meetings."))
    if requester.status != choices.ParticipantStatus.REGISTERED:
        raise DomainError(_("Only registered participants can request meetings."))
    if invitee.status != choices.ParticipantStatus.REGISTERED:
        raise DomainError(_("This person is not registered for the event."), field="invitee")
    if invitee.pk == requester.pk or invitee.user_id == requester.user_id:
        raise DomainError(_("You cannot request a meeting with yourself."), field="invitee")
    if not invitee.accepts_meetings:
        raise DomainError(
            _("This participant does not take meeting requests at this event."),
            field="invitee",
            code="opted_out",
        )
    message = clean_text(message, field="message", max_length=500, required=False)
    if not 0 <= int(priority) <= scheduler.MAX_PRIORITY:
        raise DomainError(_("Choose a priority from 0 to 3."), field="priority")
    achievement = demand = None
    if listing is not None:
        if not getattr(listing, "is_public", False) or listing.organization_id not in (
            invitee.organization_id,
            requester.organization_id,
        ):
            raise DomainError(_("Choose a published listing of either side."), field="listing")
        if listing.__class__.__name__ == "Achievement":
            achievement = listing
        else:
            demand = listing
    if MeetingRequest.objects.filter(
        Q(requester=requester, invitee=invitee) | Q(requester=invitee, invitee=requester),
        status__in=[choices.RequestStatus.PENDING, choices.RequestStatus.ACCEPTED],
    ).exists():
        raise DomainError(_("A meeting between you two is already requested."), code="duplicate")
    meeting = MeetingRequest.objects.create(
        event=event,
        requester=requester,
        invitee=invitee,
        achievement=achievement,
        demand=demand,
        message=message,
        priority=int(priority),
    )
    _tell(
        event,
        [invitee.user_id],
        title=_("%(org)s asks to meet you at “%(title)s”")
        % {"org": requester.organization.name, "title": event.title},
        key=f"event:{event.pk}:request:{meeting.pk}",
        url=event.get_absolute_url() + "agenda/",
    )
    return meeting


@transaction.atomic
def meeting_answer(*, meeting: MeetingRequest, by: User, accept: bool) -> MeetingRequest:
    """The invitee accepts or declines a meeting request."""
    meeting = workflow.lock(meeting)
    if meeting.invitee.user_id != by.pk:
        raise NotPermitted(_("Only the person asked can answer this request."))
    action = "accept" if accept else "decline"
    check_transition(meeting, action, choices.REQUEST_TRANSITIONS)
    meeting.status = choices.REQUEST_TRANSITIONS[meeting.status][action]
    meeting.answered_at = timezone.now()
    meeting.save(update_fields=["status", "answered_at"])
    title = (
        _("%(org)s accepted your meeting request at “%(title)s”")
        if accept
        else _("%(org)s declined your meeting request at “%(title)s”")
    ) % {"org": meeting.invitee.organization.name, "title": meeting.event.title}
    _tell(
        meeting.event,
        [meeting.requester.user_id],
        title=title,
        key=f"event:{meeting.event_id}:answer:{meeting.pk}",
    )
    return meeting


@transaction.atomic
def meeting_withdraw(*, meeting: MeetingRequest, by: User) -> MeetingRequest:
    """Either side withdraws a pending or accepted meeting; a placed one frees its table."""
    meeting = workflow.lock(meeting)
    if by.pk not in (meeting.requester.user_id, meeting.invitee.user_id):
        raise NotPermitted(_("Only the two people of this meeting can withdraw it."))
    check_transition(meeting, "withdraw", choices.REQUEST_TRANSITIONS)
    meeting.status = choices.RequestStatus.WITHDRAWN
    meeting.slot = meeting.table = None
    meeting.confirmed = False
    meeting.save(update_fields=["status", "slot", "table", "confirmed"])
    return meeting


# --- the schedule ----------------------------------------------------------------------------------


def schedule_problem(event: Event) -> tuple[scheduler.Problem, dict[int, MeetingRequest]]:
    """The event's accepted meetings between registered participants, as the optimiser takes them."""
    meetings = {
        m.pk: m
        for m in MeetingRequest.objects.filter(
            event=event,
            status=choices.RequestStatus.ACCEPTED,
            requester__status=choices.ParticipantStatus.REGISTERED,
            invitee__status=choices.ParticipantStatus.REGISTERED,
        ).select_related("requester", "invitee")
    }
    unavailable = {}
    for m in meetings.values():
        for p in (m.requester, m.invitee):
            unavailable[p.pk] = {int(s) for s in p.unavailable or ()}
    requests = [
        scheduler.Request(
            id=m.pk,
            a=m.requester_id,
            b=m.invitee_id,
            priority=m.priority,
            current=(m.slot, m.table) if m.confirmed and m.placed else None,
        )
        for m in meetings.values()
    ]
    return scheduler.Problem(event.slots, event.tables, requests, unavailable), meetings


@transaction.atomic
def schedule_run(*, event: Event, by: User, time_limit: float = SCHEDULE_SECONDS) -> scheduler.Result:
    """The organiser fits the accepted meetings into slots × tables and publishes the schedule: confirmed
    meetings stay where they are unless moving them lets more meetings take place. Both sides of each new
    or moved meeting are told."""
    event = workflow.lock(event)
    _require_organiser(by, event)
    if not event.has_meetings:
        raise DomainError(_("This event has no one-to-one meetings."))
    if event.status != choices.EventStatus.PUBLISHED:
        raise DomainError(_("This event was cancelled."))
    problem, meetings = schedule_problem(event)
    result = scheduler.solve(problem, time_limit=time_limit)
    changed = []
    for pk, m in meetings.items():
        where = result.placement.get(pk)
        new = (where[0], where[1]) if where else (None, None)
        if (m.slot, m.table) != new or m.confirmed != bool(where):
            m.slot, m.table = new
            m.confirmed = bool(where)
            changed.append(m)
    MeetingRequest.objects.bulk_update(changed, ["slot", "table", "confirmed"], batch_size=500)
    # Accepted meetings of people no longer registered lose their place too.
    _unplace(MeetingRequest.objects.filter(event=event, confirmed=True).exclude(pk__in=meetings.keys()))
    event.scheduled_at = timezone.now()
    event.placement_bound = result.upper_bound
    event.save(update_fields=["scheduled_at", "placement_bound", "updated_at"])
    _log(
        event,
        by=by,
        action="schedule",
        changes={"placed": result.placed, "upper_bound": result.upper_bound, "moved": result.moved},
    )
    stamp = int(event.scheduled_at.timestamp())
    users = {u for m in changed for u in (m.requester.user_id, m.invitee.user_id)}
    _tell(
        event,
        sorted(users),
        title=_("Your meeting agenda for “%(title)s” changed") % {"title": event.title},
        key=f"event:{event.pk}:schedule:{stamp}",
        url=event.get_absolute_url() + "agenda/",
    )
    return result


# --- on the day ------------------------------------------------------------------------------------


def checkin_token(participant: Participant) -> str:
    """The signed token the participant's QR code carries: it names the event and the participant."""
    return signing.dumps({"e": participant.event_id, "p": participant.pk}, salt=CHECKIN_SALT, compress=True)


def _participant_from_code(event: Event, code: str) -> Participant:
    code = (code or "").replace("\x00", "").strip()
    if not code:
        raise DomainError(_("Scan the QR code or type the code under it."), field="code")
    event_id = participant_id = None
    if ":" in code:  # the signed token of the QR code
        try:
            data = signing.loads(code, salt=CHECKIN_SALT)
            event_id, participant_id = int(data["e"]), int(data["p"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            pass
    else:  # the code printed under it, typed: E<event>-P<participant>
        left, _sep, right = code.upper().removeprefix("E").partition("-P")
        if left.isdigit() and right.isdigit():
            event_id, participant_id = int(left), int(right)
    if participant_id is None:
        raise DomainError(
            _("This code is not a check-in code of the platform."), field="code", code="invalid"
        )
    if event_id != event.pk:
        raise DomainError(_("This code is for another event."), field="code", code="foreign")
    participant = (
        Participant.objects.filter(pk=participant_id, event=event)
        .select_related("user", "organization")
        .first()
    )
    if participant is None:
        raise DomainError(_("This code is for another event."), field="code", code="foreign")
    return participant


@transaction.atomic
def checkin(*, event: Event, by: User, code: str, now: datetime.datetime | None = None) -> Participant:
    """The organiser checks a participant in from the QR code's token or the typed code."""
    _require_organiser(by, event)
    participant = workflow.lock(_participant_from_code(event, code))
    if participant.status != choices.ParticipantStatus.REGISTERED:
        raise DomainError(
            _("%(name)s has no place at this event (%(status)s).")
            % {
                "name": participant.user.full_name or participant.user.username,
                "status": participant.get_status_display(),
            },
            field="code",
            code="not_registered",
        )
    if participant.checked_in_at is not None:
        raise DomainError(
            _("%(name)s already checked in at %(when)s.")
            % {
                "name": participant.user.full_name or participant.user.username,
                "when": _when(participant.checked_in_at),
            },
            field="code",
            code="duplicate",
        )
    participant.checked_in_at = now or timezone.now()
    participant.no_show = False
    participant.save(update_fields=["checked_in_at", "no_show"])
    _log(event, by=by, action="checkin", note=participant.organization.name)
    return participant


@transaction.atomic
def mark_no_shows(*, event: Event, by: User, now: datetime.datetime | None = None) -> int:
    """Once the event has started, the organiser marks every registered participant not checked in as a
    no-show. Returns how many."""
    _require_organiser(by, event)
    now = now or timezone.now()
    if now < event.starts_at:
        raise DomainError(_("No-shows can be marked once the event has started."))
    count = Participant.objects.filter(
        event=event, status=choices.ParticipantStatus.REGISTERED, checked_in_at__isnull=True, no_show=False
    ).update(no_show=True)
    _log(event, by=by, action="no_show", changes={"count": count})
    return count


# --- after -----------------------------------------------------------------------------------------


@transaction.atomic
def meeting_outcome(
    *, meeting: MeetingRequest, by: User, outcome: str, note: str = "", mode: str = ""
) -> MeetingRequest:
    """Either side of a scheduled meeting records its outcome. "Open a negotiation" expresses the
    interest of the recorder's organisation in the listing the meeting was about (or, without one, the
    other side's latest published listing), pre-filled from the meeting; the negotiation room follows."""
    meeting = workflow.lock(meeting)
    sides = {meeting.requester.user_id: meeting.requester, meeting.invitee.user_id: meeting.invitee}
    mine = sides.get(by.pk)
    if mine is None:
        raise NotPermitted(_("Only the two people of this meeting can record its outcome."))
    if not (meeting.status == choices.RequestStatus.ACCEPTED and meeting.confirmed and meeting.placed):
        raise DomainError(_("An outcome can be recorded only for a scheduled meeting."))
    if meeting.outcome:
        raise DomainError(
            _("The outcome of this meeting was already recorded: %(outcome)s.")
            % {"outcome": meeting.get_outcome_display()}
        )
    if outcome not in choices.Outcome.values:
        raise DomainError(_("Choose the outcome of the meeting."), field="outcome")
    note = clean_text(note, field="note", max_length=500, required=False)
    other = meeting.invitee if mine.pk == meeting.requester_id else meeting.requester
    if outcome == choices.Outcome.NEGOTIATION:
        listing = meeting.listing
        if listing is None or listing.organization_id != other.organization_id:
            listing = _listing_of(other.organization_id)
        if listing is None:
            raise DomainError(
                _("The other side has no published listing to negotiate about; record “Follow up” instead."),
                field="outcome",
            )
        message = _("We met at “%(event)s” (%(when)s, table %(table)d) and would like to negotiate.") % {
            "event": meeting.event.title,
            "when": _when(meeting.event.slot_times()[meeting.slot][0])
            if meeting.slot < meeting.event.slots
            else "",
            "table": meeting.table + 1,
        }
        if note:
            message = f"{message}\n{note}"
        meeting.deal = deal_express_interest(
            by=by,
            organization=mine.organization,
            listing=listing,
            mode=mode if mode in DealMode.values else DealMode.JOINT_DEVELOPMENT,
            message=message,
        )
    meeting.outcome = outcome
    meeting.outcome_note = note
    meeting.outcome_by = by
    meeting.outcome_at = timezone.now()
    meeting.save(update_fields=["outcome", "outcome_note", "outcome_by", "outcome_at", "deal"])
    _log(meeting.event, by=by, action="outcome", note=meeting.get_outcome_display())
    return meeting


def _listing_of(org_id: int):
    """The organisation's latest published achievement, else its latest published demand."""
    achievement = (
        Achievement.objects.filter(organization_id=org_id, status="published").order_by("-pk").first()
    )
    return (
        achievement
        or Demand.objects.filter(organization_id=org_id, status="published").order_by("-pk").first()
    )


# --- reminders -------------------------------------------------------------------------------------


def send_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind each registered participant of an event that starts within a day, once (the periodic run
    claims the rows with a conditional update, so two runs never send twice)."""
    now = now or timezone.now()
    sent = 0
    due = Participant.objects.filter(
        status=choices.ParticipantStatus.REGISTERED,
        reminded_at__isnull=True,
        event__status=choices.EventStatus.PUBLISHED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + REMINDER_AHEAD,
    ).select_related("event")
    for participant in due:
        with transaction.atomic():
            if not Participant.objects.filter(pk=participant.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            event = participant.event
            _tell(
                event,
                [participant.user_id],
                title=_("Reminder: “%(title)s” starts on %(when)s at %(place)s")
                % {
                    "title": event.title,
                    "when": _when(event.starts_at),
                    "place": event.place or event.online_url,
                },
                key=f"event:{event.pk}:reminder:{participant.pk}",
            )
            sent += 1
    return sent
