"""The valuation engine: income (relief-from-royalty), cost and market approaches, a risk-adjusted NPV with
the chance of success from the readiness level, and a Monte Carlo over every uncertain input.

Pure and vectorised (numpy): one draw is one row, one year one column, so 10,000 draws over 50 years are a
few array operations. The same inputs and seed give the same result (numpy's PCG64 generator, inputs drawn
in a fixed order). Amounts are yuan; the engine computes in floating point and the results are rounded to
the yuan for display: a valuation is a distribution, not an accounting figure.

Income approach (收益分成法): value = Σ_t w_t · R·(1+g)^(t−1) · royalty · (1 − tax) / (1 + r)^t, t = 1…⌈life⌉,
where w_t is the part of year t within the remaining life (a life of 4.5 years counts half of year 5).
Risk-adjusted NPV: p(TRL) · income value − the remaining development cost (spent now), p(TRL) being the
product of the stage chances from the level to market (`trl.probability_of_success`).
Cost approach (成本法): reproduction cost × (1 − obsolescence).
Market approach (市场法): the technology amounts of comparable registered contracts (anonymised).
"""

import math
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
from django.utils.translation import gettext_lazy as _

from . import trl

METHOD_VERSION = "1.0"
MAX_LIFE_YEARS = 50
MAX_AMOUNT = 1e11  # yuan: above any technology's revenue; keeps every result a finite number
DEFAULT_DRAWS = 10_000
MAX_DRAWS = 100_000
HISTOGRAM_BINS = 20

FIXED, UNIFORM, TRIANGULAR, NORMAL, LOGNORMAL = "fixed", "uniform", "triangular", "normal", "lognormal"
KINDS = (FIXED, UNIFORM, TRIANGULAR, NORMAL, LOGNORMAL)
PARTS = ("low", "mode", "high", "spread")
_Z = NormalDist()


@dataclass(frozen=True)
class Parameter:
    """An input of the valuation and the values it may take: [lo, hi], an open end where `lo_open`."""

    name: str
    label: str
    unit: str
    lo: float
    hi: float
    lo_open: bool = False
    percent: bool = False  # entered and shown in per cent


PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "revenue", _("First-year revenue of the products using the technology"), _("yuan"), 0, MAX_AMOUNT
    ),
    Parameter("growth", _("Annual revenue growth"), "%", -1, 10, lo_open=True, percent=True),
    Parameter("royalty", _("Royalty or profit-share rate"), "%", 0, 1, percent=True),
    Parameter("life", _("Remaining economic life"), _("years"), 0, MAX_LIFE_YEARS, lo_open=True),
    Parameter("discount", _("Discount rate"), "%", -1, 10, lo_open=True, percent=True),
    Parameter("tax", _("Income tax rate"), "%", 0, 1, percent=True),
    Parameter("dev_cost", _("Remaining development cost to market"), _("yuan"), 0, MAX_AMOUNT),
    Parameter("reproduction_cost", _("Reproduction cost"), _("yuan"), 0, MAX_AMOUNT),
    Parameter("obsolescence", _("Obsolescence"), "%", 0, 1, percent=True),
)
BY_NAME = {p.name: p for p in PARAMETERS}
INCOME_INPUTS = ("revenue", "growth", "royalty", "life", "discount", "tax", "dev_cost")
COST_INPUTS = ("reproduction_cost", "obsolescence")


@dataclass(frozen=True)
class Dist:
    """An input as a fixed value or a distribution. `mode` is the value, the most likely value, the mean
    (normal) or the median (lognormal); `spread` is the standard deviation (normal) or that of the
    logarithm (lognormal)."""

    kind: str = FIXED
    low: float | None = None
    mode: float | None = None
    high: float | None = None
    spread: float | None = None

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.kind == FIXED:
            return np.full(n, float(self.mode))
        if self.kind == UNIFORM:
            return rng.uniform(self.low, self.high, n)
        if self.kind == TRIANGULAR:
            return rng.triangular(self.low, self.mode, self.high, n)
        if self.kind == NORMAL:
            return rng.normal(self.mode, self.spread, n)
        return rng.lognormal(math.log(self.mode), self.spread, n)

    def quantile(self, p: float) -> float:
        if self.kind == FIXED:
            return float(self.mode)
        if self.kind == UNIFORM:
            return self.low + (self.high - self.low) * p
        if self.kind == TRIANGULAR:
            a, c, b = self.low, self.mode, self.high
            fc = (c - a) / (b - a)
            if p < fc:
                return a + math.sqrt(p * (b - a) * (c - a))
            return b - math.sqrt((1 - p) * (b - a) * (b - c))
        if self.kind == NORMAL:
            return self.mode + self.spread * _Z.inv_cdf(p)
        return math.exp(math.log(self.mode) + self.spread * _Z.inv_cdf(p))

    @property
    def center(self) -> float:
        if self.kind == UNIFORM:
            return (self.low + self.high) / 2
        return float(self.mode)

    @property
    def uncertain(self) -> bool:
        return self.kind != FIXED


