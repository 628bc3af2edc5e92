"""Demo data: fictional Meishan organisations publishing the real CSL research records.

Deterministic (seeded), idempotent (does nothing if the demo bureau exists), and written through the
services, so the demo shows the same states, numbers and audit trail that real use produces.
"""

import datetime
import random
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from keqiao.accounts.models import Membership, Organization, User
from keqiao.accounts.services import membership_add
from keqiao.achievements import services
from keqiao.achievements.models import Achievement
from keqiao.common.choices import TechField
from keqiao.common.corpus import CSL_FILE, read_records  # noqa: F401 (read_records: the demo's source)
from keqiao.common.models import Classification, Region
from keqiao.common.validators import credit_code_check_char, patent_check_char
from keqiao.demands import services as demand_services
from keqiao.demands.models import Demand
from keqiao.matching import services as matching_services
from keqiao.matching.index import matches_for
from keqiao.matching.models import Recommendation
from keqiao.portal.demo.demands import DEMANDS

DATA_FILE = CSL_FILE
# Achievements written for the demo about Meishan's industries (泡菜, 竹, 茶, 锂电, 中药材, 电子, 机械),
# so that the demo demands of those industries have answers; each names its demo owner.
MEISHAN_FILE = Path(__file__).resolve().parent / "meishan.jsonl"
DEMO_PASSWORD = "keqiao-demo-2026"  # noqa: S105 - published demo credential, demo data only  # nosec B105  # a published demo or test value, not a secret

# username, full name, organisation name, kind, region code, role, description
ORGANIZATIONS = [
    (
        "bureau",
        "王科长",
        "眉山市科学技术局（演示）",
        "city_bureau",
        "511400",
        "负责全市科技成果登记审核、成果转移转化工作的组织推进。",
    ),
    (
        "univ",
        "李老师",
        "眉山示范大学（演示）",
        "university",
        "511402",
        "综合性大学，设有工学、理学、医学等学院和附属医院，技术转移中心负责成果登记与转化。",
    ),
    (
        "agri",
        "张研究员",
        "彭山农业科学研究院（演示）",
        "institute",
        "511403",
        "面向川西南农业的公益性研究院，主要方向为园艺、作物、水产、畜牧和农产品加工。",
    ),
    (
        "materials",
        "陈工",
        "仁寿新材料与化工研究所（演示）",
        "institute",
        "511421",
        "从事新材料、化工、冶金与能源技术的应用研究和中试。",
    ),
    (
        "pharma",
        "刘经理",
        "洪雅生态医药有限公司（演示）",
        "enterprise",
        "511423",
        "中医药与生物医药企业，拥有中药材种植基地和制剂研发中心。",
    ),
    (
        "maker",
        "赵总工",
        "丹棱智能制造有限公司（演示）",
        "enterprise",
        "511424",
        "装备制造与工业自动化企业，关注机械、电气、控制与信息技术。",
    ),
    (
        "bamboo",
        "周老师",
        "青神竹产业与生态技术研究院（演示）",
        "institute",
        "511425",
        "围绕竹编、竹材加工、林业与生态环境开展研究和技术服务。",
    ),
    (
        "agency",
        "吴经纪人",
        "眉山经开区科技成果转化服务中心（演示）",
        "agency",
        "511400P01",
        "技术转移服务机构，提供成果评价、技术经纪、知识产权与融资对接服务。",
    ),
]
DEMAND_ORGANIZATIONS = [
    (
        "paocai",
        "郑厂长",
        "东坡示范泡菜食品有限公司（演示）",
        "enterprise",
        "511402",
        "泡菜及调味品生产企业，关注发酵工艺、食品安全与废水处理。",
    ),
    (
        "renshou",
        "冯科长",
        "仁寿县科学技术局（演示）",
        "county_bureau",
        "511421",
        "县级科技主管部门，代辖区企业和合作社征集技术需求。",
    ),
    (
        "zhubian",
        "黄经理",
        "青神示范竹编工艺品有限公司（演示）",
        "enterprise",
        "511425",
        "竹编工艺品和竹制家居用品生产企业，产品七成出口欧洲和日本。",
    ),
]
ORGANIZATIONS = ORGANIZATIONS + DEMAND_ORGANIZATIONS
PENDING_ORG = (
    "newco",
    "孙经理",
    "东坡示例食品科技有限公司（演示）",
    "enterprise",
    "511402",
    "新注册的食品企业，等待科技局核验。",
)

