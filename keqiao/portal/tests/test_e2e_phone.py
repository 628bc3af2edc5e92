"""A working day on a phone (390 × 844) in headless Chromium: every role reaches its pages through the
menu button, search results come before their filters, a long list pages through numbered links that
bring the reader back to the top of the results and announce the new page, and no page is wider than
the screen.

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/portal/tests/test_e2e_phone.py
"""

import re

import pytest

try:  # Without Playwright the module must still import, so that the test is skipped (or failed) cleanly.
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from keqiao.testing.browser import (
    PHONE_VIEWPORT,
    chromium_browser,
    horizontal_overflow,
    phone_page,
    screenshot,
    skip_reason,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason())),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MENU = re.compile("菜单|Menu")
SIGN_OUT = re.compile("退出登录|Sign out")
# The main navigation's destinations: link name and the path it leads to.
PUBLIC_PLACES = [
    (re.compile("^(技术需求|Demands)$"), "/demands/"),
    (re.compile("^(科技成果|Achievements)$"), "/achievements/"),
]
MEMBER_PLACES = [
    (re.compile("^(工作台|Workbench)$"), "/accounts/dashboard/"),
    (re.compile("^(洽谈|Negotiations)$"), "/deals/"),
    (re.compile("^(技术合同|Technology contracts)$"), "/deals/contracts/"),
    (re.compile("^(通知|Notifications)"), "/matching/notifications/"),
]
RESULTS_PER_PAGE = 20


@pytest.fixture
def browser(live_server, transactional_db):
    with chromium_browser() as b:
        yield b


@pytest.fixture
def catalogue(make_achievement, make_demand):
    """Three pages of published achievements about bamboo fibre, and one published demand."""
    for i in range(2 * RESULTS_PER_PAGE + 1):
        make_achievement(
            "published",
            title=f"竹纤维增强复合材料制备技术（第{i + 1}号）",
            summary="以竹纤维增强聚乳酸，经挤出与注塑成型制备可降解复合材料，用于餐具与汽车内饰件。",
            keywords=["竹纤维", "复合材料"],
        )
    return make_demand("published")


def assert_fits_the_screen(page) -> None:
    overflow = horizontal_overflow(page)
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the phone's screen"


def open_menu_and_go(page, name, path: str) -> None:
    toggle = page.get_by_role("button", name=MENU)
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#site-menu nav.main")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    link = page.locator("#site-menu").get_by_role("link", name=name)
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box["height"] >= 44, f"the menu link to {path} is only {box['height']}px high"
    link.click()
    expect(page).to_have_url(re.compile(re.escape(path) + r"(\?.*)?$"))
    assert_fits_the_screen(page)


def test_a_visitor_on_a_phone_reaches_demands_searches_and_pages_through_the_results(
    browser, live_server, catalogue, holder_org
):
    page = phone_page(browser, live_server.url)
    page.goto("/")
    assert_fits_the_screen(page)
    screenshot(page, "phone-home-anonymous.png")
    for name, path in PUBLIC_PLACES:
        open_menu_and_go(page, name, path)
    # The keyboard closes the menu again and returns to its button.
    toggle = page.get_by_role("button", name=MENU)
    toggle.click()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()

    # Search: the results come first, the filters wait behind a disclosure.
    page.goto("/achievements/?q=竹纤维")
    assert_fits_the_screen(page)
    first = page.locator("#results .result").first
    expect(first).to_be_visible()
    assert first.bounding_box()["y"] + 60 < PHONE_VIEWPORT["height"], "the first result is below the fold"
    assert page.locator("#facet-panel").evaluate("d => d.open") is False
    page.locator("#facet-panel summary").click()
    assert page.locator("#facet-panel").evaluate("d => d.open") is True
    screenshot(page, "phone-search-anonymous.png", full_page=False)

    # Numbered pagination: first/last and the window; paging through htmx returns to the top of the
    # results and announces the new page.
    pager = page.locator("#results .pager")
    expect(pager.locator("a[aria-current=page]")).to_have_text("1")
    expect(pager.locator("ol a")).to_have_count(3)
    pager.scroll_into_view_if_needed()
    pager.locator("ol a", has_text=re.compile(r"^\s*2\s*$")).click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator("#results .pager a[aria-current=page]")).to_have_text("2")
    expect(page.locator("#live-status")).to_contain_text(re.compile("第 2 页，共 3 页|Page 2 of 3"))
    top = page.evaluate("document.getElementById('results').getBoundingClientRect().top")
    assert -20 <= top < PHONE_VIEWPORT["height"] / 2, f"after paging the results start at {top}px"
    expect(page.locator("#results")).to_be_focused()
    page.locator("#results .pager a", has_text=re.compile("末页|Last")).click()
    expect(page.locator("#results .pager a[aria-current=page]")).to_have_text("3")
    assert_fits_the_screen(page)

    # A detail page.
    page.locator("#results .result h3 a").first.click()
    expect(page.locator("h1")).to_contain_text("竹纤维")
    assert_fits_the_screen(page)
    screenshot(page, "phone-detail-anonymous.png")

    # A list paginated by Django (the holder's page) has the same numbered pager.
    holder_pager(page, holder_org.pk)


def test_every_member_reaches_their_pages_through_the_menu_on_a_phone(
    browser, live_server, catalogue, personas
):
    for username in ("owner", "outsider", "bureau"):
        member_journey(browser, live_server, username)


def member_journey(browser, live_server, username: str) -> None:
    page = phone_page(browser, live_server.url, username)
    page.goto("/")
    assert_fits_the_screen(page)
    for name, path in MEMBER_PLACES:
        open_menu_and_go(page, name, path)
    # The user's name and the sign-out button sit on one line each, inside the screen.
    page.get_by_role("button", name=MENU).click()
    name_box = page.locator("#site-menu .username").bounding_box()
    sign_out = page.get_by_role("button", name=SIGN_OUT)
    expect(sign_out).to_be_visible()
    out_box = sign_out.bounding_box()
    assert name_box["height"] <= 48 and out_box["height"] >= 44
    assert out_box["x"] + out_box["width"] <= PHONE_VIEWPORT["width"]
    screenshot(page, f"phone-menu-{username}.png", full_page=False)
    if username == "bureau":
        page.locator("#site-menu").get_by_role("link", name=re.compile("^(规划进展|Plan progress)$")).click()
        expect(page).to_have_url(re.compile(r"/governance/$"))
        assert_fits_the_screen(page)
    page.goto("/achievements/?q=竹纤维")
    first = page.locator("#results .result").first
    assert first.bounding_box()["y"] + 60 < PHONE_VIEWPORT["height"]
    assert_fits_the_screen(page)


def holder_pager(page, holder_pk: int) -> None:
    page.goto(f"/holders/{holder_pk}/")
    pager = page.locator(".pager")
    expect(pager.locator("a[aria-current=page]")).to_have_text("1")
    pager.locator("a", has_text=re.compile("末页|Last")).click()
    expect(page).to_have_url(re.compile(r"page=3"))
    expect(page.locator(".pager a[aria-current=page]")).to_have_text("3")
    expect(page.locator(".pager a", has_text=re.compile("首页|First"))).to_be_visible()
    for link in page.locator(".pager a").all():
        assert link.bounding_box()["height"] >= 44
    assert_fits_the_screen(page)
