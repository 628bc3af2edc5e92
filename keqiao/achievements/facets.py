"""Facet labels for the showcase: turn the engine's value counts into labelled, linkable groups."""

from django.utils.translation import gettext_lazy as _

from keqiao.accounts.models import Organization
from keqiao.common.choices import TechField
from keqiao.common.models import Region

from .choices import TRL_LABELS, IPKind, TransferMode

FACET_TITLES = {
    "field": _("Technology field"),
    "trl": _("Readiness (TRL)"),
    "ip": _("IP type"),
    "mode": _("Transfer mode"),
    "region": _("Region"),
    "holder": _("Holder"),
}


def _labels(name: str, region_names: dict[str, str]) -> dict[str, str]:
    if name == "field":
        return dict(TechField.choices)
    if name == "trl":
        return {str(k): f"TRL {k}" for k in TRL_LABELS}
    if name == "ip":
        return dict(IPKind.choices)
    if name == "mode":
        return dict(TransferMode.choices)
    if name == "holder":
        return dict(Organization.Kind.choices)
    return region_names


def facet_groups(page) -> list[dict]:
    """[{name, title, items: [{value, label, count, selected}]}] in a stable, meaningful order."""
    region_names = {r.code: r.display_name for r in Region.objects.all()}
    groups = []
    for name, title in FACET_TITLES.items():
        counts = page.facets.get(name, {})
        labels = _labels(name, region_names)
        selected = set(page.filters.get(name, []))
        order = list(labels) if name != "region" else list(region_names)
        items = [
            {"value": v, "label": labels.get(v, v), "count": counts.get(v, 0), "selected": v in selected}
            for v in order
            if counts.get(v) or v in selected
        ]
        if name == "trl":
            items.sort(key=lambda i: int(i["value"]))
        groups.append({"name": name, "title": title, "items": items})
    return groups
