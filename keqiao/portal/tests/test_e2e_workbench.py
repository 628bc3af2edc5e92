"""End-to-end in headless Chromium: an enterprise opens its workbench at a desk and on a phone, sees the
offer awaiting its answer first and follows the link to it; a failed form puts the focus on the error
summary; accepting the offer asks in a dialog first.

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/portal/tests/test_e2e_workbench.py
"""

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from keqiao.negotiations import services as deal_services
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


def test_enterprise_workbench_at_desk_and_phone(
    browser, live_server, owner, outsider, other_org, make_achievement
):
    achievement = make_achievement("published", title="泡菜低温杀菌保脆技术")
    make_achievement("submitted", title="竹编机械化编织装置")
    deal = deal_services.deal_express_interest(
        by=outsider,
        organization=other_org,
        listing=achievement,
        mode="licence_ordinary",
        message="想了解许可条件。",
    )
    deal = deal_services.deal_accept(deal=deal, by=owner)
    deal_services.message_post(deal=deal, by=outsider, body="请报价。")
    offer = deal_services.offer_make(
        deal=deal, by=owner, price="150000.00", payment_method="lump_sum", mode="licence_ordinary"
    )

    page = sign_in(browser, live_server.url, "outsider", "/accounts/dashboard/")
    awaiting = page.locator("#awaiting")
    expect(awaiting).to_contain_text("份报价待您答复")
    # The enterprise's first quick action is publishing a demand, not registering an achievement.
    expect(page.locator("#quick-actions a").first).to_have_text("发布技术需求")
    screenshot(page, "workbench-enterprise-desk.png")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(awaiting).to_be_visible()
    screenshot(page, "workbench-enterprise-phone.png")

    # The line leads to the negotiation; accepting the offer asks in a dialog before anything happens.
    awaiting.get_by_role("link", name=re.compile("报价待您答复")).click()
    page.get_by_role("link", name=re.compile("泡菜低温杀菌保脆技术")).first.click()
    page.locator(f"#accept-offer-{offer.pk}").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("下一步是申报技术合同认定登记")
    screenshot(page, "room-confirm-dialog-phone.png", full_page=False)
    page.locator("#confirm-dialog-cancel").click()
    deal.refresh_from_db()
    assert deal.status == "negotiating"
    page.locator(f"#accept-offer-{offer.pk}").click()
    page.locator("#confirm-dialog-ok").click()
    expect(page.locator("#agreed-terms")).to_contain_text("按 150,000.00 元的报价")
    expect(page.locator("ul.messages li")).to_have_count(1)

    # A demand submitted without a title: the error summary takes the focus and links to the field.
    page.goto("/demands/new/")
    page.locator("#id_problem").fill("泡菜杀菌后变软不脆，希望引进低温杀菌保脆技术。")
    page.locator("#save-draft").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(page.locator("#id_problem")).to_have_value("泡菜杀菌后变软不脆，希望引进低温杀菌保脆技术。")
    screenshot(page, "demand-error-summary-phone.png", full_page=False)
    summary.locator("a[data-focus=id_title]").click()
    expect(page.locator("#id_title")).to_be_focused()

    # The bureau's workbench leads with its review queue and offers no registration of achievements.
    officer = sign_in(browser, live_server.url, "bureau", "/accounts/dashboard/")
    expect(officer.locator("#awaiting")).to_contain_text("项成果待审核")
    expect(officer.locator("#quick-actions")).not_to_contain_text("科技成果登记")
    screenshot(officer, "workbench-bureau-desk.png")
    officer.set_viewport_size({"width": 390, "height": 844})
    screenshot(officer, "workbench-bureau-phone.png")
