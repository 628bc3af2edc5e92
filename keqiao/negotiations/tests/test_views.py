"""Pages and API of deals: the permission matrix per persona, forms that keep input, query counts."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from keqiao.contracts import services as contract_services
from keqiao.contracts.models import Contract
from keqiao.negotiations import services
from keqiao.negotiations.models import Deal, DealEvent

from .conftest import contract_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def room_setup(make_deal, outsider, owner, broker):
    deal = make_deal("accepted")
    services.broker_invite(deal=deal, by=owner, broker=broker)
    msg = services.message_post(
        deal=deal, by=outsider, body="附件是我们的需求说明", files=[SimpleUploadedFile("spec.pdf", PDF)]
    )
    return deal, msg.attachments.get()


# persona -> can open the room (and its attachments)
ROOM_MATRIX = {
    "owner": 200,
    "colleague": 200,
    "outsider": 200,
    "broker": 200,
    "bureau": 200,
    "stranger": 404,
    "uninvited_broker": 404,
}


@pytest.fixture
def deal_personas(personas, broker, stranger, agency_org):
    from keqiao.accounts.models import Membership
    from keqiao.testing.factories import member

    return {
        **personas,
        "broker": broker,
        "stranger": stranger,
        "uninvited_broker": member(agency_org, Membership.Role.STAFF, username="broker2"),
    }


@pytest.mark.parametrize("persona,expected", sorted(ROOM_MATRIX.items()))
def test_room_pages_and_attachments_per_persona(client, room_setup, deal_personas, persona, expected):
    deal, attachment = room_setup
    login(client, deal_personas[persona])
    urls = [
        reverse("negotiations:room", args=[deal.pk]),
        reverse("negotiations:attachment", args=[deal.pk, attachment.pk]),
        f"/api/v1/deals/{deal.pk}",
        f"/api/v1/deals/{deal.pk}/attachments/{attachment.pk}",
    ]
    for url in urls:
        assert client.get(url).status_code == expected, url


def test_anonymous_is_sent_to_login_and_api_refuses(client, room_setup):
    deal, attachment = room_setup
    assert client.get(reverse("negotiations:room", args=[deal.pk])).status_code == 302
    assert client.get(reverse("negotiations:attachment", args=[deal.pk, attachment.pk])).status_code == 302
    assert client.get(f"/api/v1/deals/{deal.pk}").status_code == 401


@pytest.mark.parametrize("persona", ["stranger", "uninvited_broker", "bureau"])
def test_non_parties_cannot_act_in_the_room(client, room_setup, deal_personas, persona):
    deal, _att = room_setup
    login(client, deal_personas[persona])
    url = reverse("negotiations:room", args=[deal.pk])
    response = client.post(url, {"action": "message", "message-body": "插话"})
    assert response.status_code in (400, 404)
    assert deal.messages.count() == 1
    api = client.post(
        f"/api/v1/deals/{deal.pk}/offers",
        json.dumps({"price": "1", "payment_method": "lump_sum", "mode": "transfer"}),
        content_type="application/json",
    )
    assert api.status_code in (403, 404)
    assert not deal.offers.exists()


def test_bureau_reading_is_in_the_timeline_and_room_is_read_only(client, room_setup, bureau):
    deal, _att = room_setup
    login(client, bureau)
    page = client.get(reverse("negotiations:room", args=[deal.pk])).content.decode()
    assert 'id="message-form"' not in page and "spec.pdf" in page
    assert DealEvent.objects.filter(deal=deal, action="viewed_by_bureau", actor=bureau).count() == 1


def test_contacts_are_disclosed_only_after_acceptance(client, make_deal, make_achievement, owner, outsider):
    a = make_achievement("published", contact_phone="13800001111")
    deal = make_deal("interest", achievement=a)
    login(client, outsider)
    page = client.get(reverse("negotiations:room", args=[deal.pk])).content.decode()
    assert "13800001111" not in page
    api = client.get(f"/api/v1/deals/{deal.pk}").json()
    assert api["contacts"] == []
    services.deal_accept(deal=deal, by=owner)
    assert "13800001111" in client.get(reverse("negotiations:room", args=[deal.pk])).content.decode()
    assert "13800001111" in json.dumps(client.get(f"/api/v1/deals/{deal.pk}").json(), ensure_ascii=False)


def test_interest_page_keeps_input_on_refusal_and_creates_deal(client, make_achievement, outsider, other_org):
    a = make_achievement("published")
    login(client, outsider)
    url = reverse("negotiations:interest", args=["achievement", a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"organization": other_org.pk, "mode": "transfer", "message": "……！！"})
    assert response.status_code == 200 and "……！！" in response.content.decode()
    assert not Deal.objects.exists()
    response = client.post(
        url, {"organization": other_org.pk, "mode": "transfer", "message": "我们希望受让这项技术"}
    )
    deal = Deal.objects.get()
    assert response.status_code == 302 and response.url == deal.get_absolute_url()
    # a second visit goes to the open negotiation
    assert client.get(url).url == deal.get_absolute_url()


def test_interest_box_on_listing_pages(client, make_achievement, owner, outsider):
    a = make_achievement("published")
    detail = reverse("achievements:detail", args=[a.pk])
    assert "express-interest" not in login(client, owner).get(detail).content.decode()  # own listing
    client.logout()
    assert "express-interest" in login(client, outsider).get(detail).content.decode()


def test_room_form_errors_keep_what_was_typed(client, make_deal, owner):
    deal = make_deal("accepted")
    login(client, owner)
    response = client.post(
        reverse("negotiations:room", args=[deal.pk]),
        {
            "action": "offer",
            "offer-price": "-3",
            "offer-payment_method": "lump_sum",
            "offer-mode": "transfer",
            "offer-territory": "西南地区独家",
        },
    )
    assert response.status_code == 400
    assert "西南地区独家" in response.content.decode()
    past = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("negotiations:room", args=[deal.pk]),
        {"action": "meeting", "meeting-starts_at": past, "meeting-place": "彭山区政务中心"},
    )
    assert response.status_code == 400 and "彭山区政务中心" in response.content.decode()


def test_room_flow_through_pages(client, make_deal, owner, outsider):
    deal = make_deal("interest")
    url = reverse("negotiations:room", args=[deal.pk])
    login(client, owner)
    assert client.post(url, {"action": "accept"}).status_code == 302
    client.post(
        url,
        {
            "action": "message",
            "message-body": "欢迎洽谈",
            "message-files": [SimpleUploadedFile("a.pdf", PDF)],
        },
    )
    client.post(
        url,
        {
            "action": "offer",
            "offer-price": "88000.00",
            "offer-payment_method": "instalments",
            "offer-mode": "transfer",
        },
    )
    deal.refresh_from_db()
    assert deal.status == "negotiating" and deal.messages.get().attachments.count() == 1
    client.logout()
    login(client, outsider)
    offer = deal.offers.get()
    asked = client.post(url, {"action": "offer_accept", "object_id": offer.pk})
    assert asked.status_code == 200 and 'name="confirmed" value="1"' in asked.content.decode()
    deal.refresh_from_db()
    assert deal.status == "negotiating"  # nothing happens before the confirmation
    response = client.post(url, {"action": "offer_accept", "object_id": offer.pk, "confirmed": "1"})
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.status == "agreed"
    form = client.get(reverse("contracts:contract_new") + f"?deal={deal.pk}")
    assert form.status_code == 200 and "88000" in form.content.decode()


def test_unknown_action_or_object_is_404(client, make_deal, owner):
    deal = make_deal("accepted")
    login(client, owner)
    url = reverse("negotiations:room", args=[deal.pk])
    assert client.post(url, {"action": "explode"}).status_code == 404
    assert client.post(url, {"action": "offer_accept", "object_id": "999"}).status_code == 404


def test_my_negotiations_list_has_pinned_query_count(
    client, make_deal, make_achievement, outsider, django_assert_max_num_queries
):
    for i in range(3):
        make_deal("interest", achievement=make_achievement("published", title=f"成果{i}"))
    login(client, outsider)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("negotiations:mine") + "?tab=all")
    assert page.content.decode().count('class="status interest"') == 3
    for i in range(3, 8):
        make_deal("interest", achievement=make_achievement("published", title=f"成果{i}"))
    with django_assert_max_num_queries(10):
        client.get(reverse("negotiations:mine") + "?tab=all")


def test_bureau_supervision_list_is_bureau_only(client, make_deal, bureau, owner):
    make_deal("interest")
    assert login(client, owner).get(reverse("negotiations:bureau_list")).status_code == 404
    client.logout()
    assert login(client, bureau).get(reverse("negotiations:bureau_list")).status_code == 200


# --- contracts ---------------------------------------------------------------------------------------

CONTRACT_MATRIX = {"owner": 200, "colleague": 200, "bureau": 200, "outsider": 404, "stranger": 404}


@pytest.mark.parametrize("persona,expected", sorted(CONTRACT_MATRIX.items()))
def test_contract_pages_per_persona(client, make_contract, deal_personas, persona, expected):
    c = make_contract("submitted")
    login(client, deal_personas[persona])
    assert client.get(reverse("contracts:contract", args=[c.pk])).status_code == expected
    assert client.get(f"/api/v1/contracts/{c.pk}").status_code == expected


def test_contract_form_keeps_input_and_shows_the_amount_rule(client, owner, holder_org):
    login(client, owner)
    data = {k: v for k, v in contract_data(technology_amount=Decimal("300000.00")).items()}
    data["side"] = "seller"
    data["related_party"] = ""
    response = client.post(reverse("contracts:contract_new"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "半滑舌鳎遗传多样性分析技术许可" in page
    assert not Contract.objects.exists()


def test_contract_register_and_approve_through_pages(client, owner, bureau):
    login(client, owner)
    data = {**contract_data(), "side": "seller"}
    data.pop("related_party")
    response = client.post(reverse("contracts:contract_new"), data)
    c = Contract.objects.get()
    assert response.url == c.get_absolute_url()
    client.post(c.get_absolute_url(), {"action": "submit"})
    client.logout()
    login(client, bureau)
    queue = client.get(reverse("contracts:contracts")).content.decode()
    assert c.project_name in queue
    client.post(c.get_absolute_url(), {"action": "approve", "confirmed": "1"})
    c.refresh_from_db()
    assert c.status == "approved" and c.registration_number
    assert client.get(reverse("contracts:contract_correct", args=[c.pk])).status_code == 200
    client.logout()
    login(client, owner)
    assert client.get(reverse("contracts:contract_edit", args=[c.pk])).status_code == 404
    assert client.get(reverse("contracts:contract_correct", args=[c.pk])).status_code == 404


def test_contract_list_query_count_is_pinned(client, make_contract, bureau, django_assert_max_num_queries):
    for i in range(3):
        make_contract("submitted", project_name=f"合同{i}")
    login(client, bureau)
    with django_assert_max_num_queries(12):
        client.get(reverse("contracts:contracts"))
    for i in range(3, 10):
        make_contract("submitted", project_name=f"合同{i}")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("contracts:contracts")).content.decode()
    assert page.count("合同") >= 10


def test_api_flow_interest_to_registered_contract(client, make_achievement, owner, outsider, bureau):
    a = make_achievement("published")
    login(client, outsider)
    r = client.post(
        "/api/v1/deals",
        json.dumps(
            {"listing_kind": "achievement", "listing_id": a.pk, "mode": "transfer", "message": "想受让"}
        ),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    deal_id = r.json()["id"]
    again = client.post(
        "/api/v1/deals",
        json.dumps(
            {"listing_kind": "achievement", "listing_id": a.pk, "mode": "transfer", "message": "再来"}
        ),
        content_type="application/json",
    )
    assert again.status_code == 400 and "进行中的合作意向" in again.json()["detail"]
    client.logout()
    login(client, owner)
    accepted = client.post(f"/api/v1/deals/{deal_id}/accept", content_type="application/json")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    r = client.post(
        f"/api/v1/deals/{deal_id}/messages", {"body": "欢迎", "files": [SimpleUploadedFile("x.pdf", PDF)]}
    )
    assert r.status_code == 201 and r.json()["attachments"][0]["name"] == "x.pdf"
    bad = client.post(
        f"/api/v1/deals/{deal_id}/offers",
        json.dumps({"price": "-1", "payment_method": "lump_sum", "mode": "transfer"}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["price"]
    offer = client.post(
        f"/api/v1/deals/{deal_id}/offers",
        json.dumps({"price": "120000.00", "payment_method": "lump_sum", "mode": "transfer"}),
        content_type="application/json",
    ).json()
    client.logout()
    login(client, outsider)
    assert (
        client.post(
            f"/api/v1/deals/{deal_id}/offers/{offer['id']}/accept", content_type="application/json"
        ).json()["status"]
        == "agreed"
    )
    payload = {**contract_data(contract_type="transfer", licence_kind=""), "deal_id": deal_id}
    payload = {k: (str(v) if isinstance(v, Decimal | datetime.date) else v) for k, v in payload.items()}
    payload["technology_amount"] = "130000.00"
    payload["contract_amount"] = "120000.00"
    refused = client.post("/api/v1/contracts", json.dumps(payload), content_type="application/json")
    assert refused.status_code == 422 and "technology_amount" in refused.json()["detail"]
    assert [e["field"] for e in refused.json()["errors"]] == ["technology_amount"]
    payload["technology_amount"] = "120000.00"
    created = client.post("/api/v1/contracts", json.dumps(payload), content_type="application/json")
    assert created.status_code == 201, created.content
    cid = created.json()["id"]
    assert (
        client.post(f"/api/v1/contracts/{cid}/submit", content_type="application/json").json()["status"]
        == "submitted"
    )
    assert client.post(f"/api/v1/contracts/{cid}/approve", content_type="application/json").status_code == 403
    client.logout()
    login(client, bureau)
    approved = client.post(f"/api/v1/contracts/{cid}/approve", content_type="application/json").json()
    assert approved["status"] == "approved" and approved["registration_number"]
    assert Deal.objects.get(pk=deal_id).status == "registered"


def test_invited_broker_sees_the_room_but_not_the_contacts_or_private_budget(
    client, make_demand, owner, holder_org, outsider, broker
):
    d = make_demand("published", contact_phone="13999990000")
    deal = services.deal_express_interest(
        by=owner, organization=holder_org, listing=d, mode="consulting", message="我们可以解决"
    )
    services.deal_accept(deal=deal, by=outsider)
    services.broker_invite(deal=deal, by=outsider, broker=broker)
    login(client, broker)
    page = client.get(reverse("negotiations:room", args=[deal.pk])).content.decode()
    assert "13999990000" not in page and 'id="contacts"' not in page
    assert client.get(f"/api/v1/deals/{deal.pk}").json()["contacts"] == []
    client.logout()
    login(client, owner)
    assert "13999990000" in client.get(reverse("negotiations:room", args=[deal.pk])).content.decode()


def test_registration_office_does_not_see_other_organisations_drafts(client, make_contract, bureau):
    draft = make_contract("draft")
    login(client, bureau)
    assert client.get(reverse("contracts:contract", args=[draft.pk])).status_code == 404

    contract_services.contract_submit(contract=draft, by=draft.created_by)
    assert client.get(reverse("contracts:contract", args=[draft.pk])).status_code == 200


def test_reply_link_prefills_the_thread(client, room_setup, owner):
    deal, _att = room_setup
    first = deal.messages.first()
    login(client, owner)
    page = client.get(reverse("negotiations:room", args=[deal.pk]) + f"?reply={first.pk}").content.decode()
    assert f'value="{first.pk}"' in page


def test_room_messages_are_not_shown_as_site_notices(client, make_deal, owner, outsider):
    deal = make_deal("accepted")
    services.message_post(deal=deal, by=outsider, body="请提供中试数据。")
    login(client, owner)
    page = client.get(reverse("negotiations:room", args=[deal.pk])).content.decode()
    assert page.count("请提供中试数据。") == 1
    assert outsider.full_name in page  # authors by name
    response = client.post(
        reverse("negotiations:room", args=[deal.pk]),
        {"action": "message", "message-body": "好的"},
        follow=True,
    )
    assert '<ul class="messages">' in response.content.decode()  # the flash notice still shows
