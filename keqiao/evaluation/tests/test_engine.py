"""The valuation engine: a worked example by hand, a closed-form check of the Monte Carlo, reproducibility,
and every impossible input refused by field."""

import math
from statistics import NormalDist

import numpy as np
import pytest
from django.utils import translation

from keqiao.evaluation import engine


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def raw(**over) -> dict:
    """Raw inputs as typed in the form (rates in per cent)."""
    data = {
        "revenue": {"kind": "fixed", "mode": "1000000"},
        "growth": {"kind": "fixed", "mode": "10"},
        "royalty": {"kind": "fixed", "mode": "5"},
        "life": {"kind": "fixed", "mode": "5"},
        "discount": {"kind": "fixed", "mode": "10"},
        "tax": {"kind": "fixed", "mode": "25"},
        "dev_cost": {"kind": "fixed", "mode": "0"},
        "reproduction_cost": {"kind": "fixed", "mode": "300000"},
        "obsolescence": {"kind": "fixed", "mode": "40"},
        "trl": "9",
        "draws": "1000",
        "seed": "7",
    }
    data.update(over)
    return data


def test_worked_income_example_by_hand():
    # Revenue 1,000,000 yuan growing 10 % a year, 5 % royalty, 25 % tax, 5 years, discounted at 10 %:
    # year t brings 1,000,000 × 1.1^(t−1) × 0.05 × 0.75 / 1.1^t = 37,500 / 1.1 = 34,090.91 yuan, every year;
    # five years: 170,454.55 yuan.
    value = engine.deterministic_income(
        revenue=1e6, growth=0.10, royalty=0.05, life=5, discount=0.10, tax=0.25
    )
    assert value == pytest.approx(170_454.545, abs=0.01)
    # Half a sixth year adds half of 34,090.91.
    value = engine.deterministic_income(
        revenue=1e6, growth=0.10, royalty=0.05, life=5.5, discount=0.10, tax=0.25
    )
    assert value == pytest.approx(170_454.545 + 17_045.45, abs=0.01)


def test_fixed_inputs_give_the_hand_value_risk_adjusted_by_trl():
    result = engine.run(engine.parse_inputs(raw()))
    assert result["value"]["p50"] == pytest.approx(170_454.545, abs=0.01)
    assert result["value"]["p_positive"] == 1.0
    # TRL 6: 0.7 × 0.8 × 0.9 × 1.0 = 0.504 chance of reaching market; minus 50,000 yuan still to spend.
    result = engine.run(engine.parse_inputs(raw(trl="6", dev_cost={"kind": "fixed", "mode": "50000"})))
    assert result["p_success"] == pytest.approx(0.504)
    assert result["value"]["p50"] == pytest.approx(0.504 * 170_454.545 - 50_000, abs=0.01)
    assert result["cost"]["p50"] == pytest.approx(180_000)


def test_monte_carlo_percentiles_match_closed_form():
    # Revenue lognormal (median 1,000,000, σ 0.5), everything else fixed, no growth, no tax, 5 % royalty,
    # 10 years at 8 %: value = revenue × 0.05 × annuity factor, so its quantiles are those of the lognormal.
    median, sigma = 1e6, 0.5
    inputs = engine.parse_inputs(
        raw(
            revenue={"kind": "lognormal", "mode": str(median), "spread": str(sigma)},
            growth={"kind": "fixed", "mode": "0"},
            tax={"kind": "fixed", "mode": "0"},
            life={"kind": "fixed", "mode": "10"},
            discount={"kind": "fixed", "mode": "8"},
            draws="20000",
        )
    )
    result = engine.run(inputs)
    annuity = sum(1 / 1.08**t for t in range(1, 11))
    c = 0.05 * annuity
    z = NormalDist().inv_cdf
    for key, p in (("p10", 0.1), ("p50", 0.5), ("p90", 0.9)):
        expected = c * math.exp(math.log(median) + sigma * z(p))
        assert result["value"][key] == pytest.approx(expected, rel=0.03), key
    assert result["value"]["mean"] == pytest.approx(c * median * math.exp(sigma**2 / 2), rel=0.03)


