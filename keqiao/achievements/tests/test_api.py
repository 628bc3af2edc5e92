import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keqiao.achievements.models import Achievement

pytestmark = pytest.mark.django_db

SECRET = "ACGT-SECRET-0001"


def test_openapi_schema_lists_the_catalogue(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/achievements" in schema["paths"]
    assert "/api/v1/achievements/{achievement_id}" in schema["paths"]


def test_search_returns_public_fields_only(client, make_achievement):
    a = make_achievement("published")
    make_achievement("draft", title="草稿不应出现")
    response = client.get("/api/v1/achievements", {"q": "微卫星 遗传多样性"})
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 1
    assert data["results"][0]["id"] == a.pk
    assert data["facets"]["field"] == {"agriculture": 1}
    raw = response.content.decode()
    assert SECRET not in raw and "secret-contact@example.com" not in raw and "contact_phone" not in raw


def test_search_filters_and_validation(client, make_achievement):
    make_achievement("published", tech_field="new_materials", trl=7)
    make_achievement("published")
    data = client.get("/api/v1/achievements", {"field": "new_materials"}).json()
    assert data["total"] == 1 and data["facets"]["field"] == {"new_materials": 1, "agriculture": 1}
    assert client.get("/api/v1/achievements", {"per_page": 1000}).status_code == 422
    assert client.get("/api/v1/achievements", {"sort": "bogus"}).status_code == 422
    assert client.get("/api/v1/achievements", {"page": 0}).status_code == 422


def test_search_query_count_does_not_grow_with_page_size(client, make_achievement):
    for i in range(6):
        make_achievement("published", title=f"微卫星标记成果{i}")
    client.get("/api/v1/achievements")
    counts = []
    for per_page in (2, 6):
        with CaptureQueriesContext(connection) as ctx:
            client.get("/api/v1/achievements", {"per_page": per_page})
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == 2, ctx.captured_queries  # index catch-up, the page of achievements


def test_detail_404_for_unpublished(client, make_achievement):
    a = make_achievement("submitted")
    assert client.get(f"/api/v1/achievements/{a.pk}").status_code == 404
    b = make_achievement("published")
    body = client.get(f"/api/v1/achievements/{b.pk}").json()
    assert body["title"] == b.title and "confidential_details" not in body


def test_private_endpoints_need_login(client, make_achievement):
    a = make_achievement("draft")
    assert client.get("/api/v1/me/achievements").status_code == 401
    assert client.get(f"/api/v1/me/achievements/{a.pk}").status_code == 401


def _post(client, url, payload=None):
    return client.post(url, data=json.dumps(payload or {}), content_type="application/json")


def test_full_workflow_through_the_api(client, owner, bureau):
    client.force_login(owner)
    payload = {
        "title": "API 登记的成果",
        "summary": "通过接口登记",
        "tech_field": "agriculture",
        "keywords": ["接口", "登记"],
        "transfer_modes": ["license"],
        "ip_items": [{"kind": "invention", "number": "ZL201910123457.4", "title": "专利"}],
    }
    response = _post(client, "/api/v1/me/achievements", payload)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["status"] == "draft"
    response = client.patch(
        f"/api/v1/me/achievements/{pk}", data=json.dumps({"trl": 6}), content_type="application/json"
    )
    assert response.json()["trl"] == 6
    assert _post(client, f"/api/v1/me/achievements/{pk}/submit").json()["status"] == "submitted"
    # the owner cannot approve
    assert _post(client, f"/api/v1/me/achievements/{pk}/approve").status_code == 403
    client.force_login(bureau)
    assert len(client.get("/api/v1/review/achievements").json()) == 1
    approved = _post(client, f"/api/v1/me/achievements/{pk}/approve").json()
    assert approved["status"] == "approved" and len(approved["registration_number"]) == 12
    client.force_login(owner)
    assert _post(client, f"/api/v1/me/achievements/{pk}/publish").json()["status"] == "published"
    # refused transition is a 409 with a message
    response = _post(client, f"/api/v1/me/achievements/{pk}/submit")
    assert response.status_code == 409 and response.json()["detail"]
    client.logout()
    assert client.get(f"/api/v1/achievements/{pk}").status_code == 200


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"keywords": ["1", "2", "3", "4", "5", "6"]}, 422),
        ({"price": "-1"}, 422),
        ({"ip_items": [{"kind": "invention", "number": "ZL201910123457.5", "title": "x"}]}, 422),
        ({"title": "x" * 201}, 422),
        ({"trl": 10}, 422),
    ],
)
def test_api_refuses_bad_input(client, owner, payload, status):
    client.force_login(owner)
    base = {"title": "成果", "summary": "简介", "tech_field": "agriculture", "transfer_modes": ["license"]}
    response = _post(client, "/api/v1/me/achievements", {**base, **payload})
    assert response.status_code == status, response.content
    assert not Achievement.objects.exists()


def test_outsider_cannot_read_or_change_drafts_via_api(client, outsider, make_achievement):
    a = make_achievement("draft")
    client.force_login(outsider)
    assert client.get(f"/api/v1/me/achievements/{a.pk}").status_code == 404
    assert (
        client.patch(
            f"/api/v1/me/achievements/{a.pk}", data="{}", content_type="application/json"
        ).status_code
        == 404
    )
    assert _post(client, f"/api/v1/me/achievements/{a.pk}/submit").status_code == 404
    assert client.get("/api/v1/review/achievements").status_code == 404


def test_reference_endpoints(client):
    regions = client.get("/api/v1/reference/regions").json()
    assert {"511402", "511425", "511400"} <= {r["code"] for r in regions}
    disciplines = client.get(
        "/api/v1/reference/classifications", {"scheme": "gbt13745", "level": "first"}
    ).json()
    assert len(disciplines) == 61
