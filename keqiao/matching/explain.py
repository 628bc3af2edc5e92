"""Human-readable explanations of match scores: every factor's share, never an opaque number alone."""

from django.utils.translation import gettext_lazy as _

FACTOR_LABELS = {
    "text": _("Shared terms"),
    "semantic": _("Similar meaning"),
    "classification": _("Same field or discipline"),
    "maturity": _("Maturity against what is needed"),
    "price": _("Price against budget"),
    "mode": _("Compatible cooperation mode"),
    "region": _("Same district or county"),
}


def explanation(match) -> list[dict]:
    """[{name, label, share (percent of the score), value (0–100)}], largest share first."""
    rows = [
        {
            "name": name,
            "label": FACTOR_LABELS.get(name, name),
            "share": round(share * 100),
            "value": round(match.factor_scores.get(name, 0.0) * 100),
        }
        for name, share in match.factors.items()
        if share > 0.005
    ]
    return sorted(rows, key=lambda r: -r["share"])
