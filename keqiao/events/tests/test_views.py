"""Event pages through the client: who reaches what, forms that keep what was typed, query counts."""

import pytest
from django.urls import reverse

from keqiao.events import services
from keqiao.events.models import Event, MeetingRequest, Participant

from .conftest import event_data

pytestmark = pytest.mark.django_db


def test_calendar_public_and_query_count(client, make_event, django_assert_max_num_queries):
    for i in range(5):
        make_event(title=f"眉山对接会{i}")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("events:calendar"))
    assert response.status_code == 200
    assert "眉山对接会4" in response.content.decode()


def test_publish_keeps_input_on_error(client, bureau, bureau_org):
    client.force_login(bureau)
    data = {k: v for k, v in event_data().items() if v is not None}
    data.update(
        organization=bureau_org.pk, title="", starts_at="2030-01-01T09:00", ends_at="2030-01-01T17:00"
    )
    data.pop("registration_opens")
    data.pop("registration_closes")
    data["meetings_start"] = "2030-01-01T10:00"
    data["summary"] = "保留我输入的介绍"
    response = client.post(reverse("events:new"), data)
    assert response.status_code == 400
    assert "保留我输入的介绍" in response.content.decode()
    data["title"] = "锂电产业技术成果对接会"
    response = client.post(reverse("events:new"), data)
    assert response.status_code == 302
    assert Event.objects.filter(title="锂电产业技术成果对接会").exists()


def test_publish_only_for_organisers(client, owner):
    client.force_login(owner)
    assert client.get(reverse("events:new")).status_code == 404


def test_register_over_capacity_goes_to_waiting_list(
    client, make_event, owner, holder_org, outsider, other_org
):
    event = make_event(capacity=1)
    services.participant_register(event=event, by=owner, organization=holder_org)
    client.force_login(outsider)
    response = client.post(
        event.get_absolute_url(),
        {"action": "register", "organization": other_org.pk, "accepts_meetings": "on"},
        follow=True,
    )
    assert response.status_code == 200
    assert Participant.objects.get(event=event, user=outsider).status == "waiting"


def test_overlap_refused_with_message_and_input_kept(client, make_event, fair, owner, holder_org):
    other = make_event(title="同日培训", kind="training", slots=0, tables=0)
    client.force_login(owner)
    response = client.post(
        other.get_absolute_url(),
        {"action": "register", "organization": holder_org.pk, "offer": "我们提供的技术"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "我们提供的技术" in body and "锂电产业技术成果对接会" in body


def test_agenda_and_manage_404_for_outsiders(client, fair, rival, owner):
    event, _p1, _p2 = fair
    client.force_login(rival)
    assert client.get(reverse("events:agenda", args=[event.pk])).status_code == 404
    assert client.get(reverse("events:manage", args=[event.pk])).status_code == 404
    assert client.get(reverse("events:ics", args=[event.pk])).status_code == 404
    client.force_login(owner)
    assert client.get(reverse("events:manage", args=[event.pk])).status_code == 404


def test_request_accept_schedule_checkin_outcome(client, fair, owner, outsider, bureau, make_achievement):
    event, p1, p2 = fair
    make_achievement("published", title="磷酸铁锂回收技术")
    client.force_login(owner)
    url = reverse("events:agenda", args=[event.pk])
    response = client.post(url, {"action": "request", "invitee": p2.pk, "priority": 2, "message": "想谈合作"})
    assert response.status_code == 302
    meeting = MeetingRequest.objects.get()
    client.force_login(outsider)
    assert (
        client.post(url, {"action": "answer", "meeting": meeting.pk, "decision": "accept"}).status_code == 302
    )
    client.force_login(bureau)
    manage = reverse("events:manage", args=[event.pk])
    assert client.post(manage, {"action": "schedule", "time_limit": 5}).status_code == 302
    assert client.post(manage, {"action": "checkin", "code": p1.code}).status_code == 302
    response = client.post(manage, {"action": "checkin", "code": p1.code})
    assert response.status_code == 400 and p1.code.encode() in response.content
    client.force_login(outsider)
    page = client.get(url).content.decode()
    assert owner.email in page  # the confirmed partner's contact
    response = client.post(
        url,
        {
            "action": "outcome",
            "meeting": meeting.pk,
            "outcome": "negotiation",
            "mode": "transfer",
            "note": "",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.deal is not None
    ics = client.get(reverse("events:ics", args=[event.pk]))
    assert ics.status_code == 200 and b"BEGIN:VCALENDAR" in ics.content and b"VEVENT" in ics.content


def test_contacts_not_shown_before_schedule(client, fair, owner, outsider):
    event, p1, p2 = fair
    services.meeting_request(requester=p1, invitee=p2, by=owner)
    client.force_login(outsider)
    assert owner.email not in client.get(reverse("events:agenda", args=[event.pk])).content.decode()


def test_manage_query_count(client, fair, bureau, django_assert_max_num_queries):
    event, _p1, _p2 = fair
    client.force_login(bureau)
    client.get(reverse("events:manage", args=[event.pk]))
    with django_assert_max_num_queries(30):
        assert client.get(reverse("events:manage", args=[event.pk])).status_code == 200


def test_training_certificate(client, make_event, owner, holder_org, bureau):
    event = make_event(kind="training", slots=0, tables=0, title="技术经纪人培训班")
    p = services.participant_register(event=event, by=owner, organization=holder_org)
    client.force_login(owner)
    url = reverse("events:certificate", args=[event.pk])
    assert client.get(url).status_code == 404
    services.checkin(event=event, by=bureau, code=p.code)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
