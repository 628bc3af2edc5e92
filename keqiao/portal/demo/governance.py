"""Demo governance data: the bureau's own organisation stands for 市科技局, and a current three-year plan
(fictional, marked 演示) shows the live dashboard on the demo's registered contracts and organisations."""

import json
from pathlib import Path

from django.db import transaction

from keqiao.accounts.models import User
from keqiao.common.models import Region
from keqiao.governance import services
from keqiao.governance.models import ActionPlan, Department, Indicator, Task

DEMO_TITLE = "眉山市促进科技成果转移转化三年行动计划（2024—2026年）（演示）"
# The plan's task table: the 2017–2020 plan's tasks with this plan's own years and targets.
TASKS = Path(__file__).resolve().parent / "plan_2024_2026.json"


def demo_tasks() -> list[dict]:
    return json.loads(TASKS.read_text(encoding="utf-8"))["tasks"]


def _refresh_texts(plan: ActionPlan) -> int:
    """Bring the task texts of a demo plan loaded by an older version up to date (e.g. "到2020年")."""
    changed = 0
    for row in demo_tasks():
        changed += (
            Task.objects.filter(plan=plan, number=row["number"])
            .exclude(content=row["content"], schedule=row["schedule"], title=row["title"])
            .update(content=row["content"], schedule=row["schedule"], title=row["title"])
        )
    return changed


# The demo plan's indicators that the registries compute (a plan loaded by an older version reported them).
REGISTRY_BOUND = {
    "全市高新技术企业": "high_tech_enterprises",
    "培育产学研合作示范企业": "demonstration_enterprises",
}


def _bind_registries(plan: ActionPlan) -> int:
    bound = 0
    for name, query in REGISTRY_BOUND.items():
        bound += plan.indicators.filter(name=name, source=Indicator.Source.REPORTED).update(
            source=Indicator.Source.QUERY, query=query, department=None
        )
    return bound


@transaction.atomic
def load_governance() -> dict:
    existing = ActionPlan.objects.filter(title=DEMO_TITLE).first()
    if existing is not None:
        changed = _refresh_texts(existing)
        bound = _bind_registries(existing)
        return {
            **({"plan_tasks_updated": changed} if changed else {}),
            **({"indicators_bound": bound} if bound else {}),
        }
    bureau = User.objects.filter(username="bureau").first()
    if bureau is None:
        return {}
    org = bureau.memberships.select_related("organization").first().organization
    Department.objects.filter(name="市科技局").update(organization=org)
    tasks = demo_tasks()
    plan = services.plan_create(
        by=bureau,
        data={
            "title": DEMO_TITLE,
            "document_number": "眉府办发〔2024〕（演示）",
            "issuing_body": "眉山市人民政府办公室",
            "starts_on": "2024-01-01",
            "ends_on": "2026-12-31",
            "indicators": [
                {
                    "number": 1,
                    "name": "全市年技术交易额",
                    "target": "10000",
                    "unit": "万元",
                    "deadline": "2026-12-31",
                    "source": "query",
                    "query": "transaction_amount",
                    "cumulative": False,
                },
                {
                    "number": 2,
                    "name": "实施科技成果转化项目",
                    "target": "120",
                    "unit": "项",
                    "deadline": "2026-12-31",
                    "source": "query",
                    "query": "transformation_projects",
                    "cumulative": True,
                },
                {
                    "number": 3,
                    "name": "科技成果转移转化服务机构",
                    "target": "3",
                    "unit": "家",
                    "deadline": "2026-12-31",
                    "source": "query",
                    "query": "service_agencies",
                    "cumulative": True,
                },
                {
                    "number": 4,
                    "name": "新型研发机构、众创空间等创新创业载体",
                    "target": "15",
                    "unit": "家",
                    "deadline": "2026-12-31",
                    "source": "query",
                    "query": "carriers",
                    "cumulative": True,
                },
                {
                    "number": 5,
                    "name": "全市高新技术企业",
                    "target": "150",
                    "unit": "家",
                    "deadline": "2026-12-31",
                    "source": "query",
                    "query": "high_tech_enterprises",
                    "cumulative": True,
                },
                {
                    "number": 6,
                    "name": "培育产学研合作示范企业",
                    "target": "60",
                    "unit": "家",
                    "deadline": "2026-12-31",
                    "source": "query",
                    "query": "demonstration_enterprises",
                    "cumulative": True,
                },
                {
                    "number": 7,
                    "name": "工程技术研究中心",
                    "target": "50",
                    "unit": "家",
                    "deadline": "2026-12-31",
                    "source": "query",
                    "query": "engineering_research_centres",
                    "cumulative": True,
                },
                {
                    "number": 8,
                    "name": "企业技术中心",
                    "target": "30",
                    "unit": "家",
                    "deadline": "2026-12-31",
                    "source": "query",
                    "query": "enterprise_technology_centres",
                    "cumulative": True,
                },
                {
                    "number": 9,
                    "name": "培养技术经纪人",
                    "target": "100",
                    "unit": "人",
                    "deadline": "2026-12-31",
                    "source": "reported",
                    "department": "市科技局",
                    "cumulative": True,
                },
            ],
            "tasks": tasks,
        },
    )
    regions = {r.code: r for r in Region.objects.all()}
    brokers = plan.indicators.get(number=9)
    for year, value, evidence in (
        (2024, "38", "2024年度技术经纪人培训结业名单（市科技局）"),
        (2025, "71", "2025年度技术经纪人培训结业名单（市科技局），含初级、中级"),
    ):
        services.indicator_report(indicator=brokers, by=bureau, year=year, value=value, evidence=evidence)
    for code, value in (
        ("511402", "21"),
        ("511403", "9"),
        ("511421", "12"),
        ("511423", "3"),
        ("511424", "2"),
        ("511425", "4"),
    ):
        services.indicator_report(
            indicator=brokers,
            by=bureau,
            year=2025,
            value=value,
            evidence="各县（区）科技局报送的技术经纪人登记名单（2025年）",
            region=regions[code],
        )
    return {"plans": 1, "reported_values": 8}
