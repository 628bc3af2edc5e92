"""Registry personas: the enterprise `ent` (lithium materials, 东坡区) proposes; `county` works for the 东坡区
S&T bureau, its designated department; `stranger` belongs to another enterprise; `bureau` is the city
S&T bureau."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from keqiao.accounts.models import Membership, Organization
from keqiao.registries import services
from keqiao.testing.factories import OrganizationFactory, member

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="高新技术企业证书.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def ent_org(db):
    return OrganizationFactory(name="眉山锂能新材料测试有限公司", kind=Organization.Kind.ENTERPRISE)


@pytest.fixture
def ent(ent_org):
    return member(ent_org, Membership.Role.ADMIN, username="ent")


@pytest.fixture
def county_org(db):
    return OrganizationFactory(name="东坡区科学技术局（测试）", kind=Organization.Kind.COUNTY_BUREAU)


@pytest.fixture
def county(county_org):
    return member(county_org, Membership.Role.STAFF, username="county")


@pytest.fixture
def stranger_org(db):
    return OrganizationFactory(name="洪雅茶叶测试公司", kind=Organization.Kind.ENTERPRISE)


@pytest.fixture
def stranger(stranger_org):
    return member(stranger_org, Membership.Role.ADMIN, username="stranger")


def qualification_data(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "kind": "high_tech",
        "number": "GR202451000123",
        "issuing_body": "四川省科学技术厅 四川省财政厅 国家税务总局四川省税务局",
        "valid_from": today - datetime.timedelta(days=200),
        "valid_until": today - datetime.timedelta(days=200) + datetime.timedelta(days=3 * 365),
    }
    data.update(overrides)
    return data


def platform_data(**overrides) -> dict:
    data = {
        "name": "眉山市锂电正极材料工程技术研究中心",
        "kind": "engineering_centre",
        "level": "city",
        "document": "眉市科发〔2023〕18号",
        "recognised_on": datetime.date(2023, 6, 1),
        "tech_field": "锂电正极材料",
    }
    data.update(overrides)
    return data


@pytest.fixture
def propose(ent, ent_org, county_org):
    def make(**overrides):
        return services.qualification_propose(
            by=ent, organization=ent_org, data=qualification_data(**overrides), evidence=pdf()
        )

    return make


@pytest.fixture
def propose_platform(ent, ent_org, county_org):
    def make(**overrides):
        return services.platform_propose(
            by=ent, organization=ent_org, data=platform_data(**overrides), evidence=pdf("认定文件.pdf")
        )

    return make
