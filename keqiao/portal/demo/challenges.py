"""Demo challenge tenders (揭榜挂帅): an open challenge of the pickle maker with two sealed proposals, a
challenge of the same enterprise past its deadline awaiting its evaluation, and a city challenge of the
S&T bureau for the kiln maker's lithium-battery demand, awarded to the materials institute (an agreed
commissioned-development deal).

Everything goes through the challenge services; the past ones are published with a near deadline, then
their dates are moved back before the deadline's close runs, as the periodic maintenance would have.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from keqiao.accounts.models import Organization, User
from keqiao.challenges import services
from keqiao.challenges.models import Challenge, Proposal
from keqiao.common import audit
from keqiao.demands.models import Demand

_USERNAMES = ["paocai", "maker", "bureau", "univ", "agri", "materials"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

CRITERIA = [
    {"name": "技术路线可行性", "weight": 35},
    {"name": "指标先进性", "weight": 25},
    {"name": "团队能力与工作基础", "weight": 20},
    {"name": "报价与周期", "weight": 10},
    {"name": "成果在眉山落地转化的计划", "weight": 10},
]


def _org(user: User) -> Organization:
    return user.memberships.select_related("organization").first().organization


def _demand(org: Organization, title_part: str) -> Demand | None:
    return Demand.objects.filter(organization=org, status="published", title__contains=title_part).first()


def _in_the_past(publish, proposals, *, days_ago: int) -> tuple[Challenge, list[Proposal]]:
    """A challenge whose deadline passed `days_ago` days ago: published 40 days before it, proposals 3
    days before it, opened at it; each audit row is recorded at its date (the services check the
    deadline against today, so it is moved back once the proposals are in)."""
    deadline = timezone.now() - datetime.timedelta(days=days_ago)
    published = deadline - datetime.timedelta(days=40)
    with audit.recorded_at(published):
        challenge = publish()
    with audit.recorded_at(deadline - datetime.timedelta(days=3)):
        made = [p(challenge) for p in proposals]
    Challenge.objects.filter(pk=challenge.pk).update(published_at=published, deadline=deadline)
    Proposal.objects.filter(challenge=challenge).update(submitted_at=deadline - datetime.timedelta(days=3))
    with audit.recorded_at(deadline):
        services.challenge_close(challenge=Challenge(pk=challenge.pk), now=deadline)
    challenge.refresh_from_db()
    return challenge, made


@transaction.atomic
def load_challenges() -> dict:
    if Challenge.objects.exists():
        return {}
    u = {x.username: x for x in User.objects.filter(username__in=_USERNAMES)}
    if len(u) < len(_USERNAMES):
        return {}
    orgs = {name: _org(user) for name, user in u.items()}
    now = timezone.now()
    counts = {"challenges": 0, "proposals": 0}

    def propose(challenge, name: str, **data):
        files = data.pop("files", [])
        p = services.proposal_submit(
            challenge=challenge, by=u[name], organization=orgs[name], data=data, files=files
        )
        counts["proposals"] += 1
        return p

    # 1. Open: the pickle maker's low-salt shelf-life problem, two sealed proposals so far.
    low_salt = _demand(orgs["paocai"], "低盐泡菜")
    if low_salt is not None:
        c = services.challenge_publish(
            by=u["paocai"],
            demand=low_salt,
            data={
                "title": "低盐泡菜常温货架期延长至9个月（揭榜挂帅）",
                "goals": "在不使用化学防腐剂、不更换现有灌装线的前提下，把含盐4%的袋装泡菜常温货架期从2—3个月"
                "延长到9个月以上，12个月内完成中试并在东坡区工厂量产。",
                "indicators": "含盐量≤4%；常温货架期≥9个月；胀袋率<0.1%；成品亚硝酸盐≤10 mg/kg；"
                "生物保鲜剂或工艺成本增加不超过每袋0.05元。",
                "reward_kind": "budget",
                "amount": "800000.00",
                "deadline": now + datetime.timedelta(days=25),
                "eligibility": "高校、科研院所或企业均可揭榜，可联合申报；牵头单位须具备食品微生物研究条件，"
                "近三年承担过相关科研项目。",
                "criteria": CRITERIA,
                "evaluation": "challenger",
            },
        )
        propose(
            c,
            "univ",
            approach="以本地老坛泡菜中筛选的植物乳杆菌为基础，构建产细菌素复合菌剂，结合气调包装和低温短时"
            "杀菌，抑制产膜酵母和产气菌；在企业现有灌装线加装菌剂喷淋工位。",
            indicators_response="含盐3.8%；常温货架期10个月；胀袋率0.05%；亚硝酸盐≤8 mg/kg。",
            team="食品学院发酵工程团队8人，承担省重点研发计划“川式泡菜品质控制”项目。",
            price="760000.00",
            months=12,
            files=[SimpleUploadedFile("低盐泡菜生物保鲜技术方案.pdf", PDF, content_type="application/pdf")],
        )
        propose(
            c,
            "agri",
            approach="筛选耐盐乳酸菌与天然植物提取物（花椒、生姜精油）复配保鲜，配合充氮包装。",
            indicators_response="含盐4%；常温货架期9个月；胀袋率0.08%。",
            price="650000.00",
            months=14,
        )
        counts["challenges"] += 1

    # 2. Past its deadline, awaiting the pickle maker's evaluation: crispness after pasteurisation.
    crisp = _demand(orgs["paocai"], "变软不脆")
    if crisp is not None:
        c, _made = _in_the_past(
            lambda: services.challenge_publish(
                by=u["paocai"],
                demand=crisp,
                data={
                    "title": "袋装泡菜杀菌后保脆工艺",
                    "goals": "杀菌后硬度保持在杀菌前的80%以上，常温保质期不少于9个月，6个月内完成工艺验证。",
                    "indicators": "硬度保持率≥80%；胀袋率<0.1%；只使用国家标准允许的食品添加剂。",
                    "reward_kind": "prize",
                    "amount": "200000.00",
                    "deadline": now + datetime.timedelta(hours=2),
                    "eligibility": "高校、科研院所或企业。",
                    "criteria": CRITERIA,
                    "evaluation": "challenger",
                },
            ),
            [
                lambda c: propose(
                    c,
                    "univ",
                    approach="钙离子护脆浸泡结合微波辅助低温杀菌，缩短热处理时间。",
                    indicators_response="硬度保持率85%；常温保质期10个月。",
                    price="180000.00",
                    months=6,
                ),
                lambda c: propose(
                    c,
                    "agri",
                    approach="果胶甲酯酶预处理护脆，配合高压杀菌（HPP）。",
                    indicators_response="硬度保持率90%；需新增高压设备。",
                    price="200000.00",
                    months=8,
                ),
            ],
            days_ago=2,
        )
        counts["challenges"] += 1

    # 3. A city challenge of the bureau for the kiln maker, awarded to the materials institute.
    kiln = _demand(orgs["maker"], "辊道窑")
    if kiln is not None:
        c, (won, lost) = _in_the_past(
            lambda: services.challenge_publish(
                by=u["bureau"],
                demand=kiln,
                data={
                    "title": "锂电正极材料辊道窑节能与智能温控（眉山市揭榜挂帅项目）",
                    "goals": "为眉山锂电正极材料企业研制新一代节能辊道窑样机，18个月内在彭山区完成示范应用。",
                    "indicators": "单位产品电耗降低15%；炉膛截面温差≤±3℃；余热回用；样机连续运行3个月无故障。",
                    "reward_kind": "budget",
                    "amount": "1500000.00",
                    "deadline": now + datetime.timedelta(hours=2),
                    "eligibility": "具备热工装备研发能力的高校、科研院所或企业，鼓励与眉山企业联合揭榜。",
                    "criteria": CRITERIA,
                    "evaluation": "challenger",
                },
            ),
            [
                lambda c: propose(
                    c,
                    "materials",
                    approach="分区独立控温与蓄热式余热回收，炉体采用纳米微孔隔热材料；数字孪生模型在线调优。",
                    indicators_response="电耗降低18%；温差±2.5℃；余热用于物料预干燥。",
                    team="材料研究所热工装备团队12人，已有3台辊道窑改造业绩。",
                    price="1380000.00",
                    months=18,
                ),
                lambda c: propose(
                    c,
                    "univ",
                    approach="基于模型预测控制的智能温控系统改造现有窑炉。",
                    indicators_response="电耗降低12%；温差±3℃。",
                    price="900000.00",
                    months=12,
                ),
            ],
            days_ago=10,
        )
        with audit.recorded_at(c.deadline + datetime.timedelta(days=6)):
            for p, marks in ((won, [90, 85, 88, 80, 90]), (lost, [75, 65, 80, 90, 70])):
                services.proposal_score(
                    proposal=p,
                    by=u["bureau"],
                    scores={str(i): m for i, m in enumerate(marks)},
                    note="专家组现场答辩后由市科技局按权重评分。",
                )
            services.challenge_award(
                challenge=c, by=u["bureau"], proposal_ids=[won.pk], note="综合得分最高，节能指标最优"
            )
        counts["challenges"] += 1
    return counts
