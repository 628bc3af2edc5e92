"""Pages of fixed-price listings (挂牌): the list with countdowns, publishing one, and the listing page
where buyers register their intention, the holder decides their qualification, withdraws or relists."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.models import Organization
from keqiao.accounts.selectors import user_holder_organizations
from keqiao.common.confirm import confirmation_page
from keqiao.common.errors import DomainError, NotPermitted, add_to_form
from keqiao.common.pagination import paginate
from keqiao.negotiations.choices import DealMode

from . import choices, forms, listings, selectors
from .views import publishable_achievements

LIST_STATUS = {"open": _("Listed"), "closed": _("Ended"), "all": _("All")}


def listing_list(request):
    """Every fixed-price listing, filtered by state, mode and words, open ones first with countdowns."""
    status = request.GET.get("status", "open")
    if status not in LIST_STATUS:
        status = "open"
    qs = filter_listings(request, selectors.listings_public(), status)
    return render(
        request,
        "trading/listings.html",
        {
            "page": paginate(request, qs, 20),
            "status": status,
            "statuses": LIST_STATUS,
            "mode": request.GET.get("mode", ""),
            "modes": DealMode.choices,
            "q": _query(request),
            "now": timezone.now(),
        },
    )


def _query(request) -> str:
    return (request.GET.get("q") or "").replace("\x00", "").strip()[:100]


def filter_listings(request, qs, status: str):
    if status == "open":
        qs = qs.filter(status=choices.ListingStatus.OPEN)
    elif status == "closed":
        qs = qs.exclude(status=choices.ListingStatus.OPEN)
    mode = request.GET.get("mode", "")
    if mode in DealMode.values:
        qs = qs.filter(mode=mode)
    q = _query(request)
    if q:
        qs = qs.filter(achievement__title__icontains=q)
    return qs


@login_required
def listing_new(request):
    """A holder lists one of its published achievements at a fixed price."""
    achievements = publishable_achievements(request.user)
    if not achievements:
        raise Http404
    form = forms.ListingForm(request.POST if request.method == "POST" else None, achievements=achievements)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        achievement = next(a for a in achievements if a.pk == data["achievement"])
        try:
            listing = listings.listing_create(
                by=request.user, organization=achievement.organization, achievement=achievement, data=data
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _("“%(title)s” is listed: check the qualification of the buyers who register.")
                % {"title": achievement.title},
            )
            return redirect(listing)
    return render(request, "trading/listing_new.html", {"form": form}, status=400 if form.errors else 200)


def _buyer_organizations(user, listing):
    return [
        o
        for o in user_holder_organizations(user)
        if o.pk != listing.organization_id and o.is_verified and o.kind not in Organization.GOVERNMENT_KINDS
    ]


def listing(request, pk: int):
    """The listing: terms, the period and its countdown, the rounds, intentions and their qualification."""
    obj = selectors.listing_for(request.user, pk)
    bound: dict = {}
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        response, status = _post(request, obj, bound)
        if response is not None:
            return response
        obj = selectors.listing_for(request.user, pk)
    user = request.user
    holder = selectors.is_holder(user, obj)
    sees = selectors.sees_intentions(user, obj)
    mine = selectors.intention_of(user, obj)
    now = timezone.now()
    organizations = _buyer_organizations(user, obj) if user.is_authenticated and not holder else []
    return render(
        request,
        "trading/listing.html",
        {
            "listing": obj,
            "now": now,
            "running": obj.is_open and now < obj.ends_at,
            "last_day": timezone.localdate(obj.ends_at - datetime.timedelta(seconds=1)),
            "is_holder": holder,
            "sees_intentions": sees,
            "intentions": list(selectors.intentions_for_holder(obj)) if sees else [],
            "mine": mine,
            "rounds": selectors.listing_rounds(obj),
            "events": list(obj.events.select_related("actor").order_by("created_at", "id")),
            "can_intend": obj.is_open and now < obj.ends_at and mine is None and bool(organizations),
            "intention_form": bound.get("intend") or forms.IntentionForm(organizations=organizations),
            "qualify_form": bound.get("qualify"),
            "cancel_form": bound.get("cancel") or forms.CancelForm(),
            "relist_form": bound.get("relist") or forms.RelistForm(),
            "deal_visible": obj.deal_id
            and (sees or (mine is not None and obj.deal.buyer.pk == mine.organization_id)),
        },
        status=status,
    )


def _post(request, obj, bound: dict):
    """Run one action; on refusal keep the bound form so that nothing typed is lost."""
    action = request.POST.get("action", "")
    user = request.user
    if action == "intend":
        form = forms.IntentionForm(request.POST, organizations=_buyer_organizations(user, obj))

        def run(data):
            org = Organization.objects.get(pk=data["organization"])
            listings.intention_register(
                listing=obj, by=user, organization=org, qualification=data["qualification"]
            )
            return _("Your intention was sent to the holder, who checks your qualification.")

    elif action == "qualify":
        form = forms.QualifyForm(request.POST)

        def run(data):
            intention = obj.intentions.filter(pk=data["intention"]).first()
            if intention is None:
                raise Http404
            accept = data["decision"] == "accept"
            listings.intention_decide(intention=intention, by=user, accept=accept, note=data["note"])
            return _("The buyer qualifies.") if accept else _("The buyer does not qualify.")

    elif action == "cancel":
        form = forms.CancelForm(request.POST)
        confirm = confirmation_page(
            request,
            question=_("Withdraw the listing of “%(title)s”?") % {"title": obj.title},
            consequence=_("Intending buyers are told; the listing cannot be reopened."),
            button=_("Withdraw the listing"),
            cancel_url=obj.get_absolute_url(),
        )
        if confirm is not None:
            return confirm, 200

        def run(data):
            listings.listing_cancel(listing=obj, by=user, reason=data["reason"])
            return _("The listing was withdrawn.")

    elif action == "relist":
        form = forms.RelistForm(request.POST)

        def run(data):
            new = listings.listing_relist(listing=obj, by=user, price=data["price"])
            bound["new"] = new
            return _("Relisted: round %(round)d is open.") % {"round": new.round}

    else:
        return None, 400
    bound[action] = form
    if not form.is_valid():
        return None, 400
    try:
        done = run(form.cleaned_data)
    except NotPermitted as exc:
        if action in ("qualify", "cancel", "relist") and not selectors.is_holder(user, obj):
            raise Http404 from exc
        add_to_form(form, exc)
        return None, exc.status_code
    except DomainError as exc:
        add_to_form(form, exc)
        return None, exc.status_code
    messages.success(request, done)
    return redirect(bound.get("new") or obj), 302
