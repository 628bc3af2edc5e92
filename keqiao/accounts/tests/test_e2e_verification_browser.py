"""End-to-end in headless Chromium: the bureau verifies one organisation and rejects another from the
same list; each button asks its own question in a dialog, and the rejection goes to the rejection
address (the pressed button's, not the form's).

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/accounts/tests/test_e2e_verification_browser.py
"""

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from keqiao.accounts.models import Organization
from keqiao.testing.browser import chromium_browser, screenshot, sign_in, skip_reason
from keqiao.testing.factories import OrganizationFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason())),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser(live_server, transactional_db):
    with chromium_browser() as b:
        yield b


def test_bureau_verifies_and_rejects_with_a_question_each(browser, live_server, bureau):
    good = OrganizationFactory(name="眉山锂电新材料有限公司（待核验）", status=Organization.Status.PENDING)
    bad = OrganizationFactory(name="某某贸易公司（待核验）", status=Organization.Status.PENDING)
    page = sign_in(browser, live_server.url, "bureau", "/accounts/organizations/pending/")
    row = page.locator("tr", has_text=bad.name)
    row.locator("input[name=note]").fill("营业执照照片不清晰，请重新上传。")
    row.get_by_role("button", name="不予通过").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"确认对 {bad.name} 不予通过吗？")
    screenshot(page, "verify-reject-dialog.png", full_page=False)
    page.locator("#confirm-dialog-cancel").click()
    bad.refresh_from_db()
    assert bad.status == Organization.Status.PENDING
    row.get_by_role("button", name="不予通过").click()
    page.locator("#confirm-dialog-ok").click()
    expect(page.locator("ul.messages li")).to_contain_text("未通过认证")
    bad.refresh_from_db()
    assert (
        bad.status == Organization.Status.REJECTED and bad.status_note == "营业执照照片不清晰，请重新上传。"
    )

    row = page.locator("tr", has_text=good.name)
    row.get_by_role("button", name="核验通过").click()
    expect(dialog).to_contain_text(f"确认核验通过 {good.name} 吗？")
    page.locator("#confirm-dialog-ok").click()
    expect(page.locator("ul.messages li")).to_contain_text("已通过认证")
    good.refresh_from_db()
    assert good.status == Organization.Status.VERIFIED
