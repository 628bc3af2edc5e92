"""The JSON API: the organiser's flow, blind scoring, field-by-field refusals, the registry, 404s."""

import json

import pytest

from keqiao.reviews.models import Review

pytestmark = pytest.mark.usefixtures("english")

API = "/api/v1"
SCORES = dict.fromkeys(("scientific", "technological", "economic", "social", "potential"), 70)


def post(client, url, data=None):
    return client.post(API + url, json.dumps(data or {}), content_type="application/json")


def test_full_panel_through_the_api(
    client, agency, agency_org, achievement, experts, make_expert, holder_org, owner
):
    conflicted = make_expert("conflicted", organization=holder_org)
    client.force_login(agency)
    response = post(
        client,
        "/reviews",
        {"organization_id": agency_org.pk, "achievement_id": achievement.pk, "title": "API评审"},
    )
    assert response.status_code == 201, response.content
    review_id = response.json()["id"]
    proposal = client.get(f"{API}/reviews/{review_id}/proposal").json()
    assert [e["expert_id"] for e in proposal["excluded"]] == [conflicted.pk]
    assert proposal["excluded"][0]["reasons"]
    response = post(client, f"/reviews/{review_id}/panel", {"expert_id": conflicted.pk})
    assert response.status_code == 400 and response.json()["code"] == "conflict"
    for expert in experts[:2]:
        added = post(client, f"/reviews/{review_id}/panel", {"expert_id": expert.pk})
        assert added.status_code == 201, added.content.decode()
    assert post(client, f"/reviews/{review_id}/start").json()["status"] == "scoring"
    # scores: refused field by field
    client.force_login(experts[0].user)
    response = post(
        client, f"/reviews/{review_id}/score", {**SCORES, "economic": 101, "social": -1, "comment": "好"}
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"economic", "social"}
    assert post(client, f"/reviews/{review_id}/score", {**SCORES, "comment": "论证充分。"}).status_code == 200
    again = post(client, f"/reviews/{review_id}/score", {**SCORES, "comment": "再改"})
    assert again.status_code == 400
    # blind: the second expert sees no score but their own
    client.force_login(experts[1].user)
    panel = client.get(f"{API}/reviews/{review_id}").json()["panel"]
    assert [p["scores"] for p in panel if p["expert_id"] == experts[0].pk] == [None]
    client.force_login(owner)
    assert client.get(f"{API}/reviews/{review_id}").status_code == 404
    client.force_login(experts[1].user)
    post(client, f"/reviews/{review_id}/score", {**SCORES, "economic": 90, "comment": "市场前景好。"})
    client.force_login(agency)
    detail = client.get(f"{API}/reviews/{review_id}").json()
    assert all(p["scores"] is None for p in detail["panel"])  # the organiser sees who, not what
    closed = post(client, f"/reviews/{review_id}/close", {"conclusion": "国内先进"}).json()
    assert closed["status"] == "closed" and closed["result"]["indicators"]["economic"]["score"] == 80.0
    client.force_login(owner)
    detail = client.get(f"{API}/reviews/{review_id}").json()
    assert detail["role"] == "holder" and detail["panel"][0]["scores"]["economic"] == 70
    assert [r["id"] for r in client.get(f"{API}/reviews?scope=held").json()] == [review_id]


def test_open_refused_for_holders_and_bad_input(client, owner, holder_org, agency, agency_org, achievement):
    client.force_login(owner)
    response = post(
        client, "/reviews", {"organization_id": holder_org.pk, "achievement_id": achievement.pk, "title": "x"}
    )
    assert response.status_code == 404
    client.force_login(agency)
    response = post(
        client,
        "/reviews",
        {"organization_id": agency_org.pk, "achievement_id": achievement.pk, "title": "\x00", "extra": 1},
    )
    assert response.status_code in (400, 422)
    response = post(
        client,
        "/reviews",
        {
            "organization_id": agency_org.pk,
            "achievement_id": achievement.pk,
            "title": "评审",
            "weights": {"scientific": 2},
        },
    )
    assert response.status_code == 400 and response.json()["field"] == "weights"
    response = post(
        client, "/reviews", {"organization_id": agency_org.pk, "achievement_id": 2**40, "title": "评审"}
    )
    assert response.status_code in (400, 422)
    assert not Review.objects.exists()


def test_reopen_through_the_api(client, agency, make_review, experts):
    review = make_review("submitted", panel=experts[:2])
    panelist = review.panel.first()
    client.force_login(agency)
    response = post(client, f"/reviews/{review.pk}/panel/{panelist.pk}/reopen", {"reason": " "})
    assert response.status_code == 422
    response = post(client, f"/reviews/{review.pk}/panel/{panelist.pk}/reopen", {"reason": "专家申请更正"})
    assert response.status_code == 200
    assert [p["submitted"] for p in response.json()["panel"]] == [False, True]


def test_registry_api(client, bureau, agency, owner):
    client.force_login(agency)
    assert client.get(f"{API}/reviews/experts").status_code == 404
    client.force_login(bureau)
    bad = post(
        client, "/reviews/experts", {"username": owner.username, "title": "nobel", "tech_fields": ["magic"]}
    )
    assert bad.status_code == 422
    assert {e["field"].split(".")[0] for e in bad.json()["errors"]} >= {"title", "tech_fields"}
    response = post(
        client,
        "/reviews/experts",
        {
            "username": owner.username,
            "title": "senior_full",
            "organization_name": "四川大学",
            "disciplines": ["240"],
            "tech_fields": ["agriculture"],
        },
    )
    assert response.status_code == 201, response.content
    expert_id = response.json()["id"]
    assert post(client, f"/reviews/experts/{expert_id}/confirm").json()["status"] == "confirmed"
    assert [e["id"] for e in client.get(f"{API}/reviews/experts?tech_field=agriculture").json()] == [
        expert_id
    ]
    client.force_login(owner)
    response = client.patch(
        f"{API}/reviews/experts/me", json.dumps({"available": False}), content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["available"] is False
    assert post(client, f"/reviews/experts/{expert_id}/suspend").status_code == 404


def test_my_panels_only(client, make_review, experts):
    review = make_review("scoring", panel=experts[:2])
    client.force_login(experts[2].user)
    assert client.get(f"{API}/reviews/mine").json() == []
    assert client.get(f"{API}/reviews/{review.pk}").status_code == 404
    client.force_login(experts[0].user)
    assert [p["review_id"] for p in client.get(f"{API}/reviews/mine").json()] == [review.pk]
