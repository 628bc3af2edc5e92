"""Views for matches, following, recommendations and classification suggestions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from keqiao.accounts.selectors import user_is_broker, user_organization_ids
from keqiao.achievements.selectors import achievements_public
from keqiao.common import text
from keqiao.common.choices import TechField
from keqiao.common.confirm import confirmation_page
from keqiao.common.errors import DomainError
from keqiao.common.pagination import paginate
from keqiao.common.views import object_or_404
from keqiao.demands.selectors import demands_public
from keqiao.notifications.services import email_resume

from . import marks, selectors, services
from .engine.relevance import query_terms
from .explain import GRADE_HELP, explanation, grade_label
from .index import active_organizations, matches_for
from .models import Frequency
from .suggest import suggest_for


def match_context(request, kind: str, record) -> dict:
    """Context for the matches panel of a listing's detail page (only published listings are matched)."""
    target = "achievement" if kind == "demand" else "demand"
    context = {
        "match_target": target,
        "matches_available": record.is_public,
        "following": selectors.is_following(request.user, kind, record.pk),
        "is_broker": user_is_broker(request.user),
    }
    if record.is_public:
        rows = matches_for(kind, record, k=10)
        pairs = {}
        for row in rows:
            _describe(row)
            achievement, demand = (row.record, record) if kind == "demand" else (record, row.record)
            pair = marks.Pair(achievement.pk, achievement.organization_id, demand.pk, demand.organization_id)
            pairs[pair] = row
            row.push_url = reverse("matching:push") + f"?achievement={achievement.pk}&demand={demand.pk}"
        # Negotiations and recommendations concern the two organisations: only the owner sees them.
        viewer_orgs = user_organization_ids(request.user)
        context["is_owner"] = record.organization_id in viewer_orgs
        if context["is_owner"]:
            found = marks.pair_marks(pairs, set(viewer_orgs))
            _apply_marks(pairs, found)
        context["match_rows"] = rows
        context["too_short"] = too_short(kind, record)
        context["active_orgs"] = active_organizations(kind, record) if kind == "demand" else []
    return context


def match_panel(kind: str):
    """The matches panel of a listing's page, as a provider for keqiao.common.panels."""

    def provide(request, record) -> dict:
        return match_context(request, kind, record)

    provide.__qualname__ = f"match_panel.{kind}"
    return provide


TOO_SHORT = 4  # distinct meaningful words under which a listing is too short to match well


def too_short(kind: str, record) -> bool:
    """Whether a listing says too little to be matched well (filler such as "怎么办" not counted)."""
    fields = ("title", "problem", "indicators") if kind == "demand" else ("title", "summary", "application")
    words = text.tokenize(" ".join(getattr(record, f, "") or "" for f in fields))
    return len(set(query_terms(words))) < TOO_SHORT


def _describe(row) -> None:
    row.explanation = explanation(row.match)
    row.grade_label = grade_label(row.grade)
    row.grade_help = GRADE_HELP.get(row.grade, "")
    row.marks = []


def _apply_marks(rows_by_pair: dict, found: dict) -> None:
    """rows_by_pair: {marks.Pair: row}; found: {(achievement_id, demand_id): labels}."""
    for pair, row in rows_by_pair.items():
        row.marks = found.get((pair.achievement_id, pair.demand_id), [])


def _next(request, default: str) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    return url if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}) else default


_FOLLOWING = gettext_lazy("You follow “%(label)s” now: new matches will reach you.")


@login_required
@require_POST
def follow(request):
    kind, value = request.POST.get("kind", ""), request.POST.get("value", "")
    try:
        if request.POST.get("unfollow"):
            services.subscription_unfollow(user=request.user, kind=kind, value=value)
            messages.success(
                request,
                _("You no longer follow “%(label)s”; it sends you nothing more.")
                % {"label": services.subscription_label(kind, value)},
            )
        else:
            subscription = services.subscription_create(
                user=request.user,
                kind=kind,
                value=value,
                frequency=request.POST.get("frequency", Frequency.DAILY),
            )
            messages.success(request, _FOLLOWING % {"label": subscription.label})
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(_next(request, reverse("matching:subscriptions")))