# The demo shows only the science, engineering, agriculture and medicine records: the humanities and
# social-science records of the bundled file (管理学, 法学, 文学, …) are not technology achievements, and
# a soft-science registration has no readiness level or price to show. The whole file still feeds the
# semantic model, the evaluations and the benchmarks.
DEMO_CATEGORIES = ("工学", "农学", "医学", "理学")
CATEGORY_OWNER = {"农学": "agri", "医学": "univ", "理学": "univ"}
DISCIPLINE_OWNER = {
    "中医学/中药学": "pharma",
    "药学": "pharma",
    "林学/林业工程": "bamboo",
}
ENGINEERING_OWNER = {
    "材料科学与工程": "materials",
    "化学/化学工程与技术": "materials",
    "冶金工程": "materials",
    "石油与天然气工程": "materials",
    "矿业工程": "materials",
    "动力工程及工程热物理": "materials",
    "机械工程": "maker",
    "电气工程": "maker",
    "控制科学与工程": "maker",
    "兵器科学与技术": "maker",
    "计算机科学与技术": "maker",
    "信息与通信工程": "maker",
    "电子科学与技术": "maker",
    "光学工程": "maker",
    "环境科学与工程": "bamboo",
    "纺织科学与工程": "bamboo",
    "建筑学": "bamboo",
    "食品科学与工程": "agri",
    "农业工程": "agri",
}
FIELD_BY_DISCIPLINE = {
    "计算机科学与技术": TechField.ELECTRONIC_INFORMATION,
    "信息与通信工程": TechField.ELECTRONIC_INFORMATION,
    "电子科学与技术": TechField.ELECTRONIC_INFORMATION,
    "控制科学与工程": TechField.ADVANCED_MANUFACTURING,
    "航空宇航科学与技术": TechField.AEROSPACE,
    "机械工程": TechField.ADVANCED_MANUFACTURING,
    "兵器科学与技术": TechField.ADVANCED_MANUFACTURING,
    "光学工程": TechField.ELECTRONIC_INFORMATION,
    "材料科学与工程": TechField.NEW_MATERIALS,
    "冶金工程": TechField.NEW_MATERIALS,
    "纺织科学与工程": TechField.NEW_MATERIALS,
    "化学/化学工程与技术": TechField.NEW_MATERIALS,
    "动力工程及工程热物理": TechField.NEW_ENERGY,
    "电气工程": TechField.NEW_ENERGY,
    "石油与天然气工程": TechField.NEW_ENERGY,
    "核科学与技术": TechField.NUCLEAR,
    "环境科学与工程": TechField.ENVIRONMENT,
    "矿业工程": TechField.ENVIRONMENT,
    "大气科学": TechField.ENVIRONMENT,
    "海洋科学": TechField.ENVIRONMENT,
    "交通运输工程": TechField.MODERN_TRANSPORT,
    "船舶与海洋工程": TechField.MODERN_TRANSPORT,
    "土木工程": TechField.URBAN_SOCIAL,
    "建筑学": TechField.URBAN_SOCIAL,
    "水利工程": TechField.URBAN_SOCIAL,
    "测绘科学与技术": TechField.URBAN_SOCIAL,
    "力学": TechField.ADVANCED_MANUFACTURING,
    "食品科学与工程": TechField.AGRICULTURE,
    "农业工程": TechField.AGRICULTURE,
    "天文学": TechField.AEROSPACE,
    "地质学/地质资源与地质工程": TechField.ENVIRONMENT,
    "地球物理学": TechField.ENVIRONMENT,
    "生物学/生物科学与工程": TechField.BIO_MEDICINE,
}
FIELD_BY_CATEGORY = {"农学": TechField.AGRICULTURE, "医学": TechField.BIO_MEDICINE}

