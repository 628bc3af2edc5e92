"""HTTP views for technology demands: parse input, call one service, render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from keqiao.accounts.selectors import user_holder_organizations, user_is_bureau
from keqiao.common import panels
from keqiao.common.errors import DomainError
from keqiao.common.pagination import paginate
from keqiao.common.views import perform_listing_action
from keqiao.search.index import search_listings

from . import selectors, services
from .choices import Status
from .facets import facet_groups
from .forms import DemandForm
from .search import FACETS

PER_PAGE = 20


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def demand_list(request):
    query = request.GET.get("q", "").strip()[:200]
    filters = {name: request.GET.getlist(name) for name in FACETS}
    page = search_listings(
        "demand",
        query,
        filters=filters,
        sort=request.GET.get("sort", "relevance"),
        page=_int(request.GET.get("page"), 1),
        per_page=PER_PAGE,
    )
    context = {
        "page": page,
        "demands": selectors.demands_public_by_ids(page.ids),
        "query": query,
        "facet_groups": facet_groups(page),
        "has_filters": bool(page.filters),
    }
    template = "demands/_results.html" if request.htmx and not request.htmx.boosted else "demands/list.html"
    return render(request, template, context)


def demand_detail(request, pk: int):
    demand = selectors.demand_visible_to(request.user, pk)
    private = selectors.can_see_private(request.user, demand)
    context = {
        "d": demand,
        "private": private,
        "can_edit": selectors.can_edit(request.user, demand),
        "is_bureau": user_is_bureau(request.user),
        "events": selectors.demand_events(demand) if private else None,
    }
    context.update(panels.context_for(request, "demand", demand))
    return render(request, "demands/detail.html", context)


@login_required
def my_demands(request):
    qs = selectors.demands_of_user(request.user)
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    return render(
        request,
        "demands/mine.html",
        {"page_obj": paginate(request, qs, PER_PAGE), "status": status, "statuses": Status.choices},
    )


def _save_form(request, demand=None):
    orgs = list(user_holder_organizations(request.user))
    if not orgs:
        messages.error(request, _("You need to belong to an organisation to publish demands."))
        return redirect("accounts:register")
    org_id = _int(request.POST.get("organization") if request.method == "POST" else None, orgs[0].pk)
    organization = next((o for o in orgs if o.pk == org_id), orgs[0])
    form = DemandForm(
        request.POST or None, instance=demand, initial=None if demand else {"region": organization.region_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = demand is None
            if created:
                demand = services.demand_create(
                    by=request.user, organization=organization, data=form.service_data()
                )
            else:
                services.demand_update(demand=demand, by=request.user, data=form.service_data())
            if "submit" in request.POST:
                try:
                    services.demand_submit(demand=demand, by=request.user)
                except DomainError as exc:
                    messages.error(
                        request,
                        _("Demand “%(title)s” was saved as a draft but not submitted: %(reason)s")
                        % {"title": demand.title, "reason": exc.message},
                    )
                    return redirect(demand.get_absolute_url())
                messages.success(request, str(ACTIONS["submit"][1]) % {"title": demand.title})
            elif created:
                messages.success(
                    request,
                    _("Demand “%(title)s” was saved as a draft; submit it for review when it is complete.")
                    % {"title": demand.title},
                )
            else:
                messages.success(
                    request, _("Your changes to demand “%(title)s” were saved.") % {"title": demand.title}
                )
            return redirect(demand.get_absolute_url())
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                for err in errs:
                    form.add_error(field if field in form.fields else None, err)
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(
        request,
        "demands/form.html",
        {"form": form, "demand": demand, "organizations": orgs, "organization": organization},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def demand_create(request):
    return _save_form(request)


@login_required
def demand_edit(request, pk: int):
    demand = selectors.demand_visible_to(request.user, pk)
    if not selectors.can_see_private(request.user, demand):
        raise Http404
    if not selectors.can_edit(request.user, demand):
        messages.error(request, _("This demand cannot be edited in its current state."))
        return redirect(demand.get_absolute_url())
    return _save_form(request, demand)


ACTIONS = {
    "submit": (
        lambda d, u, p: services.demand_submit(demand=d, by=u),
        gettext_lazy(
            "Demand “%(title)s” was submitted for review; the S&T bureau will tell you its decision."
        ),
    ),
    "approve": (
        lambda d, u, p: services.demand_approve(demand=d, by=u, note=p.get("note", "")),
        gettext_lazy("Demand “%(title)s” was approved and published; the platform now matches it."),
    ),
    "return": (
        lambda d, u, p: services.demand_return(demand=d, by=u, comment=p.get("comment", "")),
        gettext_lazy("Demand “%(title)s” was returned to its owner with your comments."),
    ),
    "close": (
        lambda d, u, p: services.demand_close(demand=d, by=u, note=p.get("note", "")),
        gettext_lazy("Demand “%(title)s” was closed; it no longer appears in searches and matches."),
    ),
    "solve": (
        lambda d, u, p: services.demand_close(demand=d, by=u, note=p.get("note", ""), solved=True),
        gettext_lazy("Demand “%(title)s” is marked as solved and no longer listed."),
    ),
    "renew": (
        lambda d, u, p: services.demand_renew(demand=d, by=u),
        gettext_lazy("The listing of demand “%(title)s” was renewed and stays published."),
    ),
    "revise": (
        lambda d, u, p: services.demand_revise(demand=d, by=u),
        gettext_lazy("Demand “%(title)s” is a draft again; edit it and submit it for review."),
    ),
}

# Irreversible actions: (question, what will happen, button); see keqiao.common.confirm.
CONFIRM = {
    "approve": (
        gettext_lazy("Approve and publish demand “%(title)s”?"),
        gettext_lazy(
            "It is published at once, matched with achievements, and the followers of its field are told."
        ),
        gettext_lazy("Approve and publish"),
    ),
    "return": (
        gettext_lazy("Return demand “%(title)s” to its owner?"),
        gettext_lazy("The owner receives your comments and must revise and submit it again."),
        gettext_lazy("Return to owner"),
    ),
    "solve": (
        gettext_lazy("Mark demand “%(title)s” as solved?"),
        gettext_lazy(
            "It leaves the list, searches and matches and is counted as solved; this cannot be undone."
        ),
        gettext_lazy("Mark as solved"),
    ),
    "close": (
        gettext_lazy("Close demand “%(title)s”?"),
        gettext_lazy(
            "It disappears from the list, searches and matches; publishing it again needs a new review."
        ),
        gettext_lazy("Close"),
    ),
}


@login_required
@require_POST
def demand_action(request, pk: int, action: str):
    demand = selectors.demand_visible_to(request.user, pk)
    return perform_listing_action(
        request,
        demand,
        action,
        ACTIONS,
        may_act=selectors.can_see_private(request.user, demand),
        confirm=CONFIRM,
    )


@login_required
def review_queue(request):
    if not user_is_bureau(request.user):
        raise Http404
    return render(
        request,
        "demands/review_queue.html",
        {"page_obj": paginate(request, selectors.review_queue(), PER_PAGE)},
    )
