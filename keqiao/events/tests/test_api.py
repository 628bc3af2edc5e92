"""The events API with a session."""

import pytest

from keqiao.events.models import MeetingRequest

pytestmark = pytest.mark.django_db


def test_list_and_detail_public(client, make_event):
    event = make_event()
    assert client.get("/api/v1/events").json()[0]["id"] == event.pk
    assert client.get(f"/api/v1/events/{event.pk}").json()["title"] == event.title


def test_flow(client, fair, owner, outsider, bureau, rival):
    event, p1, p2 = fair
    client.force_login(owner)
    r = client.post(
        f"/api/v1/events/{event.pk}/meetings",
        {"invitee_id": p2.pk, "priority": 3},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    mid = r.json()["id"]
    client.force_login(rival)
    assert client.post(f"/api/v1/events/{event.pk}/meetings/{mid}/answer/accept").status_code == 404
    client.force_login(outsider)
    assert (
        client.post(f"/api/v1/events/{event.pk}/meetings/{mid}/answer/accept").json()["status"] == "accepted"
    )
    client.force_login(owner)
    assert (
        client.post(f"/api/v1/events/{event.pk}/schedule", {}, content_type="application/json").status_code
        == 404
    )
    client.force_login(bureau)
    r = client.post(f"/api/v1/events/{event.pk}/schedule", {"time_limit": 5}, content_type="application/json")
    assert r.json()["placed"] == 1
    r = client.post(f"/api/v1/events/{event.pk}/checkins", {"code": p1.code}, content_type="application/json")
    assert r.status_code == 201
    r = client.post(f"/api/v1/events/{event.pk}/checkins", {"code": p1.code}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "code"
    client.force_login(owner)
    agenda = client.get(f"/api/v1/events/{event.pk}/agenda").json()
    assert agenda["meetings"][0]["starts_at"] is not None
    r = client.post(
        f"/api/v1/events/{event.pk}/meetings/{mid}/outcome",
        {"outcome": "follow_up"},
        content_type="application/json",
    )
    assert r.json()["outcome"] == "follow_up"
    assert MeetingRequest.objects.get().outcome_by == owner


def test_register_waiting_and_opted_out(client, make_event, owner, holder_org, outsider, other_org):
    event = make_event(capacity=1)
    client.force_login(owner)
    r = client.post(
        f"/api/v1/events/{event.pk}/participants",
        {"organization_id": holder_org.pk, "accepts_meetings": False},
        content_type="application/json",
    )
    assert r.json()["status"] == "registered"
    client.force_login(outsider)
    r = client.post(
        f"/api/v1/events/{event.pk}/participants",
        {"organization_id": other_org.pk},
        content_type="application/json",
    )
    assert r.json()["status"] == "waiting"
    assert client.get(f"/api/v1/events/{event.pk}/statistics").json()["waiting"] == 1