# Invented attributes by kind of record: small, plausible ranges rather than one range for everything.
# kind: the registration kind digit; trl: drawn from the tuple (repeats weight it); forms: 1 to
# max_forms of them; prices: asking prices in 10,000 yuan, or none (always negotiable); negotiable: the
# share of listings without a public price; invention / utility / software: the chance of a patent,
# a utility model, a software copyright.
PROFILES = {
    "materials": {
        "kind": "1",
        "trl": (4, 5, 5, 6, 6, 7, 7, 8),
        "forms": ("material", "process", "product"),
        "max_forms": 2,
        "prices": (30, 50, 80, 100, 150, 200, 300),
        "negotiable": 0.35,
        "modes": ("transfer", "license", "equity", "cooperation", "service"),
        "invention": 0.65,
        "utility": 0.1,
        "software": 0.0,
    },
    "machinery": {
        "kind": "1",
        "trl": (4, 5, 6, 6, 7, 7, 8, 9),
        "forms": ("equipment", "product", "technology"),
        "max_forms": 2,
        "prices": (20, 30, 50, 80, 100, 150, 200, 300, 500),
        "negotiable": 0.35,
        "modes": ("transfer", "license", "equity", "cooperation", "service"),
        "invention": 0.55,
        "utility": 0.4,
        "software": 0.1,
    },
    "information": {
        "kind": "1",
        "trl": (4, 5, 6, 6, 7, 7, 8, 9),
        "forms": ("technology", "software", "product"),
        "max_forms": 2,
        "prices": (10, 20, 30, 50, 80, 100, 150),
        "negotiable": 0.35,
        "modes": ("transfer", "license", "cooperation", "service"),
        "invention": 0.5,
        "utility": 0.1,
        "software": 0.45,
    },
    "engineering": {
        "kind": "1",
        "trl": (4, 5, 5, 6, 6, 7, 8),
        "forms": ("technology", "process"),
        "max_forms": 2,
        "prices": (20, 30, 50, 80, 100, 200),
        "negotiable": 0.4,
        "modes": ("transfer", "license", "cooperation", "service"),
        "invention": 0.5,
        "utility": 0.15,
        "software": 0.05,
    },
    "food": {
        "kind": "1",
        "trl": (4, 5, 5, 6, 6, 7, 8),
        "forms": ("process", "product", "technology"),
        "max_forms": 2,
        "prices": (10, 15, 20, 30, 50, 80),
        "negotiable": 0.3,
        "modes": ("transfer", "license", "cooperation", "service"),
        "invention": 0.5,
        "utility": 0.05,
        "software": 0.0,
    },
    "agriculture": {
        "kind": "1",
        "trl": (3, 4, 5, 5, 6, 6, 7, 8),
        "forms": ("technology", "technology", "process", "variety"),
        "max_forms": 1,
        "prices": (3, 5, 8, 10, 15, 20, 30, 50),
        "negotiable": 0.3,
        "modes": ("transfer", "license", "cooperation", "service", "service"),
        "invention": 0.35,
        "utility": 0.05,
        "software": 0.0,
    },
    # clinical, dental and public-health studies: methods, early readiness, mostly no public price
    "clinical": {
        "kind": "1",
        "trl": (2, 3, 3, 4, 4, 5, 5, 6),
        "forms": ("technology",),
        "max_forms": 1,
        "prices": (5, 10, 20, 30, 50),
        "negotiable": 0.6,
        "modes": ("cooperation", "service", "license"),
        "invention": 0.25,
        "utility": 0.0,
        "software": 0.0,
    },
    # pharmacy and traditional Chinese medicine: preparations and processes before clinical approval
    "pharmacy": {
        "kind": "1",
        "trl": (3, 3, 4, 4, 5, 5, 6),
        "forms": ("technology", "process", "drug"),
        "max_forms": 2,
        "prices": (30, 50, 80, 100, 150, 200, 300),
        "negotiable": 0.5,
        "modes": ("transfer", "license", "cooperation"),
        "invention": 0.7,
        "utility": 0.0,
        "software": 0.0,
    },
    "applied_science": {
        "kind": "1",
        "trl": (3, 4, 4, 5, 5, 6),
        "forms": ("technology",),
        "max_forms": 1,
        "prices": (5, 10, 20, 30, 50),
        "negotiable": 0.5,
        "modes": ("license", "cooperation", "service"),
        "invention": 0.35,
        "utility": 0.0,
        "software": 0.1,
    },
    # basic theory: early readiness, never a public price, offered for cooperation
    "basic": {
        "kind": "2",
        "trl": (1, 2, 2, 3),
        "forms": ("other",),
        "max_forms": 1,
        "prices": (),
        "negotiable": 1.0,
        "modes": ("cooperation", "service"),
        "invention": 0.05,
        "utility": 0.0,
        "software": 0.0,
    },
    # humanities and social sciences (not loaded as demo achievements; the benchmarks import them)
    "soft": {
        "kind": "3",
        "trl": (1, 2),
        "forms": ("other",),
        "max_forms": 1,
        "prices": (),
        "negotiable": 1.0,
        "modes": ("service",),
        "invention": 0.0,
        "utility": 0.0,
        "software": 0.0,
    },
}
PROFILE_BY_DISCIPLINE = {
    "材料科学与工程": "materials",
    "化学/化学工程与技术": "materials",
    "冶金工程": "materials",
    "纺织科学与工程": "materials",
    "机械工程": "machinery",
    "电气工程": "machinery",
    "控制科学与工程": "machinery",
    "兵器科学与技术": "machinery",
    "动力工程及工程热物理": "machinery",
    "船舶与海洋工程": "machinery",
    "航空宇航科学与技术": "machinery",
    "光学工程": "machinery",
    "计算机科学与技术": "information",
    "信息与通信工程": "information",
    "电子科学与技术": "information",
    "食品科学与工程": "food",
    "农业工程": "food",
    "中医学/中药学": "pharmacy",
    "药学": "pharmacy",
    "数学": "basic",
    "天文学": "basic",
    "物理学": "basic",
}
PROFILE_BY_CATEGORY = {
    "工学": "engineering",
    "农学": "agriculture",
    "医学": "clinical",
    "理学": "applied_science",
}
STAGE_BY_TRL = {6: "pilot", 7: "pilot", 8: "small_production", 9: "large_application"}


