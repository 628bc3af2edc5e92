"""The plan's exports: file names, labels in the reader's language, numbered pages, embedded font, charts."""

import io
import os
from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from keqiao.common import pdf as common_pdf
from keqiao.governance import exports, services
from keqiao.testing import pdf

pytestmark = pytest.mark.django_db
# CI installs a TrueType CJK font (scripts/run-tests.sh); elsewhere a machine without one skips these.
needs_font = pytest.mark.skipif(
    common_pdf.font_file() is None and os.environ.get("CI") != "true",
    reason="no TrueType CJK font on this machine (apt-get install fonts-wqy-microhei)",
)


@pytest.fixture
def plan(bureau):
    return services.plan_create(
        by=bureau,
        data={
            "title": "测试行动方案（2024—2026年）",
            "issuing_body": "眉山市人民政府办公室",
            "starts_on": "2024-01-01",
            "ends_on": "2026-12-31",
            "indicators": [
                {
                    "number": 1,
                    "name": "年技术交易额",
                    "target": "100",
                    "unit": "万元",
                    "deadline": "2026-12-31",
                    "source": "query",
                    "query": "transaction_amount",
                    "cumulative": False,
                },
                {
                    "number": 2,
                    "name": "高新技术企业",
                    "target": "90",
                    "unit": "家",
                    "deadline": "2026-12-31",
                    "source": "reported",
                    "department": "市科技局",
                    "cumulative": True,
                },
            ],
            "tasks": [
                {
                    "number": 1,
                    "work_area": "一、平台",
                    "title": "建设平台",
                    "content": "建设平台。",
                    "departments": "市科技局、市财政局",
                    "schedule": "持续推进",
                }
            ],
        },
    )


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _disposition_names(response) -> tuple[str, str]:
    value = response["Content-Disposition"]
    assert value.startswith("attachment; ")
    ascii_part = value.split('filename="', 1)[1].split('"', 1)[0]
    utf8_part = value.split("filename*=UTF-8''", 1)[1]
    assert ascii_part.isascii() and ascii_part
    return ascii_part, utf8_part


def test_every_plan_download_is_named_in_chinese_with_an_ascii_fallback(client, plan, bureau):
    client.force_login(bureau)
    for name, expected, fallback in (
        ("governance:plan_xlsx", f"{plan.title}.xlsx", f"action-plan-{plan.pk}.xlsx"),
        ("governance:plan_pdf", f"{plan.title}.pdf", f"action-plan-{plan.pk}.pdf"),
    ):
        response = client.get(reverse(name, args=[plan.pk]))
        assert _disposition_names(response) == (fallback, quote(expected, safe=""))
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"
    response = client.get(reverse("governance:plan_template"))
    assert _disposition_names(response) == (
        "action-plan-template.xlsx",
        quote("行动方案导入模板.xlsx", safe=""),
    )


def test_workbook_labels_follow_the_readers_language_and_import_back(client, plan, bureau):
    client.force_login(bureau)
    chinese = load_workbook(io.BytesIO(client.get(reverse("governance:plan_xlsx", args=[plan.pk])).content))
    assert chinese.sheetnames == ["方案", "指标", "任务"]
    header = [c.value for c in chinese["指标"][1]]
    assert header[:9] == [
        "序号", "指标名称", "目标值", "单位", "截止日期", "数据来源", "统计口径", "填报部门", "累计或年度"
    ]  # fmt: skip
    row = [c.value for c in chinese["指标"][2]]
    assert row[5] == "平台统计" and row[8] == "年度"
    assert "transaction_amount" not in row and "技术交易额" in row[6]  # a label, not the internal code

    _english(client)
    content = client.get(reverse("governance:plan_xlsx", args=[plan.pk])).content
    english = load_workbook(io.BytesIO(content))
    assert english.sheetnames == ["Plan", "Indicators", "Tasks"]
    header = [c.value for c in english["Indicators"][1]]
    assert header[:7] == [
        "No.", "Indicator", "Target value", "Unit", "Deadline", "Data source", "Statistical definition"
    ]  # fmt: skip
    row = [c.value for c in english["Indicators"][2]]
    assert row[5] == "Platform statistic" and row[8] == "Annual"
    assert row[6].startswith("Technology transaction amount")
    for sheet in english:
        for cells in sheet.iter_rows(min_row=1, max_row=1, values_only=True):
            assert all(not isinstance(v, str) or "_" not in v for v in cells)

    data = exports.read_plan_xlsx(io.BytesIO(content))  # an English workbook imports as well
    assert (
        data["indicators"][0]["source"] == "query" and data["indicators"][0]["query"] == "transaction_amount"
    )
    assert data["indicators"][0]["cumulative"] is False
    data["title"] = "英文导回的方案"
    copy = services.plan_create(data=data, by=bureau)
    assert copy.indicators.get(number=1).query == "transaction_amount"


@needs_font
def test_plan_pdf_numbers_its_pages_embeds_its_font_and_draws_the_charts(client, plan, bureau):
    client.force_login(bureau)
    content = client.get(reverse("governance:plan_pdf", args=[plan.pk])).content
    text = pdf.text(content)
    assert "第 1 页 / 共 1 页" in text
    assert "年技术交易额" in text and "万元" in text
    assert "各指标逐年完成情况" in text and "目标" in text  # the chart section, its target line
    fonts = pdf.fonts(content)
    for name in pdf.used_fonts(content):
        assert fonts[name]["embedded"], name

    _english(client)
    content = client.get(reverse("governance:plan_pdf", args=[plan.pk])).content
    text = pdf.text(content)
    assert "Page 1 of 1" in text and "Indicators by year" in text
    assert "10,000 yuan" in text and "万元" not in text
    assert "Platform statistic" in text


@needs_font
def test_pages_are_counted_on_a_long_pdf(client, plan, bureau):
    plan.tasks.update(content="建设平台。" * 400)
    client.force_login(bureau)
    text = pdf.text(client.get(reverse("governance:plan_pdf", args=[plan.pk])).content)
    total = text.count("页 / 共")
    assert total >= 2 and f"第 {total} 页 / 共 {total} 页" in text
