"""End-to-end in headless Chromium: a service agency opens a review of an achievement, sees an expert
of the holder's own organisation excluded with the reason, puts two experts on the panel, starts scoring;
each expert scores blind; the agency closes the review and downloads the PDF opinion.

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/reviews/tests/test_e2e_browser.py
"""

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from keqiao.reviews.models import Review
from keqiao.testing import pdf as pdf_text
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


def confirm(page):
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    page.locator("#confirm-dialog-ok").click()


def score(page, values, comment):
    for name, value in zip(
        ("scientific", "technological", "economic", "social", "potential"), values, strict=True
    ):
        page.locator(f"#id_{name}").fill(str(value))
    page.locator("#id_comment").fill(comment)
    page.locator("#submit-score").click()


def test_full_panel(browser, live_server, make_achievement, make_expert, holder_org, agency, agency_org):
    achievement = make_achievement("published", title="川西南晚熟柑橘保鲜技术")
    first = make_expert("exp_a", full_name="陈明远", organization_name="四川大学")
    second = make_expert("exp_b", full_name="林晓燕", organization_name="四川省农业科学院")
    conflicted = make_expert("exp_c", full_name="钱同事", organization=holder_org)
    base = live_server.url

    organiser = sign_in(browser, base, "agency", "/reviews/")
    organiser.locator("#open-review").click()
    organiser.locator("#id_achievement").select_option(str(achievement.pk))
    organiser.locator("#id_title").fill("晚熟柑橘保鲜技术专家评审")
    organiser.locator("#review-form button").click()
    expect(organiser.locator("#review-status")).to_have_text(re.compile("组建专家组|Forming the panel"))
    excluded = organiser.locator(f"#excluded-{conflicted.pk}")
    expect(excluded).to_contain_text("钱同事")
    expect(excluded).to_contain_text(holder_org.name)
    expect(organiser.locator(f"#add-{conflicted.pk}")).to_have_count(0)
    screenshot(organiser, "review-proposal.png")
    organiser.locator(f"#add-{first.pk}").click()
    organiser.locator(f"#add-{second.pk}").click()
    expect(organiser.locator("#panel")).to_contain_text("林晓燕")
    organiser.locator("#start-scoring").click()
    confirm(organiser)
    expect(organiser.locator("#review-status")).to_have_text(re.compile("评分中|Scoring"))
    review = Review.objects.get()

    expert_a = sign_in(browser, base, "exp_a", "/reviews/mine/")
    expert_a.locator("#my-panels a").first.click()
    score(expert_a, (85, 80, 75, 78, 82), "研究基础扎实，建议补充中试成本数据。")
    expect(expert_a.locator("#panel")).to_contain_text("85")

    expert_b = sign_in(browser, base, "exp_b", f"/reviews/{review.pk}/")
    expect(expert_b.locator("#panel")).not_to_contain_text("85")  # blind until closing
    score(expert_b, (75, 80, 85, 82, 78), "本地应用场景明确。")

    organiser.goto(f"/reviews/{review.pk}/")
    organiser.locator("#id_conclusion").fill("达到国内先进水平，建议开展中试。")
    organiser.locator("#close-review").click()
    confirm(organiser)
    expect(organiser.locator("#review-status")).to_have_text(re.compile("已关闭|Closed"))
    expect(organiser.locator("#total")).to_have_text("80.0")
    screenshot(organiser, "review-result.png")
    with organiser.expect_download() as download:
        organiser.locator("#opinion-pdf").click()
    content = open(download.value.path(), "rb").read()  # noqa: PTH123, SIM115 - the browser's temporary file
    assert content.startswith(b"%PDF")
    text = pdf_text.text(content)
    assert "陈明远" in text and "林晓燕" in text and "钱同事" not in text
