"""What of an achievement is searchable, registered with the search app when this app loads."""

import math

from keqiao.search.engine import Document
from keqiao.search.registry import FIELD_WEIGHTS, IndexDefinition

from .choices import Status
from .models import Achievement

# The holder's name has its own field, weighted low and secondary: it adds a little to a record that
# matches by its content, and a record matching only by its holder's name ranks below every record
# matching by content ("竹" must not list everything of 青神竹产业…研究院 first).
FIELD_WEIGHTS = {**FIELD_WEIGHTS, "holder": 0.5}
FACETS = ("field", "trl", "ip", "mode", "region", "holder")
# Filters without counts: "org" is the holder organisation's id ("all achievements of this holder"),
# while the "holder" facet is the organisation's kind.
FILTERS = ("org",)
SORTS = ("published", "trl", "price")
SORT_OPTIONS = ("relevance", "-published", "published", "-trl", "trl", "price", "-price")


def achievement_document(a) -> Document:
    """Public fields only, never confidential details or contacts."""
    region = a.organization.region
    county = region.county_code
    return Document(
        id=a.pk,
        fields={
            "title": a.title,
            "keywords": " ".join(a.keywords),
            "body": "\n".join(filter(None, [a.summary, a.application])),
            "holder": a.organization.name,
        },
        facets={
            "field": (a.tech_field,) if a.tech_field else (),
            "trl": (str(a.effective_trl),),
            "ip": tuple(sorted({i.kind for i in a.ip_items.all()})),
            "mode": tuple(a.transfer_modes),
            "region": tuple(dict.fromkeys([county, region.code])),
            "holder": (a.organization.kind,),
            "org": (str(a.organization_id),),
        },
        sort_values={
            "published": a.published_at.timestamp() if a.published_at else math.nan,
            "trl": float(a.effective_trl),
            "price": float(a.price) if a.price is not None else math.nan,
        },
    )


def _published():
    return (
        Achievement.objects.filter(status=Status.PUBLISHED)
        .select_related("organization", "organization__region", "organization__region__parent")
        .prefetch_related("ip_items")
    )


ACHIEVEMENT_INDEX = IndexDefinition(
    kind="achievement",
    queryset=_published,
    document=achievement_document,
    keywords=lambda a: a.keywords,
    facets=FACETS,
    sorts=SORTS,
    sort_options=SORT_OPTIONS,
    field_weights=FIELD_WEIGHTS,
    filters=FILTERS,
    secondary_fields=("holder",),
)
