import pytest

from .conftest import valuation_inputs

pytestmark = pytest.mark.django_db


def body(**over) -> dict:
    raw = valuation_inputs()
    data = {"title": "API 估值", "trl": 5, "draws": 1000, "seed": 3}
    for p in (
        "revenue",
        "growth",
        "royalty",
        "life",
        "discount",
        "tax",
        "dev_cost",
        "reproduction_cost",
        "obsolescence",
    ):
        data[p] = {k: (float(v) if k != "kind" else v) for k, v in raw[p].items()}
    data.update(over)
    return data


def test_criteria_public(client):
    r = client.get("/api/v1/evaluation/readiness-levels")
    assert r.status_code == 200
    assert len(r.json()["levels"]) == 9 and r.json()["standard"] == "GB/T 22900-2022"


def test_create_get_copy_share(client, owner, outsider, make_deal):
    client.force_login(owner)
    r = client.post("/api/v1/valuations", body(), content_type="application/json")
    assert r.status_code == 201, r.json()
    v = r.json()
    assert v["seed"] == 3 and v["results"]["value"]["p50"] > 0
    assert client.get(f"/api/v1/valuations/{v['id']}").status_code == 200
    r = client.post(f"/api/v1/valuations/{v['id']}/copy")
    assert r.status_code == 201 and r.json()["copied_from_id"] == v["id"]
    deal = make_deal("negotiating")
    r = client.post(
        f"/api/v1/valuations/{v['id']}/share", {"deal_id": deal.pk}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["deal_id"] == deal.pk
    client.force_login(outsider)
    assert client.get(f"/api/v1/valuations/{v['id']}").status_code == 200
    ids = [x["id"] for x in client.get("/api/v1/valuations").json()]
    assert ids == [v["id"]]


def test_impossible_parameters_422_by_field(client, owner):
    client.force_login(owner)
    r = client.post(
        "/api/v1/valuations",
        body(discount={"kind": "fixed", "mode": -100}, royalty={"kind": "uniform", "low": 9, "high": 2}),
        content_type="application/json",
    )
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"discount_mode", "royalty_low"} <= fields


def test_unknown_keys_and_bad_kind_refused(client, owner):
    client.force_login(owner)
    r = client.post("/api/v1/valuations", body(extra=1), content_type="application/json")
    assert r.status_code == 422
    r = client.post(
        "/api/v1/valuations", body(revenue={"kind": "beta", "mode": 1}), content_type="application/json"
    )
    assert r.status_code == 422


def test_private_to_organisation(client, outsider, make_valuation):
    v = make_valuation()
    client.force_login(outsider)
    assert client.get(f"/api/v1/valuations/{v.pk}").status_code == 404
    assert client.get("/api/v1/valuations").json() == []
    assert client.post(f"/api/v1/valuations/{v.pk}/copy").status_code == 404


def test_anonymous_refused(client, make_valuation):
    v = make_valuation()
    assert client.get(f"/api/v1/valuations/{v.pk}").status_code == 401


def test_assessment_api_confirm(client, assessor, outsider, make_assessment):
    a = make_assessment("submitted", level=6)
    client.force_login(outsider)
    assert client.get(f"/api/v1/readiness/{a.pk}").status_code == 404
    client.force_login(assessor)
    r = client.get(f"/api/v1/achievements/{a.achievement_id}/readiness")
    assert r.status_code == 200 and r.json()[0]["evidence"][0]["sha256"]
    r = client.post(f"/api/v1/readiness/{a.pk}/confirm", {"level": 4}, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "comment"
    r = client.post(
        f"/api/v1/readiness/{a.pk}/confirm",
        {"level": 4, "comment": "中试证据不足", "level_comments": {"5": "无报告"}},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["confirmed_level"] == 4


def test_holder_confirm_refused(client, owner, make_assessment):
    a = make_assessment("submitted")
    client.force_login(owner)
    r = client.post(f"/api/v1/readiness/{a.pk}/confirm", {"level": 6}, content_type="application/json")
    assert r.status_code == 403


def test_holder_walks_through_the_api(client, owner, outsider, make_achievement):
    from .conftest import pdf

    ach = make_achievement("published")
    client.force_login(outsider)
    assert client.post(f"/api/v1/achievements/{ach.pk}/readiness").status_code == 403
    client.force_login(owner)
    r = client.post(f"/api/v1/achievements/{ach.pk}/readiness")
    assert r.status_code == 201
    a = r.json()["id"]
    answers = {str(n): {"met": True, "statement": f"第{n}级已完成"} for n in range(1, 4)}
    r = client.put(
        f"/api/v1/readiness/{a}/answers",
        {"answers": answers, "justification": "概念验证完成"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["self_level"] == 3
    r = client.put(
        f"/api/v1/readiness/{a}/answers",
        {"answers": {"1": {"met": True, "statement": ""}}},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "statement_1"
    r = client.post(f"/api/v1/readiness/{a}/submit")
    assert r.status_code == 400  # no evidence for the level reached
    r = client.post(f"/api/v1/readiness/{a}/evidence", {"level": "3", "file": pdf()})
    assert r.status_code == 201 and len(r.json()["sha256"]) == 64
    r = client.post(f"/api/v1/readiness/{a}/evidence", {"level": "3", "file": pdf(), "x": "1"})
    assert r.status_code == 422
    r = client.post(f"/api/v1/readiness/{a}/submit")
    assert r.status_code == 200 and r.json()["status"] == "submitted"


def test_assessor_returns_through_the_api(client, assessor, make_assessment):
    a = make_assessment("submitted")
    client.force_login(assessor)
    r = client.post(f"/api/v1/readiness/{a.pk}/return", {"comment": ""}, content_type="application/json")
    assert r.status_code == 422
    r = client.post(
        f"/api/v1/readiness/{a.pk}/return", {"comment": "请补充报告"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "draft"


def test_update_valuation_through_the_api(client, owner, outsider, make_valuation):
    v = make_valuation()
    client.force_login(owner)
    r = client.put(f"/api/v1/valuations/{v.pk}", body(title="改后"), content_type="application/json")
    assert r.status_code == 200 and r.json()["title"] == "改后"
    r = client.put(
        f"/api/v1/valuations/{v.pk}", body(life={"kind": "fixed", "mode": 0}), content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "life_mode"
    client.force_login(outsider)
    assert (
        client.put(f"/api/v1/valuations/{v.pk}", body(), content_type="application/json").status_code == 404
    )
