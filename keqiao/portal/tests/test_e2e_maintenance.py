"""End-to-end in headless Chromium: a signed-in holder reading the catalogue meets the maintenance page,
in Chinese and English with a Retry-After, while an upgrade runs (the health check still answers), and
once it ends finds the catalogue and the workbench again, still signed in.

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/portal/tests/test_e2e_maintenance.py
"""

import io

import pytest
from django.core.management import call_command

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

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


@pytest.fixture
def flag(settings, tmp_path):
    settings.KEQIAO = {**settings.KEQIAO, "MAINTENANCE_FILE": str(tmp_path / "maintenance.on")}
    return tmp_path / "maintenance.on"


def test_the_maintenance_page_during_an_upgrade(browser, live_server, flag, owner, make_achievement):
    make_achievement("published", title="泡菜低温杀菌保脆技术")
    page = sign_in(browser, live_server.url, "owner", "/achievements/")
    expect(page.get_by_text("泡菜低温杀菌保脆技术").first).to_be_visible()

    call_command("maintenance", "on", stdout=io.StringIO())
    response = page.goto(f"{live_server.url}/achievements/")
    assert response.status == 503 and response.headers["retry-after"] == "600"
    expect(page.locator("h1").first).to_have_text("系统维护中")
    expect(page.locator("section[lang=en] h1")).to_have_text("Under maintenance")
    expect(page.locator("body")).to_contain_text("您已保存的内容不会丢失")
    screenshot(page, "maintenance.png")
    # the health check still answers for the load balancer
    assert page.request.get(f"{live_server.url}/healthz").status == 200

    call_command("maintenance", "off", stdout=io.StringIO())
    page.reload()
    expect(page.get_by_text("泡菜低温杀菌保脆技术").first).to_be_visible()
    page.goto(f"{live_server.url}/accounts/dashboard/")
    expect(page.locator("main")).to_be_visible()
    assert "系统维护中" not in page.content()
