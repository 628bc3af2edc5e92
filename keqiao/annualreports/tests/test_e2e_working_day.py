"""End-to-end in headless Chromium, on the demo's supervision data: the bureau opens the supervision
matrix and sees the current plan and its last period due with reports filed, filed late, overdue and
consolidated; the university's supervising department reopens an approved annual report (after
confirming) and lands on the review list, from which the report is still readable.

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/annualreports/tests/test_e2e_working_day.py
"""

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from keqiao.portal.demo.annualreports import DEPARTMENT_NAME as EDUCATION_ORG
from keqiao.portal.demo.governance import DEMO_TITLE, load_governance
from keqiao.portal.demo.supervision import BUREAU_ORG, load_supervision
from keqiao.supervision.selectors import default_period
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


def test_matrix_of_the_current_plan_and_a_reopened_report(
    browser, live_server, bureau, bureau_org, supervisor, supervisor_org, make_report
):
    bureau_org.name = BUREAU_ORG
    bureau_org.save(update_fields=["name"])
    supervisor_org.name = EDUCATION_ORG
    supervisor_org.save(update_fields=["name"])
    load_governance()
    load_supervision()
    base = live_server.url

    officer = sign_in(browser, base, "bureau", "/supervision/matrix/")
    expect(officer.locator("#matrix-plan")).to_contain_text(DEMO_TITLE)
    expect(officer.locator("#matrix-period")).to_have_text(default_period())
    matrix = officer.locator("#matrix")
    for state in ("reported", "overdue", "consolidated"):
        assert matrix.locator(f'td[data-state="{state}"]').count() > 0, state
    late = matrix.locator('td[data-late="1"]')
    assert late.count() == 3
    expect(late.first).to_contain_text(re.compile("逾期报送|Filed late"))
    expect(officer.locator("#matrix-counts")).to_contain_text(re.compile("逾期报送|filed late"))
    screenshot(officer, "supervision-matrix-current-plan.png")

    report = make_report("approved")
    reviewer = sign_in(browser, base, "supervisor", report.get_absolute_url())
    reviewer.locator("#reopen summary, details summary").first.click()
    reviewer.locator("#id_reopen-reason").fill("请更正奖励人数，并补充评估报告文号。")
    asked = []
    reviewer.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    reviewer.locator("#reopen-report").click()
    expect(reviewer).to_have_url(re.compile(r"/annual-reports/\?year="))
    expect(reviewer.locator(".messages")).to_contain_text(report.organization.name)
    assert asked and report.organization.name in asked[0]
    screenshot(reviewer, "annual-report-reopened-review-list.png")
    reviewer.locator(f'a[href="{report.get_absolute_url()}"]').first.click()
    expect(reviewer.locator("#read-only-note")).to_be_visible()
    expect(reviewer.locator("#approve")).to_have_count(0)
