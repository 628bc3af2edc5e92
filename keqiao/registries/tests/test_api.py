"""The registries' API: multipart proposal with evidence, decisions, 404 for outsiders, 422 for bad input."""

import pytest

from keqiao.registries.models import Qualification

from .conftest import pdf

pytestmark = pytest.mark.django_db


def test_propose_and_confirm_through_the_api(client, ent, ent_org, county):
    client.force_login(ent)
    response = client.post(
        "/api/v1/registries/qualifications",
        {
            "organization_id": ent_org.pk,
            "kind": "high_tech",
            "number": "GR202451000888",
            "issuing_body": "四川省科学技术厅",
            "valid_from": "2025-11-20",
            "valid_until": "2028-11-19",
            "evidence": pdf(),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "proposed" and len(body["evidence_sha256"]) == 64
    client.force_login(county)
    done = client.post(
        f"/api/v1/registries/qualifications/{body['id']}/confirm", {}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "confirmed"
    assert client.get("/api/v1/registries/qualifications").json()[0]["id"] == body["id"]


def test_api_refusals(client, ent, ent_org, propose, stranger):
    client.force_login(ent)
    bad = client.post(
        "/api/v1/registries/qualifications",
        {
            "organization_id": ent_org.pk,
            "kind": "high_tech",
            "number": "GR1",
            "issuing_body": "四川省科学技术厅",
            "valid_from": "2025-11-20",
            "valid_until": "2025-01-01",
            "evidence": pdf(),
        },
    )
    assert bad.status_code == 400
    unknown = client.post("/api/v1/registries/qualifications", {"organization_id": ent_org.pk, "extra": "x"})
    assert unknown.status_code == 422
    q = propose()
    own = client.post(
        f"/api/v1/registries/qualifications/{q.pk}/confirm", {}, content_type="application/json"
    )
    assert own.status_code == 403
    client.force_login(stranger)
    assert client.get(f"/api/v1/registries/qualifications/{q.pk}").status_code == 404
    assert client.get("/api/v1/registries/qualifications").json() == []
    assert Qualification.objects.get().status == "proposed"


def test_platform_api(client, ent, ent_org, county):
    client.force_login(ent)
    created = client.post(
        "/api/v1/registries/platforms",
        {
            "organization_id": ent_org.pk,
            "name": "眉山市晶硅切片工程技术研究中心",
            "kind": "engineering_centre",
            "level": "city",
            "document": "眉市科发〔2024〕6号",
            "recognised_on": "2024-09-15",
            "evidence": pdf(),
        },
    )
    assert created.status_code == 201, created.content
    client.force_login(county)
    pid = created.json()["id"]
    assert (
        client.post(
            f"/api/v1/registries/platforms/{pid}/confirm", {}, content_type="application/json"
        ).json()["status"]
        == "active"
    )
    assert client.get(f"/api/v1/registries/platforms/{pid}").json()["level"] == "city"


def test_anonymous_gets_401(client):
    assert client.get("/api/v1/registries/qualifications").status_code == 401
