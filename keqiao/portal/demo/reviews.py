"""Demo expert registry and expert reviews: a dozen experts from universities and institutes of Sichuan
and Meishan, one closed review of the demo university's achievement (organised by the service agency)
and one review of the agricultural institute's achievement still forming its panel (organised by the S&T
bureau). Everything goes through the services, so the audit rows are the real ones."""

from django.db import transaction

from keqiao.accounts.models import Membership, Organization, User
from keqiao.achievements.models import Achievement
from keqiao.reviews import services
from keqiao.reviews.models import Expert

from .achievements import DEMO_PASSWORD

# username, full name, organisation (name; a demo username when the expert works at a demo organisation),
# title, position, technology fields, GB/T 13745 disciplines, expertise
EXPERTS = [
    (
        "exp_chen",
        "陈明远",
        "四川大学",
        "senior_full",
        "教授、博士生导师",
        ["bio_medicine", "agriculture"],
        ["180", "350"],
        "微生物发酵与生物制药，长期从事泡菜乳酸菌选育研究。",
    ),
    (
        "exp_lin",
        "林晓燕",
        "四川省农业科学院",
        "senior_full",
        "研究员",
        ["agriculture"],
        ["210", "550"],
        "柑橘、茶叶等经济作物栽培与农产品加工。",
    ),
    (
        "exp_he",
        "何建国",
        "西南交通大学",
        "senior_full",
        "教授",
        ["advanced_manufacturing", "modern_transport"],
        ["460", "580"],
        "轨道交通装备、智能制造与机械可靠性。",
    ),
    (
        "exp_xu",
        "徐丽",
        "西南交通大学",
        "senior_assoc",
        "副教授",
        ["electronic_information"],
        ["510", "520"],
        "工业物联网、嵌入式系统与数据分析。",
    ),
    (
        "exp_tang",
        "唐志强",
        "眉山职业技术学院",
        "senior_assoc",
        "副教授、高级工程师",
        ["new_materials", "advanced_manufacturing"],
        ["430", "460"],
        "竹基复合材料与先进成型工艺。",
    ),
    (
        "exp_deng",
        "邓春梅",
        "四川农业大学",
        "senior_full",
        "教授",
        ["agriculture", "environment"],
        ["210", "610"],
        "农业面源污染治理与土壤改良。",
    ),
    (
        "exp_yang",
        "杨帆",
        "成都中医药大学",
        "senior_full",
        "教授",
        ["bio_medicine"],
        ["360", "350"],
        "中药材规范化种植与中药制剂。",
    ),
    (
        "exp_zhou",
        "周文博",
        "电子科技大学",
        "senior_full",
        "教授",
        ["electronic_information", "new_energy"],
        ["510", "470"],
        "功率电子、储能与智能电网。",
    ),
    (
        "exp_luo",
        "罗晓东",
        "中国科学院成都有机化学研究所",
        "senior_full",
        "研究员",
        ["new_materials", "environment"],
        ["150", "530"],
        "精细化工、催化材料与化工清洁生产。",
    ),
    (
        "exp_wu",
        "吴海燕",
        "乐山师范学院",
        "senior_assoc",
        "副教授",
        ["new_energy", "new_materials"],
        ["480", "430"],
        "晶硅光伏材料与新能源应用。",
    ),
    # Work at demo organisations: excluded from reviewing their own employer's achievements.
    (
        "exp_guo",
        "郭振华",
        "agri",
        "senior_full",
        "研究员",
        ["agriculture"],
        ["210", "240"],
        "水产养殖与渔业资源，长期在彭山开展示范。",
    ),
    (
        "exp_ma",
        "马俊",
        "maker",
        "senior_assoc",
        "高级工程师、总工程师",
        ["advanced_manufacturing"],
        ["460"],
        "数控装备与工业机器人集成。",
    ),
]


def _org(username: str) -> Organization | None:
    return Organization.objects.filter(memberships__user__username=username).order_by("pk").first()


