"""The workbench per role: each persona sees its own work first (what awaits it, its listings and their
matches, its negotiations, its deadlines), only the quick actions its role has, and the page costs a
pinned number of queries."""

import datetime
import re
import types

import pytest
from django.urls import reverse
from django.utils import timezone

from keqiao.accounts.models import Membership, Organization
from keqiao.contracts import services as contract_services
from keqiao.governance.models import Department
from keqiao.negotiations import services as deal_services
from keqiao.testing.factories import OrganizationFactory, UserFactory, member

URL = reverse("portal:workbench")
REGISTER_ACHIEVEMENT = 'href="/achievements/new/"'
PUBLISH_DEMAND = 'href="/demands/new/"'


def _contract_data():
    today = timezone.localdate()
    return {
        "project_name": "泡菜低温杀菌技术许可",
        "contract_type": "licence",
        "transfer_object": "patent",
        "licence_kind": "ordinary",
        "seller_name": "眉山测试大学",
        "seller_nature": "022",
        "seller_region_code": "511402",
        "buyer_name": "彭山测试企业",
        "buyer_nature": "140",
        "buyer_region_code": "511403",
        "contract_amount": "200000.00",
        "technology_amount": "180000.00",
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


@pytest.fixture
def world(db, owner, outsider, other_org, holder_org, bureau, make_achievement, make_demand):
    """A small city: the university `owner` has a published achievement on which the enterprise
    `outsider` expressed interest and received an offer, and another achievement awaiting review; the
    enterprise has a published demand and one awaiting review; a new organisation awaits verification;
    a contract awaits registration; a broker, a department, a county bureau and a registration office."""
    published = make_achievement("published", title="泡菜低温杀菌保脆技术")
    make_achievement("submitted", title="竹编机械化编织装置")
    second = make_achievement("published", title="川芎规范化种植技术")
    make_demand("published", title="泡菜杀菌后变软不脆怎么办")
    make_demand("submitted", title="竹编产品防霉处理需求")
    OrganizationFactory(name="东坡示例食品科技有限公司", kind=Organization.Kind.ENTERPRISE, status="pending")

    deal = deal_services.deal_express_interest(
        by=outsider,
        organization=other_org,
        listing=published,
        mode="licence_ordinary",
        message="想了解许可条件。",
    )
    deal = deal_services.deal_accept(deal=deal, by=owner)
    deal_services.message_post(deal=deal, by=outsider, body="请报价。")
    deal_services.offer_make(
        deal=deal, by=owner, price="150000.00", payment_method="lump_sum", mode="licence_ordinary"
    )
    deal_services.deal_express_interest(
        by=outsider,
        organization=other_org,
        listing=second,
        mode="licence_ordinary",
        message="也想了解这一项。",
    )
    contract = contract_services.contract_create(
        by=owner, organization=holder_org, data=_contract_data(), side="seller"
    )
    contract_services.contract_submit(contract=contract, by=owner)

    agency = OrganizationFactory(name="眉山技术转移服务中心（测试）", kind=Organization.Kind.AGENCY)
    office_org = OrganizationFactory(
        name="眉山技术合同登记站（测试）", kind=Organization.Kind.AGENCY, is_contract_office=True
    )
    department_org = OrganizationFactory(
        name="眉山市经济和信息化委（测试）", kind=Organization.Kind.DEPARTMENT
    )
    Department.objects.filter(name="市经济和信息化委").update(organization=department_org)
    county = OrganizationFactory(name="仁寿县科学技术局（测试）", kind=Organization.Kind.COUNTY_BUREAU)
    return types.SimpleNamespace(
        enterprise=outsider,
        university=owner,
        broker=member(agency, Membership.Role.STAFF, username="broker"),
        bureau=bureau,
        department=member(department_org, Membership.Role.STAFF, username="jingxin"),
        county=member(county, Membership.Role.STAFF, username="renshou"),
        office=member(office_org, Membership.Role.STAFF, username="office"),
        nobody=UserFactory(username="nobody"),
    )


# An awaiting line reads "1 offer awaiting your answer" or "2 offers awaiting your answer": either form.
REVIEW_ACHIEVEMENTS = ("achievement to review", "achievements to review")
REVIEW_DEMANDS = ("demand to review", "demands to review")
VERIFY_ORGS = ("organisation to verify", "organisations to verify")
REGISTER_CONTRACTS = ("contract to register", "contracts to register")
ANSWER_OFFERS = ("offer awaiting your answer", "offers awaiting your answer")
ANSWER_INTERESTS = ("expression of interest to answer", "expressions of interest to answer")


# persona: (texts that must be on the page, texts that must not)
EXPECTED = {
    "enterprise": (
        [
            ANSWER_OFFERS,
            "My demands and their matches",
            "泡菜杀菌后变软不脆怎么办",
            PUBLISH_DEMAND,
            "My negotiations",
        ],
        [REVIEW_ACHIEVEMENTS, "My achievements and their matches"],
    ),
    "university": (
        [
            ANSWER_INTERESTS,
            "My achievements and their matches",
            "泡菜低温杀菌保脆技术",
            REGISTER_ACHIEVEMENT,
            "Annual reports",
        ],
        [PUBLISH_DEMAND, REVIEW_ACHIEVEMENTS, "My demands and their matches"],
    ),
    "broker": (["Broker&#x27;s desk", "My negotiations"], [REGISTER_ACHIEVEMENT, REVIEW_ACHIEVEMENTS]),
    "bureau": (
        [REVIEW_ACHIEVEMENTS, REVIEW_DEMANDS, VERIFY_ORGS, REGISTER_CONTRACTS],
        [REGISTER_ACHIEVEMENT, PUBLISH_DEMAND, "My achievements and their matches"],
    ),
    "department": (
        ["Task supervision", "Plan progress"],
        [
            REGISTER_ACHIEVEMENT,
            PUBLISH_DEMAND,
            REVIEW_ACHIEVEMENTS,
            "My achievements and their matches",
            "My negotiations",
        ],
    ),
    "county": (
        [PUBLISH_DEMAND, "My demands and their matches", "Plan progress"],
        [REGISTER_ACHIEVEMENT, REVIEW_ACHIEVEMENTS],
    ),
    "office": ([REGISTER_CONTRACTS], [REGISTER_ACHIEVEMENT, PUBLISH_DEMAND, REVIEW_ACHIEVEMENTS]),
    "nobody": (
        ["Nothing awaits your answer.", "Register your organisation"],
        [REGISTER_ACHIEVEMENT, PUBLISH_DEMAND, "My negotiations"],
    ),
}

QUERIES = {
    "broker": 23,
    "bureau": 24,
    "county": 20,
    "department": 23,
    "enterprise": 24,
    "nobody": 6,
    "office": 24,
    "university": 26,
}


def _forms(text):
    return text if isinstance(text, tuple) else (text,)


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_role_sees_its_own_work_first(client, world, persona, django_assert_num_queries, settings):
    settings.LANGUAGE_CODE = "en"
    client.force_login(getattr(world, persona))
    client.get(URL, HTTP_ACCEPT_LANGUAGE="en")  # warm the matcher and the session
    with django_assert_num_queries(QUERIES[persona]):
        response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    present, absent = EXPECTED[persona]
    for text in present:
        assert any(t in html for t in _forms(text)), (persona, text)
    for text in absent:
        assert not any(t in html for t in _forms(text)), (persona, text)
    # What awaits the user comes before their listings.
    assert html.index('id="awaiting"') < html.index("My organisations")
    if persona == "enterprise":  # publishing demands comes first for an enterprise
        assert html.index(PUBLISH_DEMAND) < html.index(REGISTER_ACHIEVEMENT)


def test_awaiting_lines_agree_with_their_count_in_english(client, world, settings):
    settings.LANGUAGE_CODE = "en"
    client.force_login(world.enterprise)
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    lines = re.findall(r'<b class="count">(\d+)</b> ([^<]+)</a>', html)
    assert lines, "the enterprise has something awaiting"
    for count, label in lines:
        noun = label.split()[0]
        assert (noun.endswith("s") and noun != "of") == (count != "1"), (count, label)
