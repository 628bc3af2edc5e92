"""Annual-report personas: the university `owner` files; `supervisor` is a member of its supervising
department; `other_member` belongs to another institute, `other_dept` to another department."""

import datetime

import pytest
from django.utils import timezone

from keqiao.accounts.models import Membership, Organization
from keqiao.annualreports import services
from keqiao.testing.factories import OrganizationFactory, member


@pytest.fixture
def supervisor_org(holder_org):
    dept = OrganizationFactory(name="眉山市教育和体育局（测试）", kind=Organization.Kind.DEPARTMENT)
    holder_org.supervisor = dept
    holder_org.save(update_fields=["supervisor"])
    return dept


@pytest.fixture
def supervisor(supervisor_org):
    return member(supervisor_org, Membership.Role.STAFF, username="supervisor")


@pytest.fixture
def other_institute(db):
    return OrganizationFactory(name="彭山测试研究院", kind=Organization.Kind.INSTITUTE)


@pytest.fixture
def other_member(other_institute):
    return member(other_institute, Membership.Role.ADMIN, username="other_member")


@pytest.fixture
def other_dept(db, other_institute):
    dept = OrganizationFactory(name="眉山市农业农村局（测试）", kind=Organization.Kind.DEPARTMENT)
    other_institute.supervisor = dept
    other_institute.save(update_fields=["supervisor"])
    return member(dept, Membership.Role.STAFF, username="other_dept")


@pytest.fixture
def year():
    return timezone.localdate().year - 1


@pytest.fixture
def reporting_year(db, year):
    return services.reporting_year_create(year=year)


@pytest.fixture
def report_personas(owner, colleague, supervisor, other_member, other_dept, bureau):
    return {
        "owner": owner,
        "colleague": colleague,
        "supervisor": supervisor,
        "other_member": other_member,
        "other_dept": other_dept,
        "bureau": bureau,
        "anonymous": None,
    }


@pytest.fixture
def make_report(owner, holder_org, supervisor, bureau, reporting_year):
    """The university's report for last year, driven to `state` through the services."""

    def make(state: str = "draft"):
        r = services.report_create(by=owner, organization=holder_org, year=reporting_year.year)
        if state == "draft":
            return r
        r = services.report_submit(report=r, by=owner)
        if state == "submitted":
            return r
        if state == "returned":
            return services.report_return(report=r, by=supervisor, comment="请核对转让合同金额")
        r = services.report_approve(report=r, by=supervisor)
        if state == "approved":
            return r
        r = services.report_receive(report=r, by=bureau)
        if state == "received":
            return r
        raise ValueError(state)

    return make


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """An aware datetime in the city's time zone."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())
