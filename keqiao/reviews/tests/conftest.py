"""Review personas: the bureau and an agency organise; experts from several organisations; the
university `owner` holds the achievement under review."""

import pytest

from keqiao.accounts.models import Membership, Organization
from keqiao.reviews import services
from keqiao.testing.factories import OrganizationFactory, UserFactory, member


@pytest.fixture
def english():
    """Messages in English, for tests that read them."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def agency_org(db):
    return OrganizationFactory(name="眉山技术转移服务中心（测试）", kind=Organization.Kind.AGENCY)


@pytest.fixture
def agency(agency_org):
    return member(agency_org, Membership.Role.STAFF, username="agency")


@pytest.fixture
def expert_org(db):
    return OrganizationFactory(name="西南交通大学（测试）", kind=Organization.Kind.UNIVERSITY)


@pytest.fixture
def make_expert(bureau):
    """A confirmed expert (an account of its own) in `organization`, in the agriculture field."""

    def make(username, *, organization=None, organization_name="", confirm=True, **data):
        user = UserFactory(username=username, full_name=data.pop("full_name", f"专家{username}"))
        if organization is not None:
            Membership.objects.create(user=user, organization=organization)
        values = {
            "organization": organization,
            "organization_name": organization_name or (organization.name if organization else "四川农业大学"),
            "title": "senior_full",
            "tech_fields": ["agriculture"],
            "disciplines": ["240"],
        }
        values.update(data)
        expert = services.expert_invite(by=bureau, user=user, data=values)
        if confirm:
            expert = services.expert_confirm(expert=expert, by=bureau)
        return expert

    return make


@pytest.fixture
def experts(make_expert, expert_org):
    return [
        make_expert("exp1", organization=expert_org, full_name="李教授"),
        make_expert("exp2", full_name="王研究员", organization_name="四川省农业科学院"),
        make_expert("exp3", full_name="赵高工", organization_name="眉山职业技术学院"),
    ]


@pytest.fixture
def achievement(make_achievement):
    return make_achievement("published")


@pytest.fixture
def make_review(agency, agency_org, achievement):
    def make(state="open", panel=(), *, by=None, organization=None, scores=None):
        review = services.review_open(
            by=by or agency,
            organization=organization or agency_org,
            subject=achievement,
            title="半滑舌鳎遗传多样性分析技术专家评审",
        )
        for expert in panel:
            services.review_add_expert(review=review, by=by or agency, expert=expert)
        if state == "open":
            return review
        review = services.review_start(review=review, by=by or agency)
        if state == "scoring":
            return review
        for i, p in enumerate(review.panel.select_related("expert__user")):
            row = (scores or {}).get(i) or dict.fromkeys(
                ("scientific", "technological", "economic", "social", "potential"), 80 + i
            )
            services.panelist_submit(
                panelist=p, by=p.expert.user, scores=row, comment="技术路线清晰，数据可靠。"
            )
        if state == "submitted":
            return review
        review = services.review_close(review=review, by=by or agency, conclusion="达到国内领先水平。")
        if state == "closed":
            return review
        raise ValueError(state)

    return make
