"""The registry and the review workflow through the services: each rule and each refused transition."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from keqiao.accounts.models import Organization
from keqiao.common.errors import AlreadyExists, DomainError, NotPermitted, TransitionNotAllowed
from keqiao.contracts import services as contract_services
from keqiao.contracts.models import Contract
from keqiao.negotiations import services as deal_services
from keqiao.reviews import aggregate, proposal, selectors, services, subjects
from keqiao.reviews.models import ExpertEvent, Review, ReviewEvent
from keqiao.testing.factories import OrganizationFactory, member

pytestmark = pytest.mark.usefixtures("english")

SCORES = dict.fromkeys(("scientific", "technological", "economic", "social", "potential"), 75)

# --- registry -----------------------------------------------------------------------------------------


def test_bureau_invites_and_confirms_an_expert_keeping_is_expert(bureau, make_expert):
    expert = make_expert("e1", confirm=False)
    assert expert.status == "invited"
    expert.user.refresh_from_db()
    assert not expert.user.is_expert
    services.expert_confirm(expert=expert, by=bureau)
    expert.user.refresh_from_db()
    assert expert.user.is_expert
    services.expert_suspend(expert=expert, by=bureau, note="任期届满")
    expert.user.refresh_from_db()
    assert not expert.user.is_expert
    assert list(ExpertEvent.objects.filter(expert=expert).values_list("action", flat=True)) == [
        "invite",
        "confirm",
        "suspend",
    ]


def test_only_the_bureau_invites(agency, owner):
    with pytest.raises(NotPermitted):
        services.expert_invite(by=agency, user=owner, data={"organization_name": "x", "title": "other"})


def test_invitation_is_refused_field_by_field(bureau, owner):
    with pytest.raises(ValidationError) as exc:
        services.expert_invite(
            by=bureau,
            user=owner,
            data={
                "organization_name": "  ",
                "title": "nobel",
                "disciplines": ["999"],
                "tech_fields": ["magic"],
            },
        )
    assert set(exc.value.message_dict) == {"organization_name", "title", "disciplines", "tech_fields"}


def test_a_person_is_invited_once(bureau, make_expert):
    expert = make_expert("e1")
    with pytest.raises(AlreadyExists):
        services.expert_invite(by=bureau, user=expert.user, data={"organization_name": "x", "title": "other"})


def test_suspending_an_invited_expert_is_refused(bureau, make_expert):
    expert = make_expert("e1", confirm=False)
    with pytest.raises(TransitionNotAllowed):
        services.expert_suspend(expert=expert, by=bureau)


def test_expert_keeps_own_profile_and_nobody_else(make_expert, owner, holder_org):
    expert = make_expert("e1")
    services.expert_update(
        expert=expert, by=expert.user, data={"available": False, "conflict_organizations": [holder_org]}
    )
    expert.refresh_from_db()
    assert not expert.available
    assert list(expert.conflict_organizations.all()) == [holder_org]
    assert ExpertEvent.objects.filter(expert=expert, action="update").exists()
    with pytest.raises(NotPermitted):
        services.expert_update(expert=expert, by=owner, data={"available": True})


# --- opening --------------------------------------------------------------------------------------------


def test_agency_and_bureau_open_reviews_holders_do_not(
    agency, agency_org, bureau, bureau_org, owner, holder_org, achievement
):
    review = services.review_open(by=agency, organization=agency_org, subject=achievement, title="评审")
    assert review.status == "open" and review.subject == achievement
    assert ReviewEvent.objects.filter(review=review, action="open").exists()
    services.review_open(by=bureau, organization=bureau_org, subject=achievement, title="评审")
    with pytest.raises(NotPermitted):
        services.review_open(by=owner, organization=holder_org, subject=achievement, title="评审")
    with pytest.raises(NotPermitted):  # a member of the agency acting for another organisation
        services.review_open(by=agency, organization=bureau_org, subject=achievement, title="评审")


def test_a_pending_agency_cannot_open(achievement):
    pending = OrganizationFactory(kind=Organization.Kind.AGENCY, status=Organization.Status.PENDING)
    user = member(pending)
    with pytest.raises(NotPermitted):
        services.review_open(by=user, organization=pending, subject=achievement, title="评审")


def test_a_draft_cannot_be_reviewed(agency, agency_org, make_achievement):
    with pytest.raises(DomainError):
        services.review_open(
            by=agency, organization=agency_org, subject=make_achievement("draft"), title="评审"
        )


def test_open_refuses_an_empty_title(agency, agency_org, achievement):
    with pytest.raises(DomainError) as exc:
        services.review_open(by=agency, organization=agency_org, subject=achievement, title=" \u200b ")
    assert exc.value.field == "title"


def test_weights_must_add_up(agency, agency_org, achievement):
    bad = dict.fromkeys(("scientific", "technological", "economic", "social", "potential"), 0.5)
    with pytest.raises(DomainError) as exc:
        services.review_open(
            by=agency, organization=agency_org, subject=achievement, title="评审", weights=bad
        )
    assert exc.value.field == "weights"


# --- panel and conflicts ----------------------------------------------------------------------------------


def test_conflicted_experts_are_refused_with_their_reason(make_review, make_expert, holder_org, experts):
    review = make_review()
    same_org = make_expert("colleague_expert", organization=holder_org)
    with pytest.raises(DomainError) as exc:
        services.review_add_expert(review=review, by=review.opened_by, expert=same_org)
    assert exc.value.code == "conflict"
    assert holder_org.name in str(exc.value.message)


def test_completer_is_excluded(make_achievement, make_review, make_expert, agency, agency_org):
    achievement = make_achievement("published", completers=["李教授", "张三"])
    expert = make_expert("li", full_name="李教授")
    review = services.review_open(by=agency, organization=agency_org, subject=achievement, title="评审")
    with pytest.raises(DomainError, match="completers"):
        services.review_add_expert(review=review, by=agency, expert=expert)


def test_co_completing_organisation_by_name_is_excluded(make_achievement, make_expert, agency, agency_org):
    achievement = make_achievement("published", other_organizations=["四川省农业科学院"])
    expert = make_expert("wang", organization_name="四川省农业科学院")
    facts = subjects.facts_of(achievement)
    assert proposal.conflicts_of(facts, expert)


def test_declared_conflict_is_excluded(make_review, make_expert, holder_org):
    expert = make_expert("e1")
    services.expert_update(expert=expert, by=expert.user, data={"conflict_organizations": [holder_org]})
    review = make_review()
    with pytest.raises(DomainError, match="Declared"):
        services.review_add_expert(review=review, by=review.opened_by, expert=expert)


def _registered_contract(owner, holder_org, bureau, buyer, *, days_ago=10):
    from keqiao.negotiations.tests.conftest import contract_data

    c = contract_services.contract_create(
        by=owner, organization=holder_org, data=contract_data(), side="seller"
    )
    c = contract_services.contract_submit(contract=c, by=owner)
    c = contract_services.contract_approve(contract=c, by=bureau)
    Contract.objects.filter(pk=c.pk).update(
        buyer_organization=buyer, registered_on=timezone.localdate() - datetime.timedelta(days=days_ago)
    )
    return c


def test_registered_contract_in_three_years_excludes(
    owner, holder_org, bureau, expert_org, make_expert, achievement
):
    expert = make_expert("e1", organization=expert_org)
    facts = subjects.facts_of(achievement)
    assert proposal.conflicts_of(facts, expert) == []
    contract = _registered_contract(owner, holder_org, bureau, expert_org, days_ago=4 * 365)
    assert proposal.conflicts_of(facts, expert) == []  # too old
    Contract.objects.filter(pk=contract.pk).update(
        registered_on=timezone.localdate() - datetime.timedelta(days=30)
    )
    reasons = proposal.conflicts_of(facts, expert)
    assert len(reasons) == 1 and "registered technology contract" in reasons[0]


def test_a_deal_past_interest_excludes(owner, outsider, other_org, make_expert, achievement):
    expert = make_expert("e1", organization=other_org)
    facts = subjects.facts_of(achievement)
    deal = deal_services.deal_express_interest(
        by=outsider,
        organization=other_org,
        listing=achievement,
        mode="licence_ordinary",
        message="想了解许可条件。",
    )
    assert proposal.conflicts_of(facts, expert) == []  # a first expression of interest only
    deal_services.deal_accept(deal=deal, by=owner)
    assert "negotiated a deal" in proposal.conflicts_of(facts, expert)[0]


def test_proposal_ranks_by_field_and_lists_exclusions(make_expert, holder_org, achievement, experts):
    make_expert("other_field", tech_fields=["electronic_information"], disciplines=["520"])
    make_expert("conflicted", organization=holder_org)
    unavailable = make_expert("away")
    services.expert_update(expert=unavailable, by=unavailable.user, data={"available": False})
    result = proposal.propose(subjects.facts_of(achievement))
    names = [c.name for c in result.candidates]
    assert names == ["李教授", "王研究员", "赵高工"]
    assert result.candidates[0].reasons
    assert [e.name for e in result.excluded] == ["专家conflicted"]
    assert holder_org.name in result.excluded[0].reasons[0]


def test_discipline_depth():
    assert proposal._discipline_match("2401510", ["240"]) == 1
    assert proposal._discipline_match("2401510", ["24015"]) == 2
    assert proposal._discipline_match("2401510", ["2401510"]) == 3
    assert proposal._discipline_match("2401510", ["110", "A"]) == 0


def test_panel_rules(make_review, make_expert, experts, agency, owner):
    review = make_review()
    invited = make_expert("new", confirm=False)
    with pytest.raises(DomainError):
        services.review_add_expert(review=review, by=agency, expert=invited)
    services.review_add_expert(review=review, by=agency, expert=experts[0])
    with pytest.raises(AlreadyExists):
        services.review_add_expert(review=review, by=agency, expert=experts[0])
    with pytest.raises(NotPermitted):
        services.review_add_expert(review=review, by=owner, expert=experts[1])
    with pytest.raises(DomainError):  # one expert is not a panel
        services.review_start(review=review, by=agency)
    services.review_add_expert(review=review, by=agency, expert=experts[1])
    services.review_start(review=review, by=agency)
    with pytest.raises(TransitionNotAllowed):
        services.review_add_expert(review=review, by=agency, expert=experts[2])


def test_remove_expert_while_forming(make_review, experts, agency):
    review = make_review(panel=experts[:2])
    services.review_remove_expert(panelist=review.panel.first(), by=agency)
    assert review.panel.count() == 1
    assert ReviewEvent.objects.filter(review=review, action="remove_expert").exists()


# --- scoring ----------------------------------------------------------------------------------------------


def test_only_the_panelist_submits_and_scores_are_checked(make_review, experts, agency):
    review = make_review("scoring", panel=experts[:2])
    p = review.panel.get(expert=experts[0])
    with pytest.raises(NotPermitted):
        services.panelist_submit(panelist=p, by=experts[1].user, scores=SCORES, comment="好")
    with pytest.raises(ValidationError) as exc:
        services.panelist_submit(
            panelist=p,
            by=experts[0].user,
            scores={**SCORES, "economic": 101, "social": "7.5", "potential": True},
            comment="好",
        )
    assert set(exc.value.message_dict) == {"economic", "social", "potential"}
    with pytest.raises(DomainError) as comment_exc:
        services.panelist_submit(panelist=p, by=experts[0].user, scores=SCORES, comment="  ")
    assert comment_exc.value.field == "comment"


def test_score_is_immutable_until_the_organiser_reopens_it(make_review, experts, agency):
    review = make_review("scoring", panel=experts[:2])
    p = review.panel.get(expert=experts[0])
    services.panelist_submit(panelist=p, by=experts[0].user, scores=SCORES, comment="数据充分")
    with pytest.raises(DomainError, match="already submitted"):
        services.panelist_submit(
            panelist=p, by=experts[0].user, scores={**SCORES, "economic": 10}, comment="改"
        )
    with pytest.raises(NotPermitted):
        services.panelist_reopen(panelist=p, by=experts[0].user, reason="想修改")
    with pytest.raises(DomainError):
        services.panelist_reopen(panelist=p, by=agency, reason=" ")
    services.panelist_reopen(panelist=p, by=agency, reason="专家申请更正经济价值评分")
    event = ReviewEvent.objects.get(review=review, action="reopen_score")
    assert event.changes["previous"]["economic"] == 75 and event.panelist_id == p.pk
    services.panelist_submit(
        panelist=p, by=experts[0].user, scores={**SCORES, "economic": 60}, comment="已更正"
    )
    p.refresh_from_db()
    assert p.economic == 60 and p.is_submitted


def test_scoring_before_start_is_refused(make_review, experts, agency):
    review = make_review("open", panel=experts[:2])
    p = review.panel.first()
    with pytest.raises(TransitionNotAllowed):
        services.panelist_submit(panelist=p, by=p.expert.user, scores=SCORES, comment="好的方案")


def test_close_needs_every_score_and_freezes_the_result(make_review, experts, agency, owner):
    review = make_review("scoring", panel=experts)
    with pytest.raises(DomainError, match="not submitted"):
        services.review_close(review=review, by=agency)
    review = make_review(
        "closed",
        panel=experts,
        scores={0: dict.fromkeys(SCORES, 70), 1: dict.fromkeys(SCORES, 80), 2: dict.fromkeys(SCORES, 90)},
    )
    assert review.status == "closed" and review.closed_at
    assert review.result["method"] == "mean" and review.result["total"] == 80.0
    assert review.result["indicators"]["economic"]["std"] == 10.0
    with pytest.raises(NotPermitted):
        services.review_close(review=review, by=owner)
    with pytest.raises(TransitionNotAllowed):
        services.review_close(review=review, by=agency)
    p = review.panel.first()
    with pytest.raises(TransitionNotAllowed):
        services.panelist_reopen(panelist=p, by=agency, reason="重新评分")
    with pytest.raises(TransitionNotAllowed):
        services.panelist_submit(panelist=p, by=p.expert.user, scores=SCORES, comment="再次提交")


def test_cancel(make_review, experts, agency):
    review = make_review("scoring", panel=experts[:2])
    with pytest.raises(DomainError):
        services.review_cancel(review=review, by=agency, reason="")
    review = services.review_cancel(review=review, by=agency, reason="申请方撤回")
    assert review.status == "cancelled"
    with pytest.raises(TransitionNotAllowed):
        services.review_start(review=review, by=agency)


def test_apply_level_to_the_achievement(make_review, experts, agency, achievement):
    review = make_review("scoring", panel=experts[:2])
    with pytest.raises(TransitionNotAllowed):
        services.review_apply_to_achievement(
            review=review, by=agency, level="dom_leading", evaluation="review"
        )
    review = make_review("closed", panel=experts[:2])
    with pytest.raises(DomainError):
        services.review_apply_to_achievement(review=review, by=agency, level="galactic", evaluation="review")
    services.review_apply_to_achievement(review=review, by=agency, level="dom_leading", evaluation="review")
    achievement.refresh_from_db()
    assert (achievement.level, achievement.evaluation) == ("dom_leading", "review")
    assert achievement.events.filter(action="evaluation_set").exists()


# --- aggregation --------------------------------------------------------------------------------------------


def test_mean_below_five_scores():
    rows = [dict.fromkeys(SCORES, v) for v in (60, 70, 95)]
    result = aggregate.aggregate(rows, aggregate.default_weights())
    assert result["method"] == "mean"
    assert result["indicators"]["scientific"]["score"] == 75.0
    assert result["indicators"]["scientific"]["min"] == 60 and result["indicators"]["scientific"]["max"] == 95


def test_trimmed_mean_from_five_scores():
    # hand computed: drop 10 and 100 → (70 + 80 + 90) / 3 = 80; the plain mean would be 70
    rows = [dict.fromkeys(SCORES, v) for v in (10, 70, 80, 90, 100)]
    result = aggregate.aggregate(rows, aggregate.default_weights())
    assert result["method"] == "trimmed_mean"
    assert result["indicators"]["economic"]["score"] == 80.0
    assert result["indicators"]["economic"]["mean"] == 70.0
    # sample standard deviation of 10, 70, 80, 90, 100: sqrt(5000 / 4) = 35.36
    assert result["indicators"]["economic"]["std"] == 35.36
    assert result["total"] == 80.0


def test_weights_apply():
    weights = {"scientific": 0.4, "technological": 0.3, "economic": 0.1, "social": 0.1, "potential": 0.1}
    row = {"scientific": 100, "technological": 50, "economic": 0, "social": 0, "potential": 0}
    assert aggregate.aggregate([row], weights)["total"] == 55.0


def test_closed_review_for(make_review, experts, achievement):
    assert selectors.closed_review_for(achievement) is None
    make_review("scoring", panel=experts[:2])
    assert selectors.closed_review_for(achievement) is None
    review = make_review("closed", panel=experts[:2])
    found = selectors.closed_review_for(achievement)
    assert found.review == review and found.result["n"] == 2
    assert found.panel == [("李教授", "西南交通大学（测试）"), ("王研究员", "四川省农业科学院")]
    assert Review.objects.count() == 2


def test_experts_and_holders_are_notified(make_review, experts, owner, agency):
    from keqiao.notifications.models import Notification

    review = make_review("scoring", panel=experts[:2])
    assert set(Notification.objects.filter(verb="review").values_list("user_id", flat=True)) == {
        experts[0].user_id,
        experts[1].user_id,
    }
    p = review.panel.first()
    services.panelist_submit(panelist=p, by=p.expert.user, scores=SCORES, comment="论证充分")
    services.panelist_reopen(panelist=p, by=agency, reason="专家申请更正")
    assert Notification.objects.filter(verb="review", user=p.expert.user).count() == 2
    for q in review.panel.select_related("expert__user"):
        services.panelist_submit(panelist=q, by=q.expert.user, scores=SCORES, comment="论证充分")
    services.review_close(review=review, by=agency)
    assert Notification.objects.filter(verb="review", user=owner).count() == 1


def test_registry_cache_follows_changes_without_rereading_everything(
    make_expert, achievement, experts, django_assert_max_num_queries
):
    proposal._registry_cache.clear()
    first = [row[0] for row in proposal._registry()]
    assert first == sorted(e.pk for e in experts)
    with django_assert_max_num_queries(1):  # unchanged: the table's state only
        assert [row[0] for row in proposal._registry()] == first
    # an expert leaves, one joins: merged from the changed rows
    away = experts[0]
    services.expert_update(expert=away, by=away.user, data={"available": False})
    joined = make_expert("new_one")
    with django_assert_max_num_queries(2):  # the state, then the rows changed since
        ids = [row[0] for row in proposal._registry()]
    assert ids == sorted({e.pk for e in experts[1:]} | {joined.pk})
    # a row deleted (outside the platform: experts are protected by their history) shows in the count:
    # the merge gives up and the registry is read whole again
    cached = proposal._registry_cache["default"]
    total, last_id, last_change = cached.state
    as_if_one_more_before = proposal._Registry((total + 1, last_id, last_change), cached.rows, cached.ordered)
    assert proposal._merged("default", as_if_one_more_before, cached.state) is None
    assert proposal._merged("default", cached, cached.state).ordered == cached.ordered
    assert ids == [row[0] for row in proposal._full_registry("default", ()).ordered]
