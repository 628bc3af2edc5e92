"""The structured matching factors, vectorised over candidates; each value is in [0, 1].

Conventions (one place, so the tests and the documentation agree):

* unknown on either side → 0.5 (neutral): a missing field neither helps nor hurts;
* classification: mean agreement over the label kinds (discipline, industry division, technology
  field) known on both sides; no kind known on both sides → 0.5;
* maturity: achievement TRL ≥ the demand's minimum → 1; below it the value falls by 0.25 per level
  (one level short 0.75, two levels short 0.5 = as good as unknown, four or more short 0);
* price: asking price ≤ budget max → 1 (cheaper than the budget minimum is fine too); above the
  maximum it falls linearly to 0 at twice the maximum; only a budget minimum known (open-ended) → 1;
  negotiable price or no budget → 0.5;
* mode: both sides list modes → 1 if they share one, else 0; either side lists none → 0.5;
* region: same county → 1; same prefecture (first four digits of the county code) → 0.75; else or
  unknown → 0.5.
"""

from __future__ import annotations

import numpy as np

NEUTRAL = 0.5
TRL_STEP = 0.25


def classification(q_codes: list[int], cand_codes: list[np.ndarray]) -> np.ndarray:
    """``q_codes[j]`` (-1 unknown) against ``cand_codes[j]`` (int arrays, -1 unknown)."""
    n = len(cand_codes[0])
    agree = np.zeros(n, np.float64)
    known = np.zeros(n, np.float64)
    for qc, cc in zip(q_codes, cand_codes, strict=True):
        if qc < 0:
            continue
        k = cc >= 0
        known += k
        agree += k & (cc == qc)
    return np.where(known > 0, agree / np.maximum(known, 1), NEUTRAL)


def maturity(achievement_trl: np.ndarray, demand_min_trl: np.ndarray) -> np.ndarray:
    a = np.asarray(achievement_trl, np.float64)
    d = np.asarray(demand_min_trl, np.float64)
    gap = d - a
    v = np.where(gap <= 0, 1.0, np.maximum(0.0, 1.0 - TRL_STEP * gap))
    return np.where(np.isnan(a) | np.isnan(d), NEUTRAL, v)


def price(price: np.ndarray, budget_min: np.ndarray, budget_max: np.ndarray) -> np.ndarray:
    p = np.asarray(price, np.float64)
    lo = np.asarray(budget_min, np.float64)
    hi = np.asarray(budget_max, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        over = np.clip(2.0 - p / np.where(hi > 0, hi, np.nan), 0.0, 1.0)
    v = np.where(np.isnan(hi), np.where(np.isnan(lo), NEUTRAL, 1.0), np.where(p <= hi, 1.0, over))
    v = np.where(np.isnan(v), 0.0, v)  # budget max of 0 with a positive price
    return np.where(np.isnan(p) | (np.isnan(lo) & np.isnan(hi)), NEUTRAL, v)


def mode(q_mask: int, cand_masks: np.ndarray) -> np.ndarray:
    if not q_mask:
        return np.full(len(cand_masks), NEUTRAL)
    c = np.asarray(cand_masks, np.uint64)
    return np.where(c == 0, NEUTRAL, ((c & np.uint64(q_mask)) != 0).astype(np.float64))


def region(q_county: int, q_city: int, cand_county: np.ndarray, cand_city: np.ndarray) -> np.ndarray:
    n = len(cand_county)
    if q_county < 0:
        return np.full(n, NEUTRAL)
    v = np.where(cand_county == q_county, 1.0, np.where((q_city >= 0) & (cand_city == q_city), 0.75, NEUTRAL))
    return np.where(cand_county < 0, NEUTRAL, v)
