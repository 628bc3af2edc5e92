"""End-to-end in headless Chromium: an enterprise posts a demand, uses the classification suggestion,
sees a relevant achievement among its matches with an explanation, and follows it.

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/demands/tests/test_e2e_browser.py
"""

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from keqiao.demands import services as demand_services
from keqiao.demands.models import Demand
from keqiao.matching.models import Subscription
from keqiao.testing.browser import chromium_browser, new_page, screenshot, skip_reason

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason())),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery"
TITLE = "锂电池正极材料烧结工艺优化需求"
PROBLEM = (
    "公司生产锂离子电池正极材料，高温固相烧结时产品一致性差、能耗高，"
    "希望引进烧结温度控制与正极材料电化学性能提升技术。"
)
SIGN_OUT = re.compile("退出登录|Sign out")


@pytest.fixture
def browser(live_server, transactional_db):
    with chromium_browser() as b:
        yield b


def test_post_demand_see_explained_match_and_follow(browser, live_server, outsider, bureau, make_achievement):
    relevant = make_achievement(
        "published",
        title="锂离子电池正极材料Li3V2(PO4)3的合成及电化学性能",
        summary="采用高温固相烧结法合成锂离子电池正极材料，研究烧结温度对电化学性能的影响。",
        keywords=["锂离子电池", "正极材料", "烧结温度"],
        tech_field="new_energy",
        trl=6,
    )
    make_achievement(
        "published",
        title="高速铁路路基沉降监测方法",
        summary="监测路基沉降。",
        keywords=["路基", "沉降"],
        tech_field="modern_transport",
    )
    page = new_page(browser, live_server.url)

    # The enterprise (the `outsider` persona administers an enterprise) signs in and opens the form.
    page.goto("/accounts/login/?next=/demands/new/")
    page.locator("main input[name=username]").fill("outsider")
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/demands/new/$"))

    page.locator("#id_title").fill(TITLE)
    page.locator("#id_problem").fill(PROBLEM)
    # The platform suggests classification and keywords from the text; the user takes the field and keywords.
    page.locator("#suggest").click()
    expect(page.locator("#suggestion-box")).to_be_visible()
    page.locator("#suggestion-box [data-fill=id_tech_field]").click()
    # It offers the model's next disciplines too: taking the second one fills the discipline field with it.
    disciplines = page.locator("#suggestion-box [data-fill=id_discipline]")
    expect(disciplines).not_to_have_count(1)
    second = disciplines.nth(1).get_attribute("data-value")
    disciplines.nth(1).click()
    expect(page.locator("#id_discipline")).to_have_value(second)
    page.locator("#use-keywords").click()
    expect(page.locator("#id_keywords")).not_to_have_value("")
    page.locator("input[name=cooperation_modes][value=license]").check()
    page.locator("#id_min_trl").select_option("5")
    page.locator("#save-submit").click()
    expect(page).to_have_url(re.compile(r"/demands/\d+/$"))
    demand = Demand.objects.get(title=TITLE)
    assert demand.status == "submitted" and demand.tech_field and demand.keywords
    assert demand.discipline_id == int(second)

    # The bureau approves it (its review screens are covered by the achievement test).
    demand_services.demand_approve(demand=demand, by=bureau)
    page.reload()

    # Its matches: the relevant achievement first, with an explanation of why.
    first = page.locator("#matches .match").first
    expect(first).to_have_attribute("data-match-id", str(relevant.pk))
    first.locator("summary").click()
    expect(first.locator(".bar-row").first).to_be_visible()
    expect(first).to_contain_text(re.compile("双方共有的词语|Words in both texts"))

    # The enterprise follows the demand, so that new matches reach it.
    page.locator("#follow").click()
    expect(page.locator("#unfollow")).to_be_visible()
    assert Subscription.objects.filter(user=outsider, kind="demand", value=str(demand.pk)).exists()
    screenshot(page, "e2e-demand-matches.png")
