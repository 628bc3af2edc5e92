"""Pages of events: the public calendar and event page, publishing, a participant's agenda (requests,
availability, suggestions, schedule, QR code, outcomes), the organiser's desk (participants, schedule,
check-in, no-shows, statistics), the .ics file and the training certificate."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.models import Organization
from keqiao.accounts.selectors import user_holder_organizations, user_organization_ids
from keqiao.achievements.models import Achievement
from keqiao.common.confirm import confirmation_page
from keqiao.common.errors import DomainError, add_to_form
from keqiao.common.pagination import paginate
from keqiao.demands.models import Demand

from . import choices, exports, forms, selectors, services
from .models import Participant

WHEN = {"upcoming": _("Upcoming"), "past": _("Past"), "all": _("All")}


def calendar(request):
    """The public events calendar: upcoming events first, by kind."""
    when = request.GET.get("when", "upcoming")
    if when not in WHEN:
        when = "upcoming"
    qs = selectors.events_public()
    now = timezone.now()
    if when == "upcoming":
        qs = qs.filter(ends_at__gte=now)
    elif when == "past":
        qs = qs.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    kind = request.GET.get("kind", "")
    if kind in choices.EventKind.values:
        qs = qs.filter(kind=kind)
    return render(
        request,
        "events/calendar.html",
        {
            "page": paginate(request, qs, 20),
            "when": when,
            "whens": WHEN,
            "kind": kind,
            "kinds": choices.EventKind.choices,
            "may_publish": bool(_organiser_orgs(request.user)),
        },
    )


def _organiser_orgs(user) -> list[Organization]:
    if not user.is_authenticated:
        return []
    return list(
        Organization.objects.filter(
            pk__in=user_organization_ids(user),
            kind__in=services.ORGANISER_KINDS,
            status=Organization.Status.VERIFIED,
        ).order_by("name")
    )


@login_required
def event_new(request):
    """The bureau, a county bureau, a department, a park or an agency publishes an event."""
    orgs = _organiser_orgs(request.user)
    if not orgs:
        raise Http404
    form = forms.EventForm(request.POST if request.method == "POST" else None, organizations=orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organization = next(o for o in orgs if o.pk == data["organization"])
        try:
            event = services.event_create(by=request.user, organization=organization, data=data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The event is published on the events calendar."))
            return redirect(event)
    return render(request, "events/event_new.html", {"form": form}, status=400 if form.errors else 200)


def _registrable_orgs(user, event):
    return [
        o
        for o in user_holder_organizations(user)
        if o.is_verified and o.kind not in Organization.GOVERNMENT_KINDS and o.pk != event.organization_id
    ] + [
        o
        for o in Organization.objects.filter(
            pk__in=user_organization_ids(user),
            kind__in=Organization.GOVERNMENT_KINDS,
            status=Organization.Status.VERIFIED,
        ).exclude(pk=event.organization_id)
    ]


def _run(request, form, run):
    """Validate `form`, run the service; on refusal keep the bound form so that nothing typed is lost.
    Returns the HTTP status: 302 when done."""
    if not form.is_valid():
        return 400
    try:
        done = run(form.cleaned_data)
    except DomainError as exc:
        add_to_form(form, exc)
        return exc.status_code
    messages.success(request, done)
    return 302


def detail(request, pk: int):
    """The event page: what, when, where, the agenda; registering or cancelling; statistics."""
    event = selectors.event_for(request.user, pk)
    user = request.user
    participant = selectors.participant_of(user, event)
    organiser = selectors.is_organiser(user, event)
    orgs = _registrable_orgs(user, event) if user.is_authenticated else []
    register_form = forms.RegisterForm(organizations=orgs)
    cancel_form = forms.CancelForm()
    status = 200
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        action = request.POST.get("action", "")
        if action == "register":
            register_form = forms.RegisterForm(request.POST, organizations=orgs)

            def run(data):
                p = services.participant_register(
                    event=event,
                    by=user,
                    organization=Organization.objects.get(pk=data["organization"]),
                    offer=data["offer"],
                    seek=data["seek"],
                    accepts_meetings=data["accepts_meetings"],
                )
                if p.status == choices.ParticipantStatus.WAITING:
                    return _(
                        "The event is full: you are on the waiting list and will be told if a place frees up."
                    )
                return _("You are registered; a confirmation was sent to you.")

            status = _run(request, register_form, run)
        elif action == "unregister":
            if participant is None:
                raise Http404
            try:
                services.participant_cancel(participant=participant, by=user)
            except DomainError as exc:
                messages.error(request, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("Your registration is cancelled."))
                status = 302
        elif action == "cancel":
            if not organiser:
                raise Http404
            cancel_form = forms.CancelForm(request.POST)
            confirm = confirmation_page(
                request,
                question=_("Cancel “%(title)s”?") % {"title": event.title},
                consequence=_("Every participant is told; the event cannot be reopened."),
                button=_("Cancel the event"),
                cancel_url=event.get_absolute_url(),
            )
            if confirm is not None:
                return confirm
            status = _run(
                request,
                cancel_form,
                lambda data: (
                    services.event_cancel(event=event, by=user, reason=data["reason"])
                    and _("The event was cancelled.")
                ),
            )
        else:
            return HttpResponse(_("Unknown action."), status=400)
        if status == 302:
            return redirect(event)
        event = selectors.event_for(user, pk)
        participant = selectors.participant_of(user, event)
    now = timezone.now()
    active = participant is not None and participant.status != choices.ParticipantStatus.CANCELLED
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "participant": participant if active else None,
            "is_organiser": organiser,
            "registered": selectors.registered_count(event),
            "registration_open": event.status == choices.EventStatus.PUBLISHED
            and event.registration_opens <= now < event.registration_closes,
            "can_register": not active and bool(orgs),
            "register_form": register_form,
            "cancel_form": cancel_form,
            "stats": selectors.event_statistics(event),
            "slots": event.slot_times(),
        },
        status=status,
    )


def _listing(value: str, participant: Participant, invitee: Participant):
    kind, _sep, pk = (value or "").partition(":")
    if not pk.isdigit():
        return None
    model = {"achievement": Achievement, "demand": Demand}.get(kind)
    if model is None:
        return None
    return model.objects.filter(
        pk=int(pk), organization_id__in=(participant.organization_id, invitee.organization_id)
    ).first()


@login_required
def agenda(request, pk: int):
    """A participant's own page: QR code, profile and availability, suggested meetings, requests to
    answer, the schedule with partners' contacts, and outcomes."""
    event = selectors.event_for(request.user, pk)
    participant = selectors.participant_of(request.user, event)
    if participant is None or participant.status == choices.ParticipantStatus.CANCELLED:
        raise Http404
    user = request.user
    others = list(selectors.directory(event, exclude=participant).filter(accepts_meetings=True)[:500])
    bound: dict = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "profile":
            form = forms.ProfileForm(request.POST, slots=event.slot_times())

            def run(data):
                services.participant_update(
                    participant=participant,
                    by=user,
                    unavailable=data["unavailable"],
                    accepts_meetings=data["accepts_meetings"],
                    offer=data["offer"],
                    seek=data["seek"],
                )
                return _("Your profile and availability are saved.")

        elif action == "request":
            form = forms.MeetingRequestForm(request.POST, participants=others)

            def run(data):
                invitee = next(p for p in others if p.pk == data["invitee"])
                services.meeting_request(
                    requester=participant,
                    invitee=invitee,
                    by=user,
                    message=data["message"],
                    priority=data["priority"],
                    listing=_listing(data["listing"], participant, invitee),
                )
                return _("Your meeting request was sent to %(org)s.") % {"org": invitee.organization.name}

        elif action == "answer":
            form = forms.AnswerForm(request.POST)

            def run(data):
                meeting = selectors.meeting_for(user, event, data["meeting"])
                if data["decision"] == "withdraw":
                    services.meeting_withdraw(meeting=meeting, by=user)
                    return _("The meeting is withdrawn.")
                services.meeting_answer(meeting=meeting, by=user, accept=data["decision"] == "accept")
                return _("Your answer was sent.")

        elif action == "outcome":
            form = forms.OutcomeForm(request.POST)

            def run(data):
                meeting = selectors.meeting_for(user, event, data["meeting"])
                meeting = services.meeting_outcome(
                    meeting=meeting, by=user, outcome=data["outcome"], note=data["note"], mode=data["mode"]
                )
                if meeting.deal_id:
                    return _("The outcome is recorded and a negotiation is opened with the other side.")
                return _("The outcome is recorded.")

        else:
            return HttpResponse(_("Unknown action."), status=400)
        bound[action] = form
        status = _run(request, form, run)
        if status == 302:
            return redirect("events:agenda", pk=event.pk)
        participant = selectors.participant_of(user, event)
    meetings = list(selectors.meetings_of(participant))
    contacts = selectors.partner_contacts(participant)
    slots = event.slot_times()
    for m in meetings:
        m.mine = m.requester_id == participant.pk
        m.other = m.invitee if m.mine else m.requester
        m.contact = contacts.get(m.other.pk)
        m.time = slots[m.slot] if m.placed and m.confirmed and m.slot < len(slots) else None
    return render(
        request,
        "events/agenda.html",
        {
            "event": event,
            "participant": participant,
            # The QR code opens the organiser's check-in with the signed token filled in, so a phone's
            # camera app is the scanner; the token alone is checked, whoever opens the link.
            "qr": exports.qr_svg(
                request.build_absolute_uri(reverse("events:manage", args=[event.pk]))
                + "?"
                + urlencode({"code": services.checkin_token(participant)})
            ),
            "scheduled": [m for m in meetings if m.time and m.status == choices.RequestStatus.ACCEPTED],
            "received": [m for m in meetings if not m.mine and m.status == choices.RequestStatus.PENDING],
            "sent": [
                m
                for m in meetings
                if m.mine and m.status in (choices.RequestStatus.PENDING, choices.RequestStatus.DECLINED)
            ],
            "waiting_schedule": [
                m for m in meetings if m.status == choices.RequestStatus.ACCEPTED and not m.time
            ],
            "suggestions": selectors.suggestions(participant) if event.has_meetings else [],
            "others": others,
            "profile_form": bound.get("profile")
            or forms.ProfileForm(
                slots=slots,
                initial={
                    "offer": participant.offer,
                    "seek": participant.seek,
                    "accepts_meetings": participant.accepts_meetings,
                    "unavailable": participant.unavailable,
                },
            ),
            "request_form": bound.get("request") or forms.MeetingRequestForm(participants=others),
            "outcome_form": bound.get("outcome"),
            "answer_form": bound.get("answer"),
            "outcome_choices": choices.Outcome.choices,
            "modes": forms.OutcomeForm().fields["mode"].choices,
            "certificate": event.kind == choices.EventKind.TRAINING and participant.checked_in_at,
        },
        status=status,
    )