def test_normal_input_percentiles_match_closed_form():
    inputs = engine.parse_inputs(
        raw(
            revenue={"kind": "normal", "mode": "2000000", "spread": "300000"},
            growth={"kind": "fixed", "mode": "0"},
            tax={"kind": "fixed", "mode": "0"},
            life={"kind": "fixed", "mode": "1"},
            discount={"kind": "fixed", "mode": "0"},
            royalty={"kind": "fixed", "mode": "10"},
            draws="50000",
        )
    )
    v = engine.run(inputs)["value"]
    assert v["p50"] == pytest.approx(200_000, rel=0.01)
    assert v["p90"] - v["p10"] == pytest.approx(2 * 1.2816 * 30_000, rel=0.03)


def uncertain() -> dict:
    return raw(
        revenue={"kind": "triangular", "low": "500000", "mode": "1000000", "high": "2500000"},
        royalty={"kind": "uniform", "low": "3", "high": "7"},
        discount={"kind": "normal", "mode": "10", "spread": "1.5"},
        life={"kind": "triangular", "low": "4", "mode": "6", "high": "9"},
        trl="6",
        dev_cost={"kind": "uniform", "low": "20000", "high": "80000"},
        draws="10000",
    )


def test_same_seed_same_result_other_seed_differs():
    a = engine.run(engine.parse_inputs(uncertain()))
    b = engine.run(engine.parse_inputs(uncertain()))
    c = engine.run(engine.parse_inputs({**uncertain(), "seed": "8"}))
    assert a == b
    assert a["value"]["p50"] != c["value"]["p50"]


def test_distribution_outputs_histogram_tornado_and_reconciled_range():
    comparables = [{"amount": x, "closeness": 1.0} for x in (80_000, 120_000, 150_000, 200_000)]
    inputs = engine.parse_inputs(uncertain())
    inputs.comparables = comparables
    r = engine.run(inputs)
    v = r["value"]
    assert v["p10"] < v["p50"] < v["p90"]
    assert 0 < v["p_positive"] <= 1
    assert sum(r["histogram"]["counts"]) == 10_000
    assert len(r["histogram"]["edges"]) == engine.HISTOGRAM_BINS + 1
    names = [row["input"] for row in r["tornado"]]
    assert set(names) == {"revenue", "royalty", "discount", "life", "dev_cost"}
    swings = [row["swing"] for row in r["tornado"]]
    assert swings == sorted(swings, reverse=True)
    assert r["market"]["count"] == 4 and r["market"]["p50"] == pytest.approx(135_000)
    rec = r["reconciled"]
    assert rec["low"] < rec["high"]
    assert sum(rec["weights"].values()) == pytest.approx(1)
    assert rec["reasons"] == ["income", "market", "cost"]


