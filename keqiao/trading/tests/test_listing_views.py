"""Fixed-price listings through the pages and the API: the hall and the list with countdowns and filters
(query counts pinned), publishing with nothing typed lost, intentions and qualification, privacy, and
the outcome by mode in the transaction statistics."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from keqiao.trading import choices, listings
from keqiao.trading.models import Intention, Listing

from .conftest import listing_data

pytestmark = pytest.mark.django_db


def test_hall_and_list_show_open_listings_with_countdowns(client, make_listing, django_assert_num_queries):
    listing = make_listing()
    body = client.get(reverse("trading:hall")).content.decode()
    row = body.split(f'id="listing-{listing.pk}"')[1].split("</tr>")[0]
    assert "countdown" in row and "300,000" in row.replace("，", ",") or "30" in row
    assert (
        f'id="listing-{listing.pk}"' not in client.get(reverse("trading:hall") + "?q=不存在").content.decode()
    )
    assert (
        f'id="listing-{listing.pk}"'
        not in client.get(reverse("trading:hall") + "?mode=licence_ordinary").content.decode()
    )
    # the list: the count and the page's rows (listing, achievement, holder joined)
    with django_assert_num_queries(2):
        response = client.get(reverse("trading:listings"))
    assert response.status_code == 200 and f'id="listing-{listing.pk}"' in response.content.decode()
    closed = client.get(reverse("trading:listings") + "?status=closed").content.decode()
    assert f'id="listing-{listing.pk}"' not in closed and "No achievement listed here." in closed


def test_holder_publishes_and_a_refused_form_keeps_what_was_typed(client, owner, make_achievement):
    achievement = make_achievement("published")
    client.force_login(owner)
    data = listing_data(achievement=achievement.pk, price="-5", conditions="须具备泡菜生产许可")
    response = client.post(reverse("trading:listing_new"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "须具备泡菜生产许可" in body and 'value="-5' in body
    data["price"] = "300000"
    data["relist_price"] = "400000"
    response = client.post(reverse("trading:listing_new"), data)
    assert response.status_code == 400 and "The relisting price must be lower than the listing price." in (
        response.content.decode()
    )
    data["relist_price"] = ""
    response = client.post(reverse("trading:listing_new"), data)
    listing = Listing.objects.get()
    assert response.status_code == 302 and response["Location"] == listing.get_absolute_url()
    assert listing.period_days == 20 and listing.ends_at > listing.published_at


def test_listing_new_is_404_without_a_publishable_achievement(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("trading:listing_new")).status_code == 404


def test_buyer_registers_and_the_holder_qualifies_it_on_the_page(
    client, make_listing, owner, outsider, other_org
):
    listing = make_listing()
    url = listing.get_absolute_url()
    client.force_login(outsider)
    body = client.get(url).content.decode()
    assert 'id="register-intention"' in body and 'id="intentions"' not in body
    response = client.post(url, {"action": "intend", "organization": other_org.pk, "qualification": "  "})
    assert response.status_code == 400
    response = client.post(url, {"action": "intend", "organization": other_org.pk, "qualification": "有产线"})
    assert response.status_code == 302
    intention = Intention.objects.get()
    # Nobody but the holder decides: 404 to the buyer itself.
    post = {"action": "qualify", "intention": intention.pk, "decision": "accept", "note": "自己批准"}
    assert client.post(url, post).status_code == 404
    client.force_login(owner)
    body = client.get(url).content.decode()
    assert 'id="intentions"' in body and "有产线" in body
    response = client.post(url, {**post, "note": ""})
    assert response.status_code == 400 and "deposit" in response.content.decode()
    assert client.post(url, {**post, "note": "保证金已收"}).status_code == 302
    intention.refresh_from_db()
    assert intention.status == choices.IntentionStatus.ACCEPTED


def test_intending_buyers_are_private(client, make_listing, qualify, outsider, other_org, rival, bureau):
    listing = make_listing()
    qualify(listing, outsider, other_org)
    client.force_login(rival)
    assert other_org.name not in client.get(listing.get_absolute_url()).content.decode()
    assert client.get(f"/api/v1/trading/listings/{listing.pk}/intentions").status_code == 404
    client.force_login(bureau)
    assert other_org.name in client.get(listing.get_absolute_url()).content.decode()


def test_a_withdrawn_listing_is_404_to_outsiders(client, make_listing, owner, rival):
    listing = make_listing()
    listings.listing_cancel(listing=listing, by=owner, reason="转为协议转让")
    client.force_login(rival)
    assert client.get(listing.get_absolute_url()).status_code == 404
    client.force_login(owner)
    assert client.get(listing.get_absolute_url()).status_code == 200


def test_api_lists_registers_and_decides(client, make_listing, owner, outsider, other_org, make_achievement):
    listing = make_listing()
    assert [r["id"] for r in client.get("/api/v1/trading/listings").json()] == [listing.pk]
    client.force_login(outsider)
    url = f"/api/v1/trading/listings/{listing.pk}/intentions"
    response = client.post(
        url, {"organization_id": other_org.pk, "qualification": "有产线"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    intention_id = response.json()["id"]
    assert client.get(f"/api/v1/trading/listings/{listing.pk}").json()["me"]["status"] == "pending"
    decide = f"{url}/{intention_id}/accept"
    assert client.post(decide, {"note": "x"}, content_type="application/json").status_code == 404
    client.force_login(owner)
    response = client.post(decide, {"note": "保证金已收"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    # Bad input through the API: a negative price is refused before the service.
    other = make_achievement("published", title="茶叶低温杀青技术")
    body = {
        "achievement_id": other.pk,
        "mode": "transfer",
        "price": "-1",
        "conditions": "须",
        "auction_increment": "1",
    }
    assert client.post("/api/v1/trading/listings", body, content_type="application/json").status_code == 422
    body |= {"price": "1000", "period_days": 0}
    response = client.post("/api/v1/trading/listings", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "period_days"


def test_statistics_count_a_listing_taken_at_its_price_by_mode(
    client, make_listing, qualify, outsider, other_org, bureau
):
    # In June 2026: the listing closes, and its contract is registered, in the same year.
    with time_machine.travel(datetime.datetime(2026, 6, 1, 2, tzinfo=datetime.UTC), tick=True):
        _listing_to_registered_contract(make_listing, qualify, outsider, other_org, bureau)
        client.force_login(bureau)
        body = client.get(reverse("contracts:statistics") + "?year=2026").content.decode()
        rows = {r["mode"]: r for r in client.get("/api/v1/deals/statistics?year=2026").json()["by_mode"]}
    row = body.split('id="mode-listing"')[1].split("</tr>")[0]
    assert 'data-count="1"' in row
    assert rows["listing"]["concluded"] == 1 and rows["listing"]["amount"] == "300000.00"
    assert rows["listing"]["premium_percent"] == "0.00" and rows["listing"]["contracts"] == 1
    assert rows["auction"]["concluded"] == 0 and rows["auction"]["contracts"] == 0


def _listing_to_registered_contract(make_listing, qualify, outsider, other_org, bureau):
    from keqiao.contracts import services as contract_services

    listing = make_listing()
    qualify(listing, outsider, other_org)
    listings.listings_maintain(now=listing.ends_at)
    listing.refresh_from_db()
    data = contract_services.contract_initial(listing.deal) | {
        "transfer_object": "patent",
        "ip_type": "invention_patent",
        "socio_economic_objective": "industry",
    }
    contract = contract_services.contract_create(
        by=outsider, organization=other_org, data=data, deal=listing.deal
    )
    contract = contract_services.contract_submit(contract=contract, by=outsider)
    contract_services.contract_approve(contract=contract, by=bureau)