@dataclass
class Inputs:
    dists: dict[str, Dist]
    trl: int = 4
    draws: int = DEFAULT_DRAWS
    seed: int = 1
    comparables: list[dict] = field(default_factory=list)


class InputError(ValueError):
    """Impossible inputs; `errors` maps form field names (`<input>_<part>`, `trl`, …) to messages."""

    def __init__(self, errors: dict[str, list]):
        super().__init__("; ".join(f"{k}: {[str(m) for m in v]}" for k, v in errors.items()))
        self.errors = errors


def _number(value):
    if value is None or value == "":
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return "nan"
    return x if math.isfinite(x) else "nan"


def _in_domain(p: Parameter, x: float) -> bool:
    return (x > p.lo if p.lo_open else x >= p.lo) and x <= p.hi


def _domain_message(p: Parameter):
    lo, hi = p.lo, p.hi
    if p.percent:
        lo, hi = lo * 100, hi * 100
    lo_s = f"{lo:g}{'%' if p.percent else ''}"
    if math.isinf(hi):
        if p.lo_open:
            return _("Must be above %(lo)s.") % {"lo": lo_s}
        return _("Must be %(lo)s or more.") % {"lo": lo_s}
    hi_s = (f"{hi:,.0f}" if hi >= 1000 else f"{hi:g}") + ("%" if p.percent else "")
    if p.lo_open:
        return _("Must be above %(lo)s and at most %(hi)s.") % {"lo": lo_s, "hi": hi_s}
    return _("Must be between %(lo)s and %(hi)s.") % {"lo": lo_s, "hi": hi_s}


def parse_dist(name: str, raw: dict) -> tuple[Dist | None, dict[str, list]]:
    """One input from its raw parts (numbers in the input's unit; per cent for rates), checked; the errors
    are keyed by form field (`<name>_<part>`)."""
    p = BY_NAME[name]
    errors: dict[str, list] = {}
    kind = raw.get("kind") or FIXED
    if kind not in KINDS:
        return None, {f"{name}_kind": [_("Choose a distribution from the list.")]}
    values = {}
    for part in PARTS:
        x = _number(raw.get(part))
        if x == "nan":
            errors[f"{name}_{part}"] = [_("Enter a number.")]
            continue
        if x is not None and p.percent:
            x = x / 100
        values[part] = x
    if errors:
        return None, errors
    needed = {
        FIXED: ("mode",),
        UNIFORM: ("low", "high"),
        TRIANGULAR: ("low", "mode", "high"),
        NORMAL: ("mode", "spread"),
        LOGNORMAL: ("mode", "spread"),
    }[kind]
    for part in needed:
        if values.get(part) is None:
            errors[f"{name}_{part}"] = [_("This distribution needs this value.")]
    if errors:
        return None, errors
    d = Dist(kind, **{k: values.get(k) for k in PARTS})
    low_key, high_key = f"{name}_low", f"{name}_high"
    if kind in (UNIFORM, TRIANGULAR):
        if d.low > d.high:
            errors[low_key] = [_("The low end is above the high end.")]
        elif d.low == d.high:
            errors[high_key] = [_("The range is empty: give a high end above the low end, or a fixed value.")]
        elif kind == TRIANGULAR and not d.low <= d.mode <= d.high:
            errors[f"{name}_mode"] = [_("The most likely value must lie between the low and the high end.")]
        else:
            for key, x in ((low_key, d.low), (high_key, d.high)):
                if not _in_domain(p, x):
                    errors[key] = [_domain_message(p)]
    elif kind in (NORMAL, LOGNORMAL):
        if d.spread <= 0:
            errors[f"{name}_spread"] = [
                _("The spread must be above zero: a distribution without spread has no support.")
            ]
        elif kind == LOGNORMAL and d.mode <= 0:
            errors[f"{name}_mode"] = [_("A lognormal distribution needs a median above zero.")]
        else:
            lo_x, hi_x = d.quantile(0.0001), d.quantile(0.9999)
            if not (_in_domain(p, lo_x) and _in_domain(p, hi_x)):
                errors[f"{name}_spread"] = [
                    _(
                        "This distribution gives impossible values too often (%(rule)s): "
                        "narrow it or use a triangular or uniform range."
                    )
                    % {"rule": _domain_message(p)}
                ]
    elif not _in_domain(p, d.mode):
        errors[f"{name}_mode"] = [_domain_message(p)]
    return (None if errors else d), errors


