"""Fixed-price listings (挂牌): the period in working days, intentions and qualification, and the three
outcomes settled by the periodic maintenance, idempotently, with a frozen clock across a holiday."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from keqiao.common.errors import DomainError, NotPermitted
from keqiao.contracts.services import submission_guards
from keqiao.negotiations.choices import DealStatus
from keqiao.notifications.models import Notification
from keqiao.trading import choices, listings
from keqiao.trading.models import Auction, Listing

from .conftest import listing_data

pytestmark = pytest.mark.django_db
CITY = zoneinfo.ZoneInfo("Asia/Shanghai")


def _at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=CITY)


def test_the_period_counts_working_days_across_national_day(make_listing):
    # Published on Wednesday 30 September 2026: 1–7 October are holidays, Saturday 10 October is worked.
    with time_machine.travel(_at(2026, 9, 30, 10, 0), tick=False):
        listing = make_listing(period_days=3)
    assert timezone.localtime(listing.ends_at) == _at(2026, 10, 11, 0, 0)  # the end of Saturday 10th
    # 20 working days: 8, 9, 10 October, three full weeks, then 2 and 3 November.
    assert listings.listing_end(_at(2026, 9, 30, 10), 20) == _at(2026, 11, 4)


def test_the_period_counts_working_days_across_spring_festival():
    # Friday 13 February 2026, 2 working days: Saturday 14th (worked), then Tuesday 24th after the holiday.
    assert listings.listing_end(_at(2026, 2, 13, 16), 2) == _at(2026, 2, 25)


def test_bad_terms_are_refused_naming_the_field(make_listing):
    cases = [
        ({"price": "-1"}, "price"),
        ({"price": "0"}, "price"),
        ({"period_days": "0"}, "period_days"),
        ({"period_days": "61"}, "period_days"),
        ({"auction_increment": "0"}, "auction_increment"),
        ({"auction_hours": "500"}, "auction_hours"),
        ({"relist_price": "300000"}, "relist_price"),
        ({"conditions": "   "}, "conditions"),
        ({"mode": "gift"}, "mode"),
    ]
    for overrides, field in cases:
        with pytest.raises(DomainError) as exc:
            make_listing(**overrides)
        assert exc.value.field == field, overrides


def test_only_the_holder_lists_a_published_achievement(make_achievement, outsider, other_org, holder_org):
    achievement = make_achievement("published")
    with pytest.raises(NotPermitted):
        listings.listing_create(
            by=outsider, organization=other_org, achievement=achievement, data=listing_data()
        )
    with pytest.raises(NotPermitted):
        listings.listing_create(
            by=outsider, organization=holder_org, achievement=achievement, data=listing_data()
        )


def test_one_open_listing_per_achievement_and_not_while_auctioned(make_listing, owner, holder_org):
    listing = make_listing()
    with pytest.raises(DomainError, match="already listed"):
        listings.listing_create(
            by=owner, organization=holder_org, achievement=listing.achievement, data=listing_data()
        )
    from keqiao.trading import services

    from .conftest import auction_data

    with pytest.raises(DomainError, match="listed at a fixed price"):
        services.auction_create(
            by=owner, organization=holder_org, achievement=listing.achievement, data=auction_data()
        )


def test_intentions_refused_from_the_holder_after_the_period_and_twice(
    make_listing, owner, holder_org, outsider, other_org, rival, rival_org
):
    listing = make_listing()
    with pytest.raises(NotPermitted, match="holder cannot register"):
        listings.intention_register(listing=listing, by=owner, organization=holder_org, qualification="自己")
    with pytest.raises(DomainError) as exc:
        listings.intention_register(listing=listing, by=outsider, organization=other_org, qualification=" ")
    assert exc.value.field == "qualification"
    listings.intention_register(listing=listing, by=outsider, organization=other_org, qualification="有产线")
    with pytest.raises(DomainError, match="already registered"):
        listings.intention_register(
            listing=listing, by=outsider, organization=other_org, qualification="有产线"
        )
    with time_machine.travel(listing.ends_at, tick=False):
        with pytest.raises(DomainError, match="period is over"):
            listings.intention_register(
                listing=listing, by=rival, organization=rival_org, qualification="迟到"
            )


def test_qualification_rules(make_listing, owner, outsider, other_org):
    listing = make_listing()
    intention = listings.intention_register(
        listing=listing, by=outsider, organization=other_org, qualification="有产线"
    )
    with pytest.raises(NotPermitted):
        listings.intention_decide(intention=intention, by=outsider, accept=True, note="自己批准")
    with pytest.raises(DomainError, match="deposit"):
        listings.intention_decide(intention=intention, by=owner, accept=True)
    with pytest.raises(DomainError, match="reason"):
        listings.intention_decide(intention=intention, by=owner, accept=False)
    listings.intention_decide(intention=intention, by=owner, accept=True, note="保证金已收")
    with pytest.raises(DomainError, match="already been decided"):
        listings.intention_decide(intention=intention, by=owner, accept=False, note="改变主意")


def test_one_qualified_buyer_takes_it_at_the_price_idempotently(
    make_listing, qualify, outsider, other_org, rival, rival_org
):
    listing = make_listing()
    qualify(listing, outsider, other_org)
    qualify(listing, rival, rival_org, accept=False)  # refused: does not count
    assert listings.listings_maintain(now=listing.ends_at - datetime.timedelta(seconds=1))["sold"] == 0
    assert listings.listings_maintain(now=listing.ends_at) == {
        "sold": 1,
        "converted": 0,
        "relisted": 0,
        "unsold": 0,
    }
    assert listings.listings_maintain(now=listing.ends_at) == {
        "sold": 0,
        "converted": 0,
        "relisted": 0,
        "unsold": 0,
    }
    listing.refresh_from_db()
    assert listing.status == choices.ListingStatus.SOLD
    deal = listing.deal
    assert deal.status == DealStatus.AGREED and deal.buyer == other_org
    assert deal.agreed_offer.price == listing.price
    assert Notification.objects.filter(user=outsider, key=f"listing:{listing.pk}:sold").exists()
    assert Notification.objects.filter(user=rival, key=f"listing:{listing.pk}:ended").exists()


def test_a_listing_deal_needs_no_separate_price_notice(make_listing, qualify, outsider, other_org, settings):
    """The listing was the public notice of its price: the guard of agreed prices lets its deal pass."""
    settings.KEQIAO = {**settings.KEQIAO, "PRICE_NOTICE_REQUIRED": True}
    listing = make_listing()
    qualify(listing, outsider, other_org)
    listings.listings_maintain(now=listing.ends_at)
    listing.refresh_from_db()
    from keqiao.trading.services import require_passed_notice

    assert require_passed_notice in submission_guards

    class Contract:
        deal = listing.deal

    require_passed_notice(Contract())  # does not raise


def test_several_qualified_buyers_bid_in_an_auction(
    make_listing, qualify, outsider, other_org, rival, rival_org
):
    listing = make_listing()
    qualify(listing, outsider, other_org)
    qualify(listing, rival, rival_org)
    assert listings.listings_maintain(now=listing.ends_at)["converted"] == 1
    listing.refresh_from_db()
    auction = listing.auction
    assert listing.status == choices.ListingStatus.AUCTION and auction.is_open
    assert auction.starting_price == auction.reserve_price == listing.price
    assert auction.increment == listing.auction_increment
    assert auction.ends_at - auction.starts_at == datetime.timedelta(hours=24)
    assert sorted(auction.bidders.values_list("status", flat=True)) == ["accepted", "accepted"]
    from keqiao.trading import services

    with time_machine.travel(auction.starts_at + datetime.timedelta(minutes=1), tick=False):
        services.bid_place(auction=auction, by=outsider, amount="300000")
        services.bid_place(auction=auction, by=rival, amount="310000")
    # The outbid bidder is told.
    assert Notification.objects.filter(user=outsider, key=f"auction:{auction.pk}:outbid:2").exists()
    assert services.auctions_maintain(now=auction.ends_at) == {"sold": 1, "unsold": 0}
    auction.refresh_from_db()
    assert auction.deal.buyer == rival_org and auction.deal.agreed_offer.price == 310000


def test_nobody_qualified_relists_lower_across_a_holiday(make_listing, owner, outsider, other_org):
    with time_machine.travel(_at(2026, 9, 21, 9, 0), tick=False):
        listing = make_listing(period_days=5, relist_price="250000")
        listings.intention_register(
            listing=listing, by=outsider, organization=other_org, qualification="有产线"
        )
    # 5 working days from Monday 21 September: 22–24, then 中秋 (25–27), then 28 and 29.
    assert timezone.localtime(listing.ends_at) == _at(2026, 9, 30)
    with time_machine.travel(listing.ends_at, tick=False):  # the undecided intention does not count
        assert listings.listings_maintain() == {"sold": 0, "converted": 0, "relisted": 1, "unsold": 0}
        assert listings.listings_maintain()["relisted"] == 0
    listing.refresh_from_db()
    second = listing.next_round
    assert listing.status == choices.ListingStatus.RELISTED
    assert (second.round, second.price, second.relist_price, second.status) == (2, 250000, None, "open")
    # Round 2 from 30 September: 国庆 (1–7 October), then 8, 9, 10 (Saturday, worked), 12 and 13.
    assert timezone.localtime(second.ends_at) == _at(2026, 10, 14)
    with time_machine.travel(_at(2026, 10, 7, 12), tick=False):
        assert listings.listings_maintain()["unsold"] == 0  # still open during the holiday
    assert listings.listings_maintain(now=second.ends_at)["unsold"] == 1
    second.refresh_from_db()
    assert second.status == choices.ListingStatus.UNSOLD
    # The holder relists by hand, lower again; not higher.
    with pytest.raises(DomainError) as exc:
        listings.listing_relist(listing=second, by=owner, price="260000")
    assert exc.value.field == "price"
    with pytest.raises(NotPermitted):
        listings.listing_relist(listing=second, by=outsider, price="200000")
    third = listings.listing_relist(listing=second, by=owner, price="200000")
    assert third.round == 3 and third.previous == second
    assert Listing.objects.filter(achievement=listing.achievement).count() == 3


def test_withdrawing_only_without_qualified_buyers(make_listing, qualify, owner, outsider, other_org):
    listing = make_listing()
    qualify(listing, outsider, other_org)
    with pytest.raises(DomainError, match="qualified buyers"):
        listings.listing_cancel(listing=listing, by=owner, reason="不再转让")
    other = make_listing.__wrapped__ if hasattr(make_listing, "__wrapped__") else None
    assert other is None
    Listing.objects.filter(pk=listing.pk)  # the listing stays open
    listing.refresh_from_db()
    assert listing.is_open and not Auction.objects.exists()
