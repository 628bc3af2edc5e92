"""Auction services: publishing, admitting bidders, each bidding rule, the ledger, closing."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from keqiao.common.errors import DomainError, NotPermitted
from keqiao.negotiations.models import Deal
from keqiao.trading import ledger, selectors, services
from keqiao.trading.models import Auction, AuctionEvent, Bid

from .conftest import auction_data

pytestmark = pytest.mark.django_db


def test_publish_records_an_event(make_auction):
    auction = make_auction(bidders=False)
    assert auction.status == "open"
    assert auction.ends_at == auction.scheduled_ends_at
    assert list(AuctionEvent.objects.filter(auction=auction).values_list("action", flat=True)) == ["created"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"increment": "0"}, "increment"),
        ({"starting_price": "-1"}, "starting_price"),
        ({"reserve_price": "-5"}, "reserve_price"),
        ({"starting_price": "0"}, "starting_price"),
        ({"ends_at": timezone.now() - datetime.timedelta(days=1)}, "ends_at"),
        ({"extension_minutes": 0}, "extension_minutes"),
        ({"mode": "barter"}, "mode"),
        ({"conditions": "  "}, "conditions"),
    ],
)
def test_bad_terms_are_refused_by_field(make_achievement, owner, holder_org, overrides, field):
    a = make_achievement("published")
    with pytest.raises(DomainError) as exc:
        services.auction_create(
            by=owner, organization=holder_org, achievement=a, data=auction_data(**overrides)
        )
    assert exc.value.field == field
    assert not Auction.objects.exists()


def test_period_ending_before_it_starts_is_refused(make_achievement, owner, holder_org):
    a = make_achievement("published")
    now = timezone.now()
    data = auction_data(starts_at=now + datetime.timedelta(days=2), ends_at=now + datetime.timedelta(days=1))
    with pytest.raises(DomainError, match="end after it starts"):
        services.auction_create(by=owner, organization=holder_org, achievement=a, data=data)


def test_only_the_holder_of_a_published_achievement_auctions_it(
    make_achievement, outsider, other_org, owner, holder_org
):
    a = make_achievement("published")
    with pytest.raises(NotPermitted):
        services.auction_create(by=outsider, organization=other_org, achievement=a, data=auction_data())
    draft = make_achievement("draft")
    with pytest.raises(DomainError):
        services.auction_create(by=owner, organization=holder_org, achievement=draft, data=auction_data())


def test_holder_and_government_cannot_register(make_auction, owner, holder_org, bureau, bureau_org):
    auction = make_auction(bidders=False)
    with pytest.raises(NotPermitted):
        services.bidder_register(auction=auction, by=owner, organization=holder_org)
    with pytest.raises(NotPermitted):
        services.bidder_register(auction=auction, by=bureau, organization=bureau_org)


def test_register_twice_is_refused_and_paddles_are_numbered(
    make_auction, outsider, other_org, rival, rival_org
):
    auction = make_auction(bidders=False)
    first = services.bidder_register(auction=auction, by=outsider, organization=other_org)
    with pytest.raises(DomainError):
        services.bidder_register(auction=auction, by=outsider, organization=other_org)
    second = services.bidder_register(auction=auction, by=rival, organization=rival_org)
    assert (first.paddle, second.paddle) == (1, 2)


def test_accepting_requires_the_deposit_record_and_only_the_organiser_decides(
    make_auction, outsider, other_org, owner, rival
):
    auction = make_auction(bidders=False)
    b = services.bidder_register(auction=auction, by=outsider, organization=other_org)
    with pytest.raises(NotPermitted):
        services.bidder_decide(bidder=b, by=rival, accept=True, note="x")
    with pytest.raises(DomainError) as exc:
        services.bidder_decide(bidder=b, by=owner, accept=True, note="")
    assert exc.value.field == "note"
    b = services.bidder_decide(bidder=b, by=owner, accept=True, note="保证金已到账")
    assert b.status == "accepted" and b.deposit_recorded
    with pytest.raises(DomainError):
        services.bidder_decide(bidder=b, by=owner, accept=False, note="改变主意")


def test_unqualified_holder_and_pending_bidders_cannot_bid(make_auction, owner, outsider, other_org, bureau):
    auction = make_auction(bidders=False)
    with pytest.raises(NotPermitted):
        services.bid_place(auction=auction, by=outsider, amount="100000")
    services.bidder_register(auction=auction, by=outsider, organization=other_org)
    with pytest.raises(NotPermitted):  # registered, not yet admitted
        services.bid_place(auction=auction, by=outsider, amount="100000")
    with pytest.raises(NotPermitted):
        services.bid_place(auction=auction, by=owner, amount="100000")
    with pytest.raises(NotPermitted):
        services.bid_place(auction=auction, by=bureau, amount="100000")
    assert not Bid.objects.exists()


def test_bids_must_reach_the_starting_price_then_price_plus_increment(make_auction, outsider, rival):
    auction = make_auction()
    with pytest.raises(DomainError) as exc:
        services.bid_place(auction=auction, by=outsider, amount="99999.99")
    assert exc.value.field == "amount" and exc.value.code == "too_low"
    services.bid_place(auction=auction, by=outsider, amount="100000")
    with pytest.raises(DomainError, match="105,000.00"):
        services.bid_place(auction=auction, by=rival, amount="104999.99")
    with pytest.raises(DomainError, match="highest bid"):
        services.bid_place(auction=auction, by=outsider, amount="200000")
    services.bid_place(auction=auction, by=rival, amount="105000")
    auction.refresh_from_db()
    assert auction.current_price == Decimal("105000.00") and auction.bid_count == 2
    with pytest.raises(DomainError):
        services.bid_place(auction=auction, by=outsider, amount="-5")


def test_bids_before_the_start_and_after_the_end_are_refused(make_auction, outsider):
    auction = make_auction(
        starts_at=timezone.now() + datetime.timedelta(hours=1),
        ends_at=timezone.now() + datetime.timedelta(hours=3),
    )
    with pytest.raises(DomainError, match="not started"):
        services.bid_place(auction=auction, by=outsider, amount="100000")
    with pytest.raises(DomainError, match="ended"):
        services.bid_place(auction=auction, by=outsider, amount="100000", now=auction.ends_at)


def test_a_bid_in_the_last_minutes_extends_the_end_exactly_once(make_auction, outsider, rival):
    auction = make_auction()
    end = auction.ends_at
    services.bid_place(
        auction=auction, by=outsider, amount="100000", now=end - datetime.timedelta(minutes=30)
    )
    auction.refresh_from_db()
    assert auction.ends_at == end and auction.extensions == 0
    bid = services.bid_place(
        auction=auction, by=rival, amount="105000", now=end - datetime.timedelta(minutes=2)
    )
    auction.refresh_from_db()
    assert bid.extended and auction.ends_at == end + datetime.timedelta(minutes=5) and auction.extensions == 1
    # Exactly five minutes before the (new) end is not "in the last five minutes".
    services.bid_place(
        auction=auction, by=outsider, amount="110000", now=auction.ends_at - datetime.timedelta(minutes=5)
    )
    auction.refresh_from_db()
    assert auction.extensions == 1


def test_ledger_is_chained_verifiable_and_replays_to_the_state(make_auction, outsider, rival):
    auction = make_auction()
    end = auction.ends_at
    for i, (user, minutes) in enumerate([(outsider, 60), (rival, 3), (outsider, 2), (rival, 1)]):
        services.bid_place(
            auction=auction, by=user, amount=100000 + 5000 * i, now=end - datetime.timedelta(minutes=minutes)
        )
    auction.refresh_from_db()
    doc = selectors.ledger_document(auction)
    assert ledger.verify(doc) == (True, None)
    state = ledger.replay(doc)
    assert (state.price, state.bids, state.ends_at, state.extensions) == (
        auction.current_price,
        auction.bid_count,
        auction.ends_at,
        auction.extensions,
    )
    assert state.leader == auction.leading_bid.paddle
    assert "rival" not in str(doc) and "测试企业" not in str(doc)  # paddles only
    tampered = {**doc, "bids": [dict(b) for b in doc["bids"]]}
    tampered["bids"][1]["amount"] = "999999.00"
    assert ledger.verify(tampered) == (False, 2)


def test_bids_are_append_only(make_auction, outsider):
    from keqiao.common.audit import AppendOnlyError

    auction = make_auction()
    bid = services.bid_place(auction=auction, by=outsider, amount="100000")
    with pytest.raises(AppendOnlyError):
        bid.save()
    with pytest.raises(AppendOnlyError):
        bid.delete()


def test_close_sells_to_the_highest_bid_at_or_above_reserve_as_an_agreed_deal(
    make_auction, outsider, rival, other_org
):
    auction = make_auction()
    services.bid_place(auction=auction, by=rival, amount="145000")
    services.bid_place(auction=auction, by=outsider, amount="150000")
    auction.refresh_from_db()
    assert services.auction_close(auction=auction) is False  # not yet at its end
    assert services.auctions_maintain(now=auction.ends_at) == {"sold": 1, "unsold": 0}
    assert services.auctions_maintain(now=auction.ends_at) == {"sold": 0, "unsold": 0}  # idempotent
    auction.refresh_from_db()
    assert auction.status == "sold" and auction.premium == 0
    deal = auction.deal
    assert (
        deal.status == "agreed"
        and deal.initiator == other_org
        and deal.counterpart_id == auction.organization_id
    )
    assert deal.agreed_offer.price == Decimal("150000.00") and deal.agreed_offer.mode == "licence_ordinary"
    assert Deal.objects.count() == 1
    assert list(deal.events.values_list("action", flat=True)) == ["trade"]


def test_close_below_reserve_is_no_sale(make_auction, outsider):
    auction = make_auction()
    services.bid_place(auction=auction, by=outsider, amount="145000")
    auction.refresh_from_db()
    services.auctions_maintain(now=auction.ends_at + datetime.timedelta(seconds=1))
    auction.refresh_from_db()
    assert auction.status == "unsold" and auction.deal is None
    assert not Deal.objects.exists()


def test_maintenance_with_a_frozen_clock_honours_an_extension(make_auction, outsider):
    auction = make_auction(reserve_price="100000")
    end = auction.ends_at
    services.bid_place(auction=auction, by=outsider, amount="100000", now=end - datetime.timedelta(minutes=1))
    with time_machine.travel(end + datetime.timedelta(minutes=1), tick=False):
        assert services.auctions_maintain() == {"sold": 0, "unsold": 0}  # extended to end + 5 min
    with time_machine.travel(end + datetime.timedelta(minutes=4, seconds=59), tick=False):
        assert services.auctions_maintain() == {"sold": 0, "unsold": 0}
    with time_machine.travel(end + datetime.timedelta(minutes=5), tick=False):
        assert services.auctions_maintain() == {"sold": 1, "unsold": 0}


def test_an_open_negotiation_of_the_winner_is_closed_by_the_trade(make_auction, outsider, other_org):
    from keqiao.negotiations import services as negotiation_services

    auction = make_auction(reserve_price="100000")
    earlier = negotiation_services.deal_express_interest(
        by=outsider,
        organization=other_org,
        listing=auction.achievement,
        mode="transfer",
        message="想了解许可条件",
    )
    services.bid_place(auction=auction, by=outsider, amount="100000")
    auction.refresh_from_db()
    services.auctions_maintain(now=auction.ends_at)
    earlier.refresh_from_db()
    assert earlier.status == "withdrawn"
    assert Deal.objects.filter(status="agreed").count() == 1


def test_cancel_only_without_bids_and_by_the_organiser(make_auction, owner, outsider):
    auction = make_auction()
    with pytest.raises(NotPermitted):
        services.auction_cancel(auction=auction, by=outsider, reason="不想卖了")
    services.bid_place(auction=auction, by=outsider, amount="100000")
    with pytest.raises(DomainError):
        services.auction_cancel(auction=auction, by=owner, reason="不想卖了")
    other = make_auction(bidders=False)
    other = services.auction_cancel(auction=other, by=owner, reason="权属需核实")
    assert other.status == "cancelled"


def test_cancelled_auctions_are_hidden_from_the_public(make_auction, owner, outsider):
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    auction = services.auction_cancel(auction=make_auction(bidders=False), by=owner, reason="权属需核实")
    assert auction not in selectors.auctions_public()
    with pytest.raises(Http404):
        selectors.auction_for(AnonymousUser(), auction.pk)
    assert selectors.auction_for(owner, auction.pk) == auction


def test_statistics_count_each_mode_with_the_premium(make_auction, outsider, rival):
    from keqiao.trading.statistics import trade_statistics

    auction = make_auction(reserve_price="100000")
    services.bid_place(auction=auction, by=outsider, amount="100000")
    services.bid_place(auction=auction, by=rival, amount="120000")
    auction.refresh_from_db()
    services.auctions_maintain(now=auction.ends_at)
    rows = {r["mode"]: r for r in trade_statistics()}
    assert rows["auction"]["concluded"] == 1 and rows["auction"]["amount"] == Decimal("120000.00")
    assert rows["auction"]["premium"] == Decimal("0.2")
    assert rows["auction"]["contracts"] == 0  # counted once the contract is registered


def test_followers_of_the_field_are_alerted_of_a_new_auction(
    make_achievement, owner, holder_org, outsider, colleague
):
    from keqiao.matching.models import Subscription
    from keqiao.notifications.models import Notification

    a = make_achievement("published", tech_field="new_materials")
    Subscription.objects.create(user=outsider, kind="field", value="new_materials", label="新材料")
    Subscription.objects.create(user=colleague, kind="field", value="new_materials", label="新材料")
    auction = services.auction_create(by=owner, organization=holder_org, achievement=a, data=auction_data())
    alerted = Notification.objects.filter(url=auction.get_absolute_url())
    assert list(alerted.values_list("user__username", flat=True)) == ["outsider"]  # not the holder's own
