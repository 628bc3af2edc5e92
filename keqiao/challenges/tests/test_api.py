"""The challenge API: public reads, publishing with bad input refused, proposals sealed, scoring and the
award, each refused for those not entitled."""

import datetime

import pytest
from django.utils import timezone

from keqiao.challenges import services

from .conftest import after_deadline, challenge_data

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _json(data: dict) -> dict:
    out = dict(data)
    out["deadline"] = out["deadline"].isoformat()
    return out


def test_publish_and_read(client, make_demand, outsider):
    demand = make_demand("published")
    client.force_login(outsider)
    body = _json(challenge_data()) | {"demand_id": demand.pk}
    bad = dict(body, criteria=[{"name": "可行性", "weight": 70}])
    response = client.post(f"{API}/challenges", bad, content_type="application/json")
    assert response.status_code == 400 and "add up to 100" in response.json()["detail"]
    past = dict(body, deadline=(timezone.now() - datetime.timedelta(hours=2)).isoformat())
    response = client.post(f"{API}/challenges", past, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "deadline"
    response = client.post(f"{API}/challenges", body, content_type="application/json")
    assert response.status_code == 201
    cid = response.json()["id"]
    client.logout()
    listed = client.get(f"{API}/challenges").json()
    assert [c["id"] for c in listed] == [cid]
    one = client.get(f"{API}/challenges/{cid}").json()
    assert one["winners"] == [] and one["criteria"][0]["weight"] == 40
    assert "contact" not in str(one)


def test_proposal_flow(client, make_challenge, owner, holder_org, outsider, rival):
    c = make_challenge()
    client.force_login(owner)
    body = {
        "organization_id": holder_org.pk,
        "approach": "电化学传感器阵列。",
        "indicators_response": "检测下限0.3 mg/kg。",
        "price": "450000.00",
        "months": 10,
    }
    response = client.post(f"{API}/challenges/{c.pk}/proposals", body, content_type="application/json")
    assert response.status_code == 201
    pid = response.json()["id"]
    url = f"{API}/challenges/{c.pk}/proposals/{pid}"
    assert client.get(url).status_code == 200
    for user in (outsider, rival):
        client.force_login(user)
        assert client.get(url).status_code == 404
    assert client.get(f"{API}/challenges/{c.pk}/proposals").json() == []
    services.challenges_maintain(now=after_deadline(c))
    client.force_login(owner)
    response = client.post(f"{API}/challenges/{c.pk}/proposals", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "deadline"
    assert client.post(f"{url}/withdraw").status_code == 400
    client.force_login(outsider)
    assert [p["id"] for p in client.get(f"{API}/challenges/{c.pk}/proposals").json()] == [pid]
    response = client.post(
        f"{url}/score", {"scores": {"0": 90, "1": 80, "2": 70, "3": 60}}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["total"] == "80.00"
    client.force_login(rival)
    response = client.post(
        f"{API}/challenges/{c.pk}/award", {"proposal_ids": [pid]}, content_type="application/json"
    )
    assert response.status_code == 404
    client.force_login(outsider)
    response = client.post(
        f"{API}/challenges/{c.pk}/award", {"proposal_ids": [pid]}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["winners"] == [holder_org.name]
    response = client.post(
        f"{API}/challenges/{c.pk}/no-award", {"reason": "改变主意"}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "decided"
    client.force_login(owner)
    assert client.get(url).json()["deal_id"]


def test_statistics_for_government(client, make_challenge, bureau, owner):
    make_challenge()
    client.force_login(owner)
    assert client.get(f"{API}/challenges/statistics").status_code == 404
    client.force_login(bureau)
    assert client.get(f"{API}/challenges/statistics").json()["count"] == 1
