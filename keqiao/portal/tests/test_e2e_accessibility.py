"""axe-core in headless Chromium: the main pages have no serious or critical accessibility violation, for
a visitor and for signed-in members, at desk width and on a phone; every page starts with a skip link.

axe-core is the copy bundled by the pinned axe-playwright-python package (see requirements-dev.lock).

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/portal/tests/test_e2e_accessibility.py
"""

import re

import pytest

try:  # Without Playwright the module must still import, so that the test is skipped (or failed) cleanly.
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from keqiao.negotiations import services as negotiations
from keqiao.testing.browser import (
    TEST_PASSWORD,
    chromium_browser,
    new_page,
    phone_page,
    screenshot,
    serious_accessibility_violations,
    skip_reason,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason())),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PUBLIC_PAGES = ["/", "/achievements/?q=竹纤维", "{achievement}", "/demands/", "/accounts/login/"]
MEMBER_PAGES = [
    "/",
    "/achievements/?q=竹纤维",
    "{achievement}",
    "/demands/",
    "/accounts/dashboard/",
    "/deals/",
    "/deals/contracts/",
]
BUREAU_PAGES = [*MEMBER_PAGES, "/governance/"]
PAGES = {"anonymous": PUBLIC_PAGES, "owner": MEMBER_PAGES, "bureau": BUREAU_PAGES}


@pytest.fixture
def browser(live_server, transactional_db):
    with chromium_browser() as b:
        yield b


@pytest.fixture
def listings(make_achievement, make_demand, outsider, other_org):
    """Two pages of published achievements, a published demand and a negotiation about the first."""
    achievements = [
        make_achievement(
            "published",
            title=f"竹纤维增强复合材料制备技术（第{i + 1}号）",
            keywords=["竹纤维", "复合材料"],
        )
        for i in range(21)
    ]
    make_demand("published")
    negotiations.deal_express_interest(
        by=outsider,
        organization=other_org,
        listing=achievements[0],
        mode="transfer",
        message="我公司拟受让该技术，希望洽谈转让条件。",
    )
    return achievements


def desk_page(browser, base_url: str, username: str | None):
    page = new_page(browser, base_url)
    if username:
        page.goto("/accounts/login/")
        page.locator("main input[name=username]").fill(username)
        page.locator("main input[name=password]").fill(TEST_PASSWORD)
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state()
    return page


@pytest.mark.parametrize("size", ["desk", "phone"])
def test_main_pages_have_no_serious_accessibility_violation(browser, live_server, listings, personas, size):
    problems = []
    for username in ("anonymous", "owner", "bureau"):
        problems += check_pages(browser, live_server, listings, username, size)
    assert not problems, "\n".join(problems)


def check_pages(browser, live_server, listings, username: str, size: str) -> list[str]:
    who = None if username == "anonymous" else username
    page = (desk_page if size == "desk" else phone_page)(browser, live_server.url, who)
    problems = []
    for template in PAGES[username]:
        path = template.format(achievement=listings[0].get_absolute_url())
        response = page.goto(path)
        assert response.status == 200, path
        # Every page starts with a working skip link.
        skip = page.locator("a.skip-link")
        expect(skip).to_have_attribute("href", "#main")
        expect(skip).to_have_text(re.compile("跳到主要内容|Skip to main content"))
        if size == "phone":
            page.get_by_role("button", name=re.compile("菜单|Menu")).click()
        problems += [f"{username} {size} {path}: {line}" for line in serious_accessibility_violations(page)]
        slug = re.sub(r"[^a-z0-9]+", "-", path.split("?")[0]).strip("-") or "home"
        screenshot(page, f"a11y-{size}-{username}-{slug}.png", full_page=size == "desk")
    page.context.close()
    return problems


def test_the_skip_link_moves_the_keyboard_to_the_content(browser, live_server, listings):
    page = new_page(browser, live_server.url)
    page.goto("/demands/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_selected_filters_say_so_and_the_results_are_announced(browser, live_server, listings):
    page = new_page(browser, live_server.url)
    page.goto("/achievements/?q=竹纤维")
    facet = page.locator("#facet-panel a[data-facet]").first
    facet.click()
    selected = page.locator("#facet-panel a[data-facet][aria-current=true]")
    expect(selected).to_have_count(1)
    expect(page.locator("#live-status")).to_contain_text(re.compile("21"))
