"""Demo deals and technology contracts: live negotiations in every state between the demo organisations,
and three years of registered contracts so that the statistics page has something to show.

The live negotiations go through the services. The registered contracts of past months are historical
records: they are written directly, with the registration dates and numbers they would have received.
"""

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from keqiao.accounts.models import Organization, User
from keqiao.achievements.models import Achievement
from keqiao.contracts import choices
from keqiao.contracts import income as contract_income
from keqiao.contracts import register as contract_register
from keqiao.contracts import services as contract_services
from keqiao.contracts.models import Contract, ContractEvent, RegistrationCounter
from keqiao.demands.models import Demand
from keqiao.negotiations import services
from keqiao.negotiations.models import Deal

# Parties outside the platform (fictional), with their nature codes and GB/T 2260 region codes.
OUTSIDE_SELLERS = [
    ("成都某理工大学（演示）", "022", "510104"),
    ("四川某农业科学院（演示）", "021", "510107"),
    ("绵阳某电子研究所（演示）", "021", "510703"),
]
OUTSIDE_BUYERS = [
    ("成都某新能源科技有限公司（演示）", "140", "510116"),
    ("乐山某硅材料有限公司（演示）", "130", "511102"),
    ("重庆某机械制造有限公司（演示）", "110", "500112"),
    ("眉山某食品有限公司（演示）", "140", "511402"),
    ("青神某竹编工艺有限公司（演示）", "140", "511425"),
    ("洪雅某茶业有限公司（演示）", "140", "511423"),
    ("丹棱某柑橘专业合作社（演示）", "900", "511424"),
]
# Technology transaction amount per year, in yuan (the current year is partial).
YEAR_TOTALS = {-2: Decimal("86300000"), -1: Decimal("104800000"), 0: Decimal("61500000")}
YEAR_COUNTS = {-2: 30, -1: 36, 0: 27}
TYPE_WEIGHTS = [
    ("transfer", 22),
    ("licence", 14),
    ("dev_commissioned", 26),
    ("dev_cooperative", 10),
    ("consulting", 8),
    ("service", 20),
]


def _users() -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=_USERNAMES)}


_USERNAMES = [
    "bureau",
    "univ",
    "agri",
    "materials",
    "pharma",
    "maker",
    "bamboo",
    "agency",
    "paocai",
    "renshou",
    "zhubian",
]


def _org(user: User) -> Organization:
    return user.memberships.select_related("organization", "organization__region").first().organization


def _achievement(org: Organization, field: str | None = None) -> Achievement | None:
    qs = Achievement.objects.filter(organization=org, status="published")
    if field:
        qs = qs.filter(tech_field=field) or qs
    return qs.order_by("pk").first()


