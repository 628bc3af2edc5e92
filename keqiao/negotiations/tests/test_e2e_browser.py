"""End-to-end in headless Chromium: an enterprise expresses interest in an achievement, the holder accepts,
they exchange a message and an offer, agree, register the contract, the bureau approves it, and the
technology transaction amount on the statistics page rises by the contract's amount.

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/negotiations/tests/test_e2e_browser.py
"""

import re
from decimal import Decimal

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from keqiao.contracts.models import Contract
from keqiao.negotiations.models import Deal
from keqiao.testing.browser import chromium_browser, screenshot, sign_in, skip_reason

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason())),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser(live_server, transactional_db):
    with chromium_browser() as b:
        yield b


def amount_on_statistics(page) -> Decimal:
    page.goto("/deals/statistics/")
    return Decimal(page.locator(".stats-amount").get_attribute("data-amount"))


def test_interest_to_registered_contract_raises_the_transaction_amount(
    browser, live_server, make_achievement, outsider, owner, bureau
):
    achievement = make_achievement(
        "published",
        title="竹纤维高效脱胶与改性技术",
        summary="一种竹纤维生物酶脱胶与改性工艺，可用于竹浆纸与纺织材料生产。",
        keywords=["竹纤维", "脱胶", "改性"],
        tech_field="new_materials",
        contact_phone="028-38000000",
    )
    base = live_server.url

    # The bureau looks at the statistics first.
    officer = sign_in(browser, base, "bureau", "/deals/statistics/")
    before = amount_on_statistics(officer)

    # The enterprise expresses interest from the achievement's page.
    enterprise = sign_in(browser, base, "outsider", f"/achievements/{achievement.pk}/")
    expect(enterprise.locator("#contacts")).to_have_count(0)
    enterprise.locator("#express-interest").click()
    enterprise.locator("#id_mode").select_option("transfer")
    enterprise.locator("#id_message").fill("我公司拟受让该技术用于竹浆纸生产线改造，希望洽谈转让条件。")
    enterprise.locator("#send-interest").click()
    expect(enterprise.locator("#deal-status")).to_have_text(re.compile("已表达意向|Interest expressed"))
    deal = Deal.objects.get(achievement=achievement)

    # The holder accepts; contacts are disclosed; the holder sends a message and an offer.
    holder = sign_in(browser, base, "owner", f"/deals/{deal.pk}/")
    holder.locator("#accept-interest").click()
    expect(holder.locator("#deal-status")).to_have_text(re.compile("已接受意向|Interest accepted"))
    expect(holder.locator("#contacts")).to_contain_text("028-38000000")
    holder.locator("#id_message-body").fill("欢迎洽谈，附上技术说明，请查阅。")
    holder.locator("#send-message").click()
    expect(holder.locator("#messages")).to_contain_text("欢迎洽谈")
    holder.locator("#offers summary").click()
    holder.locator("#id_offer-price").fill("350000.00")
    holder.locator("#id_offer-payment_method").select_option("instalments")
    holder.locator("#id_offer-mode").select_option("transfer")
    holder.locator("#id_offer-territory").fill("中国大陆")
    holder.locator("#send-offer").click()
    expect(holder.locator("#offers")).to_contain_text(re.compile("35 ?万元|350,000"))

    # The enterprise reads the message and accepts the offer: agreed.
    enterprise.goto(f"/deals/{deal.pk}/")
    expect(enterprise.locator("#messages")).to_contain_text("欢迎洽谈")
    expect(enterprise.locator("#contacts")).to_contain_text("028-38000000")
    offer = deal.offers.get()
    enterprise.locator(f"#accept-offer-{offer.pk}").click()
    # Accepting is irreversible: a dialog says what will happen and asks first.
    expect(enterprise.locator("#confirm-dialog")).to_be_visible()
    enterprise.locator("#confirm-dialog-ok").click()
    expect(enterprise.locator("#deal-status")).to_have_text(re.compile("已达成一致|Agreed"))

    # The enterprise registers the contract, pre-filled from the agreement, and submits it.
    enterprise.locator("#register-contract").click()
    expect(enterprise.locator("#id_contract_amount")).to_have_value(re.compile(r"^350000(\.00)?$"))
    enterprise.locator("#id_transfer_object").select_option("patent")
    enterprise.locator("#id_ip_type").select_option("invention_patent")
    enterprise.locator("#id_socio_economic_objective").select_option("industry")
    # a technology amount above the contract amount is refused, and what was typed stays
    enterprise.locator("#id_technology_amount").fill("360000.00")
    enterprise.locator("#save-contract").click()
    expect(enterprise.locator("#contract-form")).to_contain_text(re.compile("不能超过|cannot exceed"))
    expect(enterprise.locator("#id_transfer_object")).to_have_value("patent")
    enterprise.locator("#id_technology_amount").fill("320000.00")
    enterprise.locator("#save-contract").click()
    enterprise.locator("#submit-contract").click()
    expect(enterprise.locator("#contract-status")).to_have_text(
        re.compile("已提交登记|Submitted for registration")
    )
    contract = Contract.objects.get(deal=deal)

    # The bureau (registration office) recognises and registers it.
    officer.goto(f"/deals/contracts/{contract.pk}/")
    officer.locator("#approve-contract").click()
    officer.locator("#confirm-dialog-ok").click()
    expect(officer.locator("#registration-number")).to_have_text(re.compile(r"^\d{16}$"))
    contract.refresh_from_db()
    assert contract.status == "approved"
    deal.refresh_from_db()
    assert deal.status == "registered"

    # The statistics page shows the amount risen by the contract's technology transaction amount.
    after = amount_on_statistics(officer)
    assert after - before == Decimal("320000.00")
    screenshot(officer, "e2e-deal-statistics.png")
