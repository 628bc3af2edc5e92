"""End-to-end in headless Chromium: a university puts a licence up for auction, admits two enterprises,
they bid against each other in the last minutes (the end is extended, the other's page follows the price
live, neither sees who the other is), the maintenance run closes the auction into an agreed deal, the
winner files the technology contract, the bureau registers it and the statistics count it.

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/trading/tests/test_e2e_browser.py
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from keqiao.contracts.models import Contract
from keqiao.testing.browser import (
    PHONE_VIEWPORT,
    chromium_browser,
    horizontal_overflow,
    screenshot,
    sign_in,
    skip_reason,
)
from keqiao.trading import services
from keqiao.trading.models import Auction

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason())),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser(live_server, transactional_db):
    with chromium_browser() as b:
        yield b


def local(dt: datetime.datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_auction_with_two_bidders_and_an_extension_ends_in_a_registered_contract(
    browser, live_server, make_achievement, owner, outsider, other_org, rival, rival_org, bureau
):
    achievement = make_achievement(
        "published",
        title="竹纤维高效生物酶脱胶及其在竹浆纤维素纺织品连续化清洁生产中的应用技术",
        tech_field="new_materials",
    )
    base = live_server.url
    officer = sign_in(browser, base, "bureau", "/deals/statistics/")
    before = Decimal(officer.locator(".stats-amount").get_attribute("data-amount"))

    # The university publishes the auction: bidding ends in a few minutes, a bid in the last five extends it.
    holder = sign_in(browser, base, "owner", "/trading/auctions/new/")
    now = timezone.now()
    holder.locator("#id_achievement").select_option(str(achievement.pk))
    holder.locator("#id_mode").select_option("licence_ordinary")
    holder.locator("#id_starting_price").fill("100000")
    holder.locator("#id_increment").fill("5000")
    holder.locator("#id_reserve_price").fill("100000")
    holder.locator("#id_deposit").fill("10000")
    holder.locator("#id_starts_at").fill(local(now - datetime.timedelta(minutes=2)))
    holder.locator("#id_ends_at").fill(local(now - datetime.timedelta(minutes=2)))
    holder.locator("#id_extension_minutes").fill("5")
    holder.locator("#id_conditions").fill("竞买人须具备竹浆纸或竹纺织生产能力，价高者得。")
    holder.locator("#publish-auction").click()
    # An end before the start is refused, and what was typed stays.
    expect(holder.locator("#auction-form")).to_contain_text(re.compile("晚于开始时间|end after it starts"))
    expect(holder.locator("#id_conditions")).to_have_value("竞买人须具备竹浆纸或竹纺织生产能力，价高者得。")
    holder.locator("#id_ends_at").fill(local(now + datetime.timedelta(minutes=4)))
    holder.locator("#publish-auction").click()
    expect(holder.locator("#auction-status")).to_have_text(re.compile("竞价中|Bidding open"))
    auction = Auction.objects.get()

    # Two enterprises register; the organiser admits both, recording their deposits.
    first = sign_in(browser, base, "outsider", auction.get_absolute_url())
    first.locator("#register-bidder").click()
    second = sign_in(browser, base, "rival", auction.get_absolute_url())
    second.locator("#register-bidder").click()
    holder.reload()
    for paddle in (1, 2):
        holder.locator(f"#bidder-{paddle} input[name=note]").fill("保证金1万元已到账")
        holder.locator(f"#admit-{paddle}").click()
        expect(holder.locator(f"#bidder-{paddle}")).to_contain_text(re.compile("已取得竞买资格|Qualified"))

    # The first bids; being in the last five minutes, the bid extends the end.
    first.reload()
    first.locator("#id_amount").fill("100000")
    first.locator("#place-bid").click()
    expect(first.locator("#my-status")).to_contain_text(re.compile("最高出价人|highest bid"))
    expect(first.locator("#extended")).to_be_visible()

    # The second's page follows the price without reloading (htmx polling), and bids above it.
    second.reload()
    second.locator("#id_amount").fill("99000")
    second.locator("#place-bid").click()
    expect(second.locator("#bid")).to_contain_text(re.compile("不得低于|at least"))
    second.locator("#id_amount").fill("105000")
    second.locator("#place-bid").click()
    expect(second.locator("#my-status")).to_contain_text(re.compile("最高出价人|highest bid"))
    expect(first.locator("#current-price")).to_have_attribute("data-amount", "105000.00", timeout=10_000)
    expect(first.locator("#my-status")).to_contain_text(re.compile("不是当前最高|not the highest"))
    for page, other in ((first, rival_org.name), (second, other_org.name)):
        assert other not in page.content()
    screenshot(first, "e2e-auction-live.png")
    # On a phone the page, with its long title and the bid history, stays within the screen.
    first.set_viewport_size(PHONE_VIEWPORT)
    assert horizontal_overflow(first) == 0
    screenshot(first, "e2e-auction-live-phone.png")
    first.set_viewport_size({"width": 1280, "height": 900})

    # The maintenance run closes it at its (extended) end: the highest bid becomes an agreed deal.
    auction.refresh_from_db()
    assert auction.extensions == 1 and auction.ends_at > auction.scheduled_ends_at
    assert services.auctions_maintain(now=auction.ends_at) == {"sold": 1, "unsold": 0}
    auction.refresh_from_db()
    deal = auction.deal

    # The winner files the technology contract from the deal; the bureau registers it.
    second.goto(auction.get_absolute_url())
    second.locator("#deal-link a").click()
    second.locator("#register-contract").click()
    expect(second.locator("#id_contract_amount")).to_have_value(re.compile(r"^105000(\.00)?$"))
    second.locator("#id_transfer_object").select_option("patent")
    second.locator("#id_ip_type").select_option("invention_patent")
    second.locator("#id_socio_economic_objective").select_option("industry")
    second.locator("#save-contract").click()
    second.locator("#submit-contract").click()
    contract = Contract.objects.get(deal=deal)
    officer.goto(f"/deals/contracts/{contract.pk}/")
    officer.locator("#approve-contract").click()
    officer.locator("#confirm-dialog-ok").click()
    expect(officer.locator("#registration-number")).to_have_text(re.compile(r"^\d{16}$"))
    officer.goto("/deals/statistics/")
    after = Decimal(officer.locator(".stats-amount").get_attribute("data-amount"))
    assert after - before == Decimal("105000.00")
