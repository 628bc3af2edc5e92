import pytest
from django.core.exceptions import ValidationError

from keqiao.common.errors import DomainError, NotPermitted
from keqiao.evaluation import engine, selectors, services
from keqiao.evaluation.models import ValuationEvent

from .conftest import valuation_inputs

pytestmark = pytest.mark.django_db


def test_saved_with_inputs_version_seed_author(make_valuation, owner):
    v = make_valuation()
    assert (
        v.method_version == engine.METHOD_VERSION and v.seed == 42 and v.draws == 2000 and v.author == owner
    )
    assert v.inputs["revenue"]["high"] == "2500000"
    r = v.results
    assert r["value"]["p10"] < r["value"]["p50"] < r["value"]["p90"]
    assert len(r["quantiles"]) == 99
    assert ValuationEvent.objects.filter(valuation=v, action="created").exists()


def test_reopening_the_inputs_reproduces_the_result(make_valuation, owner, holder_org):
    v = make_valuation()
    raw = {k: x for k, x in v.inputs.items() if k not in ("market", "trl_source")}
    again = services.valuation_create(by=owner, organization=holder_org, title="again", inputs=raw)
    assert again.results["value"] == v.results["value"]


def test_impossible_inputs_refused_by_field(make_valuation):
    with pytest.raises(ValidationError) as exc:
        make_valuation(
            inputs=valuation_inputs(
                discount={"kind": "fixed", "mode": "-100"}, life={"kind": "fixed", "mode": "0"}
            )
        )
    assert {"discount_mode", "life_mode"} <= set(exc.value.message_dict)


def test_blank_title_refused(make_valuation):
    with pytest.raises(ValidationError) as exc:
        make_valuation(title="   ")
    assert "title" in exc.value.message_dict


def test_outsider_cannot_value_for_another_organisation(make_valuation, outsider, holder_org):
    with pytest.raises(NotPermitted):
        make_valuation(by=outsider, organization=holder_org)


def test_confirmed_level_is_used(make_valuation, make_assessment, assessor):
    from keqiao.evaluation import trl

    a = make_assessment("submitted", level=7)
    services.assessment_confirm(assessment=a, by=assessor, level=7)
    ach = a.achievement
    ach.refresh_from_db()
    v = make_valuation(achievement=ach, inputs=valuation_inputs(trl="3"))
    assert v.results["trl"] == 7 and v.inputs["trl_source"] == "confirmed"
    assert v.results["p_success"] == pytest.approx(trl.probability_of_success(7))


def test_market_comparables_anonymised_counted_and_close(make_valuation, make_contract):
    for amount in ("100000", "150000", "200000"):
        make_contract("approved", technology_amount=amount, contract_amount=amount)
    make_contract("approved", tech_field="new_materials")
    make_contract("draft")  # not registered: never a comparable
    v = make_valuation(
        market={"tech_field": "agriculture", "contract_type": "licence", "ip_type": "invention_patent"}
    )
    comps = v.results["comparables"]
    assert len(comps) == 3 and v.results["market"]["count"] == 3
    assert v.results["market"]["closeness"] == 1.0
    assert set(comps[0]) == {"amount", "year", "contract_type", "ip_type", "closeness"}
    assert "market" in v.results["reconciled"]["weights"]


def test_fewer_than_three_comparables_are_not_shown(make_valuation, make_contract):
    make_contract("approved")
    v = make_valuation(market={"tech_field": "agriculture"})
    assert v.results["comparables"] == [] and v.results["market"] is None


def test_private_to_the_organisation(make_valuation, owner, colleague, outsider, bureau):
    v = make_valuation()
    assert selectors.valuations_of_user(colleague).filter(pk=v.pk).exists()
    for user in (outsider, bureau):
        assert not selectors.valuations_of_user(user).filter(pk=v.pk).exists()


def test_share_into_room_only_parties_see(make_valuation, make_deal, outsider, stranger, broker):
    deal = make_deal("negotiating")
    v = make_valuation()
    services.valuation_share(valuation=v, by=v.author, deal=deal)
    assert selectors.valuations_for_deal(outsider, deal) == [v]
    assert selectors.valuations_of_user(outsider).filter(pk=v.pk).exists()
    assert selectors.valuations_for_deal(stranger, deal) == []
    assert selectors.valuations_for_deal(broker, deal) == []
    services.valuation_share(valuation=v, by=v.author, deal=None)
    assert selectors.valuations_for_deal(outsider, deal) == []


def test_cannot_share_into_room_of_others_or_closed(make_valuation, make_deal, outsider, other_org):
    deal = make_deal("interest")
    v = make_valuation()
    with pytest.raises(DomainError):
        services.valuation_share(valuation=v, by=v.author, deal=deal)
    with pytest.raises(NotPermitted):
        services.valuation_share(valuation=v, by=outsider, deal=deal)


def test_party_copies_shared_valuation_into_own_org(make_valuation, make_deal, outsider, other_org):
    deal = make_deal("negotiating")
    v = make_valuation()
    services.valuation_share(valuation=v, by=v.author, deal=deal)
    copy = services.valuation_copy(valuation=v, by=outsider, organization=other_org)
    assert copy.organization == other_org and copy.copied_from == v and copy.seed == v.seed
    assert copy.results["value"] == v.results["value"]
    assert copy.deal is None


def test_update_recomputes(make_valuation, owner):
    v = make_valuation()
    raw = valuation_inputs(royalty={"kind": "fixed", "mode": "10"})
    v2 = services.valuation_update(valuation=v, by=owner, title="改", inputs=raw)
    assert v2.results["value"]["p50"] > v.results["value"]["p50"]


def test_achievement_of_another_organisation_refused(make_valuation, make_achievement, outsider, other_org):
    ach = make_achievement("published")
    with pytest.raises(NotPermitted) as exc:
        make_valuation(by=outsider, organization=other_org, achievement=ach)
    assert exc.value.field == "achievement"
