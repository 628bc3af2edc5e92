"""Demo annual reports and funded projects, on top of the demo organisations of the achievements loader.

Idempotent: does nothing when the demo supervising department exists (or when the demo organisations
are missing). Written through the services, so events and notifications are as in real use.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from keqiao.accounts.models import Membership, Organization, User
from keqiao.accounts.services import membership_add
from keqiao.achievements.models import Achievement
from keqiao.annualreports import services
from keqiao.annualreports.models import AnnualReport, PlanProject
from keqiao.common import audit
from keqiao.common.models import Region
from keqiao.portal.demo.achievements import make_credit_code

DEMO_PASSWORD = "keqiao-demo-2026"  # noqa: S105 - published demo credential, demo data only  # nosec B105  # a published demo or test value, not a secret
DEPARTMENT_NAME = "眉山市教育和体育局（演示）"


def _org_of(username: str) -> Organization | None:
    return Organization.objects.filter(memberships__user__username=username).order_by("pk").first()


def _credit_code(region_code: str) -> str:
    rng = random.Random(20260331)
    while True:
        code = make_credit_code(rng, region_code)
        if not Organization.objects.filter(credit_code=code).exists():
            return code


def _backdate(report: AnnualReport, when: dict[str, datetime.datetime]) -> None:
    """Give the demo's report plausible dates within the filing window (its events were recorded at those
    dates: audit rows are never changed afterwards)."""
    AnnualReport.objects.filter(pk=report.pk).update(**{f"{k}_at": v for k, v in when.items()})


def _at(date: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(date, datetime.time(hour), tzinfo=timezone.get_current_timezone())


@transaction.atomic
def load_annual_reports() -> dict:
    if Organization.objects.filter(name=DEPARTMENT_NAME).exists():
        return {"skipped": True}
    bureau_org, univ, agri, materials, bamboo = (
        _org_of(u) for u in ("bureau", "univ", "agri", "materials", "bamboo")
    )
    users = {u.username: u for u in User.objects.filter(username__in=["bureau", "univ", "agri", "materials"])}
    if None in (bureau_org, univ, agri, materials) or len(users) < 4:
        return {"skipped": True}

    # the supervising department of the university; the bureau supervises the institutes
    education = User.objects.filter(username="education").first() or User.objects.create_user(
        username="education",
        password=DEMO_PASSWORD,
        full_name="何科长",
        email="education@demo.keqiao.example",
    )
    department = Organization.objects.create(
        name=DEPARTMENT_NAME,
        kind=Organization.Kind.DEPARTMENT,
        credit_code=_credit_code("511400"),
        region=Region.objects.get(code="511400"),
        description="市级教育主管部门，负责审核所属高等院校的科技成果转化年度报告。",
        contact_name="何科长",
        contact_email=education.email,
        status=Organization.Status.VERIFIED,
        verified_at=timezone.now(),
    )
    membership_add(organization=department, user=education, role=Membership.Role.ADMIN)
    univ.supervisor = department
    univ.save(update_fields=["supervisor"])
    institutes = [o for o in (agri, materials, bamboo) if o is not None]
    Organization.objects.filter(pk__in=[o.pk for o in institutes]).update(supervisor=bureau_org)

    this_year = timezone.localdate().year
    last = services.reporting_year_create(
        year=this_year - 1,
        opens_on=datetime.date(this_year, 1, 1),
        deadline=datetime.date(this_year, 3, 31),
        note="请各高校、科研院所于3月31日前报送上一年度科技成果转化年度报告。",
    )
    services.reporting_year_create(year=this_year)
    counts = {"reporting_years": 2, "reports": 0, "plan_projects": 0}

    # the university: filed, approved by its department and received by the bureau
    with audit.recorded_at(_at(datetime.date(this_year, 2, 26), 9)):
        report = services.report_create(by=users["univ"], organization=univ, year=last.year)
    known = report.prefilled
    corrected_count = int(known.get("consulting_count", 0)) + 1
    with audit.recorded_at(_at(datetime.date(this_year, 3, 3), 15)):
        services.report_update(
            report=report,
            by=users["univ"],
            figures={
                "consulting_count": corrected_count,
                "equity_count": 1,
                "equity_amount": "3000000.00",
                "income_total": "8650000.00",
                "rewards_rd_amount": "5190000.00",
                "rewards_leaders_amount": "120000.00",
                "people_rewarded": 46,
                "transfer_bodies": 1,
                "fulltime_staff": 6,
                "brokers": 4,
            },
            explanations={"consulting_count": "另有1项技术咨询合同在成都市技术市场登记，未在本平台登记。"},
            policy_text=(
                "学校修订了《科技成果转化管理办法》，明确科技成果转化净收入的70%奖励完成人及团队；"
                "设立技术转移中心，配备专职人员6名；对作价投资形成的股权实行单列管理。"
            ),
        )
    with audit.recorded_at(_at(datetime.date(this_year, 3, 3), 16)):
        services.report_project_add(
            report=report,
            by=users["univ"],
            data={
                "name": "竹基复合材料制备技术作价投资",
                "project_type": "equity",
                "counterpart": "眉山竹语新材料有限公司",
                "amount": "3000000.00",
                "date": datetime.date(last.year, 9, 18),
            },
        )
    with audit.recorded_at(_at(datetime.date(this_year, 3, 5), hour=11)):
        report = services.report_submit(report=report, by=users["univ"])
    with audit.recorded_at(_at(datetime.date(this_year, 3, 9), hour=14)):
        report = services.report_return(
            report=report, by=education, comment="请补充作价投资项目的评估报告文号，并核对奖励人数。"
        )
    when = {
        "submitted": _at(datetime.date(this_year, 3, 12)),
        "approved": _at(datetime.date(this_year, 3, 20)),
        "received": _at(datetime.date(this_year, 3, 25)),
    }
    with audit.recorded_at(when["submitted"]):
        report = services.report_submit(report=report, by=users["univ"])
    with audit.recorded_at(when["approved"]):
        report = services.report_approve(report=report, by=education, note="同意报送。")
    with audit.recorded_at(when["received"]):
        report = services.report_receive(report=report, by=users["bureau"])
    _backdate(report, {**when, "created": _at(datetime.date(this_year, 2, 26), 9)})
    counts["reports"] += 1

    # the agricultural institute: submitted, awaiting the bureau (its supervising body)
    with audit.recorded_at(_at(datetime.date(this_year, 3, 16))):
        report = services.report_create(by=users["agri"], organization=agri, year=last.year)
    with audit.recorded_at(_at(datetime.date(this_year, 3, 24), 16)):
        services.report_update(
            report=report,
            by=users["agri"],
            figures={
                "income_total": "1260000.00",
                "rewards_rd_amount": "630000.00",
                "people_rewarded": 12,
                "brokers": 2,
            },
            policy_text="本院落实科技人员兼职兼薪和离岗创业政策，成果转化收益的50%奖励研发团队。",
        )
    with audit.recorded_at(_at(datetime.date(this_year, 3, 28))):
        report = services.report_submit(report=report, by=users["agri"])
    _backdate(
        report,
        {"created": _at(datetime.date(this_year, 3, 16)), "submitted": _at(datetime.date(this_year, 3, 28))},
    )
    counts["reports"] += 1

    # the materials institute: still a draft, past the deadline (late)
    services.report_create(by=users["materials"], organization=materials, year=last.year)
    counts["reports"] += 1

    # funded plan projects: one in order, one whose technology report is overdue, one whose achievement
    # registration is overdue, one completed with its obligations met
    today = timezone.localdate()
    projects = [
        (agri, "MSKJ-2024-001", "川西南优质晚熟柑橘品种选育与配套栽培技术", "800000.00", 730, 60, 90, True),
        (materials, "MSKJ-2023-014", "锂电池正极材料前驱体连续化制备技术", "1200000.00", 900, 200, 30, False),
        (univ, "MSKJ-2023-021", "中小企业数字化转型评价模型与应用", "300000.00", 1000, 300, 200, True),
        (bamboo or agri, "MSKJ-2025-007", "竹材高值化利用关键技术研究", "500000.00", 300, -400, -430, False),
    ]
    for org, number, title, funding, started_ago, ended_ago, due_ago, submitted in projects:
        ends_on = today - datetime.timedelta(days=ended_ago)
        project = services.plan_project_create(
            by=None,
            data={
                "organization": org,
                "number": number,
                "title": title,
                "funding": funding,
                "starts_on": today - datetime.timedelta(days=started_ago),
                "ends_on": ends_on,
                "report_due_on": today - datetime.timedelta(days=due_ago),
                "status": "concluded" if ended_ago > 0 else "ongoing",
            },
        )
        if submitted:
            PlanProject.objects.filter(pk=project.pk).update(
                report_submitted_on=today - datetime.timedelta(days=due_ago + 10)
            )
            linked = Achievement.objects.filter(organization=org, status__in=["approved", "published"])[:2]
            project.achievements.set(list(linked))
        counts["plan_projects"] += 1
    counts["funding"] = str(sum((Decimal(p[3]) for p in projects), Decimal("0")))
    return counts
