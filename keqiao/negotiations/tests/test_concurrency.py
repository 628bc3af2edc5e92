"""Real concurrent transactions on PostgreSQL: accept and decline of the same interest at the same moment."""

import threading

import pytest
from django.db import connection, connections

from keqiao.common.errors import TransitionNotAllowed
from keqiao.negotiations import services
from keqiao.negotiations.models import Deal, DealEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _race(*calls):
    """Run each call in its own thread (own connection), released together by a barrier."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = ("ok", call())
        except TransitionNotAllowed as exc:
            outcomes[i] = ("refused", exc)
        except Exception as exc:  # reported by the assertion below
            outcomes[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


@pytest.mark.parametrize("round_", range(3))
def test_accept_and_decline_at_the_same_moment_end_consistent(make_deal, owner, colleague, round_):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run by scripts/run-tests.sh)")
    deal = make_deal("interest")
    outcomes = _race(
        lambda: services.deal_accept(deal=Deal.objects.get(pk=deal.pk), by=owner),
        lambda: services.deal_decline(deal=Deal.objects.get(pk=deal.pk), by=colleague, reason="同时拒绝"),
    )
    kinds = sorted(kind for kind, _value in outcomes)
    assert kinds == ["ok", "refused"], outcomes
    winner = next(value for kind, value in outcomes if kind == "ok")
    deal.refresh_from_db()
    assert deal.status == winner.status in ("accepted", "declined")
    transitions = DealEvent.objects.filter(deal=deal, action__in=["accept", "decline"])
    assert list(transitions.values_list("to_status", flat=True)) == [deal.status]


def test_two_expressions_of_interest_at_once_leave_one_open_deal(make_achievement, outsider, other_org):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run by scripts/run-tests.sh)")
    from keqiao.common.errors import DomainError

    a = make_achievement("published")

    def express():
        try:
            return services.deal_express_interest(
                by=outsider, organization=other_org, listing=a, mode="transfer", message="同时表达意向"
            )
        except DomainError as exc:
            return exc

    outcomes = _race(express, express)
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    results = [value for _kind, value in outcomes]
    assert sum(isinstance(r, Deal) for r in results) == 1
    assert Deal.objects.filter(achievement=a).count() == 1
