"""Client tests of the demand pages and API per persona, privacy of contacts and private budgets."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keqiao.demands.models import Demand

pytestmark = pytest.mark.django_db

CONTACT = "demand-contact@example.com"
PHONE = "028-36666666"


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


# The demand's owner is the `outsider` persona (admin of the enterprise `other_org`).
DETAIL = {
    "draft": {"outsider": 200, "bureau": 200, "owner": 404, "colleague": 404, "anonymous": 404},
    "submitted": {"outsider": 200, "bureau": 200, "owner": 404, "colleague": 404, "anonymous": 404},
    "published": {"outsider": 200, "bureau": 200, "owner": 200, "colleague": 200, "anonymous": 200},
    "closed": {"outsider": 200, "bureau": 200, "owner": 404, "colleague": 404, "anonymous": 404},
}
PRIVATE = {"outsider", "bureau"}


@pytest.mark.parametrize("state", list(DETAIL))
@pytest.mark.parametrize("persona", ["outsider", "bureau", "owner", "colleague", "anonymous"])
def test_detail_matrix_and_privacy(client, personas, make_demand, state, persona):
    d = make_demand(state)
    response = login(client, personas[persona]).get(d.get_absolute_url())
    assert response.status_code == DETAIL[state][persona]
    if response.status_code == 200:
        body = response.content.decode()
        assert (CONTACT in body) == (persona in PRIVATE)
        assert (PHONE in body) == (persona in PRIVATE)
        # the budget is private in demand_data: its figures only for owner and bureau
        assert ("30 万元" in body) == (persona in PRIVATE)


def test_public_budget_is_shown(client, make_demand):
    d = make_demand("published", budget_private=False)
    assert "30 万元" in client.get(d.get_absolute_url()).content.decode()


def test_list_search_and_api_hide_private_data(client, make_demand):
    d = make_demand("published")
    make_demand("draft", title="未发布的需求草稿")
    body = client.get(reverse("demands:list"), {"q": "遗传多样性"}).content.decode()
    assert d.get_absolute_url() in body and "未发布的需求草稿" not in body
    assert CONTACT not in body and "30 万元" not in body
    data = client.get("/api/v1/demands", {"q": "遗传多样性"}).json()
    assert data["total"] == 1 and data["results"][0]["budget_max"] is None
    raw = json.dumps(data, ensure_ascii=False)
    assert CONTACT not in raw and PHONE not in raw
    detail = client.get(f"/api/v1/demands/{d.pk}").json()
    assert detail["budget_min"] is None and "contact_email" not in detail


def test_owner_sees_private_budget_in_api(client, outsider, make_demand):
    d = make_demand("published")
    client.force_login(outsider)
    assert client.get(f"/api/v1/me/demands/{d.pk}").json()["budget_max"] == "300000.00"


def test_list_query_count_is_bounded(client, make_demand):
    for i in range(4):
        make_demand("published", title=f"需求{i} 遗传多样性检测")
    client.get(reverse("demands:list"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("demands:list"), {"q": "遗传"}).status_code == 200
    assert len(ctx.captured_queries) == 3, [q["sql"] for q in ctx.captured_queries]


def form_payload(**overrides):
    data = {
        "title": "竹材防霉处理技术需求",
        "problem": "竹编产品出口时常因霉变退货，需要环保的防霉处理技术。",
        "keywords": "竹材，防霉",
        "tech_field": "new_materials",
        "cooperation_modes": ["service"],
        "min_trl": "5",
        "budget_min": "50000",
        "budget_max": "100000",
        "region": "",
        "deadline": "",
    }
    data.update(overrides)
    return data


def test_create_form_and_bad_input(client, outsider, other_org):
    client.force_login(outsider)
    region = other_org.region_id
    response = client.post(
        reverse("demands:create"), form_payload(region=region, budget_min="200000", budget_max="100000")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "竹编产品出口时常因霉变退货" in body  # nothing typed is lost
    assert not Demand.objects.exists()
    response = client.post(reverse("demands:create"), form_payload(region=region, submit="1"))
    d = Demand.objects.get()
    assert response.status_code == 302 and d.status == "submitted"


def test_review_queue_and_actions(client, bureau, outsider, owner, make_demand):
    d = make_demand("submitted")
    client.force_login(owner)
    assert client.get(reverse("demands:review_queue")).status_code == 404
    assert client.post(reverse("demands:action", args=[d.pk, "approve"])).status_code == 404
    client.force_login(bureau)
    assert d.title in client.get(reverse("demands:review_queue")).content.decode()
    client.post(reverse("demands:action", args=[d.pk, "approve"]), {"confirmed": "1"})
    d.refresh_from_db()
    assert d.status == "published"
    client.force_login(outsider)
    # marking as solved is final: without confirmation the page asks first and nothing changes
    asked = client.post(reverse("demands:action", args=[d.pk, "solve"]))
    d.refresh_from_db()
    assert asked.status_code == 200 and d.status == "published"
    assert "confirmed" in asked.content.decode()
    client.post(reverse("demands:action", args=[d.pk, "solve"]), {"confirmed": "1"})
    d.refresh_from_db()
    assert d.status == "solved"


def test_api_workflow(client, outsider, bureau):
    client.force_login(outsider)
    payload = {
        "title": "接口需求",
        "problem": "需要一种快速检测方法。",
        "tech_field": "agriculture",
        "cooperation_modes": ["license"],
        "budget_min": "10",
        "budget_max": "5",
    }
    response = client.post("/api/v1/me/demands", data=json.dumps(payload), content_type="application/json")
    assert response.status_code == 422
    payload["budget_max"] = "50"
    response = client.post("/api/v1/me/demands", data=json.dumps(payload), content_type="application/json")
    assert response.status_code == 201
    pk = response.json()["id"]
    assert (
        client.post(f"/api/v1/me/demands/{pk}/submit", content_type="application/json").json()["status"]
        == "submitted"
    )
    client.force_login(bureau)
    assert (
        client.post(f"/api/v1/me/demands/{pk}/approve", content_type="application/json").json()["status"]
        == "published"
    )
