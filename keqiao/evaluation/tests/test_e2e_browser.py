"""End-to-end in headless Chromium: the holder walks the readiness levels with evidence and sends the
assessment; the service agency confirms the level and the achievement page shows it as confirmed; the
holder values the achievement by Monte Carlo (a refused input first, kept as typed), and sees the
distribution's histogram and the tornado chart, then downloads the PDF report.

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/evaluation/tests/test_e2e_browser.py
"""

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from keqiao.evaluation.models import TrlAssessment, Valuation
from keqiao.testing.browser import chromium_browser, screenshot, sign_in, skip_reason

from .conftest import PDF_BYTES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason())),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser(live_server, transactional_db):
    with chromium_browser() as b:
        yield b


def test_walk_confirm_and_value_with_charts(
    browser, live_server, make_achievement, owner, assessor, tmp_path
):
    achievement = make_achievement(
        "published", title="竹基复合材料连续模压成型技术", tech_field="new_materials", trl=4
    )
    base = live_server.url
    evidence = tmp_path / "中试检测报告.pdf"
    evidence.write_bytes(PDF_BYTES)

    # The holder starts an assessment and answers levels 1–5.
    holder = sign_in(browser, base, "owner", f"/achievements/{achievement.pk}/")
    expect(holder.locator("#trl-status")).to_contain_text(re.compile("尚未确认|not yet confirmed"))
    holder.locator("#trl-assessment-link").click()
    holder.locator("#start-assessment").click()
    for n in range(1, 6):
        holder.locator(f"#id_met_{n}").check()
        holder.locator(f"#id_statement_{n}").fill(f"第{n}级判据已满足，见报告。")
    holder.locator("#id_justification").fill("小试初样已在模拟环境测试合格。")
    holder.locator("#save-answers").click()
    expect(holder.locator("#self-level")).to_contain_text("TRL 5")
    holder.locator("#id_level").select_option("5")
    holder.locator("#id_file").set_input_files(str(evidence))
    holder.locator("#upload-evidence").click()
    expect(holder.locator("#level-5")).to_contain_text("中试检测报告.pdf")
    screenshot(holder, "evaluation-walk-through.png")
    holder.locator("#submit-assessment").click()
    expect(holder.locator("#confirm-dialog")).to_be_visible()
    holder.locator("#confirm-dialog-ok").click()
    expect(holder.locator("#status")).to_have_text(re.compile("待确认|Awaiting confirmation"))
    assessment = TrlAssessment.objects.get(achievement=achievement)

    # The agency corrects nothing: it confirms level 5 with a comment on level 5.
    agency = sign_in(browser, base, "assessor", "/evaluation/readiness/")
    agency.get_by_text(achievement.title).click()
    agency.locator("#id_comment_5").fill("检测报告与样品批次一致。")
    agency.locator("#id_level").select_option("5")
    agency.locator("#confirm-level").click()
    agency.locator("#confirm-dialog-ok").click()
    expect(agency.locator("#confirmed-level")).to_contain_text("TRL 5")
    screenshot(agency, "evaluation-confirmed.png")
    assessment.refresh_from_db()
    assert assessment.status == "confirmed" and assessment.confirmed_by == assessor
    agency.goto(f"{base}/achievements/{achievement.pk}/")
    expect(agency.locator("#trl-tag")).to_contain_text("TRL 5")
    expect(agency.locator("#trl-status")).to_contain_text(re.compile("确认|confirmed"))

    # The holder values the achievement: a refused discount rate first, kept as typed.
    holder.goto(f"{base}/evaluation/valuations/new/?achievement={achievement.pk}")
    holder.locator("#id_discount_kind").select_option("fixed")
    holder.locator("#id_discount_mode").fill("-150")
    holder.locator("#id_revenue_high").fill("3200000")
    holder.locator("#compute").click()
    expect(holder.locator("[data-error-summary]")).to_be_visible()
    expect(holder.locator("#id_discount_mode")).to_have_value("-150")
    expect(holder.locator("#id_revenue_high")).to_have_value("3200000")
    screenshot(holder, "evaluation-form-refused.png")
    holder.locator("#id_discount_mode").fill("10")
    holder.locator("#compute").click()
    expect(holder.locator("#histogram-chart")).to_be_visible()
    expect(holder.locator("#histogram-chart rect")).to_have_count(20)
    expect(holder.locator("#tornado-chart rect").first).to_be_visible()
    expect(holder.locator("#results")).to_contain_text("P90")
    screenshot(holder, "evaluation-valuation.png")
    v = Valuation.objects.get()
    assert v.results["trl"] == 5 and v.inputs["trl_source"] == "confirmed"
    response = holder.request.get(f"{base}/evaluation/valuations/{v.pk}/report.pdf")
    assert response.status == 200 and response.body().startswith(b"%PDF")