def _achievement(org: Organization | None) -> Achievement | None:
    if org is None:
        return None
    return (
        Achievement.objects.filter(organization=org, status=Achievement.Status.PUBLISHED)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def load_reviews() -> dict:
    if Expert.objects.exists():
        return {}
    bureau = User.objects.filter(username="bureau").first()
    agency = User.objects.filter(username="agency").first()
    if bureau is None or agency is None:
        return {}
    experts = {}
    for username, full_name, org, title, position, fields, disciplines, expertise in EXPERTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                email=f"{username}@demo.keqiao.example",
                full_name=full_name,
            )
        platform_org = _org(org) if org.isascii() else None
        if platform_org is not None:
            Membership.objects.get_or_create(user=user, organization=platform_org)
        expert = services.expert_invite(
            by=bureau,
            user=user,
            data={
                "organization": platform_org,
                "organization_name": platform_org.name if platform_org else org,
                "title": title,
                "position": position,
                "tech_fields": fields,
                "disciplines": disciplines,
                "expertise": expertise,
                "available": True,
            },
        )
        experts[username] = services.expert_confirm(expert=expert, by=bureau)
    # One expert declares a conflict with the demo university (a former employer).
    univ_org = _org("univ")
    if univ_org is not None:
        services.expert_update(
            expert=experts["exp_xu"],
            by=experts["exp_xu"].user,
            data={
                "conflict_organizations": [univ_org],
                "conflict_note": "曾在眉山示范大学任教（2019—2022年）。",
            },
        )
    counts = {"experts": len(experts), "reviews": 0}

    # A closed review of the university's achievement, organised by the service agency.
    achievement = _achievement(univ_org)
    agency_org = _org("agency")
    if achievement is not None and agency_org is not None:
        review = services.review_open(
            by=agency,
            organization=agency_org,
            subject=achievement,
            title=f"{achievement.title[:60]}——成果评价专家评审",
            purpose="受成果完成单位委托，按 GB/T 44731-2024 指标对该成果的科学、技术、经济、社会价值和转化潜力进行评审，供定价和转化决策参考。",
        )
        panel = ["exp_chen", "exp_he", "exp_lin"]
        for name in panel:
            services.review_add_expert(review=review, by=agency, expert=experts[name])
        services.review_start(review=review, by=agency)
        scores = {
            "exp_chen": ((86, 82, 75, 80, 78), "研究基础扎实，实验数据完整；建议补充放大试验的成本数据。"),
            "exp_he": ((80, 85, 72, 76, 74), "技术路线清晰，关键指标优于同类技术；工程化仍需中试验证。"),
            "exp_lin": ((84, 80, 78, 82, 80), "本地应用场景明确，对眉山相关产业有带动作用。"),
        }
        for p in review.panel.select_related("expert__user"):
            values, comment = scores[p.expert.user.username]
            services.panelist_submit(
                panelist=p,
                by=p.expert.user,
                scores=dict(
                    zip(
                        ("scientific", "technological", "economic", "social", "potential"),
                        values,
                        strict=True,
                    )
                ),
                comment=comment,
            )
        review = services.review_close(
            review=review,
            by=agency,
            conclusion="专家组认为该成果总体达到国内先进水平，具备转化条件，建议开展中试。",
        )
        services.review_apply_to_achievement(
            review=review, by=agency, level="dom_advanced", evaluation="review"
        )
        counts["reviews"] += 1

    # A review forming its panel: the bureau reviews the agricultural institute's achievement.
    achievement = _achievement(_org("agri"))
    bureau_org = _org("bureau")
    if achievement is not None and bureau_org is not None:
        review = services.review_open(
            by=bureau,
            organization=bureau_org,
            subject=achievement,
            title=f"{achievement.title[:60]}——市级科技成果评价",
            purpose="市科技局组织的年度重点成果评价，结果用于成果展示与推荐。",
        )
        for name in ("exp_deng", "exp_lin"):
            services.review_add_expert(review=review, by=bureau, expert=experts[name])
        counts["reviews"] += 1
    return counts
