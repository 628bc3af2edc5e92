"""Personas shared by every test: owner, member, outsider, bureau officer and anonymous visitor."""

import pytest

from keqiao.accounts.models import Membership, Organization
from keqiao.testing.factories import OrganizationFactory, achievement_data, member


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_search_index():
    # The in-memory index lives per process; each test starts from its own database state.
    from keqiao.matching.index import get_match_index
    from keqiao.search.index import all_indexes

    for index in [*all_indexes(), get_match_index()]:
        index.reset()
    yield
    for index in [*all_indexes(), get_match_index()]:
        index.reset()


@pytest.fixture
def holder_org(db):
    return OrganizationFactory(name="眉山测试大学", kind=Organization.Kind.UNIVERSITY)


@pytest.fixture
def other_org(db):
    return OrganizationFactory(name="彭山测试企业", kind=Organization.Kind.ENTERPRISE)


@pytest.fixture
def bureau_org(db):
    return OrganizationFactory(name="眉山市科学技术局（测试）", kind=Organization.Kind.CITY_BUREAU)


@pytest.fixture
def owner(holder_org):
    return member(holder_org, Membership.Role.ADMIN, username="owner")


@pytest.fixture
def colleague(holder_org):
    return member(holder_org, Membership.Role.STAFF, username="colleague")


@pytest.fixture
def outsider(other_org):
    return member(other_org, Membership.Role.ADMIN, username="outsider")


@pytest.fixture
def bureau(bureau_org):
    return member(bureau_org, Membership.Role.STAFF, username="bureau")


@pytest.fixture
def personas(owner, colleague, outsider, bureau):
    return {"owner": owner, "colleague": colleague, "outsider": outsider, "bureau": bureau, "anonymous": None}


@pytest.fixture
def make_achievement(owner, holder_org, bureau):
    """Create an achievement through the services and drive it to the requested state."""
    from keqiao.achievements import services

    def make(state: str = "draft", **overrides):
        a = services.achievement_create(by=owner, organization=holder_org, data=achievement_data(**overrides))
        if state == "draft":
            return a
        a = services.achievement_submit(achievement=a, by=owner)
        if state == "submitted":
            return a
        if state == "returned":
            return services.achievement_return(achievement=a, by=bureau, comment="请补充材料")
        a = services.achievement_approve(achievement=a, by=bureau)
        if state == "approved":
            return a
        a = services.achievement_publish(achievement=a, by=owner)
        if state == "published":
            return a
        if state == "withdrawn":
            return services.achievement_withdraw(achievement=a, by=owner)
        raise ValueError(state)

    return make


@pytest.fixture
def make_demand(outsider, other_org, bureau):
    """A demand of `other_org` (an enterprise; its admin is the `outsider` persona of achievements)."""
    from keqiao.demands import services
    from keqiao.testing.factories import demand_data

    def make(state: str = "draft", **overrides):
        d = services.demand_create(by=outsider, organization=other_org, data=demand_data(**overrides))
        if state == "draft":
            return d
        d = services.demand_submit(demand=d, by=outsider)
        if state == "submitted":
            return d
        if state == "returned":
            return services.demand_return(demand=d, by=bureau, comment="请补充指标")
        d = services.demand_approve(demand=d, by=bureau)
        if state == "published":
            return d
        if state == "closed":
            return services.demand_close(demand=d, by=outsider)
        if state == "solved":
            return services.demand_close(demand=d, by=outsider, solved=True)
        raise ValueError(state)

    return make
