"""Demo supervision of the demo's current plan (2024–2026): two department organisations with their users,
the plan's departments linked to the platform organisations (市科技局 to the bureau, 市教体局 to the
education department of the annual reports), and a realistic quarter: for the last period due, most
reports filed on time, a few filed after the due date, some missing (各县(区)政府 is not on the platform)
and one task consolidated by its lead; the quarter before is reported and consolidated throughout; the
current quarter, not yet due, has its first reports. Reports and consolidations go through the
services, then get plausible dates. Run it after the governance and annual-report loaders. Running it
again changes nothing.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from keqiao.accounts.models import Membership, Organization, User
from keqiao.accounts.services import membership_add
from keqiao.common import audit
from keqiao.common.models import Region
from keqiao.governance.models import ActionPlan, Department
from keqiao.portal.demo.achievements import DEMO_PASSWORD, make_credit_code
from keqiao.portal.demo.annualreports import DEPARTMENT_NAME as EDUCATION_ORG
from keqiao.portal.demo.governance import DEMO_TITLE
from keqiao.supervision import services
from keqiao.supervision.models import (
    Consolidation,
    ProgressReport,
    is_overdue,
    period_due,
    period_end,
    shift_period,
)
from keqiao.supervision.selectors import default_period

BUREAU_ORG = "眉山市科学技术局（演示）"

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


C, J, E, F = "市科技局", "市经济和信息化委", "市教体局", "市财政局"

# The last period due: (task number, department, self-assessed status, progress, figures, filed late).
# Not listed, so overdue: 各县(区)政府 everywhere (not on the platform), 市教体局 on task 7, 经信委 on 9.
REPORTS = [
    (
        1,
        C,
        "on_track",
        "科桥平台本季度新增登记科技成果，优化成果登记审核流程，与省级技术市场实现数据对接。",
        [("新增登记成果", "46", "项"), ("平台注册单位", "128", "家")],
        False,
    ),
    (
        1,
        J,
        "on_track",
        "组织重点工业企业在平台发布技术需求，召开企业技术需求对接会一场。",
        [("发布技术需求", "23", "项"), ("对接会", "1", "场")],
        False,
    ),
    (
        1,
        E,
        "on_track",
        "组织驻眉高校梳理可转化成果清单，推动两所高校在平台集中登记成果。",
        [("高校登记成果", "31", "项")],
        False,
    ),
    (
        1,
        F,
        "at_risk",
        "平台运维经费已纳入年度预算，第四季度资金尚待拨付，存在延后风险。",
        [("已拨付运维经费", "35", "万元")],
        False,
    ),
    (
        2,
        C,
        "on_track",
        "汇集高校院所科技成果信息，按季度编制成果汇编并向园区推送。",
        [("汇集成果信息", "212", "条")],
        False,
    ),
    (
        2,
        J,
        "behind",
        "工业企业技术成果信息采集进度滞后，仅完成计划的四成，下季度将集中开展入企调研。",
        [("完成采集", "40", "%")],
        True,
    ),
    (
        2,
        E,
        "on_track",
        "高校科技成果信息按月报送，完成本季度成果信息核对。",
        [("核对成果信息", "87", "条")],
        False,
    ),
    (
        3,
        C,
        "on_track",
        "新立项产学研合作项目5项，组织成果转化项目中期检查。",
        [("新立项产学研项目", "5", "项"), ("累计实施转化项目", "78", "项")],
        False,
    ),
    (3, J, "on_track", "推荐3家企业申报省级产学研合作示范企业。", [("推荐示范企业", "3", "家")], False),
    (
        3,
        E,
        "at_risk",
        "高校与企业共建研发机构2家，另有1家因场地问题推迟挂牌。",
        [("共建研发机构", "2", "家")],
        False,
    ),
    (
        4,
        C,
        "on_track",
        "开展高新技术企业申报辅导3场，入库培育企业42家。",
        [("申报辅导", "3", "场"), ("入库培育企业", "42", "家")],
        False,
    ),
    (
        4,
        J,
        "on_track",
        "开展科技型中小企业评价入库辅导，新培育一批创新型企业。",
        [("新增入库企业", "17", "家")],
        False,
    ),
    (
        4,
        F,
        "completed",
        "科技型企业研发费用后补助资金已全部兑现。",
        [("兑现后补助", "620.5", "万元"), ("惠及企业", "31", "家")],
        True,
    ),
    (
        5,
        C,
        "on_track",
        "开展知识产权试点示范企业评审，受理专利导航项目申请。",
        [("试点示范企业", "6", "家")],
        False,
    ),
    (5, J, "on_track", "组织企业知识产权管理规范贯标培训一次。", [("参训企业", "24", "家")], False),
    (5, F, "on_track", "知识产权资助资金按季度拨付到位。", [("拨付资助资金", "48", "万元")], False),
    (
        6,
        C,
        "on_track",
        "新认定市级技术转移服务机构1家，组织技术经纪人培训。",
        [("新认定服务机构", "1", "家"), ("培训技术经纪人", "36", "人")],
        False,
    ),
    (6, E, "on_track", "指导高校技术转移中心完善专职人员配备。", [("专职人员", "9", "人")], False),
    (6, F, "on_track", "服务机构绩效奖补资金已完成审核。", [("奖补资金", "30", "万元")], False),
    (
        7,
        C,
        "on_track",
        "大型科研仪器共享平台新增入网仪器，本季度服务企业120余次。",
        [("新增入网仪器", "18", "台（套）"), ("服务企业", "120", "次")],
        False,
    ),
    (7, J, "on_track", "推动两家龙头企业检测中心向中小企业开放。", [("开放检测中心", "2", "家")], False),
    (
        8,
        F,
        "at_risk",
        "科技成果转化引导基金设立方案已报市政府审议；科技贷款风险补偿资金池规模有待扩大。",
        [("风险补偿资金池", "2000", "万元")],
        False,
    ),
    (
        8,
        J,
        "on_track",
        "组织银企对接会两场，推动三家科技型企业获得知识产权质押贷款。",
        [("知识产权质押贷款", "830", "万元"), ("银企对接会", "2", "场")],
        False,
    ),
    (8, C, "on_track", "向合作银行推荐科技型企业融资需求14项。", [("推荐融资需求", "14", "项")], False),
    (
        9,
        C,
        "on_track",
        "新认定市级众创空间2家，组织创新创业载体年度绩效评价。",
        [("新认定众创空间", "2", "家")],
        False,
    ),
    (9, E, "behind", "大学科技园建设方案仍在论证，进度滞后于年度计划。", [], True),
]

# The lead departments that consolidated the last period due: 市科技局 on task 5 (all reported), 市财政局
# on task 8 (各县(区)政府 recorded as not reported).
CONSOLIDATIONS = [
    (5, C, "on_track", "本季度知识产权运用与保护工作总体按计划推进，三个责任部门均已按期报送。"),
    (
        8,
        F,
        "at_risk",
        "本季度技术转移转化金融服务体系建设总体存在风险：引导基金设立方案已报审，风险补偿资金池规模"
        "有待扩大；市经济和信息化委、市科技局已报送进展，各县(区)政府逾期未报，已督促补报。",
    ),
]

# The current period, not yet due: the first reports are in.
EARLY_REPORTS = [
    (1, C, "on_track", "本季度平台上线成果评价功能，新增登记成果持续增长。", [("新增登记成果", "21", "项")]),
    (
        8,
        F,
        "on_track",
        "第四季度平台运维经费已拨付，风险补偿资金池完成增资。",
        [("风险补偿资金池", "2500", "万元")],
    ),
]

PREVIOUS_TEXT = {
    C: "本季度牵头推进该项任务，召开季度调度会，各项工作按年度计划推进。",
    J: "配合推进该项任务，组织企业参与对接活动，相关工作按计划完成。",
    E: "组织驻眉高校落实该项任务，相关工作按计划推进。",
    F: "按年度预算保障该项任务经费，资金拨付按计划进行。",
}


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """A working-hours moment on `day` (never in the future)."""
    at = datetime.datetime.combine(
        day, datetime.time(rng.randint(9, 17), rng.randint(0, 59)), tzinfo=timezone.get_current_timezone()
    )
    return min(at, timezone.now() - datetime.timedelta(minutes=rng.randint(30, 300)))


def _file(task, dept, user, period, status, text, figures, at=None) -> ProgressReport | None:
    """File a report; with `at`, as filed at that moment (its audit row is recorded then, never
    changed afterwards)."""
    if ProgressReport.objects.filter(task=task, department=dept, period=period).exists():
        return None
    if Consolidation.objects.filter(task=task, period=period).exists():
        return None
    if at is None:
        return services.report_save(
            task=task, by=user, period=period, department=dept, text=text, status=status, figures=figures
        )
    with audit.recorded_at(at):
        report = services.report_save(
            task=task, by=user, period=period, department=dept, text=text, status=status, figures=figures
        )
    ProgressReport.objects.filter(pk=report.pk).update(filed_at=at, updated_at=at)
    return report


def _consolidate(task, user, period, status, summary, at) -> bool:
    if Consolidation.objects.filter(task=task, period=period).exists():
        return False
    with audit.recorded_at(at):  # audit rows are never changed afterwards: they are recorded at `at`
        services.consolidate(
            task=task, by=user, period=period, summary=summary, status=status, mark_missing=True
        )
    Consolidation.objects.filter(task=task, period=period).update(consolidated_at=at)
    return True


@transaction.atomic
def load_supervision() -> dict:
    """Create the demo departments and three quarters of reports; returns what was created."""
    counts = {
        "supervision_organisations": 0,
        "supervision_linked_departments": 0,
        "supervision_reports": 0,
        "supervision_consolidations": 0,
    }
    plan = ActionPlan.objects.filter(title=DEMO_TITLE).first()
    if plan is None:
        return counts
    rng = random.Random(2024036)
    region = Region.objects.get(code="511400")
    orgs: dict[str, Organization] = {}
    for username, full_name, name, department, description in DEPARTMENTS:
        org, created = _department_org(username, full_name, name, description, region, rng)
        counts["supervision_organisations"] += created
        orgs[department] = org
    for department, name in ((C, BUREAU_ORG), (E, EDUCATION_ORG)):
        org = Organization.objects.filter(name=name).first()
        if org is not None:
            orgs[department] = org
    for department, org in orgs.items():
        counts["supervision_linked_departments"] += (
            Department.objects.filter(name=department).exclude(organization=org).update(organization=org)
        )
    users = {name: _member(org) for name, org in orgs.items()}
    departments = {d.name: d for d in Department.objects.filter(name__in=orgs)}
    tasks = {t.number: t for t in plan.tasks.prefetch_related("assignments__department")}
    today = timezone.localdate()
    period = default_period(today)
    previous, current = shift_period(period, -1), shift_period(period, 1)

    # the quarter before: every platform department reported on time, every lead consolidated
    for _number, task in sorted(tasks.items()):
        assignments = sorted(task.assignments.all(), key=lambda a: a.position)
        for a in assignments:
            name = a.department.name
            if name not in departments or users.get(name) is None:
                continue
            at = _at(period_end(previous) + datetime.timedelta(days=rng.randint(1, 9)), rng)
            report = _file(
                task, departments[name], users[name], previous, "on_track", PREVIOUS_TEXT[name], [], at
            )
            if report is not None:
                counts["supervision_reports"] += 1
        lead = assignments[0].department.name if assignments else ""
        if users.get(lead) is not None:
            counts["supervision_consolidations"] += _consolidate(
                task,
                users[lead],
                previous,
                "on_track",
                "本季度该项任务总体按计划推进；各县(区)政府未在平台报送，已电话督促。",
                _at(period_due(previous) + datetime.timedelta(days=2), rng),
            )

    # the last period due: a mix of reports on time, late and missing
    for number, name, status, text, figures, late in REPORTS:
        if number not in tasks or name not in departments or users.get(name) is None:
            continue
        if late:
            day = period_due(period) + datetime.timedelta(days=rng.randint(3, 12))
        else:
            day = period_end(period) + datetime.timedelta(days=rng.randint(1, 9))
        report = _file(
            tasks[number], departments[name], users[name], period, status, text, figures, _at(day, rng)
        )
        if report is None:
            continue
        counts["supervision_reports"] += 1
    if is_overdue(period, today):
        for number, name, status, summary in CONSOLIDATIONS:
            if number in tasks and users.get(name) is not None:
                at = _at(period_due(period) + datetime.timedelta(days=rng.randint(1, 4)), rng)
                counts["supervision_consolidations"] += _consolidate(
                    tasks[number], users[name], period, status, summary, at
                )

    # the current period: the first reports
    for number, name, status, text, figures in EARLY_REPORTS:
        if number in tasks and name in departments and users.get(name) is not None:
            report = _file(tasks[number], departments[name], users[name], current, status, text, figures)
            counts["supervision_reports"] += report is not None
    return counts
