"""End-to-end in headless Chromium: an official of the S&T bureau signs in where two-factor sign-in is
required, is held at the setup page, adds the platform to an authenticator app (the code is computed here
from the key shown for manual entry, as the app would), saves the recovery codes, signs out, and signs in
again with the password and a fresh code.

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/accounts/tests/test_e2e_two_factor_browser.py
"""

import base64
import re
import time

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from django_otp.oath import TOTP

from keqiao.accounts import twofactor
from keqiao.testing.browser import TEST_PASSWORD, chromium_browser, new_page, screenshot, skip_reason

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason())),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SIGN_OUT = re.compile("退出登录|退出|Sign out")


@pytest.fixture
def browser(live_server, transactional_db):
    with chromium_browser() as b:
        yield b


def app_code(secret: str, *, at: float) -> str:
    """What an authenticator app shows at time `at` for the key typed from the page."""
    key = "".join(secret.split())
    key += "=" * (-len(key) % 8)
    totp = TOTP(base64.b32decode(key))
    totp.time = at
    return f"{totp.token():06d}"


def password_step(page, username: str, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.locator("main input[name=username]").fill(username)
    page.locator("main input[name=password]").fill(TEST_PASSWORD)
    page.locator("main button[type=submit]").click()


def test_official_sets_up_two_factor_and_signs_in_with_a_code(browser, live_server, bureau, settings):
    settings.KEQIAO = {**settings.KEQIAO, "2FA_REQUIRED_FOR_OFFICIALS": True}
    page = new_page(browser, live_server.url)

    # The password is right, but the official is held at the setup page.
    password_step(page, "bureau", "/deals/statistics/")
    expect(page).to_have_url(re.compile(r"/accounts/security/two-factor/\?next="))
    expect(page.locator("#two-factor-required")).to_be_visible()
    page.goto("/accounts/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/security/two-factor/"))
    qr = page.locator("#totp-qr svg")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] > 100  # scannable size, drawn inline under the strict CSP
    secret = page.locator("#totp-secret").inner_text()
    screenshot(page, "two-factor-setup.png")

    # A wrong code is refused with a message, then the app's code turns it on.
    page.goto("/accounts/security/two-factor/?next=/deals/statistics/")
    page.locator("#id_code").fill("12345")
    page.locator("#confirm-two-factor").click()
    expect(page.locator(".field.has-error")).to_contain_text(re.compile("6 位|6 digits"))
    page.locator("#id_code").fill(app_code(secret, at=time.time()))
    page.locator("#confirm-two-factor").click()
    expect(page).to_have_url(re.compile(r"/accounts/security/recovery-codes/"))
    codes = page.locator("#recovery-code-list li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", c) for c in codes)
    page.locator("#codes-saved").click()
    expect(page).to_have_url(re.compile(r"/deals/statistics/$"))
    assert twofactor.is_enabled(bureau)

    # Sign out, and in again: the password alone does not sign in.
    page.get_by_role("button", name=SIGN_OUT).click()
    password_step(page, "bureau", "/deals/statistics/")
    expect(page).to_have_url(re.compile(r"/accounts/login/verify/$"))
    page.goto("/accounts/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    password_step(page, "bureau", "/deals/statistics/")
    page.locator("#id_code").fill("000000" if app_code(secret, at=time.time() + 30) != "000000" else "111111")
    page.locator("#verify-code").click()
    expect(page.locator(".field.has-error")).to_contain_text(re.compile("验证码不正确|not right"))
    time.sleep(1.5)  # django-otp's wait after a wrong code
    # The next time step's code (the one used for setup cannot be used twice).
    page.locator("#id_code").fill(app_code(secret, at=time.time() + 30))
    page.locator("#verify-code").click()
    expect(page).to_have_url(re.compile(r"/deals/statistics/$"))
    expect(page.get_by_role("button", name=SIGN_OUT)).to_be_visible()
    screenshot(page, "two-factor-signed-in.png")
