"""Facet labels for showcases: turn an engine's value counts into labelled, linkable groups."""

from keqiao.common.models import Region

REGION = "region"


def facet_groups(page, definitions: dict[str, tuple[str, dict | None]]) -> list[dict]:
    """[{name, title, items: [{value, label, count, selected}]}] in the order of `definitions`.

    `definitions` maps a facet name to (title, labels); labels None means region names. Values are
    listed in the labels' order (the classification's own order), regions in the city's order.
    """
    region_names = None
    groups = []
    for name, (title, labels) in definitions.items():
        if labels is None:
            if region_names is None:
                region_names = {r.code: r.display_name for r in Region.objects.all()}
            labels = region_names
        counts = page.facets.get(name, {})
        selected = set(page.filters.get(name, []))
        items = [
            {"value": v, "label": labels.get(v, v), "count": counts.get(v, 0), "selected": v in selected}
            for v in labels
            if counts.get(v) or v in selected
        ]
        groups.append({"name": name, "title": title, "items": items})
    return groups