def parse_inputs(raw: dict) -> Inputs:
    """Inputs from raw form or API data: {input name: {kind, low, mode, high, spread}, "trl", "draws",
    "seed"}; raises InputError naming every field at fault."""
    errors: dict[str, list] = {}
    dists: dict[str, Dist] = {}
    for p in PARAMETERS:
        d, errs = parse_dist(p.name, raw.get(p.name) or {})
        errors.update(errs)
        if d is not None:
            dists[p.name] = d
    checks = (
        ("trl", 1, 9, _("A readiness level is between 1 and 9.")),
        ("draws", 100, MAX_DRAWS, _("Between 100 and 100,000 draws.")),
        ("seed", 0, 2**31 - 1, _("A seed is a whole number from 0 to 2,147,483,647.")),
    )
    ints = {}
    for key, lo, hi, message in checks:
        try:
            value = int(str(raw.get(key)).strip())
        except (TypeError, ValueError):
            errors[key] = [message]
            continue
        if not lo <= value <= hi:
            errors[key] = [message]
        ints[key] = value
    if errors:
        raise InputError(errors)
    return Inputs(dists=dists, trl=ints["trl"], draws=ints["draws"], seed=ints["seed"])


# --- computation ------------------------------------------------------------------------------------


def income_value(revenue, growth, royalty, life, discount, tax) -> np.ndarray:
    """The relief-from-royalty value of each draw (arrays of equal length, or scalars)."""
    revenue, growth, royalty, life, discount, tax = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(x, np.float64)) for x in (revenue, growth, royalty, life, discount, tax))
    )
    years = int(min(MAX_LIFE_YEARS, math.ceil(float(life.max()))))
    t = np.arange(1, years + 1, dtype=np.float64)[None, :]
    weight = np.clip(life[:, None] - (t - 1), 0.0, 1.0)
    flows = revenue[:, None] * (1 + growth[:, None]) ** (t - 1) * (royalty * (1 - tax))[:, None]
    return (weight * flows / (1 + discount[:, None]) ** t).sum(axis=1)


def risk_adjusted(values: dict[str, np.ndarray], p_success: float) -> np.ndarray:
    inc = income_value(*(values[k] for k in ("revenue", "growth", "royalty", "life", "discount", "tax")))
    return p_success * inc - np.asarray(values["dev_cost"], np.float64)


def _percentiles(x: np.ndarray) -> dict:
    p10, p50, p90 = np.percentile(x, [10, 50, 90])
    return {"p10": float(p10), "p50": float(p50), "p90": float(p90), "mean": float(x.mean())}


def histogram(x: np.ndarray, bins: int = HISTOGRAM_BINS) -> dict:
    lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(x, bins=bins, range=(lo, hi))
    return {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}


def tornado(inputs: Inputs, p_success: float) -> list[dict]:
    """Each uncertain income input moved to its P10 and P90, the others at their centre: the value at
    each end and the swing, largest first."""
    base = {k: np.array([inputs.dists[k].center]) for k in INCOME_INPUTS}
    rows = []
    for k in INCOME_INPUTS:
        d = inputs.dists[k]
        if not d.uncertain:
            continue
        ends = []
        for q in (0.1, 0.9):
            values = {**base, k: np.array([d.quantile(q)])}
            ends.append(float(risk_adjusted(values, p_success)[0]))
        rows.append({"input": k, "at_p10": ends[0], "at_p90": ends[1], "swing": abs(ends[1] - ends[0])})
    rows.sort(key=lambda r: -r["swing"])
    return rows


