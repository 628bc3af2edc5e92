"""Pages of auctions through the test client: the hall, publishing, registering, admitting, bidding, the
live state (anonymised) and the ledger export, with the query counts of the hall pinned."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from keqiao.trading import ledger, services
from keqiao.trading.models import Auction, Bid, Bidder

pytestmark = pytest.mark.django_db


def test_hall_lists_open_auctions_with_a_pinned_query_count(client, make_auction, django_assert_num_queries):
    for _ in range(3):
        make_auction(bidders=False)
    # open notices, open listings, the count and the page's rows (auction, achievement, holder joined)
    with django_assert_num_queries(4):
        response = client.get(reverse("trading:hall"))
    assert response.status_code == 200
    assert response.content.decode().count('id="auction-') == 3


def test_hall_filters(client, make_auction, owner):
    auction = make_auction(bidders=False)
    assert (
        f'id="auction-{auction.pk}"'
        not in client.get(reverse("trading:hall") + "?status=closed").content.decode()
    )
    assert f'id="auction-{auction.pk}"' in client.get(reverse("trading:hall") + "?q=竹纤维").content.decode()
    assert (
        f'id="auction-{auction.pk}"'
        not in client.get(reverse("trading:hall") + "?mode=transfer").content.decode()
    )


def test_holder_publishes_and_bad_input_keeps_what_was_typed(client, owner, make_achievement):
    a = make_achievement("published")
    client.force_login(owner)
    now = timezone.localtime()
    data = {
        "achievement": a.pk,
        "mode": "transfer",
        "payment_method": "lump_sum",
        "starting_price": "80000",
        "increment": "0",
        "reserve_price": "90000",
        "deposit": "5000",
        "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "extension_minutes": "5",
        "conditions": "竞买人须具备竹浆纸生产能力。",
    }
    response = client.post(reverse("trading:auction_new"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "The bid increment must be more than zero." in body and "竞买人须具备竹浆纸生产能力。" in body
    assert not Auction.objects.exists()
    data["increment"] = "2000"
    response = client.post(reverse("trading:auction_new"), data)
    auction = Auction.objects.get()
    assert response.status_code == 302 and response["Location"] == auction.get_absolute_url()


def test_new_auction_is_not_found_without_a_published_achievement(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("trading:auction_new")).status_code == 404


def test_register_admit_and_bid_through_the_page(client, make_auction, owner, outsider, other_org):
    auction = make_auction(bidders=False)
    url = auction.get_absolute_url()
    client.force_login(outsider)
    response = client.post(
        url, {"action": "register", "organization": other_org.pk, "statement": "具备生产能力"}
    )
    assert response.status_code == 302
    bidder = Bidder.objects.get()
    response = client.post(url, {"action": "bid", "amount": "100000"})
    assert response.status_code == 403 and "admitted by the organiser" in response.content.decode()
    client.force_login(owner)
    response = client.post(url, {"action": "decide", "bidder": bidder.pk, "decision": "accept", "note": ""})
    assert response.status_code == 400 and "deposit" in response.content.decode()
    client.post(url, {"action": "decide", "bidder": bidder.pk, "decision": "accept", "note": "保证金已到账"})
    bidder.refresh_from_db()
    assert bidder.status == "accepted"
    client.force_login(outsider)
    response = client.post(url, {"action": "bid", "amount": "99000"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "at least 100,000.00 yuan" in body and 'value="99000"' in body
    assert client.post(url, {"action": "bid", "amount": "100000"}).status_code == 302
    assert Bid.objects.get().amount == 100000


def test_anonymous_post_is_sent_to_sign_in(client, make_auction):
    auction = make_auction(bidders=False)
    response = client.post(auction.get_absolute_url(), {"action": "bid", "amount": "1"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_live_state_hides_bidders_identities(client, make_auction, outsider, rival):
    auction = make_auction()
    services.bid_place(auction=auction, by=outsider, amount="100000")
    services.bid_place(auction=auction, by=rival, amount="105000")
    client.force_login(rival)
    body = client.get(reverse("trading:auction_live", args=[auction.pk])).content.decode()
    assert "彭山测试企业" not in body and "青神竹编测试企业" not in body
    assert "Bidder #1" in body and "You hold the highest bid" in body
    assert 'hx-trigger="every 2s"' in body
    client.force_login(outsider)
    page = client.get(auction.get_absolute_url()).content.decode()
    assert "青神竹编测试企业" not in page and "You are not the highest bidder" in page
    assert 'id="bidders"' not in page  # the list of bidders is the organiser's


def test_organiser_sees_bidders_and_the_hidden_reserve(client, make_auction, owner):
    auction = make_auction()
    client.force_login(owner)
    page = client.get(auction.get_absolute_url()).content.decode()
    assert 'id="bidders"' in page and "青神竹编测试企业" in page and 'data-amount="150000.00"' in page


def test_public_does_not_see_a_hidden_reserve(client, make_auction):
    auction = make_auction()
    page = client.get(auction.get_absolute_url()).content.decode()
    assert 'id="reserve-price"' not in page and "150000" not in page


def test_ledger_export_for_admitted_bidders_verifies(client, make_auction, outsider, rival, stranger_user):
    auction = make_auction()
    services.bid_place(auction=auction, by=outsider, amount="100000")
    url = reverse("trading:auction_ledger", args=[auction.pk])
    client.force_login(stranger_user)
    assert client.get(url).status_code == 404
    client.force_login(rival)
    response = client.get(url)
    assert response.status_code == 200
    assert ledger.verify(json.loads(response.content)) == (True, None)


@pytest.fixture
def stranger_user(db):
    from keqiao.accounts.models import Membership, Organization
    from keqiao.testing.factories import OrganizationFactory, member

    return member(
        OrganizationFactory(name="洪雅测试企业", kind=Organization.Kind.ENTERPRISE),
        Membership.Role.ADMIN,
        username="s",
    )


def test_bureau_sees_the_outcome_by_mode_with_the_registered_contract(
    client, make_auction, outsider, other_org, bureau, owner
):
    from keqiao.contracts import services as contract_services

    auction = make_auction(reserve_price="100000")
    services.bid_place(auction=auction, by=outsider, amount="100000")
    auction.refresh_from_db()
    services.auctions_maintain(now=auction.ends_at)
    auction.refresh_from_db()
    data = contract_services.contract_initial(auction.deal) | {
        "transfer_object": "patent",
        "ip_type": "invention_patent",
        "socio_economic_objective": "industry",
    }
    contract = contract_services.contract_create(
        by=outsider, organization=other_org, data=data, deal=auction.deal
    )
    contract = contract_services.contract_submit(contract=contract, by=outsider)
    contract_services.contract_approve(contract=contract, by=bureau)
    assert 'id="trade-outcomes"' not in client.get(reverse("trading:hall")).content.decode()
    client.force_login(owner)
    assert 'id="trade-outcomes"' not in client.get(reverse("trading:hall")).content.decode()
    client.force_login(bureau)
    body = client.get(reverse("trading:hall")).content.decode()
    row = body.split('id="outcome-auction"')[1].split("</tr>")[0]
    assert 'data-count="1"' in row and 'data-amount="100000.00"' in row
