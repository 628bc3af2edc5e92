"""Demo events (活动): a lithium-battery matchmaking fair held last week at the 天府新区眉山片区 with its
participants, scheduled one-to-one meetings, check-ins and outcomes (one of which opened a negotiation);
an upcoming bamboo-industry fair taking registrations and meeting requests; a pickle-industry roadshow and
a training for technology brokers.

Everything goes through the events services; the past fair is published ahead and its dates are then moved
back a week, as if it had taken place.
"""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from keqiao.accounts.models import Organization, User
from keqiao.common.errors import DomainError
from keqiao.common.models import Region
from keqiao.events import services
from keqiao.events.models import Event, Participant

_USERNAMES = [
    "bureau",
    "renshou",
    "univ",
    "materials",
    "maker",
    "pharma",
    "paocai",
    "agri",
    "bamboo",
    "zhubian",
    "agency",
]


def _org(user: User) -> Organization:
    return user.memberships.select_related("organization").first().organization


def _day(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    base = timezone.localtime(timezone.now()) + datetime.timedelta(days=days)
    return base.replace(hour=hour, minute=minute, second=0, microsecond=0)


@transaction.atomic
def load_events() -> dict:
    if Event.objects.exists():
        return {}
    u = {x.username: x for x in User.objects.filter(username__in=_USERNAMES)}
    if len(u) < len(_USERNAMES):
        return {}
    orgs = {name: _org(user) for name, user in u.items()}
    regions = {r.code: r for r in Region.objects.all()}
    counts = {"events": 0, "participants": 0, "meetings": 0}

    def publish(by: str, **data) -> Event:
        counts["events"] += 1
        return services.event_create(by=u[by], organization=orgs[by], data=data)

    def register(event, name, offer="", seek="", accepts=True):
        counts["participants"] += 1
        return services.participant_register(
            event=event, by=u[name], organization=orgs[name], offer=offer, seek=seek, accepts_meetings=accepts
        )

    def meet(event, a, b, *, accept=True, priority=1, message=""):
        counts["meetings"] += 1
        m = services.meeting_request(requester=a, invitee=b, by=a.user, priority=priority, message=message)
        if accept is not None:
            services.meeting_answer(meeting=m, by=b.user, accept=accept)
        return m

    # 1. The lithium-battery fair, held last week (published ahead, dates then moved back).
    start = _day(3, 9)
    fair = publish(
        "bureau",
        kind="fair",
        title="锂电产业技术成果对接会",
        summary=(
            "围绕眉山锂电及新能源材料产业链，组织高校院所与链上企业一对一洽谈：正负极材料、电解液、"
            "电池回收与智能制造装备。每场洽谈 20 分钟，由平台按双方意向和空闲时段自动排桌。"
        ),
        agenda="09:00 签到\n09:30 锂电产业政策与成果发布\n10:00–12:00 一对一对接洽谈（6 轮）\n14:00 参观天府新区眉山片区锂电企业",
        audience="锂电及新能源材料企业、高校院所、技术转移机构",
        focus="锂电/新能源材料、智能制造装备",
        region=regions["511421P01"],
        place="天府新区眉山片区科创中心三楼洽谈大厅",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=8),
        registration_opens=timezone.now() - datetime.timedelta(days=20),
        registration_closes=start - datetime.timedelta(hours=12),
        capacity=120,
        slots=6,
        tables=8,
        slot_minutes=20,
        meetings_start=start + datetime.timedelta(hours=1),
    )
    p = {
        "univ": register(fair, "univ", "高镍正极材料、固态电解质中试成果", "寻找电池企业共建中试线"),
        "materials": register(
            fair, "materials", "磷酸铁锂前驱体、废旧电池湿法回收工艺", "寻找回收渠道和设备合作方"
        ),
        "maker": register(fair, "maker", "电池模组自动化装配线、视觉检测", "寻找电池材料企业的产线改造需求"),
        "agency": register(fair, "agency", "技术经纪、成果评价与融资对接服务"),
        "pharma": register(fair, "pharma", "", "了解储能电源在中药材烘干中的应用", accepts=False),
        "renshou": register(fair, "renshou", "代辖区企业征集锂电技术需求"),
    }
    m1 = meet(fair, p["maker"], p["univ"], priority=3, message="希望了解高镍正极中试线的装备需求")
    m2 = meet(fair, p["materials"], p["maker"], priority=2, message="回收产线自动化改造")
    m3 = meet(fair, p["agency"], p["materials"], priority=1, message="成果评价与融资对接")
    meet(fair, p["renshou"], p["univ"], priority=2, message="仁寿县企业的固态电池需求")
    meet(fair, p["agency"], p["univ"], accept=False)
    services.schedule_run(event=fair, by=u["bureau"], time_limit=5)
    for name in ("univ", "materials", "maker", "agency", "renshou"):
        services.checkin(event=fair, by=u["bureau"], code=p[name].code)
    m1.refresh_from_db()
    m2.refresh_from_db()
    m3.refresh_from_db()
    services.meeting_outcome(
        meeting=m1, by=u["maker"], outcome="follow_up", note="双方约定两周内提交中试线装备方案"
    )
    try:
        services.meeting_outcome(
            meeting=m2,
            by=u["materials"],
            outcome="negotiation",
            note="回收产线自动化改造，下月到丹棱现场考察",
            mode="joint_development",
        )
    except DomainError:  # a partial demo (--limit) may leave the maker without a published listing
        services.meeting_outcome(
            meeting=m2, by=u["materials"], outcome="follow_up", note="下月到丹棱现场考察"
        )
    services.meeting_outcome(meeting=m3, by=u["agency"], outcome="no_interest")
    week = datetime.timedelta(days=10)
    Event.objects.filter(pk=fair.pk).update(
        starts_at=fair.starts_at - week,
        ends_at=fair.ends_at - week,
        meetings_start=fair.meetings_start - week,
        registration_opens=fair.registration_opens - week,
        registration_closes=fair.registration_closes - week,
    )
    # Check-ins and the schedule happened then too.
    Participant.objects.filter(event=fair, checked_in_at__isnull=False).update(
        checked_in_at=F("checked_in_at") - week
    )
    Event.objects.filter(pk=fair.pk).update(scheduled_at=F("scheduled_at") - week)
    fair.refresh_from_db()
    services.mark_no_shows(event=fair, by=u["bureau"], now=timezone.now())

    # 2. The bamboo fair, upcoming: registration open, meeting requests coming in.
    start = _day(16, 9)
    bamboo = publish(
        "bureau",
        kind="fair",
        title="竹产业成果对接洽谈会",
        summary="青神竹编、竹材加工与竹林生态技术成果发布和一对一对接，欢迎竹产业企业和合作社报名。",
        agenda="09:00 签到\n09:30 竹产业新技术发布\n10:00–12:00 一对一对接洽谈\n14:00 青神竹编产业园参观",
        audience="竹产业企业、合作社、高校院所",
        focus="竹/林产",
        region=regions["511425"],
        place="青神县中国竹艺城会展中心",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=7),
        registration_opens=timezone.now() - datetime.timedelta(days=1),
        registration_closes=start - datetime.timedelta(days=1),
        capacity=60,
        slots=6,
        tables=6,
        slot_minutes=20,
        meetings_start=start + datetime.timedelta(hours=1),
    )
    b1 = register(bamboo, "bamboo", "竹纤维脱胶、竹材防霉技术", "寻找竹制品企业转化")
    b2 = register(bamboo, "zhubian", "竹编工艺品出口渠道", "竹材防霉和快速干燥技术")
    register(bamboo, "agri", "林下种养技术")
    meet(bamboo, b2, b1, accept=None, priority=3, message="出口产品防霉问题急需解决")

    # 3. A roadshow and 4. a training, taking registrations.
    start = _day(24, 14)
    publish(
        "bureau",
        kind="roadshow",
        title="泡菜产业技术成果路演",
        summary="发酵菌种、低盐腌制和泡菜废水处理技术成果路演，每项成果 10 分钟展示、5 分钟问答，线上同步直播。",
        agenda="14:00 开场\n14:10 成果路演（8 项）\n16:30 自由交流",
        audience="泡菜及调味品企业",
        focus="泡菜/食品",
        region=regions["511402"],
        place="东坡区中国泡菜城科技服务中心",
        online_url="https://live.example.cn/meishan-paocai-roadshow",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        registration_opens=timezone.now() - datetime.timedelta(days=1),
        registration_closes=start,
        capacity=80,
    )
    start = _day(30, 9)
    training = publish(
        "bureau",
        kind="training",
        title="技术经纪人实务培训班（第三期）",
        summary="技术合同登记、成果评价、许可谈判实务培训，签到满勤者可下载培训证明。",
        agenda="上午：技术合同认定登记实务\n下午：许可谈判与案例研讨",
        audience="技术经纪人、高校院所技术转移人员",
        focus="技术转移服务",
        region=regions["511402"],
        place="眉山市科技局三楼会议室",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=8),
        registration_opens=timezone.now() - datetime.timedelta(days=1),
        registration_closes=start,
        capacity=40,
    )
    register(training, "agency")
    return counts
