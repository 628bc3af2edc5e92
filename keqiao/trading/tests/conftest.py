"""Auction personas: the university `owner` auctions its achievement; the enterprises `outsider` and
`rival` bid; `bureau` supervises."""

import datetime

import pytest
from django.utils import timezone

from keqiao.accounts.models import Membership, Organization
from keqiao.testing.factories import OrganizationFactory, member
from keqiao.trading import services


@pytest.fixture
def rival_org(db):
    return OrganizationFactory(name="青神竹编测试企业", kind=Organization.Kind.ENTERPRISE)


@pytest.fixture
def rival(rival_org):
    return member(rival_org, Membership.Role.ADMIN, username="rival")


def auction_data(**overrides) -> dict:
    now = timezone.now()
    data = {
        "mode": "licence_ordinary",
        "payment_method": "lump_sum",
        "conditions": "竞买人须为依法设立的企业，具备竹纤维加工能力；价高者得。",
        "reserve_price": "150000.00",
        "reserve_visible": False,
        "starting_price": "100000.00",
        "increment": "5000.00",
        "deposit": "10000.00",
        "starts_at": now - datetime.timedelta(minutes=1),
        "ends_at": now + datetime.timedelta(hours=2),
        "extension_minutes": 5,
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_auction(make_achievement, owner, holder_org, outsider, other_org, rival, rival_org):
    """An open auction of a published achievement; with `bidders=True`, outsider and rival admitted."""

    def make(*, bidders: bool = True, **overrides):
        achievement = make_achievement("published", title="竹纤维高效脱胶技术")
        auction = services.auction_create(
            by=owner, organization=holder_org, achievement=achievement, data=auction_data(**overrides)
        )
        if bidders:
            for user, org in ((outsider, other_org), (rival, rival_org)):
                b = services.bidder_register(auction=auction, by=user, organization=org)
                services.bidder_decide(bidder=b, by=owner, accept=True, note="保证金已于银行转账收讫")
        auction.refresh_from_db()
        return auction

    return make


@pytest.fixture
def agreed_deal(make_achievement, owner, outsider, other_org):
    """A deal on the university's achievement agreed at 200,000 yuan through the negotiation services."""
    from keqiao.negotiations import services as negotiation_services

    def make():
        a = make_achievement("published", title="竹浆纸清洁漂白技术")
        deal = negotiation_services.deal_express_interest(
            by=outsider, organization=other_org, listing=a, mode="transfer", message="拟受让用于竹浆纸生产。"
        )
        deal = negotiation_services.deal_accept(deal=deal, by=owner)
        offer = negotiation_services.offer_make(
            deal=deal, by=owner, price="200000.00", payment_method="lump_sum", mode="transfer"
        )
        return negotiation_services.offer_accept(offer=offer, by=outsider)

    return make


@pytest.fixture
def client(client):
    """Pages in English, so that the tests read the messages as written in the code."""
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture(autouse=True)
def _english():
    """Messages of refused operations are matched as written in the code."""
    from django.utils import translation

    with translation.override("en"):
        yield


def listing_data(**overrides) -> dict:
    data = {
        "mode": "transfer",
        "payment_method": "lump_sum",
        "price": "300000.00",
        "conditions": "受让方须为在眉山注册的企业，具备泡菜发酵生产线；按挂牌价一次性支付。",
        "deposit": "20000.00",
        "period_days": 20,
        "auction_increment": "10000.00",
        "auction_hours": 24,
        "relist_price": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_listing(make_achievement, owner, holder_org):
    """An open fixed-price listing of a published achievement of the university."""
    from keqiao.trading import listings

    def make(**overrides):
        achievement = make_achievement("published", title="泡菜低盐发酵菌种技术")
        return listings.listing_create(
            by=owner, organization=holder_org, achievement=achievement, data=listing_data(**overrides)
        )

    return make


@pytest.fixture
def qualify(owner):
    """Register `user`'s intention for `org` and have the holder accept (or refuse) it."""
    from keqiao.trading import listings

    def run(listing, user, org, *, accept: bool = True):
        intention = listings.intention_register(
            listing=listing, by=user, organization=org, qualification="具备年产万吨泡菜生产线，资质齐全。"
        )
        return listings.intention_decide(
            intention=intention,
            by=owner,
            accept=accept,
            note="保证金已转账收讫" if accept else "不具备生产资质",
        )

    return run
