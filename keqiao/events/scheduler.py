"""The meeting optimiser of a matchmaking event: accepted meeting requests into time slots × tables.

An integer program solved by HiGHS (scipy.optimize.milp; docs/decisions/0031-event-meeting-optimiser.md
says why this solver): one binary x[m, s] per request m and slot s both people are available in;
  - a request is held at most once:            Σ_s x[m, s] ≤ 1
  - no one is in two meetings at once:         Σ_{m ∋ p} x[m, s] ≤ 1   for every participant p, slot s
  - a slot holds at most as many as tables:    Σ_m x[m, s] ≤ tables   (every table seats one meeting)
maximising the meetings placed, then their priorities (a weight small enough never to outweigh one
meeting), and, when re-optimising, a bonus for each confirmed meeting left in its slot, so that a change
moves as few confirmed meetings as it can: moving one meeting to place another pays, moving two for one
does not.

Tables are interchangeable, so the program chooses slots only and tables are dealt afterwards: a meeting
that stays in its slot keeps its table, the others take the free ones in order. This keeps the program
at (requests × slots) variables instead of (requests × slots × tables).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

KEEP_BONUS = 0.5  # a confirmed meeting left in its slot; < 1, so placing one more meeting pays for a move
MAX_PRIORITY = 3


@dataclass(frozen=True)
class Request:
    """An accepted meeting request between participants `a` and `b`; `current` is the (slot, table) of a
    confirmed meeting, which re-optimisation tries not to move."""

    id: int
    a: int
    b: int
    priority: int = 0
    current: tuple[int, int] | None = None


@dataclass
class Problem:
    slots: int
    tables: int
    requests: list[Request]
    # participant -> slots (0-based) they are not available in
    unavailable: dict[int, set[int]] = field(default_factory=dict)


@dataclass
class Result:
    placement: dict[int, tuple[int, int]]  # request id -> (slot, table)
    placed: int
    upper_bound: int
    moved: int  # confirmed meetings given another slot or table, or left out
    optimal: bool
    seconds: float

    @property
    def rate(self) -> float:
        """Meetings placed against the upper bound (1.0 when nothing could be placed at all)."""
        return self.placed / self.upper_bound if self.upper_bound else 1.0


def _candidates(problem: Problem) -> list[tuple[Request, int]]:
    out = []
    for r in problem.requests:
        if r.a == r.b:
            continue
        busy = problem.unavailable.get(r.a, set()) | problem.unavailable.get(r.b, set())
        out.extend((r, s) for s in range(problem.slots) if s not in busy)
    return out


def combinatorial_bound(problem: Problem) -> int:
    """An upper bound on the meetings any schedule can place: the requests that have a common free slot,
    the seats (slots × tables), and half the sum over participants of min(their requests, their free
    slots), since each meeting takes two people."""
    free = {}
    degree: dict[int, int] = defaultdict(int)
    feasible = 0
    for r in problem.requests:
        busy = problem.unavailable.get(r.a, set()) | problem.unavailable.get(r.b, set())
        if r.a == r.b or len(busy) >= problem.slots:
            continue
        feasible += 1
        degree[r.a] += 1
        degree[r.b] += 1
    for p in degree:
        free[p] = problem.slots - len(problem.unavailable.get(p, set()))
    people = sum(min(d, free[p]) for p, d in degree.items()) // 2
    return min(feasible, problem.slots * problem.tables, people)


def solve(problem: Problem, *, time_limit: float = 20.0) -> Result:
    """The best schedule HiGHS finds within `time_limit` seconds (the optimum when it proves one)."""
    started = time.perf_counter()
    cands = _candidates(problem)
    bound = combinatorial_bound(problem)
    if not cands or problem.tables <= 0:
        moved = sum(1 for r in problem.requests if r.current is not None)
        return Result({}, 0, 0, moved, True, time.perf_counter() - started)
    n = len(cands)
    eps = 1.0 / (MAX_PRIORITY * len(problem.requests) + 1)
    gain = np.empty(n)
    rows, cols = [], []
    row_of_request: dict[int, int] = {}
    row_of_slot: dict[int, int] = {}
    row_of_person_slot: dict[tuple[int, int], int] = {}

    def row(table: dict, key) -> int:
        if key not in table:
            table[key] = len(row_of_request) + len(row_of_slot) + len(row_of_person_slot)
        return table[key]

    for j, (r, s) in enumerate(cands):
        prio = min(max(r.priority, 0), MAX_PRIORITY)
        gain[j] = 1.0 + eps * prio + (KEEP_BONUS if r.current is not None and r.current[0] == s else 0.0)
        for key_table, key in (
            (row_of_request, r.id),
            (row_of_slot, s),
            (row_of_person_slot, (r.a, s)),
            (row_of_person_slot, (r.b, s)),
        ):
            rows.append(row(key_table, key))
            cols.append(j)
    m = len(row_of_request) + len(row_of_slot) + len(row_of_person_slot)
    upper = np.ones(m)
    for idx in row_of_slot.values():
        upper[idx] = problem.tables
    matrix = coo_array((np.ones(len(rows)), (rows, cols)), shape=(m, n)).tocsr()
    constraints = LinearConstraint(matrix, -np.inf, upper)
    # The LP relaxation first (a second or two at the benchmark's size): its value bounds the optimum, and
    # rounding its solution greedily — highest LP value, then gain, first — gives a schedule that at a
    # fair's usual saturation (more requests than seats) already reaches the bound, which proves it optimal
    # without branching. Only when it does not is the integer program solved, in the time left; the better
    # of the two schedules is kept.
    relaxed = milp(c=-gain, constraints=constraints, integrality=np.zeros(n), bounds=Bounds(0, 1))
    lp_value = -relaxed.fun if relaxed.status == 0 else math.inf
    chosen = _round(cands, gain, relaxed.x if relaxed.x is not None else np.zeros(n), problem.tables)
    value = sum(gain[j] for j in chosen.values())
    optimal = bool(value >= lp_value - 1e-6)
    chosen = {cands[j][0].id: cands[j][1] for j in chosen.values()}
    if not optimal:
        left = float(time_limit) - (time.perf_counter() - started)
        result = milp(
            c=-gain,
            constraints=constraints,
            integrality=np.ones(n),
            bounds=Bounds(0, 1),
            options={"time_limit": max(0.5, left), "presolve": True},
        )
        if result.x is not None and -result.fun > value + 1e-9:
            chosen = {cands[j][0].id: cands[j][1] for j in np.flatnonzero(result.x > 0.5)}
        optimal = bool(result.status == 0)
        dual = getattr(result, "mip_dual_bound", None)
        if dual is not None and math.isfinite(dual):
            lp_value = min(lp_value, -dual)
    if not any(r.current for r in problem.requests) and math.isfinite(lp_value):
        # Without keep bonuses each meeting is worth 1 plus less than 1 in all: ⌊bound⌋ bounds the count.
        bound = min(bound, math.floor(lp_value + 1e-6))
    placement = _deal_tables(problem, chosen)
    moved = sum(
        1 for r in problem.requests if r.current is not None and placement.get(r.id) != tuple(r.current)
    )
    bound = max(bound, len(placement))
    return Result(placement, len(placement), bound, moved, optimal, time.perf_counter() - started)


def _round(cands, gain, x, tables: int) -> dict[int, int]:
    """{request id: candidate index}: candidates taken greedily by LP value, then gain, keeping every
    constraint (a request once, a person once per slot, a slot's tables)."""
    order = sorted(range(len(cands)), key=lambda j: (-round(x[j], 6), -gain[j], j))
    taken: dict[int, int] = {}
    busy: set[tuple[int, int]] = set()
    used: dict[int, int] = defaultdict(int)
    for j in order:
        r, s = cands[j]
        if r.id in taken or used[s] >= tables or (r.a, s) in busy or (r.b, s) in busy:
            continue
        taken[r.id] = j
        busy.add((r.a, s))
        busy.add((r.b, s))
        used[s] += 1
    return taken


def _deal_tables(problem: Problem, chosen: dict[int, int]) -> dict[int, tuple[int, int]]:
    """Tables for the chosen slots: a confirmed meeting left in its slot keeps its table when it can."""
    by_id = {r.id: r for r in problem.requests}
    taken: dict[int, set[int]] = defaultdict(set)
    placement: dict[int, tuple[int, int]] = {}
    later = []
    for rid in sorted(chosen):
        s, r = chosen[rid], by_id[rid]
        if (
            r.current
            and r.current[0] == s
            and 0 <= r.current[1] < problem.tables
            and r.current[1] not in taken[s]
        ):
            taken[s].add(r.current[1])
            placement[rid] = (s, r.current[1])
        else:
            later.append(rid)
    for rid in later:
        s = chosen[rid]
        table = next(t for t in range(problem.tables) if t not in taken[s])
        taken[s].add(table)
        placement[rid] = (s, table)
    return placement
