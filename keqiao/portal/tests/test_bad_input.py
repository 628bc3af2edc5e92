"""Bad input is a clear 4xx on SQLite and on PostgreSQL, never a server error: NUL characters, offsets
beyond any list, times without a zone or centuries ahead, ids that are not numbers, and the same
account or organisation submitted twice at once."""

import datetime

import pytest
from django.utils import timezone

from keqiao.accounts import services as account_services
from keqiao.accounts.models import Membership, Organization, User
from keqiao.common.errors import AlreadyExists
from keqiao.negotiations.tests.conftest import make_deal  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "U+0000"


@pytest.fixture
def api(client, owner):
    client.force_login(owner)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/reference/classifications?scheme=%00",
        "/api/v1/me/achievements?status=%00",
        "/api/v1/deals?status=%00",
        "/api/v1/contracts?status=%00",
        "/achievements/mine/?status=%00",
        "/achievements/?q=%E7%AB%B9%00",
    ],
)
def test_nul_in_a_query_string_is_refused(api, url):
    response = api.get(url)
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()


@pytest.mark.parametrize(
    ("url", "payload"),
    [
        ("/api/v1/me/achievements", {"title": "a\u0000b", "summary": "竹纤维"}),
        ("/api/v1/me/achievements", {"title": "竹纤维", "summary": "x\u0000"}),
        ("/api/v1/me/demands", {"title": "泡菜\u0000杀菌"}),
        ("/api/v1/me/subscriptions", {"kind": "keyword", "value": "x\u0000"}),
        ("/api/v1/me/achievements", {"nested": {"k\u0000": ["ok"]}}),
    ],
)
def test_nul_in_json_is_refused_with_a_json_message(api, url, payload):
    response = api.post(url, payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_character"
    assert NUL_MESSAGE in response.json()["detail"]


def test_nul_in_a_form_is_refused_and_nothing_is_stored(api, make_deal):  # noqa: F811
    deal = make_deal("negotiating")
    count = deal.messages.count()
    response = api.post(f"/api/v1/deals/{deal.pk}/messages", {"body": "hi\u0000there"})
    assert response.status_code == 400
    response = api.post("/matching/follow/", {"kind": "keyword", "value": "x\u0000"})
    assert response.status_code == 400
    assert "U+0000" in response.content.decode()
    assert deal.messages.count() == count


def test_a_file_upload_is_not_mistaken_for_text(api, make_deal):  # noqa: F811
    """Binary files legitimately hold NUL bytes; only the text fields are inspected."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    deal = make_deal("negotiating")
    pdf = SimpleUploadedFile(
        "offer.pdf", b"%PDF-1.4\n\x00\x01binary\n%%EOF\n", content_type="application/pdf"
    )
    response = api.post(f"/api/v1/deals/{deal.pk}/messages", {"body": "附件见内", "files": [pdf]})
    assert response.status_code == 201, response.content
    assert deal.messages.get(body="附件见内").attachments.count() == 1


@pytest.mark.parametrize(
    "url", ["/api/v1/me/achievements", "/api/v1/deals", "/api/v1/contracts", "/api/v1/me/demands"]
)
def test_an_offset_beyond_any_list_is_a_422(api, url):
    response = api.get(f"{url}?offset=100000000000000000000")
    assert response.status_code == 422
    assert api.get(f"{url}?offset=20").status_code == 200


def test_meeting_times_without_a_zone_are_local_and_far_ones_refused(client, outsider, make_deal):  # noqa: F811
    deal = make_deal("negotiating")
    client.force_login(outsider)
    naive = (timezone.localtime() + datetime.timedelta(days=3)).replace(tzinfo=None, microsecond=0)
    response = client.post(
        f"/api/v1/deals/{deal.pk}/meetings",
        {"starts_at": naive.isoformat(), "place": "眉山天府新区科创中心"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    meeting = deal.meetings.get()
    assert timezone.localtime(meeting.starts_at).replace(tzinfo=None) == naive
    response = client.post(
        f"/api/v1/deals/{deal.pk}/meetings",
        {"starts_at": "9999-12-31T23:59:59+00:00", "place": "眉山"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "starts_at"


def test_ids_that_are_not_numbers_are_404(client, owner, holder_org):
    client.force_login(owner)
    Membership.objects.filter(user=owner, organization=holder_org).update(role=Membership.Role.ADMIN)
    response = client.post(f"/accounts/organizations/{holder_org.pk}/members/", {"membership": "abc"})
    assert response.status_code == 404
    response = client.post(f"/accounts/organizations/{holder_org.pk}/members/", {"membership": "9" * 30})
    assert response.status_code == 404


def test_the_same_account_twice_at_once_is_a_clear_refusal(owner, holder_org):
    Membership.objects.filter(user=owner, organization=holder_org).update(role=Membership.Role.ADMIN)
    details = {
        "username": "twin",
        "full_name": "王工",
        "email": "twin@example.cn",
        "password": "Keqiao-2026-pw",
    }
    account_services.member_create(organization=holder_org, by=owner, **details)
    # The form's uniqueness check passed for both submissions; the second insert meets the constraint.
    with pytest.raises(AlreadyExists) as refused:
        account_services.member_create(organization=holder_org, by=owner, **details)
    assert refused.value.field == "username"
    assert User.objects.filter(username="twin").count() == 1


def test_the_same_organisation_registered_twice_is_a_clear_refusal(holder_org):
    org_data = {
        "name": "东坡区重复单位",
        "kind": "enterprise",
        "credit_code": holder_org.credit_code,
        "region": holder_org.region,
    }
    with pytest.raises(AlreadyExists) as refused:
        account_services.organization_register(
            user_data={"username": "dup-reg", "email": "dup@example.cn", "password": "Keqiao-2026-pw"},
            org_data=org_data,
        )
    assert refused.value.field == "credit_code"
    assert not User.objects.filter(username="dup-reg").exists()
    assert Organization.objects.filter(credit_code=holder_org.credit_code).count() == 1


def test_recommendation_and_push_ids_that_are_not_numbers_are_404(client, owner, holder_org):
    from keqiao.accounts.models import Organization

    client.force_login(owner)
    assert (
        client.post("/matching/recommendations/", {"recommendation": "abc", "answer": "act"}).status_code
        == 404
    )
    Organization.objects.filter(pk=holder_org.pk).update(kind=Organization.Kind.AGENCY)  # a broker's agency
    assert client.get("/matching/push/?achievement=abc&demand=1").status_code == 404
    assert client.get("/matching/push/?achievement=1&demand=" + "9" * 40).status_code == 404
