"""End-to-end in headless Chromium: a university lists a patent at a fixed price (a negative price is
refused and nothing typed is lost), an enterprise registers its intention, the university accepts its
qualification, the clock passes the end of the period and the maintenance run turns the listing into
an agreed deal at the listing price, which the buyer opens. The listing page is checked at 390 px.

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/trading/tests/test_e2e_listing_browser.py
"""

import re

import pytest
import time_machine

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from keqiao.testing.browser import (
    PHONE_VIEWPORT,
    chromium_browser,
    horizontal_overflow,
    screenshot,
    sign_in,
    skip_reason,
)
from keqiao.trading import listings
from keqiao.trading.models import Listing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason())),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CONDITIONS = "受让方须为在眉山注册的泡菜生产企业，具备低盐发酵生产线。"


@pytest.fixture
def browser(live_server, transactional_db):
    with chromium_browser() as b:
        yield b


def test_listing_with_one_qualified_buyer_ends_in_a_deal_at_the_price(
    browser, live_server, make_achievement, owner, outsider, other_org
):
    achievement = make_achievement(
        "published", title="低盐泡菜复合生物保鲜剂与高阻隔包装材料协同延长货架期的产业化应用技术"
    )
    base = live_server.url
    holder = sign_in(browser, base, "owner", "/trading/listings/new/")
    holder.locator("#id_achievement").select_option(str(achievement.pk))
    holder.locator("#id_mode").select_option("transfer")
    holder.locator("#id_price").fill("-380000")
    holder.locator("#id_period_days").fill("20")
    holder.locator("#id_deposit").fill("30000")
    holder.locator("#id_conditions").fill(CONDITIONS)
    holder.locator("#id_auction_increment").fill("10000")
    holder.locator("#publish-listing").click()
    # A negative price is refused, and what was typed stays.
    expect(holder.locator("#listing-form")).to_contain_text(re.compile("不能为负数|cannot be negative"))
    expect(holder.locator("#id_conditions")).to_have_value(CONDITIONS)
    holder.locator("#id_price").fill("380000")
    holder.locator("#publish-listing").click()
    expect(holder.locator("#listing-status")).to_have_text(re.compile("挂牌中|Listed"))
    expect(holder.locator("#countdown")).to_be_visible()
    listing = Listing.objects.get()

    # The hall shows it with its countdown.
    buyer = sign_in(browser, base, "outsider", "/trading/")
    expect(buyer.locator(f"#listing-{listing.pk} .countdown")).to_be_visible()
    buyer.locator(f"#listing-{listing.pk} a").first.click()
    buyer.locator("#id_qualification").fill("东坡区泡菜企业，年产能5万吨；保证金3万元已转账。")
    buyer.locator("#register-intention").click()
    expect(buyer.locator("#my-intention")).to_contain_text(re.compile("等待挂牌方|Awaiting the holder"))
    buyer.set_viewport_size(PHONE_VIEWPORT)
    assert horizontal_overflow(buyer) == 0
    screenshot(buyer, "e2e-listing-phone.png")
    buyer.set_viewport_size({"width": 1280, "height": 900})

    # The holder accepts the qualification, recording the deposit.
    holder.reload()
    intention = listing.intentions.get()
    holder.locator(f"#intention-{intention.pk} input[name=note]").fill("保证金3万元已到账")
    holder.locator(f"#qualify-{intention.pk}").click()
    expect(holder.locator(f"#intention-{intention.pk}")).to_contain_text(re.compile("资格合格|Qualified"))
    screenshot(holder, "e2e-listing-holder.png")

    # The clock passes the end of the period (working days, holidays skipped): the maintenance settles it.
    with time_machine.travel(listing.ends_at, tick=False):
        assert listings.listings_maintain() == {"sold": 1, "converted": 0, "relisted": 0, "unsold": 0}
    listing.refresh_from_db()
    assert listing.deal.buyer == other_org and listing.deal.agreed_offer.price == listing.price
    buyer.goto(listing.get_absolute_url())
    expect(buyer.locator("#listing-status")).to_have_text(
        re.compile("按挂牌价成交|Taken at the listing price")
    )
    buyer.locator("#deal-link a").click()
    expect(buyer.locator("body")).to_contain_text(re.compile("380,000|380000|38万"))
