"""End-to-end acceptance test in headless Chromium: register → review → publish → find.

A university's administrator registers an achievement through the web form (first with mistakes that
must be shown without losing what was typed), submits it, the city S&T bureau approves it and issues a
registration number, the owner publishes it, and an anonymous visitor finds it with a Chinese full-text
search — without seeing the confidential details.

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/achievements/tests/test_e2e_browser.py
"""

import re
from decimal import Decimal

import pytest

from keqiao.achievements.models import Achievement
from keqiao.common.validators import patent_check_char

try:  # Without Playwright the module must still import, so that the test is skipped (or failed) cleanly.
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from keqiao.testing.browser import chromium_browser, new_page, screenshot, skip_reason

pytestmark = [
    pytest.mark.browser,
    # Decided before any fixture runs, so a skipped run does not build the database or start a server.
    pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason())),
    # serialized_rollback restores the reference data (regions, classifications) that migrations load,
    # which a preceding transactional test's flush would otherwise have removed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery"
TITLE = "一种竹纤维增强聚乳酸复合材料的制备方法"
KEYWORDS = "竹纤维，聚乳酸，复合材料"
TOO_MANY_KEYWORDS = "竹纤维，聚乳酸，复合材料，生物降解，注塑成型，力学性能"
SUMMARY = (
    "以碱处理竹纤维增强聚乳酸，经双螺杆挤出与注塑成型制备可生物降解复合材料，"
    "拉伸强度较纯聚乳酸提高约四成，可用于一次性餐具和汽车内饰件。"
)
SECRET_DETAILS = "核心工艺参数：碱处理浓度百分之六，保密编号 BAMBOO-SECRET-7731"
SECRET_EMAIL = "bamboo.secret@meishan-test.edu.cn"
PATENT_DIGITS = "201910123456"
PATENT_NUMBER = f"ZL{PATENT_DIGITS}.{patent_check_char(PATENT_DIGITS)}"
WRONG_CHECK = "5" if patent_check_char(PATENT_DIGITS) != "5" else "6"
BAD_PATENT_NUMBER = f"ZL{PATENT_DIGITS}.{WRONG_CHECK}"

# Status labels are asserted in both languages (the project's .mo files may not be compiled), and the
# state itself through the status badge's CSS class, which does not depend on translations.
SUBMITTED = re.compile("已提交审核|Submitted for review")
SIGN_OUT = re.compile("退出登录|退出|Sign out")


@pytest.fixture
def browser(live_server, transactional_db):
    with chromium_browser() as b:
        yield b


def sign_in(page, username: str, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    form = page.locator("main form", has=page.locator("input[name=password]"))
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))
    expect(page.get_by_role("button", name=SIGN_OUT)).to_be_visible()


def sign_out(page) -> None:
    page.get_by_role("button", name=SIGN_OUT).click()
    expect(page.get_by_role("button", name=SIGN_OUT)).to_have_count(0)


def fill_registration_form(page, *, keywords: str, patent_number: str) -> None:
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_summary").fill(SUMMARY)
    page.locator("#id_keywords").fill(keywords)
    page.locator("#id_tech_field").select_option("new_materials")
    page.locator("#id_trl").select_option("6")
    for mode in ("license", "cooperation"):
        page.locator(f"input[name=transfer_modes][value={mode}]").check()
    page.locator("#id_price_negotiable").uncheck()
    page.locator("#id_price").fill("350000")
    page.locator("#id_ip-0-kind").select_option("invention")
    page.locator("#id_ip-0-number").fill(patent_number)
    page.locator("#id_ip-0-title").fill("竹纤维增强聚乳酸复合材料及其制备方法")
    page.locator("#id_ip-0-status").select_option(index=0)
    page.locator("#id_confidential_details").fill(SECRET_DETAILS)
    page.locator("#id_contact_name").fill("李工程师")
    page.locator("#id_contact_phone").fill("028-38123456")
    page.locator("#id_contact_email").fill(SECRET_EMAIL)