@login_required
def ics(request, pk: int):
    """The participant's calendar file: the event and their confirmed meetings."""
    event = selectors.event_for(request.user, pk)
    participant = selectors.participant_of(request.user, event)
    if participant is None or participant.status == choices.ParticipantStatus.CANCELLED:
        raise Http404
    body = exports.ics(
        event,
        participant,
        list(selectors.meetings_of(participant)),
        base_url=request.build_absolute_uri("/")[:-1],
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


@login_required
def certificate(request, pk: int):
    """A training's attendance certificate, for a participant who checked in."""
    event = selectors.event_for(request.user, pk)
    participant = selectors.participant_of(request.user, event)
    if (
        participant is None
        or event.kind != choices.EventKind.TRAINING
        or participant.checked_in_at is None
        or participant.status != choices.ParticipantStatus.REGISTERED
    ):
        raise Http404
    response = HttpResponse(exports.certificate_pdf(event, participant), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{event.pk}-{participant.pk}.pdf"'
    return response


@login_required
def manage(request, pk: int):
    """The organiser's desk: statistics, the optimiser and its schedule, check-in, participants."""
    event = selectors.event_for(request.user, pk)
    if not selectors.is_organiser(request.user, event):
        raise Http404
    user = request.user
    checkin_form = forms.CheckinForm(initial={"code": (request.GET.get("code") or "")[:400]})
    schedule_form = forms.ScheduleForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "checkin":
            checkin_form = forms.CheckinForm(request.POST)

            def run(data):
                p = services.checkin(event=event, by=user, code=data["code"])
                return _("%(name)s of %(org)s is checked in.") % {
                    "name": p.user.full_name or p.user.username,
                    "org": p.organization.name,
                }

            status = _run(request, checkin_form, run)
        elif action == "schedule":
            schedule_form = forms.ScheduleForm(request.POST)

            def run(data):
                r = services.schedule_run(event=event, by=user, time_limit=data["time_limit"])
                return _(
                    "%(placed)d meetings scheduled (upper bound %(bound)d); %(moved)d confirmed meetings moved."
                ) % {"placed": r.placed, "bound": r.upper_bound, "moved": r.moved}

            status = _run(request, schedule_form, run)
        elif action == "no_shows":
            try:
                n = services.mark_no_shows(event=event, by=user)
            except DomainError as exc:
                messages.error(request, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("%(n)d participants marked as no-show.") % {"n": n})
                status = 302
        else:
            return HttpResponse(_("Unknown action."), status=400)
        if status == 302:
            return redirect("events:manage", pk=event.pk)
    stats = selectors.event_statistics(event)
    return render(
        request,
        "events/manage.html",
        {
            "event": event,
            "stats": stats,
            "rate": round(100 * stats["scheduled"] / event.placement_bound)
            if event.placement_bound
            else None,
            "grid": selectors.schedule_grid(event),
            "page": paginate(request, selectors.participants_for_organiser(event), 50),
            "checkin_form": checkin_form,
            "schedule_form": schedule_form,
            "started": timezone.now() >= event.starts_at,
        },
        status=status,
    )