@transaction.atomic
def load_deals() -> dict:
    if Deal.objects.exists() or Contract.objects.exists():
        return {}
    u = _users()
    if len(u) < len(_USERNAMES):
        return {}
    orgs = {name: _org(user) for name, user in u.items()}
    # History first, so that the contracts registered below take the next numbers of this year.
    counts = {"deals": 0, "contracts": _history(u, orgs)}

    def interest(buyer: str, listing, mode: str, message: str) -> Deal:
        counts["deals"] += 1
        return services.deal_express_interest(
            by=u[buyer], organization=orgs[buyer], listing=listing, mode=mode, message=message
        )

    # 1. Waiting for an answer: the pickle maker asks the agricultural institute.
    a = _achievement(orgs["agri"], "agriculture")
    if a:
        interest("paocai", a, "licence_ordinary", "我公司年产泡菜3万吨，希望了解该技术的许可条件和中试数据。")

    # 2. Negotiating, with a broker in the room, a meeting and an open offer.
    a = _achievement(orgs["materials"], "new_materials")
    if a:
        deal = interest(
            "bamboo", a, "licence_exclusive", "青神竹编产业园拟建竹基复合材料生产线，希望独占许可。"
        )
        services.deal_accept(deal=deal, by=u["materials"])
        services.message_post(deal=deal, by=u["bamboo"], body="请提供小试和中试数据，以及专利法律状态。")
        services.message_post(
            deal=deal, by=u["materials"], body="中试报告和专利证书已整理，可在会面时详细介绍。"
        )
        services.broker_invite(deal=deal, by=u["bamboo"], broker=u["agency"])
        services.message_post(
            deal=deal, by=u["agency"], body="建议先确定许可地域和期限，再讨论入门费和提成比例。"
        )
        services.meeting_propose(
            deal=deal,
            by=u["materials"],
            starts_at=timezone.now() + datetime.timedelta(days=5, hours=2),
            place="仁寿新材料与化工研究所中试基地会议室",
            agenda="技术交底、中试线参观、许可条件",
        )
        services.offer_make(
            deal=deal,
            by=u["materials"],
            price="1200000.00",
            payment_method="lump_sum_royalty",
            payment_note="入门费80万元，销售额3%提成，期限5年",
            mode="licence_exclusive",
            territory="四川省",
            duration_months=60,
        )

    # 3. Agreed: the contract is still to be registered.
    a = _achievement(orgs["univ"], "advanced_manufacturing") or _achievement(orgs["univ"])
    if a:
        deal = interest("maker", a, "transfer", "我公司从事精密零部件加工，希望受让该技术用于产线升级。")
        services.deal_accept(deal=deal, by=u["univ"])
        offer = services.offer_make(
            deal=deal, by=u["univ"], price="450000.00", payment_method="instalments", mode="transfer"
        )
        counter = services.offer_make(
            deal=deal,
            by=u["maker"],
            price="380000.00",
            payment_method="instalments",
            payment_note="签约付50%，验收付50%",
            mode="transfer",
            replaces=offer.pk,
        )
        services.offer_accept(offer=counter, by=u["univ"])

    # 4. Declined, with a reason.
    d = Demand.objects.filter(status="published", organization=orgs["renshou"]).order_by("pk").first()
    if d:
        deal = interest("pharma", d, "consulting", "我公司可提供柑橘病害检测咨询服务。")
        services.deal_decline(deal=deal, by=u["renshou"], reason="目前需要的是田间防控技术而非检测服务。")

    # 5. A deal registered as a contract and being performed.
    d = Demand.objects.filter(status="published", organization=orgs["paocai"]).order_by("pk").first()
    if d:
        deal = interest("agri", d, "commissioned_development", "我院乳酸菌菌种库可用于降低亚硝酸盐峰值。")
        services.deal_accept(deal=deal, by=u["paocai"])
        offer = services.offer_make(
            deal=deal,
            by=u["agri"],
            price="420000.00",
            payment_method="instalments",
            mode="commissioned_development",
        )
        deal = services.offer_accept(offer=offer, by=u["paocai"])
        data = {
            **contract_services.contract_initial(deal),
            "technology_amount": Decimal("400000.00"),
            "ip_type": "none",
            "socio_economic_objective": "agriculture",
            "seller_legal_representative": "赵院长",
            "buyer_legal_representative": "刘总",
        }
        contract = contract_services.contract_create(
            by=u["agri"], organization=orgs["agri"], data=data, deal=deal
        )
        contract_services.contract_submit(contract=contract, by=u["agri"])
        # 技术性收入核定: the office deducts the culture materials the contract itemises
        contract_income.income_year_record(
            contract=contract, by=u["bureau"], year=contract.signed_on.year, amount=contract.contract_amount
        )
        contract_income.income_deduction_record(
            contract=contract,
            by=u["bureau"],
            year=contract.signed_on.year,
            category="materials",
            amount="20000.00",
            basis="合同第六条：菌种培养基及发酵耗材费用，据预算表列支",
        )
        contract = contract_services.contract_approve(contract=contract, by=u["bureau"])
        contract_services.milestone_record(
            contract=contract, by=u["agri"], title="完成菌种筛选与小试", done_on=timezone.localdate()
        )
        contract_services.payment_record(
            contract=contract,
            by=u["agri"],
            received_on=timezone.localdate(),
            amount="210000.00",
            note="首期款",
        )
        # A supplementary agreement extends the term: an amendment, and the certificate is reissued.
        contract_services.contract_correct(
            contract=contract,
            by=u["bureau"],
            data={"ends_on": contract.ends_on + datetime.timedelta(days=90)},
            reason="双方签订补充协议，中试阶段延长三个月",
        )
        counts["contracts"] += 1

    # 6. One filed off the platform, waiting for the registration office.
    today = timezone.localdate()
    c = contract_services.contract_create(
        by=u["univ"],
        organization=orgs["univ"],
        side="seller",
        data={
            "project_name": "眉山示范大学—乐山某硅材料有限公司 多晶硅还原炉节能控制技术服务",
            "contract_type": "service",
            "seller_name": orgs["univ"].name,
            "seller_nature": "022",
            "seller_region_code": "511402",
            "buyer_name": "乐山某硅材料有限公司（演示）",
            "buyer_nature": "130",
            "buyer_region_code": "511102",
            "contract_amount": Decimal("260000.00"),
            "technology_amount": Decimal("260000.00"),
            "payment_method": "instalments",
            "signed_on": today - datetime.timedelta(days=6),
            "starts_on": today - datetime.timedelta(days=6),
            "ends_on": today + datetime.timedelta(days=300),
            "ip_type": "none",
            "tech_field": "new_energy",
            "socio_economic_objective": "energy",
            "plan_source": "none",
        },
    )
    contract_services.contract_submit(contract=c, by=u["univ"])
    counts["contracts"] += 1
    return counts


