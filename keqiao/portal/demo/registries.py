"""Demo innovation registries (演示): Meishan enterprises in lithium materials, crystalline silicon, food
(pickles), bamboo, tea, medicine and equipment with their high-tech, technology-based SME, demonstration
and 专精特新 qualifications, and R&D platforms (engineering technology research centres, enterprise
technology centres, key laboratories, new R&D institutions) — enough for the demo plan's indicators to be
computed from records. Every name is invented and marked 演示; certificate numbers follow the real
formats but belong to no one.

Records go through the registry services (proposed with a small PDF as evidence, then confirmed by the
county bureau, the economy department or the city bureau). To show a qualification that has expired, its
dates are moved into the past after confirmation and the daily job marks it, as it would have.
"""

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from keqiao.accounts.models import Membership, Organization, User
from keqiao.accounts.services import membership_add
from keqiao.common.models import Region
from keqiao.registries import services
from keqiao.registries.models import Platform, Qualification

from .achievements import make_credit_code

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# username, organisation, region code, description (the registrant's account has no password: it only
# stands behind the records; the interactive demo enterprise is `paocai`).
ENTERPRISES = [
    ("reg01", "眉山锂源新能源材料有限公司（演示）", "511400P01", "磷酸铁锂正极材料生产企业。"),
    ("reg02", "眉山天府锂电科技有限公司（演示）", "511400P01", "锂电池电解液与添加剂研发生产。"),
    ("reg03", "彭山锂盐新材料股份有限公司（演示）", "511403P01", "电池级碳酸锂、氢氧化锂生产。"),
    ("reg04", "眉山晶硅光伏材料有限公司（演示）", "511400P01", "高纯晶硅与单晶硅片生产。"),
    ("reg05", "东坡光伏组件制造有限公司（演示）", "511402", "光伏组件与储能系统集成。"),
    ("reg06", "仁寿视高新能源装备有限公司（演示）", "511421P01", "锂电池生产设备与自动化产线。"),
    ("reg07", "眉山川味泡菜食品股份有限公司（演示）", "511402", "泡菜、调味品生产与发酵工艺研究。"),
    ("reg08", "东坡酱腌菜生物科技有限公司（演示）", "511402", "乳酸菌发酵剂与泡菜功能菌种。"),
    ("reg09", "洪雅瓦屋山茶业有限公司（演示）", "511423", "绿茶、藤茶加工与茶饮料。"),
    ("reg10", "洪雅中药饮片有限公司（演示）", "511423", "中药材种植与中药饮片生产。"),
    ("reg11", "青神竹纤维新材料有限公司（演示）", "511425", "竹纤维与竹浆模塑制品。"),
    ("reg12", "青神竹家居科技有限公司（演示）", "511425", "竹集成材家居与竹编工艺品。"),
    ("reg13", "丹棱柑橘深加工有限公司（演示）", "511424", "不知火柑橘分选与果汁加工。"),
    ("reg14", "丹棱精密机械制造有限公司（演示）", "511424", "精密零部件与数控加工。"),
    ("reg15", "仁寿汽车零部件有限公司（演示）", "511421", "新能源汽车电机壳体与结构件。"),
    ("reg16", "彭山生物医药科技有限公司（演示）", "511403", "生物制剂与医疗器械。"),
    ("reg17", "眉山铝硅合金新材料有限公司（演示）", "511403P01", "铝硅合金与轻量化材料。"),
    ("reg18", "仁寿电子信息科技有限公司（演示）", "511421", "工业物联网终端与软件。"),
]
# username: [(kind, year the certificate was issued)] — numbers are made up in each kind's format.
QUALIFICATIONS = {
    "reg01": [("high_tech", 2024), ("specialised", 2024), ("demonstration", 2025)],
    "reg02": [("high_tech", 2025), ("tech_sme", 0)],
    "reg03": [("high_tech", 2023), ("specialised", 2025)],
    "reg04": [("high_tech", 2024), ("demonstration", 2024)],
    "reg05": [("high_tech", 2025), ("tech_sme", 0)],
    "reg06": [("high_tech", 2024), ("tech_sme", 0), ("specialised", 2025)],
    "reg07": [("high_tech", 2023), ("demonstration", 2025)],
    "reg08": [("tech_sme", 0), ("high_tech", 2025)],
    "reg09": [("tech_sme", 0)],
    "reg10": [("high_tech", 2024), ("tech_sme", 0)],
    "reg11": [("high_tech", 2025), ("demonstration", 2025)],
    "reg12": [("tech_sme", 0)],
    "reg13": [("tech_sme", 0)],
    "reg14": [("high_tech", 2024), ("specialised", 2024), ("tech_sme", 0)],
    "reg15": [("high_tech", 2023)],
    "reg16": [("high_tech", 2025), ("tech_sme", 0)],
    "reg17": [("tech_sme", 0)],
    "reg18": [("high_tech", 2024), ("tech_sme", 0)],
    "paocai": [("high_tech", 2024), ("tech_sme", 0)],
    "pharma": [("high_tech", 2025)],
    "maker": [("specialised", 2024), ("tech_sme", 0)],
    "zhubian": [("tech_sme", 0)],
}
ISSUERS = {
    "high_tech": "四川省科学技术厅 四川省财政厅 国家税务总局四川省税务局",
    "tech_sme": "四川省科学技术厅",
    "demonstration": "眉山市科学技术局",
    "specialised": "四川省经济和信息化厅",
}
# host username, name, kind, level, document, year recognised, field
PLATFORMS = [
    (
        "paocai",
        "四川省泡菜发酵工程技术研究中心（演示）",
        "engineering_centre",
        "provincial",
        "川科平〔2019〕27号",
        2019,
        "泡菜发酵与食品安全",
    ),
    (
        "reg07",
        "眉山市川味调味品工程技术研究中心（演示）",
        "engineering_centre",
        "city",
        "眉市科发〔2022〕9号",
        2022,
        "复合调味品",
    ),
    (
        "reg01",
        "四川省锂电正极材料工程技术研究中心（演示）",
        "engineering_centre",
        "provincial",
        "川科平〔2021〕15号",
        2021,
        "磷酸铁锂正极材料",
    ),
    (
        "reg02",
        "眉山市锂电池电解液工程技术研究中心（演示）",
        "engineering_centre",
        "city",
        "眉市科发〔2023〕18号",
        2023,
        "电解液与添加剂",
    ),
    (
        "reg03",
        "眉山市锂盐提纯工程技术研究中心（演示）",
        "engineering_centre",
        "city",
        "眉市科发〔2024〕6号",
        2024,
        "锂盐提纯",
    ),
    (
        "reg04",
        "四川省高纯晶硅工程技术研究中心（演示）",
        "engineering_centre",
        "provincial",
        "川科平〔2022〕33号",
        2022,
        "晶硅材料",
    ),
    (
        "reg11",
        "眉山市竹纤维材料工程技术研究中心（演示）",
        "engineering_centre",
        "city",
        "眉市科发〔2021〕11号",
        2021,
        "竹纤维",
    ),
    (
        "reg09",
        "眉山市茶叶精深加工工程技术研究中心（演示）",
        "engineering_centre",
        "city",
        "眉市科发〔2020〕14号",
        2020,
        "茶叶加工",
    ),
    (
        "reg10",
        "眉山市中药饮片工程技术研究中心（演示）",
        "engineering_centre",
        "city",
        "眉市科发〔2023〕18号",
        2023,
        "中药饮片炮制",
    ),
    (
        "reg14",
        "眉山市精密制造工程技术研究中心（演示）",
        "engineering_centre",
        "city",
        "眉市科发〔2024〕6号",
        2024,
        "精密加工",
    ),
    (
        "reg01",
        "四川省企业技术中心·锂源新能源（演示）",
        "enterprise_centre",
        "provincial",
        "川经信技质〔2022〕102号",
        2022,
        "锂电材料",
    ),
    (
        "reg04",
        "眉山晶硅光伏市级企业技术中心（演示）",
        "enterprise_centre",
        "city",
        "眉经信〔2023〕41号",
        2023,
        "光伏材料",
    ),
    (
        "reg06",
        "仁寿视高新能源装备市级企业技术中心（演示）",
        "enterprise_centre",
        "city",
        "眉经信〔2023〕41号",
        2023,
        "锂电装备",
    ),
    (
        "reg15",
        "仁寿汽车零部件市级企业技术中心（演示）",
        "enterprise_centre",
        "city",
        "眉经信〔2024〕37号",
        2024,
        "汽车零部件",
    ),
    (
        "paocai",
        "东坡示范泡菜市级企业技术中心（演示）",
        "enterprise_centre",
        "city",
        "眉经信〔2021〕29号",
        2021,
        "泡菜工艺",
    ),
    (
        "reg17",
        "眉山铝硅合金市级企业技术中心（演示）",
        "enterprise_centre",
        "city",
        "眉经信〔2024〕37号",
        2024,
        "轻量化材料",
    ),
    (
        "reg03",
        "锂资源综合利用四川省重点实验室（演示）",
        "key_lab",
        "provincial",
        "川科基〔2023〕8号",
        2023,
        "锂资源",
    ),
    (
        "reg08",
        "眉山市乳酸菌资源与应用重点实验室（演示）",
        "key_lab",
        "city",
        "眉市科发〔2022〕9号",
        2022,
        "乳酸菌",
    ),
    (
        "reg16",
        "眉山天府新区生物医药新型研发机构（演示）",
        "new_rd",
        "city",
        "眉市科发〔2024〕22号",
        2024,
        "生物医药",
    ),
    (
        "reg05",
        "眉山光伏储能新型研发机构（演示）",
        "new_rd",
        "city",
        "眉市科发〔2025〕5号",
        2025,
        "光储一体化",
    ),
]
# Enterprise technology centres are confirmed by the economy and information department.
ECONOMY_DEPARTMENT = "眉山市经济和信息化委（演示）"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _number(rng: random.Random, kind: str, year: int, serial: int) -> str:
    if kind == "high_tech":
        return f"GR{year}51{serial:06d}"
    if kind == "tech_sme":
        return f"{year}5114{rng.randint(10, 99)}A{serial:07d}"
    if kind == "specialised":
        return f"川专精特新〔{year}〕{serial:04d}"
    return ""


