"""What of a demand is searchable: public fields only (never contacts, never a private budget);
registered with the search app when this app loads."""

import math

from keqiao.search.engine import Document
from keqiao.search.registry import IndexDefinition

from .models import Demand

FACETS = ("field", "mode", "trl", "region", "holder")
SORTS = ("published", "deadline", "budget")
SORT_OPTIONS = ("relevance", "-published", "published", "deadline", "-budget", "budget")


def demand_document(d) -> Document:
    region = d.region
    county = region.county_code
    budget = math.nan
    if not d.budget_private and (d.budget_max is not None or d.budget_min is not None):
        budget = float(d.budget_max if d.budget_max is not None else d.budget_min)
    return Document(
        id=d.pk,
        fields={
            "title": d.title,
            "keywords": " ".join(d.keywords),
            "body": "\n".join(filter(None, [d.problem, d.indicators, d.current_state, d.on_behalf_of])),
        },
        facets={
            "field": (d.tech_field,) if d.tech_field else (),
            "mode": tuple(d.cooperation_modes),
            "trl": (str(d.min_trl),) if d.min_trl else (),
            "region": tuple(dict.fromkeys([county, region.code])),
            "holder": (d.organization.kind,),
        },
        sort_values={
            "published": d.published_at.timestamp() if d.published_at else math.nan,
            "deadline": float(d.deadline.toordinal()) if d.deadline else math.nan,
            "budget": budget,
        },
    )


def _published():
    return Demand.objects.filter(status=Demand.Status.PUBLISHED).select_related(
        "organization", "region", "region__parent"
    )


DEMAND_INDEX = IndexDefinition(
    kind="demand",
    queryset=_published,
    document=demand_document,
    keywords=lambda d: d.keywords,
    facets=FACETS,
    sorts=SORTS,
    sort_options=SORT_OPTIONS,
)
