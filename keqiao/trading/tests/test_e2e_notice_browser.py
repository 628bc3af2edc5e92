"""End-to-end in headless Chromium: a university publishes the price it agreed, an enterprise objects,
the university answers, the notice passes in the maintenance run, the buyer files the contract (refused
before the notice passed), the bureau sees the notice on the contract, registers it and the statistics
count it.

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/trading/tests/test_e2e_notice_browser.py
"""

import re
from decimal import Decimal

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from keqiao.contracts.models import Contract
from keqiao.testing.browser import chromium_browser, screenshot, sign_in, skip_reason
from keqiao.trading import services
from keqiao.trading.models import PriceNotice

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason())),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser(live_server, transactional_db):
    with chromium_browser() as b:
        yield b


def test_price_notice_with_an_answered_objection_ends_in_a_registered_contract(
    browser, live_server, agreed_deal, owner, outsider, rival, bureau
):
    deal = agreed_deal()
    base = live_server.url
    officer = sign_in(browser, base, "bureau", "/deals/statistics/")
    before = Decimal(officer.locator(".stats-amount").get_attribute("data-amount"))

    # The university publishes the agreed price from the negotiation room.
    holder = sign_in(browser, base, "owner", f"/deals/{deal.pk}/")
    holder.locator("#publish-price-notice").click()
    holder.locator("#id_pricing_basis").fill("依据资产评估报告（收益法），评估值18万元，协议价20万元。")
    holder.locator("#publish-notice").click()
    expect(holder.locator("#notice-status")).to_have_text(re.compile("公示中|Under public notice"))
    notice = PriceNotice.objects.get()

    # Another enterprise reads it in public and objects.
    objector = sign_in(browser, base, "rival", notice.get_absolute_url())
    objector.locator("#id_reasons").fill("同类技术市场成交价约30万元，公示价格偏低。")
    objector.locator("#file-objection").click()
    expect(objector.locator("#objections")).to_contain_text("公示价格偏低")

    # The university answers it.
    holder.reload()
    objection = notice.objections.get()
    holder.locator(f"#answer-{objection.pk}").fill("所述交易包含设备，技术部分可比价格约20万元。")
    holder.locator(f"#answer-objection-{objection.pk}").click()
    expect(holder.locator(f"#objection-{objection.pk}")).to_contain_text("技术部分可比价格")

    # The buyer files the contract; it cannot be submitted while the notice runs.
    buyer = sign_in(browser, base, "outsider", f"/deals/{deal.pk}/")
    buyer.locator("#register-contract").click()
    buyer.locator("#id_transfer_object").select_option("patent")
    buyer.locator("#id_ip_type").select_option("invention_patent")
    buyer.locator("#id_socio_economic_objective").select_option("industry")
    buyer.locator("#save-contract").click()
    buyer.locator("#submit-contract").click()
    expect(buyer.locator("body")).to_contain_text(
        re.compile("公示期满后方可登记|must pass its public notice")
    )

    # The maintenance run passes the notice at its end; the buyer submits.
    notice.refresh_from_db()
    assert services.notices_maintain(now=notice.ends_at) == {"passed": 1}
    buyer.reload()
    buyer.locator("#submit-contract").click()
    expect(buyer.locator("#contract-status")).to_have_text(
        re.compile("已提交登记|Submitted for registration")
    )
    contract = Contract.objects.get(deal=deal)

    # The bureau sees the passed notice on the contract and registers it; the statistics count it.
    officer.goto(f"/deals/contracts/{contract.pk}/")
    expect(officer.locator("#price-notice")).to_contain_text(re.compile("公示期满无异议|Notice passed"))
    officer.locator("#approve-contract").click()
    officer.locator("#confirm-dialog-ok").click()
    expect(officer.locator("#registration-number")).to_have_text(re.compile(r"^\d{16}$"))
    screenshot(officer, "e2e-price-notice-contract.png")
    officer.goto("/deals/statistics/")
    after = Decimal(officer.locator(".stats-amount").get_attribute("data-amount"))
    assert after - before == Decimal("200000.00")