def _enterprises(rng: random.Random) -> dict[str, tuple[User, Organization]]:
    regions = {r.code: r for r in Region.objects.all()}
    out = {}
    now = timezone.now()
    for username, name, code, description in ENTERPRISES:
        org = Organization.objects.filter(name=name).first()
        if org is None:
            org = Organization.objects.create(
                name=name,
                kind=Organization.Kind.ENTERPRISE,
                credit_code=make_credit_code(rng, regions[code].county_code if code in regions else "511400"),
                region=regions[code],
                description=description,
                status=Organization.Status.VERIFIED,
                verified_at=now,
            )
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name="登记专员", email=f"{username}@demo.keqiao.example")
            user.set_unusable_password()
            user.save()
            membership_add(organization=org, user=user, role=Membership.Role.ADMIN)
        out[username] = (user, org)
    for username in ("paocai", "pharma", "maker", "zhubian"):
        user = User.objects.filter(username=username).first()
        if user is not None:
            out[username] = (user, user.memberships.select_related("organization").first().organization)
    return out


@transaction.atomic
def load_registries() -> dict:
    if Qualification.objects.exists() or Platform.objects.exists():
        return {}
    bureau = User.objects.filter(username="bureau").first()
    if bureau is None:
        return {}
    rng = random.Random(18)  # noqa: S311 - demo data only
    people = _enterprises(rng)
    economy = Organization.objects.filter(name=ECONOMY_DEPARTMENT).first()
    economy_officer = User.objects.filter(username="jingxin").first() if economy is not None else None
    today = timezone.localdate()
    counts = {"qualifications": 0, "platforms": 0}
    serial = 100
    for username, items in QUALIFICATIONS.items():
        if username not in people:
            continue
        user, org = people[username]
        for kind, year in items:
            serial += 7
            if kind == "tech_sme":
                start, end = datetime.date(today.year, 3, 1), datetime.date(today.year + 1, 2, 28)
                year = today.year
            elif kind == "high_tech":
                start = datetime.date(year, 11, 20)
                end = datetime.date(year + 3, 11, 19)
            else:
                start, end = datetime.date(year, 6, 1), datetime.date(year + 3, 5, 31)
            if end < today:  # a certificate that ended already is registered by its renewal instead
                year = today.year - 1
                start, end = datetime.date(year, 11, 20), datetime.date(year + 3, 11, 19)
            q = services.qualification_propose(
                by=user,
                organization=org,
                data={
                    "kind": kind,
                    "number": _number(rng, kind, year, serial),
                    "issuing_body": ISSUERS[kind],
                    "valid_from": start,
                    "valid_until": end,
                },
                evidence=_pdf("证书扫描件.pdf") if kind != "demonstration" else None,
            )
            counts["qualifications"] += 1
            # Left waiting: the demo enterprise's SME registration (for the bureau's queue).
            if username == "paocai" and kind == "tech_sme":
                continue
            if kind == "demonstration":
                services.qualification_decide(
                    qualification=q, by=bureau, action="review", note="申报材料齐全，产学研合作协议真实有效"
                )
                if username == "reg11":
                    continue  # awaits the bureau's designation
                services.qualification_decide(
                    qualification=q,
                    by=bureau,
                    action="designate",
                    number=f"眉产学研示范〔{year}〕{serial % 100:02d}号",
                )
            else:
                services.qualification_decide(qualification=q, by=bureau, action="confirm")
    # One high-tech certificate that ended last month (not renewed), and one revoked after review.
    lapsed = Qualification.objects.filter(organization=people["reg15"][1], kind="high_tech").first()
    if lapsed is not None:
        Qualification.objects.filter(pk=lapsed.pk).update(
            valid_from=today - datetime.timedelta(days=3 * 365 - 30),
            valid_until=today - datetime.timedelta(days=31),
            updated_at=timezone.now(),
        )
        services.qualifications_expire(today=today)
    revoked = Qualification.objects.filter(organization=people["reg17"][1], kind="tech_sme").first()
    if revoked is not None:
        services.qualification_decide(
            qualification=revoked,
            by=bureau,
            action="revoke",
            note="年度评价信息与实际不符，经核查取消入库登记",
        )
    for username, name, kind, level, document, year, field in PLATFORMS:
        if username not in people:
            continue
        user, org = people[username]
        department = economy if kind == "enterprise_centre" else None
        p = services.platform_propose(
            by=user,
            organization=org,
            data={
                "name": name,
                "kind": kind,
                "level": level,
                "document": document,
                "recognised_on": datetime.date(year, 9, 15),
                "tech_field": field,
            },
            evidence=_pdf("认定文件.pdf"),
            department=department,
        )
        counts["platforms"] += 1
        if name.startswith(("眉山光伏储能", "眉山铝硅合金")):
            continue  # awaits confirmation (by the bureau, and by the economy department)
        decider = economy_officer if department is not None and economy_officer is not None else bureau
        services.platform_decide(platform=p, by=decider, action="confirm")
        if name.startswith("眉山市茶叶精深加工"):
            services.platform_decide(platform=p, by=bureau, action="evaluate", note="2025年度绩效评价")
        if name.startswith("眉山市中药饮片"):
            services.platform_decide(
                platform=p, by=bureau, action="revoke", note="连续两年未提交年度报告，依规撤销认定"
            )
    return counts