@login_required
def subscriptions(request):
    if request.method == "POST":
        try:
            if "email_again" in request.POST:
                email_resume(user=request.user)
                messages.success(request, _("You will receive e-mail about what you follow again."))
                return redirect("matching:subscriptions")
            if "delete" in request.POST:
                removed = object_or_404(selectors.subscriptions_of(request.user), request.POST["delete"])
                services.subscription_delete(user=request.user, subscription_id=removed.pk)
                messages.success(
                    request,
                    _("You no longer follow “%(label)s”; it sends you nothing more.")
                    % {"label": removed.label},
                )
            elif "update" in request.POST:
                sub = object_or_404(selectors.subscriptions_of(request.user), request.POST["update"])
                sub = services.subscription_create(
                    user=request.user,
                    kind=sub.kind,
                    value=sub.value,
                    frequency=request.POST.get("frequency", sub.frequency),
                )
                messages.success(
                    request,
                    _("How news of “%(label)s” reaches you was changed to: %(frequency)s.")
                    % {"label": sub.label, "frequency": sub.get_frequency_display()},
                )
            else:
                subscription = services.subscription_create(
                    user=request.user,
                    kind=request.POST.get("kind", ""),
                    value=request.POST.get("value", ""),
                    frequency=request.POST.get("frequency", Frequency.DAILY),
                )
                messages.success(request, _FOLLOWING % {"label": subscription.label})
            return redirect("matching:subscriptions")
        except (DomainError, ValueError) as exc:
            messages.error(request, str(getattr(exc, "message", _("Invalid request."))))
    return render(
        request,
        "matching/subscriptions.html",
        {
            "subscriptions": selectors.subscriptions_of(request.user).order_by("kind", "label"),
            "frequencies": Frequency.choices,
            "fields": TechField.choices,
            "entered": request.POST,
            "opted_out": request.user.email_opt_out,
        },
    )


@login_required
def recommendations(request):
    received = selectors.recommendations_received(request.user)
    sent = selectors.recommendations_sent(request.user)
    if request.method == "POST":
        rec = object_or_404(received, request.POST.get("recommendation"))
        if request.POST.get("answer") != "act":
            page = confirmation_page(
                request,
                question=_("Dismiss the recommendation of “%(title)s”?")
                % {"title": (rec.achievement if rec.direction == "demand" else rec.demand).title},
                consequence=_("The broker is told you are not taking it up; this answer cannot be changed."),
                button=_("Dismiss"),
                cancel_url=reverse("matching:recommendations"),
            )
            if page is not None:
                return page
        try:
            services.recommendation_respond(
                recommendation=rec,
                by=request.user,
                acted=request.POST.get("answer") == "act",
                note=request.POST.get("note", ""),
            )
            messages.success(
                request,
                _("Your answer on “%(title)s” was sent to the broker %(broker)s.")
                % {
                    "title": (rec.demand if rec.direction == "demand" else rec.achievement).title,
                    "broker": rec.broker,
                },
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("matching:recommendations")
    return render(request, "matching/recommendations.html", {"received": received[:100], "sent": sent[:100]})


@login_required
def push(request):
    """A broker writes a recommendation for one achievement–demand pair."""
    if not user_is_broker(request.user):
        raise Http404
    achievement = object_or_404(
        achievements_public(), request.GET.get("achievement") or request.POST.get("achievement")
    )
    demand = object_or_404(demands_public(), request.GET.get("demand") or request.POST.get("demand"))
    if request.method == "POST":
        try:
            services.recommendation_push(
                broker=request.user,
                achievement=achievement,
                demand=demand,
                direction=request.POST.get("direction", "demand"),
                note=request.POST.get("note", ""),
            )
            messages.success(
                request,
                _(
                    "Your recommendation of “%(achievement)s” for “%(demand)s” was sent; you will see its answer here."
                )
                % {"achievement": achievement.title, "demand": demand.title},
            )
            return redirect("matching:recommendations")
        except DomainError as exc:
            messages.error(request, str(exc.message))
    return render(
        request,
        "matching/push.html",
        {"achievement": achievement, "demand": demand, "entered": request.POST},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def broker(request):
    """Brokers' desk: recent published demands and their best achievement matches."""
    if not user_is_broker(request.user):
        raise Http404
    page_obj = paginate(request, demands_public().order_by("-published_at"), 10)
    rows = []
    pairs = {}
    for demand in page_obj:
        matches = matches_for("demand", demand, k=3)
        for row in matches:
            _describe(row)
            pairs[
                marks.Pair(row.record.pk, row.record.organization_id, demand.pk, demand.organization_id)
            ] = row
        rows.append((demand, matches))
    # Brokers see which pairs were already recommended, and how it went (not the parties' negotiations).
    found = selectors.recommendation_marks(list(pairs), None)
    _apply_marks(pairs, found)
    return render(request, "matching/broker.html", {"page_obj": page_obj, "rows": rows})


@require_POST
def suggest(request):
    """Suggested discipline, industry, technology field and keywords for the text typed so far (htmx)."""
    text = " ".join(
        request.POST.get(k, "") for k in ("title", "problem", "indicators", "summary", "application")
    )
    return render(request, "matching/_suggestions.html", {"s": suggest_for(text[:20000])})
