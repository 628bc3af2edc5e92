"""Every workbook the platform writes keeps typed text as text: a value starting with = + - @ never
becomes a live formula, and reads back exactly as typed."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from keqiao.annualreports import exports as report_exports
from keqiao.common.spreadsheets import neutralise, workbook_bytes
from keqiao.governance import exports as plan_exports
from keqiao.governance.models import ActionPlan

pytestmark = pytest.mark.django_db

ATTACKS = ['=HYPERLINK("http://evil.example","点此")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"]


def _cells(data: bytes):
    wb = load_workbook(io.BytesIO(data))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]


def test_the_shared_writer_neutralises_every_sheet():
    wb = Workbook()
    wb.active.append(ATTACKS)
    wb.create_sheet("二").append(["正常文本", *ATTACKS])
    cells = _cells(workbook_bytes(wb))
    assert [c.value for c in cells if c.value in ATTACKS] and all(c.data_type != "f" for c in cells)
    assert sorted(c.value for c in cells if c.value in ATTACKS) == sorted(ATTACKS * 2)
    assert neutralise(load_workbook(io.BytesIO(workbook_bytes(wb)))) == len(ATTACKS) * 2  # all are text cells


def test_annual_report_workbook_keeps_formula_like_text_as_text(make_report):
    report = make_report("draft")
    report.policy_text = ATTACKS[0]
    report.contact_name = ATTACKS[1]
    report.save()
    cells = _cells(report_exports.report_xlsx(report))
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert ATTACKS[0] in values and ATTACKS[1] in values


def test_plan_workbook_round_trips_formula_like_text(bureau):
    plan = ActionPlan.objects.first()
    plan.title = "=1+1 眉山方案"
    plan.save(update_fields=["title"])
    data = plan_exports.plan_xlsx(plan, None)
    assert not [c.coordinate for c in _cells(data) if c.data_type == "f"]
    assert plan_exports.read_plan_xlsx(io.BytesIO(data))["title"] == "=1+1 眉山方案"
