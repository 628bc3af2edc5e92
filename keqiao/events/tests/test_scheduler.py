"""The optimiser against instances whose optimum is known."""

from keqiao.events.scheduler import Problem, Request, combinatorial_bound, solve


def _valid(problem: Problem, placement: dict) -> None:
    seen_people, seen_tables = set(), set()
    by_id = {r.id: r for r in problem.requests}
    for rid, (slot, table) in placement.items():
        r = by_id[rid]
        assert 0 <= slot < problem.slots and 0 <= table < problem.tables
        assert (slot, table) not in seen_tables, "two meetings at one table"
        seen_tables.add((slot, table))
        for p in (r.a, r.b):
            assert (p, slot) not in seen_people, "someone in two meetings at once"
            assert slot not in problem.unavailable.get(p, set())
            seen_people.add((p, slot))


def test_triangle_needs_three_slots():
    # A, B, C all want to meet each other: with two slots and plenty of tables only two meetings fit
    # (each slot can hold one meeting of the triangle); with three slots all three do.
    requests = [Request(1, 0, 1), Request(2, 1, 2), Request(3, 0, 2)]
    two = solve(Problem(2, 5, requests))
    assert two.placed == 2 and two.optimal
    _valid(Problem(2, 5, requests), two.placement)
    three = solve(Problem(3, 5, requests))
    assert three.placed == 3
    _valid(Problem(3, 5, requests), three.placement)


def test_tables_and_availability_bind():
    # Four disjoint pairs, two slots, one table: the optimum is 2; person 0 is never available, so its
    # meeting cannot be placed; the bound says so.
    requests = [Request(i, 2 * i, 2 * i + 1, priority=i % 4) for i in range(4)]
    problem = Problem(2, 1, requests, unavailable={0: {0, 1}})
    result = solve(problem)
    assert result.placed == 2 and result.upper_bound == 2 and result.rate == 1.0
    assert 0 not in result.placement
    _valid(problem, result.placement)
    assert combinatorial_bound(problem) == 2


def test_priorities_break_ties():
    # One slot, one table, three requests: the highest priority wins.
    requests = [Request(1, 0, 1, priority=0), Request(2, 2, 3, priority=3), Request(3, 4, 5, priority=1)]
    result = solve(Problem(1, 1, requests))
    assert list(result.placement) == [2]


def test_reoptimising_keeps_confirmed_meetings():
    # Confirmed meetings stay where they are when a new one can be placed around them.
    confirmed = [Request(1, 0, 1, current=(0, 0)), Request(2, 2, 3, current=(1, 0))]
    new = [Request(3, 0, 2)]
    result = solve(Problem(3, 1, confirmed + new))
    assert result.placement[1] == (0, 0) and result.placement[2] == (1, 0)
    assert result.placement[3] == (2, 0)
    assert result.moved == 0


def test_reoptimising_moves_one_to_place_one_more():
    # One table, two slots: 1 sits in slot 0; person 0 is now unavailable in slot 1, so meeting 3
    # (0 with 2) fits only in slot 0 — moving meeting 1 to slot 1 places both, one move.
    requests = [Request(1, 4, 5, current=(0, 0)), Request(3, 0, 2)]
    result = solve(Problem(2, 1, requests, unavailable={0: {1}}))
    assert result.placed == 2 and result.moved == 1
    assert result.placement[3] == (0, 0) and result.placement[1] == (1, 0)
