"""End-to-end in headless Chromium: an enterprise publishes its demand as a challenge (a weight sum other
than 100 is refused and what was typed stays), a university submits a proposal with an attachment, which
the enterprise cannot read before the deadline; the deadline's run opens it, the enterprise scores it
against the weighted criteria and awards it (confirmed in a dialog), the award is an agreed deal of
commissioned development, and the public page names the winner. The challenge page is checked at 390 px.

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/challenges/tests/test_e2e_browser.py
"""

import datetime
import re

import pytest
from django.utils import timezone

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from keqiao.challenges import services
from keqiao.challenges.models import Challenge, Proposal
from keqiao.testing.browser import (
    PHONE_VIEWPORT,
    chromium_browser,
    horizontal_overflow,
    screenshot,
    sign_in,
    skip_reason,
)

from .conftest import PDF

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason())),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser(live_server, transactional_db):
    with chromium_browser() as b:
        yield b


def local(dt: datetime.datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_enterprise_publishes_university_proposes_enterprise_scores_and_awards(
    browser, live_server, make_demand, outsider, owner, holder_org, tmp_path
):
    demand = make_demand(
        "published", title="泡菜发酵过程亚硝酸盐在线监测与乳酸菌精准接种控制系统开发需求", budget_private=True
    )
    base = live_server.url

    # The enterprise turns its demand into a challenge; weights adding up to 90 are refused.
    enterprise = sign_in(browser, base, "outsider", f"/challenges/new/?demand={demand.pk}")
    enterprise.locator("#id_title").fill("泡菜发酵亚硝酸盐在线监测")
    enterprise.locator("#id_goals").fill("建成发酵罐亚硝酸盐在线监测系统，替代人工抽检。")
    enterprise.locator("#id_indicators").fill("检测下限0.5 mg/kg；响应时间不超过10分钟。")
    enterprise.locator("#id_amount").fill("500000")
    enterprise.locator("#id_deadline").fill(local(timezone.now() + datetime.timedelta(days=20)))
    enterprise.locator("#id_eligibility").fill("具备传感器研发能力的高校、院所或企业。")
    enterprise.locator("#id_criteria").fill("技术路线可行性: 60\n报价合理性: 30")
    enterprise.locator("#publish-challenge").click()
    expect(enterprise.locator("#challenge-form")).to_contain_text(re.compile("相加须为100|add up to 100"))
    expect(enterprise.locator("#id_goals")).to_have_value("建成发酵罐亚硝酸盐在线监测系统，替代人工抽检。")
    enterprise.locator("#id_criteria").fill("技术路线可行性: 60\n报价合理性: 40")
    enterprise.locator("#publish-challenge").click()
    expect(enterprise.locator("#challenge-status")).to_have_text(re.compile("征集中|Taking proposals"))
    challenge = Challenge.objects.get()

    # The university submits a proposal with its technical plan attached.
    plan = tmp_path / "技术方案.pdf"
    plan.write_bytes(PDF)
    university = sign_in(browser, base, "owner", challenge.get_absolute_url())
    university.locator("#propose").click()
    university.locator("#id_organization").select_option(str(holder_org.pk))
    university.locator("#id_approach").fill("电化学传感器阵列结合温度补偿算法。")
    university.locator("#id_indicators_response").fill("检测下限0.3 mg/kg；响应时间5分钟。")
    university.locator("#id_price").fill("450000")
    university.locator("#id_months").fill("10")
    university.locator("#id_files").set_input_files(str(plan))
    university.locator("#submit-proposal").click()
    expect(university.locator("#proposal-status")).to_have_text(re.compile("已提交|Submitted"))
    proposal = Proposal.objects.get()
    assert proposal.attachments.count() == 1

    # Sealed until the deadline: the enterprise gets "not found".
    response = enterprise.goto(base + proposal.get_absolute_url())
    assert response.status == 404

    # The deadline's periodic run opens the proposals; the enterprise scores and awards.
    challenge.refresh_from_db()
    assert services.challenges_maintain(now=challenge.deadline) == {"opened": 1}
    enterprise.goto(base + challenge.get_absolute_url())
    enterprise.locator(f"#proposal-{proposal.pk} a").click()
    enterprise.locator("#id_score_0").fill("90")
    enterprise.locator("#id_score_1").fill("70")
    enterprise.locator("#save-scores").click()
    expect(enterprise.locator("#proposal-total")).to_have_text("82.00")
    enterprise.goto(base + challenge.get_absolute_url())
    expect(enterprise.locator(f"#proposal-{proposal.pk}")).to_contain_text("82.00")
    enterprise.locator("#award-form input[name=proposals]").first.check()
    enterprise.locator("#award").click()
    enterprise.locator("#confirm-dialog-ok").click()
    expect(enterprise.locator("#challenge-status")).to_have_text(re.compile("已揭榜|Awarded"))
    proposal.refresh_from_db()
    assert proposal.deal.status == "agreed" and proposal.deal.mode == "commissioned_development"
    expect(enterprise.locator("#winners")).to_contain_text(holder_org.name)
    screenshot(enterprise, "e2e-challenge-awarded.png")

    # On a phone the challenge page, with its long title and tables, stays within the screen.
    enterprise.set_viewport_size(PHONE_VIEWPORT)
    assert horizontal_overflow(enterprise) == 0
    screenshot(enterprise, "e2e-challenge-phone.png")