def _history(u: dict[str, User], orgs: dict[str, Organization]) -> int:
    """Registered contracts of this year and the two before, spread over months, counties and types."""
    rng = random.Random(20170936)
    today = timezone.localdate()
    sellers = [(orgs[k], k) for k in ("univ", "agri", "materials", "pharma")]
    buyers = [(orgs[k], k) for k in ("maker", "bamboo", "paocai", "zhubian", "renshou")]
    titles = list(
        Achievement.objects.filter(status="published", organization__in=[o for o, _k in sellers])
        .order_by("pk")
        .values_list("title", "tech_field", "organization_id")[:400]
    )
    types = [t for t, w in TYPE_WEIGHTS for _ in range(w)]
    created = 0
    for offset, total in YEAR_TOTALS.items():
        year = today.year + offset
        n = YEAR_COUNTS[offset]
        last_day = today - datetime.timedelta(days=2) if offset == 0 else datetime.date(year, 12, 31)
        first_day = datetime.date(year, 1, 5)
        weights = [rng.lognormvariate(0, 1.0) for _ in range(n)]
        scale = total / Decimal(str(sum(weights)))
        dates = sorted(
            first_day + datetime.timedelta(days=rng.randint(0, (last_day - first_day).days)) for _ in range(n)
        )
        counter, _ = RegistrationCounter.objects.get_or_create(year=year)
        serial = counter.last_serial
        for i in range(n):
            technology = (Decimal(str(weights[i])) * scale).quantize(Decimal("1000"))
            technology = max(technology, Decimal("30000"))
            amount = (technology * Decimal(str(rng.choice([1, 1, 1, 1.05, 1.1, 1.2])))).quantize(
                Decimal("0.01")
            )
            if rng.random() < 0.7:
                seller_org, _key = rng.choice(sellers)
                seller = (seller_org.name, contract_services.party_nature(seller_org), seller_org.region.code)
            else:
                seller_org, seller = None, rng.choice(OUTSIDE_SELLERS)
            if rng.random() < 0.5:
                buyer_org, _key = rng.choice(buyers)
                # the nature follows the kind: the county bureau is a government body, not an enterprise
                buyer = (buyer_org.name, contract_services.party_nature(buyer_org), buyer_org.region.code)
            else:
                buyer_org, buyer = None, rng.choice(OUTSIDE_BUYERS)
            if seller[2] in ("511400",):
                seller = (seller[0], seller[1], "511402")
            if buyer[2] in ("511400",) or len(buyer[2]) != 6:
                buyer = (buyer[0], buyer[1], "511402")
            if seller[0] == buyer[0]:
                continue
            ctype = rng.choice(types)
            if buyer[1] == choices.PartyNature.GOVERNMENT and ctype not in ("consulting", "service"):
                ctype = "consulting"  # a bureau buys advice and services, not patents
            title, field, _org_id = (
                titles[rng.randrange(len(titles))] if titles else ("技术服务", "new_materials", 0)
            )
            suffix = {
                "transfer": "技术转让",
                "licence": "专利实施许可",
                "dev_commissioned": "委托开发",
                "dev_cooperative": "合作开发",
                "consulting": "技术咨询",
                "service": "技术服务",
            }[ctype]
            registered_on = dates[i]
            signed_on = registered_on - datetime.timedelta(days=rng.randint(3, 40))
            serial += 1
            filer = seller_org or buyer_org or orgs["agency"]
            contract = Contract(
                organization=filer,
                created_by=u["agency"] if filer == orgs["agency"] else u[_key_of(orgs, filer)],
                status=choices.ContractStatus.APPROVED,
                registration_number=f"{year}{_region()}{serial:06d}",
                project_name=f"{title[:60]}{suffix}",
                contract_type=ctype,
                transfer_object="patent" if ctype in ("transfer", "licence") else "",
                licence_kind=rng.choice(["exclusive", "sole", "ordinary"]) if ctype == "licence" else "",
                seller_organization=seller_org,
                seller_name=seller[0],
                seller_nature=seller[1],
                seller_region_code=seller[2],
                buyer_organization=buyer_org,
                buyer_name=buyer[0],
                buyer_nature=buyer[1],
                buyer_region_code=buyer[2],
                contract_amount=amount,
                technology_amount=technology,
                payment_method=rng.choice(["lump_sum", "instalments", "instalments", "royalty"]),
                signed_on=signed_on,
                starts_on=signed_on,
                ends_on=signed_on + datetime.timedelta(days=rng.choice([180, 365, 730])),
                ip_type="invention_patent"
                if ctype in ("transfer", "licence")
                else rng.choice(["none", "know_how"]),
                tech_field=field,
                socio_economic_objective=rng.choice(
                    ["industry", "agriculture", "environment", "health", "energy"]
                ),
                plan_source=rng.choice(["none", "none", "none", "city", "provincial"]),
                reviewed_by=u["bureau"],
                registered_on=registered_on,
                approved_at=timezone.make_aware(
                    datetime.datetime.combine(registered_on, datetime.time(10, 30))
                ),
                submitted_at=timezone.make_aware(
                    datetime.datetime.combine(registered_on, datetime.time(9, 0))
                ),
            )
            contract.full_clean(exclude=["deal"])
            contract.save()
            ContractEvent.objects.create(
                contract=contract,
                actor=u["bureau"],
                action="approve",
                from_status="submitted",
                to_status="approved",
            )
            contract_register.contract_registered(contract=contract, by=u["bureau"])  # entry + certificate
            created += 1
        counter.last_serial = serial
        counter.save(update_fields=["last_serial"])
    return created


def _region() -> str:
    return settings.KEQIAO["CONTRACT_REGION_CODE"]


def _key_of(orgs: dict[str, Organization], org: Organization) -> str:
    return next(k for k, o in orgs.items() if o.pk == org.pk)
