"""Challenge services: publishing and every refused input, sealed proposals, the deadline's close (frozen
clock, idempotent), scoring, the award into a deal and contract, no award, and the figures."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from keqiao.challenges import selectors, services
from keqiao.challenges.models import Challenge, ChallengeEvent, Proposal
from keqiao.common.errors import DomainError, NotPermitted
from keqiao.contracts import trade_modes
from keqiao.contracts.services import CONTRACT_TYPE_OF_MODE
from keqiao.negotiations.models import Deal

from .conftest import after_deadline, challenge_data, pdf

pytestmark = pytest.mark.django_db


def _close(challenge):
    with time_machine.travel(after_deadline(challenge), tick=False):
        return services.challenges_maintain()


def test_publish_copies_the_demand_and_records_an_event(make_challenge):
    c = make_challenge()
    assert c.status == "open"
    assert c.tech_field == c.demand.tech_field and c.region_id == c.demand.region_id
    assert [e.action for e in ChallengeEvent.objects.filter(challenge=c)] == ["published"]
    assert c.criteria[0] == {"name": "技术路线可行性", "weight": 40}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"deadline": timezone.now() - datetime.timedelta(days=1)}, "deadline", "in the future"),
        ({"amount": "-1"}, "amount", "cannot be negative"),
        ({"amount": "0"}, "amount", "more than zero"),
        (
            {"criteria": [{"name": "可行性", "weight": 50}, {"name": "报价", "weight": 40}]},
            "criteria",
            "add up to 100",
        ),
        ({"criteria": "可行性: 60\n报价: 30"}, "criteria", "they add up to 90"),
        ({"criteria": "可行性 60"}, "criteria", "name: weight"),
        (
            {"criteria": [{"name": "可行性", "weight": 0}, {"name": "报价", "weight": 100}]},
            "criteria",
            "from 1 to 100",
        ),
        (
            {"criteria": [{"name": "可行性", "weight": 50}, {"name": "可行性", "weight": 50}]},
            "criteria",
            "twice",
        ),
        ({"criteria": []}, "criteria", "at least one"),
        ({"goals": "  "}, "goals", "goals"),
        ({"reward_kind": "lottery"}, "reward_kind", "budget or a prize"),
    ],
)
def test_bad_terms_are_refused_by_field(make_demand, outsider, overrides, field, message):
    demand = make_demand("published")
    with pytest.raises(DomainError, match=message) as exc:
        services.challenge_publish(by=outsider, demand=demand, data=challenge_data(**overrides))
    assert exc.value.field == field
    assert not Challenge.objects.exists()


def test_criteria_as_text_lines(make_demand, outsider):
    c = services.challenge_publish(
        by=outsider,
        demand=make_demand("published"),
        data=challenge_data(criteria="技术路线：60\n报价合理性: 40%\n"),
    )
    assert c.criteria == [{"name": "技术路线", "weight": 60}, {"name": "报价合理性", "weight": 40}]


def test_only_the_demand_owner_or_the_bureau_publishes(make_demand, owner, bureau, outsider):
    demand = make_demand("published")
    with pytest.raises(NotPermitted):
        services.challenge_publish(by=owner, demand=demand, data=challenge_data())
    city = services.challenge_publish(by=bureau, demand=demand, data=challenge_data())
    assert city.organization.kind == "city_bureau"  # a city challenge
    with pytest.raises(DomainError, match="already an open challenge"):
        services.challenge_publish(by=outsider, demand=demand, data=challenge_data())


def test_a_draft_demand_cannot_become_a_challenge(make_demand, outsider):
    with pytest.raises(DomainError, match="published demand"):
        services.challenge_publish(by=outsider, demand=make_demand("draft"), data=challenge_data())


def test_proposals_are_sealed_until_the_deadline(make_challenge, submit, outsider, owner, rival, bureau):
    c = make_challenge()
    p = submit(c, files=[pdf()])
    assert p.attachments.count() == 1
    assert selectors.can_read_proposal(owner, p)
    assert not selectors.can_read_proposal(outsider, p)  # the challenger: not before the deadline
    assert not selectors.can_read_proposal(rival, p)
    assert not selectors.can_read_proposal(bureau, p)
    assert selectors.proposals_for_challenger(c) == []
    _close(c)
    c.refresh_from_db()
    p.refresh_from_db()
    assert selectors.can_read_proposal(outsider, p)
    assert not selectors.can_read_proposal(rival, p)
    assert not selectors.can_read_proposal(bureau, p)


def test_the_challengers_own_organisation_cannot_propose(
    make_challenge, outsider, other_org, bureau, bureau_org
):
    c = make_challenge()
    with pytest.raises(NotPermitted, match="challenger's own organisation"):
        services.proposal_submit(
            challenge=c, by=outsider, organization=other_org, data={"approach": "x"}, files=[]
        )
    with pytest.raises(NotPermitted, match="Government"):
        services.proposal_submit(challenge=c, by=bureau, organization=bureau_org, data={}, files=[])


def test_a_proposal_for_someone_elses_organisation_is_refused(make_challenge, rival, holder_org):
    with pytest.raises(NotPermitted, match="organisation you belong to"):
        services.proposal_submit(
            challenge=make_challenge(), by=rival, organization=holder_org, data={}, files=[]
        )


def test_proposal_bad_input(make_challenge, submit):
    c = make_challenge()
    with pytest.raises(DomainError) as exc:
        submit(c, price="-3")
    assert exc.value.field == "price"
    with pytest.raises(DomainError) as exc:
        submit(c, months=0)
    assert exc.value.field == "months"
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("方案.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    with pytest.raises(DomainError) as exc:
        submit(c, files=[fake])
    assert exc.value.field == "files"
    assert not Proposal.objects.exists()


def test_one_proposal_per_solver_and_withdrawal_before_the_deadline(make_challenge, submit, owner):
    c = make_challenge()
    p = submit(c)
    with pytest.raises(DomainError, match="already submitted"):
        submit(c)
    services.proposal_withdraw(proposal=p, by=owner)
    p.refresh_from_db()
    assert p.status == "withdrawn"
    again = submit(c)  # a withdrawn proposal may be replaced
    with pytest.raises(DomainError, match="no longer be withdrawn"):
        services.proposal_withdraw(proposal=again, by=owner, now=after_deadline(c))


def test_no_proposal_after_the_deadline(make_challenge, submit):
    c = make_challenge()
    with time_machine.travel(after_deadline(c), tick=False):
        with pytest.raises(DomainError, match="deadline has passed"):
            submit(c)
        _close(c)
        with pytest.raises(DomainError, match="deadline has passed"):
            submit(c, who="rival")


def test_the_deadline_opens_the_proposals_once(make_challenge, submit):
    c = make_challenge()
    submit(c)
    with time_machine.travel(c.deadline - datetime.timedelta(minutes=1), tick=False):
        assert services.challenges_maintain() == {"opened": 0}
    assert _close(c) == {"opened": 1}
    assert _close(c) == {"opened": 0}  # idempotent
    c.refresh_from_db()
    assert c.status == "evaluating" and c.closed_at == after_deadline(c)
    assert [e.action for e in c.events.all()] == ["published", "proposal", "close"]


def test_without_proposals_the_deadline_closes_with_no_award(make_challenge):
    c = make_challenge()
    _close(c)
    c.refresh_from_db()
    assert c.status == "not_awarded"
    assert "No proposal" in c.status_note


def test_scoring_weights_the_criteria(make_challenge, submit, outsider, owner):
    c = make_challenge()
    p = submit(c)
    with pytest.raises(DomainError, match="once the deadline"):
        services.proposal_score(proposal=p, by=outsider, scores={"0": 80, "1": 70, "2": 90, "3": 60})
    _close(c)
    with pytest.raises(NotPermitted):
        services.proposal_score(proposal=p, by=owner, scores={"0": 80, "1": 70, "2": 90, "3": 60})
    with pytest.raises(DomainError, match="from 0 to 100") as exc:
        services.proposal_score(proposal=p, by=outsider, scores={"0": 80, "1": 170, "2": 90, "3": 60})
    assert exc.value.field == "score_1"
    p = services.proposal_score(proposal=p, by=outsider, scores={"0": 80, "1": 70, "2": 90, "3": 60})
    # 0.4×80 + 0.3×70 + 0.2×90 + 0.1×60 = 32 + 21 + 18 + 6
    assert p.total == Decimal("77.00")


def test_award_makes_a_commissioned_development_deal(make_challenge, submit, outsider, owner, rival):
    c = make_challenge()
    p1, p2 = submit(c), submit(c, who="rival", price="380000.00")
    _close(c)
    for p, s in ((p1, 80), (p2, 60)):
        services.proposal_score(proposal=p, by=outsider, scores=dict.fromkeys(("0", "1", "2", "3"), s))
    with pytest.raises(NotPermitted):
        services.challenge_award(challenge=c, by=owner, proposal_ids=[p1.pk])
    services.challenge_award(challenge=c, by=outsider, proposal_ids=[p1.pk], note="技术路线最优")
    c.refresh_from_db()
    p1.refresh_from_db()
    p2.refresh_from_db()
    assert c.status == "awarded"
    assert (p1.status, p2.status) == ("awarded", "not_awarded")
    deal = p1.deal
    assert deal.status == "agreed" and deal.demand_id == c.demand_id
    assert deal.seller == p1.organization and deal.buyer == c.demand.organization
    assert deal.mode == "commissioned_development"
    assert deal.agreed_offer.price == Decimal("450000.00")
    assert [w.organization for w in selectors.winners(c)] == [p1.organization]
    assert CONTRACT_TYPE_OF_MODE[deal.mode] == "dev_commissioned"  # 委托开发
    with pytest.raises(DomainError, match="decided"):
        services.challenge_no_award(challenge=c, by=outsider, reason="改为不授予")
    # the transaction statistics by mode count the award as a challenge tender
    row = next(r for r in trade_modes.outcomes_by_mode(None) if r["mode"] == "challenge")
    assert (row["concluded"], row["not_concluded"], row["amount"]) == (1, 0, Decimal("450000.00"))
    assert row["premium"] == (Decimal("450000.00") - c.amount) / c.amount


def test_award_to_several_solvers(make_challenge, submit, outsider):
    c = make_challenge()
    p1, p2 = submit(c), submit(c, who="rival")
    _close(c)
    for p in (p1, p2):
        services.proposal_score(proposal=p, by=outsider, scores=dict.fromkeys(("0", "1", "2", "3"), 75))
    services.challenge_award(challenge=c, by=outsider, proposal_ids=[p1.pk, p2.pk])
    assert Deal.objects.filter(demand=c.demand, status="agreed").count() == 2


def test_award_refusals(make_challenge, submit, outsider, owner):
    c = make_challenge()
    p = submit(c)
    with pytest.raises(DomainError, match="once the deadline"):
        services.challenge_award(challenge=c, by=outsider, proposal_ids=[p.pk])
    other = make_challenge(title="另一个难题")
    stranger = submit(other, who="rival")
    _close(c)
    with pytest.raises(DomainError, match="Evaluate the proposal"):
        services.challenge_award(challenge=c, by=outsider, proposal_ids=[p.pk])
    services.proposal_score(proposal=p, by=outsider, scores=dict.fromkeys(("0", "1", "2", "3"), 70))
    with pytest.raises(DomainError, match="Only a solver with a submitted proposal"):
        services.challenge_award(challenge=c, by=outsider, proposal_ids=[stranger.pk])
    with pytest.raises(DomainError, match="at least one"):
        services.challenge_award(challenge=c, by=outsider, proposal_ids=[])
    assert not Deal.objects.filter(demand=c.demand, status="agreed").exists()


def test_no_award_then_no_award_possible(make_challenge, submit, outsider, owner):
    c = make_challenge()
    p = submit(c)
    _close(c)
    with pytest.raises(DomainError, match="reason"):
        services.challenge_no_award(challenge=c, by=outsider, reason=" ")
    services.challenge_no_award(challenge=c, by=outsider, reason="方案均未达到检测下限要求。")
    c.refresh_from_db()
    assert c.status == "not_awarded" and c.status_note == "方案均未达到检测下限要求。"
    p.refresh_from_db()
    assert p.status == "not_awarded"
    with pytest.raises(DomainError, match="decided"):
        services.challenge_award(challenge=c, by=outsider, proposal_ids=[p.pk])
    with pytest.raises(DomainError, match="decided"):
        services.proposal_score(proposal=p, by=outsider, scores=dict.fromkeys(("0", "1", "2", "3"), 70))


def test_publication_alerts_field_followers_but_not_the_challenger(make_demand, outsider, owner):
    from keqiao.matching.models import Subscription
    from keqiao.notifications.models import Notification

    demand = make_demand("published")
    Subscription.objects.create(user=owner, kind="field", value=demand.tech_field, label="农业")
    Subscription.objects.create(user=outsider, kind="field", value=demand.tech_field, label="农业")
    c = services.challenge_publish(by=outsider, demand=demand, data=challenge_data())
    assert Notification.objects.filter(user=owner, verb="challenge", url=c.get_absolute_url()).exists()
    assert not Notification.objects.filter(user=outsider, verb="challenge").exists()


def test_statistics_by_field_and_region(make_challenge, submit, outsider):
    c = make_challenge()
    make_challenge(title="第二个难题", amount="200000.00")
    p = submit(c)
    _close(c)
    services.proposal_score(proposal=p, by=outsider, scores=dict.fromkeys(("0", "1", "2", "3"), 70))
    services.challenge_award(challenge=c, by=outsider, proposal_ids=[p.pk])
    stats = selectors.statistics()
    assert stats["count"] == 2 and stats["awarded"] == 1
    assert stats["amount"] == Decimal("700000.00")
    assert stats["awarded_amount"] == Decimal("450000.00")
    assert stats["by_field"] == [
        {"tech_field": "agriculture", "n": 2, "awarded": 1, "amount": Decimal("700000.00")}
    ]
    assert stats["by_region"][0]["n"] == 2
