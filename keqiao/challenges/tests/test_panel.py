"""An expert panel of keqiao.reviews evaluates the proposals of a panel-evaluated challenge: the bureau
opens one blind review per proposal, the panel's experts may read that proposal (nobody else), and a
proposal is awarded once its review is closed, on the review's weighted total."""

import pytest

from keqiao.accounts.models import Membership
from keqiao.challenges import selectors, services
from keqiao.common.errors import DomainError, NotPermitted
from keqiao.reviews import services as review_services
from keqiao.testing.factories import UserFactory

from .conftest import after_deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def experts(bureau):
    made = []
    for i, name in enumerate(("李教授", "王研究员", "赵高工")):
        user = UserFactory(username=f"exp{i}", full_name=name)
        expert = review_services.expert_invite(
            by=bureau,
            user=user,
            data={
                "organization": None,
                "organization_name": ("四川农业大学", "四川省农业科学院", "眉山职业技术学院")[i],
                "title": "senior_full",
                "tech_fields": ["agriculture"],
                "disciplines": ["240"],
            },
        )
        made.append(review_services.expert_confirm(expert=expert, by=bureau))
    return made


def test_panel_reviews_each_proposal_and_its_total_allows_the_award(
    make_challenge, submit, outsider, owner, rival, bureau, bureau_org, experts
):
    c = make_challenge(evaluation="panel")
    p = submit(c)
    with pytest.raises(DomainError, match="once the deadline"):
        services.panel_open(challenge=c, by=bureau, organization=bureau_org)
    services.challenges_maintain(now=after_deadline(c))
    c.refresh_from_db()
    with pytest.raises(DomainError, match="expert panel"):
        services.proposal_score(proposal=p, by=outsider, scores={"0": 1, "1": 1, "2": 1, "3": 1})
    with pytest.raises(NotPermitted):
        services.panel_open(challenge=c, by=outsider, organization=outsider.memberships.first().organization)
    (review,) = services.panel_open(challenge=c, by=bureau, organization=bureau_org)
    assert review.subject == p
    assert not selectors.can_read_proposal(experts[0].user, p)
    for e in experts:
        review_services.review_add_expert(review=review, by=bureau, expert=e)
    assert selectors.can_read_proposal(experts[0].user, p)  # a reviewer
    assert selectors.can_read_proposal(bureau, p)  # the review's organiser
    assert not selectors.can_read_proposal(rival, p)
    with pytest.raises(DomainError, match="Evaluate the proposal"):
        services.challenge_award(challenge=c, by=outsider, proposal_ids=[p.pk])
    review = review_services.review_start(review=review, by=bureau)
    for panelist in review.panel.select_related("expert__user"):
        review_services.panelist_submit(
            panelist=panelist,
            by=panelist.expert.user,
            scores=dict.fromkeys(("scientific", "technological", "economic", "social", "potential"), 80),
            comment="技术路线清晰。",
        )
    review_services.review_close(review=review, by=bureau, conclusion="可行。")
    assert services.panel_total(p) == 80
    services.challenge_award(challenge=c, by=outsider, proposal_ids=[p.pk])
    p.refresh_from_db()
    assert p.status == "awarded" and p.deal is not None


def test_a_challenger_evaluated_challenge_has_no_panel(make_challenge, submit, bureau, bureau_org):
    c = make_challenge()
    submit(c)
    services.challenges_maintain(now=after_deadline(c))
    with pytest.raises(DomainError, match="evaluated by the challenger"):
        services.panel_open(challenge=c, by=bureau, organization=bureau_org)


def test_the_panel_is_not_opened_by_an_ordinary_member(make_challenge, submit, owner, holder_org):
    c = make_challenge(evaluation="panel")
    submit(c, who="rival")
    services.challenges_maintain(now=after_deadline(c))
    assert Membership  # organisations' members who are not bureau or agency cannot organise
    with pytest.raises(NotPermitted):
        services.panel_open(challenge=c, by=owner, organization=holder_org)
