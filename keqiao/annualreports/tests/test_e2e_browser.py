"""End-to-end in headless Chromium: an institute files its annual report with a pre-filled licence contract,
its supervising department returns it once, it is resubmitted and approved, and the bureau's overview
shows the filing and the pre-filled contract figures.

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/annualreports/tests/test_e2e_browser.py
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from keqiao.accounts.models import Membership, Organization
from keqiao.annualreports import services
from keqiao.annualreports.models import AnnualReport
from keqiao.testing.browser import chromium_browser, screenshot, sign_in, skip_reason
from keqiao.testing.factories import OrganizationFactory, member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason())),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser(live_server, transactional_db):
    with chromium_browser() as b:
        yield b


def test_institute_files_department_returns_then_approves_bureau_sees_it(browser, live_server, bureau):
    from keqiao.contracts import services as contract_services
    from keqiao.contracts.models import Contract
    from keqiao.negotiations.tests.conftest import contract_data

    department = OrganizationFactory(name="眉山市农业农村局（测试）", kind=Organization.Kind.DEPARTMENT)
    institute = OrganizationFactory(
        name="彭山农业科学研究院（测试）", kind=Organization.Kind.INSTITUTE, supervisor=department
    )
    researcher = member(institute, Membership.Role.ADMIN, username="institute")
    member(department, Membership.Role.STAFF, username="department")
    year = timezone.localdate().year - 1
    services.reporting_year_create(year=year)
    contract = contract_services.contract_create(
        by=researcher,
        organization=institute,
        data=contract_data(seller_name=institute.name, seller_nature="021"),
        side="seller",
    )
    contract = contract_services.contract_submit(contract=contract, by=researcher)
    contract = contract_services.contract_approve(contract=contract, by=bureau)
    Contract.objects.filter(pk=contract.pk).update(registered_on=datetime.date(year, 12, 31))
    base = live_server.url

    # The institute starts its report: the licence contract is pre-filled.
    inst = sign_in(browser, base, "institute", "/annual-reports/")
    inst.locator(f"#start-{institute.pk}-{year}").click()
    expect(inst.locator("#id_licence_count")).to_have_value("1")
    expect(inst.locator("#id_licence_amount")).to_have_value("200000.00")
    expect(inst.locator("#id_licence_technology_amount")).to_have_value("180000.00")
    # a negative count is refused and what was typed stays
    inst.locator("#id_brokers").fill("-2")
    inst.locator("#id_policy_text").fill("本院制定了科技成果转化收益分配办法，净收入的70%奖励研发团队。")
    inst.locator("#save-report").click()
    expect(inst.locator("#report-form")).to_contain_text(re.compile("不能为负数|cannot be negative"))
    expect(inst.locator("#id_policy_text")).to_have_value(re.compile("收益分配办法"))
    inst.locator("#id_brokers").fill("2")
    inst.locator("#id_fulltime_staff").fill("3")
    inst.locator("#save-submit-report").click()
    expect(inst.locator("#report-status")).to_have_text(re.compile("已报送|已提交|Submitted"))
    report = AnnualReport.objects.get(organization=institute)

    # The supervising department returns it once.
    dept = sign_in(browser, base, "department", f"/annual-reports/{report.pk}/")
    dept.on("dialog", lambda dialog: dialog.accept())  # review decisions ask for confirmation
    expect(dept.locator("#figure-licence_amount")).to_contain_text(re.compile("20 ?万元|200,000"))
    dept.locator("#id_return-comment").fill("请补充技术经纪人人数的说明及项目清单。")
    dept.locator("#return-report").click()
    expect(dept).to_have_url(re.compile(r"/annual-reports/\?year="))  # back on the review list
    dept.goto(f"/annual-reports/{report.pk}/")
    expect(dept.locator("#report-status")).to_have_text(re.compile("退回|Returned"))

    # The institute sees the comments, adds a project and resubmits.
    inst.goto(f"/annual-reports/{report.pk}/")
    expect(inst.locator("#review-comment")).to_contain_text("项目清单")
    inst.locator("#edit-report").click()
    inst.locator("#section-g summary").click()
    inst.locator("#id_project-name").fill("水稻抗病品种许可")
    inst.locator("#id_project-project_type").select_option("licence")
    inst.locator("#id_project-counterpart").fill("彭山测试企业")
    inst.locator("#id_project-amount").fill("200000")
    inst.locator("#id_project-date").fill(f"{year}-12-31")
    inst.locator("#add-project").click()
    expect(inst.locator("#section-g")).to_contain_text("水稻抗病品种许可")
    inst.locator("#save-submit-report").click()
    expect(inst.locator("#report-status")).to_have_text(re.compile("已报送|已提交|Submitted"))

    # The department approves.
    dept.goto(f"/annual-reports/{report.pk}/")
    dept.locator("#approve-report").click()
    expect(dept.locator("#report-status")).to_have_text(re.compile("批准|同意|审核|Approved"))

    # The bureau's overview shows the filing and the pre-filled contract figures.
    officer = sign_in(browser, base, "bureau", f"/annual-reports/?year={year}")
    row = officer.locator(f"#filings tr[data-org='{institute.pk}']")
    expect(row).to_contain_text(re.compile("批准|同意|审核|Approved"))
    expect(officer.locator("#aggregate tr[data-key='licence_count'] td.num")).to_have_attribute(
        "data-value", "1"
    )
    expect(officer.locator("#aggregate tr[data-key='licence_amount'] td.num")).to_have_attribute(
        "data-value", "200000.00"
    )
    expect(officer.locator("#aggregate tr[data-key='brokers'] td.num")).to_have_attribute("data-value", "2")
    screenshot(officer, "annual-report-bureau-overview.png")

    report.refresh_from_db()
    assert report.status == "approved"
    assert [e.action for e in report.events.all() if e.action in ("submit", "return", "approve")] == [
        "submit",
        "return",
        "submit",
        "approve",
    ]
    assert report.figures["licence_amount"] == "200000.00" and report.projects.get().amount == Decimal(
        "200000.00"
    )
