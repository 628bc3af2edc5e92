"""End-to-end in headless Chromium: an enterprise registers its national high-tech enterprise
certificate with the scanned certificate as evidence, the district S&T bureau (its designated department)
confirms it, and the plan dashboard's high-tech indicator, computed from the registry, moves from 0 to 1;
the pages fit a 390 px phone screen.

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/registries/tests/test_e2e_browser.py
"""

import datetime
import re

import pytest
from django.utils import timezone

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from keqiao.governance import services as governance_services
from keqiao.registries.models import Qualification
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


def test_high_tech_certificate_registered_confirmed_and_counted(
    browser, live_server, ent, ent_org, county, county_org, bureau
):
    today = timezone.localdate()
    plan = governance_services.plan_create(
        by=bureau,
        data={
            "title": "眉山市科技成果转化行动计划（测试）",
            "issuing_body": "眉山市人民政府办公室",
            "starts_on": f"{today.year}-01-01",
            "ends_on": f"{today.year + 2}-12-31",
            "indicators": [
                {
                    "number": 1,
                    "name": "全市高新技术企业",
                    "target": "150",
                    "unit": "家",
                    "deadline": f"{today.year + 2}-12-31",
                    "source": "query",
                    "query": "high_tech_enterprises",
                }
            ],
        },
    )
    indicator = plan.indicators.get()
    base = live_server.url

    officer = sign_in(browser, base, "county", f"/governance/indicators/{indicator.pk}/")
    expect(officer.locator("#indicator-value")).to_have_text(re.compile(r"^0\b"))

    engineer = sign_in(browser, base, "ent", "/registries/qualifications/new/")
    engineer.select_option("#id_kind", "high_tech")
    engineer.fill("#id_number", "GR202551000777")
    engineer.fill("#id_issuing_body", "四川省科学技术厅 四川省财政厅 国家税务总局四川省税务局")
    start = today - datetime.timedelta(days=40)
    engineer.fill("#id_valid_from", start.isoformat())
    # A first try with a four-year validity is refused, with the typed number kept.
    engineer.fill("#id_valid_until", start.replace(year=start.year + 4).isoformat())
    engineer.set_input_files(
        "#id_evidence", {"name": "高新技术企业证书.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    engineer.click("#propose")
    expect(engineer.locator("#id_valid_until + .errorlist, .errorlist")).to_contain_text("3")
    expect(engineer.locator("#id_number")).to_have_value("GR202551000777")
    engineer.fill("#id_valid_until", (start + datetime.timedelta(days=3 * 365 - 1)).isoformat())
    engineer.set_input_files(
        "#id_evidence", {"name": "高新技术企业证书.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    engineer.click("#propose")
    expect(engineer).to_have_url(re.compile(r"/registries/qualifications/\d+/$"))
    expect(engineer.locator("#record-status")).to_have_text("待确认")
    expect(engineer.locator("#evidence-link")).to_have_text("高新技术企业证书.pdf")
    record = Qualification.objects.get(number="GR202551000777")
    assert record.department_id == county_org.pk

    officer.goto(f"/registries/qualifications/{record.pk}/")
    officer.click("#action-confirm")
    expect(officer.locator("#record-status")).to_have_text("已确认")
    expect(officer.locator("#counting")).to_have_text("目前计入行动方案指标。")
    screenshot(officer, "e2e-registries-qualification.png")

    officer.goto(f"/governance/indicators/{indicator.pk}/")
    expect(officer.locator("#indicator-value")).to_have_text(re.compile(r"^1\b"))
    expect(officer.locator("#registry-records")).to_contain_text("GR202551000777")
    screenshot(officer, "e2e-registries-indicator.png")

    officer.set_viewport_size(PHONE_VIEWPORT)
    assert horizontal_overflow(officer) == 0
    screenshot(officer, "e2e-registries-indicator-phone.png")
    officer.goto(f"/registries/qualifications/{record.pk}/")
    assert horizontal_overflow(officer) == 0
    engineer.set_viewport_size(PHONE_VIEWPORT)
    engineer.goto("/registries/qualifications/")
    assert horizontal_overflow(engineer) == 0
    screenshot(engineer, "e2e-registries-list-phone.png")
