"""Task names are cleaned of the task table's numbering, on import and in existing rows."""

import importlib

import pytest
from django.apps import apps as django_apps

from keqiao.governance.models import ActionPlan, Task
from keqiao.governance.naming import clean_task_name
from keqiao.governance.services import validate_plan


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("11. 四、协同推进科技创新创业载体建设。", "协同推进科技创新创业载体建设"),
        ("14. 3.壮大成果转移转化人才队伍。", "壮大成果转移转化人才队伍"),
        ("（二）加强知识产权运用与保护", "加强知识产权运用与保护"),
        ("3、培育科技创新型企业", "培育科技创新型企业"),
        ("建设区域性科技成果转移转化服务平台", "建设区域性科技成果转移转化服务平台"),
        ("3.5亿元专项资金", "3.5亿元专项资金"),
        ("2024年启动", "2024年启动"),
        ("", ""),
    ],
)
def test_clean_task_name(raw, clean):
    assert clean_task_name(raw) == clean


@pytest.mark.django_db
def test_the_shipped_plan_and_imports_have_clean_names():
    plan = ActionPlan.objects.get(document_number="眉府办发〔2017〕36号")
    names = {t.number: t.name for t in plan.tasks.all()}
    assert names[14] == "壮大成果转移转化人才队伍" and names[11] == "推动创新资源聚集能力强的产业园区建设"
    assert all(not n[0].isdigit() and not n.endswith("。") for n in names.values())
    cleaned = validate_plan(
        {
            "title": "测试计划",
            "issuing_body": "眉山市人民政府办公室",
            "starts_on": "2024-01-01",
            "ends_on": "2026-12-31",
            "indicators": [
                {
                    "number": 1,
                    "name": "指标",
                    "target": "1",
                    "unit": "项",
                    "deadline": "2026-12-31",
                    "source": "reported",
                    "department": "市科技局",
                }
            ],
            "tasks": [
                {
                    "number": 1,
                    "work_area": "一、平台",
                    "title": "11. 四、协同推进载体建设。",
                    "content": "内容",
                    "departments": "市科技局",
                }
            ],
        }
    )
    assert cleaned["tasks"][0]["title"] == "协同推进载体建设"


@pytest.mark.django_db
def test_the_migration_cleans_existing_rows():
    plan = ActionPlan.objects.get(document_number="眉府办发〔2017〕36号")
    Task.objects.filter(plan=plan, number=14).update(title="3.壮大成果转移转化人才队伍。")
    Task.objects.filter(plan=plan, number=11).update(title="")
    migration = importlib.import_module("keqiao.governance.migrations.0003_clean_task_names")
    migration.clean(django_apps, None)
    assert plan.tasks.get(number=14).title == "壮大成果转移转化人才队伍"
    assert plan.tasks.get(number=11).title == migration.TASK_11
