"""End-to-end in headless Chromium: the bureau uploads an .xlsx from a county in its own layout, maps the
column the platform does not recognise, sees two row errors in the preview, uploads the corrected file,
imports it and reads the report; the preview and the report fit a 390 px phone screen.

Run with: KEQIAO_BROWSER_TESTS=required pytest keqiao/exchange/tests/test_e2e_browser.py
"""

import io
import re

import pytest
from openpyxl import Workbook

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

from keqiao.achievements.models import Achievement
from keqiao.exchange.models import Provenance
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

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["序号", "项目", "第一完成单位", "技术领域", "成果简介"]


@pytest.fixture
def browser(live_server, transactional_db):
    with chromium_browser() as b:
        yield b


def workbook(rows) -> dict:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return {"name": "县区报送成果.xlsx", "mimeType": XLSX, "buffer": out.getvalue()}


def test_bureau_imports_a_county_spreadsheet_after_fixing_two_rows(
    browser, live_server, bureau, holder_org, other_org
):
    good = [
        [
            "R-1",
            "晶硅切片冷却液在线过滤回收技术",
            holder_org.name,
            "环境保护与资源综合利用",
            "多级过滤与磁分离组合回收硅粉。",
        ],
        ["R-2", "低盐泡菜复合发酵剂", other_org.name, "农业", "4%食盐下发酵周期缩短至5天。"],
        [
            "R-3",
            "竹纤维增强聚乳酸复合板材",
            holder_org.name,
            "新材料及其应用",
            "慈竹纤维增强，弯曲强度提高30%。",
        ],
    ]
    bad = [list(r) for r in good]
    bad[1][3] = "食品加工"  # not a technology field of the national list
    bad[2][2] = "青神县某合作社"  # no such organisation on the platform

    page = sign_in(browser, live_server.url, "bureau", "/imports/")
    page.locator("#id_kind").select_option("achievements")
    page.locator("#id_source_name").fill("东坡区科技局报送")
    page.locator("#id_file").set_input_files(workbook(bad))
    page.locator("#upload").click()
    expect(page.locator("#mapping-form")).to_be_visible()

    # "项目" is not a column name the platform knows: map it by hand; the others were recognised.
    project = page.get_by_label("项目")
    expect(project).to_have_value("")
    project.select_option("title")
    expect(page.get_by_label("技术领域")).to_have_value("tech_field")
    page.locator("#check").click()

    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#errors-3")).to_contain_text("食品加工")
    expect(page.locator("#errors-4")).to_contain_text(re.compile("没有该名称|No organisation"))
    expect(page.locator("#commit")).to_be_disabled()
    screenshot(page, "e2e-import-preview.png")
    page.set_viewport_size(PHONE_VIEWPORT)
    assert horizontal_overflow(page) == 0
    screenshot(page, "e2e-import-preview-phone.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not Achievement.objects.exists()

    page.locator("#id_file").set_input_files(workbook(good))
    page.locator("#replace").click()
    expect(page.locator("#ready")).to_be_visible()
    page.locator("#commit").click()
    expect(page.locator("#report")).to_be_visible()
    expect(page.locator("#count-created")).to_have_text("3")
    screenshot(page, "e2e-import-report.png")
    page.set_viewport_size(PHONE_VIEWPORT)
    assert horizontal_overflow(page) == 0
    screenshot(page, "e2e-import-report-phone.png")

    assert Achievement.objects.filter(status="published").count() == 3
    # "序号" is a serial, not an external id: each record's provenance is its file and row.
    assert sorted(Provenance.objects.values_list("file_name", "row_number")) == [
        ("县区报送成果.xlsx", n) for n in (2, 3, 4)
    ]
    # The mapping is remembered for the source: the next upload from it needs no hand mapping.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/imports/")
    page.locator("#id_kind").select_option("achievements")
    page.locator("#id_source_name").fill("东坡区科技局报送")
    page.locator("#id_file").set_input_files(workbook(good))
    page.locator("#upload").click()
    expect(page.get_by_label("项目")).to_have_value("title")