def market_summary(comparables: list[dict]) -> dict | None:
    if not comparables:
        return None
    amounts = np.array([c["amount"] for c in comparables], np.float64)
    p25, p50, p75 = np.percentile(amounts, [25, 50, 75])
    return {
        "count": len(comparables),
        "closeness": float(np.mean([c["closeness"] for c in comparables])),
        "p25": float(p25),
        "p50": float(p50),
        "p75": float(p75),
    }


# Weights of the reconciliation and why (keys of RECONCILE_REASONS, shown translated).
WEIGHTS = {"income": 0.6, "market": 0.3, "cost": 0.1}


def reconcile(income: dict, market: dict | None, cost: dict | None) -> dict:
    """One range across methods: a weighted mean of each method's low and high ends, with the reasons."""
    methods = {"income": (income["p10"], income["p90"])}
    reasons = ["income"]
    if market is not None:
        methods["market"] = (market["p25"], market["p75"])
        reasons.append("market" if market["closeness"] >= 0.99 else "market_relaxed")
    else:
        reasons.append("no_market")
    if cost is not None and cost["p90"] > 0:
        methods["cost"] = (cost["p10"], cost["p90"])
        reasons.append("cost")
    total = sum(WEIGHTS[m] for m in methods)
    weights = {m: WEIGHTS[m] / total for m in methods}
    low = sum(weights[m] * methods[m][0] for m in methods)
    high = sum(weights[m] * methods[m][1] for m in methods)
    return {"low": low, "high": high, "weights": weights, "reasons": reasons}


def run(inputs: Inputs) -> dict:
    """The whole valuation: a plain dict of numbers (stored as JSON with the valuation)."""
    rng = np.random.default_rng(inputs.seed)
    n = inputs.draws
    draws = {p.name: inputs.dists[p.name].sample(rng, n) for p in PARAMETERS}
    p_success = trl.probability_of_success(inputs.trl)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        income = income_value(
            *(draws[k] for k in ("revenue", "growth", "royalty", "life", "discount", "tax"))
        )
        value = p_success * income - draws["dev_cost"]
        cost = draws["reproduction_cost"] * (1 - draws["obsolescence"])
    if not (np.isfinite(value).all() and np.isfinite(cost).all()):
        # e.g. a discount rate just above −100 % with a long life: the discount factor underflows
        raise InputError(
            {
                "inputs": [
                    _(
                        "These inputs give values too large to compute: check the discount rate, the growth and the spreads."
                    )
                ]
            }
        )
    income_stats = _percentiles(value)
    cost_stats = _percentiles(cost)
    market = market_summary(inputs.comparables)
    return {
        "method_version": METHOD_VERSION,
        "seed": inputs.seed,
        "draws": n,
        "trl": inputs.trl,
        "p_success": p_success,
        "value": {**income_stats, "p_positive": float((value > 0).mean())},
        "income_unadjusted": _percentiles(income),
        "histogram": histogram(value),
        # the 1st…99th percentiles: where a price falls in the distribution (see `position_of`)
        "quantiles": [float(q) for q in np.percentile(value, np.arange(1, 100))],
        "tornado": tornado(inputs, p_success),
        "cost": cost_stats,
        "market": market,
        "reconciled": reconcile(income_stats, market, cost_stats),
    }


def position_of(amount: float, quantiles: list[float]) -> float:
    """The share of the distribution below `amount` (0–1), read from its stored percentiles."""
    q = np.asarray(quantiles, np.float64)
    if not len(q):
        return math.nan
    return float(np.interp(amount, q, np.arange(1, 100) / 100, left=0.0, right=1.0))


def deterministic_income(*, revenue, growth, royalty, life, discount, tax) -> float:
    """The income approach at single values (for worked examples and checks)."""
    return float(income_value(revenue, growth, royalty, life, discount, tax)[0])
