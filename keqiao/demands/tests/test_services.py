import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from keqiao.common.errors import NotPermitted, TransitionNotAllowed
from keqiao.demands import choices, services
from keqiao.demands.models import Demand
from keqiao.testing.factories import demand_data

pytestmark = pytest.mark.django_db
STATES = ["draft", "submitted", "returned", "published", "closed", "solved"]


def run(action, d, owner, bureau):
    return {
        "submit": lambda: services.demand_submit(demand=d, by=owner),
        "return": lambda: services.demand_return(demand=d, by=bureau, comment="补充"),
        "approve": lambda: services.demand_approve(demand=d, by=bureau),
        "close": lambda: services.demand_close(demand=d, by=owner),
        "solve": lambda: services.demand_close(demand=d, by=owner, solved=True),
        "renew": lambda: services.demand_renew(demand=d, by=owner),
        "revise": lambda: services.demand_revise(demand=d, by=owner),
    }[action]()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ["submit", "return", "approve", "close", "solve", "renew", "revise"])
def test_transition_table_is_enforced(make_demand, outsider, bureau, state, action):
    d = make_demand(state)
    before = d.events.count()
    allowed = choices.TRANSITIONS.get(d.status, {})
    if action in allowed:
        assert run(action, d, outsider, bureau).status == allowed[action]
        assert d.events.count() == before + 1
    else:
        with pytest.raises(TransitionNotAllowed):
            run(action, d, outsider, bureau)
        d.refresh_from_db()
        assert d.status == state and d.events.count() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"budget_min": Decimal("500000"), "budget_max": Decimal("100000")}, "budget_max"),
        ({"budget_min": Decimal("-1")}, "budget_min"),
        ({"deadline": datetime.date(2020, 1, 1)}, "deadline"),
        ({"title": "！！！……"}, "title"),
        ({"problem": "。。。，，，"}, "problem"),
        ({"problem": "长" * 100_000}, "problem"),
        ({"keywords": ["1", "2", "3", "4", "5", "6"]}, "keywords"),
        ({"cooperation_modes": ["bribe"]}, "cooperation_modes"),
    ],
)
def test_bad_input_refused(outsider, other_org, overrides, field):
    with pytest.raises(ValidationError) as exc:
        services.demand_create(by=outsider, organization=other_org, data=demand_data(**overrides))
    assert field in exc.value.message_dict
    assert not Demand.objects.exists()


def test_only_members_create_and_edit(owner, other_org, make_demand, bureau):
    with pytest.raises(NotPermitted):
        services.demand_create(by=owner, organization=other_org, data=demand_data())
    d = make_demand("draft")
    for user in (owner, bureau):
        with pytest.raises(NotPermitted):
            services.demand_update(demand=d, by=user, data={"title": "x"})


def test_only_bureau_approves(make_demand, outsider, owner):
    d = make_demand("submitted")
    for user in (outsider, owner):
        with pytest.raises(NotPermitted):
            services.demand_approve(demand=d, by=user)


def test_approval_publishes_with_expiry(make_demand):
    d = make_demand("published")
    assert d.status == "published" and d.expires_at - d.published_at == datetime.timedelta(days=365)


def test_expiry(make_demand):
    from django.utils import timezone

    d = make_demand("published")
    assert services.demands_expire(now=timezone.now() + datetime.timedelta(days=366)) == 1
    d.refresh_from_db()
    assert d.status == "expired"


def test_maintenance_command_expires_demands_and_achievements(make_demand, make_achievement):
    from io import StringIO

    import time_machine
    from django.core.management import call_command
    from django.utils import timezone

    d = make_demand("published")
    a = make_achievement("published")
    out = StringIO()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=366)):
        call_command("maintain_listings", stdout=out)
    d.refresh_from_db()
    a.refresh_from_db()
    assert d.status == "expired" and a.status == "expired"
    assert "demands_expired=1" in out.getvalue()


def test_negotiable_budget_carries_no_figures(outsider, other_org):
    d = services.demand_create(
        by=outsider, organization=other_org, data=demand_data(budget_negotiable=True, budget_private=False)
    )
    assert d.budget_min is None and d.budget_max is None
