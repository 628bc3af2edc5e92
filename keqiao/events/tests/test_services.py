"""Event services: publishing, registration with the waiting list, meeting requests, the schedule,
check-in and outcomes — and every refusal."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from keqiao.common.errors import DomainError, NotPermitted
from keqiao.events import selectors, services
from keqiao.events.models import EventLog, MeetingRequest, Participant
from keqiao.negotiations.models import Deal

from .conftest import event_data

pytestmark = pytest.mark.django_db


def test_only_government_and_agencies_publish(owner, holder_org, make_event):
    with pytest.raises(NotPermitted):
        services.event_create(by=owner, organization=holder_org, data=event_data())
    event = make_event()
    assert EventLog.objects.filter(event=event, action="published").exists()


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"title": "   "}, "title"),
        ({"kind": "party"}, "kind"),
        ({"place": ""}, "place"),
        ({"kind": "online", "online_url": ""}, "online_url"),
        ({"capacity": 0}, "capacity"),
        ({"tables": 0}, "tables"),
        ({"slots": 40}, "meetings_start"),
    ],
)
def test_event_data_refused(make_event, override, field):
    with pytest.raises(DomainError) as exc:
        make_event(**override)
    assert exc.value.field == field


def test_end_before_start_refused(make_event):
    data = event_data()
    with pytest.raises(DomainError) as exc:
        make_event(ends_at=data["starts_at"] - datetime.timedelta(hours=1))
    assert exc.value.field == "ends_at"


def test_over_capacity_goes_to_waiting_list_and_is_promoted(
    make_event, owner, holder_org, outsider, other_org, rival, rival_org, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.participant_register(event=event, by=owner, organization=holder_org)
    assert first.status == Participant.Status.REGISTERED
    assert mail.outbox and "锂电产业技术成果对接会" in mail.outbox[-1].subject + mail.outbox[-1].body
    second = services.participant_register(event=event, by=outsider, organization=other_org)
    third = services.participant_register(event=event, by=rival, organization=rival_org)
    assert second.status == third.status == Participant.Status.WAITING
    promoted = services.participant_cancel(participant=first, by=owner)
    assert promoted.pk == second.pk
    second.refresh_from_db()
    assert second.status == Participant.Status.REGISTERED
    assert selectors.registered_count(event) == 1


def test_duplicate_and_overlapping_registration_refused(make_event, fair, owner, holder_org):
    event, _p1, _p2 = fair
    with pytest.raises(DomainError) as exc:
        services.participant_register(event=event, by=owner, organization=holder_org)
    assert exc.value.code == "duplicate"
    other = make_event(title="同一天的另一场培训", kind="training", slots=0, tables=0)
    with pytest.raises(DomainError) as exc:
        services.participant_register(event=other, by=owner, organization=holder_org)
    assert exc.value.code == "overlap"
    assert "锂电产业技术成果对接会" in str(exc.value.message)


def test_registration_window(make_event, owner, holder_org):
    event = make_event(registration_opens=timezone.now() + datetime.timedelta(days=2))
    with pytest.raises(DomainError) as exc:
        services.participant_register(event=event, by=owner, organization=holder_org)
    assert exc.value.code == "not_open"
    with pytest.raises(DomainError) as exc:
        services.participant_register(
            event=event, by=owner, organization=holder_org, now=event.registration_closes
        )
    assert exc.value.code == "closed"


def test_someone_else_organisation_refused(make_event, owner, other_org):
    with pytest.raises(NotPermitted):
        services.participant_register(event=make_event(), by=owner, organization=other_org)


def test_request_to_opted_out_participant_refused(fair, owner, outsider):
    event, p1, p2 = fair
    services.participant_update(
        participant=p2, by=outsider, unavailable=[], accepts_meetings=False, offer="", seek=""
    )
    with pytest.raises(DomainError) as exc:
        services.meeting_request(requester=p1, invitee=p2, by=owner)
    assert exc.value.code == "opted_out"


def test_request_rules(fair, owner, outsider):
    event, p1, p2 = fair
    with pytest.raises(NotPermitted):
        services.meeting_request(requester=p1, invitee=p2, by=outsider)
    with pytest.raises(DomainError):
        services.meeting_request(requester=p1, invitee=p1, by=owner)
    m = services.meeting_request(requester=p1, invitee=p2, by=owner)
    with pytest.raises(DomainError) as exc:
        services.meeting_request(requester=p2, invitee=p1, by=outsider)
    assert exc.value.code == "duplicate"
    with pytest.raises(NotPermitted):
        services.meeting_answer(meeting=m, by=owner, accept=True)
    services.meeting_answer(meeting=m, by=outsider, accept=False)
    with pytest.raises(DomainError):
        services.meeting_answer(meeting=m, by=outsider, accept=True)


def test_schedule_places_meeting_and_reveals_contacts(scheduled, bureau, owner):
    event, p1, p2, meeting = scheduled
    assert meeting.confirmed and meeting.slot is not None and meeting.table is not None
    assert selectors.partner_contacts(p1)[p2.pk]["email"] == p2.user.email
    event.refresh_from_db()
    assert event.placement_bound == 1 and event.scheduled_at
    # Re-running keeps it where it is.
    before = (meeting.slot, meeting.table)
    result = services.schedule_run(event=event, by=bureau, time_limit=5)
    meeting.refresh_from_db()
    assert (meeting.slot, meeting.table) == before and result.moved == 0
    with pytest.raises(NotPermitted):
        services.schedule_run(event=event, by=owner)


def test_contacts_hidden_before_confirmation(fair, owner):
    event, p1, p2 = fair
    services.meeting_request(requester=p1, invitee=p2, by=owner)
    assert selectors.partner_contacts(p1) == {}


def test_unavailability_unplaces_and_reschedule_respects_it(scheduled, outsider, bureau):
    event, p1, p2, meeting = scheduled
    slot = meeting.slot
    services.participant_update(
        participant=p2, by=outsider, unavailable=[slot], accepts_meetings=True, offer="", seek=""
    )
    meeting.refresh_from_db()
    assert meeting.slot is None
    services.schedule_run(event=event, by=bureau, time_limit=5)
    meeting.refresh_from_db()
    assert meeting.slot is not None and meeting.slot != slot


def test_checkin_by_token_and_code(scheduled, bureau, owner):
    event, p1, p2, _m = scheduled
    services.checkin(event=event, by=bureau, code=services.checkin_token(p1))
    with pytest.raises(DomainError) as exc:
        services.checkin(event=event, by=bureau, code=services.checkin_token(p1))
    assert exc.value.code == "duplicate"
    services.checkin(event=event, by=bureau, code=p2.code.lower())
    with pytest.raises(DomainError) as exc:
        services.checkin(event=event, by=bureau, code="E999999-P1")
    assert exc.value.code == "foreign"
    with pytest.raises(DomainError) as exc:
        services.checkin(event=event, by=bureau, code="not a code")
    assert exc.value.code == "invalid"
    with pytest.raises(NotPermitted):
        services.checkin(event=event, by=owner, code=p1.code)


def test_no_shows_after_start(scheduled, bureau):
    event, p1, p2, _m = scheduled
    with pytest.raises(DomainError):
        services.mark_no_shows(event=event, by=bureau)
    services.checkin(event=event, by=bureau, code=p1.code)
    assert (
        services.mark_no_shows(event=event, by=bureau, now=event.starts_at + datetime.timedelta(hours=1)) == 1
    )
    p2.refresh_from_db()
    assert p2.no_show


def test_outcome_opens_a_negotiation(scheduled, make_achievement, outsider, owner, bureau):
    event, p1, p2, meeting = scheduled
    achievement = make_achievement("published", title="高镍三元正极材料制备技术")
    with pytest.raises(NotPermitted):
        services.meeting_outcome(meeting=meeting, by=bureau, outcome="follow_up")
    meeting = services.meeting_outcome(meeting=meeting, by=outsider, outcome="negotiation", note="下周寄样")
    deal = meeting.deal
    assert isinstance(deal, Deal) and deal.achievement_id == achievement.pk
    assert "锂电产业技术成果对接会" in deal.message and "下周寄样" in deal.message
    with pytest.raises(DomainError):
        services.meeting_outcome(meeting=meeting, by=owner, outcome="no_interest")
    stats = selectors.event_statistics(event)
    assert stats["negotiations"] == 1 and stats["held"] == 1 and stats["registered"] == 2


def test_outcome_needs_a_scheduled_meeting(fair, owner, outsider):
    event, p1, p2 = fair
    m = services.meeting_request(requester=p1, invitee=p2, by=owner)
    with pytest.raises(DomainError):
        services.meeting_outcome(meeting=m, by=owner, outcome="follow_up")


def test_cancelling_withdraws_meetings(scheduled, owner):
    event, p1, p2, meeting = scheduled
    services.participant_cancel(participant=p1, by=owner)
    meeting.refresh_from_db()
    assert meeting.status == MeetingRequest.Status.WITHDRAWN and meeting.slot is None


def test_reminders_sent_once(scheduled):
    event, p1, p2, _m = scheduled
    now = event.starts_at - datetime.timedelta(hours=2)
    assert services.send_reminders(now=now) == 2
    assert services.send_reminders(now=now) == 0
