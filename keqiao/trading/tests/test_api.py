"""The trading API through the test client: public state, registering, admitting, bidding, the ledger."""

import datetime

import pytest
from django.utils import timezone

from keqiao.trading import services
from keqiao.trading.models import Auction, Bidder

pytestmark = pytest.mark.django_db

BASE = "/api/v1/trading/auctions"


def test_public_list_and_state_hide_a_hidden_reserve_and_identities(client, make_auction, outsider):
    auction = make_auction()
    services.bid_place(auction=auction, by=outsider, amount="100000")
    listed = client.get(BASE).json()
    assert [a["id"] for a in listed] == [auction.pk]
    assert listed[0]["reserve_price"] is None and listed[0]["next_minimum"] == "105000.00"
    state = client.get(f"{BASE}/{auction.pk}").json()
    assert state["me"] is None and state["bids"][0]["paddle"] == 1
    assert "彭山测试企业" not in str(state)


def test_create_register_admit_bid(client, make_achievement, owner, outsider, other_org):
    a = make_achievement("published")
    client.force_login(owner)
    now = timezone.now()
    body = {
        "achievement_id": a.pk,
        "mode": "transfer",
        "conditions": "价高者得",
        "starting_price": "50000",
        "increment": "0",
        "reserve_price": "60000",
        "starts_at": now.isoformat(),
        "ends_at": (now + datetime.timedelta(days=1)).isoformat(),
    }
    response = client.post(BASE, body, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "increment"
    body["increment"] = "1000"
    response = client.post(BASE, body, content_type="application/json")
    assert response.status_code == 201
    auction_id = response.json()["id"]
    client.force_login(outsider)
    response = client.post(
        f"{BASE}/{auction_id}/bidders", {"organization_id": other_org.pk}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json() == {
        "paddle": 1,
        "status": "pending",
        "leading": False,
    }
    bidder = Bidder.objects.get()
    assert client.get(f"{BASE}/{auction_id}/bidders").status_code == 404
    assert (
        client.post(
            f"{BASE}/{auction_id}/bidders/{bidder.pk}/accept", {}, content_type="application/json"
        ).status_code
        == 404
    )
    response = client.post(f"{BASE}/{auction_id}/bids", {"amount": "50000"}, content_type="application/json")
    assert response.status_code == 403
    client.force_login(owner)
    response = client.post(
        f"{BASE}/{auction_id}/bidders/{bidder.pk}/accept", {}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    client.force_login(outsider)
    response = client.post(f"{BASE}/{auction_id}/bids", {"amount": "-1"}, content_type="application/json")
    assert response.status_code == 422
    response = client.post(f"{BASE}/{auction_id}/bids", {"amount": "49999"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "too_low"
    response = client.post(f"{BASE}/{auction_id}/bids", {"amount": "50000"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["seq"] == 1
    state = client.get(f"{BASE}/{auction_id}").json()
    assert state["me"] == {"paddle": 1, "status": "accepted", "leading": True}
    check = client.get(f"{BASE}/{auction_id}/ledger/verify").json()
    assert check["valid"] and check["bids"] == 1 and check["head_hash"] == Auction.objects.get().head_hash
    assert len(client.get(f"{BASE}/{auction_id}/ledger").json()["bids"]) == 1


def test_writes_need_a_session(client, make_auction):
    auction = make_auction()
    assert (
        client.post(f"{BASE}/{auction.pk}/bids", {"amount": "1"}, content_type="application/json").status_code
        == 401
    )
    assert client.get(f"{BASE}/{auction.pk}/ledger").status_code == 401


def test_notice_api_publish_object_answer(client, agreed_deal, owner, rival, outsider):
    deal = agreed_deal()
    client.force_login(outsider)
    body = {"deal_id": deal.pk, "pricing_basis": "依据评估报告"}
    assert client.post("/api/v1/trading/notices", body, content_type="application/json").status_code == 404
    client.force_login(owner)
    response = client.post("/api/v1/trading/notices", body, content_type="application/json")
    assert response.status_code == 201
    notice_id = response.json()["id"]
    assert [n["id"] for n in client.get("/api/v1/trading/notices").json()] == [notice_id]
    client.force_login(rival)
    url = f"/api/v1/trading/notices/{notice_id}/objections"
    assert client.post(url, {"reasons": " "}, content_type="application/json").status_code == 422
    objection_id = client.post(url, {"reasons": "价格偏低"}, content_type="application/json").json()["id"]
    answer_url = f"{url}/{objection_id}/answer"
    assert client.post(answer_url, {"answer": "不"}, content_type="application/json").status_code == 403
    client.force_login(owner)
    assert (
        client.post(answer_url, {"answer": "依据评估报告"}, content_type="application/json").status_code
        == 200
    )
    detail = client.get(f"/api/v1/trading/notices/{notice_id}").json()
    assert detail["objections"][0]["answer"] == "依据评估报告"
