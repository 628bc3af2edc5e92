"""Deal personas: the enterprise `outsider` expresses interest in the university `owner`'s achievement."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from keqiao.accounts.models import Membership, Organization
from keqiao.contracts import services as contract_services
from keqiao.negotiations import services
from keqiao.testing.factories import OrganizationFactory, member


@pytest.fixture
def agency_org(db):
    return OrganizationFactory(name="眉山技术转移服务中心（测试）", kind=Organization.Kind.AGENCY)


@pytest.fixture
def broker(agency_org):
    return member(agency_org, Membership.Role.STAFF, username="broker")


@pytest.fixture
def stranger(db):
    org = OrganizationFactory(name="青神测试企业", kind=Organization.Kind.ENTERPRISE)
    return member(org, Membership.Role.ADMIN, username="stranger")


@pytest.fixture
def make_deal(make_achievement, outsider, other_org, owner):
    """A deal on a published achievement, driven to `state` through the services."""

    def make(state: str = "interest", achievement=None):
        achievement = achievement or make_achievement("published")
        deal = services.deal_express_interest(
            by=outsider,
            organization=other_org,
            listing=achievement,
            mode="licence_ordinary",
            message="我们想了解许可条件。",
        )
        if state == "interest":
            return deal
        if state == "declined":
            return services.deal_decline(deal=deal, by=owner, reason="已独家许可他人")
        deal = services.deal_accept(deal=deal, by=owner)
        if state == "accepted":
            return deal
        services.message_post(deal=deal, by=outsider, body="请报价。")
        deal.refresh_from_db()
        if state == "negotiating":
            return deal
        offer = services.offer_make(
            deal=deal, by=owner, price="200000.00", payment_method="lump_sum", mode="licence_ordinary"
        )
        if state == "offered":
            deal.refresh_from_db()
            return deal
        deal = services.offer_accept(offer=offer, by=outsider)
        if state == "agreed":
            return deal
        raise ValueError(state)

    return make


def contract_data(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "project_name": "半滑舌鳎遗传多样性分析技术许可",
        "contract_type": "licence",
        "transfer_object": "patent",
        "licence_kind": "ordinary",
        "seller_name": "眉山测试大学",
        "seller_nature": "022",
        "seller_region_code": "511402",
        "buyer_name": "彭山测试企业",
        "buyer_nature": "140",
        "buyer_region_code": "511403",
        "contract_amount": Decimal("200000.00"),
        "technology_amount": Decimal("180000.00"),
        "payment_method": "lump_sum",
        "signed_on": today - datetime.timedelta(days=3),
        "starts_on": today - datetime.timedelta(days=3),
        "ends_on": today + datetime.timedelta(days=365),
        "related_party": False,
        "ip_type": "invention_patent",
        "tech_field": "agriculture",
        "socio_economic_objective": "agriculture",
        "plan_source": "none",
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_contract(owner, holder_org, bureau):
    """A directly filed contract (seller: the university), driven to `state`."""

    def make(state: str = "draft", **overrides):
        c = contract_services.contract_create(
            by=owner, organization=holder_org, data=contract_data(**overrides), side="seller"
        )
        if state == "draft":
            return c
        c = contract_services.contract_submit(contract=c, by=owner)
        if state == "submitted":
            return c
        if state == "returned":
            return contract_services.contract_return(contract=c, by=bureau, comment="请补充合同附件信息")
        if state == "approved":
            return contract_services.contract_approve(contract=c, by=bureau)
        raise ValueError(state)

    return make
