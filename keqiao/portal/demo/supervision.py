"""Demo supervision of the shipped Meishan 2017–2020 plan: two department organisations with their users,
the plan's departments linked to the platform organisations, and progress reports for the previous
quarter on several tasks. Some reports are left missing on purpose, so the bureau's matrix shows overdue
cells. Reports and the consolidation go through the services. Run it after the achievements' demo loader
(it needs the demo bureau). Running it again changes nothing.
"""

import random

from django.db import transaction
from django.utils import timezone

from keqiao.accounts.models import Membership, Organization, User
from keqiao.accounts.services import membership_add
from keqiao.common.models import Region
from keqiao.governance.models import ActionPlan, Department
from keqiao.portal.demo.achievements import DEMO_PASSWORD, make_credit_code
from keqiao.supervision import services
from keqiao.supervision.models import Consolidation, ProgressReport, is_overdue
from keqiao.supervision.selectors import default_period

BUREAU_ORG = "眉山市科学技术局（演示）"
PLAN_DOCUMENT = "眉府办发〔2017〕36号"

# username, full name, organisation, the plan's department it stands for, description
DEPARTMENTS = [
    (
        "jingxin",
        "孙科长",
        "眉山市经济和信息化委（演示）",
        "市经济和信息化委",
        "负责工业和信息化发展，推动企业技术改造与科技成果在企业的转化应用。",
    ),
    (
        "caizheng",
        "何科长",
        "眉山市财政局（演示）",
        "市财政局",
        "负责财政资金保障，统筹科技成果转移转化专项资金和金融服务体系建设。",
    ),
]

# (task number, department, self-assessed status, progress, figures); tasks or departments not listed
# have not reported, e.g. 经信委 on tasks 3, 5, 7, 9 and 10.
REPORTS = [
    (
        1,
        "市科技局",
        "on_track",
        "科桥平台本季度新增登记科技成果，完成成果登记审核流程优化，平台与省级技术市场实现数据对接。",
        [("新增登记成果", "46", "项"), ("平台注册单位", "128", "家")],
    ),
    (
        1,
        "市经济和信息化委",
        "on_track",
        "组织重点工业企业在平台发布技术需求，召开企业技术需求对接会一场。",
        [("发布技术需求", "23", "项"), ("对接会", "1", "场")],
    ),
    (
        1,
        "市财政局",
        "at_risk",
        "平台运维经费已纳入年度预算，下半年资金尚待拨付，存在延后风险。",
        [("已拨付运维经费", "35", "万元")],
    ),
    (
        2,
        "市科技局",
        "on_track",
        "汇集高校院所科技成果信息，按季度编制成果汇编并向园区推送。",
        [("汇集成果信息", "212", "条")],
    ),
    (
        2,
        "市经济和信息化委",
        "behind",
        "工业企业技术成果信息采集进度滞后，仅完成计划的四成，下季度将集中开展入企调研。",
        [("完成采集", "40", "%")],
    ),
    (
        4,
        "市经济和信息化委",
        "on_track",
        "开展科技型中小企业评价入库辅导，新培育一批创新型企业。",
        [("新增入库企业", "17", "家")],
    ),
    (
        4,
        "市财政局",
        "completed",
        "科技型企业研发费用后补助资金已全部兑现。",
        [("兑现后补助", "620.5", "万元"), ("惠及企业", "31", "家")],
    ),
    (
        8,
        "市财政局",
        "at_risk",
        "科技成果转化引导基金设立方案已报市政府审议；科技贷款风险补偿资金池规模有待扩大。",
        [("风险补偿资金池", "2000", "万元")],
    ),
    (
        8,
        "市经济和信息化委",
        "on_track",
        "组织银企对接会两场，推动三家科技型企业获得知识产权质押贷款。",
        [("知识产权质押贷款", "830", "万元"), ("银企对接会", "2", "场")],
    ),
]


def _department_org(username, full_name, name, description, region, rng) -> tuple[Organization, bool]:
    org = Organization.objects.filter(name=name).first()
    if org is not None:
        return org, False
    user = User.objects.filter(username=username).first() or User.objects.create_user(
        username=username,
        password=DEMO_PASSWORD,
        full_name=full_name,
        email=f"{username}@demo.keqiao.example",
    )
    org = Organization.objects.create(
        name=name,
        kind=Organization.Kind.DEPARTMENT,
        credit_code=make_credit_code(rng, "511400"),
        region=region,
        description=description,
        contact_name=full_name,
        contact_email=user.email,
        status=Organization.Status.VERIFIED,
        verified_at=timezone.now(),
    )
    membership_add(organization=org, user=user, role=Membership.Role.ADMIN)
    return org, True


def _member(org: Organization) -> User | None:
    return User.objects.filter(memberships__organization=org, is_active=True).order_by("pk").first()


@transaction.atomic
def load_supervision() -> dict:
    """Create the demo departments and the previous quarter's reports; returns what was created."""
    counts = {
        "supervision_organisations": 0,
        "supervision_linked_departments": 0,
        "supervision_reports": 0,
        "supervision_consolidations": 0,
    }
    plan = ActionPlan.objects.filter(document_number=PLAN_DOCUMENT).first()
    if plan is None:
        return counts
    rng = random.Random(2017036)
    region = Region.objects.get(code="511400")
    orgs: dict[str, Organization] = {}
    for username, full_name, name, department, description in DEPARTMENTS:
        org, created = _department_org(username, full_name, name, description, region, rng)
        counts["supervision_organisations"] += created
        orgs[department] = org
    bureau = Organization.objects.filter(name=BUREAU_ORG).first()
    if bureau is not None:
        orgs["市科技局"] = bureau
    for department, org in orgs.items():
        counts["supervision_linked_departments"] += (
            Department.objects.filter(name=department).exclude(organization=org).update(organization=org)
        )

    period = default_period()
    departments = {d.name: d for d in Department.objects.filter(name__in=orgs)}
    tasks = {t.number: t for t in plan.tasks.all()}
    for number, department, status, text, figures in REPORTS:
        dept = departments.get(department)
        if dept is None or number not in tasks:
            continue
        if ProgressReport.objects.filter(task=tasks[number], department=dept, period=period).exists():
            continue
        if Consolidation.objects.filter(task=tasks[number], period=period).exists():
            continue
        user = _member(orgs[department])
        if user is None:
            continue
        services.report_save(
            task=tasks[number],
            by=user,
            period=period,
            department=dept,
            text=text,
            status=status,
            figures=figures,
        )
        counts["supervision_reports"] += 1

    # 市财政局 leads task 8; once the quarter's reports are overdue it consolidates, recording the
    # co-departments that did not report.
    task = tasks.get(8)
    lead = _member(orgs["市财政局"])
    if (
        task is not None
        and lead is not None
        and is_overdue(period, timezone.localdate())
        and not Consolidation.objects.filter(task=task, period=period).exists()
    ):
        services.consolidate(
            task=task,
            by=lead,
            period=period,
            summary=(
                "本季度技术转移转化金融服务体系建设总体存在风险：引导基金设立方案已报审，风险补偿资金池规模"
                "有待扩大；市经济和信息化委已报送银企对接进展，其余配合部门逾期未报，已督促补报。"
            ),
            status="at_risk",
            mark_missing=True,
        )
        counts["supervision_consolidations"] += 1
    return counts
