"""The shipped Meishan 2017–2020 plan reproduces the seed's targets and its 14 annex rows."""

import datetime
from decimal import Decimal

import pytest

from keqiao.governance.models import ActionPlan

pytestmark = pytest.mark.django_db


def test_meishan_plan_targets():
    plan = ActionPlan.objects.get(document_number="眉府办发〔2017〕36号")
    assert plan.issuing_body == "眉山市人民政府办公室"
    assert plan.ends_on == datetime.date(2020, 12, 31)
    targets = {i.name: (i.target_value, i.unit) for i in plan.indicators.all()}
    assert targets["实施科技成果转化项目"] == (Decimal("100"), "项")
    assert targets["其中：实施重大科技成果转化项目"] == (Decimal("30"), "项")
    assert targets["其中：推广应用先进成熟适用技术成果"] == (Decimal("70"), "项")
    assert targets["培育产学研合作示范企业"] == (Decimal("50"), "家")
    assert targets["建设新型研发机构、众创空间等创新创业载体"] == (Decimal("10"), "家")
    assert targets["建设科技成果转移转化服务机构"] == (Decimal("8"), "家")
    assert targets["全市年技术交易额"] == (Decimal("10000"), "万元")
    assert targets["全市高新技术企业"] == (Decimal("90"), "家")
    assert targets["工程技术研究中心"] == (Decimal("50"), "家")
    assert targets["企业技术中心"] == (Decimal("30"), "家")


def test_meishan_plan_has_the_14_annex_rows_with_lead_department_first():
    plan = ActionPlan.objects.get(document_number="眉府办发〔2017〕36号")
    tasks = list(plan.tasks.prefetch_related("assignments__department"))
    assert [t.number for t in tasks] == list(range(1, 15))
    first = tasks[0]
    assert first.work_area == "一、加强科技成果转移转化平台建设"
    assert first.title == "建设区域性科技成果转移转化服务平台"
    assert first.schedule == "2017年启动,持续推进"
    assert [a.department.name for a in first.assignments.all()] == [
        "市科技局",
        "市经济和信息化委",
        "市教体局",
        "市财政局",
    ]
    eighth = tasks[7]
    assert eighth.lead.name == "市财政局"
    assert [a.department.name for a in tasks[11].assignments.all()][:2] == [
        "市人才办",
        "市人力资源社会保障局",
    ]
    # task 11 has no name in the published table: it is named by the first clause of its content
    assert tasks[10].title == "推动创新资源聚集能力强的产业园区建设"
    assert tasks[10].content.startswith(tasks[10].title)
    assert "到2020年,建设10家市级以上创新创业载体" in tasks[8].content
    assert tasks[13].title == "壮大成果转移转化人才队伍"  # without the table's "3." and final full stop


def test_hourly_maintenance_runs_the_governance_reminders():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("maintain_listings", stdout=out)
    assert "task_reports_reminded=" in out.getvalue() and "annual_reports_reminded=" in out.getvalue()
