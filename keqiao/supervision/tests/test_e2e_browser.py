"""End-to-end in headless Chromium: a co-department files its progress report with a key figure, the lead
department consolidates the period, and the bureau's matrix shows the cell as reported and another
department's cell as overdue.

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/supervision/tests/test_e2e_browser.py
"""

import re
from decimal import Decimal

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from keqiao.governance.models import ActionPlan, Department
from keqiao.supervision.models import Consolidation, ProgressReport
from keqiao.testing.browser import (
    PHONE_VIEWPORT,
    chromium_browser,
    horizontal_overflow,
    screenshot,
    sign_in,
    skip_reason,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason())),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser(live_server, transactional_db):
    with chromium_browser() as b:
        yield b


def test_report_consolidate_and_the_bureau_matrix(browser, live_server, sv):
    base, period, task = live_server.url, sv.overdue_period, sv.task

    # The co-department (经信委) opens its tasks and files the report on task 8 with a figure.
    co = sign_in(browser, base, "jingxin", f"/supervision/?period={period}")
    co.locator(f"#task-{task.pk}-{sv.co_dept.pk} a", has_text=re.compile("填报|File report")).click()
    expect(co.locator("#report-period")).to_have_text(period)
    co.locator("#id_text").fill("组织银企对接会两场，推动三家科技型企业获得知识产权质押贷款。")
    co.locator("input[name=status][value=at_risk]").check()
    co.locator("#id_figure_name_0").fill("知识产权质押贷款")
    co.locator("#id_figure_value_0").fill("abc")
    co.locator("#save-report").click()
    expect(co.locator("#report-form")).to_contain_text(re.compile("数字|number"))
    expect(co.locator("#id_text")).to_have_value(re.compile("银企对接会"))
    co.locator("#id_figure_value_0").fill("830.5")
    co.locator("#id_figure_unit_0").fill("万元")
    co.locator("#save-report").click()
    expect(co.locator("#report")).to_contain_text("知识产权质押贷款")
    expect(co.locator("#report .figures")).to_contain_text("830.5")
    report = ProgressReport.objects.get(task=task, department=sv.co_dept, period=period)
    assert report.figures.get().value == Decimal("830.50")

    # The lead department (财政局) reads it on the task page and consolidates, recording the others missing.
    lead = sign_in(browser, base, "caizheng", f"/supervision/tasks/{task.pk}/?period={period}")
    expect(lead.locator(f"#report-{report.pk}")).to_contain_text("银企对接会")
    lead.locator("#id_summary").fill("本期金融服务体系建设存在风险：经信委已报送，其余配合部门逾期未报。")
    lead.locator("input[name=status][value=at_risk]").check()
    lead.locator("#consolidate").click()
    expect(lead.locator("#consolidation-form")).to_contain_text("市金融办")
    lead.locator("#id_mark_missing").check()
    lead.locator("#consolidate").click()
    expect(lead.locator("#consolidation-status")).to_have_attribute("data-status", "at_risk")
    assert Consolidation.objects.filter(task=task, period=period).exists()

    # The co-department can no longer edit the report.
    co.goto(report.get_absolute_url())
    expect(co.locator("#edit-report")).to_have_count(0)

    # The bureau filters the matrix by plan and period (a plan's full title is long: the filter must
    # still fit a phone's screen).
    ActionPlan.objects.filter(pk=sv.plan.pk).update(
        title="眉山市促进科技成果转移转化行动方案（2017—2020年）暨成果转化服务平台建设实施细则（修订）"
    )
    officer = sign_in(browser, base, "bureau", "/supervision/matrix/")
    officer.locator("#filter-plan").select_option(str(sv.plan.pk))
    officer.locator("#filter-period").select_option(period)
    officer.locator("#apply-filters").click()
    cell = officer.locator(f"#cell-{task.pk}-{sv.co_dept.pk}")
    expect(cell).to_have_attribute("data-state", "reported")
    expect(cell).to_have_attribute("data-status", "at_risk")
    expect(officer.locator(f"#cell-{task.pk}-{sv.lead_dept.pk}")).to_have_attribute(
        "data-state", "consolidated"
    )
    finance_office = Department.objects.get(name="市金融办")
    expect(officer.locator(f"#cell-{task.pk}-{finance_office.pk}")).to_have_attribute(
        "data-state", "marked_missing"
    )
    # another department's cell, on a task not consolidated: overdue
    task1 = sv.plan.tasks.get(number=1)
    overdue = officer.locator(f"#cell-{task1.pk}-{sv.lead_dept.pk}")
    expect(overdue).to_have_attribute("data-state", "overdue")
    expect(overdue).to_have_text(re.compile("逾期|Overdue"))
    screenshot(officer, "e2e-supervision-matrix.png")
    # on a phone the filters and the task names stay within the screen; the matrix scrolls in its box
    officer.set_viewport_size(PHONE_VIEWPORT)
    assert horizontal_overflow(officer) <= 0
    screenshot(officer, "e2e-supervision-matrix-phone.png")
    officer.set_viewport_size({"width": 1280, "height": 900})
    # the reported cell links to the report
    cell.locator("a").click()
    expect(officer.locator("#report")).to_contain_text("知识产权质押贷款")
    screenshot(officer, "e2e-supervision-report.png")
