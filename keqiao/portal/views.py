"""The portal: the home page, each holder's public page and the signed-in user's workbench."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from keqiao.accounts.models import Organization
from keqiao.accounts.selectors import public_organizations
from keqiao.achievements import selectors as achievement_selectors
from keqiao.achievements.facets import facet_groups
from keqiao.common.choices import TechField
from keqiao.common.pagination import paginate
from keqiao.demands import selectors as demand_selectors
from keqiao.matching.selectors import is_following
from keqiao.patents import selectors as patent_selectors
from keqiao.search.index import search_achievements

from .workbench import context_for as workbench_context


def home(request):
    published = achievement_selectors.achievements_public()
    overview = search_achievements("", per_page=1)
    groups = {g["name"]: g for g in facet_groups(overview)}
    context = {
        "latest": published.order_by("-published_at")[:8],
        "featured": published.filter(featured=True).order_by("-published_at")[:4],
        "total": overview.total,
        "by_field": sorted(groups["field"]["items"], key=lambda i: -i["count"]),
        "by_region": [i for i in groups["region"]["items"] if len(i["value"]) == 6],
        "holder_count": public_organizations().filter(achievements__status="published").distinct().count(),
    }
    return render(request, "portal/home.html", context)


# Government bodies review, supervise and sometimes publish demands; they hold no achievements of their own.
GOVERNMENT_KINDS = Organization.GOVERNMENT_KINDS


HOLDER_DEMANDS = 10


def holder_detail(request, pk: int):
    organization = get_object_or_404(public_organizations(), pk=pk)
    achievements = achievement_selectors.achievements_public().filter(organization=organization)
    # the organisation's latest published demands: an enterprise or a county bureau that only seeks
    # technology is shown by what it seeks, not by an empty list of achievements
    demands = list(
        demand_selectors.demands_public()
        .filter(organization=organization)
        .order_by("-published_at")[:HOLDER_DEMANDS]
    )
    if organization.kind in GOVERNMENT_KINDS and not demands and not achievements.exists():
        # No listings, no holder page: the page says what the body is, without an empty list of
        # achievements or a follow button.
        return render(request, "portal/holder_government.html", {"org": organization})
    patents, patent_count = patent_selectors.holder_patents(request.user, organization.pk)
    labels = dict(TechField.choices)
    stats = [
        (labels.get(row["tech_field"], row["tech_field"]), row["n"])
        for row in achievements.values("tech_field").annotate(n=Count("id")).order_by("-n")
    ]
    return render(
        request,
        "portal/holder.html",
        {
            "org": organization,
            "page_obj": paginate(request, achievements.order_by("-published_at"), 20),
            "demands": demands,
            "stats": stats,
            "following": is_following(request.user, "organization", organization.pk),
            "patents": patents,
            "patent_count": patent_count,
        },
    )


@login_required
def workbench(request):
    """The signed-in user's workbench: the work waiting for them first, by role (see portal.workbench)."""
    return render(request, "portal/workbench.html", workbench_context(request.user))
