"""Pages of listed trading: the trading hall, publishing an auction, the auction room and its live state."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.models import Organization
from keqiao.accounts.selectors import user_holder_organizations, user_is_bureau, user_organization_ids
from keqiao.achievements.models import Achievement
from keqiao.common.confirm import confirmation_page
from keqiao.common.errors import DomainError, NotPermitted, add_to_form
from keqiao.common.pagination import paginate
from keqiao.negotiations.choices import DealMode

from . import choices, forms, selectors, services

HALL_STATUS = {"open": _("Bidding open"), "closed": _("Ended"), "all": _("All")}


def hall(request):
    """The trading hall (交易大厅): auctions with their countdowns, filtered by state, mode and words."""
    status = request.GET.get("status", "open")
    if status not in HALL_STATUS:
        status = "open"
    qs = selectors.auctions_public()
    if status == "open":
        qs = qs.filter(status=choices.AuctionStatus.OPEN)
    elif status == "closed":
        qs = qs.exclude(status=choices.AuctionStatus.OPEN)
    mode = request.GET.get("mode", "")
    if mode in DealMode.values:
        qs = qs.filter(mode=mode)
    q = (request.GET.get("q") or "").replace("\x00", "").strip()[:100]
    if q:
        qs = qs.filter(achievement__title__icontains=q)
    return render(
        request,
        "trading/hall.html",
        {
            "page": paginate(request, qs, 20),
            "status": status,
            "statuses": HALL_STATUS,
            "mode": mode,
            "modes": DealMode.choices,
            "q": q,
            "now": timezone.now(),
            "is_bureau": user_is_bureau(request.user),
            "may_publish": request.user.is_authenticated and bool(_publishable(request.user)),
        },
    )


def _publishable(user):
    return list(
        Achievement.objects.filter(
            organization_id__in=user_organization_ids(user),
            organization__status=Organization.Status.VERIFIED,
            status=Achievement.Status.PUBLISHED,
        )
        .select_related("organization")
        .order_by("-pk")[:200]
    )


@login_required
def auction_new(request):
    """A holder puts one of its published achievements up for auction."""
    achievements = _publishable(request.user)
    if not achievements:
        raise Http404
    form = forms.AuctionForm(request.POST if request.method == "POST" else None, achievements=achievements)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        achievement = next(a for a in achievements if a.pk == data["achievement"])
        try:
            auction = services.auction_create(
                by=request.user, organization=achievement.organization, achievement=achievement, data=data
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _("The auction of “%(title)s” is published: admit the bidders who register.")
                % {"title": achievement.title},
            )
            return redirect(auction)
    return render(request, "trading/auction_new.html", {"form": form}, status=400 if form.errors else 200)


def _live_context(request, auction) -> dict:
    bidder = selectors.bidder_of(request.user, auction)
    now = timezone.now()
    remaining = max(0, int((auction.ends_at - now).total_seconds())) if auction.is_open else 0
    return {
        "auction": auction,
        "bidder": bidder,
        "history": selectors.bid_history(auction),
        "started": now >= auction.starts_at,
        "remaining": remaining,
        "remaining_parts": divmod(remaining, 60),
        "leading_mine": bool(bidder and auction.leading_bidder_id == bidder.pk),
        "reserve_met": auction.bid_count and auction.current_price >= auction.reserve_price,
    }


def auction_live(request, pk: int):
    """The live state of an auction, polled by its page every two seconds (htmx)."""
    auction = selectors.auction_for(request.user, pk)
    return render(request, "trading/_live.html", _live_context(request, auction))


def _eligible_organizations(user, auction):
    return [
        o
        for o in user_holder_organizations(user)
        if o.pk != auction.organization_id and o.is_verified and o.kind not in Organization.GOVERNMENT_KINDS
    ]


def auction(request, pk: int):
    """The auction room: terms, the live state, registering, admitting bidders, bidding, cancelling."""
    auction = selectors.auction_for(request.user, pk)
    bound: dict = {}
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        response, status = _auction_post(request, auction, bound)
        if response is not None:
            return response
        auction = selectors.auction_for(request.user, pk)
    user = request.user
    organiser = selectors.is_organiser(user, auction)
    context = _live_context(request, auction)
    organizations = _eligible_organizations(user, auction) if user.is_authenticated and not organiser else []
    context.update(
        is_organiser=organiser,
        sees_bidders=selectors.sees_bidders(user, auction),
        sees_ledger=user.is_authenticated and selectors.sees_ledger(user, auction),
        bidders=list(selectors.bidders_for_organiser(auction))
        if selectors.sees_bidders(user, auction)
        else [],
        events=list(auction.events.select_related("actor").order_by("created_at", "id")),
        can_register=auction.is_open and context["bidder"] is None and bool(organizations),
        register_form=bound.get("register") or forms.RegisterForm(organizations=organizations),
        bid_form=bound.get("bid") or forms.BidForm(initial={"amount": auction.next_minimum}),
        decide_form=bound.get("decide"),
        cancel_form=bound.get("cancel") or forms.CancelForm(),
    )
    return render(request, "trading/auction.html", context, status=status)


def _auction_post(request, auction, bound: dict):
    """Run one action; on refusal keep the bound form so that nothing typed is lost."""
    action = request.POST.get("action", "")
    user = request.user
    if action == "register":
        form = forms.RegisterForm(request.POST, organizations=_eligible_organizations(user, auction))

        def run(data):
            org = Organization.objects.get(pk=data["organization"])
            services.bidder_register(auction=auction, by=user, organization=org, statement=data["statement"])
            return _("Your registration was sent to the organiser, who admits bidders.")

    elif action == "decide":
        form = forms.DecideForm(request.POST)

        def run(data):
            bidder = auction.bidders.filter(pk=data["bidder"]).first()
            if bidder is None:
                raise Http404
            accept = data["decision"] == "accept"
            services.bidder_decide(bidder=bidder, by=user, accept=accept, note=data["note"])
            done = (
                _("Bidder #%(paddle)d was admitted.") if accept else _("Bidder #%(paddle)d was not admitted.")
            )
            return str(done) % {"paddle": bidder.paddle}

    elif action == "bid":
        form = forms.BidForm(request.POST)

        def run(data):
            bid = services.bid_place(auction=auction, by=user, amount=data["amount"])
            return (
                _("Your bid is the highest; the end was extended.")
                if bid.extended
                else _("Your bid is the highest.")
            )

    elif action == "cancel":
        form = forms.CancelForm(request.POST)
        confirm = confirmation_page(
            request,
            question=_("Cancel the auction of “%(title)s”?") % {"title": auction.title},
            consequence=_("Registered bidders are told; the auction cannot be reopened."),
            button=_("Cancel the auction"),
            cancel_url=auction.get_absolute_url(),
        )
        if confirm is not None:
            return confirm, 200

        def run(data):
            services.auction_cancel(auction=auction, by=user, reason=data["reason"])
            return _("The auction was cancelled.")

    else:
        return HttpResponse(_("Unknown action."), status=400), 400
    bound[action] = form
    if not form.is_valid():
        return None, 400
    try:
        done = run(form.cleaned_data)
    except NotPermitted as exc:
        if action == "decide" and not selectors.is_organiser(user, auction):
            raise Http404 from exc
        add_to_form(form, exc)
        return None, exc.status_code
    except DomainError as exc:
        add_to_form(form, exc)
        return None, exc.status_code
    messages.success(request, done)
    return redirect(auction), 302


@login_required
def auction_ledger(request, pk: int):
    """The bid ledger as JSON (paddle numbers only), for the organiser, the bureau and admitted bidders."""
    auction = selectors.auction_for(request.user, pk)
    if not selectors.sees_ledger(request.user, auction):
        raise Http404
    body = json.dumps(selectors.ledger_document(auction), ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="auction-{auction.pk}-ledger.json"'
    return response
