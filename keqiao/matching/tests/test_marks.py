"""Marks on matched pairs: negotiations and recommendations, shown only to whom they concern; an
organisation's own listings are never its matches."""

import pytest
from django.urls import reverse

from keqiao.matching import services
from keqiao.matching.index import matches_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(make_achievement, make_demand):
    achievement = make_achievement(
        "published", title="基于微卫星标记的半滑舌鳎遗传多样性分析技术", trl=6, transfer_modes=["license"]
    )
    demand = make_demand("published")
    return achievement, demand


def _marks(body: str) -> list[str]:
    import re

    return re.findall(r'<span class="tag mark">([^<]+)</span>', body)


def test_negotiation_mark_only_for_the_owner(client, pair, personas, other_org):
    from keqiao.negotiations import services as deals

    achievement, demand = pair
    assert matches_for("demand", demand)[0].record == achievement
    deals.deal_express_interest(
        by=personas["outsider"],
        organization=other_org,
        listing=achievement,
        mode="licence_ordinary",
        message="我们想洽谈许可。",
    )
    client.force_login(personas["outsider"])  # administers the demand's organisation
    marks = _marks(client.get(demand.get_absolute_url()).content.decode())
    assert any("洽谈" in m or "talks" in m for m in marks), marks
    for persona in ("colleague", "bureau", "anonymous"):
        client.logout()
        if personas[persona]:
            client.force_login(personas[persona])
        assert not _marks(client.get(demand.get_absolute_url()).content.decode()), persona


def test_broker_desk_marks_pushed_pairs_with_the_outcome(client, pair):
    from keqiao.accounts.models import User

    achievement, demand = pair
    broker = User.objects.create_user(
        username="broker9", password="x", is_broker=True, email="b9@example.com"
    )
    client.force_login(broker)
    assert not _marks(client.get(reverse("matching:broker")).content.decode())
    services.recommendation_push(
        broker=broker, achievement=achievement, demand=demand, direction="demand", note="建议对接。"
    )
    marks = _marks(client.get(reverse("matching:broker")).content.decode())
    assert marks and ("推荐" in marks[0] or "Recommended" in marks[0])


def test_own_organisation_listings_are_not_matches(make_achievement, make_demand, holder_org, owner):
    from keqiao.demands import services as demands
    from keqiao.testing.factories import demand_data

    make_achievement("published", title="基于微卫星标记的半滑舌鳎遗传多样性分析技术")
    own = demands.demand_create(by=owner, organization=holder_org, data=demand_data())
    assert matches_for("demand", own) == []  # the only relevant achievement is the same organisation's
    other = make_demand("published")
    assert [r.record.organization_id for r in matches_for("demand", other)] == [holder_org.pk]


def test_too_short_hint_for_the_owner_only(client, make_demand, personas):
    short = make_demand("published", title="泡菜变软", problem="泡菜变软怎么办", indicators="", keywords=[])
    hint = "hint too-short"
    client.force_login(personas["outsider"])  # administers the demand's organisation
    assert hint in client.get(short.get_absolute_url()).content.decode()
    full = make_demand("published")  # a real description
    assert hint not in client.get(full.get_absolute_url()).content.decode()
    client.force_login(personas["owner"])  # another organisation
    assert hint not in client.get(short.get_absolute_url()).content.decode()


def test_recommendation_marks_only_for_the_recipient(client, pair, personas):
    from keqiao.accounts.models import User

    achievement, demand = pair
    broker = User.objects.create_user(
        username="broker8", password="x", is_broker=True, email="b8@example.com"
    )
    services.recommendation_push(
        broker=broker, achievement=achievement, demand=demand, direction="demand", note="建议对接。"
    )
    client.force_login(personas["outsider"])  # the demand's organisation: the recipient
    assert _marks(client.get(demand.get_absolute_url()).content.decode())
    client.force_login(personas["owner"])  # the achievement's holder was not told, and must not learn it here
    assert not _marks(client.get(achievement.get_absolute_url()).content.decode())


def test_closed_deals_are_not_marks_and_the_desk_shows_no_negotiations(client, pair, personas, other_org):
    from keqiao.accounts.models import User
    from keqiao.negotiations import services as deals

    achievement, demand = pair
    deal = deals.deal_express_interest(
        by=personas["outsider"],
        organization=other_org,
        listing=achievement,
        mode="licence_ordinary",
        message="想洽谈。",
    )
    client.force_login(personas["owner"])  # the achievement's holder: a party of the deal
    assert _marks(client.get(achievement.get_absolute_url()).content.decode())
    broker = User.objects.create_user(
        username="broker7", password="x", is_broker=True, email="b7@example.com"
    )
    client.force_login(broker)
    assert not _marks(client.get(reverse("matching:broker")).content.decode())
    deals.deal_withdraw(deal=deal, by=personas["outsider"])
    client.force_login(personas["owner"])
    assert not _marks(client.get(achievement.get_absolute_url()).content.decode())


def test_every_pair_of_the_organisation_is_marked(make_achievement, make_demand, personas, other_org):
    from keqiao.matching.marks import Pair
    from keqiao.negotiations.selectors import negotiation_marks

    achievement = make_achievement("published", title="基于微卫星标记的半滑舌鳎遗传多样性分析技术")
    d1, d2 = make_demand("published"), make_demand("published", title="半滑舌鳎亲本选配的遗传检测")
    from keqiao.negotiations import services as deals

    deals.deal_express_interest(
        by=personas["outsider"],
        organization=other_org,
        listing=achievement,
        mode="licence_ordinary",
        message="想洽谈。",
    )
    pairs = [Pair(achievement.pk, achievement.organization_id, d.pk, d.organization_id) for d in (d1, d2)]
    found = negotiation_marks(pairs, {other_org.pk})
    assert set(found) == {(achievement.pk, d1.pk), (achievement.pk, d2.pk)}
    assert negotiation_marks(pairs, {-1}) == {}  # a viewer of neither party sees nothing
