"""Challenge personas: the enterprise `outsider` (other_org) publishes its demand as a challenge; the
university `owner` (holder_org) and the enterprise `rival` (rival_org) submit proposals; `bureau` is the
city S&T bureau."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from keqiao.accounts.models import Membership, Organization
from keqiao.challenges import services
from keqiao.testing.factories import OrganizationFactory, member

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def rival_org(db):
    return OrganizationFactory(name="青神竹编测试企业", kind=Organization.Kind.ENTERPRISE)


@pytest.fixture
def rival(rival_org):
    return member(rival_org, Membership.Role.ADMIN, username="rival")


def challenge_data(**overrides) -> dict:
    data = {
        "title": "泡菜发酵过程亚硝酸盐在线监测",
        "goals": "在12个月内建成发酵罐亚硝酸盐在线监测系统，替代人工抽检。",
        "indicators": "检测下限0.5 mg/kg；响应时间不超过10分钟；连续运行30天无人工校准。",
        "reward_kind": "budget",
        "amount": "500000.00",
        "deadline": timezone.now() + datetime.timedelta(days=30),
        "eligibility": "具备传感器研发能力的高校、科研院所或企业，可联合申报。",
        "criteria": [
            {"name": "技术路线可行性", "weight": 40},
            {"name": "指标先进性", "weight": 30},
            {"name": "团队能力", "weight": 20},
            {"name": "报价合理性", "weight": 10},
        ],
        "evaluation": "challenger",
    }
    data.update(overrides)
    return data


def proposal_data(**overrides) -> dict:
    data = {
        "approach": "采用电化学传感器阵列结合温度补偿算法，在发酵罐侧壁安装取样流通池。",
        "indicators_response": "检测下限0.3 mg/kg，响应时间5分钟，连续运行45天。",
        "team": "食品工程学院传感器课题组，6人，承担过省重点研发项目。",
        "price": "450000.00",
        "months": 10,
    }
    data.update(overrides)
    return data


def pdf(name="技术方案.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def make_challenge(make_demand, outsider):
    def make(**overrides):
        demand = make_demand("published")
        return services.challenge_publish(by=outsider, demand=demand, data=challenge_data(**overrides))

    return make


@pytest.fixture
def submit(owner, holder_org, rival, rival_org):
    """submit(challenge, who="owner"|"rival", files=...) -> Proposal."""

    def make(challenge, who: str = "owner", files=(), **overrides):
        user, org = {"owner": (owner, holder_org), "rival": (rival, rival_org)}[who]
        return services.proposal_submit(
            challenge=challenge, by=user, organization=org, data=proposal_data(**overrides), files=list(files)
        )

    return make


def after_deadline(challenge) -> datetime.datetime:
    return challenge.deadline + datetime.timedelta(minutes=1)


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield
