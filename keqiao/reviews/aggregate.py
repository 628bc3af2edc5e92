"""How a panel's scores become one result: the method is fixed here and stated on every result.

Each indicator (GB/T 44731-2024 top level) is scored 0–100 by each expert. Per indicator: with five or more
scores the single highest and single lowest are dropped and the rest averaged (trimmed mean, so one
outlying expert cannot move the result alone); with fewer, the plain mean. Dispersion: the sample standard
deviation (n − 1) and the range of all scores, outliers included. The total is the weighted sum of the
indicator results with the weights fixed when the review opened.
"""

import math

from . import choices

TRIM_FROM = 5  # scores per indicator from which the highest and lowest are dropped
METHOD_VERSION = "reviews-aggregate-1"


def default_weights() -> dict[str, float]:
    names = choices.Indicator.values
    return {name: round(1 / len(names), 4) for name in names}


def _centre(values: list[float]) -> tuple[float, bool]:
    ordered = sorted(values)
    if len(ordered) >= TRIM_FROM:
        ordered = ordered[1:-1]
        return sum(ordered) / len(ordered), True
    return sum(ordered) / len(ordered), False


def _std(values: list[float]) -> float:
    if len(values) < 2:
        return 0.0
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def aggregate(score_rows: list[dict[str, int]], weights: dict[str, float]) -> dict:
    """The result of a panel from its submitted score rows ({indicator: 0–100}), JSON-ready."""
    n = len(score_rows)
    if n == 0:
        raise ValueError("no scores")
    indicators = {}
    trimmed = False
    for name in choices.Indicator.values:
        values = [float(row[name]) for row in score_rows]
        centre, was_trimmed = _centre(values)
        trimmed = trimmed or was_trimmed
        indicators[name] = {
            "score": round(centre, 2),
            "mean": round(sum(values) / n, 2),
            "std": round(_std(values), 2),
            "min": min(values),
            "max": max(values),
        }
    totals = [sum(weights[name] * row[name] for name in choices.Indicator.values) for row in score_rows]
    total = sum(weights[name] * indicators[name]["score"] for name in choices.Indicator.values)
    return {
        "n": n,
        "method": "trimmed_mean" if trimmed else "mean",
        "method_version": METHOD_VERSION,
        "weights": weights,
        "indicators": indicators,
        "total": round(total, 2),
        "total_std": round(_std(totals), 2),
        "total_min": round(min(totals), 2),
        "total_max": round(max(totals), 2),
    }