def test_without_comparables_the_reconciliation_says_so():
    r = engine.run(engine.parse_inputs(uncertain()))
    assert "no_market" in r["reconciled"]["reasons"] and "market" not in r["reconciled"]["weights"]


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        (
            {"discount": {"kind": "fixed", "mode": "-100"}},
            "discount_mode",
            "Must be above -100% and at most 1,000%.",
        ),
        (
            {"discount": {"kind": "uniform", "low": "-120", "high": "5"}},
            "discount_low",
            "Must be above -100%",
        ),
        ({"life": {"kind": "fixed", "mode": "0"}}, "life_mode", "Must be above 0"),
        ({"life": {"kind": "fixed", "mode": "-3"}}, "life_mode", "Must be above 0"),
        ({"royalty": {"kind": "fixed", "mode": "120"}}, "royalty_mode", "between 0% and 100%"),
        ({"tax": {"kind": "fixed", "mode": "-1"}}, "tax_mode", "between 0% and 100%"),
        (
            {"obsolescence": {"kind": "triangular", "low": "10", "mode": "20", "high": "130"}},
            "obsolescence_high",
            "100%",
        ),
        ({"revenue": {"kind": "uniform", "low": "9", "high": "3"}}, "revenue_low", "low end is above"),
        ({"revenue": {"kind": "uniform", "low": "3", "high": "3"}}, "revenue_high", "range is empty"),
        (
            {"revenue": {"kind": "triangular", "low": "1", "mode": "9", "high": "5"}},
            "revenue_mode",
            "between the low",
        ),
        ({"revenue": {"kind": "normal", "mode": "100", "spread": "0"}}, "revenue_spread", "no support"),
        ({"revenue": {"kind": "lognormal", "mode": "0", "spread": "1"}}, "revenue_mode", "median above zero"),
        (
            {"revenue": {"kind": "normal", "mode": "100", "spread": "80"}},
            "revenue_spread",
            "impossible values",
        ),
        ({"revenue": {"kind": "fixed", "mode": "abc"}}, "revenue_mode", "Enter a number"),
        (
            {"revenue": {"kind": "fixed", "mode": "-1"}},
            "revenue_mode",
            "Must be between 0 and 100,000,000,000.",
        ),
        ({"revenue": {"kind": "fixed", "mode": "nan"}}, "revenue_mode", "Enter a number"),
        ({"revenue": {"kind": "triangular", "low": "1"}}, "revenue_mode", "needs this value"),
        ({"revenue": {"kind": "beta", "mode": "1"}}, "revenue_kind", "Choose a distribution"),
        ({"trl": "0"}, "trl", "between 1 and 9"),
        ({"draws": "5"}, "draws", "draws"),
        ({"seed": "99999999999"}, "seed", "seed"),
    ],
)
def test_impossible_inputs_refused_by_field(override, field, message):
    with pytest.raises(engine.InputError) as exc:
        engine.parse_inputs(raw(**override))
    assert field in exc.value.errors
    assert message in " ".join(str(m) for m in exc.value.errors[field])


def test_several_errors_reported_together():
    with pytest.raises(engine.InputError) as exc:
        engine.parse_inputs(raw(life={"kind": "fixed", "mode": "0"}, royalty={"kind": "fixed", "mode": "-2"}))
    assert {"life_mode", "royalty_mode"} <= set(exc.value.errors)


def test_values_too_large_to_compute_are_refused():
    inputs = engine.parse_inputs(
        raw(discount={"kind": "fixed", "mode": "-99.9999999999"}, life={"kind": "fixed", "mode": "50"})
    )
    with pytest.raises(engine.InputError) as exc:
        engine.run(inputs)
    assert "inputs" in exc.value.errors


def test_amounts_are_bounded():
    with pytest.raises(engine.InputError) as exc:
        engine.parse_inputs(raw(revenue={"kind": "fixed", "mode": "1e300"}))
    assert "revenue_mode" in exc.value.errors


def test_income_is_vectorised():
    n = 5
    v = engine.income_value(np.full(n, 1e6), 0.0, 0.1, np.array([1, 2, 3, 4, 5.0]), 0.0, 0.0)
    assert list(v) == pytest.approx([1e5, 2e5, 3e5, 4e5, 5e5])


def test_messages_are_translated():
    with translation.override("zh-hans"), pytest.raises(engine.InputError) as exc:
        engine.parse_inputs(raw(life={"kind": "fixed", "mode": "0"}))
    text = str(exc.value.errors["life_mode"][0])
    assert "Must be" not in text and any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_position_of_a_price_in_the_distribution():
    quantiles = [float(q) for q in range(1, 100)]  # percentile q at value q
    assert engine.position_of(50.0, quantiles) == pytest.approx(0.5)
    assert engine.position_of(-5.0, quantiles) == 0.0
    assert engine.position_of(500.0, quantiles) == 1.0
