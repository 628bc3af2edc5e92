"""Pages of the registries through the client: proposing with evidence (re-rendered with the data on an
error), the department's decision, 404 for outsiders, query counts pinned on the lists."""

import datetime

import pytest
from django.utils import timezone

from keqiao.registries import services
from keqiao.registries.models import Platform, Qualification

from .conftest import pdf, platform_data

pytestmark = pytest.mark.django_db


def _form(**overrides):
    today = timezone.localdate()
    data = {
        "kind": "high_tech",
        "number": "GR202451000555",
        "issuing_body": "四川省科学技术厅",
        "valid_from": (today - datetime.timedelta(days=30)).isoformat(),
        "valid_until": (today + datetime.timedelta(days=900)).isoformat(),
    }
    data.update(overrides)
    return data


def test_enterprise_proposes_through_the_form(client, ent, ent_org, county_org):
    client.force_login(ent)
    assert client.get("/registries/qualifications/new/").status_code == 200
    response = client.post(
        "/registries/qualifications/new/", {**_form(organization=ent_org.pk), "evidence": pdf()}
    )
    q = Qualification.objects.get()
    assert response.status_code == 302 and response["Location"] == q.get_absolute_url()
    assert q.department == county_org and q.evidence_sha256
    page = client.get(q.get_absolute_url())
    assert "GR202451000555" in page.content.decode()
    evidence = client.get(f"/registries/qualifications/{q.pk}/evidence/")
    assert evidence.status_code == 200 and evidence["Content-Type"] == "application/pdf"


def test_bad_dates_rerender_with_the_typed_data(client, ent, ent_org):
    client.force_login(ent)
    response = client.post(
        "/registries/qualifications/new/",
        {
            **_form(organization=ent_org.pk, valid_from="2024-01-01", valid_until="2027-06-01"),
            "evidence": pdf(),
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "GR202451000555" in body and "2027-06-01" in body
    assert "此类证书有效期最长 3 年" in body
    assert not Qualification.objects.exists()


def test_chinese_message_for_an_end_before_the_start(client, ent, ent_org):
    client.force_login(ent)
    response = client.post(
        "/registries/qualifications/new/",
        {
            **_form(organization=ent_org.pk, valid_from="2025-06-01", valid_until="2025-01-01"),
            "evidence": pdf(),
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "有效期的结束日期须晚于开始日期" in response.content.decode()


def test_people_without_an_enterprise_cannot_open_the_form(client, county):
    client.force_login(county)
    assert client.get("/registries/qualifications/new/").status_code == 404


def test_department_confirms_on_the_page(client, propose, county):
    q = propose()
    client.force_login(county)
    page = client.get(q.get_absolute_url()).content.decode()
    assert 'id="action-confirm"' in page and 'id="action-withdraw"' not in page
    response = client.post(f"/registries/qualifications/{q.pk}/decide/", {"action": "confirm"})
    assert response.status_code == 302
    q.refresh_from_db()
    assert q.status == "confirmed"


def test_revoke_without_reason_is_shown_on_the_page(client, propose, county):
    q = services.qualification_decide(qualification=propose(), by=county, action="confirm")
    client.force_login(county)
    response = client.post(f"/registries/qualifications/{q.pk}/decide/", {"action": "revoke", "note": ""})
    assert response.status_code == 400
    assert "请填写理由。" in response.content.decode()
    q.refresh_from_db()
    assert q.status == "confirmed"


def test_outsiders_get_404(client, propose, propose_platform, stranger):
    q, p = propose(), propose_platform()
    client.force_login(stranger)
    for url in (
        q.get_absolute_url(),
        f"/registries/qualifications/{q.pk}/evidence/",
        p.get_absolute_url(),
        f"/registries/platforms/{p.pk}/evidence/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/registries/qualifications/{q.pk}/decide/", {"action": "confirm"}).status_code == 404
    assert client.get("/registries/qualifications/").content.decode().count("qualification-") == 0


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get("/registries/qualifications/").status_code == 302


def test_list_query_count_does_not_grow(client, bureau, ent, ent_org, county, django_assert_max_num_queries):
    for i in range(12):
        services.qualification_propose(
            by=ent,
            organization=ent_org,
            data={
                "kind": "specialised",
                "number": f"川专精特新〔2025〕{i:04d}",
                "issuing_body": "四川省经济和信息化厅",
                "valid_from": datetime.date(2000 + i, 1, 1),
                "valid_until": datetime.date(2000 + i, 12, 31),
            },
            evidence=pdf(),
        )
    client.force_login(bureau)
    with django_assert_max_num_queries(14):
        response = client.get("/registries/qualifications/?kind=specialised")
    assert response.content.decode().count('id="qualification-') == 12


def test_platform_pages(client, ent, ent_org, county, django_assert_max_num_queries):
    client.force_login(ent)
    data = platform_data()
    response = client.post(
        "/registries/platforms/new/",
        {
            **data,
            "recognised_on": data["recognised_on"].isoformat(),
            "organization": ent_org.pk,
            "evidence": pdf(),
        },
    )
    p = Platform.objects.get()
    assert response.status_code == 302
    client.force_login(county)
    with django_assert_max_num_queries(14):
        assert client.get("/registries/platforms/").status_code == 200
    assert client.post(f"/registries/platforms/{p.pk}/decide/", {"action": "confirm"}).status_code == 302
    p.refresh_from_db()
    assert p.status == "active"