def make_credit_code(rng: random.Random, region_code: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + region_code[:6] + "".join(rng.choice(alphabet) for _ in range(9))
    return body + credit_code_check_char(body)


def make_patent_number(rng: random.Random, year: int, type_digit: str) -> str:
    digits = f"{year}{type_digit}{rng.randint(0, 9999999):07d}"
    return f"ZL{digits}.{patent_check_char(digits)}"


def tech_field_for(record: dict) -> str:
    return (
        FIELD_BY_DISCIPLINE.get(record["discipline"])
        or FIELD_BY_CATEGORY.get(record["category"])
        or TechField.URBAN_SOCIAL
    )


def owner_for(record: dict) -> str:
    if record["discipline"] in DISCIPLINE_OWNER:
        return DISCIPLINE_OWNER[record["discipline"]]
    if record["category"] == "工学":
        return ENGINEERING_OWNER.get(record["discipline"], "univ")
    return CATEGORY_OWNER.get(record["category"], "univ")


def profile_for(record: dict, rng: random.Random) -> dict:
    """The attribute ranges for a record: by discipline, else by category; half the other 理学 records
    (geology, meteorology, biology, …) are registered as basic theory."""
    if record["category"] not in DEMO_CATEGORIES:
        return PROFILES["soft"]
    key = PROFILE_BY_DISCIPLINE.get(record["discipline"]) or PROFILE_BY_CATEGORY[record["category"]]
    if key == "applied_science" and rng.random() < 0.5:
        key = "basic"
    return PROFILES[key]


def demo_records(limit: int | None = None) -> list[dict]:
    """The records shown as demo achievements: the first `limit` of the file, those of DEMO_CATEGORIES."""
    return [r for r in read_records(limit=limit) if r["category"] in DEMO_CATEGORIES]


def discipline_lookup() -> dict[str, Classification]:
    firsts = list(Classification.objects.filter(scheme="gbt13745", level="first"))
    by_name = {c.name: c for c in firsts}

    def find(name: str) -> Classification | None:
        for part in name.replace("、", "/").split("/"):
            for candidate in (part, part + "学", part.removesuffix("学")):
                if candidate in by_name:
                    return by_name[candidate]
        return None

    return {"find": find}


def record_row(record: dict, rng: random.Random, organization, discipline=None) -> dict:
    """Turn one CSL record into achievement field values with plausible invented attributes."""
    profile = profile_for(record, rng)
    trl = rng.choice(profile["trl"])
    negotiable = not profile["prices"] or rng.random() < profile["negotiable"]
    modes = rng.sample(profile["modes"], k=rng.randint(1, min(3, len(set(profile["modes"])))))
    forms = rng.sample(profile["forms"], k=rng.randint(1, profile["max_forms"]))
    ip_items = []
    if rng.random() < profile["invention"]:
        year = rng.randint(2014, 2023)
        ip_items.append(
            {
                "kind": "invention",
                "number": make_patent_number(rng, year, "1"),
                "title": record["title"][:60],
                "status": rng.choice(["granted", "granted", "applied"]),
            }
        )
    if rng.random() < profile["utility"]:
        ip_items.append(
            {
                "kind": "utility_model",
                "number": make_patent_number(rng, rng.randint(2015, 2023), "2"),
                "title": record["title"][:40] + "装置",
                "status": "granted",
            }
        )
    if rng.random() < profile["software"]:
        ip_items.append(
            {
                "kind": "software",
                "number": f"{rng.randint(2016, 2024)}SR{rng.randint(100000, 9999999):07d}",
                "title": record["title"][:40] + "软件",
                "status": "granted",
            }
        )
    start = datetime.date(rng.randint(2014, 2021), rng.randint(1, 12), 1)
    evaluation = rng.choice(["appraisal", "acceptance", "conclusion", "review", "none"])
    return {
        "organization": organization,
        "title": record["title"],
        "kind": profile["kind"],
        "summary": record["abstract"],
        "keywords": [k for k in record["keywords"] if len(k) <= 20][:5],
        "tech_field": tech_field_for(record),
        "discipline": discipline,
        "trl": trl,
        "stage": STAGE_BY_TRL.get(trl, "lab"),
        "source": rng.choice(["national", "provincial", "city", "self_funded", "cooperation"]),
        "attribute": rng.choice(["original", "original", "secondary", "imported"]),
        "forms": list(dict.fromkeys(forms)),
        "evaluation": evaluation,
        # a level comes from an evaluation's conclusion
        "level": "not_evaluated"
        if evaluation == "none"
        else rng.choice(["dom_leading", "dom_advanced", "dom_advanced", "intl_advanced", "not_evaluated"]),
        "research_start": start,
        "research_end": start + datetime.timedelta(days=rng.randint(365, 1400)),
        "transfer_modes": list(dict.fromkeys(modes)),
        "price_negotiable": negotiable,
        "price": None if negotiable else Decimal(rng.choice(profile["prices"])) * 10000,
        "contact_name": "联系人（演示）",
        "contact_phone": f"028-3{rng.randint(1000000, 9999999)}",
        "confidential_details": "关键工艺参数与实验原始数据仅在签署保密协议后提供（演示数据）。",
        "ip_items": ip_items,
    }


@transaction.atomic
def load(limit: int | None = None, stdout=None) -> dict:
    if Organization.objects.filter(name=ORGANIZATIONS[0][2]).exists():
        return {"skipped": True}
    rng = random.Random(20170936)  # the plan's document number, for a fixed seed
    regions = {r.code: r for r in Region.objects.all()}
    users, orgs = {}, {}
    for username, full_name, name, kind, region, description in [*ORGANIZATIONS, PENDING_ORG]:
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            full_name=full_name,
            email=f"{username}@demo.keqiao.example",
            is_broker=username == "agency",
        )
        verified = username != PENDING_ORG[0]
        org = Organization.objects.create(
            name=name,
            kind=kind,
            credit_code=make_credit_code(rng, region),
            region=regions[region],
            description=description,
            contact_name=full_name,
            contact_email=user.email,
            status=Organization.Status.VERIFIED if verified else Organization.Status.PENDING,
            verified_at=timezone.now() if verified else None,
        )
        membership_add(organization=org, user=user, role=Membership.Role.ADMIN)
        users[username], orgs[username] = user, org
    admin = User.objects.create_superuser(
        username="admin", password=DEMO_PASSWORD, email="admin@demo.keqiao.example", full_name="平台管理员"
    )
    users["admin"] = admin

    records = demo_records(limit=limit)
    find = discipline_lookup()["find"]
    now = timezone.now()
    workflow_tail = min(40, len(records) // 5)
    published_records, workflow_records = (
        records[: -workflow_tail or None],
        records[len(records) - workflow_tail :],
    )
    rows = []
    # The Meishan achievements first: recent, and the featured ones of the showcase.
    for i, record in enumerate(read_records(path=MEISHAN_FILE)):
        row = record_row(record, rng, orgs[record["owner"]], find(record["discipline"]))
        row["published_at"] = now - datetime.timedelta(days=3 + 4 * i, hours=rng.randint(0, 23))
        rows.append(row)
    for i, record in enumerate(published_records):
        row = record_row(record, rng, orgs[owner_for(record)], find(record["discipline"]))
        # Spread publication over the last year; a few listings are about to expire.
        row["published_at"] = now - datetime.timedelta(
            days=350 + (i % 10) if i % 97 == 0 else rng.randint(1, 330), hours=rng.randint(0, 23)
        )
        rows.append(row)
    # Published directly, as approved by the bureau: each gets its registration number.
    ids = services.achievements_import(rows=rows, by=users["bureau"], issue_registration_numbers=True)
    for pk in ids[:6]:
        services.achievement_set_featured(achievement=Achievement(pk=pk), by=users["bureau"], featured=True)

    # The rest go through the full workflow, so every state appears in the demo.
    counts = {"published": len(ids)}
    for i, record in enumerate(workflow_records):
        owner_key = owner_for(record)
        owner = users[owner_key]
        row = record_row(record, rng, orgs[owner_key], find(record["discipline"]))
        organization, ip_items = row.pop("organization"), row.pop("ip_items")
        a = services.achievement_create(by=owner, organization=organization, data=row, ip_items=ip_items)
        step = i % 8
        if step >= 1:
            a = services.achievement_submit(achievement=a, by=owner)
        if step == 2:
            a = services.achievement_return(
                achievement=a,
                by=users["bureau"],
                comment="请补充中试数据和知识产权证明材料，并说明与现有技术相比的优势。",
            )
        if step >= 3:
            a = services.achievement_approve(achievement=a, by=users["bureau"])
        if step >= 4:
            a = services.achievement_publish(achievement=a, by=owner)
        if step == 5:
            a = services.achievement_withdraw(achievement=a, by=owner, note="与企业已达成独家许可意向。")
        counts[a.status] = counts.get(a.status, 0) + 1
    counts.update(load_demands(users, orgs, regions))
    return {"skipped": False, "counts": counts}


def load_demands(users, orgs, regions) -> dict:
    """Demands through the real workflow, what their owners follow, and a broker's recommendation."""
    today = timezone.localdate()
    demands = []
    for i, (
        owner,
        behalf,
        title,
        problem,
        indicators,
        keywords,
        field,
        modes,
        trl,
        low,
        high,
        private,
        region,
    ) in enumerate(DEMANDS):
        data = {
            "title": title,
            "on_behalf_of": behalf,
            "problem": problem,
            "indicators": indicators,
            "keywords": keywords,
            "tech_field": field,
            "cooperation_modes": modes,
            "min_trl": trl,
            "budget_min": Decimal(low) if low else None,
            "budget_max": Decimal(high) if high else None,
            "budget_negotiable": low is None and high is None,
            "budget_private": private,
            "deadline": today + datetime.timedelta(days=60 + 15 * i),
            "region": regions[region],
            "contact_name": users[owner].full_name,
            "contact_phone": f"028-3{8100000 + i}",
            "contact_email": users[owner].email,
        }
        d = demand_services.demand_create(by=users[owner], organization=orgs[owner], data=data)
        if i < len(DEMANDS) - 2:
            d = demand_services.demand_submit(demand=d, by=users[owner])
            d = demand_services.demand_approve(demand=d, by=users["bureau"])
        elif i == len(DEMANDS) - 2:
            d = demand_services.demand_submit(demand=d, by=users[owner])
        demands.append(d)
        matching_services.subscription_create(
            user=users[owner], kind="demand", value=str(d.pk), frequency="instant"
        )
    matching_services.subscription_create(user=users["materials"], kind="field", value="new_materials")
    matching_services.subscription_create(user=users["agri"], kind="query", value="泡菜 乳酸菌")
    return {"demands": len(demands)}


def load_recommendation() -> bool:
    """The demo broker recommends the best achievement for the first published demand."""
    demand = Demand.objects.filter(status="published").order_by("pk").first()
    broker = User.objects.filter(username="agency").first()
    if demand is None or broker is None or Recommendation.objects.exists():
        return False
    rows = matches_for("demand", demand, k=1)
    if not rows:
        return False
    matching_services.recommendation_push(
        broker=broker,
        achievement=rows[0].record,
        demand=demand,
        direction="demand",
        note="该成果的检测方法与贵公司需求高度相关，持有方可提供小试数据，建议安排技术对接。",
    )
    return True