def test_register_review_publish_and_find(browser, live_server, owner, bureau, make_achievement):
    # Another published achievement, which the search below must not return.
    other = make_achievement("published")
    base = live_server.url
    page = new_page(browser, base)

    # 1. The owner signs in and opens the registration form.
    sign_in(page, "owner", "/achievements/new/")

    # 2a. Mistakes are shown next to their fields, and nothing typed is lost.
    fill_registration_form(page, keywords=TOO_MANY_KEYWORDS, patent_number=BAD_PATENT_NUMBER)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator("#save-submit").click()
    assert posted.value.status == 400
    expect(
        page.locator(".field.has-error", has=page.locator("#id_keywords")).locator(".errorlist")
    ).to_contain_text("5")
    expect(
        page.locator(".field.has-error", has=page.locator("#id_ip-0-number")).locator(".errorlist")
    ).to_contain_text(BAD_PATENT_NUMBER.removeprefix("ZL").split(".")[0])
    expect(page.locator("#id_title")).to_have_value(TITLE)
    expect(page.locator("#id_summary")).to_have_value(SUMMARY)
    expect(page.locator("#id_keywords")).to_have_value(TOO_MANY_KEYWORDS)
    expect(page.locator("#id_tech_field")).to_have_value("new_materials")
    expect(page.locator("input[name=transfer_modes][value=license]")).to_be_checked()
    expect(page.locator("#id_ip-0-number")).to_have_value(BAD_PATENT_NUMBER)
    expect(page.locator("#id_confidential_details")).to_have_value(SECRET_DETAILS)
    assert not Achievement.objects.filter(title=TITLE).exists()

    # 2b. Corrected, it is saved and submitted for review in one step.
    page.locator("#id_keywords").fill(KEYWORDS)
    page.locator("#id_ip-0-number").fill(PATENT_NUMBER)
    page.locator("#save-submit").click()
    expect(page).to_have_url(re.compile(r"/achievements/\d+/$"))

    # 3. The detail page and the database agree: submitted.
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator("#status")).to_have_class(re.compile(r"\bsubmitted\b"))
    expect(page.locator("#status")).to_have_text(SUBMITTED)
    achievement = Achievement.objects.get(title=TITLE)
    assert achievement.status == "submitted"
    assert achievement.keywords == ["竹纤维", "聚乳酸", "复合材料"]
    assert achievement.tech_field == "new_materials"
    assert achievement.trl == 6
    assert sorted(achievement.transfer_modes) == ["cooperation", "license"]
    assert achievement.price == Decimal("350000") and achievement.price_negotiable is False
    assert [(i.kind, i.number) for i in achievement.ip_items.all()] == [("invention", PATENT_NUMBER)]
    assert achievement.registration_number is None
    detail_url = f"/achievements/{achievement.pk}/"
    assert page.url == base + detail_url

    # 4. The bureau approves it and a registration number is issued.
    sign_out(page)
    sign_in(page, "bureau", detail_url)
    page.locator("#approve").click()
    expect(page.locator("#confirm-dialog")).to_contain_text(re.compile("登记号|registration number"))
    page.locator("#confirm-dialog-ok").click()
    expect(page.locator("#registration-number")).to_have_text(re.compile(r"^\d{12}$"))
    expect(page.locator("#status")).to_have_class(re.compile(r"\bapproved\b"))
    registration_number = page.locator("#registration-number").inner_text()
    achievement.refresh_from_db()
    assert achievement.status == "approved"
    assert achievement.registration_number == registration_number
    assert registration_number.startswith("511") and registration_number[7] == achievement.kind

    # 5. The owner publishes it.
    sign_out(page)
    sign_in(page, "owner", detail_url)
    page.locator("#publish").click()
    expect(page.locator("#status")).to_have_class(re.compile(r"\bpublished\b"))
    achievement.refresh_from_db()
    assert achievement.status == "published" and achievement.published_at is not None
    page.context.close()

    # 6. An anonymous visitor finds it through the search box (htmx swaps #results in place).
    visitor = new_page(browser, base)
    visitor.goto("/achievements/")
    results = visitor.locator("#results")
    expect(results).to_contain_text(other.title)  # the whole catalogue before searching
    visitor.locator("form[role=search] input[name=q]").fill("竹纤维 复合材料")
    with visitor.expect_request(lambda r: r.headers.get("hx-request") == "true") as swapped:
        visitor.locator("form[role=search] button[type=submit]").click()
    assert "q=" in swapped.value.url
    expect(visitor).to_have_url(re.compile(r"[?&]q="))
    expect(results.locator("article.result")).to_have_count(1)
    expect(results.locator("article.result h3 a")).to_have_text(TITLE)
    expect(results.locator("article.result mark").first).to_be_visible()
    expect(results).not_to_contain_text(other.title)
    expect(results).not_to_contain_text(SECRET_DETAILS)
    screenshot(visitor, "e2e-search.png")

    # The public page shows the achievement but none of its confidential fields.
    results.locator("article.result h3 a").click()
    expect(visitor).to_have_url(re.compile(re.escape(detail_url) + "$"))
    expect(visitor.locator("h1")).to_have_text(TITLE)
    expect(visitor.locator("#status")).to_have_count(0)
    expect(visitor.locator("#publish")).to_have_count(0)
    html = visitor.content()
    assert SECRET_DETAILS not in html
    assert "BAMBOO-SECRET" not in html
    assert SECRET_EMAIL not in html
    assert "028-38123456" not in html
    visitor.context.close()
