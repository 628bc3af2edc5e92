"""Real concurrent transactions on PostgreSQL: 50 bids released at the same instant on one auction."""

import datetime
import random
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from keqiao.accounts.models import Membership, Organization
from keqiao.common.errors import DomainError
from keqiao.testing.factories import OrganizationFactory, member
from keqiao.trading import ledger, selectors, services
from keqiao.trading.models import Auction, Bid

from .conftest import auction_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

N = 50


def test_fifty_simultaneous_bids_serialise_into_one_valid_ledger(make_achievement, owner, holder_org):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run by scripts/run-tests.sh)")
    now = timezone.now()
    # The auction ends within its extension window: the first bid taken extends it, and each later one
    # extends it only if it still falls in the last five minutes of the end as extended before it.
    auction = services.auction_create(
        by=owner,
        organization=holder_org,
        achievement=make_achievement("published"),
        data=auction_data(deposit="0", ends_at=now + datetime.timedelta(minutes=4), extension_minutes=5),
    )
    users = []
    for i in range(N):
        org = OrganizationFactory(name=f"并发竞买企业{i:02d}", kind=Organization.Kind.ENTERPRISE)
        user = member(org, Membership.Role.ADMIN, username=f"bidder{i:02d}")
        b = services.bidder_register(auction=auction, by=user, organization=org)
        services.bidder_decide(bidder=b, by=owner, accept=True)
        users.append(user)
    start, increment = Decimal("100000.00"), Decimal("5000.00")
    amounts = [start + increment * i for i in range(N)]
    random.Random(7).shuffle(amounts)
    barrier = threading.Barrier(N)
    outcomes: list = [None] * N

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[i] = (
                "ok",
                services.bid_place(auction=Auction(pk=auction.pk), by=users[i], amount=amounts[i]),
            )
        except DomainError as exc:
            outcomes[i] = ("refused", exc.code)
        except Exception as exc:  # reported by the assertion below
            outcomes[i] = ("error", repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not [o for o in outcomes if o is None or o[0] == "error"], outcomes
    taken = [o[1] for o in outcomes if o[0] == "ok"]
    assert {o[1] for o in outcomes if o[0] == "refused"} <= {"too_low"}
    auction.refresh_from_db()
    bids = list(Bid.objects.filter(auction=auction).order_by("seq"))
    # Nothing lost, nothing doubled: the ledger holds exactly the bids that were answered "ok".
    assert sorted(b.pk for b in bids) == sorted(b.pk for b in taken)
    assert [b.seq for b in bids] == list(range(1, len(bids) + 1)) == list(range(1, auction.bid_count + 1))
    assert all(
        later.amount >= earlier.amount + increment for earlier, later in zip(bids, bids[1:], strict=False)
    )
    # The highest amount always wins, whatever the order of arrival.
    assert auction.current_price == max(amounts) and auction.leading_bid_id == bids[-1].pk
    assert bids[0].extended and auction.extensions == sum(b.extended for b in bids) >= 1
    assert auction.ends_at == auction.scheduled_ends_at + datetime.timedelta(minutes=5) * auction.extensions
    assert auction.ends_at == bids[-1].ends_at_after
    doc = selectors.ledger_document(auction)
    assert ledger.verify(doc) == (True, None)
    state = ledger.replay(doc)
    assert (state.price, state.bids, state.ends_at, state.extensions) == (
        auction.current_price,
        auction.bid_count,
        auction.ends_at,
        auction.extensions,
    )
