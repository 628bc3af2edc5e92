"""Human-readable explanations of matches: one grade that means relevance, and each factor's
contribution to the ranking, never an opaque number alone."""

from django.utils.translation import gettext_lazy as _

FACTOR_LABELS = {
    "text": _("Words of the request found"),
    "semantic": _("Related meaning"),
    "classification": _("Same field or discipline"),
    "maturity": _("Maturity against what is needed"),
    "price": _("Price against budget"),
    "mode": _("Compatible cooperation mode"),
    "region": _("Same district or county"),
}

GRADE_LABELS = {
    "strong": _("Strong match"),
    "good": _("Good match"),
    "possible": _("Possible match"),
}
GRADE_HELP = {
    "strong": _("Very likely answers the request: most matches of this grade were judged right."),
    "good": _("About the same problem; worth a look."),
    "possible": _("Related to the request; check whether it fits."),
}


def grade_label(grade: str) -> str:
    return str(GRADE_LABELS.get(grade, grade))


def explanation(match) -> list[dict]:
    """[{name, label, share (percent of the ranking score), value (0–100)}], largest share first."""
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
